"""Bad input and faults: missing pyspark or Java, configuration mistakes, a task that fails
once (Spark retries it), and a job that fails while writing (nothing left at the target)."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import ConfigError, RecstackError
from recstack.spark import data as sd
from recstack.spark.models import SparkALS
from recstack.spark.session import (
    SparkSettings,
    find_java,
    require_pyspark,
    settings_from_table,
    spark_session,
)


def test_missing_pyspark_gives_the_install_command(monkeypatch):
    monkeypatch.setitem(sys.modules, "pyspark", None)  # import pyspark now fails
    message = r'needs pyspark \(not installed\); install it with: pip install "recstack\[spark\]"'
    with pytest.raises(RecstackError, match=message):
        require_pyspark()
    with pytest.raises(RecstackError, match=message):
        spark_session(SparkSettings(master="local[1]"))


def test_missing_java_says_how_to_get_it(tmp_path):
    with pytest.raises(RecstackError, match=r"needs Java 17 or newer and found none \(no "
                                            r"JAVA_HOME, no java on PATH\)"):
        find_java({"PATH": str(tmp_path)})
    with pytest.raises(RecstackError, match=f"JAVA_HOME={tmp_path} holds no bin/java"):
        find_java({"JAVA_HOME": str(tmp_path)})
    java = tmp_path / "jdk" / "bin" / "java"
    java.parent.mkdir(parents=True)
    java.write_text("")
    assert find_java({"JAVA_HOME": str(tmp_path / "jdk")}) == str(java)


def test_settings_come_from_the_experiment_table_then_the_environment():
    environ = {"RECSTACK_SPARK_MASTER": "spark://head:7077",
               "RECSTACK_SPARK_CONF": '{"spark.executor.memory": "8g", "spark.a": "1"}'}
    from_env = SparkSettings(conf={"spark.a": "2"}).resolved(environ)
    assert from_env.master == "spark://head:7077"
    assert from_env.conf == {"spark.executor.memory": "8g", "spark.a": "2"}  # arguments win
    table = settings_from_table({"master": "yarn", "conf": {"spark.executor.cores": 4}})
    assert table.resolved(environ).master == "yarn"
    assert SparkSettings().resolved({}).master is None  # nothing given: Spark decides
    with pytest.raises(ConfigError, match=r"\[spark\]: unknown key 'mastr'; did you mean "
                                          r"'master'\?"):
        settings_from_table({"mastr": "yarn"})
    with pytest.raises(ConfigError, match="RECSTACK_SPARK_CONF: not valid JSON"):
        SparkSettings().resolved({"RECSTACK_SPARK_CONF": "spark.a=1"})


def _flaky_values(frame, marker: Path):
    """The value column through a UDF whose first call, in whichever task, raises (the
    marker file records that the fault fired); Spark must retry that task."""
    from pyspark.sql import functions as F

    def once(value: float) -> float:
        import os

        if not os.path.exists(marker):
            open(marker, "w").close()
            raise RuntimeError("injected executor failure")
        return value

    return frame.withColumn("value", F.udf(once, "double")(F.col("value")))


def test_a_task_that_fails_once_is_retried_and_the_fit_is_the_same(spark, tmp_path):
    rng = np.random.default_rng(0)
    data = Interactions.from_arrays(rng.integers(0, 40, 600), rng.integers(0, 25, 600))
    train = sd.from_interactions(spark, data)
    clean_users, clean_items = SparkALS(factors=4, iterations=2, blocks=2).fit(
        train).factor_arrays()
    marker = tmp_path / "fault-fired"
    faulty = train.with_frame(_flaky_values(train.frame, marker))
    users, items = SparkALS(factors=4, iterations=2, blocks=2).fit(faulty).factor_arrays()
    assert marker.exists()  # the fault did fire, and the fit still finished
    np.testing.assert_allclose(users @ items.T, clean_users @ clean_items.T, rtol=1e-5,
                               atol=1e-6)


def test_a_failed_write_leaves_nothing_at_the_target(spark, tmp_path):
    from pyspark.sql import functions as F

    def fail_on_seven(value: int) -> int:
        if value == 7:
            raise RuntimeError("injected failure while writing")
        return value

    frame = spark.range(20).repartition(4).withColumn(
        "checked", F.udf(fail_on_seven, "long")(F.col("id")))
    target = tmp_path / "out"
    with pytest.raises(RecstackError, match=f"writing {target} failed, and nothing was "
                                            "written there"):
        sd.write_parquet(frame, target)
    assert not target.exists()
    # the same write without the fault commits every row
    sd.write_parquet(spark.range(20).repartition(4), target)
    assert (target / "_SUCCESS").exists() and spark.read.parquet(str(target)).count() == 20
    with pytest.raises(RecstackError, match="exists; pass overwrite=True"):
        sd.write_parquet(spark.range(3), target)

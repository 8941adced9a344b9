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


def test_a_spark_setting_that_is_a_table_says_to_quote_the_dotted_name():
    """TOML reads an unquoted `spark.executor.memory = "8g"` under [spark.conf] as nested
    tables: Spark got one setting named 'spark' and the memory setting was lost."""
    import tomllib

    table = tomllib.loads('[spark.conf]\nspark.executor.memory = "8g"\n')["spark"]
    with pytest.raises(ConfigError, match=r"^\[spark\]\.conf: 'spark' = .*a Spark setting is "
                                          r"one value .*quote dotted names: "
                                          r"\"spark\.executor\.memory\" = '8g'"):
        settings_from_table(table)
    with pytest.raises(ConfigError, match=r"^RECSTACK_SPARK_CONF: 'spark.a' = \[1\]"):
        SparkSettings().resolved({"RECSTACK_SPARK_CONF": '{"spark.a": [1]}'})


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


# ------------------------------------------------------------------ bad data and settings
@pytest.fixture(scope="module")
def toy(spark):
    data = Interactions.from_arrays([1, 1, 2, 2, 3], [10, 20, 10, 30, 20])
    return sd.from_interactions(spark, data)


@pytest.mark.parametrize(("rows", "schema", "says"), [
    # no column named like user ids: no hint (one machine's words, "for user ids")
    ([(10, 1.0)], "item_id long, value double",
     r"no column 'user_id' for user ids; the columns are: 'item_id', 'value'$"),
    ([(1, 10, "abc")], "user_id long, item_id long, value string",
     r"column 'value': cannot read 'abc' as numbers"),
    ([(1, 10, "yesterday")], "user_id long, item_id long, timestamp string",
     r"column 'timestamp': cannot read 'yesterday' as whole Unix seconds"),
    ([(1, 10, float("nan"))], "user_id long, item_id long, value double",
     r"column 'value': nan on the row .* \(expected a finite number on every row\)"),
    ([(1, 10, float("inf"))], "user_id long, item_id long, value double",
     r"column 'value': inf on the row"),
    ([(1, 10, None)], "user_id long, item_id long, timestamp long",
     r"column 'timestamp': a missing \(null\) value on the row"),
    ([(None, 10)], "user_id long, item_id long",
     r"column 'user_id': a missing \(null\) value .*an id on every row"),
])
def test_bad_columns_and_values_are_refused_when_encoding(spark, rows, schema, says):
    """Before: a raw AnalysisException, a NumberFormatException at the first action, or NaN
    values taken in (NaN scores later)."""
    with pytest.raises(RecstackError, match=rf"^where: {says}"):
        sd.encode(spark.createDataFrame(rows, schema), where="where")


def test_text_numbers_are_read_as_numbers(spark):
    frame = spark.createDataFrame([(1, 10, "4.5", "7")], "user_id long, item_id long, "
                                  "value string, timestamp string")
    row = sd.encode(frame).frame.collect()[0]
    assert row["value"] == 4.5 and row["timestamp"] == 7


def test_a_missing_table_path_is_named(spark, tmp_path):
    with pytest.raises(RecstackError, match=r"nope\.csv: cannot read it as csv \(.*PATH_NOT"):
        sd.read_table(spark, tmp_path / "nope.csv")


@pytest.mark.parametrize(("settings", "says"), [
    ({"factors": 2**31}, r"factors: expected an integer in \[1, 2147483647\]"),
    ({"blocks": 2**40}, r"blocks: expected an integer in \[1, 2147483647\]"),
    ({"seed": 2**63}, r"seed: expected an integer in \[0, 4294967295\]"),  # SEED_MAX
    ({"alpha": float("nan")}, r"alpha: expected a finite number >= 0, got nan"),
])
def test_spark_als_settings_beyond_what_java_holds_are_refused(toy, settings, says):
    """Before: a ClassCastException or NumberFormatException from the JVM."""
    with pytest.raises(ConfigError, match=rf"^SparkALS {says}"):
        SparkALS(iterations=1, **settings).fit(toy)


def test_models_refuse_empty_or_foreign_training_data(toy):
    from recstack.spark.models import SparkItemCooccurrence, SparkPopularity

    empty = toy.with_frame(toy.frame.limit(0))
    for model in (SparkALS(iterations=1), SparkPopularity(), SparkItemCooccurrence()):
        name = type(model).__name__
        with pytest.raises(RecstackError, match=f"^{name}: cannot fit on empty interactions"):
            model.fit(empty)
        with pytest.raises(RecstackError, match=f"^{name}: fit\\(\\) takes SparkInteractions"):
            model.fit(toy.frame)


def test_scoring_and_top_lists_refuse_bad_requests(spark, toy):
    from recstack.spark.evaluation import evaluate_factors, factor_frame
    from recstack.spark.models import SparkPopularity

    als = SparkALS(factors=2, iterations=1).fit(toy)
    with pytest.raises(RecstackError, match=r"no column 'user_index' for the pairs to score"):
        als.score_pairs(spark.createDataFrame([(1,)], "x int"))
    popularity = SparkPopularity().fit(toy)
    assert len(popularity.top(10**12).collect()) == toy.n_items  # not a JVM int overflow
    for k in (-1, 1.5, True):
        with pytest.raises(ConfigError, match=f"SparkPopularity k: expected an integer >= 1, "
                                              f"got {k!r}"):
            popularity.top(k)
    with pytest.raises(RecstackError, match="SparkPopularity: call fit"):
        SparkPopularity().top(3)
    with pytest.raises(RecstackError, match=r"factor_frame \(user_index\): .*got shape \(3,\)"):
        factor_frame(spark, np.ones(3), sd.USER_INDEX)
    with pytest.raises(RecstackError, match="factor_frame .*NaN or infinite"):
        factor_frame(spark, np.full((2, 2), np.nan), sd.USER_INDEX)
    users, items = (factor_frame(spark, f, c) for f, c in zip(
        als.factor_arrays(), (sd.USER_INDEX, sd.ITEM_INDEX), strict=True))
    for ks in ([], [2.7], ["10"]):
        with pytest.raises(ConfigError, match=r"ks must be a non-empty list of positive"):
            evaluate_factors(users, items, toy, toy, ks=ks)
    # a NaN threshold said "no test user has a relevant item", as if the data were at fault
    with pytest.raises(ConfigError, match=r"relevance_threshold must be a finite number or "
                                          r"None, got nan"):
        evaluate_factors(users, items, toy, toy, ks=[2], relevance_threshold=float("nan"))
    with pytest.raises(ConfigError, match=r"graded must be True or False, got 'no'"):
        evaluate_factors(users, items, toy, toy, ks=[2], graded="no")


def test_tables_of_the_wrong_kind_are_refused_by_argument(spark, toy):
    """A pandas side table failed on `.groupBy`, a pandas frame on `.user_index`."""
    import pandas as pd

    with pytest.raises(RecstackError, match=r"^from_interactions\(spark, data\) takes "
                                            "Interactions .*got DataFrame"):
        sd.from_interactions(spark, pd.DataFrame({"user_id": [1], "item_id": [2]}))
    with pytest.raises(RecstackError, match=r"^with_side_tables: the item table must be a "
                                            r"Spark DataFrame, got DataFrame \(recstack"
                                            r"\.spark\.data\.from_pandas\(spark, table\)"):
        sd.with_side_tables(toy, item_table=pd.DataFrame({"item_id": [10]}))

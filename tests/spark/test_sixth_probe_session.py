"""Sixth bad-input probe of the Spark session: master URLs, memory amounts and settings
that Spark would refuse only after its JVM had exited (pyspark then says just "Java gateway
process exited"), are refused by name before anything starts."""

from __future__ import annotations

import pytest

from recstack.errors import ConfigError
from recstack.spark.session import (
    MASTER_ENV,
    SparkSettings,
    setting_text,
    settings_from_table,
)


@pytest.mark.parametrize("master", ["local", "local[2]", "local[*]", "local[2,3]",
                                    "local[*, 4]", "local-cluster[2, 1, 1024]",
                                    "spark://host:7077", "yarn", "k8s://https://host:443"])
def test_the_master_urls_spark_starts_are_accepted(master):
    assert SparkSettings(master=master).resolved(environ={}).master == master


@pytest.mark.parametrize(("master", "said"), [
    ("locl[2]", r"'locl\[2\]' is not a Spark master URL \(did you mean 'local'\?\)"),
    ("local[abc]", r"'local\[abc\]' is not a Spark master URL; expected local, local\[4\]"),
    ("local[0]", r"'local\[0\]' is not a Spark master URL"),  # Spark: zero threads
    (" local[2]", r".*without the spaces around it: 'local\[2\]'"),
    ("Yarn", r".*did you mean 'yarn'\?"),
])
def test_a_master_spark_cannot_start_is_named_before_the_jvm(master, said):
    # before: spark-submit exited and pyspark said only JAVA_GATEWAY_EXITED (local[abc]: a
    # py4j traceback)
    with pytest.raises(ConfigError, match=r"SparkSettings master: " + said):
        SparkSettings(master=master).resolved(environ={})
    with pytest.raises(ConfigError, match=r"\[spark\]\.master: " + said):
        settings_from_table({"master": master})


def test_the_environment_master_is_checked_naming_the_variable():
    with pytest.raises(ConfigError, match=MASTER_ENV + r": 'lokal\[4\]' is not a Spark master"):
        SparkSettings().resolved(environ={MASTER_ENV: "lokal[4]"})
    # an argument wins over the variable, and only it is checked
    assert SparkSettings(master="local[1]").resolved(
        environ={MASTER_ENV: "lokal[4]"}).master == "local[1]"


@pytest.mark.parametrize(("field", "value"), [("master", 5), ("master", ""),
                                              ("checkpoint_dir", 5), ("app_name", ""),
                                              ("app_name", None)])
def test_fields_of_the_wrong_type_are_named(field, value):
    # before: master=5 ended in JAVA_GATEWAY_EXITED, checkpoint_dir=5 in a py4j traceback
    # (Method setCheckpointDir([class java.lang.Integer]) does not exist)
    with pytest.raises(ConfigError, match=rf"SparkSettings {field}: expected non-empty text"):
        SparkSettings(**{field: value}).resolved(environ={})


@pytest.mark.parametrize(("conf", "said"), [
    ({"spark.driver.memory": "2 GB"}, r"'spark.driver.memory' = '2 GB': the driver's memory"),
    ({"spark.driver.memory": "2.5g"}, r"'spark.driver.memory' = '2.5g': the driver's memory"),
    ({"spark.driver.memory": "2gb"}, r".*whole digits and a unit k, m, g or t"),
    ({"spark.driver.memory": 2048}, r"'spark.driver.memory' = 2048: the driver's memory"),
    ({"spark.executor.memory": "1 g"}, r"'spark.executor.memory' = '1 g': an amount of memory"),
    ({"spark.executor.memoryOverhead": "0.5g"}, r".*an amount of memory is whole digits"),
    ({"spark.executor.memory": True}, r".*an amount of memory is whole digits"),
    ({"executor.memory": "8g"}, r"'executor.memory' is not a Spark setting \(spark-submit "
                                r"ignores it with a warning\); did you mean "
                                r"'spark.executor.memory'\?"),
    ({5: "x"}, r"the setting name 5 is not text"),
    ({"spark.task.cpus": float("nan")}, r"'spark.task.cpus' = nan: .* finite number"),
])
def test_settings_spark_would_refuse_or_ignore_are_named(conf, said):
    # before: the memory amounts stopped the JVM (JAVA_GATEWAY_EXITED), executor.memory was
    # ignored with a warning, a non-text name was a py4j traceback
    with pytest.raises(ConfigError, match=r"SparkSettings conf: " + said):
        SparkSettings(master="local[1]", conf=conf).resolved(environ={})
    if isinstance(next(iter(conf)), str):
        with pytest.raises(ConfigError, match=r"\[spark\]\.conf: " + said):
            settings_from_table({"conf": conf})


def test_memory_amounts_spark_reads_are_accepted():
    conf = {"spark.driver.memory": "4G", "spark.executor.memory": "2048",
            "spark.executor.memoryOverhead": "512mb", "spark.driver.maxResultSize": "1g",
            "spark.memory.offHeap.size": 1 << 30, "spark.memory.fraction": 0.6}
    assert SparkSettings(conf=conf).resolved(environ={}).conf == conf


def test_conf_that_is_not_a_mapping_is_named():
    with pytest.raises(ConfigError, match=r"SparkSettings conf: expected a mapping"):
        SparkSettings(conf=[("spark.ui.enabled", "false")]).resolved(environ={})


def test_values_are_written_as_spark_reads_them():
    # Spark's integer settings refuse '4.0' ([INVALID_CONF_VALUE.TYPE_MISMATCH] at the first
    # query); its booleans are spelt in lower case
    assert setting_text(4.0) == "4"
    assert setting_text(0.6) == "0.6"
    assert setting_text(True) == "true"
    assert setting_text(False) == "false"
    assert setting_text("8g") == "8g"


def test_a_whole_float_setting_reaches_spark_as_an_integer(spark):
    from recstack.spark.session import spark_session

    # the running session is reused; its SQL settings take new values
    session = spark_session(SparkSettings(conf={"spark.sql.shuffle.partitions": 3.0}))
    assert session.conf.get("spark.sql.shuffle.partitions") == "3"
    session.conf.set("spark.sql.shuffle.partitions", "4")

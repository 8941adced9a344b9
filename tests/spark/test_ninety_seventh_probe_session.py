"""Ninety-seventh probe, Spark settings: a standalone master with no port or a port past
65535 (``spark://host:port``, ``spark://host:70770``) was taken and failed in the JVM; a
setting named with a capital (``Spark.executor.memory``) or with spaces around it was
passed on, and Spark ignored it; ``RECSTACK_SPARK_CONF`` naming a setting twice kept the
last without a word; ``local[0]`` did not say that a thread count starts at 1; an empty
setting name was "not text"; an executor or driver heap under the 450 MiB Spark needs
(``"spark.executor.memory": 4`` in JSON, read as 4 MiB) failed in the JVM. None of these
need a running Spark. The tests of what is taken pass before and after."""

from __future__ import annotations

import pytest

from recstack.errors import ConfigError
from recstack.spark.session import SparkSettings, settings_from_table


def _refusal(**settings):
    with pytest.raises(ConfigError) as refused:
        SparkSettings(**settings).resolved({})
    return str(refused.value)


@pytest.mark.parametrize("master, address", [
    ("spark://host", "host"), ("spark://host:port", "host:port"),
    ("spark://host:70770", "host:70770"), ("spark://host:0", "host:0"),
    ("spark://:7077", ":7077"), ("spark://host:7077/", "host:7077/"),
    ("spark://a:7077,b", "b"),
])
def test_a_standalone_master_needs_host_and_port(master, address):
    assert _refusal(master=master) == (
        f"SparkSettings master: {master!r} is not a Spark master URL: {address!r} is not "
        "HOST:PORT with a port 1..65535 (e.g. spark://host:7077; several masters "
        "comma-separated)")


@pytest.mark.parametrize("master", ["spark://host:7077", "spark://a:7077,b:7078",
                                    "spark://10.0.0.1:65535", "spark://[::1]:7077"])
def test_a_standalone_master_with_a_port_is_taken(master):
    assert SparkSettings(master=master).resolved({}).master == master


@pytest.mark.parametrize("master, threads", [("local[0]", "0"), ("local[-2]", "-2"),
                                             ("local[0,3]", "0")])
def test_local_with_no_threads_says_the_count_starts_at_one(master, threads):
    assert _refusal(master=master).startswith(
        f"SparkSettings master: {master!r} is not a Spark master URL: local[N] runs N "
        f"threads, at least 1 (got {threads}); expected local, local[4]")


def test_a_table_master_is_checked_alike():
    with pytest.raises(ConfigError, match=r"^\[spark\]\.master: 'spark://h:99999' is not a "
                                          r"Spark master URL: 'h:99999' is not HOST:PORT"):
        settings_from_table({"master": "spark://h:99999"})


def test_a_setting_name_with_a_capital_is_refused_with_the_spelling():
    assert _refusal(conf={"Spark.executor.memory": "4g"}) == (
        "SparkSettings conf: 'Spark.executor.memory' is not a Spark setting (names are "
        "case-sensitive); did you mean 'spark.executor.memory'?")


@pytest.mark.parametrize("name", ["spark.executor.memory ", " spark.executor.cores"])
def test_a_setting_name_with_spaces_is_refused(name):
    assert _refusal(conf={name: "4"}) == (
        f"SparkSettings conf: the setting name {name!r} has spaces around it, so Spark would "
        f"not know it; write {name.strip()!r}")


def test_an_empty_setting_name_is_said_to_be_empty():
    with pytest.raises(ConfigError, match=r"^RECSTACK_SPARK_CONF: the setting name '' is "
                                          r"empty; Spark settings are named like"):
        SparkSettings().resolved({"RECSTACK_SPARK_CONF": '{"": 1}'})


def test_a_setting_given_twice_in_the_environment_is_refused():
    environ = {"RECSTACK_SPARK_CONF": '{"spark.executor.cores": 2, "spark.executor.cores": 4}'}
    with pytest.raises(ConfigError) as refused:
        SparkSettings().resolved(environ)
    # the one rule of recstack's JSON (recstack.strict_json.refuse_repeated_keys)
    assert str(refused.value) == ("RECSTACK_SPARK_CONF: the key 'spark.executor.cores' is "
                                  "given twice in one object; give it once")


def test_distinct_settings_in_the_environment_are_taken():
    environ = {"RECSTACK_SPARK_CONF": '{"spark.executor.cores": 2, "spark.task.cpus": 1}'}
    assert dict(SparkSettings().resolved(environ).conf) == {"spark.executor.cores": 2,
                                                            "spark.task.cpus": 1}


@pytest.mark.parametrize("key, amount, mib, meant", [
    ("spark.executor.memory", 4, "4", " (digits alone are MiB: did you mean '4g'?)"),
    ("spark.executor.memory", "100m", "100", ""),
    ("spark.driver.memory", "200m", "200", ""),
    ("spark.driver.memory", "1024k", "1", ""),
])
def test_a_heap_spark_cannot_start_with_is_refused(key, amount, mib, meant):
    # Spark needs 1.5 x its 300 MiB of reserved memory: 450 MiB
    assert _refusal(conf={key: amount}) == (
        f"SparkSettings conf: {key!r} = {amount!r} is {mib} MiB, but Spark needs at least 450 "
        f"MiB of heap to start (e.g. '4g', '2560m'){meant}")


@pytest.mark.parametrize("key, amount", [("spark.executor.memory", "450m"),
                                         ("spark.executor.memory", "512"),
                                         ("spark.driver.memory", "1g"),
                                         ("spark.executor.memoryOverhead", "100m")])
def test_a_heap_of_450_mib_or_more_is_taken(key, amount):
    assert dict(SparkSettings(conf={key: amount}).resolved({}).conf) == {key: amount}

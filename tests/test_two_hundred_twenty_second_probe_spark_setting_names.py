"""A misspelt Spark setting name was ignored by Spark without a word: a name a slip away from
a setting Spark declares is refused, naming the setting meant (the rule, without Spark)."""

from __future__ import annotations

import pytest

from recstack.spark.session import misspelt_setting

KNOWN = frozenset({"spark.executor.memory", "spark.sql.shuffle.partitions",
                   "spark.ui.enabled", "spark.driver.maxResultSize"})


@pytest.mark.parametrize(("key", "meant"), [
    ("spark.executor.memroy", "spark.executor.memory"),          # two letters swapped
    ("spark.sql.shuffle.partitons", "spark.sql.shuffle.partitions"),  # one missed
    ("spark.ui.enable", "spark.ui.enabled"),
    ("spark.driver.maxresultsize", "spark.driver.maxResultSize"),  # names are case-sensitive
])
def test_a_slip_of_a_known_setting_names_it(key, meant):
    assert misspelt_setting(key, KNOWN) == meant


@pytest.mark.parametrize("key", [
    "spark.executor.memory",          # known
    "spark.hadoop.fs.s3a.endpoint",   # free-form: Hadoop's own settings
    "spark.executorEnv.PATH",
    "spark.yarn.queue",               # registered only on YARN
    "spark.local.dir",                # read by Spark without a declaration, near none
    "spark.cassandra.connection.host",  # a package's setting
])
def test_known_free_form_and_far_names_pass(key):
    assert misspelt_setting(key, KNOWN) is None


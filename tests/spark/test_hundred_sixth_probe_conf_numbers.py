"""Hundred-sixth bad-input probe of Spark settings: a number given as text that only
Python reads (``"1_0"``, another script's digits) reached Spark, which refused it when the
session started (a Java NumberFormatException) or read it as something else."""

from __future__ import annotations

import json

import pytest

from recstack.errors import ConfigError
from recstack.spark.session import SparkSettings, settings_from_table
from recstack.specs import NUMBER_TEXT_RULE


@pytest.mark.parametrize("value, plain", [("1_0", "10"), ("\u0664", "4"), ("0.5_0", "0.5"),
                                          ("2_00", "200")])
def test_a_misspelt_number_is_refused_naming_the_setting(value, plain):
    with pytest.raises(ConfigError, match=rf"^\[spark\].conf: 'spark.sql.shuffle.partitions' = "
                                          rf"'{value}': a number is written in "
                                          rf"{NUMBER_TEXT_RULE} \(e.g. '{plain}'\)"):
        settings_from_table({"conf": {"spark.sql.shuffle.partitions": value}})


def test_the_environment_s_settings_follow_the_rule():
    environ = {"RECSTACK_SPARK_CONF": json.dumps({"spark.executor.cores": "1_6"})}
    with pytest.raises(ConfigError, match=r"'spark.executor.cores' = '1_6': a number is "
                                          r"written in plain ASCII digits"):
        SparkSettings().resolved(environ)


@pytest.mark.parametrize("value", ["10", "0.5", "1e3", " 8 ", "-1", "run_1", "true", "inf",
                                   "org.apache.spark.serializer.KryoSerializer"])
def test_plain_numbers_and_text_are_taken(value):
    settings = settings_from_table({"conf": {"spark.sql.shuffle.partitions": value}})
    assert settings.conf == {"spark.sql.shuffle.partitions": value}


@pytest.mark.parametrize("params, says", [
    ({"factors": "1_6"}, r"SparkALS factors: expected an integer in \[1, \d+\], got '1_6' "
                         rf"\(a number is written in {NUMBER_TEXT_RULE}\)"),
    ({"factors": "16"}, r"got '16' \(a number in quotes is text: write it without them, "
                        r"factors = 16\)"),
    ({"regularization": "0.0_1"}, r"SparkALS regularization: expected a finite number >= 0, "
                                  r"got '0.0_1' \(a number is written in plain ASCII"),
])
def test_a_spark_model_setting_given_as_text_says_how_to_write_it(params, says):
    # before: "expected an integer in [1, 2147483647], got '16'", the quotes unmentioned
    from recstack.spark.models import SparkALS

    with pytest.raises(ConfigError, match=says):
        SparkALS(**params)._validate()

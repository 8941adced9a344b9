"""Ninety-second bad-input probe, the environment: ``RECSTACK_SPARK_CONF="  "`` was "not
valid JSON" while an empty one counted as unset, and a blank ``RECSTACK_SPARK_MASTER`` was
"'  ' is not a Spark master URL"; a blank ``RECSTACK_CACHE`` made a folder named by the
spaces. One rule for every ``RECSTACK_*`` variable: empty or blank is unset. Each test
failed before its fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from recstack.spark.session import CONF_ENV, MASTER_ENV, SparkSettings


@pytest.mark.parametrize("blank", ["", " ", "  \t", "\n"])
def test_a_blank_spark_conf_is_unset(blank):
    assert SparkSettings().resolved({CONF_ENV: blank}).conf == {}


@pytest.mark.parametrize("blank", ["", " ", "  \t"])
def test_a_blank_spark_master_is_unset(blank):
    assert SparkSettings().resolved({MASTER_ENV: blank}).master is None


def test_a_set_conf_still_counts():
    settings = SparkSettings().resolved({CONF_ENV: ' {"spark.a": "1"} ', MASTER_ENV: "yarn"})
    assert settings.conf == {"spark.a": "1"} and settings.master == "yarn"


@pytest.mark.parametrize("blank", ["", "   "])
def test_a_blank_cache_variable_is_the_default_cache(monkeypatch, blank):
    from recstack.data.fetch import default_cache_dir

    monkeypatch.setenv("RECSTACK_CACHE", blank)
    assert default_cache_dir() == Path.home() / ".cache" / "recstack"

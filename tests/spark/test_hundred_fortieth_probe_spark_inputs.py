"""Hundred-fortieth probe of the Spark settings and paths: RECSTACK_SPARK_CONF holding an
integer of thousands of digits (or NaN) was a traceback (or read), by rules of its own
rather than the project's JSON rules; and a path starting with ``~`` that names no home
folder was pathlib's RuntimeError (or, with HOME set empty, a path under ``/``)."""

from __future__ import annotations

import pytest

from recstack.errors import ConfigError
from recstack.spark.data import _location
from recstack.spark.session import SparkSettings


@pytest.mark.parametrize("raw, says", [
    ('{"spark.executor.cores": 1' + "0" * 5000 + "}",
     "RECSTACK_SPARK_CONF: a 5,001-digit integer is too long to be a number here (at most "
     "4,300 digits)"),
    ('{"spark.executor.cores": NaN}', "RECSTACK_SPARK_CONF: NaN is not a JSON number"),
    ('{"spark.executor.cores": 2, "spark.executor.cores": 4}',
     "RECSTACK_SPARK_CONF: the key 'spark.executor.cores' is given twice in one object; "
     "give it once"),
])
def test_the_environment_s_settings_are_read_by_the_json_rules(raw, says):
    with pytest.raises(ConfigError) as refused:
        SparkSettings().resolved({"RECSTACK_SPARK_CONF": raw})
    assert str(refused.value) == says


def test_a_home_of_no_user_is_refused():
    with pytest.raises(ConfigError) as refused:
        _location("~nosuchuser_h140/x.csv", "read_table path")
    assert str(refused.value).startswith(
        "read_table path = '~nosuchuser_h140/x.csv' starts with ~nosuchuser_h140, the home "
        "folder of the user 'nosuchuser_h140', but there is no such user")


def test_an_empty_home_is_refused(monkeypatch):
    monkeypatch.setenv("HOME", "")
    with pytest.raises(ConfigError, match=r"^read_table path = '~/x.csv' starts with ~, the "
                                          r"home folder, but HOME is set empty"):
        _location("~/x.csv", "read_table path")


def test_a_home_folder_path_is_expanded(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    assert _location("~/x.csv", "read_table path") == str(tmp_path / "x.csv")

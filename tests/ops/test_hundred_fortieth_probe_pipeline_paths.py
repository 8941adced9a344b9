"""Hundred-fortieth probe of pipeline files and the pipeline's own JSON: a path written
with ``~`` (``partitions = "~/logs"``) was taken as a folder named ``~`` under the file's
folder, where the command line and experiment files read it as the home folder; a ``~``
naming no home (``~nosuchuser/logs``) was not refused; and a JSON file of the work folder
edited to hold an integer of thousands of digits was "damaged" in Python's words of its
limit (sys.set_int_max_str_digits)."""

from __future__ import annotations

from pathlib import Path

import pytest

from recstack.errors import ConfigError, RecstackError
from recstack.ops.pipeline import _read_json
from recstack.ops.pipeline_config import parse_pipeline


def _parse(data=None, registry=None, **top):
    return parse_pipeline({"data": data or {"partitions": "logs"},
                           "model": {"type": "most_popular"},
                           "registry": registry or {"root": "registry"}, **top},
                          source="p.toml", base="/base")


def test_a_home_folder_path_is_the_home_folder(tmp_path, monkeypatch):
    home = tmp_path / "home"
    monkeypatch.setenv("HOME", str(home))
    pipeline = _parse({"partitions": "~/logs", "items": "~/items.csv"},
                      {"root": "~/registry"}, work="~/work")
    assert pipeline.path(pipeline.data.partitions) == home / "logs"
    assert pipeline.path(pipeline.data.items) == home / "items.csv"
    assert pipeline.path(pipeline.registry.root) == home / "registry"
    assert pipeline.work == home / "work"
    # a relative path is still the file's folder's
    assert _parse().path("logs") == Path("/base/logs")


def test_the_home_folder_rule_holds_for_the_folder_checks(tmp_path, monkeypatch):
    # the work folder HOME/logs/w lies inside partitions = "~/logs", read as the home's
    monkeypatch.setenv("HOME", str(tmp_path))
    work = str(tmp_path / "logs" / "w")
    with pytest.raises(ConfigError, match=rf"work = \"{work}\": lies inside the partitions "
                                          r"folder"):
        _parse({"partitions": "~/logs"}, work=work)


@pytest.mark.parametrize("table, key", [
    ({"data": {"partitions": "~nosuchuser_h140/logs"}}, "partitions"),
    ({"registry": {"root": "~nosuchuser_h140/reg"}}, "root"),
    ({"work": "~nosuchuser_h140/work"}, "work"),
])
def test_a_home_of_no_user_is_refused_naming_the_key(table, key):
    with pytest.raises(ConfigError, match=rf"{key} = \"~nosuchuser_h140/\w+\" starts with "
                                          r"~nosuchuser_h140, the home folder of the user "
                                          r"'nosuchuser_h140', but there is no such user"):
        _parse(**table)


def test_an_empty_home_is_refused(monkeypatch):
    monkeypatch.setenv("HOME", "")
    with pytest.raises(ConfigError, match=r"partitions = \"~/logs\" starts with ~, the home "
                                          r"folder, but HOME is set empty"):
        _parse({"partitions": "~/logs"})


def test_an_endless_integer_in_the_work_folder_s_json_is_named(tmp_path):
    path = tmp_path / "state.json"
    path.write_text('{"runs": [], "seen": ' + "1" + "0" * 5000 + "}")
    with pytest.raises(RecstackError) as refused:
        _read_json(path, "remove it")
    assert str(refused.value) == (
        f"{path}: damaged, not readable JSON (a 5,001-digit integer is too long to be a "
        "number here (at most 4,300 digits)); remove it")

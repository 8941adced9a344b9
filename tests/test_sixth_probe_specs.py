"""Sixth bad-input probe, declared settings: integers past the float range where a number
is expected. TOML reads integers of any length, and float() of one raised OverflowError (a
traceback). Each test failed before its fix."""

from __future__ import annotations

import pytest

from recstack.cli import main
from recstack.config import parse_experiment
from recstack.errors import ConfigError
from recstack.ops.pipeline_config import parse_pipeline

HUGE = 10**400  # past the largest float, about 1.8e308
#: HUGE as a message shows it: its first 60 characters, '...', its last 20 and its length
SHOWN = r"-?10+\.\.\.0{20} \(401 digits\)"


def experiment(**tables):
    return parse_experiment({"data": {"source": "synthetic"}, "split": {"method": "random"},
                             "models": [{"type": "als"}]} | tables, source="x.toml")


@pytest.mark.parametrize("tables, where", [
    ({"split": {"method": "random", "test_fraction": HUGE}}, r"\[split\] test_fraction"),
    ({"evaluation": {"relevance_threshold": -HUGE}}, r"\[evaluation\] relevance_threshold"),
    ({"filters": [{"type": "min_value", "threshold": HUGE}]}, r"\[\[filters\]\] #1 threshold"),
])
def test_a_number_setting_past_the_float_range_is_refused_by_key(tables, where):
    with pytest.raises(ConfigError, match=rf"^x.toml: {where} = {SHOWN}: must be a finite "
                                          "number"):
        experiment(**tables)


@pytest.mark.parametrize("dimension, ends", [
    ({"type": "float", "low": 1, "high": HUGE}, rf"low=1, high={SHOWN}"),
    ({"type": "int", "low": -HUGE, "high": 4}, rf"low={SHOWN}, high=4"),
])
def test_a_search_range_past_the_float_range_is_refused(dimension, ends):
    name = "regularization" if dimension["type"] == "float" else "factors"
    with pytest.raises(ConfigError, match=rf"^x.toml: \[tune\] space.{name}: {ends}: each end "
                                          r"must be a finite number within the float range"):
        experiment(tune={"model": "als", "space": {name: dimension}})


@pytest.mark.parametrize("table, where", [
    ({"drift": {"psi_warn": HUGE}}, r"\[drift\] psi_warn"),
    ({"evaluation": {"margin": HUGE}}, r"\[evaluation\] margin"),
])
def test_a_pipeline_threshold_past_the_float_range_is_refused(table, where):
    raw = {"data": {"partitions": "logs"}, "model": {"type": "als"},
           "registry": {"root": "registry"}} | table
    with pytest.raises(ConfigError, match=rf"^p.toml: {where} = {SHOWN}: must be a finite "
                                          "number"):
        parse_pipeline(raw, source="p.toml", base="/base")


def test_the_command_line_names_the_key_without_a_traceback(tmp_path, capsys):
    path = tmp_path / "exp.toml"
    path.write_text('[data]\nsource = "synthetic"\n[split]\nmethod = "random"\n'
                    f"test_fraction = {HUGE}\n[[models]]\ntype = \"random\"\n")
    assert main(["evaluate", str(path), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"recstack: error: {path}: [split] test_fraction = 1000")
    assert err.rstrip().endswith("must be a finite number")

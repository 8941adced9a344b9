"""The report from an experiment file and from the command line: ``[report]`` writes it at the
end of an evaluation (loading the models it saved), ``recstack report`` writes it for any
results folder, and results.json records what the report shows of the run."""

from __future__ import annotations

import json
import platform

import numpy as np
import pytest

from recstack.cli import main
from recstack.config import parse_experiment
from recstack.errors import ConfigError
from recstack.experiment import run_experiment
from recstack.models.persistence import load_model

from .conftest import RAW


def test_report_table_writes_the_report_and_the_models(tmp_path):
    raw = RAW | {"report": {"html": True, "save_models": True, "projection": "none"}}
    out = tmp_path / "results"
    outcome = run_experiment(parse_experiment(raw, source="small.toml", base=tmp_path),
                             out=out)
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "<html" in page.lower() and "item_knn" in page
    saved = sorted(p.name for p in (out / "models").iterdir())
    assert saved == ["als", "item_knn", "most_popular"]
    # the saved ALS is the fitted one: same scores as the model the run evaluated
    als = load_model(out / "models" / "als")
    users = np.arange(5)
    np.testing.assert_array_equal(als.score_users(users),
                                  outcome.models["als"].score_users(users))
    payload = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert payload["base_folder"] == str(tmp_path)
    assert payload["environment"]["python"] == platform.python_version()
    assert "numpy" in payload["environment"]["packages"]


def test_without_a_report_table_nothing_extra_is_written(tmp_path):
    out = tmp_path / "results"
    run_experiment(parse_experiment(RAW, source="small.toml", base=tmp_path), out=out)
    assert not (out / "report.html").exists()
    assert not (out / "models").exists()


@pytest.mark.parametrize(("table", "message"), [
    ({"htm": True}, r"\[report\] .*'htm'.*did you mean 'html'"),
    ({"projection": "pca"}, r"\[report\] projection"),
    ({"max_points": 2}, r"\[report\] max_points"),
])
def test_a_bad_report_table_names_the_key(table, message):
    with pytest.raises(ConfigError, match=message):
        parse_experiment(RAW | {"report": table}, source="small.toml")


def test_the_report_command(results_dir, tmp_path, capsys):
    out = tmp_path / "page.html"
    code = main(["report", str(results_dir), "--out", str(out), "--projection", "none",
                 "--refit", "none"])
    assert code == 0, capsys.readouterr().err
    assert out.read_text(encoding="utf-8").lower().startswith("<!doctype html")
    assert str(out) in capsys.readouterr().out


def test_the_report_command_on_a_folder_that_is_not_results(tmp_path, capsys):
    code = main(["report", str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 2
    assert str(tmp_path) in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1

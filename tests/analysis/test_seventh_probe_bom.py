"""Seventh bad-input probe, JSON files saved by an editor with a UTF-8 byte-order mark:
``results.json`` of a hand-edited results folder and a pipeline run's ``report.json`` were
refused as damaged ("Unexpected UTF-8 BOM"), although the mark is no part of the JSON (the
serving settings and the data files already read past it)."""

from __future__ import annotations

import codecs
import json
import shutil
from pathlib import Path

import pytest

from recstack.analysis.pipeline_report import write_pipeline_report
from recstack.analysis.results_folder import read_results
from recstack.config import parse_experiment
from recstack.experiment import run_experiment
from tests.analysis.test_pipeline_report_damaged import GOOD

RAW = {
    "name": "tiny",
    "seed": 0,
    "data": {"source": "synthetic:n_users=60,n_items=40,n_interactions=800,seed=3"},
    "split": {"method": "random", "test_fraction": 0.2},
    "evaluation": {"metrics": ["precision", "ndcg"], "ks": [5]},
    "models": [{"type": "most_popular"}],
}


@pytest.fixture(scope="module")
def good(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("results") / "good"
    run_experiment(parse_experiment(RAW, source="tiny.toml", base=Path.cwd()), out=out)
    return out


def _with_bom(path: Path) -> None:
    path.write_bytes(codecs.BOM_UTF8 + path.read_bytes())


def test_results_json_with_a_byte_order_mark_is_read(good, tmp_path):
    folder = tmp_path / "results"
    shutil.copytree(good, folder)
    _with_bom(folder / "results.json")
    assert read_results(folder).labels == read_results(good).labels == ["most_popular"]


def test_a_pipeline_report_json_with_a_byte_order_mark_makes_a_page(tmp_path):
    folder = tmp_path / "run"
    (folder / "report").mkdir(parents=True)
    (folder / "report" / "report.json").write_text(json.dumps(GOOD))
    _with_bom(folder / "report" / "report.json")
    assert write_pipeline_report(folder).exists()

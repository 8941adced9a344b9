"""Seventh bad-input probe, JSON files saved by an editor with a UTF-8 byte-order mark:
``results.json`` of a hand-edited results folder and a pipeline run's ``report.json`` were
refused as damaged ("Unexpected UTF-8 BOM"), although the mark is no part of the JSON (the
serving settings and the data files already read past it)."""

from __future__ import annotations

import codecs
import json
import shutil
from pathlib import Path

from recstack.analysis.pipeline_report import write_pipeline_report
from recstack.analysis.results_folder import read_results
from tests.analysis.test_pipeline_report_damaged import GOOD


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

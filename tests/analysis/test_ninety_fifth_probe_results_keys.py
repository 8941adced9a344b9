"""Ninety-fifth bad-input probe of a results folder, a ``results.json`` with a key given
twice in one object: a hand edit that wrote ``"model": "mine"`` beside the label the file
held, or two files merged, was read as the last of them without a word, and the report
was of another model than the user saw in the file. It is refused naming the file and
the key (the pipeline's report.json likewise)."""

from __future__ import annotations

from pathlib import Path

import pytest

from recstack.analysis.pipeline_report import write_pipeline_report
from recstack.analysis.results_folder import read_results
from recstack.errors import RecstackError


def test_a_label_given_twice_in_one_entry_is_refused(results: Path):
    path = results / "results.json"
    text = path.read_text(encoding="utf-8")
    assert text.count('"model": "most_popular"') == 1
    path.write_text(text.replace('"model": "most_popular"',
                                 '"model": "ease", "model": "most_popular"'), encoding="utf-8")
    with pytest.raises(RecstackError) as caught:
        read_results(results)
    message = str(caught.value)
    assert str(path) in message
    assert "the key 'model' is given twice in one object" in message


def test_a_top_level_key_given_twice_is_refused(results: Path):
    path = results / "results.json"
    text = path.read_text(encoding="utf-8")
    path.write_text('{"models": [], ' + text.lstrip()[1:], encoding="utf-8")
    with pytest.raises(RecstackError, match="the key 'models' is given twice"):
        read_results(results)


def test_the_file_as_written_is_read(results: Path):
    assert [r.model for r in read_results(results).results] == ["most_popular"]


def test_a_pipeline_report_json_with_a_repeated_key_is_refused(tmp_path: Path):
    run = tmp_path / "runs" / "1"
    (run / "report").mkdir(parents=True)
    source = run / "report" / "report.json"
    source.write_text('{"pipeline": "p", "pipeline": "q", "run": 1}', encoding="utf-8")
    with pytest.raises(RecstackError, match="the key 'pipeline' is given twice"):
        write_pipeline_report(run)

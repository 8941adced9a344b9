"""Thirty-ninth bad-input probe of the HTML report: an output path under a file.

``write_report(results, "notes.txt/report.html")`` built the whole report (minutes of
refitting) before the write found that ``notes.txt`` is a file, not a folder, and the page
was lost. It is refused before any work, naming the file in the way."""

from __future__ import annotations

import pytest

from recstack.analysis import report as report_module
from recstack.analysis.report import write_report
from recstack.errors import RecstackError


def _no_build(*args, **kwargs):
    raise AssertionError("the report was built before the output path was checked")


@pytest.mark.parametrize("below", ["report.html", "deeper/report.html"])
def test_an_output_path_under_a_file_is_refused_before_the_report_is_built(
        results_dir, tmp_path, monkeypatch, below):
    (tmp_path / "notes.txt").write_text("keep me")
    monkeypatch.setattr(report_module, "build_report", _no_build)
    with pytest.raises(RecstackError, match=r"cannot write here: .*notes\.txt is a file, not "
                                            r"a folder"):
        write_report(results_dir, tmp_path / "notes.txt" / below)
    assert (tmp_path / "notes.txt").read_text() == "keep me"


def test_missing_folders_above_the_output_are_still_made(results_dir, tmp_path):
    target = tmp_path / "new" / "folder" / "report.html"
    written = write_report(results_dir, target, refit="none", projection=None)
    assert written == target and target.read_text(encoding="utf-8").startswith("<!")

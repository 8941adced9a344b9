"""Fourteenth bad-input probe, the report's options from Python: ``experiment_base`` given
as a number failed with a TypeError from os.path, and a folder that does not exist made
every section that needs the data say it "could not be loaded again", blaming the data
rather than the option; ``progress`` that is no reporter failed with an AttributeError on
``.task`` once the work had begun."""

from __future__ import annotations

import pytest

from recstack.analysis.report import build_report, write_report
from recstack.analysis.results_folder import read_results
from recstack.errors import RecstackError

OPTIONS = {"refit": "none", "projection": None, "interactive": False}


def test_an_experiment_base_that_is_not_a_folder_is_named(results_dir, tmp_path):
    page = tmp_path / "report.html"
    with pytest.raises(RecstackError) as refused:
        write_report(results_dir, page, experiment_base=5, **OPTIONS)
    assert str(refused.value) == ("write_report: experiment_base must be the folder the "
                                  "experiment's relative data paths are taken from (a path), "
                                  "or None, got 5")
    missing = tmp_path / "no-such-folder"
    with pytest.raises(RecstackError) as refused:
        write_report(results_dir, page, experiment_base=missing, **OPTIONS)
    assert str(refused.value).startswith(f"write_report: experiment_base = {str(missing)!r}: "
                                         "no such folder; give the folder the experiment "
                                         "file was in")
    with pytest.raises(RecstackError, match=r"^build_report: experiment_base = .*: is a file"):
        build_report(read_results(results_dir), experiment_base=results_dir / "results.json",
                     refit="none", projection=None)
    assert not page.exists()


def test_a_progress_that_is_no_reporter_is_named(results_dir, tmp_path):
    with pytest.raises(RecstackError, match=r"^write_report\(progress=\.\.\.\) takes a "
                                            r"recstack\.progress reporter .* got int 5$"):
        write_report(results_dir, tmp_path / "report.html", progress=5, **OPTIONS)


def test_an_existing_experiment_base_still_makes_the_page(results_dir, tmp_path):
    from pathlib import Path

    page = write_report(results_dir, tmp_path / "report.html", experiment_base=Path.cwd(),
                        **OPTIONS)
    assert page.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")

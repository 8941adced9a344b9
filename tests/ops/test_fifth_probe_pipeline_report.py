"""Fifth probe: `recstack pipeline report RUN --out` never replaces what the run holds, nor
any other file without --overwrite."""

from __future__ import annotations

import pytest

from recstack.analysis.pipeline_report import write_pipeline_report
from recstack.cli import main
from recstack.errors import RecstackError
from recstack.ops.pipeline import run_pipeline

from .scenario import make_data, write_pipeline


@pytest.fixture(scope="module")
def run_folder(tmp_path_factory):
    folder = make_data(tmp_path_factory.mktemp("fifth-report"))
    return run_pipeline(write_pipeline(folder)).folder


@pytest.mark.parametrize("inside", ["report/report.json", "report/report.txt"])
def test_the_page_is_not_written_over_the_runs_files(run_folder, inside):
    target = run_folder / inside
    before = target.read_bytes()
    # report.json was replaced by the page: no later rebuild could read the run again
    with pytest.raises(RecstackError, match=rf"is {inside} of the run .*which writing the "
                                            r"page there would replace; choose another "
                                            r"--out"):
        write_pipeline_report(run_folder, target)
    assert target.read_bytes() == before


def test_a_folder_is_not_a_page(run_folder):
    with pytest.raises(RecstackError, match=r"is a folder; give the page's file name"):
        write_pipeline_report(run_folder, run_folder)


def test_the_cli_needs_overwrite_for_an_existing_file(run_folder, tmp_path, capsys):
    existing = tmp_path / "old.html"
    existing.write_text("mine")
    assert main(["pipeline", "report", str(run_folder), "--out", str(existing)]) == 2
    assert "already exists; pass --overwrite" in capsys.readouterr().err
    assert existing.read_text() == "mine"
    assert main(["pipeline", "report", str(run_folder), "--out", str(existing),
                 "--overwrite"]) == 0
    assert existing.read_text().startswith("<!DOCTYPE html>")
    # the run's own page is replaced without asking
    assert main(["pipeline", "report", str(run_folder)]) == 0

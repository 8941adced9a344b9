"""Thirty-first bad-input probe: ``write_report(out="x.txt")`` (and the pipeline's page)
wrote the HTML page into a file named for another format, and ``out="pages/"`` into a file
named ``pages``, where ``recstack report --out`` refuses both. Now the argument, the
extension and the right one are named, and nothing is written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from recstack.analysis.pipeline_report import write_pipeline_report
from recstack.analysis.report import write_report
from recstack.errors import RecstackError


@pytest.mark.parametrize("name", ["page.txt", "page.json", "page.HTML.csv"])
def test_a_report_file_named_for_another_format_is_refused(results_dir, tmp_path, name):
    target = tmp_path / name
    with pytest.raises(RecstackError, match=rf"^write_report\(out\): '.*{name}' ends with "
                                            rf"{Path(name).suffix}, but this writes an HTML "
                                            r"page; name the file .html or .htm"):
        write_report(results_dir, target, refit="none", projection=None, interactive=False)
    assert not target.exists()


def test_a_report_path_ending_in_a_slash_is_refused(results_dir, tmp_path):
    # Path() drops the slash: a file named "pages" was written
    with pytest.raises(RecstackError, match=r"^write_report\(out\): '.*pages/' ends with '/', "
                                            r"so it names a folder, but an HTML page is "
                                            r"written here"):
        write_report(results_dir, f"{tmp_path}/pages/", refit="none", projection=None,
                     interactive=False)
    assert not (tmp_path / "pages").exists()


def test_a_pipeline_page_named_for_another_format_is_refused(tmp_path):
    folder = tmp_path / "run"
    (folder / "report").mkdir(parents=True)
    (folder / "report" / "report.json").write_text(json.dumps({"pipeline": "p"}))
    target = tmp_path / "page.md"
    with pytest.raises(RecstackError, match=r"^write_pipeline_report\(out\): '.*page.md' ends "
                                            r"with .md, but this writes an HTML page; .*e.g. "
                                            r".*page.html"):
        write_pipeline_report(folder, target)
    assert not target.exists()

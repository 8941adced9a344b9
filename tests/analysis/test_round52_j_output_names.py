"""Round 52 (J): names ``recstack report --out`` refuses as typed were taken by
``write_report(out=...)``: a name holding a control character (a pasted line break or tab)
and one starting with ``-`` (``"-"`` meant as standard output) were written as files so
named, and a name longer than the file system allows failed with the operating system's
``OSError: File name too long`` from inside the report (the pipeline's page too). Each is
now refused naming the argument, and nothing is written."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from recstack.analysis.pipeline_report import write_pipeline_report
from recstack.analysis.report import write_report
from recstack.errors import RecstackError


def _write(results: Path, out: str) -> Path:
    return write_report(results, out, refit="none", projection=None, interactive=False)


@pytest.mark.parametrize(("name", "control"), [("a\nb.html", "\\n"), ("page\t.html", "\\t"),
                                               ("a\x7fb.html", "\\x7f")])
def test_a_page_name_holding_a_control_character_is_refused(results, tmp_path, monkeypatch,
                                                           name, control):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(RecstackError) as caught:
        _write(results, name)
    message = str(caught.value)
    assert message.startswith(f"write_report(out): {name!r} holds the control character")
    assert control in message
    assert os.listdir(tmp_path) == ["results"]


@pytest.mark.parametrize("name", ["-", "-page.html"])
def test_a_page_name_read_as_standard_output_or_an_option_is_refused(results, tmp_path,
                                                                     monkeypatch, name):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(RecstackError, match=r"^write_report\(out\): .*'-'.*write \./-"):
        _write(results, name)
    assert os.listdir(tmp_path) == ["results"]


def test_the_same_names_written_as_the_refusal_says_are_taken(results, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    written = _write(results, "./-page.html")
    assert (tmp_path / "-page.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert written.name == "-page.html"


def test_a_page_name_too_long_for_the_file_system_is_refused_by_name(results, tmp_path):
    name = "p" * 300 + ".html"
    with pytest.raises(RecstackError, match=r"^write_report\(out\): cannot write there: the "
                                            r"path is a name longer than the file system "
                                            r"allows: .*305 bytes long"):
        _write(results, str(tmp_path / name))


def test_a_pipeline_page_name_too_long_is_refused_by_name(tmp_path):
    folder = tmp_path / "run"
    (folder / "report").mkdir(parents=True)
    (folder / "report" / "report.json").write_text(json.dumps({}), encoding="utf-8")
    with pytest.raises(RecstackError, match=r"^write_pipeline_report\(out\): cannot write "
                                            r"there: the path is a name longer"):
        write_pipeline_report(folder, tmp_path / ("p" * 300 + ".html"))

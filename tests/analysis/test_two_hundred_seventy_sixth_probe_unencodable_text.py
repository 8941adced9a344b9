"""Two-hundred-seventy-sixth probe: text no UTF-8 file can hold, and paths no file system
holds, in what the reports read.

- A results.json holding a lone surrogate (JSON's escape ``"\\ud800"``, half of a UTF-16
  pair) anywhere was read, and the report failed with ``UnicodeEncodeError`` when writing
  its page, or from ``os.path`` when taking a data path apart, naming no field. It is now
  refused naming the field and the character.
- A NUL (``"\\u0000"``) in its ``base_folder`` or a data path was ``ValueError: embedded
  null byte`` from ``os.path``; now refused naming the field.
- A results folder (or a data path) named with bytes that are not UTF-8 (a folder named
  in Latin-1: Python gives such a byte as a surrogate, U+DC80 to U+DCFF) made the page
  fail to be written; such a byte is now shown as U+FFFD, as a file manager shows it.
  The same holds for the pipeline's page."""

from __future__ import annotations

import copy
import json
import os
import shutil
from pathlib import Path

import pytest

from recstack.analysis.pipeline_report import pipeline_report_html
from recstack.analysis.report import Report, Section, render_html, write_report
from recstack.analysis.results_folder import read_results
from recstack.errors import RecstackError

from .test_pipeline_report_damaged import GOOD


def _edit(folder: Path, edit) -> None:
    path = folder / "results.json"
    payload = json.loads(path.read_text(encoding="utf-8"))
    edit(payload)
    # json.dumps writes a lone surrogate as its escape, as a hand edit would
    path.write_text(json.dumps(payload), encoding="utf-8")


@pytest.mark.parametrize(("edit", "named"), [
    (lambda p: p["experiment"].__setitem__("name", "tiny\ud800"),
     "'experiment.name' holds \\ud800 at character 5, half of a UTF-16 surrogate pair"),
    (lambda p: p["experiment"]["data"].__setitem__("source", "\udbff.csv"),
     "'experiment.data.source' holds \\udbff at character 1"),
    (lambda p: p["models"][0]["meta"].__setitem__("protocol", "full \udc00"),
     "'models[1].meta.protocol' holds \\udc00 at character 6"),
    (lambda p: p["experiment"]["evaluation"]["metrics"].__setitem__(1, "nd\ud83dcg"),
     "'experiment.evaluation.metrics[2]' holds \\ud83d at character 3"),
    (lambda p: p.__setitem__("significance", {"x\ud800": "p = 0.5"}),
     "'significance' has the key 'x\\ud800', which holds \\ud800 at character 2"),
])
def test_a_lone_surrogate_in_results_json_is_refused_naming_the_field(results, tmp_path,
                                                                       edit, named):
    _edit(results, edit)
    with pytest.raises(RecstackError) as raised:
        write_report(results, tmp_path / "report.html", refit="none", projection=None,
                     interactive=False)
    message = str(raised.value)
    assert message.startswith(f"{results / 'results.json'}: ")
    assert named in message
    assert "restore it, or rerun `recstack evaluate`" in message
    message.encode("utf-8")  # the message itself can be printed
    assert not (tmp_path / "report.html").exists()


@pytest.mark.parametrize(("edit", "field", "at"), [
    (lambda p: p.__setitem__("base_folder", "/tmp/a\x00b"), "base_folder", 7),
    (lambda p: p["experiment"]["data"].__setitem__("source", "x\x00.csv"),
     "experiment.data.source", 2),
    (lambda p: p["experiment"]["data"].__setitem__("train", "\x00"),
     "experiment.data.train", 1),
])
def test_a_nul_in_a_path_of_results_json_is_refused_naming_the_field(results, edit, field,
                                                                      at):
    _edit(results, edit)
    with pytest.raises(RecstackError) as raised:
        read_results(results)
    message = str(raised.value)
    assert f"'{field}' is " in message
    assert ("expected a path without a NUL character (\\0), which no file name holds "
            f"(here at character {at})") in message


def test_a_results_folder_named_in_latin_1_gets_its_page(good, tmp_path):
    folder = Path(os.fsdecode(bytes(tmp_path) + b"/caf\xe9"))  # not UTF-8: caf\udce9
    shutil.copytree(good, folder)
    page = write_report(folder, refit="none", projection=None, interactive=False)
    assert page == folder / "report.html"
    text = page.read_text(encoding="utf-8")
    assert f"results folder {os.fsdecode(tmp_path)}/caf\ufffd." in text


def test_a_data_path_named_in_latin_1_is_no_damage(results, tmp_path):
    # a byte of a file name that is not UTF-8 is text a path may hold: not refused
    _edit(results, lambda p: p["experiment"]["data"].__setitem__("train", "d\udce9.csv"))
    assert read_results(results).results
    page = write_report(results, tmp_path / "report.html", refit="none", projection=None,
                        interactive=False).read_text(encoding="utf-8")
    assert "d\ufffd.csv" in page


def test_a_page_built_from_python_text_with_a_lone_surrogate_can_be_written():
    page = render_html(Report("recstack report: x\ud800", [Section("s", "S\udce9")], []),
                       interactive=False)
    page.encode("utf-8")
    assert "<title>recstack report: x\\ud800</title>" in page
    assert "<h2>S\ufffd</h2>" in page


def test_the_pipeline_page_of_a_partition_named_in_latin_1_can_be_written():
    report = copy.deepcopy(GOOD)
    report["partitions"] = [os.fsdecode(b"2019-0\xe9"), *report["partitions"][1:]]
    page = pipeline_report_html(report)
    page.encode("utf-8")
    assert "2019-0\ufffd .. " in page

"""Hundred-eighty-fourth bad-input probe of the reports: an empty ``results.json`` (a run
cut short, a copy that did not finish) was ":1: not valid JSON (Expecting value)", as if a
character of it were wrong, and an empty pipeline ``report.json`` "not valid JSON
(Expecting value: line 1 column 1 (char 0))". Both say now that the file is empty."""

from __future__ import annotations

import pytest

from recstack.analysis import write_report
from recstack.analysis.pipeline_report import write_pipeline_report
from recstack.errors import RecstackError


@pytest.mark.parametrize("content", [b"", b"\xef\xbb\xbf\n"], ids=["empty", "bom only"])
def test_an_empty_results_file(tmp_path, content):
    (tmp_path / "results.json").write_bytes(content)
    with pytest.raises(RecstackError) as raised:
        write_report(tmp_path)
    assert str(raised.value) == (
        f"{tmp_path / 'results.json'}: is empty ({len(content)} bytes): a run cut short or a copy "
        "that did not finish; rerun `recstack evaluate`")


def test_an_empty_pipeline_report(tmp_path):
    (tmp_path / "report").mkdir()
    (tmp_path / "report" / "report.json").write_bytes(b"")
    with pytest.raises(RecstackError) as raised:
        write_pipeline_report(tmp_path)
    assert str(raised.value) == (
        f"{tmp_path / 'report' / 'report.json'}: is empty (0 bytes): a run cut short or a "
        "copy that did not finish; run the pipeline's report step again")

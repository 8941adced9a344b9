"""``pipeline_report_html`` given a dictionary from Python: one it cannot draw is refused as
``report.json`` is, naming the field (it was a bare KeyError or TypeError, or a NaN margin
drawn on the page); numpy numbers and tuples are taken as the JSON values they stand for."""

from __future__ import annotations

import copy
import datetime as dt

import numpy as np
import pytest

from recstack.analysis.pipeline_report import check_step_output, pipeline_report_html
from recstack.errors import ConfigError, RecstackError

from .test_pipeline_report_damaged import GOOD


def _edited(edit):
    report = copy.deepcopy(GOOD)
    edit(report)
    return report


@pytest.mark.parametrize(("report", "message"), [
    ({}, r"^pipeline_report_html\(report\): missing 'pipeline' \(the pipeline's name\)"),
    ([1], r"^pipeline_report_html\(report\): expected .* got a list"),
    (_edited(lambda r: r.pop("quality")), r"missing 'quality' \(an object\)"),
    (_edited(lambda r: r["evaluation"].__setitem__("margin", float("nan"))),
     r"'evaluation\.margin' is NaN; expected a finite number >= 0"),
    (_edited(lambda r: r["train"].__setitem__("fit_seconds", float("inf"))),
     r"'train\.fit_seconds' is Infinity"),
    (_edited(lambda r: r["drift"]["measures"].__setitem__("psi", "x")),
     r"'drift\.measures\.psi' is \"x\"; expected a number or null"),
    (_edited(lambda r: r["quality"]["checks"][0].__setitem__("status", "<b>x</b>")),
     r"expected passed, warned, failed or skipped"),
    # values no JSON file holds were json.dumps's own TypeError inside the message
    (_edited(lambda r: r["train"].__setitem__("rows", {1, 2})),
     r"'train\.rows' is \{1, 2\} \(a set\); expected a count"),
    (_edited(lambda r: r["train"].__setitem__("fit_seconds", dt.date(2020, 1, 2))),
     r"'train\.fit_seconds' is datetime\.date\(2020, 1, 2\) \(a date\)"),
])
def test_a_dictionary_the_page_cannot_show_is_refused_by_field(report, message):
    with pytest.raises(RecstackError, match=message) as caught:
        pipeline_report_html(report)
    assert "give the dictionary of a run's report/report.json" in str(caught.value)


def test_numpy_numbers_and_tuples_are_their_json_values():
    report = _edited(lambda r: r.update(partitions=("2019-01", "2019-02")))
    report["train"].update(rows=np.int64(1234), fit_seconds=np.float32(1.5),
                           params={"factors": np.int64(64)})
    report["evaluation"]["publish"] = np.bool_(True)
    page = pipeline_report_html(report)
    assert "<td>1,234</td>" in page          # rows with a thousands separator
    assert "<td>1.50</td>" in page           # seconds to two decimals
    assert "{&quot;factors&quot;: 64}" in page
    assert "2019-01 .. 2019-02 (2)" in page  # the partitions, first .. last (count)
    # the caller's dictionary is left as it was
    assert isinstance(report["train"]["rows"], np.int64)


def test_the_page_of_a_good_dictionary_is_unchanged():
    page = pipeline_report_html(GOOD)
    assert "Pipeline p: run r1" in page and "<td>10</td>" in page


def test_misspelt_arguments_are_named():
    with pytest.raises(ConfigError, match=r"^pipeline_report_html\(\) has no argument "
                       r"'reprt' \(did you mean 'report'\?\)"):
        pipeline_report_html(reprt=GOOD)
    with pytest.raises(ConfigError, match=r"^check_step_output\(\) has no argument 'stp' "
                       r"\(did you mean 'step'\?\)"):
        check_step_output("x.json", stp="check", payload={}, remedy="")

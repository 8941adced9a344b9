"""`recstack pipeline report` on a damaged or foreign report.json: one error naming the file
and the field, and no page written."""

from __future__ import annotations

import copy
import json

import pytest

from recstack.analysis.pipeline_report import write_pipeline_report
from recstack.errors import RecstackError

GOOD = {
    "pipeline": "p", "run": "r1", "partitions": ["2019-01", "2019-02"],
    "quality": {"summary": {"passed": 1, "warned": 0, "failed": 0},
                "new_partitions": ["2019-02"],
                "checks": [{"check": "schema", "status": "passed", "count": 0}]},
    "drift": {"reference": ["2019-01"], "new": ["2019-02"], "flagged": [],
              "measures": {"psi": 0.1}},
    "train": {"model": "als", "window": "all", "partitions": ["2019-01"], "rows": 10,
              "fit_seconds": 1.0},
    "evaluation": {"metric": "ndcg@10", "margin": 0.01, "publish": True, "reason": "ok",
                   "candidate_mean": 0.2},
    "publish": {"published": True, "name": "m", "version": 1},
}


def _write(tmp_path, report):
    folder = tmp_path / "run"
    (folder / "report").mkdir(parents=True)
    (folder / "report" / "report.json").write_text(json.dumps(report))
    return folder


def test_a_whole_report_makes_a_page(tmp_path):
    assert write_pipeline_report(_write(tmp_path, GOOD)).exists()


def _edited(edit):
    report = copy.deepcopy(GOOD)
    edit(report)
    return report


@pytest.mark.parametrize(("report", "message"), [
    ([1], "expected a JSON object .*got a list"),
    (_edited(lambda r: r.pop("quality")), r"missing 'quality' \(an object\)"),
    (_edited(lambda r: r["quality"]["checks"].append(5)),
     r"'quality.checks\[1\]' is 5; expected a check as an object"),
    (_edited(lambda r: r["quality"]["checks"][0].pop("status")),
     r"missing 'quality.checks\[0\].status'"),
    (_edited(lambda r: r["evaluation"].__setitem__("margin", "x")),
     "'evaluation.margin' is \"x\"; expected a number"),
    (_edited(lambda r: r["train"].__setitem__("rows", True)), "'train.rows' is true"),
    (_edited(lambda r: r.__setitem__("partitions", [])), "'partitions' is \\[\\]; expected a non"),
    (_edited(lambda r: r["publish"].pop("name")), "missing 'publish.name'"),
    (_edited(lambda r: r["evaluation"].__setitem__("candidate_mean", "x")),
     "'evaluation.candidate_mean' is \"x\"; expected a number or null"),
])
def test_a_damaged_report_names_the_file_and_field(tmp_path, report, message):
    folder = _write(tmp_path, report)
    with pytest.raises(RecstackError, match=message) as caught:
        write_pipeline_report(folder)
    assert str(folder / "report" / "report.json") in str(caught.value)
    assert not (folder / "report" / "report.html").exists()

"""Seventy-first probe, pipeline runs: a sliding window longer than the partitions there
are trained on fewer without a word; a gate whose min_users no model can meet ended each
run "not published" (exit status 0), the reason not on the result line that --quiet
prints; a value JSON cannot hold (an infinite rating among the examples) was written into
check.failed.json as ``Infinity``; negative timestamps passed without a timestamp_floor."""

from __future__ import annotations

import json

import numpy as np
import pytest

from recstack.cli import main
from recstack.ops.pipeline import _json_text, run_pipeline
from recstack.ops.quality import QualityFailure
from tests.ops.scenario import add_month, month_frame, next_month, write_pipeline


def _strict(path):
    """A JSON file read by a reader that refuses NaN and Infinity (as JavaScript's does)."""
    def refuse(constant):
        raise ValueError(f"{path}: {constant} is not JSON")
    return json.loads(path.read_text(encoding="utf-8"), parse_constant=refuse)


def _checks(run_folder):
    quality = json.loads((run_folder / "check" / "quality.json").read_text())
    return {check["check"]: check for check in quality["checks"]}


def test_a_sliding_window_longer_than_the_partitions_is_warned(folder):
    path = write_pipeline(folder)
    path.write_text(path.read_text().replace('window = "expanding"',
                                             'window = "sliding"\npartitions = 10'))
    outcome = run_pipeline(path)
    check = _checks(outcome.folder)["training_window"]
    # 4 monthly partitions: the newest evaluates, the 3 before it train, not 10
    assert check["status"] == "warned"
    assert check["message"] == (
        "[training] partitions = 10: the sliding window asks for 10 partitions, but only 3 "
        "precede the newest, so the model is trained on 2019-01 .. 2019-03 (3 partition(s)), "
        "not 10")
    assert outcome.report["quality"]["summary"]["warned"] >= 1
    text = (outcome.folder / "report" / "report.txt").read_text()
    assert "WARNED  training_window: [training] partitions = 10" in text
    assert outcome.report["train"]["partitions"] == ["2019-01", "2019-02", "2019-03"]


@pytest.mark.parametrize(("training", "span", "count"), [
    ('window = "expanding"', "2019-01 .. 2019-03", 3),
    ('window = "sliding"\npartitions = 3', "2019-01 .. 2019-03", 3),
    ('window = "sliding"\npartitions = 1', "2019-03", 1),
])
def test_a_window_the_partitions_fill_passes_naming_its_span(folder, training, span, count):
    path = write_pipeline(folder)
    path.write_text(path.read_text().replace('window = "expanding"', training))
    check = _checks(run_pipeline(path).folder)["training_window"]
    assert check["status"] == "passed"
    assert check["count"] == count and span in check["message"]


def test_an_unreachable_min_users_says_why_on_the_result_line(folder, capsys):
    path = write_pipeline(folder)
    path.write_text(path.read_text().replace("margin = 0.01",
                                             "margin = 0.01\nmin_users = 100000"))
    # the first model is published (nothing to compare with, said on stderr); the next
    # run compares
    with pytest.warns(UserWarning, match="fewer than \\[evaluation\\] min_users = 100000"):
        assert main(["pipeline", "run", str(path), "--quiet"]) == 0
    assert capsys.readouterr().out.strip() == "result: published as shop@1"
    add_month(folder, "2019-05", next_month(folder))
    # a gate refusal is not an error: exit status 0, the reason on the one line printed
    assert main(["pipeline", "run", str(path), "--quiet"]) == 0
    line = capsys.readouterr().out.strip()
    users = next_month(folder)["user_id"].nunique()  # every rating is relevant (no threshold)
    assert line.startswith("result: not published: only ")
    assert "(min_users = 100000): no fair comparison" in line
    assert line.endswith(f"the evaluation window 2019-05 has only {users:,} user(s) with a "
                         f"relevant row, so [evaluation] min_users = 100000 cannot be met "
                         f"by any model: lower it to at most {users:,}")


def test_a_reachable_min_users_keeps_the_gate_reason(folder):
    path = write_pipeline(folder)
    run_pipeline(path)
    add_month(folder, "2019-05", next_month(folder))
    report = run_pipeline(path).report
    assert "cannot be met" not in report["evaluation"]["reason"]
    line = (run_pipeline(path).folder / "report" / "report.txt").read_text().splitlines()[-1]
    assert line.startswith("result: ")


def test_infinite_values_are_not_written_as_json_infinity(folder):
    frame = month_frame(folder, "2019-02")
    frame.loc[:2, "value"] = np.inf
    frame.loc[3:4, "value"] = -np.inf
    add_month(folder, "2019-02", frame)
    with pytest.raises(QualityFailure, match="quality check 'range' failed in partition "
                                             "2019-02"):
        run_pipeline(write_pipeline(folder))
    (failed,) = (folder / "shop.pipeline" / "runs").glob("*/check.failed.json")
    report = _strict(failed)  # before: "Infinity", which no strict JSON reader takes
    (check,) = [c for c in report["checks"]
                if c["check"] == "range" and c["partition"] == "2019-02"]
    assert check["count"] == 5 and sorted(check["examples"]) == ["-inf", "-inf", "inf",
                                                                 "inf", "inf"]


@pytest.mark.parametrize("value", [float("nan"), float("inf"), -float("inf"), np.float64("nan"),
                                   np.float32("inf")])
def test_step_files_write_null_for_numbers_json_cannot_hold(value):
    text = _json_text({"a": value, "b": [1.5, value, {"c": value}], "d": (value,),
                       "e": np.array([value, 2.0])})
    assert json.loads(text) == {"a": None, "b": [1.5, None, {"c": None}], "d": [None],
                                "e": [None, 2.0]}


def test_negative_timestamps_without_a_floor_are_counted(folder):
    frame = month_frame(folder, "2019-02")
    frame.loc[:9, "timestamp"] = -5  # ten rows at 1969-12-31T23:59:55Z
    add_month(folder, "2019-02", frame)
    with pytest.raises(QualityFailure, match=r"quality check 'before_floor' failed in "
                                             r"partition 2019-02: 10 negative timestamps "
                                             r"\(before 1970-01-01; no timestamp_floor "
                                             r"declared"):
        run_pipeline(write_pipeline(folder))


def test_a_drift_reference_longer_than_the_partitions_is_warned(folder):
    path = write_pipeline(folder, extra="\n[drift]\nreference_partitions = 6\n")
    outcome = run_pipeline(path)
    check = _checks(outcome.folder)["drift_reference"]
    assert check["status"] == "warned" and check["count"] == 3
    assert check["message"] == (
        "[drift] reference_partitions = 6: the drift reference asks for 6 partitions, but "
        "only 3 precede the newest, so drift is measured against 2019-01 .. 2019-03 (3 "
        "partition(s)), not 6")
    assert outcome.report["drift"]["reference"] == ["2019-01", "2019-02", "2019-03"]


def test_a_drift_reference_the_partitions_fill_passes(folder):
    check = _checks(run_pipeline(write_pipeline(folder)).folder)["drift_reference"]
    assert check["status"] == "passed" and check["message"] == ("drift reference: 2019-03 (1 "
                                                                "partition(s))")

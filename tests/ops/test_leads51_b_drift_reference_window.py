"""Drift against a reference of several partitions (``[drift] reference_partitions > 1``).

The reference is the union of the partitions' rows, each row weighing one; but user
activity (interactions per active user) was counted over the whole reference, so a user's
three months were set against the newest month alone and a steady log was flagged as a
shift of user activity. It is now counted a partition at a time. Also: more partitions
asked than there are, an empty partition in the window, and counts below 1."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from recstack.data.interactions import Interactions
from recstack.errors import ConfigError, RecstackError
from recstack.ops.drift import measure_drift
from recstack.ops.pipeline import run_pipeline
from recstack.ops.quality import QualityFailure
from tests.ops.scenario import add_month, month_frame, write_pipeline


# ------------------------------------------------------------------ measure_drift itself
def _window(rows: list[tuple[str, str]]) -> Interactions:
    return Interactions.from_frame(pd.DataFrame(rows, columns=["user_id", "item_id"]))


# reference: partition p1 then p2; u1 is active in both (two rows in each)
REFERENCE_ROWS = [("u1", "i1"), ("u1", "i2"), ("u2", "i1"),            # p1
                  ("u1", "i3"), ("u1", "i1"), ("u3", "i2")]            # p2
REFERENCE_PARTITIONS = ["p1", "p1", "p1", "p2", "p2", "p2"]
NEW_ROWS = [("u1", "i1"), ("u1", "i2"), ("u2", "i3"), ("u4", "i1")]


def test_user_activity_of_a_reference_of_partitions_is_counted_per_partition():
    report = measure_drift(_window(REFERENCE_ROWS), _window(NEW_ROWS),
                           reference_partitions=REFERENCE_PARTITIONS)
    # per (user, partition): p1 u1 2, u2 1; p2 u1 2, u3 1. New: u1 2, u2 1, u4 1
    expected = stats.ks_2samp([2, 1, 2, 1], [2, 1, 1])
    assert report.measures["user_activity_ks"] == pytest.approx(expected.statistic)
    assert report.measures["user_activity_ks_p_value"] == pytest.approx(expected.pvalue)
    # the rest takes the reference's rows together: u4 is the one new user, of 4 new rows
    assert report.reference_rows == 6
    assert report.measures["new_user_share"] == pytest.approx(1 / 4)


def test_without_partitions_user_activity_is_counted_over_the_whole_reference():
    report = measure_drift(_window(REFERENCE_ROWS), _window(NEW_ROWS))
    # u1 4, u2 1, u3 1 against u1 2, u2 1, u4 1
    expected = stats.ks_2samp([4, 1, 1], [2, 1, 1])
    assert report.measures["user_activity_ks"] == pytest.approx(expected.statistic)


def test_a_partition_without_rows_adds_no_activity():
    # a window of p1 and an empty p2 has rows (and labels) of p1 alone: a user is counted
    # only where active, so the empty partition adds no zero counts, and the measures are
    # those of p1 by itself
    one = measure_drift(_window(REFERENCE_ROWS[:3]), _window(NEW_ROWS),
                        reference_partitions=["p1"] * 3)
    plain = measure_drift(_window(REFERENCE_ROWS[:3]), _window(NEW_ROWS))
    assert one.measures == plain.measures


@pytest.mark.parametrize(("partitions", "message"), [
    (["p1"] * 5, r"reference_partitions holds 5 labels, but the reference has 6 rows; give "
                 r"the partition of each reference row"),
    ([["p1"]] * 6, r"reference_partitions must be a flat sequence of partition labels"),
    (["p1", None, "p1", "p2", "p2", "p2"], r"reference_partitions has no label for 1 row "
                                            r"\(e\.g\. row 1\)"),
])
def test_reference_partitions_that_do_not_fit_the_rows_are_refused(partitions, message):
    with pytest.raises(RecstackError, match=message):
        measure_drift(_window(REFERENCE_ROWS), _window(NEW_ROWS),
                      reference_partitions=partitions)


# ------------------------------------------------------------------ the pipeline's window
def _drift_json(run_folder: Path) -> dict:
    return json.loads((run_folder / "drift" / "drift.json").read_text(encoding="utf-8"))


def _checks(run_folder: Path) -> dict:
    quality = json.loads((run_folder / "check" / "quality.json").read_text(encoding="utf-8"))
    return {check["check"]: check for check in quality["checks"]}


def test_a_steady_log_against_three_partitions_is_not_a_shift_of_activity(folder):
    outcome = run_pipeline(write_pipeline(folder,
                                          extra="\n[drift]\nreference_partitions = 3\n"))
    drift = _drift_json(outcome.folder)
    months = ["2019-01", "2019-02", "2019-03"]
    assert drift["reference"] == months and drift["new"] == ["2019-04"]
    frames = [month_frame(folder, month) for month in months]
    newest = month_frame(folder, "2019-04")
    # the union of the three months' rows, each weighing one
    assert drift["reference_rows"] == sum(len(frame) for frame in frames)
    ratings = stats.ks_2samp(pd.concat(frames)["value"], newest["value"])
    assert drift["measures"]["rating_ks"] == pytest.approx(ratings.statistic)
    # activity a month at a time on both sides
    per_month = np.concatenate([frame["user_id"].value_counts().to_numpy() for frame in frames])
    activity = stats.ks_2samp(per_month, newest["user_id"].value_counts().to_numpy())
    assert drift["measures"]["user_activity_ks"] == pytest.approx(activity.statistic)
    assert drift["measures"]["user_activity_ks_p_value"] == pytest.approx(activity.pvalue)
    # the generator's months are alike: counted over three months, this was PSI 0.37 and
    # D 0.19 at p < 1e-4, both flagged
    assert "user_activity_psi" not in drift["flagged"]
    assert "user_activity_ks" not in drift["flagged"]


def test_more_partitions_asked_than_there_are_use_all_and_warn(folder):
    outcome = run_pipeline(write_pipeline(
        folder, extra="\n[drift]\nreference_partitions = 1000000000000\n"))
    assert _drift_json(outcome.folder)["reference"] == ["2019-01", "2019-02", "2019-03"]
    check = _checks(outcome.folder)["drift_reference"]
    assert check["status"] == "warned" and check["count"] == 3


def test_an_empty_partition_in_the_window_stops_the_run_at_the_quality_check(folder):
    add_month(folder, "2019-03", month_frame(folder, "2019-03").iloc[:0])
    with pytest.raises(QualityFailure, match=r"quality check 'empty' failed in partition "
                                             r"2019-03: the partition has no rows; nothing "
                                             r"was trained"):
        run_pipeline(write_pipeline(folder, extra="\n[drift]\nreference_partitions = 2\n"))


@pytest.mark.parametrize("count", ["0", "-1"])
def test_a_count_below_one_is_refused(folder, count):
    with pytest.raises(ConfigError, match=rf"\[drift\] reference_partitions = {count}: must "
                                          r"be >= 1"):
        run_pipeline(write_pipeline(folder,
                                    extra=f"\n[drift]\nreference_partitions = {count}\n"))

"""Seventy-first probe, quality checks: negative timestamps (before 1970) passed the checks
without a word when no timestamp_floor was declared (with no period, as in a direct call,
nothing else looked at them)."""

from __future__ import annotations

import pyarrow as pa

from recstack.ops.quality import QualitySpec, check_partition


def _table(times):
    n = len(times)
    return pa.table({"user_id": list(range(n)), "item_id": [1] * n, "value": [3.0] * n,
                     "timestamp": times})


def _before_floor(times, spec=None):
    results = check_partition(_table(times), spec or QualitySpec(), rating_range=(1.0, 5.0),
                              now=1_700_000_000)
    return {r.check: r for r in results}["before_floor"]


def test_negative_timestamps_fail_without_a_floor():
    check = _before_floor([-1, -86400, 10, 20])
    assert (check.status, check.count, check.share) == ("failed", 2, 0.5)
    assert check.message.startswith("2 negative timestamps (before 1970-01-01")
    assert check.examples == ["1969-12-31T23:59:59Z", "1969-12-31T00:00:00Z"]


def test_their_thresholds_are_the_before_floor_ones():
    spec = QualitySpec.from_table({"before_floor": {"warn": 0.1, "fail": 0.6}})
    assert _before_floor([-1, -2, 10, 20], spec).status == "warned"


def test_without_negative_times_the_check_stays_skipped():
    check = _before_floor([0, 10, 20])  # second 0 is the epoch itself, not before it
    assert check.status == "skipped" and "no timestamp_floor declared" in check.message


def test_a_declared_floor_still_decides():
    spec = QualitySpec.from_table({"timestamp_floor": "1960-01-01"})
    assert _before_floor([-1, 10], spec).status == "passed"

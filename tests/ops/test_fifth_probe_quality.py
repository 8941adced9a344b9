"""Fifth probe: quality checks of a partition with timestamps beyond numpy's calendar."""

from __future__ import annotations

import pyarrow as pa

from recstack.ops.quality import QualitySpec, check_partition


def test_an_unsigned_timestamp_past_int64_is_a_failed_future_check_not_a_crash():
    # -1 written by an unsigned writer: 2**64 - 1 seconds. Its example raised OverflowError
    table = pa.table({"user_id": [1, 2], "item_id": [1, 2],
                      "timestamp": pa.array([2**64 - 1, 1_600_000_000], pa.uint64()),
                      "value": [4.0, 5.0]})
    results = {r.check: r for r in check_partition(table, QualitySpec(), rating_range=(1, 5),
                                                   now=1_700_000_000)}
    future = results["future"]
    assert future.status == "failed" and future.count == 1
    assert future.examples == [f"{2**64 - 1} s after 1970 (beyond the calendar)"]
    assert results["empty"].status == "passed"

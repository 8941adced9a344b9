"""Sixth bad-input probe, online event logs: a variant or session written two ways (the
number 1 beside the text '1' in a log joined from a JSON and a CSV source, 'B' beside a
padded 'B ') became two keys, so one arm was reported as two variants, each with part of
its sessions, without a word."""

from __future__ import annotations

import pandas as pd
import pytest

from recstack.metrics import MetricInputError, online_metrics


def _events(**columns):
    log = {"variant": ["A", "A", "B", "B"], "session_id": [1, 1, 2, 3],
           "event": ["impression", "click", "impression", "impression"],
           "timestamp": [0, 5, 0, 1], "revenue": [0.0] * 4, "cost": [0.0] * 4}
    return pd.DataFrame(log | columns)


@pytest.mark.parametrize(("column", "values", "message"), [
    ("variant", ["A", "A", 1, "1"], r"'variant' holds 1 \(row 2\) and '1' \(row 3\)"),
    ("variant", ["A", "A", "B", "B "], r"'variant' holds 'B' \(row 2\) and 'B ' \(row 3\)"),
    ("variant", pd.array(["A", "A", " B", "B"], dtype="string"),
     r"'variant' holds ' B' \(row 2\) and 'B' \(row 3\)"),
    ("session_id", [1, "1", 2, 3], r"'session_id' holds 1 \(row 0\) and '1' \(row 1\)"),
])
def test_a_key_written_two_ways_is_refused_naming_both_rows(column, values, message):
    with pytest.raises(MetricInputError, match=rf"events column {message}, which read alike "
                                               r"but would be two different keys; write each "
                                               r"one way"):
        online_metrics(_events(**{column: values}))

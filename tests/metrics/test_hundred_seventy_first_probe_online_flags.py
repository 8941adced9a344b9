"""Hundred-seventy-first bad-input probe: a true/false value in an event log's numbers.

A ``revenue``, ``cost`` or ``timestamp`` column of true/false values only is refused, but
one true/false among numbers (a flag written into the column, which makes it an object
column) was read as 1 or 0: revenue 1, a cost of 1, an event at second 1, silently. It is
now refused naming the column, the row and the value.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from recstack.metrics import MetricInputError, online_metrics


def _log(**columns) -> pd.DataFrame:
    """A: session 1 (impression, click at 0 and 1 s), 2 (impression); B: session 3
    (impression, click), 4 (a purchase of 10)."""
    table = {"variant": ["A", "A", "A", "B", "B", "B"], "session_id": [1, 1, 2, 3, 3, 4],
             "event": ["impression", "click", "impression", "impression", "click",
                       "purchase"],
             "timestamp": [0, 1, 2, 0, 5, 9], "revenue": [0, 0, 0, 0, 0, 10.0],
             "cost": [1, 0, 1, 1, 0, 0.0]}
    table.update(columns)
    return pd.DataFrame(table)


@pytest.mark.parametrize(("column", "values", "row", "value"), [
    ("revenue", [0, 0, 0, 0, 0, True], 5, "True"),
    ("cost", [np.True_, 0, 1, 1, 0, 0.0], 0, "True"),
    ("timestamp", [0, True, 2, 0, 5, 9], 1, "True"),
    ("revenue", [0.0, 0.0, False, 0.0, 0.0, 10.0], 2, "False"),
])
def test_a_true_false_value_among_numbers_is_refused(column, values, row, value):
    with pytest.raises(MetricInputError, match=f"^events column '{column}' must hold .*; row "
                                               f"{row} holds {value} \\(a true/false value, "
                                               "not a number\\)"):
        online_metrics(_log(**{column: values}))


def test_numbers_in_an_object_column_still_count():
    # revenue as an object column of numbers (and a missing value, 0): B earns 10 of cost 1
    table = online_metrics(_log(revenue=np.array([0, None, 0, 0, 0, 10], dtype=object)))
    assert table.loc["B", "revenue"] == 10.0
    assert table.loc["B", "roi"] == pytest.approx((10.0 - 1.0) / 1.0)
    assert table.loc["A", "engagement"] == pytest.approx(0.5)  # sessions of 1 s and 0 s

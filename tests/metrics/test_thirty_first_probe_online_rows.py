"""Thirty-first bad-input probe, where the online metrics say a bad event is: a session in
two variants was refused without naming any row; and a caller that read the log from a file
(``recstack online events.csv``) could only pass on "row 0", a count from 0 that points into
no file (whose header is line 1). Rows of a DataFrame are still named by their index label,
as pandas shows them; ``place=`` names them as the caller's file does."""

from __future__ import annotations

import pandas as pd
import pytest

from recstack.metrics import MetricInputError, compare_variants, online_metrics
from recstack.metrics.online import session_table, validate_events


def _events(**columns) -> pd.DataFrame:
    table = {"variant": ["A", "A", "B", "B"], "session_id": ["s1", "s1", "s2", "s3"],
             "event": ["impression", "click", "impression", "impression"],
             "timestamp": [1, 2, 3, 4], "revenue": 0.0, "cost": 0.0}
    return pd.DataFrame(table | columns, index=[10, 11, 12, 13])


def line(position: int) -> str:  # a header line, then one event per line
    return f"line {position + 2} of events.csv"


def test_a_session_in_two_variants_names_a_row_of_each():
    with pytest.raises(MetricInputError, match=r"^session 's2' appears in more than one variant "
                       r"\('B' at row 12, 'A' at row 13\)"):
        online_metrics(_events(variant=["A", "A", "B", "A"], session_id=["s1", "s1", "s2", "s2"]))


@pytest.mark.parametrize(("columns", "message"), [
    ({"event": ["impression", "clik", "impression", "impression"]},
     r"holds unknown type\(s\) \['clik'\] .*the first at line 3 of events.csv"),
    ({"variant": ["A", "A", "B", None]}, r"'variant' is missing a value at line 5 of events.csv"),
    ({"variant": ["A", "A", "B", "B "]},
     r"holds 'B' \(line 4 of events.csv\) and 'B ' \(line 5 of events.csv\)"),
    ({"revenue": [0.0, -2.0, 0.0, 0.0]},
     r"'revenue' must be finite and >= 0; line 3 of events.csv holds -2.0"),
    ({"timestamp": [1, 2, 3, 1.7e15]},
     r"'timestamp' holds 1700000000000000.0 at line 5 of events.csv, beyond the year 9999"),
    ({"variant": ["A", "B", "B", "B"]},
     r"session 's1' appears in more than one variant \('A' at line 2 of events.csv, 'B' at "
     r"line 3 of events.csv\)"),
])
def test_a_caller_names_rows_as_its_file_does(columns, message):
    for call in (lambda: online_metrics(_events(**columns), place=line),
                 lambda: validate_events(_events(**columns), place=line),
                 lambda: session_table(_events(**columns), place=line),
                 lambda: compare_variants(_events(**columns), "ctr", "A", "B", place=line)):
        with pytest.raises(MetricInputError, match=message):
            call()

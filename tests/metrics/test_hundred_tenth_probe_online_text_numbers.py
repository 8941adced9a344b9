"""Hundred-tenth probe: the one rule for numbers written as text in an event log handed over
in Python. The log is a table often read from text (a CSV file, a JSON export), so its
``revenue``, ``cost`` and ``timestamp`` read a plain decimal number written as text as that
number, as the CSV reader of ``recstack online`` does (padding spaces included); any other
text is refused naming its row, and the metrics' arrays (Welch's samples) still refuse text."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from recstack.metrics import MetricInputError, online_metrics, session_table, welch_ttest

T0 = 1_700_000_000


def _log(**columns) -> pd.DataFrame:
    log = pd.DataFrame({"variant": ["A", "A", "B", "B", "B"],
                        "session_id": ["a1", "a1", "b1", "b1", "b1"],
                        "event": ["impression", "click", "impression", "click", "purchase"],
                        "timestamp": [T0, T0 + 4, T0, T0 + 3, T0 + 8],
                        "revenue": [0.0, 0.0, 0.0, 0.0, 5.0], "cost": [1.0, 0.0, 2.0, 0.0, 0.0]})
    for name, values in columns.items():
        log[name] = pd.Series(values, dtype=object)
    return log


def test_money_and_times_written_as_text_are_read_as_their_numbers():
    table = online_metrics(_log(revenue=["0", "0", "0", " 1.5 ", "3.50"],
                                cost=["1", "0", "2e0", "0", "0"]))
    # by the definition: B's revenue 1.5 + 3.5, cost 2, ROI (5 - 2) / 2; A's cost 1
    assert table.loc["B", "revenue"] == 5.0
    assert table.loc["B", "roi"] == (5.0 - 2.0) / 2.0
    assert table.loc["A", "cost"] == 1.0
    sessions = session_table(_log(timestamp=[str(T0), str(T0 + 4), str(T0), str(T0 + 3),
                                             f" {T0 + 8}"]))
    # a session lasts from its first event to its last: 4 s and 8 s
    assert sessions.loc["a1", "duration_s"] == 4.0
    assert sessions.loc["b1", "duration_s"] == 8.0


def test_text_numbers_beside_numbers_read_alike():
    mixed = online_metrics(_log(revenue=[0, "0", 0.0, 1.5, "3.5"]))
    plain = online_metrics(_log(revenue=[0, 0, 0, 1.5, 3.5]))
    pd.testing.assert_frame_equal(mixed, plain)


@pytest.mark.parametrize("text", ["1_000", "1,000", "$3.50", "\u0663", "0x10", "NaN", "", " "])
def test_text_that_is_no_plain_number_is_refused_naming_its_row(text):
    with pytest.raises(MetricInputError, match=rf"^events column 'revenue' must hold amounts of "
                                               rf"money >= 0; row 4 holds {re.escape(repr(text))}"):
        online_metrics(_log(revenue=[0, 0, 0, 0, text]))


def test_a_time_written_as_text_is_still_refused():
    with pytest.raises(MetricInputError, match=r"'timestamp' must hold datetimes or numbers of "
                                               r"seconds.*pandas\.to_datetime.*row 2 holds "
                                               r"'2023-11-14 22:13:20'"):
        online_metrics(_log(timestamp=[T0, T0 + 4, "2023-11-14 22:13:20", T0 + 3, T0 + 8]))


def test_a_sample_of_text_numbers_is_still_refused():
    with pytest.raises(MetricInputError, match=r"^control must be an array of numbers, got "
                                               r"text '1' at position 0; text is not read"):
        welch_ttest(["1", "2", "3"], [1.0, 2.0, 4.0])

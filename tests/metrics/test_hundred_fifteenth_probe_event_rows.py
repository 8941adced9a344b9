"""Hundred-fifteenth probe: an event log's rows. Bytes (``b"10"``, a log read in binary
mode) in any column are refused naming the row, where ``revenue``, ``cost`` and
``timestamp`` read them as numbers and the key columns as keys apart from the text they
spell; and a row that repeats an earlier one in every column, in a log without an
``event_id`` to tell events apart (a log appended twice), is warned of, naming both rows,
since it is counted again."""

from __future__ import annotations

import re
import warnings

import pandas as pd
import pytest

from recstack.metrics import MetricInputError, online_metrics, validate_events

T0 = 1_700_000_000


def _log() -> pd.DataFrame:
    return pd.DataFrame({"variant": ["A", "A", "B", "B"],
                         "session_id": ["a1", "a1", "b1", "b1"],
                         "event": ["impression", "click", "impression", "click"],
                         "timestamp": [T0, T0 + 4, T0, T0 + 3],
                         "revenue": [0.0, 0.0, 0.0, 2.0], "cost": [1.0, 0.0, 1.0, 0.0]})


@pytest.mark.parametrize("column", ["revenue", "cost", "timestamp", "variant", "session_id",
                                    "event"])
def test_bytes_are_refused_naming_the_column_and_row(column):
    log = _log()
    log[column] = log[column].astype(object)
    log.at[2, column] = str(log.at[2, column]).encode()
    with pytest.raises(MetricInputError, match=(
            rf"^events column '{column}' holds the bytes b'.*' at row 2; give text or "
            rf"numbers, not bytes \(decode them first, e\.g\. "
            rf"events\['{column}'\]\.str\.decode\('utf-8'\)\)$")):
        validate_events(log)


def test_a_repeated_row_is_warned_of_naming_both_rows():
    log = pd.concat([_log(), _log().iloc[[0]]], ignore_index=True)  # row 4 repeats row 0
    with pytest.warns(UserWarning, match=re.escape(
            "events: 1 row(s) repeat an earlier row in every column (row 4 repeats row 0)")):
        table = online_metrics(log)
    assert table.loc["A", "impressions"] == 2  # kept: they may be two events


def test_repeated_index_labels_are_told_apart_by_position():
    log = pd.concat([_log(), _log()])  # appended twice, labels 0..3 twice
    with pytest.warns(UserWarning, match=re.escape(
            "events: 4 row(s) repeat an earlier row in every column (row 0 (position 4) "
            "repeats row 0 (position 0))")):
        validate_events(log)


def test_an_event_id_column_tells_repeated_rows_apart():
    log = pd.concat([_log(), _log().iloc[[0]]], ignore_index=True)
    log["event_id"] = range(len(log))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert online_metrics(log).loc["A", "impressions"] == 2


def test_rows_differing_in_one_field_are_not_repeats():
    log = _log()
    log.loc[4] = ["A", "a1", "click", T0 + 5, 0.0, 0.0]  # a second click, later
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        validate_events(log)

"""Thirty-first bad-input probe of ``recstack online FILE``: the metrics counted an exported
file's rows from 0 ("row 0 and row 1" for what an editor shows as lines 2 and 3), and a
Parquet export whose times are ISO 8601 text was refused where the same CSV export was read."""

from __future__ import annotations

import pandas as pd
import pytest

from recstack.errors import RecstackError
from recstack.serving.online import online_report, read_events

HEADER = "variant,session_id,event,timestamp,revenue,cost\n"


def test_a_session_in_two_variants_names_the_csv_lines(tmp_path):
    path = tmp_path / "events.csv"
    path.write_text(HEADER + "A,s1,impression,2024-01-01T00:00:00,0,0\n"
                             "B,s1,click,2024-01-01T00:00:05,0,0\n", encoding="utf-8")
    with pytest.raises(RecstackError) as raised:
        online_report(path)
    # line 1 is the header: the two rows are lines 2 and 3 of the file
    assert str(raised.value).startswith(
        f"{path}: session 's1' appears in more than one variant ('A' at line 2, 'B' at "
        "line 3)")


def test_a_parquet_export_with_iso_text_times_reads_as_the_csv_export_does(tmp_path):
    times = ["2024-01-01T00:00:00", "2024-01-01T00:00:05+01:00"]
    frame = pd.DataFrame({"variant": ["A", "A"], "session_id": ["s1", "s2"],
                          "event": ["impression", "click"], "timestamp": times,
                          "revenue": [0.0, 0.0], "cost": [0.0, 0.0]})
    parquet = tmp_path / "events.parquet"
    frame.to_parquet(parquet)
    read = read_events(parquet)["timestamp"].tolist()
    # no offset is UTC; +01:00 is an hour ahead of UTC, so 23:00:05 the day before
    assert read == [pd.Timestamp("2024-01-01 00:00:00", tz="UTC"),
                    pd.Timestamp("2023-12-31 23:00:05", tz="UTC")]
    csv = tmp_path / "events.csv"
    frame.to_csv(csv, index=False)
    assert read_events(csv)["timestamp"].tolist() == read


def test_a_parquet_export_with_a_time_that_is_not_one_names_the_row(tmp_path):
    path = tmp_path / "events.parquet"
    pd.DataFrame({"variant": ["A", "A"], "session_id": ["s1", "s2"],
                  "event": ["impression", "click"],
                  "timestamp": ["2024-01-01T00:00:00", "yesterday"],
                  "revenue": [0.0, 0.0], "cost": [0.0, 0.0]}).to_parquet(path)
    with pytest.raises(RecstackError, match=r"events\.parquet: row 1: 'timestamp' is "
                                            r"'yesterday', not a time"):
        read_events(path)

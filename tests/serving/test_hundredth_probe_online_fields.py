"""``recstack online`` on an exported event log whose fields hold what the service never
writes: an event time past the clock, an empty user or item id, a position that is not a
whole number from 1. Each is refused naming the file, the line and the column."""

from __future__ import annotations

import time

import pandas as pd
import pytest

from recstack.errors import RecstackError
from recstack.serving.online import online_report

HEADER = "variant,session_id,user_id,item_id,position,event,timestamp,revenue,cost"
ROWS = ["control,s1,u1,i1,1,impression,1764595200,,",
        "control,s1,u1,i1,1,click,1764595201,,",
        "b,s2,u2,i2,2,impression,1764595200,,",
        "b,s2,u2,i2,2,click,1764595202,3,1"]


def _write(tmp_path, rows, header=HEADER):
    path = tmp_path / "events.csv"
    path.write_text(header + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def _with(row: int, column: str, value: str, rows=ROWS, header=HEADER):
    index = header.split(",").index(column)
    changed = [r.split(",") for r in rows]
    changed[row][index] = value
    return [",".join(r) for r in changed]


def test_a_clean_export_with_the_service_columns_is_measured(tmp_path):
    report = online_report(_write(tmp_path, ROWS))
    assert list(report.metrics.index) == ["b", "control"]


@pytest.mark.parametrize("value", ["0", "1.5", "-3", "x"])
def test_a_position_not_a_whole_number_from_1_is_refused(tmp_path, value):
    path = _write(tmp_path, _with(2, "position", value))
    # row 2 of the data is line 4 (the header is line 1)
    with pytest.raises(RecstackError, match=rf"events.csv: line 4: 'position' is "
                                            rf"'?{value}'?; expected .*whole number from 1"):
        online_report(path)


def test_an_empty_position_is_none(tmp_path):
    online_report(_write(tmp_path, _with(2, "position", "")))


@pytest.mark.parametrize("column", ["user_id", "item_id"])
@pytest.mark.parametrize("value", ["", "  "])
def test_an_empty_user_or_item_id_is_refused(tmp_path, column, value):
    path = _write(tmp_path, _with(1, column, value))
    with pytest.raises(RecstackError, match=rf"events.csv: line 3: '{column}' has no value"):
        online_report(path)


def test_an_event_time_years_ahead_is_refused_naming_its_year(tmp_path):
    path = _write(tmp_path, _with(3, "timestamp", "9999999999"))
    with pytest.raises(RecstackError, match=r"events.csv: line 5: 'timestamp' is 9999999999, "
                                            r"more than a day \(86400 s\) past the "
                                            r"clock.*year 2286"):
        online_report(path)


def test_an_event_time_in_milliseconds_is_refused_as_such(tmp_path):
    path = _write(tmp_path, _with(3, "timestamp", "1764595202000"))
    with pytest.raises(RecstackError, match=r"line 5: 'timestamp'.*reads as milliseconds"):
        online_report(path)


def test_an_iso_time_years_ahead_is_refused(tmp_path):
    header = "variant,session_id,event,timestamp,revenue,cost"
    rows = ["control,s1,impression,2026-12-01T00:00:00Z,,",
            "control,s1,click,2026-12-01T00:00:01Z,,",
            "b,s2,impression,2026-12-01T00:00:00Z,,",
            "b,s2,click,2230-01-01T00:00:00Z,,"]
    with pytest.raises(RecstackError, match=r"line 5: 'timestamp' is 2230-01-01.*past the "
                                            r"clock"):
        online_report(_write(tmp_path, rows, header))


def test_an_event_time_within_a_day_ahead_is_kept(tmp_path):
    ahead = f"{time.time() + 3600:.0f}"
    online_report(_write(tmp_path, _with(3, "timestamp", ahead)))


def test_a_parquet_export_with_position_0_is_refused_naming_the_row(tmp_path):
    table = pd.DataFrame({
        "variant": ["control", "control", "b", "b"], "session_id": ["s1", "s1", "s2", "s2"],
        "event": ["impression", "click", "impression", "click"],
        "timestamp": [1764595200.0, 1764595201.0, 1764595200.0, 1764595202.0],
        "revenue": [0.0] * 4, "cost": [0.0] * 4, "user_id": ["u", "u", "v", "v"],
        "position": pd.array([1, 1, 0, None], dtype="Int32")})
    path = tmp_path / "events.parquet"
    table.to_parquet(path)
    with pytest.raises(RecstackError, match=r"events.parquet: row 2: 'position' is 0"):
        online_report(path)


@pytest.mark.parametrize("control", [1, ["control"]])
def test_a_control_that_is_not_text_is_refused_as_such(tmp_path, control):
    rows = [r.replace("b,", "1,", 1) for r in ROWS]
    with pytest.raises(RecstackError, match=r"control must be a variant's name as text"):
        online_report(_write(tmp_path, rows), control=control)
    assert online_report(_write(tmp_path, rows), control="1").control == "1"

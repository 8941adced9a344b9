"""Text times as databases and log tools print them, '2020-01-01 01:00:00 UTC': refused
naming the zone name and the two ways out, and refused without first warning that the
column's times "are read as UTC"."""
from __future__ import annotations

import warnings
from pathlib import Path

import pytest

from recstack.data.files import load_table
from recstack.errors import DataFormatError

HEADER = "user_id,item_id,timestamp\n"


def test_zone_name_after_the_time_is_named_with_the_ways_out(tmp_path: Path) -> None:
    path = tmp_path / "log.csv"
    path.write_text(HEADER + "1,5,2020-01-01T00:00:00Z\n2,6,2020-01-01 01:00:00 UTC\n")
    with pytest.raises(DataFormatError) as caught:
        load_table(path)
    message = str(caught.value)
    assert "log.csv:3" in message
    assert "column 'timestamp'" in message
    assert "time-zone name 'UTC'" in message
    assert "timestamp_format='%Y-%m-%d %H:%M:%S %Z'" in message


def test_the_advised_format_reads_the_zone_names(tmp_path: Path) -> None:
    path = tmp_path / "log.csv"
    path.write_text(HEADER + "1,5,2020-01-01 00:00:00 UTC\n2,6,2020-01-01 01:00:00 CET\n")
    data = load_table(path, timestamp_format="%Y-%m-%d %H:%M:%S %Z")
    # 2020-01-01T00:00:00Z, by hand: 50 years of 365 days and 12 leap days, in seconds
    midnight = (50 * 365 + 12) * 86400
    assert data.timestamp.tolist() == [midnight, midnight]  # 01:00 CET is 00:00 UTC


def test_a_refused_column_is_not_first_warned_of_as_read(tmp_path: Path) -> None:
    path = tmp_path / "log.csv"
    path.write_text(HEADER + "1,5,2020-01-01 00:00:00+0100\n2,6,2020-01-01 01:00:00 UTC\n")
    with warnings.catch_warnings(record=True) as caught_warnings:
        warnings.simplefilter("always")
        with pytest.raises(DataFormatError):
            load_table(path)
    assert [str(w.message) for w in caught_warnings] == []


def test_offsets_beside_none_still_warn_when_read(tmp_path: Path) -> None:
    path = tmp_path / "log.csv"
    path.write_text(HEADER + "1,5,2020-01-01T00:00:00+02:00\n2,6,2020-01-01T00:00:00\n")
    with pytest.warns(UserWarning, match=r"line 3 holds 2020-01-01T00:00:00,"):
        data = load_table(path)
    midnight = (50 * 365 + 12) * 86400
    assert data.timestamp.tolist() == [midnight - 2 * 3600, midnight]

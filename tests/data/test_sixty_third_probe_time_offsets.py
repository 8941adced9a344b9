"""Sixty-third bad-input probe, times: ISO-8601 times of day with and without a UTC offset
in one column (a log appended to by two tools, the second writing local time) were read,
those without as UTC, without a word; they still are (documented), with a warning naming
a line of each. Times with different offsets, before 1970 and beyond pandas' nanosecond
range (2262) are read exactly; the expected seconds come from Python's datetime."""

from __future__ import annotations

import warnings
from datetime import UTC, datetime, timedelta

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from recstack.data.files import load_table


def _seconds(text: str) -> int:
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp()) if moment.year >= 1970 else int(
        (moment - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(seconds=1))


def _log(tmp_path, times):
    path = tmp_path / "log.csv"
    path.write_text("user_id,item_id,timestamp\n" + "".join(
        f"1,{i},{t}\n" for i, t in enumerate(times)))
    return path


@pytest.mark.parametrize("times", [
    ["2020-01-01T00:00:00+01:00", "2020-01-01T00:00:00"],
    ["2020-01-01T00:00:00Z", "2020-01-01 05:00:00"],
    ["2020-06-01T12:00:00.250-04:00", "2020-06-01T12:00:00.5"],
])
def test_times_with_and_without_an_offset_are_read_with_a_warning(tmp_path, times):
    path = _log(tmp_path, times)
    with pytest.warns(UserWarning, match=r"without a UTC offset among times with one "
                                         r"\(line 3 holds .*, line 2 holds") as caught:
        data = load_table(path)
    assert str(path) in str(caught[0].message)
    assert data.timestamp.tolist() == [_seconds(t) for t in times]


def test_the_same_mix_in_a_parquet_text_column_is_warned_of_by_row(tmp_path):
    path = tmp_path / "log.parquet"
    pq.write_table(pa.table({"user_id": [1, 1], "item_id": [1, 2], "timestamp":
                             ["2020-01-01T00:00:00", "2020-01-01T00:00:00+02:00"]}), path)
    with pytest.warns(UserWarning, match=r"row 1 holds 2020-01-01T00:00:00, row 2 holds"):
        load_table(path)


@pytest.mark.parametrize("times", [
    ["2020-01-01T00:00:00+01:00", "2020-01-01T00:00:00-05:00", "2020-07-01T23:30:00Z"],
    ["2020-01-01T00:00:00", "2020-01-02T03:04:05"],
    ["2020-01-01T02:00:00+02:00", "2020-01-01"],  # a date is a day, not a local time
    ["1960-01-01T00:00:00", "1969-12-31T23:59:59", "1600-02-29T12:00:00"],
    ["2300-01-01T00:00:00", "9999-12-31T23:59:59", "2262-04-11T23:47:17"],
])
def test_times_of_one_form_are_read_exactly_without_a_warning(tmp_path, times):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        data = load_table(_log(tmp_path, times))
    assert data.timestamp.tolist() == [_seconds(t) for t in times]


def test_a_pattern_reads_dates_before_1970_and_after_2262(tmp_path):
    days = ["1900-03-01", "2500-12-31"]
    data = load_table(_log(tmp_path, days), timestamp_format="%Y-%m-%d")
    assert data.timestamp.tolist() == [_seconds(d + "T00:00:00") for d in days]


# In 2020 European summer time ended on 25 October (03:00 CEST became 02:00 CET, so 02:30
# came twice) and began on 29 March (02:00 CET became 03:00 CEST, so 02:30 never came);
# in the United States it ended on 1 November (01:30 came twice).
@pytest.mark.parametrize(("local", "why"), [
    ("2020-10-25 02:30 CET", "the clocks show twice in the time zone 'CET'"),
    ("2020-11-01 01:30 America/New_York", "twice in the time zone 'America/New_York'"),
    ("2020-03-29 02:30 Europe/Paris", "does not exist in the time zone 'Europe/Paris'"),
])
def test_a_local_time_that_names_no_one_moment_is_refused_saying_why(tmp_path, local, why):
    from recstack.errors import DataFormatError
    path = _log(tmp_path, ["2020-01-01 00:00 UTC", local])
    with pytest.raises(DataFormatError, match=rf":3: column 'timestamp': found '{local}', "
                                              rf"a local time .*{why}.*UTC offset \(%z"):
        load_table(path, timestamp_format="%Y-%m-%d %H:%M %Z")


def test_a_local_time_of_a_named_zone_outside_the_change_is_read(tmp_path):
    # 12:00 in New York on 1 July 2020 is summer time, UTC-4: 16:00 UTC
    data = load_table(_log(tmp_path, ["2020-07-01 12:00 America/New_York"]),
                      timestamp_format="%Y-%m-%d %H:%M %Z")
    assert data.timestamp.tolist() == [_seconds("2020-07-01T16:00:00+00:00")]

"""Thirtieth probe, a time that names no day of the calendar ('2020-02-30', month 13,
hour 25): every reader said only "cannot read '2020-02-30' as a time", as for text that is
no time at all, though the user wrote a date in the very form asked for. Now the value,
its line or row and the field that does not exist are named ("February 2020 has 29
days")."""

import re

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from recstack.cli import main
from recstack.data.files import load_table
from recstack.data.filters import TimeWindow, apply_filters
from recstack.data.interactions import Interactions
from recstack.data.partitioned import read_partitioned, write_partitioned
from recstack.data.splits import temporal_split
from recstack.errors import ConfigError, DataFormatError, RecstackError

HEADER = "user_id,item_id,timestamp\n"


def _log(tmp_path, third_time, name="log.csv"):
    path = tmp_path / name
    path.write_text(HEADER + f"1,10,2020-02-28\n2,10,2020-02-29\n1,20,{third_time}\n")
    return path


@pytest.mark.parametrize(("written", "why"), [
    ("2020-02-30", "February 2020 has 29 days"),        # 2020 is a leap year: 29, not 30
    ("2021-02-29", "February 2021 has 28 days"),        # 2021 is not
    ("2020-04-31", "April 2020 has 30 days"),
    ("2020-13-01", r"there is no month 13 \(months run from 01 to 12\)"),
    ("2020-00-10", r"there is no month 0 \(months run from 01 to 12\)"),
    ("2020-01-01T25:00:00", r"there is no hour 25 \(it runs from 00 to 23\)"),
    ("2020-01-01 10:61", r"there is no minute 61 \(it runs from 00 to 59\)"),
    ("2020-01-01T10:00:00+25:00", r"there is no UTC offset \+25:00 \(offsets run from "
                                  r"-23:59 to \+23:59\)"),
])
def test_a_csv_time_that_is_no_date_is_named_with_its_line(tmp_path, written, why):
    path = _log(tmp_path, written)
    with pytest.raises(DataFormatError, match=rf"^{path}:4: column 'timestamp': found "
                                              rf"'{re.escape(written)}', which is not a real "
                                              rf"date: {why} "
                                              r"\(expected "):
        load_table(path)


def test_the_iso_format_and_a_strptime_pattern_say_it_too(tmp_path):
    path = _log(tmp_path, "2020-02-30")
    with pytest.raises(DataFormatError, match=r":4: column 'timestamp': found '2020-02-30', "
                                              r"which is not a real date: February 2020 has 29 "
                                              r"days \(expected an ISO-8601"):
        load_table(path, timestamp_format="iso")
    with pytest.raises(DataFormatError, match=r":4: column 'timestamp': found '2020-02-30', "
                                              r"which is not a real date: that day does not "
                                              r"exist in its month \(expected a date-time in "
                                              r"the format '%Y-%m-%d'\)"):
        load_table(path, timestamp_format="%Y-%m-%d")


def test_a_parquet_text_time_names_its_row(tmp_path):
    path = tmp_path / "log.parquet"
    pq.write_table(pa.table({"user_id": [1, 2], "item_id": [10, 10],
                             "timestamp": ["2020-03-01", "2019-02-29"]}), path)
    with pytest.raises(DataFormatError, match=r"column 'timestamp': row 2: found '2019-02-29', "
                                              r"which is not a real date: February 2019 has "
                                              r"28 days"):
        load_table(path)


def test_text_that_is_no_date_keeps_the_plain_message(tmp_path):
    path = _log(tmp_path, "soon")
    with pytest.raises(DataFormatError, match=r":4: column 'timestamp': cannot read 'soon' "
                                              r"as a time"):
        load_table(path)


def test_a_real_leap_day_still_reads(tmp_path):
    data = load_table(_log(tmp_path, "2020-03-01"))
    # 2020-02-29T00:00:00Z is 1582934400 (2020-01-01 is 1577836800, plus 59 days)
    assert data.timestamp.tolist() == [1582934400 - 86_400, 1582934400, 1582934400 + 86_400]


def _timed():
    return Interactions.from_arrays([1, 2], [10, 10], timestamps=[1582934400, 1583020800])


def test_a_time_window_bound_that_is_no_date_says_why():
    with pytest.raises(ConfigError, match=r"^time_window: start: '2020-02-30' is not a real "
                                          r"date: February 2020 has 29 days; use Unix seconds "
                                          r"or an ISO date"):
        apply_filters(_timed(), [TimeWindow(start="2020-02-30")])
    with pytest.raises(ConfigError, match=r"^cutoff: '2021-02-29T12:00' is not a real date: "
                                          r"February 2021 has 28 days"):
        temporal_split(_timed(), cutoff="2021-02-29T12:00")
    with pytest.raises(ConfigError, match=r"^cutoff: '2020-03-01T00:00\+24:00' is not a real "
                                          r"date: there is no UTC offset \+24:00"):
        temporal_split(_timed(), cutoff="2020-03-01T00:00+24:00")


def test_a_partitioned_read_bound_that_is_no_date_says_why(tmp_path):
    root = write_partitioned(_timed(), tmp_path / "log")
    with pytest.raises(RecstackError, match=r"^end: '2020-06-31' is not a real date: June 2020 "
                                            r"has 30 days; use Unix seconds"):
        read_partitioned(root, end="2020-06-31")


def test_the_command_line_says_it_in_one_line(tmp_path, capsys):
    path = _log(tmp_path, "2020-02-30")
    assert main(["data", "info", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert f"{path}:4: column 'timestamp': found '2020-02-30', which is not a real date" in err


def test_a_synthetic_start_that_is_no_date_says_why():
    from recstack.data.synthetic import generate

    # it said only "start must be an ISO-8601 date such as '2019-01-31'", which it was
    with pytest.raises(ConfigError, match=r"^start must be a date such as '2019-01-31', got "
                                          r"'2019-02-29', which is not a real date: February "
                                          r"2019 has 28 days$"):
        generate(n_users=10, n_items=10, n_interactions=50, n_genres=3, start="2019-02-29")

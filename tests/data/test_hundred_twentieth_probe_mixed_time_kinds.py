"""Hundred-twentieth probe, one column of several kinds of time, and one error class for
one mistake.

* A times column holding dates beside date-times was refused as "holds dates or times
  such as ... (expected numbers (convert text first ...))", though it holds no text, and
  though ``load_table`` reads ``2020-01-01`` beside ``2020-01-02T03:00:00``: such a column
  is read, each date as its midnight UTC (as a column of dates alone is). Dates or
  date-times beside Unix numbers or text (two forms, as ``load_table`` refuses numbers
  among ISO-8601 text) are refused naming the first row of each kind; durations, times of
  day and periods (no point in time) are refused naming one, as the Parquet reader refuses
  duration and time-of-day columns; a numpy moment among Python ones is read as the same
  moment.
* ``load_table``'s ``rating_range`` check raised a bare ``RecstackError`` where
  ``Interactions.from_arrays`` raises ``DataFormatError`` (a ``ValueError``) for the same
  range: ``except ValueError`` caught the one and not the other.
* ``IdMap.subset`` given an index outside the map was numpy's IndexError, and given one
  index twice made a map with one id at two indices.
"""

from __future__ import annotations

import datetime
import re

import numpy as np
import pandas as pd
import pytest

from recstack.data.files import load_table
from recstack.data.idmap import IdMap
from recstack.data.interactions import Interactions
from recstack.errors import DataFormatError, RecstackError

DAY = datetime.date(2020, 1, 1)
MOMENT = datetime.datetime(2020, 1, 2, 3, 0)


@pytest.mark.parametrize(("times", "first", "second"), [
    ([MOMENT, 1577836800], r"row 0 holds a date-time \(datetime\.datetime\(2020, 1, 2, 3, 0\)\)",
     r"row 1 a number \(1577836800\)"),
    ([DAY, "2020-01-02"], r"row 0 holds a date \(datetime\.date\(2020, 1, 1\)\)",
     r"row 1 text \('2020-01-02'\)"),
    ([None, 1577836800, DAY], r"row 1 holds a number", r"row 2 a date "),
    ([DAY, MOMENT, 7], r"row 0 holds a date ", r"row 2 a number \(7\)"),
])
def test_a_column_mixing_kinds_of_time_is_refused_naming_a_row_of_each(times, first, second):
    with pytest.raises(DataFormatError) as refused:
        Interactions.from_arrays(list(range(len(times))), list(range(len(times))),
                                 timestamps=times)
    message = str(refused.value)
    assert message.startswith("column 'timestamp': mixes kinds of time: ")
    assert "convert text first" not in message
    assert re.search(first, message)
    assert re.search(second, message)
    assert "(expected one kind in every row: dates and date-times" in message


@pytest.mark.parametrize("times", [[DAY, MOMENT], [MOMENT, DAY],
                                   [pd.Timestamp("2020-01-02 03:00"), DAY],
                                   [DAY, None, MOMENT]])
def test_dates_beside_date_times_are_read_each_date_as_its_midnight(times):
    # 2020-01-01 00:00 UTC is 1577836800 and 2020-01-02 03:00 UTC a day and 3 hours later
    seconds = {DAY: 1577836800, MOMENT: 1577836800 + 86400 + 3 * 3600}
    if None in times:
        with pytest.raises(DataFormatError, match=r"row 1 has no time \(NaT"):
            Interactions.from_arrays([1, 2, 3], [1, 2, 3], timestamps=times)
        return
    data = Interactions.from_arrays([1, 2], [1, 2], timestamps=times)
    assert data.timestamp.tolist() == [seconds[DAY if t is DAY else MOMENT] for t in times]


def test_a_frame_column_mixing_dates_and_date_times_is_read_as_the_file_loader_reads_it(
        tmp_path):
    frame = pd.DataFrame({"user_id": [1, 2], "item_id": [1, 2],
                          "timestamp": pd.Series([DAY, MOMENT], dtype=object)})
    path = tmp_path / "log.csv"
    path.write_text("user_id,item_id,timestamp\n1,1,2020-01-01\n2,2,2020-01-02T03:00:00\n")
    assert Interactions.from_frame(frame).timestamp.tolist() == \
        load_table(path).timestamp.tolist()


def test_one_kind_of_time_is_still_read_by_its_own_rule():
    # a date is its midnight UTC, a naive date-time its UTC moment (by definition)
    dates = Interactions.from_arrays([1, 2], [1, 2], timestamps=[DAY, DAY])
    assert dates.timestamp.tolist() == [1577836800, 1577836800]
    moments = Interactions.from_arrays([1, 2], [1, 2], timestamps=[MOMENT, MOMENT])
    assert moments.timestamp.tolist() == [1577836800 + 86400 + 3 * 3600] * 2
    # text alone keeps the advice to convert it
    with pytest.raises(DataFormatError, match="convert text first"):
        Interactions.from_arrays([1, 2], [1, 2], timestamps=["2020-01-01", "2020-01-02"])


@pytest.mark.parametrize("rating_range", [(5, 1), ("1", "5"), (1,), (1, float("nan"))])
def test_a_bad_rating_range_is_one_error_class_in_every_loader(tmp_path, rating_range):
    path = tmp_path / "log.csv"
    path.write_text("user_id,item_id,rating\n1,2,3\n")
    with pytest.raises(DataFormatError, match=r"^rating_range must be two finite numbers"):
        load_table(path, rating_range=rating_range)
    with pytest.raises(DataFormatError, match=r"^column 'value': rating_range = "):
        Interactions.from_arrays([1], [2], [3.0], rating_range=rating_range)
    with pytest.raises(ValueError):
        load_table(path, rating_range=rating_range)


def test_an_idmap_subset_checks_its_indices():
    ids = IdMap([10, 20, 30])
    assert ids.subset(np.array([2, 0])).external_ids.tolist() == [30, 10]
    with pytest.raises(RecstackError, match=r"^index out of range 0\.\.2: 1 of 1 indices are "
                                            r"outside it, e\.g\. \[5\]"):
        ids.subset(np.array([5]))
    with pytest.raises(RecstackError, match=r"^subset: each index may be given once, got "
                                            r"\[0\] more than once"):
        ids.subset(np.array([0, 1, 0]))


@pytest.mark.parametrize(("times", "found"), [
    (np.array([1, 2], dtype="timedelta64[s]"),
     "holds durations, not points in time (timedelta64[s]), such as "),
    (pd.Series(pd.to_timedelta([1, 2], unit="s")), "holds durations, not points in time "),
    ([pd.Timedelta(seconds=1), pd.Timedelta(seconds=2)],
     "row 0 holds a duration, not a point in time, Timedelta("),
    ([datetime.timedelta(days=1)] * 2, "row 0 holds a duration, not a point in time, "),
    ([datetime.time(1), datetime.time(2)],
     "row 0 holds a time of day without a date, datetime.time(1, 0)"),
    (list(pd.period_range("2020-01", periods=2, freq="M")),
     "row 0 holds a period, not a point in time, Period('2020-01', 'M')"),
    ([MOMENT, datetime.time(2)], "row 1 holds a time of day without a date"),
])
def test_durations_times_of_day_and_periods_are_refused_as_no_moments(times, found):
    # a duration was "holds dates or times such as '0 days ...' (convert text first, e.g.
    # with pandas.to_datetime)", a time of day "holds object values (expected numbers)"
    with pytest.raises(DataFormatError) as refused:
        Interactions.from_arrays([1, 2], [1, 2], timestamps=times)
    message = str(refused.value)
    assert message.startswith(f"column 'timestamp': {found}")
    assert message.endswith("(expected date-times, dates or Unix time (e.g. a start moment "
                            "plus the duration, or pandas' Period.to_timestamp()))")


def test_numpy_moments_among_python_ones_are_the_same_moments():
    times = np.array([np.datetime64("2020-01-01T00:00:00"), MOMENT], dtype=object)
    data = Interactions.from_arrays([1, 2], [1, 2], timestamps=times)
    assert data.timestamp.tolist() == [1577836800, 1577836800 + 86400 + 3 * 3600]

"""Hundred-eighty-seventh probe, times given in milliseconds (or finer) where seconds go.

``Interactions.from_arrays`` / ``from_frame`` and a partition of ``read_partitioned``
refused a column of times in milliseconds as "outside the years 1 to 9999 (expected Unix
seconds ...)", naming no unit, where ``load_table`` reads such a column by its magnitude.
The refusal now says which unit the time's magnitude is (by load_table's ``"auto"``
bands), the date it is in that unit, and how to give it in seconds; a column mixing
magnitudes is said to; a time of no finer unit's magnitude is refused as before.

So are time bounds: an ``end`` (or a negative ``start``) in milliseconds, past the calendar
on the side where such a bound bounds nothing, read every row; it is now refused by
``read_partitioned``, ``partition_files``, ``Interactions.between`` and ``TimeWindow``,
naming the unit and the seconds meant. ``between`` also refuses a start after the year 9999
(it gave no row), as ``read_partitioned`` does."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from recstack.data.filters import TimeWindow, apply_filters
from recstack.data.interactions import Interactions
from recstack.data.partitioned import partition_files, read_partitioned, write_partitioned
from recstack.errors import ConfigError, DataFormatError

# 1 600 000 000 Unix seconds is 2020-09-13T12:26:40Z
SECONDS = 1_600_000_000


@pytest.mark.parametrize(("factor", "unit", "words", "divide"), [
    (10**3, "ms", "milliseconds", "1,000"),
    (10**6, "us", "microseconds", "1,000,000"),
    (10**9, "ns", "nanoseconds", "1,000,000,000")])
def test_a_column_in_a_finer_unit_is_named_with_its_date_and_remedy(factor, unit, words,
                                                                     divide):
    times = [SECONDS * factor, (SECONDS + 60) * factor]
    with pytest.raises(DataFormatError) as refused:
        Interactions.from_arrays([1, 2], [5, 6], timestamps=times)
    assert str(refused.value) == (
        f"column 'timestamp': 2 time(s) outside the years 1 to 9999, first at row 0: "
        f"{SECONDS * factor} (expected Unix seconds between the years 1 and 9999; read as "
        f"{words} it is 2020-09-13T12:26:40Z: the times look like {words}; divide them by "
        f"{divide} first, or give them as datetime64 values of that unit "
        f"(np.asarray(times, 'datetime64[{unit}]')))")
    # the remedy works: both ways give the seconds the times name
    divided = Interactions.from_arrays([1, 2], [5, 6], timestamps=np.array(times) // factor)
    typed = Interactions.from_arrays([1, 2], [5, 6],
                                     timestamps=np.asarray(times, f"datetime64[{unit}]"))
    assert divided.timestamp.tolist() == typed.timestamp.tolist() == [SECONDS, SECONDS + 60]


def test_a_frame_in_milliseconds_is_named_so():
    frame = pd.DataFrame({"user_id": [1, 2], "item_id": [5, 6],
                          "timestamp": [SECONDS * 1000, SECONDS * 1000 + 1]})
    with pytest.raises(DataFormatError, match=r"read as milliseconds it is "
                                              r"2020-09-13T12:26:40Z: the times look like "
                                              r"milliseconds; divide them by 1,000 first"):
        Interactions.from_frame(frame)


def test_a_negative_time_in_milliseconds_is_dated_before_1970():
    # -1 000 000 000 000 ms is -1 000 000 000 s: 1938-04-24T22:13:20Z
    with pytest.raises(DataFormatError, match=r"read as milliseconds it is "
                                              r"1938-04-24T22:13:20Z"):
        Interactions.from_arrays([1], [5], timestamps=[-10**12])


def test_a_column_mixing_magnitudes_is_told_to_use_one_unit():
    with pytest.raises(DataFormatError, match=re.escape(
            "first at row 1: 1600000000000 (expected Unix seconds between the years 1 and "
            "9999; read as milliseconds it is 2020-09-13T12:26:40Z, but 1 other time(s) of "
            "the column have the magnitude of another unit: one unit for the whole column)")):
        Interactions.from_arrays([1, 2, 3], [5, 6, 7],
                                 timestamps=[SECONDS, SECONDS * 1000, 0])


def test_a_time_of_no_finer_magnitude_gets_no_unit():
    # one second before the year 1: 6.2e10, below the milliseconds' band (1e11 up)
    with pytest.raises(DataFormatError) as refused:
        Interactions.from_arrays([1], [5], timestamps=[-62_135_596_801])
    assert str(refused.value).endswith("(expected Unix seconds between the years 1 and 9999)")


def test_a_partition_in_milliseconds_is_named_with_the_rewrite(tmp_path):
    data = Interactions.from_arrays(["a", "b"], ["x", "y"], [1, 2],
                                    [1_577_836_800, 1_580_515_200])  # 2020-01-01, 2020-02-01
    root = write_partitioned(data, tmp_path / "log")
    part = root / "year=2020" / "month=02" / "part-0.parquet"
    table = pq.read_table(part)
    at = table.schema.get_field_index("timestamp")
    pq.write_table(table.set_column(at, "timestamp", pa.array([1_580_515_200_000])), part)
    with pytest.raises(DataFormatError, match=re.escape(
            "year=2020/month=02/part-0.parquet, row 1: found 1580515200000 (expected Unix "
            "seconds between the years 1 and 9999; read as milliseconds it is "
            "2020-02-01T00:00:00Z, but 1 other time(s) of the column have the magnitude of "
            "another unit: a partitioned dataset holds integer Unix seconds: rewrite the "
            "partition with its times divided by 1,000)")):
        read_partitioned(root)


# ------------------------------------------------------------ time bounds in milliseconds
# An end past the year 9999 bounds nothing (10**30 is "no bound"), so an end of 2020 in
# milliseconds read every row, without a word; between(start=...) in milliseconds gave no
# row, where read_partitioned refused that start.
TIMES = SECONDS + np.arange(0, 1000, 100)  # ten rows, 100 s apart
DATA = Interactions.from_arrays(np.arange(10) % 3, np.arange(10) % 4, None, TIMES)
END_MS = (SECONDS + 500) * 1000  # 2020-09-13T12:35:00Z in milliseconds


def _end_refusal(where: str, given: int, words: str, factor: str) -> str:
    return re.escape(
        f"{where}end={given} is after the year 9999 read as Unix seconds, so it would bound "
        f"nothing; read as {words} it is 2020-09-13T12:35:00Z: a number is a time in seconds "
        f"(one in {words} is {factor} times too large): give {SECONDS + 500} or an ISO date "
        "such as 2020-09-13T12:35:00")


def test_between_refuses_an_end_in_milliseconds_and_reads_the_seconds():
    with pytest.raises(ConfigError, match="^" + _end_refusal("between: ", END_MS,
                                                             "milliseconds", "1,000") + "$"):
        DATA.between(None, END_MS)
    # the remedy: rows at +0, +100, +200, +300, +400 s come before +500 s
    assert DATA.between(None, SECONDS + 500).timestamp.tolist() == TIMES[:5].tolist()


def test_between_refuses_a_start_that_leaves_no_time_as_read_partitioned_does():
    with pytest.raises(ConfigError, match=re.escape(
            f"between: start={END_MS} is after the year 9999 read as Unix seconds, so no row "
            "can be in [start, end)")):
        DATA.between(END_MS)
    with pytest.raises(ConfigError, match=r"between: start=-1600000500000 is before the year 1 "
                                          r"read as Unix seconds, so it would bound nothing; "
                                          r"read as milliseconds it is 1919-04-20T11:25:00Z"):
        DATA.between(-END_MS)


@pytest.mark.parametrize("far", [10**30, 10**20, int(np.iinfo(np.int64).max)])
def test_a_bound_of_no_unit_still_bounds_nothing(tmp_path, far):
    # past int64 (or at its limit, the usual "no end"), no count of a finer unit
    assert len(DATA.between(-far, far)) == 10
    kept, _ = apply_filters(DATA, [TimeWindow(start=-far, end=far)])
    assert len(kept) == 10
    root = write_partitioned(DATA, tmp_path / "log")
    assert len(read_partitioned(root, start=-far, end=far)) == 10


def test_a_time_window_refuses_an_end_in_milliseconds_when_made():
    with pytest.raises(ConfigError, match="^" + _end_refusal("time_window: ", END_MS,
                                                             "milliseconds", "1,000") + "$"):
        TimeWindow(end=np.int64(END_MS))
    kept, _ = apply_filters(DATA, [TimeWindow(end=SECONDS + 500)])
    assert len(kept) == 5


@pytest.mark.parametrize(("factor", "words", "shown"), [
    (10**3, "milliseconds", "1,000"), (10**6, "microseconds", "1,000,000"),
    (10**9, "nanoseconds", "1,000,000,000")])
def test_read_partitioned_refuses_an_end_in_a_finer_unit(tmp_path, factor, words, shown):
    root = write_partitioned(DATA, tmp_path / "log")
    end = (SECONDS + 500) * factor
    with pytest.raises(ConfigError, match="^" + _end_refusal("", end, words, shown) + "$"):
        read_partitioned(root, end=end)
    with pytest.raises(ConfigError, match=_end_refusal("", end, words, shown)):
        partition_files(root, end=np.int64(end))
    assert len(read_partitioned(root, end=SECONDS + 500)) == 5

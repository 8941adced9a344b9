"""Ninety-third bad-input probe, calendar dates in a frame's timestamp column.

Spark's DateType reaches pandas (``toPandas``) as Python ``datetime.date`` objects, and a
pandas ``date32[pyarrow]`` column holds the same; ``from_frame`` and ``from_arrays``
refused them ("holds dates or times such as '2024-01-01' (expected numbers)") while a
Parquet date column loaded as midnight UTC. One rule now: a date is its midnight UTC,
in every reader."""

from __future__ import annotations

import datetime

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from recstack.data.files import load_table
from recstack.data.interactions import Interactions
from recstack.errors import DataFormatError

DAYS = [datetime.date(2024, 1, 1), datetime.date(1969, 12, 31), datetime.date(2024, 2, 29)]
# midnight UTC of each day, from the definition: days since 1970-01-01 times 86400
MIDNIGHTS = [(day - datetime.date(1970, 1, 1)).days * 86_400 for day in DAYS]


def _frame(times):
    return pd.DataFrame({"user_id": [1, 2, 3], "item_id": [1, 2, 3], "timestamp": times})


def test_python_dates_in_a_frame_are_midnight_utc():
    assert _frame(DAYS).pipe(Interactions.from_frame).timestamp.tolist() == MIDNIGHTS


def test_an_arrow_date_column_of_a_frame_is_midnight_utc():
    times = pd.array(DAYS, dtype=pd.ArrowDtype(pa.date32()))
    assert Interactions.from_frame(_frame(times)).timestamp.tolist() == MIDNIGHTS


def test_from_arrays_takes_a_list_of_dates():
    data = Interactions.from_arrays([1, 2, 3], [1, 2, 3], None, DAYS)
    assert data.timestamp.tolist() == MIDNIGHTS


def test_a_frame_and_a_parquet_file_of_the_same_dates_agree(tmp_path):
    path = tmp_path / "log.parquet"
    pq.write_table(pa.table({"user_id": [1, 2, 3], "item_id": [1, 2, 3],
                             "timestamp": pa.array(DAYS, pa.date32())}), path)
    from_file = load_table(path, value_col=None)
    assert from_file.timestamp.tolist() == Interactions.from_frame(_frame(DAYS)
                                                                   ).timestamp.tolist()


@pytest.mark.parametrize("gap", [None, pd.NaT, float("nan")])
def test_a_missing_date_is_refused_by_its_row(gap):
    times = pd.Series([DAYS[0], gap, DAYS[2]], dtype=object)
    with pytest.raises(DataFormatError, match=r"column 'timestamp': row 1 has no time"):
        Interactions.from_frame(_frame(times))


def test_dates_mixed_with_text_are_still_refused_by_the_column():
    with pytest.raises(DataFormatError, match="column 'timestamp'"):
        Interactions.from_frame(_frame([DAYS[0], "2024-01-02", DAYS[2]]))


def test_numbers_and_date_times_are_read_as_before():
    assert Interactions.from_frame(_frame([5, 6, 7])).timestamp.tolist() == [5, 6, 7]
    times = [datetime.datetime(2024, 1, 1, 12), datetime.datetime(2024, 1, 2),
             datetime.datetime(2024, 1, 3)]
    assert Interactions.from_frame(_frame(times)).timestamp.tolist() == [
        1_704_110_400, 1_704_153_600, 1_704_240_000]
    assert np.issubdtype(Interactions.from_frame(_frame(times)).timestamp.dtype, np.int64)


def test_an_arrow_time_column_with_a_zone_is_its_utc_instant():
    # what pandas.read_parquet(..., dtype_backend="pyarrow") gives for a zoned column
    times = pd.Series(pd.array(pd.to_datetime(["2024-01-01T09:00:00", "2024-01-02T09:00:00",
                                               "2024-01-03T09:00:00"]).tz_localize("Asia/Tokyo"),
                               dtype=pd.ArrowDtype(pa.timestamp("us", tz="Asia/Tokyo"))))
    # 09:00 in Tokyo (UTC+9) is midnight UTC of the same day
    assert Interactions.from_frame(_frame(times)).timestamp.tolist() == [
        MIDNIGHTS[0], MIDNIGHTS[0] + 86_400, MIDNIGHTS[0] + 2 * 86_400]


def test_a_missing_zoned_arrow_time_is_refused_by_its_row():
    times = pd.array([pd.Timestamp("2024-01-01", tz="UTC"), None, None],
                     dtype=pd.ArrowDtype(pa.timestamp("s", tz="UTC")))
    with pytest.raises(DataFormatError, match=r"row 1 has no time \(NaT; 2 in all\)"):
        Interactions.from_frame(_frame(times))


def test_a_missing_number_among_times_is_named_by_its_row():
    times = pd.array([5, None, 7], dtype="Int64")
    # pd.NA is named as the missing value it is (it was "holds nan", numpy's reading)
    with pytest.raises(DataFormatError, match=r"column 'timestamp': row 1 holds a missing "
                                              r"value \(pd\.NA, of the nullable type Int64; "
                                              r"1 in all\)"):
        Interactions.from_frame(_frame(times))

"""pandas' nullable columns with a gap (pd.NA) are refused as the missing value they are,
not as "nan" (which numpy made of them) among "NaN or infinite" numbers; a duration is
named with its count and unit in agreement ("1 second", not numpy's "1 seconds"), and
one given as a time argument is said to be a duration."""

from __future__ import annotations

import datetime

import numpy as np
import pandas as pd
import pytest

from recstack.data.dates import to_unix_seconds
from recstack.data.interactions import Interactions
from recstack.data.splits import temporal_split
from recstack.errors import ConfigError, DataFormatError, shown


def _frame(**columns):
    frame = pd.DataFrame({"user_id": [1, 1, 2, 2], "item_id": [1, 2, 1, 3],
                          "timestamp": [1, 2, 3, 4]})
    for name, values in columns.items():
        frame[name] = values
    return frame


@pytest.mark.parametrize("dtype", ["Float64", "Int64", "float64[pyarrow]", "int64[pyarrow]"])
def test_a_nullable_time_column_with_a_gap_is_a_missing_value(dtype):
    frame = _frame(timestamp=pd.array([1, 2, None, 4], dtype=dtype))
    with pytest.raises(DataFormatError) as caught:
        Interactions.from_frame(frame)
    message = str(caught.value)
    assert "column 'timestamp': row 2 holds a missing value (pd.NA" in message
    assert "1 in all" in message and "nan" not in message.lower()


@pytest.mark.parametrize("dtype", ["Float64", "float64[pyarrow]"])
def test_a_nullable_value_column_with_a_gap_is_a_missing_value(dtype):
    frame = _frame(rating=pd.array([4.0, None, 3.0, 5.0], dtype=dtype))
    with pytest.raises(DataFormatError, match=r"column 'rating': row 1 holds a missing "
                                              r"value \(pd\.NA.*1 in all"):
        Interactions.from_frame(frame, value_col="rating")


def test_a_nullable_integer_id_column_with_a_gap_is_an_empty_id():
    frame = _frame(user_id=pd.array([1, None, 2, 2], dtype="Int64"))
    with pytest.raises(DataFormatError, match=r"column 'user_id': row 1 holds an empty id, "
                                              r"a missing value \(pd\.NA"):
        Interactions.from_frame(frame)


def test_nullable_columns_without_a_gap_are_read_as_their_numbers():
    frame = _frame(timestamp=pd.array([10, 20, 30, 40], dtype="Int64"),
                   rating=pd.array([1.5, 2.0, 3.0, 4.5], dtype="Float64"),
                   user_id=pd.array([7, 7, 8, 8], dtype="Int64"))
    data = Interactions.from_frame(frame, value_col="rating")
    assert data.timestamp.tolist() == [10, 20, 30, 40]
    assert data.value.tolist() == [1.5, 2.0, 3.0, 4.5]
    assert data.users.to_external(data.user_index).tolist() == [7, 7, 8, 8]


@pytest.mark.parametrize(("duration", "words"), [
    (np.timedelta64(1, "s"), "1 second"),
    (np.timedelta64(2, "s"), "2 seconds"),
    (np.timedelta64(-1, "ms"), "-1 millisecond"),
    (np.timedelta64(1_000_000, "us"), "1,000,000 microseconds"),
    (np.timedelta64(1, "D"), "1 day"),
])
def test_a_duration_is_named_in_agreement(duration, words):
    assert shown(duration) == words


def test_a_duration_column_is_named_in_agreement():
    with pytest.raises(DataFormatError, match=r"such as 1 second \("):
        Interactions.from_arrays([1, 2], [1, 2],
                                 timestamps=np.array([1, 2], dtype="timedelta64[s]"))


@pytest.mark.parametrize("duration", [np.timedelta64(3, "D"), datetime.timedelta(seconds=5),
                                      pd.Timedelta(1, "s")])
def test_a_duration_given_as_a_time_is_said_to_be_one(duration):
    with pytest.raises(ConfigError, match=r"cutoff: .* is a duration, not a point in time"):
        to_unix_seconds(duration, "cutoff")


def test_a_temporal_cutoff_of_one_second_duration_reads_singular():
    data = Interactions.from_arrays([1, 1, 2, 2], [1, 2, 1, 2], timestamps=[1, 2, 3, 4])
    with pytest.raises(ConfigError, match=r"^cutoff: 1 second is a duration"):
        temporal_split(data, np.timedelta64(1, "s"))

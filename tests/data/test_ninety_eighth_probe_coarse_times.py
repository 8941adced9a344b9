"""Ninety-eighth bad-input probe, times stored as float32 (a pandas column downcast to save
memory, then written to Parquet). float32 keeps 24 bits, so a Unix time of 2024 is one of
the multiples of 128 s: a click and the next one a second later were stored as one time,
and every loader read them so without a word. The times are still read as stored (that is
what the file holds), now with an ``InexactValueWarning`` that says how coarse they are and
how to keep the seconds. float64 times, and float32 ones small enough to hold every
second, pass as before."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from recstack.data import InexactValueWarning
from recstack.data.files import load_table
from recstack.data.interactions import Interactions
from recstack.data.partitioned import read_partitioned

JAN_1 = 1704067200  # 2024-01-01T00:00:00Z
# float32's spacing at 2**30 <= JAN_1 < 2**31 is 2**(30 - 23) = 128 seconds
STEP = 128


def _table(times):
    return pa.table({"user_id": ["a", "b"], "item_id": ["x", "y"], "value": [1.0, 2.0],
                     "timestamp": pa.array(times)})


def test_a_parquet_file_of_float32_times_is_warned_of(tmp_path):
    path = tmp_path / "log.parquet"
    pq.write_table(_table(np.array([JAN_1, JAN_1 + 1], np.float32)), path)
    with pytest.warns(InexactValueWarning, match=rf"column 'timestamp': the times are stored "
                                                 rf"as float32 numbers \(seconds\), which hold "
                                                 rf"times near the largest, {JAN_1}, only to "
                                                 rf"within {STEP} seconds"):
        data = load_table(path)
    assert data.timestamp.tolist() == [JAN_1, JAN_1]  # as stored


def test_float32_milliseconds_say_seconds(tmp_path):
    path = tmp_path / "log.parquet"
    millis = np.array([JAN_1 * 1000, JAN_1 * 1000 + 500], np.float32)
    pq.write_table(_table(millis), path)
    # spacing at 1.7e12 (2**40 <= x < 2**41) is 2**17 ms = 131.072 s
    with pytest.warns(InexactValueWarning, match=r"as float32 numbers \(milliseconds\).* only "
                                                 r"to within 131 seconds"):
        load_table(path)


def test_a_partitioned_dataset_warns_too(tmp_path):
    folder = tmp_path / "log" / "year=2024" / "month=01"
    folder.mkdir(parents=True)
    pq.write_table(_table(np.array([JAN_1, JAN_1 + 1], np.float32)), folder / "p.parquet")
    with pytest.warns(InexactValueWarning, match=rf"within {STEP} seconds"):
        read_partitioned(tmp_path / "log")


def test_frames_and_arrays_warn_too():
    times = np.array([JAN_1, JAN_1 + 1], np.float32)
    with pytest.warns(InexactValueWarning, match=rf"within {STEP} seconds"):
        Interactions.from_arrays(["a", "b"], ["x", "y"], None, times)
    frame = pd.DataFrame({"user_id": [1, 2], "item_id": [3, 4], "timestamp": times})
    with pytest.warns(InexactValueWarning, match=rf"within {STEP} seconds"):
        Interactions.from_frame(frame)


@pytest.mark.parametrize("times", [
    np.array([JAN_1, JAN_1 + 1], np.float64),
    np.array([JAN_1, JAN_1 + 1], np.int64),
    np.array([100, 101], np.float32),        # below 2**24: every second is held
    np.array([1000, 1001], np.float16),      # float16 spacing at 1000 is 0.5
])
def test_times_that_keep_their_seconds_pass_without_a_word(tmp_path, times):
    with warnings.catch_warnings():
        warnings.simplefilter("error", InexactValueWarning)
        Interactions.from_arrays(["a", "b"], ["x", "y"], None, times)
        if times.dtype != np.float16:
            path = tmp_path / "log.parquet"
            pq.write_table(_table(times), path)
            load_table(path)


def test_float16_times_raise_no_numpy_warning():
    # the range check compared float16 times with 2**62, which numpy cast to float16 with
    # "RuntimeWarning: overflow encountered in cast"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        data = Interactions.from_arrays(["a", "b"], ["x", "y"], None,
                                        np.array([1000, 1002], np.float16))
    assert data.timestamp.tolist() == [1000, 1002]

"""Hundred-forty-second probe, a pandas Series of row numbers out of order.

``with_values``, ``select`` and ``given_split`` took a pandas Series by position whatever
its index, so weights or a mask computed on a reordered ``to_frame()`` (sorted by time or
by value) landed on other rows' interactions without a word. A Series whose index holds
the row numbers in another order is refused with the two ways to mean it; one in row
order, or with an index that names no rows, is read as before."""

import numpy as np
import pandas as pd
import pytest

from recstack.data.interactions import Interactions
from recstack.data.splits import given_split
from recstack.errors import ConfigError, DataFormatError

WAYS = r"pass series\.sort_index\(\) to match it by row number, or series\.to_numpy\(\)"


@pytest.fixture
def data():
    return Interactions.from_arrays([1, 1, 2, 2], [10, 11, 10, 11], values=[4, 1, 3, 2])


def test_values_of_a_sorted_frame_are_refused(data):
    frame = data.to_frame().sort_values("value")  # rows 1, 3, 2, 0
    with pytest.raises(DataFormatError, match=r"column 'value': is a pandas Series whose index "
                                              r"holds the row numbers 0\.\.3 in another order "
                                              r"\(position 0 holds row 1's entry\), but it is "
                                              rf"read by position; {WAYS}"):
        data.with_values(frame["value"] * 10)


def test_the_two_ways_out_give_what_they_say(data):
    weights = (data.to_frame().sort_values("value")["value"] * 10)
    # by row number: row r gets 10 times its own value
    assert data.with_values(weights.sort_index()).value.tolist() == [40, 10, 30, 20]
    # as they stand: the sorted order
    assert data.with_values(weights.to_numpy()).value.tolist() == [10, 20, 30, 40]


@pytest.mark.parametrize("index", [[0, 1, 2, 3], [7, 3, 9, 1], ["a", "b", "c", "d"]])
def test_other_series_are_read_by_position(data, index):
    series = pd.Series([5.0, 6.0, 7.0, 8.0], index=index)
    assert data.with_values(series).value.tolist() == [5, 6, 7, 8]


def test_a_mask_of_a_sorted_frame_is_refused_by_select(data):
    frame = data.to_frame().sort_values("value")
    with pytest.raises(ConfigError, match=rf"^select: rows is a pandas Series .*{WAYS}"):
        data.select(frame["value"] > 2)
    # by row number: rows 0 and 2 hold values above 2
    chosen = data.select((frame["value"] > 2).sort_index())
    assert chosen.value.tolist() == [4, 3]
    # positions given as a Series are positions, whatever its index
    assert data.select(pd.Series([3, 0], index=[1, 0])).value.tolist() == [2, 4]


def test_a_mask_of_a_sorted_frame_is_refused_by_given_split():
    data = Interactions.from_arrays(np.repeat([1, 2, 3], 3), np.tile([10, 11, 12], 3),
                                    timestamps=[9, 8, 7, 6, 5, 4, 3, 2, 1])
    frame = data.to_frame().sort_values("timestamp")
    with pytest.raises(ConfigError, match=rf"^given split: is_test is a pandas Series .*{WAYS}"):
        given_split(data, frame["timestamp"] == 9)
    split = given_split(data, (frame["timestamp"] == 9).sort_index())
    assert split.test.timestamp.tolist() == [9]

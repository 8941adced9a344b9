"""Hundred-thirtieth probe, one rule for values outside a rating range.

``load_table(rating_range=(1, 5))`` refuses a 9 in the file, naming its line, but
``Interactions.from_arrays``, ``from_frame`` and ``with_values`` kept a 9 on a 1-5 scale
without a word (a model then refused it, or a Parquet file saved could not be read back).
They now refuse it too, naming the count, the first row and its value."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import ConfigError, DataFormatError

_SAYS = (r"^column 'value': 2 value\(s\) outside rating_range = \(1, 5\), first at row 1: "
         r"9\.0 \(expected ratings between 1 and 5: drop the rows outside the range first, "
         r"or give a rating_range that holds them\)$")


def test_from_arrays_refuses_a_rating_outside_its_range():
    with pytest.raises(DataFormatError, match=_SAYS):
        Interactions.from_arrays([1, 2, 3], [1, 2, 3], [3.0, 9.0, 0.5], rating_range=(1, 5))


def test_from_frame_refuses_a_rating_outside_its_range():
    frame = pd.DataFrame({"user_id": [1, 2, 3], "item_id": [1, 2, 3],
                          "value": [3.0, 9.0, 0.5]})
    with pytest.raises(DataFormatError, match=_SAYS):
        Interactions.from_frame(frame, rating_range=(1, 5))


def test_with_values_refuses_a_rating_outside_the_range_of_the_data():
    data = Interactions.from_arrays([1, 2, 3], [1, 2, 3], [3.0, 4.0, 5.0], rating_range=(1, 5))
    with pytest.raises(DataFormatError, match=_SAYS):
        data.with_values(np.array([3.0, 9.0, 0.5]))
    # implicit data (no range) take any finite weight
    assert data.implicit().with_values(np.array([3.0, 9.0, -1.0])).value.tolist() == [
        3.0, 9.0, -1.0]


def test_the_ends_of_the_range_are_inside_it():
    data = Interactions.from_arrays([1, 2], [1, 2], [1.0, 5.0], rating_range=(1, 5))
    assert data.with_values(np.array([5.0, 1.0])).value.tolist() == [5.0, 1.0]


def test_summed_duplicates_are_checked_as_given_before_summing():
    # two 5-star rows of one pair: each a rating in range, so the range check passes them;
    # their sum (10) is no rating, and 'sum' on ratings is refused (test_two_hundred_sixty_
    # second_probe_summed_ratings); as counts they sum
    with pytest.raises(ConfigError, match=r"duplicate policy 'sum' .* explicit ratings"):
        Interactions.from_arrays([1, 1], [7, 7], [5.0, 5.0], rating_range=(1, 5),
                                 duplicates="sum")
    data = Interactions.from_arrays([1, 1], [7, 7], [5.0, 5.0], duplicates="sum")
    assert data.value.tolist() == [10.0]

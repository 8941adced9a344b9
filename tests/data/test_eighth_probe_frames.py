"""Eighth probe, building interactions from pandas: columns given as Series holding the same
rows in another order (read by position, each rating went to another pair), and a frame
whose ids are its index (the default column was reported missing)."""

import numpy as np
import pandas as pd
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import DataFormatError


@pytest.fixture
def ratings():
    return pd.DataFrame({"user_id": [1, 1, 2], "item_id": [10, 11, 10],
                         "value": [5.0, 1.0, 3.0], "timestamp": [100, 200, 300]})


def test_a_sorted_copy_of_one_column_is_refused(ratings):
    by_value = ratings["value"].sort_values()  # index 1, 2, 0
    with pytest.raises(DataFormatError, match=r"from_arrays: item_ids and values are pandas "
                                              r"Series with the same index labels in "
                                              r"different orders .*align them first"):
        Interactions.from_arrays(ratings["user_id"], ratings["item_id"], by_value)
    # columns of one filtered frame, or plain arrays beside them, are read as before
    filtered = ratings[ratings["value"] > 2]  # index 0, 2: every column the same
    data = Interactions.from_arrays(filtered["user_id"], filtered["item_id"],
                                    np.asarray(filtered["value"]))
    # the definition: user 1 gave item 10 a 5, user 2 gave item 10 a 3
    assert data.to_frame()[["user_id", "item_id", "value"]].values.tolist() == [
        [1, 10, 5.0], [2, 10, 3.0]]


def test_sorted_timestamps_are_refused_too(ratings):
    with pytest.raises(DataFormatError, match=r"values and timestamps are pandas Series"):
        Interactions.from_arrays(ratings["user_id"], ratings["item_id"], ratings["value"],
                                 ratings["timestamp"].sort_values(ascending=False))


def test_a_frame_indexed_by_its_users_reads_them(ratings):
    data = Interactions.from_frame(ratings.set_index("user_id"))
    assert data.to_frame().values.tolist() == ratings.values.tolist()


def test_a_frame_indexed_by_user_and_item_reads_both(ratings):
    data = Interactions.from_frame(ratings.set_index(["user_id", "item_id"]))
    assert data.to_frame().values.tolist() == ratings.values.tolist()

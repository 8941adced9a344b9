"""Interactions.from_frame and from_arrays name the column a bad value is in: an id that
is not one (NaN, 1.5, True) was refused as "ids: the value at position 0 ...", which said
neither the users nor the items; and a frame's 'rating' or 'when' column was named by its
role, column 'value' or column 'timestamp'."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import DataFormatError


@pytest.mark.parametrize(("users", "items", "column"), [
    ([1, None], [1, 2], "user_id"),
    ([1, 2], [np.nan, 2], "item_id"),
    ([1, 2], [1.5, 2.0], "item_id"),
    ([True, False], [1, 2], "user_id"),
])
def test_from_arrays_names_the_id_column(users, items, column):
    with pytest.raises(DataFormatError, match=rf"^column '{column}': the value at position "):
        Interactions.from_arrays(users, items)


@pytest.mark.parametrize(("frame", "column"), [
    (pd.DataFrame({"uid": [1.5, 2], "iid": [1, 2]}), "uid"),
    (pd.DataFrame({"uid": [1, 2], "iid": [None, 2]}), "iid"),
    (pd.DataFrame({"uid": pd.array([1, None], dtype="Int64"), "iid": [1, 2]}), "uid"),
])
def test_from_frame_names_the_frames_id_column(frame, column):
    # a nullable column's gap is named as the pd.NA it is (it was "the value at position 1
    # is NaN")
    with pytest.raises(DataFormatError, match=rf"^column '{column}': (the value at position "
                                              r"|row 1 holds an empty id, a missing value "
                                              r"\(pd\.NA)"):
        Interactions.from_frame(frame, user_col="uid", item_col="iid")


def test_from_frame_names_the_frames_value_column():
    frame = pd.DataFrame({"user_id": [1, 2], "item_id": [1, 2], "stars": [4.0, np.nan]})
    with pytest.raises(DataFormatError, match=r"^column 'stars': 1 non-finite value") as caught:
        Interactions.from_frame(frame, value_col="stars")
    assert caught.value.column == "stars"


@pytest.mark.parametrize("when", [["x", "y"], pd.to_datetime(["2020-01-01", None])])
def test_from_frame_names_the_frames_timestamp_column(when):
    frame = pd.DataFrame({"user_id": [1, 2], "item_id": [1, 2], "when": when})
    with pytest.raises(DataFormatError, match=r"^column 'when': ") as caught:
        Interactions.from_frame(frame, timestamp_col="when")
    assert caught.value.column == "when"


def test_good_frames_read_as_before():
    frame = pd.DataFrame({"uid": [" a", "b"], "iid": [1.0, 2.0], "stars": [4, 5]})
    data = Interactions.from_frame(frame, user_col="uid", item_col="iid", value_col="stars")
    assert data.users.external_ids.tolist() == ["a", "b"]
    assert data.items.external_ids.tolist() == [1, 2]
    assert data.value.tolist() == [4.0, 5.0]

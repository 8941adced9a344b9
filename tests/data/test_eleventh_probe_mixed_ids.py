"""Ids that mix text and numbers are refused in every container, as a list of them was:
a frame's object column ``[1, "1"]`` (and a numpy object array or pandas column given to
``from_arrays``) became the one user ``'1'``, since a column holding text is all text."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import DataFormatError


@pytest.mark.parametrize(("column", "values", "says"), [
    ("user_id", [1, "1"], r"column 'user_id': ids mix text and other types \(int, str\): "
                          r"position 0 holds 1, position 1 '1'"),
    ("item_id", ["a", 3], r"column 'item_id': ids mix text and other types \(int, str\): "
                          r"position 0 holds 'a', position 1 3"),
    ("item_id", [2.0, "2"], r"column 'item_id': ids mix text and other types \(float, str\)"),
])
def test_a_frame_mixing_text_and_numbers_is_refused_by_its_column(column, values, says):
    frame = pd.DataFrame({"user_id": [1, 2], "item_id": [10, 20]})
    frame[column] = pd.Series(values, dtype=object)
    with pytest.raises(DataFormatError, match=says) as refused:
        Interactions.from_frame(frame)
    assert refused.value.column == column
    assert "ids of one type" in str(refused.value)


def test_the_frame_s_own_column_names_are_named():
    frame = pd.DataFrame({"uid": pd.Series([7, "7"], dtype=object), "iid": [1, 2]})
    with pytest.raises(DataFormatError, match=r"column 'uid': ids mix text"):
        Interactions.from_frame(frame, user_col="uid", item_col="iid")


def test_an_index_level_mixing_text_and_numbers_is_refused():
    frame = pd.DataFrame({"user_id": pd.Series([1, "1"], dtype=object),
                          "item_id": [1, 2]}).set_index("user_id")
    with pytest.raises(DataFormatError, match=r"column 'user_id': ids mix text"):
        Interactions.from_frame(frame)


@pytest.mark.parametrize("users", [
    np.array([1, "1"], dtype=object),
    pd.Series([1, "1"], dtype=object),
    [b"1", 1],  # bytes are UTF-8 text: numpy made both b"1"
])
def test_from_arrays_refuses_the_mix_in_every_container(users):
    with pytest.raises(DataFormatError, match=r"column 'user_id': ids mix text and other "
                                              r"types"):
        Interactions.from_arrays(users, [1, 2])


def test_columns_of_one_kind_still_read_as_before():
    frame = pd.DataFrame({"user_id": pd.Series(["1", " 2"], dtype=object),
                          "item_id": pd.Series([1, 2], dtype=object), "value": [1.0, 2.0]})
    data = Interactions.from_frame(frame)
    assert data.users.external_ids.tolist() == ["1", "2"]
    assert data.items.external_ids.tolist() == [1, 2]
    # integers beyond int64 are their digits, as a loader reads them: not a mix of kinds
    data = Interactions.from_arrays([1, 2**70], [1, 2])
    assert data.users.external_ids.tolist() == ["1", str(2**70)]


def test_a_missing_id_among_text_is_still_named_as_missing():
    frame = pd.DataFrame({"user_id": pd.Series([1, None], dtype=object), "item_id": [1, 2]})
    with pytest.raises(DataFormatError, match=r"column 'user_id': the value at position 1 "
                                              r"is None \(a missing id\)"):
        Interactions.from_frame(frame)

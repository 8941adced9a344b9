"""Two-tower's ``user_features``: in a column of mixed kinds, ``1`` and ``1.0`` are one
category, as ``1`` and ``"1"`` already were; they were two (``"1"`` and ``"1.0"``), so users
with the same code got different one-hot inputs, and a column holding one code written two
ways was not warned of as constant."""

import warnings

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("torch", reason="PyTorch is not installed: recstack[torch]")

from recstack.data.interactions import Interactions  # noqa: E402
from recstack.models.two_tower import TwoTower  # noqa: E402

QUICK = {"dim": 4, "hidden": 8, "epochs": 1, "batch_size": 8, "device": "cpu",
         "num_threads": 1, "text_dim": 0, "max_tags": 0}


def _data(codes, dtype=object):
    users = np.repeat(np.arange(len(codes)), 3)
    items = (users + np.tile(np.arange(3), len(codes))) % 5
    table = pd.DataFrame({"user_id": np.arange(len(codes)),
                          "occupation": pd.Series(codes, dtype=dtype)})
    return Interactions.from_arrays(users, items, None, np.arange(len(users)),
                                    user_table=table)


def test_a_whole_float_and_its_integer_are_one_category():
    data = _data([1, 1.0, "x", "1", 2, 2.0])
    model = TwoTower(**QUICK, user_features=("occupation",))
    onehot = model._user_feature_matrix(data)
    rows = onehot[data.users.to_index(np.arange(6))]
    # by hand: the categories are "1", "2" and "x", sorted; users 0, 1, 3 hold code 1
    expected = np.array([[1, 0, 0], [1, 0, 0], [0, 0, 1], [1, 0, 0], [0, 1, 0], [0, 1, 0]],
                        np.float32)
    np.testing.assert_array_equal(rows, expected)


def test_one_code_written_two_ways_is_warned_of_as_constant():
    with pytest.warns(UserWarning, match=r"'occupation' holds the one value .* constant"):
        TwoTower(**QUICK, user_features=("occupation",)).fit(_data([1, 1.0, "1", 1]))


def test_a_float_column_keeps_its_categories():
    data = _data([1.0, 2.0, np.nan, 2.5], dtype=np.float64)
    model = TwoTower(**QUICK, user_features=("occupation",))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a value of its own per user: warned, not tested
        onehot = model._user_feature_matrix(data)
    rows = onehot[data.users.to_index(np.arange(4))]
    # "1.0" < "2.0" < "2.5"; the missing value has no column
    expected = np.array([[1, 0, 0], [0, 1, 0], [0, 0, 0], [0, 0, 1]], np.float32)
    np.testing.assert_array_equal(rows, expected)

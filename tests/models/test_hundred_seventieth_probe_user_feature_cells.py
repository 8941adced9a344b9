"""Hundred-seventieth bad-input probe: two-tower ``user_features`` columns the one-hot cannot
read. Each distinct value of a column is one category (its text spelling), so:

* a column with no value at all added no input, silently;
* a cell holding a list, a table, bytes or an infinite number became a category named by its
  Python spelling (``"['x']"``, ``"inf"``);
* the key column ``user_id`` was one-hot encoded into a second user-id embedding;
* a column with a value of its own per user (an age in days, a sign-up time) did the same
  without a word.

The first three are refused naming the column and the user; the last warns.
"""

from __future__ import annotations

import importlib.util
import warnings

import numpy as np
import pandas as pd
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import ConfigError
from recstack.models import create_model
from tests.models.quick_params import quick_params

pytestmark = pytest.mark.skipif(importlib.util.find_spec("torch") is None,
                                reason="needs torch")

N_USERS = 12


def interactions(**columns) -> Interactions:
    users = np.repeat(np.arange(N_USERS), 3)
    items = (users + np.tile(np.arange(3), N_USERS)) % 8
    frame = pd.DataFrame({"user_id": [f"u{u}" for u in users], "item_id": items})
    table = pd.DataFrame({"user_id": [f"u{u}" for u in range(N_USERS)], **columns})
    return Interactions.from_frame(frame, value_col=None, user_table=table)


def fit(data: Interactions, features):
    return create_model("two_tower", **quick_params("two_tower"),
                        user_features=features).fit(data)


def with_cell(cell, fill="a"):
    cells: list = [fill if u % 2 else "b" for u in range(N_USERS)]
    cells[3] = cell
    return pd.Series(cells, dtype=object)


@pytest.mark.parametrize("cell, said", [
    (["x", "y"], r"holds a list \(\['x', 'y'\]\) for user 'u3'"),
    ({"k": 1}, r"holds a table \(\{'k': 1\}\) for user 'u3'"),
    (b"a", r"holds bytes \(b'a'\) for user 'u3'"),
    (float("inf"), r"holds an infinite number \(inf\) for user 'u3'"),
])
def test_a_cell_that_is_no_single_value_is_refused(cell, said):
    data = interactions(segment=with_cell(cell))
    with pytest.raises(ConfigError, match=r"^two_tower: user_features column 'segment' "
                                          + said + r"; each value is one category"):
        fit(data, ["segment"])


def test_an_infinite_number_in_a_float_column_is_refused():
    ages = np.arange(N_USERS, dtype=float) % 3
    ages[5] = -np.inf
    with pytest.raises(ConfigError, match=r"column 'age' holds an infinite number \(-inf\) "
                                          r"for user 'u5'"):
        fit(interactions(age=ages), ["age"])


def test_a_column_without_any_value_is_refused():
    with pytest.raises(ConfigError, match=r"column 'segment' holds no value \(every one of "
                                          r"its rows is missing\)"):
        fit(interactions(segment=[None] * N_USERS), ["segment"])


def test_the_user_key_is_refused():
    with pytest.raises(ConfigError, match=r"user_features names 'user_id', the users' key"):
        fit(interactions(segment=["a"] * N_USERS), ["user_id"])


def test_a_value_per_user_warns():
    with pytest.warns(UserWarning, match=r"column 'signup' has a value of its own for each of "
                                         r"its 12 users, so its one-hot is one column per "
                                         r"user"):
        fit(interactions(signup=np.arange(N_USERS) * 86_400), ["signup"])


def test_a_categorical_column_with_missing_values_still_fits_quietly():
    segments = with_cell(None)  # a missing value stays "no category"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model = fit(interactions(segment=segments), ["segment"])
    # a, b and no category: two one-hot columns after the dim inputs of the history mean
    assert model.user_layers_[0].shape[1] == model.dim + 2

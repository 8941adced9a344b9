"""Seventh bad-input probe of the feature builder: an item or user table column holding a
number beyond float32's range (1e300, inf) or complex numbers. The frame holds float32, so
1e300 became inf and was refused as "numeric feature 'item_q' is inf at row 1", a frame
row the user never wrote, and complex values lost their imaginary part silently; now the
table, the column and the row's id are named. The limit is float32's largest finite
value, about 3.4e38."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import RecstackError
from recstack.models import create_model

N_USERS, N_ITEMS = 30, 20


def data(**item_columns) -> Interactions:
    rng = np.random.default_rng(0)
    n = 400
    users = rng.integers(0, N_USERS, n)
    items = rng.integers(0, N_ITEMS, n)
    times = np.sort(rng.integers(1_600_000_000, 1_600_000_000 + 60 * 86_400, n))
    item_table = pd.DataFrame({"item_id": [f"i{k}" for k in range(N_ITEMS)], **item_columns})
    user_table = pd.DataFrame({"user_id": [f"u{k}" for k in range(N_USERS)],
                               "age": np.where(np.arange(N_USERS) == 4, 1e39, 30.0)})
    return Interactions.from_arrays([f"u{k}" for k in users], [f"i{k}" for k in items],
                                    timestamps=times, item_table=item_table,
                                    user_table=user_table)


def fit(train: Interactions, **features):
    pytest.importorskip("sklearn")
    return create_model("two_stage", generators=({"type": "most_popular"},),
                        ranker={"type": "logistic"}, n_candidates=10,
                        features={"user_columns": [], **features}).fit(train)


@pytest.mark.parametrize(("value", "shown"), [(1e300, "1e\\+300"), (np.inf, "inf"),
                                              (-4e38, "-4e\\+38")])
def test_an_item_value_beyond_float32_is_named_by_table_column_and_item(value, shown):
    margin = np.where(np.arange(N_ITEMS) == 7, value, 1.0)
    with pytest.raises(RecstackError, match=f"features: item table column 'margin' holds "
                       f"{shown} \\(item 'i7'\\); numeric features must be finite and within "
                       "float32's range"):
        fit(data(margin=margin))


def test_a_user_value_beyond_float32_is_named_by_its_user():
    with pytest.raises(RecstackError, match="user table column 'age' holds 1e\\+39 "
                       "\\(user 'u4'\\)"):
        fit(data(), user_columns=["age"])


def test_complex_numbers_in_a_table_are_refused():
    with pytest.raises(RecstackError, match="item table column 'q' holds complex numbers"):
        fit(data(q=np.arange(N_ITEMS) * 1j + 1))

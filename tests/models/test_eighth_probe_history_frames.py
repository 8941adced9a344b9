"""Eighth bad-input probe, users' histories given as a DataFrame whose columns are the
model's item ids in another order: a frame built from one ``{item: value}`` dict per user
orders its columns as the items first appear, while a model keeps its items sorted by id.
``score_histories`` and ``fold_in`` read the columns by position, so every value went to
another item and the scores were of another history, without a word."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import RecstackError
from recstack.models import create_model

TRAIN = Interactions.from_arrays([1, 1, 2, 2, 3, 3, 4], [30, 10, 10, 20, 30, 20, 30])


def _frame(histories: list[list[int]]) -> pd.DataFrame:
    # one {item: 1.0} dict per user: columns in the order the items first appear
    return pd.DataFrame([dict.fromkeys(items, 1.0) for items in histories]).fillna(0.0)


@pytest.mark.parametrize("name", ["item_knn", "rp3beta", "ease", "most_popular"])
def test_a_frame_with_item_columns_in_another_order_is_refused(name):
    model = create_model(name).fit(TRAIN)
    histories = _frame([[30], [20, 10]])
    assert list(histories.columns) == [30, 20, 10]
    with pytest.raises(RecstackError, match=rf"{name}: histories is a DataFrame whose columns "
                                            r"are the model's item ids in another order "
                                            r"\(column 0 is item 30, but the model's item 0 "
                                            r"is 10\).*reorder them first"):
        model.score_histories(histories)


def test_columns_in_the_model_order_score_as_the_matrix_does():
    model = create_model("item_knn").fit(TRAIN)
    order = model.items_.to_external(np.arange(3)).tolist()
    assert order == [10, 20, 30]
    histories = _frame([[30], [20, 10]])
    reordered = histories[order]
    expected = model.score_histories(reordered.to_numpy())
    np.testing.assert_array_equal(model.score_histories(reordered), expected)
    # an unlabelled frame (RangeIndex columns) is read by position, as an array is
    np.testing.assert_array_equal(
        model.score_histories(pd.DataFrame(reordered.to_numpy())), expected)


def test_fold_in_refuses_them_too():
    model = create_model("ials", factors=2, iterations=2, block_size=2).fit(TRAIN)
    with pytest.raises(RecstackError, match="ials: histories is a DataFrame whose columns"):
        model.fold_in(_frame([[30], [20, 10]]))

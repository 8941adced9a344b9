"""Twenty-sixth bad-input probe, one user's history given as a pandas Series whose index is
the model's item ids in another order (``log.groupby("item").size()`` sorts by id, and
``value_counts()`` by count, while a model keeps its own item order). ``score_histories``
and ``fold_in`` read the Series by position, so every value went to another item and the
scores were of another history, without a word; a DataFrame in the same state was already
refused."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import RecstackError
from recstack.models import create_model

# items first seen in the order 30, 10, 20: the model keeps them sorted, [10, 20, 30]
TRAIN = Interactions.from_arrays([1, 1, 2, 2, 3, 3, 4], [30, 10, 10, 20, 30, 20, 30])


def _series() -> pd.Series:
    # a user who interacted twice with item 30 and once with item 10, as value_counts
    # gives it: most frequent first, so labelled [30, 10, 20]
    return pd.Series([2.0, 1.0, 0.0], index=[30, 10, 20])


@pytest.mark.parametrize("name", ["item_knn", "ease", "most_popular"])
def test_a_series_indexed_by_item_ids_in_another_order_is_refused(name):
    model = create_model(name).fit(TRAIN)
    assert model.items_.to_external(np.arange(3)).tolist() == [10, 20, 30]
    with pytest.raises(RecstackError, match=rf"^{name}: histories is a Series \(one user's "
                                            r"history\) whose index is the model's item ids in "
                                            r"another order \(position 0 is item 30, but the "
                                            r"model's item 0 is 10\).*reorder it first, "
                                            r"histories\.loc\["):
        model.score_histories(_series())


def test_fold_in_refuses_it_too():
    model = create_model("ials", factors=2, iterations=2, block_size=2).fit(TRAIN)
    with pytest.raises(RecstackError, match=r"^ials: histories is a Series"):
        model.fold_in(_series())


def test_a_series_in_the_model_order_or_unlabelled_is_read_by_position():
    model = create_model("item_knn").fit(TRAIN)
    # the history of _series() in the model's order [10, 20, 30]: 1, 0, 2
    expected = model.score_histories(np.array([[1.0, 0.0, 2.0]]))
    reordered = _series().loc[model.items_.to_external(np.arange(3))]
    np.testing.assert_array_equal(model.score_histories(reordered), expected)
    np.testing.assert_array_equal(model.score_histories(pd.Series([1.0, 0.0, 2.0])), expected)

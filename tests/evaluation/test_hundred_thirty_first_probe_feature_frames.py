"""``Evaluator(item_features=DataFrame)`` indexed by item ids was read by position: rows in
another order than the item index gave each list the vectors of other items, and a frame of
another catalog's ids was taken without a word. Rows are now looked up by item id; a
catalog item without a row is refused; a frame indexed by the row numbers 0..n-1 is read
by position as before."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import ConfigError
from recstack.evaluation.evaluator import Evaluator
from tests.evaluation.scorer import Scorer

# items 'a' and 'b' point the same way, 'c' at right angles to both
VECTORS = {"a": [1.0, 0.0], "b": [2.0, 0.0], "c": [0.0, 1.0]}


def _split():
    # one user; train holds 'c' (masked), so that scores 3, 2, 1 list ['a', 'b']; the test
    # pair 'a' makes the user evaluated
    data = Interactions.from_arrays(["u", "u", "u"], ["a", "b", "c"])
    train = data.select(np.array([False, False, True]))
    test = data.select(np.array([True, False, False]))
    return data, train, test


def _diversity(features):
    data, train, test = _split()
    ids = list(train.items.to_external(np.arange(train.n_items)))
    assert ids == ["a", "b", "c"]
    model = Scorer(lambda users: np.tile(np.array([3.0, 2.0, 1.0], np.float32), (len(users), 1)))
    result = Evaluator(metrics=("diversity",), ks=(2,), item_features=features).evaluate(
        model, train, test)
    return float(result.per_user["diversity@2"].iloc[0])


@pytest.mark.parametrize("order", [["a", "b", "c"], ["c", "b", "a"], ["b", "c", "a"]])
def test_a_frame_indexed_by_item_id_is_read_by_id(order):
    frame = pd.DataFrame([VECTORS[i] for i in order], index=order)
    # by definition: the list ['a', 'b'] holds two items of one direction, 1 - cos = 0
    assert _diversity(frame) == pytest.approx(0.0)


def test_extra_rows_of_items_outside_the_catalog_are_not_read():
    order = ["z", "c", "a", "b"]
    frame = pd.DataFrame([[0.0, 1.0]] + [VECTORS[i] for i in order[1:]], index=order)
    assert _diversity(frame) == pytest.approx(0.0)


def test_a_catalog_item_without_a_row_is_refused():
    frame = pd.DataFrame([VECTORS["a"], VECTORS["c"]], index=["a", "c"])
    with pytest.raises(ConfigError, match=r"^item_features: the DataFrame is indexed by item "
                                          r"id \(e.g. 'a', 'c'\), but 1 of the catalog's 3 "
                                          r"items has no row, e.g. 'b'; index it by the item "
                                          r"ids of train"):
        _diversity(frame)


def test_a_frame_naming_an_item_twice_is_refused():
    frame = pd.DataFrame([VECTORS["a"], VECTORS["b"], VECTORS["c"], VECTORS["c"]],
                         index=["a", "b", "c", "c"])
    with pytest.raises(ConfigError, match=r"names item 'c' more than once"):
        _diversity(frame)


def test_a_frame_of_row_numbers_in_order_is_read_by_position():
    frame = pd.DataFrame([VECTORS["a"], VECTORS["b"], VECTORS["c"]])
    assert _diversity(frame) == pytest.approx(0.0)
    # the same vectors, the frame in another order: the list ['a', 'b'] is 'c' and 'b' by
    # position, at right angles: 1 - cos = 1 (an array is read by position, as documented)
    assert _diversity(np.array([VECTORS["c"], VECTORS["b"], VECTORS["a"]])) == pytest.approx(1.0)

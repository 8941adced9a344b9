"""Histories given as pandas objects labelled with the model's item ids, one of them twice.

Such labels are no reordering of the catalog (an item then has no column), yet a DataFrame
labelled with every item but one, and one twice, was refused as columns "in another
order", with a remedy (select the model's items in its order) that failed with pandas'
KeyError for the missing item; a Series labelled ``[i3, i3]`` was told to ``reindex``
itself, which pandas refuses ("cannot reindex on an axis with duplicate labels"). Both
are now refused naming the repeated item and where, with a remedy that works: add up the
repeated entries (as the repeated cells of a sparse matrix are read), then align.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import RecstackError
from recstack.models import create_model

N_ITEMS = 8


@pytest.fixture(scope="module")
def train() -> Interactions:
    rng = np.random.default_rng(0)
    users, items = [], []
    for user in range(20):
        for item in rng.choice(N_ITEMS, size=4, replace=False):
            users.append(f"u{user}")
            items.append(f"i{item}")
    return Interactions.from_arrays(users, items)


@pytest.fixture(scope="module")
def model(train):
    return create_model("item_knn", neighbors=5, binary=False).fit(train)


def _row(model, values: dict[str, float]) -> np.ndarray:
    """One user's history built by hand: the value of each named item, 0 elsewhere."""
    row = np.zeros((1, len(model.items_)))
    for item, value in values.items():
        row[0, int(model.items_.to_index([item])[0])] += value
    return row


def test_a_frame_naming_an_item_twice_is_refused_with_a_remedy_that_works(model):
    labels = model.items_.external_ids.tolist()
    missing = labels[1]
    labels[1] = labels[0]  # the first item twice, the second not at all
    frame = pd.DataFrame([[1.0, 2.0] + [0.0] * (N_ITEMS - 3) + [1.0]], columns=labels)
    with pytest.raises(RecstackError) as refused:
        model.score_histories(frame)
    message = str(refused.value)
    assert f"item '{labels[0]}' more than once (columns 0, 1)" in message
    assert "another order" not in message
    # the remedy the message gives, as written in it
    assert "histories.T.groupby(level=0).sum().T.reindex(" in message
    fixed = frame.T.groupby(level=0).sum().T.reindex(columns=model.items_.external_ids,
                                                     fill_value=0)
    expected = _row(model, {labels[0]: 3.0, labels[-1]: 1.0})
    assert fixed[missing].tolist() == [0]
    np.testing.assert_array_equal(model.score_histories(fixed), model.score_histories(expected))


def test_a_series_naming_an_item_twice_is_refused_with_a_remedy_that_works(model):
    series = pd.Series([1.0, 2.0, 1.0], index=["i3", "i3", "i5"])
    with pytest.raises(RecstackError) as refused:
        model.score_histories(series)
    message = str(refused.value)
    assert "item 'i3' more than once (positions 0, 1)" in message
    assert "histories.groupby(level=0).sum().reindex(" in message
    fixed = series.groupby(level=0).sum().reindex(model.items_.external_ids, fill_value=0)
    np.testing.assert_array_equal(model.score_histories(fixed),
                                  model.score_histories(_row(model, {"i3": 3.0, "i5": 1.0})))


def test_fold_in_refuses_it_too(train):
    model = create_model("als", factors=4, iterations=2, regularization=0.5,
                         num_threads=1).fit(train)
    labels = model.items_.external_ids.tolist()
    labels[2] = labels[3]
    frame = pd.DataFrame(np.ones((1, N_ITEMS)), columns=labels)
    with pytest.raises(RecstackError, match=f"item '{labels[3]}' more than once"):
        model.fold_in(frame)


def test_repeated_labels_that_are_no_items_keep_their_own_refusal(model):
    # labels naming none of the model's items are not said to repeat an item: the
    # refusal of labels that are not the model's items stands, as before
    frame = pd.DataFrame(np.ones((1, N_ITEMS)), columns=["x"] * N_ITEMS)
    with pytest.raises(RecstackError, match="not this model's items") as refused:
        model.score_histories(frame)
    assert "more than once" not in str(refused.value)

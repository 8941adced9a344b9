"""Histories given with pandas labels or as item ids.

A Series or DataFrame whose labels are a ``RangeIndex`` that does not start at 0
(``range(1, n + 1)``: 1-based item ids, or ``range(10, n + 10)`` of a slice) was taken for
unlabelled and read by position: each value went to the item one or more places away,
without a word. Only a range from 0 with step 1 (a default index) is positions now; any
other range is labels, checked as every other labelling is.

One user's history given by item ids (a Series or DataFrame labelled with some of the
model's items, ``value_counts`` of a log; a dict item -> value; a set or flat list of ids)
was refused as "2 columns; this model has 40 items", or as no matrix at all, without
saying how to build the row; the refusal now says it.
"""

import numpy as np
import pandas as pd
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import RecstackError
from recstack.models import create_model


def fitted(items):
    items = np.asarray(items)
    users = np.repeat(np.arange(len(items) // 4), 4)
    return create_model("item_knn", neighbors=5).fit(
        Interactions.from_arrays(users, items, None, np.arange(len(items))))


@pytest.fixture(scope="module")
def model():
    # items 1..8 (1-based ids)
    return fitted([3, 1, 2, 4, 5, 6, 7, 8, 1, 3, 5, 7, 2, 4, 6, 8, 1, 2, 3, 4])


@pytest.fixture(scope="module")
def zero_based():
    # items 0..7: a 1-based range of labels is each value one item away
    return fitted([2, 0, 1, 3, 4, 5, 6, 7, 0, 2, 4, 6, 1, 3, 5, 7, 0, 1, 2, 3])


@pytest.mark.parametrize("make", [
    lambda row, start: pd.Series(row, index=range(start, len(row) + start)),
    lambda row, start: pd.DataFrame([row], columns=range(start, len(row) + start)),
], ids=["series", "frame"])
def test_a_shifted_range_of_labels_is_refused(zero_based, make):
    row = np.zeros(8)
    row[0] = 1.0  # item 1 by its label; position 0 is the model's item 0
    with pytest.raises(RecstackError, match=r"labelled with ids that are not this model's "
                                            r"items \(1 of the 8 labels are not one, e\.g\. "
                                            r"(index|column) 7 = 8\)"):
        zero_based.score_histories(make(row, 1))
    with pytest.raises(RecstackError, match=r"2 of the 8 labels are not one"):
        zero_based.score_histories(make(row, 2))  # a slice's columns 2..9


@pytest.mark.parametrize("make", [
    lambda row: pd.Series(row, index=range(1, 11)),
    lambda row: pd.DataFrame([row], columns=range(1, 11)),
], ids=["series", "frame"])
def test_a_range_of_the_ids_in_another_order_is_refused(make):
    # text ids "1".."10" are kept in text order ("1", "10", "2", ...), so a range of the
    # integers 1..10 names the same items in another order
    text = fitted([str(i) for i in [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 1, 3, 5, 7, 9, 2]])
    assert text.items_.external_ids.tolist()[:3] == ["1", "10", "2"]
    row = np.zeros(10)
    row[1] = 1.0  # item 2 by its label; position 1 is the model's item "10"
    with pytest.raises(RecstackError, match=r"in another order \((column|position) 1 is "
                                            r"item 2, but the model's item 1 is '10'\)"):
        text.score_histories(make(row))


def test_a_range_from_zero_is_still_read_by_position(zero_based):
    row = np.zeros(8)
    row[[0, 4]] = 1.0
    expected = zero_based.score_histories(row)
    np.testing.assert_array_equal(zero_based.score_histories(pd.Series(row)), expected)
    np.testing.assert_array_equal(zero_based.score_histories(pd.DataFrame([row])), expected)


def test_a_range_of_the_ids_in_the_models_order_is_read(model):
    row = np.zeros(8)
    row[2] = 1.0
    np.testing.assert_array_equal(model.score_histories(pd.Series(row, index=range(1, 9))),
                                  model.score_histories(row))


HINT_ROW = r"build the user's row first: row = np\.zeros\(len\(model\.items_\)\)"


@pytest.mark.parametrize("history, says", [
    (pd.Series({1: 1.0, 4: 2.0}), r"its index holds 2 of the model's item ids .*"
                                  r"histories\.reindex\(model\.items_\.external_ids, "
                                  r"fill_value=0\)"),
    (pd.DataFrame({1: [1.0], 4: [1.0]}), r"its columns hold 2 of the model's item ids .*"
                                         r"histories\.reindex\(columns=model\.items_"),
    ({1: 1.0, 4: 1.0}, r"its keys hold 2 of the model's item ids .*pd\.Series\(histories\)"),
    ({1, 4}, r"if a set of item ids was meant .*" + HINT_ROW),
    ([1, 4], r"if a flat list of item ids was meant .*" + HINT_ROW),
    (np.array([1, 4]), r"if a flat list of item ids was meant .*" + HINT_ROW),
    (pd.Series([1, 4]), r"if a Series of item ids was meant .*" + HINT_ROW),
], ids=["series", "frame", "dict", "set", "list", "array", "series-of-ids"])
def test_a_history_by_item_ids_is_refused_saying_how_to_build_the_row(model, history, says):
    for method in (model.score_histories, create_model("ease").fit(
            Interactions.from_arrays(np.repeat(np.arange(5), 4),
                                     np.tile(np.arange(1, 9), 3)[:20], None,
                                     np.arange(20))).score_histories):
        with pytest.raises(RecstackError, match=says):
            method(history)


@pytest.mark.parametrize("history", [
    [1.0, 0.0],              # values of a row too short: weights, not ids
    pd.Series([1.0, 0.0]),
    [1, 1],                  # repeated: not a set of items
    [1, 99],                 # 99 is no item of the model
    pd.Series({99: 1.0}),
], ids=["floats", "float-series", "repeated", "unknown", "unknown-label"])
def test_no_item_id_hint_where_the_values_are_no_items(model, history):
    with pytest.raises(RecstackError) as caught:
        model.score_histories(history)
    assert "model's item ids" not in str(caught.value)
    assert "item ids was meant" not in str(caught.value)


def test_no_item_id_hint_for_an_unlabelled_frame_of_another_width(zero_based):
    # a default-labelled frame is positions: too narrow is another catalog's matrix,
    # not labels to reindex by
    with pytest.raises(RecstackError) as caught:
        zero_based.score_histories(pd.DataFrame(np.ones((1, 3))))
    assert "reindex" not in str(caught.value)

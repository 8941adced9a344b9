"""Hundred-seventy-eighth bad-input probe of the models' histories: one user's history
given as (item, value) pairs, or one dict of item -> value per user, was refused as "must
hold numbers, got dtype <U32" (the ids made the pairs text), as "2 columns; this model has
9 items", or as "got [{...}]", with no word on the row to build, where a Series or one
dict of item -> value already got one. Both now get the same rule: the refusal says what
was given and how to align it to the model's items, and the fix it names works."""

import warnings

import numpy as np
import pandas as pd
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import RecstackError
from recstack.models.registry import create_model

PARAMS = {"ease": {"regularization": 10.0}, "als": {"factors": 4, "iterations": 3}}


def _fitted(name):
    users = np.repeat(np.arange(12), 5)
    items = np.concatenate([(np.arange(5) + u) % 9 for u in range(12)])
    text = Interactions.from_arrays(users, [f"i{i}" for i in items])
    numbered = Interactions.from_arrays(users, items + 100)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return (create_model(name, **PARAMS[name]).fit(text),
                create_model(name, **PARAMS[name]).fit(numbered))


@pytest.fixture(scope="module")
def models():
    return _fitted("ease")


def _row(model, values):
    row = np.zeros(len(model.items_))
    for item, value in values.items():
        row[model.items_.to_index([item])[0]] = value
    return row


@pytest.mark.parametrize(("name", "method"), [("ease", "score_histories"),
                                               ("als", "fold_in")])
def test_item_value_pairs_are_refused_with_the_row_to_build(name, method):
    text, numbered = _fitted(name)
    for model, pairs in ((text, [("i3", 2.0), ("i5", 1.0)]), (numbered, [(103, 2.0), (105, 1)])):
        with pytest.raises(RecstackError, match=(
                r"; its \(item, value\) pairs hold 2 of the model's item ids \(one user's "
                r"items\): align them to the model's 9 items first, pd\.Series\(dict\("
                r"histories\)\)\.reindex\(model\.items_\.external_ids, fill_value=0\)\."
                r"to_numpy\(\)$")):
            getattr(model, method)(pairs)
        histories = pairs
        fixed = pd.Series(dict(histories)).reindex(model.items_.external_ids,
                                                   fill_value=0).to_numpy()
        np.testing.assert_array_equal(fixed, _row(model, dict(pairs)))
        np.testing.assert_allclose(getattr(model, method)(fixed),
                                   getattr(model, method)(_row(model, dict(pairs))))


def test_dicts_of_item_values_are_refused_with_the_rows_to_build(models):
    text, _ = models
    histories = [{"i3": 2.0}, {"i5": 1.0, "i0": 3.0}]
    with pytest.raises(RecstackError, match=(
            r"; its dicts are keyed by the model's item ids \(one user's items per dict, item "
            r"-> value\): align them to the model's 9 items first, pd\.DataFrame\(list\("
            r"histories\)\)\.reindex\(columns=model\.items_\.external_ids\)\.fillna\(0\)\."
            r"to_numpy\(\)$")):
        text.score_histories(histories)
    fixed = pd.DataFrame(list(histories)).reindex(
        columns=text.items_.external_ids).fillna(0).to_numpy()
    np.testing.assert_array_equal(fixed, [_row(text, histories[0]), _row(text, histories[1])])


def test_pairs_that_are_not_of_known_items_or_repeat_one_get_no_such_hint(models):
    text, numbered = models
    for model, pairs in ((text, [("x", 1.0), ("i5", 1.0)]),   # an unknown id
                         (text, [("i3", 1.0), ("i3", 2.0)]),  # an item twice
                         (numbered, [(3, 1.0), (5, 1.0)]),    # positions, not ids
                         (text, [("i3", "1"), ("i5", "2")])):  # text values
        with pytest.raises(RecstackError) as refused:
            model.score_histories(pairs)
        assert "pairs hold" not in str(refused.value)

"""Twelfth probe, ids given to a fitted model's methods: a value that is no id (None, NaN,
``pd.NA``, True, a date) was refused as "ids: the value at position 1 is None", naming
neither the model nor the argument, and a table or nested list as "users: ..." without the
model."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import DataFormatError, RecstackError
from recstack.models import create_model


@pytest.fixture(scope="module")
def model():
    users = np.array([0, 0, 1, 1, 2, 2])
    items = np.array([10, 11, 11, 12, 10, 12])
    return create_model("item_knn").fit(Interactions.from_arrays(users, items))


@pytest.mark.parametrize("users, says", [
    ([0, None], r"the value at position 1 is None \(a missing id\)"),
    (pd.Series([0, None], dtype="Int64"), r"the value at position 1 is NaN \(a missing id\)"),
    (pd.Series(["0", None], dtype="string"), r"the value at position 1 is <NA>"),
    (np.array([True]), r"the value at position 0 is True, a boolean"),
    ([pd.Timestamp("2020-01-01")], r"the value at position 0 is Timestamp"),
])
def test_a_user_value_that_is_no_id_names_the_model_and_users(model, users, says):
    with pytest.raises(DataFormatError, match=r"^item_knn: users: " + says):
        model.recommend(users, k=1)
    with pytest.raises(DataFormatError, match=r"^item_knn: users: " + says):
        model.score(users, [10] * len(users))


@pytest.mark.parametrize("items, says", [
    ([10, float("nan")], r"the value at position 1 is NaN \(a missing id\)"),
    ([10, True], r"the value at position 1 is True, a boolean"),
])
def test_an_item_value_that_is_no_id_names_the_model_and_items(model, items, says):
    with pytest.raises(DataFormatError, match=r"^item_knn: items: " + says):
        model.score([0, 0], items)
    with pytest.raises(DataFormatError, match=r"^item_knn: items: " + says):
        model.similar_items(items, k=1)


def test_nested_ids_name_the_model(model):
    with pytest.raises(RecstackError, match=r"^item_knn: users: expected one id or a flat "
                                            r"list of ids"):
        model.recommend([[0, 1]], k=1)
    with pytest.raises(RecstackError, match=r"^item_knn: items: expected one id or a flat "
                                            r"list of ids"):
        model.similar_items([[10]], k=1)


def test_ids_that_are_ids_are_still_looked_up(model):
    # "2" is user 2 of integer ids, 2.0 is user 2 (a whole float), as in the loaders
    for users in (["2"], [2.0], [np.int64(2)], np.array([2]), (2,)):
        items, _ = model.recommend(users, k=1)
        assert items.tolist() == [[11]]
    assert model.score([0], [10.0]).shape == (1,)


def test_a_sequence_item_that_is_no_id_names_the_model_and_the_sequence():
    pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    data = Interactions.from_arrays(np.repeat(np.arange(12), 5), rng.integers(0, 8, 60),
                                    np.ones(60), np.arange(60))
    sasrec = create_model("sasrec", max_length=5, hidden=8, blocks=1, epochs=1,
                          validation=False, device="cpu")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sasrec.fit(data)
    with pytest.raises(DataFormatError, match=r"^sasrec: sequence 1: the value at position 0 "
                                              r"is None"):
        sasrec.recommend_sequences([[0], [None, 1]], k=2)


def test_a_boolean_among_integer_ids_is_refused_not_read_as_1(model):
    # numpy reads [0, True] as [0, 1]: True was user 1 (and item 1), without a word
    with pytest.raises(DataFormatError, match=r"^item_knn: users: the value at position 1 is "
                                              r"True, a boolean"):
        model.recommend([0, True], k=1)
    with pytest.raises(DataFormatError, match=r"^item_knn: users: the value at position 1 is "
                                              r"True, a boolean"):
        model.score((2, True), [10, 10])
    with pytest.raises(DataFormatError, match=r"^item_knn: items: the value at position 0 is "
                                              r"False, a boolean"):
        model.similar_items([False, 10], k=1)


def test_text_and_numbers_in_one_list_are_each_read_by_the_id_rule(model):
    # numpy read ["2", 2.0] as the text "2" and "2.0", and "2.0" was no user
    items, _ = model.recommend(["2", 2.0, np.int64(2)], k=1)
    assert items.tolist() == [[11], [11], [11]]
    with pytest.raises(RecstackError, match=r"not trained on, e\.g\. \['010'\]"):
        model.score([0, 0], [10, "010"])  # "010" is text, not the integer 10

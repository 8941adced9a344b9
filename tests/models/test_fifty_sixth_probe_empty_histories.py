"""Fifty-sixth bad-input probe, empty histories: a row of ``score_histories`` with no
interaction (an all-zero row, or only values of 0 for the models that read 0 as no
interaction) got the model's scores of nothing (all 0, or one value for every item), so its
list was the catalog in index order (item 0, 1, 2...). Every model that scores histories now
gives such a row item popularity, with a PopularityFallbackWarning naming the rows, as
two-tower and SASRec already did for users without history."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.sparse as sp

from recstack.data.interactions import Interactions
from recstack.models import create_model
from recstack.models.base import PopularityFallbackWarning
from tests.models.quick_params import quick_params

HISTORY_MODELS = ["als", "ials", "ease", "item_knn", "user_knn", "rp3beta", "gf_cf", "bspm",
                  "content", "blend", "two_tower"]
# the models that read a value of 0 as no interaction: a row of stored zeros is empty to them
ZERO_IS_NONE = ["ials", "user_knn", "gf_cf", "bspm"]


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    users = rng.integers(0, 20, 60)
    items = rng.integers(0, 12, 60)
    # item 11 has every user, item 7 three in four: clearly the two most popular (about 5
    # users each for the others), and late by index (the old index-order answer began at 0)
    users = np.concatenate([users, np.arange(20), np.arange(15)])
    items = np.concatenate([items, np.full(20, 11), np.full(15, 7)])
    return Interactions.from_arrays(users, items)


@pytest.fixture(scope="module")
def fitted(data):
    cache = {}

    def get(name):
        if name not in cache:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                cache[name] = create_model(name, **quick_params(name)).fit(data)
        return cache[name]
    return get


def _users_per_item(data) -> np.ndarray:
    # popularity by its definition: distinct training users of each item
    pairs = {(int(u), int(i)) for u, i in zip(data.user_index, data.item_index, strict=True)}
    counts = np.zeros(data.n_items)
    for _, item in pairs:
        counts[item] += 1
    return counts


@pytest.mark.parametrize("name", HISTORY_MODELS)
def test_an_empty_history_row_is_scored_by_popularity(data, fitted, name):
    model = fitted(name)
    n_items = len(model.items_)
    history = np.zeros((3, n_items), np.float32)
    history[1, [0, 3]] = 1.0  # row 1 has a history; rows 0 and 2 do not
    with pytest.warns(PopularityFallbackWarning, match=r"2 of 3 histories are empty.*\[0, 2\]"):
        scores = model.score_histories(history)
    popularity = _users_per_item(data)
    for row in (0, 2):
        # the ranking of popularity: the most popular item first, not item 0
        order = np.argsort(-scores[row], kind="stable")
        assert order[0] == model.items_.to_index(np.array([11]))[0]
        assert order[1] == model.items_.to_index(np.array([7]))[0]
        if name != "two_tower":  # it documents its own popularity (rows, scaled)
            np.testing.assert_array_equal(scores[row], popularity[model.items_.to_external(
                np.arange(n_items)).astype(int)])
    # the row with a history keeps the model's own scores
    with warnings.catch_warnings():
        warnings.simplefilter("error", PopularityFallbackWarning)
        own = model.score_histories(history[1:2])
    np.testing.assert_allclose(scores[1], own[0], rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name", HISTORY_MODELS)
def test_a_sparse_history_without_entries_is_scored_by_popularity(fitted, name):
    model = fitted(name)
    with pytest.warns(PopularityFallbackWarning, match="1 of 1 histories are empty"):
        scores = model.score_histories(sp.csr_matrix((1, len(model.items_))))
    assert np.argsort(-scores[0], kind="stable")[0] == model.items_.to_index(np.array([11]))[0]


@pytest.mark.parametrize("name", ZERO_IS_NONE)
def test_stored_zeros_are_no_history_to_models_that_read_zero_as_none(fitted, name):
    model = fitted(name)
    zeros = sp.csr_matrix((np.zeros(2, np.float32), np.array([0, 2]), np.array([0, 2])),
                          shape=(1, len(model.items_)))
    with pytest.warns(PopularityFallbackWarning, match="only values of 0"):
        scores = model.score_histories(zeros)
    assert np.argsort(-scores[0], kind="stable")[0] == model.items_.to_index(np.array([11]))[0]


def test_the_blend_warns_once_naming_itself(fitted):
    model = fitted("blend")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model.score_histories(np.zeros((1, len(model.items_))))
    fallbacks = [w for w in caught if issubclass(w.category, PopularityFallbackWarning)]
    assert len(fallbacks) == 1
    assert str(fallbacks[0].message).startswith("blend:")


@pytest.mark.parametrize("name", ["als", "ease"])
def test_histories_with_interactions_do_not_warn(fitted, name):
    model = fitted(name)
    history = np.zeros((2, len(model.items_)), np.float32)
    history[:, 1] = 1.0
    with warnings.catch_warnings():
        warnings.simplefilter("error", PopularityFallbackWarning)
        model.score_histories(history)

"""A 0 stored in a sparse history (``m.data[m.data < 3] = 0``, a product, ``m[u, i] = 0``)
is read as the model reads a training row of value 0, in ``fit`` and in
``score_histories`` alike: an interaction to ALS and to item-kNN, EASE and RP3beta with
``binary=True`` (every recorded pair counts), no interaction to the others. One rule per
model, documented in the README: the lists a model gives a training user from its training
rows and from the same rows as a history must agree (dropping stored zeros from the
histories alone, for every model, made them disagree for the four that count them)."""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp

from recstack.data.interactions import Interactions
from recstack.models import create_model
from tests.models.quick_params import quick_params

#: the models that score a training user from their training row the way they score a
#: history (no fold-in approximation): score_users(u) is score_histories(row u)
ROW_SCORED = ["item_knn", "ease", "rp3beta", "gf_cf", "bspm", "content", "most_popular",
              "blend"]
#: the models (at their defaults) that count every recorded pair, a value of 0 too
COUNT_RECORDED = ["item_knn", "ease", "rp3beta"]


@pytest.fixture(scope="module")
def train():
    rng = np.random.default_rng(3)
    users = np.repeat(np.arange(30), 6)
    items = rng.integers(0, 15, len(users))
    values = rng.integers(1, 5, len(users)).astype(float)
    values[users == 0] = 0.0  # a user whose every value is 0
    values[::7] = 0.0  # and zeros among others' values
    return Interactions.from_arrays(users, items, values, np.arange(len(users)),
                                    duplicates="last")


def _fit(name, train, **extra):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return create_model(name, **{**quick_params(name), **extra}).fit(train)


@pytest.mark.parametrize("name", ROW_SCORED)
def test_training_rows_with_zeros_score_alike_in_fit_and_as_histories(train, name):
    model = _fit(name, train)
    rows = train.to_csr()[:6]
    assert (rows.data == 0).any()  # the history holds stored zeros
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        by_fit = model.score_users(np.arange(6))
        by_history = model.score_histories(rows)
    np.testing.assert_allclose(by_history, by_fit, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name", COUNT_RECORDED)
def test_a_stored_zero_counts_as_a_recorded_pair_to_the_binary_models(train, name):
    model = _fit(name, train)
    n_items = len(model.items_)
    with_zero = sp.csr_matrix((np.array([1.0, 0.0]), np.array([1, 4]), np.array([0, 2])),
                              shape=(1, n_items))
    # binary: every recorded pair is 1, whatever its value (the definition of binary=True)
    as_one = sp.csr_matrix((np.array([1.0, 1.0]), np.array([1, 4]), np.array([0, 2])),
                           shape=(1, n_items))
    np.testing.assert_allclose(model.score_histories(with_zero), model.score_histories(as_one),
                               rtol=1e-6)


@pytest.mark.parametrize("name", ["gf_cf", "bspm", "user_knn", "ials", "content"])
def test_a_stored_zero_is_no_interaction_to_the_others(train, name):
    model = _fit(name, train)
    n_items = len(model.items_)
    dense = np.zeros((1, n_items))
    dense[0, [1, 2]] = 1.0
    with_zero = sp.csr_matrix((np.array([1.0, 1.0, 0.0]), np.array([1, 2, 4]),
                               np.array([0, 3])), shape=(1, n_items))
    np.testing.assert_allclose(model.score_histories(with_zero), model.score_histories(dense),
                               rtol=1e-5, atol=1e-6)


def test_eliminate_zeros_makes_the_sparse_history_read_as_the_dense_one(train):
    model = _fit("ease", train)
    n_items = len(model.items_)
    dense = np.zeros((1, n_items))
    dense[0, 1] = 1.0
    matrix = sp.csr_matrix((np.array([1.0, 0.0]), np.array([1, 4]), np.array([0, 2])),
                           shape=(1, n_items))
    matrix.eliminate_zeros()  # what the README says to do
    np.testing.assert_allclose(model.score_histories(matrix), model.score_histories(dense))

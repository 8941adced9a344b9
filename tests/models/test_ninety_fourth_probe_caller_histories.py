"""Ninety-fourth bad-input probe: a float32 CSR of histories given to ``score_histories``
was shared with the model rather than copied, and user_knn binarised it in place: after
one call the caller's values were all 1, so the next model given the same matrix scored
other histories (ALS's fold-in of a value of 2 became a fold-in of 1). Every model's
history methods now leave the caller's matrix as given."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.sparse as sp

from recstack.data.interactions import Interactions
from recstack.models import create_model
from recstack.models.base import history_matrix
from tests.models.quick_params import quick_params

MODELS = ["user_knn", "item_knn", "ease", "rp3beta", "als", "ials", "gf_cf", "content",
          "most_popular", "blend"]


@pytest.fixture(scope="module")
def train() -> Interactions:
    # 12 users x 10 items: user u has items u, u+1 and u+2 (mod 10)
    users = np.repeat(np.arange(12), 3)
    items = (users + np.tile(np.arange(3), 12)) % 10
    return Interactions.from_arrays(users, items)


def _histories(n_items: int) -> sp.csr_matrix:
    # a value of 2 and of 3: a binary model would write 1 over them
    return sp.csr_matrix((np.array([2.0, 3.0], np.float32), np.array([1, 4]),
                          np.array([0, 2])), shape=(1, n_items))


@pytest.mark.parametrize("name", MODELS)
def test_score_histories_leaves_the_callers_matrix_as_given(train, name):
    model = create_model(name, **quick_params(name)).fit(train)
    for method in ("score_histories", "fold_in"):
        if method not in dir(type(model)):
            continue
        given = _histories(train.n_items)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            getattr(model, method)(given)
        np.testing.assert_array_equal(given.data, [2.0, 3.0])
        np.testing.assert_array_equal(given.indices, [1, 4])
        np.testing.assert_array_equal(given.indptr, [0, 2])


def test_the_checked_matrix_shares_no_memory_with_the_callers():
    given = _histories(6)
    checked = history_matrix(given, 6, "model")
    for part in ("data", "indices", "indptr"):
        assert not np.shares_memory(getattr(checked, part), getattr(given, part))


def test_a_second_model_scores_what_the_caller_gave(train):
    given = _histories(train.n_items)
    create_model("user_knn").fit(train).score_histories(given)
    als = create_model("als", **quick_params("als")).fit(train)
    np.testing.assert_allclose(als.fold_in(given), als.fold_in(_histories(train.n_items)))

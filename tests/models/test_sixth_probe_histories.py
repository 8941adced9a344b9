"""Sixth bad-input probe, histories given to ``score_histories``: a CSR matrix that stores
one (user, item) cell twice means the sum of the two values, as scipy reads it everywhere,
but the binary models set every stored entry to 1 and counted such an item twice (item-kNN,
EASE and RP3beta scored the user as if the item were two interactions)."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from recstack.data.interactions import Interactions
from recstack.models import create_model


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    return Interactions.from_arrays(rng.integers(0, 20, 150), rng.integers(0, 12, 150))


def _repeated_cell_history(n_items: int) -> sp.csr_matrix:
    # one user: item 0 stored twice (values 1 and 1) and item 3 once
    return sp.csr_matrix((np.array([1.0, 1.0, 1.0], np.float32), np.array([0, 0, 3]),
                          np.array([0, 3])), shape=(1, n_items))


@pytest.mark.parametrize("name", ["item_knn", "ease", "rp3beta"])
def test_a_cell_stored_twice_scores_as_its_summed_entry(data, name):
    model = create_model(name).fit(data)
    repeated = _repeated_cell_history(len(model.items_))
    # the same history written once per cell: item 0 holds the sum of its two values
    summed = sp.csr_matrix((np.array([2.0, 1.0], np.float32), np.array([0, 3]),
                            np.array([0, 2])), shape=repeated.shape)
    np.testing.assert_allclose(model.score_histories(repeated), model.score_histories(summed),
                               rtol=1e-6, atol=1e-7)
    # read on a copy: the caller's matrix is left as given
    assert repeated.indices.tolist() == [0, 0, 3]
    assert repeated.data.tolist() == [1.0, 1.0, 1.0]

"""GF-CF and BSPM with ``k`` above the rank of the training matrix.

A matrix whose users share their items (or items their users) has a rank below
``min(n_users, n_items)``; asked for more singular vectors than that, the truncated SVD
returned some of singular value 0, an arbitrary choice among infinitely many (whichever
the eigen-solver or ARPACK returned), and a history outside the training rows' span
(``score_histories``) was scored by that choice. Those vectors are now zero: the ideal
filter is the projection on the matrix's row space, so every ``k`` at or above the rank
gives the scores of ``k`` = rank, by either solver.

The data is built so its rank is known by construction: four items every user has
(identical columns: rank 1 together) and seven items each held by one user (rank 1 each),
so rank 8 with 30 users and 11 items.
"""

import numpy as np
import pandas as pd
import pytest

import recstack.models.graph_filters as graph_filters
from recstack.data.interactions import Interactions
from recstack.models import create_model

RANK = 1 + 7


@pytest.fixture(scope="module")
def train():
    shared = [(f"u{u}", f"i{i}") for u in range(30) for i in range(4)]
    own = [(f"u{u}", f"i{5 + u}") for u in range(7)]
    frame = pd.DataFrame(shared + own, columns=["user_id", "item_id"])
    return Interactions.from_frame(frame, value_col=None)


@pytest.fixture(params=["dense", "sparse"])
def solver(request, monkeypatch):
    # the exact eigen-solver of a small catalog, and ARPACK's svds of a large one
    if request.param == "sparse":
        monkeypatch.setattr(graph_filters, "uses_dense_filter", lambda *args, **kw: False)
    return request.param


def new_histories(n_items: int) -> np.ndarray:
    # histories outside the training rows' span: a shared item with a single-user item
    # split from its user, and a pair of single-user items
    histories = np.zeros((3, n_items), dtype=np.float32)
    histories[0, [0, 5]] = 1.0
    histories[1, [5, 6]] = 1.0
    histories[2, [1, 7, 9]] = 1.0
    return histories


@pytest.mark.parametrize("name", ["gf_cf", "bspm"])
@pytest.mark.parametrize("k", [RANK + 1, RANK + 2])
def test_k_above_the_matrix_rank_scores_as_k_at_the_rank(train, solver, name, k):
    at_rank = create_model(name, k=RANK).fit(train)
    above = create_model(name, k=k).fit(train)
    # the vectors past the rank are zero: no arbitrary direction enters the filter
    assert above.basis_.shape == (k, train.n_items)
    norms = np.linalg.norm(above.basis_, axis=1)
    assert np.count_nonzero(norms > 0.5) == RANK and np.count_nonzero(norms == 0) == k - RANK
    histories = new_histories(train.n_items)
    np.testing.assert_allclose(above.score_histories(histories),
                               at_rank.score_histories(histories), atol=1e-5)
    users = np.arange(train.n_users)
    np.testing.assert_allclose(above.score_users(users), at_rank.score_users(users), atol=1e-5)


@pytest.mark.parametrize("name", ["gf_cf", "bspm"])
def test_both_solvers_agree_above_the_rank(train, monkeypatch, name):
    histories = new_histories(train.n_items)
    dense = create_model(name, k=RANK + 2).fit(train).score_histories(histories)
    monkeypatch.setattr(graph_filters, "uses_dense_filter", lambda *args, **kw: False)
    sparse = create_model(name, k=RANK + 2).fit(train).score_histories(histories)
    np.testing.assert_allclose(dense, sparse, atol=1e-5)


def test_a_full_rank_basis_is_left_as_computed(train):
    model = create_model("gf_cf", k=RANK - 1).fit(train)
    assert np.all(np.linalg.norm(model.basis_, axis=1) > 0.5)


def test_the_zeroed_basis_saves_and_loads(train, tmp_path):
    from recstack.models.persistence import load_model

    model = create_model("gf_cf", k=RANK + 2).fit(train)
    model.save(tmp_path / "m")
    loaded = load_model(tmp_path / "m")
    histories = new_histories(train.n_items)
    np.testing.assert_array_equal(loaded.score_histories(histories),
                                  model.score_histories(histories))

"""Two-hundred-ninety-eighth probe (faithfulness audit), user-kNN against its definition.

Herlocker et al. (1999) predict from the active user's own k nearest neighbours, and so does
recstack's ``user_knn``: :math:`\\hat r_{uj} = \\sum_{v \\in N_k(u)} s_{uv} X_{vj}`. The
UserKNNCF of Dacrema et al.'s reproducibility code prunes each *column* of the user-user
matrix to its top-K and then reads *rows* (``W_sparse[user_id_array]``), so it sums over the
users who count u among their own top-K (the "reverse" neighbourhood): a user nobody picks
gets no score at all there. These tests pin the own-neighbourhood reading, worked by hand
and against a dense implementation of the formula, and show that the reverse one differs on
the same data."""

from __future__ import annotations

import math

import numpy as np

from recstack.data.interactions import Interactions
from recstack.models import create_model


def _interactions(matrix: np.ndarray) -> Interactions:
    users, items = np.nonzero(matrix)
    data = Interactions.from_arrays(users, items, matrix[users, items])
    assert data.n_users == matrix.shape[0] and data.n_items == matrix.shape[1]
    return data


# a = {0, 1}, b = {0, 1, 2}, c = {2, 3}: cos(a, b) = 2 / sqrt 6, cos(b, c) = 1 / sqrt 6,
# cos(a, c) = 0. With one neighbour each: a -> b, b -> a, c -> b.
THREE = np.array([[1, 1, 0, 0], [1, 1, 1, 0], [0, 0, 1, 1]], np.float32)


def test_each_user_is_scored_from_their_own_nearest_neighbours():
    model = create_model("user_knn", neighbors=1).fit(_interactions(THREE))
    scores = model.score_users(np.arange(3))
    # a's neighbour is b, b's is a, c's is b (c is nobody's neighbour)
    np.testing.assert_allclose(scores[0], 2 / math.sqrt(6) * THREE[1], rtol=1e-6)
    np.testing.assert_allclose(scores[1], 2 / math.sqrt(6) * THREE[0], rtol=1e-6)
    np.testing.assert_allclose(scores[2], 1 / math.sqrt(6) * THREE[1], rtol=1e-6)
    # the reverse neighbourhood (Dacrema et al.'s code) would score c nothing at all and
    # give b both a and c: 2/sqrt 6 [1 1 0 0] + 1/sqrt 6 [0 0 1 1]
    items, _ = model.recommend([2], k=2)
    assert sorted(items[0].tolist()) == [0, 1]


def _dense_user_knn(matrix: np.ndarray, k: int, shrink: float, reverse: bool) -> np.ndarray:
    """The definition in float64: s_uv = x_u.x_v / (|x_u| |x_v| + shrink), no self-similarity,
    each user's k largest positive similarities (ties to the lower index), scores S_k X.
    ``reverse``: Dacrema et al.'s reading, the pruned matrix transposed."""
    x = matrix.astype(np.float64)
    norms = np.linalg.norm(x, axis=1)
    similarity = x @ x.T / (norms[:, None] * norms[None, :] + shrink)
    np.fill_diagonal(similarity, 0.0)
    kept = np.zeros_like(similarity)
    for user, row in enumerate(similarity):
        best = [v for v in np.argsort(-row, kind="stable")[:k] if row[v] > 0]
        kept[user, best] = row[best]
    return (kept.T if reverse else kept) @ x


def test_scores_equal_a_dense_implementation_of_the_definition():
    rng = np.random.default_rng(298)
    ratings = np.where(rng.random((30, 20)) < 0.3, rng.integers(1, 6, (30, 20)), 0)
    ratings = ratings.astype(np.float32)
    ratings[np.flatnonzero(ratings.sum(axis=1) == 0), 0] = 3.0   # every user has a row
    ratings[0, np.flatnonzero(ratings.sum(axis=0) == 0)] = 2.0   # every item has a user
    model = create_model("user_knn", neighbors=3, shrink=5.0, binary=False).fit(
        _interactions(ratings))
    scores = model.score_users(np.arange(30))
    np.testing.assert_allclose(scores, _dense_user_knn(ratings, 3, 5.0, reverse=False),
                               rtol=1e-5, atol=1e-6)
    # the reverse reading differs on these data: the test above can tell them apart
    assert not np.allclose(scores, _dense_user_knn(ratings, 3, 5.0, reverse=True), atol=1e-3)

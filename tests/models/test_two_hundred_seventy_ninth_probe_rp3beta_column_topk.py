"""RP3beta as Dacrema et al.'s RP3betaRecommender computes it: after the row-wise top-k and
the optional l1 row normalisation, ``similarityMatrixTopK`` keeps each *column*'s top-k
entries as well. The reference is written out densely here, step by step from that code."""

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.models import create_model


def reference_rp3beta(x: np.ndarray, alpha: float, beta: float, top_k: int,
                      normalize_similarity: bool) -> np.ndarray:
    binary = (x > 0).astype(float)
    p_ui = binary / binary.sum(axis=1, keepdims=True)          # normalize(URM, l1, axis=1)
    x_bool = binary.T
    degree = x_bool.sum(axis=1) ** -beta                      # item user counts ** -beta
    p_iu = x_bool / x_bool.sum(axis=1, keepdims=True)
    p_ui, p_iu = p_ui ** alpha, p_iu ** alpha
    w = np.zeros((x.shape[1], x.shape[1]))
    for row in range(x.shape[1]):
        row_data = (p_iu[row] @ p_ui) * degree
        row_data[row] = 0.0
        best = np.argsort(-row_data)[:top_k]
        best = best[row_data[best] != 0.0]
        w[row, best] = row_data[best]
    if normalize_similarity:
        w = w / w.sum(axis=1, keepdims=True)
    # similarityMatrixTopK: column-wise, the k largest non-zero entries
    out = np.zeros_like(w)
    for column in range(w.shape[1]):
        rows = np.flatnonzero(w[:, column])
        kept = rows[np.argsort(w[rows, column])[-top_k:]]
        out[kept, column] = w[kept, column]
    return out


def fitted_similarity(x: np.ndarray, **params) -> np.ndarray:
    users, items = np.nonzero(x)
    model = create_model("rp3beta", **params).fit(
        Interactions.from_arrays(users, items, np.ones(len(users))))
    order = model.items_.to_index(np.arange(x.shape[1]))
    return model.similarity_.toarray()[np.ix_(order, order)]


@pytest.mark.parametrize(("alpha", "beta", "neighbors", "normalize"),
                         [(1.0, 0.6, 2, False), (0.8, 0.3, 3, True), (1.3, 0.9, 4, True),
                          (1.0, 0.0, 3, False)])
def test_columns_keep_their_top_k_as_in_the_reference(alpha, beta, neighbors, normalize):
    rng = np.random.default_rng(7)
    x = (rng.random((60, 11)) < 0.35).astype(float)
    x[np.arange(60), rng.integers(0, 11, 60)] = 1.0   # every user has an item
    x[rng.integers(0, 60, 11), np.arange(11)] = 1.0   # every item has a user
    expected = reference_rp3beta(x, alpha, beta, neighbors, normalize)
    # the column step matters on this matrix (else the test would prove nothing)
    assert (np.count_nonzero(expected, axis=0) <= neighbors).all()
    got = fitted_similarity(x, alpha=alpha, beta=beta, neighbors=neighbors,
                            normalize=normalize)
    np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-9)
    assert (np.count_nonzero(got, axis=0) <= neighbors).all()


def test_a_popular_destination_keeps_only_its_strongest_source_worked_by_hand():
    # users {0,3}, {0,3}, {1,3}, {0,2}; P_ui puts 1/2 on each of a user's two items, and
    # items 0 and 3 have 3 users, items 1 and 2 one. P_iu P_ui (beta = 0), diagonal 0:
    # row 0 = 1/3 (u0 + u1 + u3) = [0, 0, 1/6, 1/3]; row 1 = u2 = [0, 0, 0, 1/2];
    # row 2 = u3 = [1/2, 0, 0, 0]; row 3 = 1/3 (u0 + u1 + u2) = [1/3, 1/6, 0, 0].
    # Row top-1: 0 -> 3 (1/3), 1 -> 3 (1/2), 2 -> 0 (1/2), 3 -> 0 (1/3). Column 3 then
    # holds 1/3 and 1/2 and keeps row 1's; column 0 holds 1/2 and 1/3 and keeps row 2's.
    x = np.array([[1, 0, 0, 1], [1, 0, 0, 1], [0, 1, 0, 1], [1, 0, 1, 0]], float)
    got = fitted_similarity(x, alpha=1.0, beta=0.0, neighbors=1, normalize=False)
    expected = np.zeros((4, 4))
    expected[1, 3] = 1 / 2
    expected[2, 0] = 1 / 2
    np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(got, reference_rp3beta(x, 1.0, 0.0, 1, False), rtol=1e-6)


def test_the_defaults_are_the_reference_codes():
    # fit(alpha=1., beta=0.6, topK=100, normalize_similarity=True) of RP3betaRecommender;
    # 3 neighbours so that the column step prunes on this catalog
    rng = np.random.default_rng(11)
    x = (rng.random((50, 9)) < 0.4).astype(float)
    x[np.arange(50), rng.integers(0, 9, 50)] = 1.0
    x[rng.integers(0, 50, 9), np.arange(9)] = 1.0
    got = fitted_similarity(x, neighbors=3)
    np.testing.assert_allclose(got, reference_rp3beta(x, 1.0, 0.6, 3, True), rtol=1e-6,
                               atol=1e-9)
    np.testing.assert_allclose(fitted_similarity(x), reference_rp3beta(x, 1.0, 0.6, 100, True),
                               rtol=1e-6, atol=1e-9)

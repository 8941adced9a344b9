"""iALS++ against the authors' code (google-research ``ials/vae_benchmarks/ialspp_main.cc``),
its steps written plainly in numpy: initial factors normal with ``stddev / sqrt(d)``, the
regularisation ``lambda (|I_u| + alpha0 |I|) ** nu``, and one epoch a pass over the blocks
of ``block_size`` factors, each taking every user's block step (``ProjectBlock``) and then
every item's."""

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.models import create_model

REG, EXP, WEIGHT, STDDEV, SEED = 0.05, 1.0, 0.3, 0.5, 7


def _matrix() -> np.ndarray:
    rng = np.random.default_rng(11)
    matrix = (rng.random((9, 7)) < 0.35).astype(float)
    matrix[np.arange(9), np.arange(9) % 7] = 1.0  # every user and item has a pair
    return matrix


def _block_step(matrix: np.ndarray, rows: np.ndarray, other: np.ndarray,
                start: int, stop: int) -> None:
    """ProjectBlock for every row of ``rows`` (in place), ``other`` held."""
    local = other[:, start:stop]
    local_gramian = local.T @ local
    local_global = local.T @ other
    n_other = len(other)
    new = rows[:, start:stop].copy()
    for r in range(len(rows)):
        history = np.flatnonzero(matrix[r])
        reg = REG * (len(history) + WEIGHT * n_other) ** EXP
        lhs = WEIGHT * local_gramian + reg * np.eye(stop - start)
        rhs = np.zeros(stop - start)
        for c in history:
            residual = rows[r] @ other[c] - 1.0
            lhs += np.outer(local[c], local[c])
            rhs += residual * local[c]
        rhs += WEIGHT * local_global @ rows[r] + reg * rows[r, start:stop]
        new[r] = rows[r, start:stop] - np.linalg.solve(lhs, rhs)
    rows[:, start:stop] = new


@pytest.mark.parametrize(("factors", "block_size", "epochs"), [(6, 2, 3), (5, 3, 2)])
def test_ialspp_follows_the_authors_sweep(factors, block_size, epochs):
    matrix = _matrix()
    users, items = np.nonzero(matrix)
    model = create_model("ials", factors=factors, block_size=block_size,
                         iterations=epochs, regularization=REG, regularization_exp=EXP,
                         unobserved_weight=WEIGHT, init_stddev=STDDEV, seed=SEED)
    model.fit(Interactions.from_arrays(users, items, np.ones(len(users))))
    # the matrix in the model's internal order (the order its initial factors are drawn in)
    user_order = np.argsort(model.users_.to_index(np.arange(9)))
    item_order = np.argsort(model.items_.to_index(np.arange(7)))
    internal = matrix[user_order][:, item_order]

    rng = np.random.default_rng(SEED)
    scale = STDDEV / np.sqrt(factors)
    w = rng.normal(0.0, scale, (9, factors)).astype(np.float32).astype(np.float64)
    h = rng.normal(0.0, scale, (7, factors)).astype(np.float32).astype(np.float64)
    for _ in range(epochs):
        for start in range(0, factors, block_size):
            stop = min(start + block_size, factors)
            _block_step(internal, w, h, start, stop)
            _block_step(internal.T, h, w, start, stop)

    np.testing.assert_allclose(model.user_factors_, w, atol=1e-6)
    np.testing.assert_allclose(model.item_factors_, h, atol=1e-6)

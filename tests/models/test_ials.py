"""iALS / iALS++ against the objective of Rendle et al. (2022), written out densely here."""

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import ConfigError, RecstackError
from recstack.models import create_model


def interactions_of(matrix: np.ndarray) -> Interactions:
    users, items = np.nonzero(matrix)
    return Interactions.from_arrays(users, items, np.ones(len(users)))


def dense_loss(matrix: np.ndarray, users: np.ndarray, items: np.ndarray, *, weight: float,
               reg: float, exp: float) -> float:
    """L(W, H) of the paper, every pair written out: observed error, all-pairs term,
    frequency-scaled penalty (|I_u| + alpha0 |I|) ** nu and (|U_i| + alpha0 |U|) ** nu."""
    users, items = users.astype(np.float64), items.astype(np.float64)
    scores = users @ items.T
    observed = matrix > 0
    n_users, n_items = matrix.shape
    loss = np.sum((scores[observed] - 1.0) ** 2) + weight * np.sum(scores ** 2)
    user_scale = reg * (observed.sum(axis=1) + weight * n_items) ** exp
    item_scale = reg * (observed.sum(axis=0) + weight * n_users) ** exp
    loss += np.sum(user_scale * np.sum(users ** 2, axis=1))
    loss += np.sum(item_scale * np.sum(items ** 2, axis=1))
    return float(loss)


def random_matrix(seed: int = 0, shape=(40, 30), density=0.2) -> np.ndarray:
    rng = np.random.default_rng(seed)
    matrix = (rng.random(shape) < density).astype(float)
    matrix[np.arange(shape[0]), rng.integers(0, shape[1], shape[0])] = 1.0
    matrix[rng.integers(0, shape[0], shape[1]), np.arange(shape[1])] = 1.0
    return matrix


def factors_in_external_order(model, matrix):
    users = model.users_.to_index(np.arange(matrix.shape[0]))
    items = model.items_.to_index(np.arange(matrix.shape[1]))
    return model.user_factors_[users], model.item_factors_[items]


# 40 factors: systems of 32 or more are solved by LAPACK's Cholesky, smaller ones batched
@pytest.mark.parametrize(("factors", "block_size"),
                         [(8, None), (8, 3), (8, 8), (40, None), (40, 32)])
def test_the_loss_never_increases_from_one_sweep_to_the_next(factors, block_size):
    matrix = random_matrix()
    settings = {"factors": factors, "regularization": 0.05, "regularization_exp": 0.7,
                "unobserved_weight": 0.2, "init_stddev": 1.0, "block_size": block_size,
                "seed": 3}
    losses = []
    for sweeps in range(1, 7):
        model = create_model("ials", iterations=sweeps, **settings).fit(
            interactions_of(matrix))
        users, items = factors_in_external_order(model, matrix)
        losses.append(dense_loss(matrix, users, items, weight=0.2, reg=0.05, exp=0.7))
        # the model's own loss is the same objective
        assert model.loss() == pytest.approx(losses[-1], rel=1e-5)
    steps = zip(losses[:-1], losses[1:], strict=True)
    assert all(later <= earlier * (1 + 1e-6) for earlier, later in steps)
    assert losses[-1] < 0.9 * losses[0]


@pytest.mark.parametrize("factors", [6, 36])
def test_one_block_of_every_factor_equals_the_exact_solver(factors):
    data = interactions_of(random_matrix(1))
    settings = {"factors": factors, "iterations": 4, "regularization": 0.02,
                "unobserved_weight": 0.3, "init_stddev": 0.5, "seed": 0}
    exact = create_model("ials", block_size=None, **settings).fit(data)
    block = create_model("ials", block_size=factors, **settings).fit(data)
    # float32 factors: the two paths round differently
    np.testing.assert_allclose(block.user_factors_, exact.user_factors_, rtol=1e-4,
                               atol=1e-5)
    np.testing.assert_allclose(block.item_factors_, exact.item_factors_, rtol=1e-4,
                               atol=1e-5)
    # smaller blocks are another descent path, not the same numbers
    smaller = create_model("ials", block_size=factors // 3, **settings).fit(data)
    assert not np.allclose(smaller.user_factors_, exact.user_factors_, atol=1e-4)


def test_frequency_scaled_regularization_worked_by_hand():
    # one factor, item factors h = (1, 2, 3); a new user with items {0, 1}:
    # w = (h0 + h1) / (alpha0 * (1 + 4 + 9) + (1 + 4) + lambda * (2 + alpha0 * 3) ** nu)
    #   = 3 / (0.5 * 14 + 5 + 2 * 3.5 ** 0.5) = 3 / 15.741657... = 0.190576...
    model = create_model("ials", factors=1, regularization=2.0, regularization_exp=0.5,
                         unobserved_weight=0.5, iterations=1).fit(
        interactions_of(np.eye(3)))
    order = model.items_.to_index(np.arange(3))
    history = np.zeros((1, 3))
    history[0, order[[0, 1]]] = 1.0
    # row order[e] of the item factors is external item e
    model.item_factors_ = np.array([[1.0], [2.0], [3.0]], np.float32)[np.argsort(order)]
    folded = model.fold_in(history)
    assert folded[0, 0] == pytest.approx(3.0 / (7.0 + 5.0 + 2.0 * 3.5 ** 0.5), rel=1e-6)


def test_recovers_the_checkerboard():
    """Even users like even items, odd users odd items; each user's own diagonal item is
    held out and must rank in the user's half, above every item of the other half."""
    n = 30
    matrix = np.zeros((n, n))
    matrix[0::2, 0::2] = 1.0
    matrix[1::2, 1::2] = 1.0
    held = np.eye(n, dtype=bool)
    matrix[held] = 0.0
    for block_size in (None, 4):
        model = create_model("ials", factors=8, iterations=10, regularization=0.01,
                             unobserved_weight=0.1, block_size=block_size).fit(
            interactions_of(matrix))
        users = model.users_.to_index(np.arange(n))
        items = model.items_.to_index(np.arange(n))
        scores = model.score_users(users)[:, items]
        for user in range(n):
            same = scores[user, (np.arange(n) % 2) == user % 2]
            other = scores[user, (np.arange(n) % 2) != user % 2]
            assert scores[user, user] > other.max()
            assert same.min() > other.max()


def test_fold_in_of_training_rows_matches_one_more_exact_user_step():
    """After an exact sweep the item factors are the last solved; folding in the training
    rows is the next exact user step, so the loss cannot go up."""
    matrix = random_matrix(2)
    model = create_model("ials", factors=5, iterations=3, block_size=None,
                         regularization=0.05, unobserved_weight=0.2).fit(
        interactions_of(matrix))
    before = model.loss()
    model.user_factors_ = model.fold_in(model.seen_)
    assert model.loss() <= before * (1 + 1e-6)


@pytest.mark.parametrize("size", [4, 40])
def test_singular_systems_get_the_minimum_norm_solution(size):
    """An exactly singular system (possible only without regularization) gets the
    least-squares solution of minimum norm, not NaN, on both paths (batched below 32
    unknowns, Cholesky above): for diag(2, ..., 2, 0) and right-hand side b with a last
    coordinate of 0, that is b / 2 with a last coordinate of 0; a zero system gives 0."""
    from recstack.models.ials import _solve

    rng = np.random.default_rng(0)
    diagonal = np.full(size, 2.0, np.float32)
    diagonal[-1] = 0.0
    lhs = np.stack([np.diag(diagonal), np.zeros((size, size), np.float32)])
    rhs = rng.normal(size=(2, size)).astype(np.float32)
    rhs[0, -1] = 0.0
    expected = np.stack([rhs[0] / 2.0, np.zeros(size, np.float32)])
    expected[0, -1] = 0.0
    np.testing.assert_allclose(_solve(lhs, rhs.copy()), expected, rtol=1e-6, atol=1e-7)


def test_both_zero_regularization_and_unobserved_weight_are_refused():
    with pytest.raises(ConfigError, match="^ials: regularization and unobserved_weight"):
        create_model("ials", regularization=0.0, unobserved_weight=0.0).fit(
            interactions_of(np.eye(3)))


def test_a_block_size_out_of_range_is_refused_by_name():
    with pytest.raises(ConfigError, match="^ials: block_size must be >= 1"):
        create_model("ials", block_size=0).fit(interactions_of(np.eye(3)))


def test_refuses_with_the_bytes_needed_when_memory_is_short(monkeypatch):
    import recstack.models.memory as memory

    monkeypatch.setattr(memory, "available_memory_bytes", lambda: (1000, "available (test)"))
    with pytest.raises(RecstackError, match=r"^ials: fitting 128 factors .* needs about"):
        create_model("ials").fit(interactions_of(np.eye(4)))

"""EASE against a direct dense computation of Steck's formula, and its memory guard."""

import sys

import numpy as np
import pytest
import scipy.sparse as sp

from recstack.data.interactions import Interactions
from recstack.errors import ConfigError, RecstackError
from recstack.models import create_model, load_model
from recstack.models import ease as ease_module
from recstack.models.ease import (
    EASE,
    _narrow_to_float32_in_place,
    available_memory_bytes,
    ease_memory_bytes,
)


@pytest.fixture(scope="module")
def ratings() -> np.ndarray:
    rng = np.random.default_rng(5)
    matrix = rng.integers(1, 6, (60, 25)).astype(np.float32)
    matrix[rng.random(matrix.shape) > 0.3] = 0
    matrix[np.arange(60), np.arange(60) % 25] = 4.0   # every user and item has a row
    return matrix


@pytest.fixture(scope="module")
def data(ratings) -> Interactions:
    users, items = np.nonzero(ratings)
    return Interactions.from_arrays(users, items, ratings[users, items])


def ease_by_the_formula(matrix: np.ndarray, regularization: float) -> np.ndarray:
    """B = I - P diag(1 / diag(P)), P = (XᵀX + λI)⁻¹, straight from Steck (2019)."""
    x = matrix.astype(np.float64)
    p = np.linalg.inv(x.T @ x + regularization * np.eye(x.shape[1]))
    return np.eye(x.shape[1]) - p @ np.diag(1.0 / np.diag(p))


@pytest.mark.parametrize("binary", [True, False])
def test_weights_equal_the_closed_form(ratings, data, binary):
    model = EASE(regularization=7.5, binary=binary).fit(data)
    x = (ratings > 0).astype(np.float64) if binary else ratings
    expected = ease_by_the_formula(x, 7.5)
    assert model.weights_.dtype == np.float32
    np.testing.assert_allclose(model.weights_, expected, rtol=1e-4, atol=1e-6)
    assert np.all(np.diag(model.weights_) == 0.0)
    np.testing.assert_allclose(model.score_users(np.arange(60)), x @ expected, rtol=1e-4,
                               atol=1e-5)


def test_blocked_gram_inverse_and_narrowing_agree_with_the_formula(ratings, data, monkeypatch):
    # blocks of one or two rows: every block boundary in the Gram matrix, the triangle
    # mirroring and the float32 narrowing is exercised
    monkeypatch.setattr(ease_module, "_GRAM_BLOCK_BYTES", 8 * 25 * 2)
    model = EASE(regularization=3.0).fit(data)
    np.testing.assert_allclose(model.weights_, ease_by_the_formula(ratings > 0, 3.0),
                               rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize("n", [1, 2, 7, 64])
def test_narrowing_in_place_gives_the_float32_values(n):
    matrix = np.random.default_rng(n).standard_normal((n, n))
    expected = matrix.astype(np.float32)
    narrowed = _narrow_to_float32_in_place(matrix)
    assert narrowed.dtype == np.float32 and narrowed.shape == (n, n)
    np.testing.assert_array_equal(narrowed, expected)


def test_fold_in_scores_a_new_history_like_a_trained_user(ratings, data):
    model = EASE(regularization=10.0).fit(data)
    np.testing.assert_allclose(model.score_histories(sp.csr_matrix(ratings[:4])),
                               model.score_users(np.arange(4)), rtol=1e-6)
    new_user = np.zeros((1, 25), np.float32)
    new_user[0, [1, 2]] = 1.0
    np.testing.assert_allclose(model.score_histories(new_user)[0],
                               model.weights_[1] + model.weights_[2], rtol=1e-6)


def test_similar_items_are_the_largest_weights_of_the_row(data):
    model = EASE(regularization=10.0).fit(data)
    items, weights = model.similar_items([3], k=4)
    row = model.weights_[3].copy()
    row[3] = -np.inf
    assert items[0].tolist() == np.argsort(-row, kind="stable")[:4].tolist()
    np.testing.assert_array_equal(weights[0], np.sort(row)[::-1][:4])
    assert 3 not in items[0]


def test_refuses_when_memory_would_not_fit_and_names_the_bytes(data, monkeypatch):
    needed = ease_memory_bytes(data.n_items, len(data))
    assert needed >= 8 * data.n_items ** 2
    # the machine's memory is what fit reads; the test sets it instead of a model knob
    monkeypatch.setattr(ease_module, "available_memory_bytes",
                        lambda: (needed - 1, "available (test)"))
    with pytest.raises(RecstackError,
                       match=f"need about .*{needed:,} bytes.*{needed - 1:,} bytes.*"
                             r"available \(test\)"):
        EASE().fit(data)
    monkeypatch.setattr(ease_module, "available_memory_bytes",
                        lambda: (needed, "available (test)"))
    EASE().fit(data)   # exactly enough is enough


def test_the_memory_estimate_grows_with_the_square_of_the_catalog():
    assert ease_memory_bytes(20_000, 0) - ease_memory_bytes(10_000, 0) == 8 * (
        20_000**2 - 10_000**2)
    available, source = available_memory_bytes()
    assert available >= 0 and source


def test_save_and_load_round_trip(data, tmp_path):
    model = EASE(regularization=20, binary=False).fit(data)
    loaded = load_model(model.save(tmp_path / "ease"))
    assert loaded.get_params() == model.get_params()
    np.testing.assert_array_equal(loaded.weights_, model.weights_)


@pytest.mark.parametrize(("params", "message"), [
    ({"regularization": 0.0}, "regularization must be > 0"),
    ({"regularization": -5}, "regularization must be > 0"),
    ({"binary": 1}, "binary must be bool"),
])
def test_bad_hyperparameters_are_refused_in_fit(data, params, message):
    with pytest.raises(ConfigError, match=message):
        create_model("ease", **params).fit(data)


def test_the_factorisation_runs_on_one_blas_thread(data, monkeypatch):
    # multithreaded OpenBLAS dpotrf segfaults on large matrices (see _single_blas_thread)
    from scipy.linalg import lapack
    from threadpoolctl import threadpool_info

    seen_threads = []
    original = lapack.dpotrf

    def recording_dpotrf(*args, **kwargs):
        seen_threads.extend(pool["num_threads"] for pool in threadpool_info()
                            if pool["user_api"] == "blas")
        return original(*args, **kwargs)

    monkeypatch.setattr(lapack, "dpotrf", recording_dpotrf)
    EASE(regularization=10.0).fit(data)
    assert seen_threads and set(seen_threads) == {1}


def test_large_catalogs_without_threadpoolctl_are_refused_before_allocating(monkeypatch):
    monkeypatch.setitem(sys.modules, "threadpoolctl", None)
    n_items = ease_module._UNGUARDED_CHOLESKY_LIMIT + 1
    wide = Interactions.from_arrays(np.arange(n_items) % 50, np.arange(n_items))
    monkeypatch.setattr(ease_module, "available_memory_bytes", lambda: (1, "available"))
    with pytest.raises(RecstackError, match="threadpoolctl"):
        EASE().fit(wide)   # refused for threads before memory

"""EASE against a direct dense computation of Steck's formula, its memory guard (against
the measured peak of a fit) and its probe of multithreaded BLAS."""

import json
import os
import signal
import subprocess
import sys
import textwrap

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


@pytest.fixture(autouse=True)
def private_cache(tmp_path, monkeypatch):
    """Probe verdicts go to a folder of the test's own, never the user's cache."""
    monkeypatch.setenv("RECSTACK_CACHE", str(tmp_path / "cache"))


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("binary", [True, False])
def test_weights_equal_the_closed_form(ratings, data, binary, dtype):
    model = EASE(regularization=7.5, binary=binary, dtype=dtype).fit(data)
    x = (ratings > 0).astype(np.float64) if binary else ratings
    expected = ease_by_the_formula(x, 7.5)
    assert model.weights_.dtype == np.float32
    # float32 solves carry float32 rounding through the inverse: relative to the largest
    # weight, not to each (some are near zero)
    atol = 1e-6 if dtype == "float64" else 2e-5 * np.abs(expected).max()
    np.testing.assert_allclose(model.weights_, expected, rtol=1e-4, atol=atol)
    assert np.all(np.diag(model.weights_) == 0.0)
    np.testing.assert_allclose(model.score_users(np.arange(60)), x @ expected, rtol=1e-4,
                               atol=atol * 25)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_blocked_gram_inverse_and_narrowing_agree_with_the_formula(ratings, data, monkeypatch,
                                                                   dtype):
    # blocks of one or two rows: every block boundary in the Gram matrix, the triangle
    # mirroring and the float32 narrowing is exercised
    monkeypatch.setattr(ease_module, "_GRAM_BLOCK_BYTES", 12 * 25 * 2)
    assert ease_module._block_rows(25, np.dtype(dtype).itemsize) <= 2
    model = EASE(regularization=3.0, dtype=dtype).fit(data)
    expected = ease_by_the_formula(ratings > 0, 3.0)
    np.testing.assert_allclose(model.weights_, expected, rtol=1e-4,
                               atol=2e-5 * np.abs(expected).max())


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


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_refuses_when_memory_would_not_fit_and_names_the_bytes(data, monkeypatch, dtype):
    needed = ease_memory_bytes(data.n_items, len(data), dtype=dtype)
    assert needed >= np.dtype(dtype).itemsize * data.n_items ** 2
    # the machine's memory is what fit reads; the test sets it instead of a model knob
    monkeypatch.setattr(ease_module, "available_memory_bytes",
                        lambda: (needed - 1, "available (test)"))
    with pytest.raises(RecstackError,
                       match=f"need about .*{needed:,} bytes.*{dtype} matrix.*"
                             f"{needed - 1:,} bytes.*available \\(test\\)"):
        EASE(dtype=dtype).fit(data)
    monkeypatch.setattr(ease_module, "available_memory_bytes",
                        lambda: (needed, "available (test)"))
    EASE(dtype=dtype).fit(data)   # exactly enough is enough


def test_the_memory_estimate_grows_with_the_square_of_the_catalog():
    # beyond 4 GiB of matrix the block scratch is fixed: the growth is the matrix alone
    for dtype, itemsize in (("float32", 4), ("float64", 8)):
        assert (ease_memory_bytes(100_000, 0, dtype=dtype)
                - ease_memory_bytes(50_000, 0, dtype=dtype)) == itemsize * (
            100_000**2 - 50_000**2)
    # the matrix, three sparse copies (float32 value + int32 index), two scratch blocks and
    # 16 MiB of code and buffers a first fit loads
    fixed = 16 * 2**20
    assert ease_memory_bytes(40_000, 10**6) == (4 * 40_000**2 + 3 * 8 * 10**6
                                                 + 2 * 128 * 2**20 + fixed)
    # below, a block is a 32nd of the matrix
    assert ease_memory_bytes(8_000, 10**6) == (4 * 8_000**2 * (1 + 2 / 32) + 3 * 8 * 10**6
                                                + fixed)
    available, source = available_memory_bytes()
    assert available >= 0 and source


_PEAK_CHILD = textwrap.dedent("""
    import json, sys
    from recstack.data.synthetic import generate
    from recstack.models import ease
    n_users, n_items, n_rows, dtype = json.loads(sys.argv[1])
    data = generate(n_users=n_users, n_items=n_items, n_interactions=n_rows, seed=0)
    ease.blas_threads_survive = lambda n, d: False   # no probe child: this process alone
    model = ease.EASE(dtype=dtype)

    def status(key):   # bytes, from the kernel's own accounting of this process
        with open("/proc/self/status") as handle:
            for line in handle:
                if line.startswith(key + ":"):
                    return int(line.split()[1]) * 1024

    # reset the peak (VmHWM, which ru_maxrss reads too) to what is resident now, so the
    # peak after fit is the fit's and not that of generating the data
    with open("/proc/self/clear_refs", "w") as handle:
        handle.write("5")
    before = status("VmRSS")
    model.fit(data)
    print(json.dumps({"above": status("VmHWM") - before, "nnz": int(model.seen_.nnz)}))
""")


@pytest.mark.slow
@pytest.mark.skipif(not os.path.exists("/proc/self/clear_refs"),
                    reason="resetting the peak RSS needs Linux's /proc/self/clear_refs")
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_the_memory_estimate_matches_the_measured_peak(dtype):
    # a fresh interpreter, so that ru_maxrss (the peak RSS) is the fit's and not pytest's
    n_users, n_items, n_rows = 20_000, 8_000, 400_000
    completed = subprocess.run(
        [sys.executable, "-c", _PEAK_CHILD, json.dumps([n_users, n_items, n_rows, dtype])],
        capture_output=True, text=True, check=True)
    measured = json.loads(completed.stdout.strip().splitlines()[-1])
    estimate = ease_memory_bytes(n_items, measured["nnz"], dtype=dtype)
    matrix = np.dtype(dtype).itemsize * n_items**2
    assert measured["above"] >= matrix  # the fit did hold its one dense matrix
    # the refusal estimate covers the peak, and is no more than 15% above it
    assert measured["above"] <= estimate <= 1.15 * measured["above"], (measured, estimate)


def test_save_and_load_round_trip(data, tmp_path):
    model = EASE(regularization=20, binary=False).fit(data)
    loaded = load_model(model.save(tmp_path / "ease"))
    assert loaded.get_params() == model.get_params()
    np.testing.assert_array_equal(loaded.weights_, model.weights_)


@pytest.mark.parametrize(("params", "message"), [
    ({"regularization": 0.0}, "regularization must be > 0"),
    ({"regularization": -5}, "regularization must be > 0"),
    ({"binary": 1}, "binary must be bool"),
    ({"dtype": "float16"}, "dtype must be one of"),
])
def test_bad_hyperparameters_are_refused_in_fit(data, params, message):
    with pytest.raises(ConfigError, match=message):
        create_model("ease", **params).fit(data)


def _blas_threads_seen_by_potrf(monkeypatch, model, data):
    from scipy.linalg import lapack
    from threadpoolctl import threadpool_info

    seen_threads = []
    original = lapack.get_lapack_funcs

    def recording_potrf(potrf):
        def wrapper(*args, **kwargs):
            seen_threads.extend(pool["num_threads"] for pool in threadpool_info()
                                if pool["user_api"] == "blas")
            return potrf(*args, **kwargs)
        return wrapper

    def get_funcs(names, arrays):
        potrf, potri = original(names, arrays)
        return recording_potrf(potrf), potri

    monkeypatch.setattr(lapack, "get_lapack_funcs", get_funcs)
    model.fit(data)
    return seen_threads


@pytest.mark.parametrize("survives", [True, False])
def test_the_factorisation_uses_threads_only_where_the_probe_survived(data, monkeypatch,
                                                                      survives):
    # multithreaded OpenBLAS dpotrf has segfaulted on large matrices (blas_threads_survive)
    from threadpoolctl import threadpool_info

    default = {pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"}
    asked = []
    monkeypatch.setattr(ease_module, "blas_threads_survive",
                        lambda n, dtype: asked.append((n, dtype)) or survives)
    seen = _blas_threads_seen_by_potrf(monkeypatch, EASE(regularization=10.0), data)
    assert asked == [(25, "float32")]
    assert seen and set(seen) == (default if survives else {1})


def test_a_probe_that_crashes_is_remembered_and_means_one_thread(monkeypatch, tmp_path):
    monkeypatch.setattr(ease_module, "_PROBE_MIN_ITEMS", 8)
    monkeypatch.setattr(ease_module, "_PROBE_BUCKET", 16)
    monkeypatch.setattr(ease_module, "_blas_identity",
                        lambda: {"libraries": ["openblas test"], "threads": 2})
    # the probe child dies of a segmentation fault, as multithreaded dpotrf did
    monkeypatch.setattr(ease_module, "_PROBE_SCRIPT",
                        "import os, signal; os.kill(os.getpid(), signal.SIGSEGV)")
    assert ease_module.blas_threads_survive(20, "float64") is False
    cache = json.loads((tmp_path / "cache" / "ease-blas-threads.json").read_text())
    assert list(cache.values()) == [False] and '"bucket": 32' in next(iter(cache))

    def no_probe(size, dtype):
        raise AssertionError("the cached verdict should have been used")

    monkeypatch.setattr(ease_module, "_run_probe", no_probe)
    assert ease_module.blas_threads_survive(30, "float64") is False   # same bucket
    monkeypatch.setattr(ease_module, "_run_probe", lambda size, dtype: 0)
    assert ease_module.blas_threads_survive(30, "float32") is True   # another precision
    assert ease_module.blas_threads_survive(40, "float64") is True   # another bucket


def test_a_real_probe_that_survives_allows_threads(monkeypatch, tmp_path):
    monkeypatch.setattr(ease_module, "_PROBE_MIN_ITEMS", 8)
    monkeypatch.setattr(ease_module, "_PROBE_BUCKET", 64)
    sizes = []
    real_probe = ease_module._run_probe
    monkeypatch.setattr(ease_module, "_run_probe",
                        lambda size, dtype: sizes.append(size) or real_probe(size, dtype))
    survived = ease_module.blas_threads_survive(100, "float32")
    identity = ease_module._blas_identity()
    if identity is not None and identity["threads"] <= 1:
        assert survived is False and sizes == []   # one thread: nothing to probe
        return
    assert survived is True and sizes == [128]
    # a probe that fails for another reason (here: a bad size) is not remembered
    assert real_probe(-1, "float32") > 0
    monkeypatch.setattr(ease_module, "_run_probe", lambda size, dtype: 1)
    assert ease_module.blas_threads_survive(200, "float32") is False
    # nor one killed by the out-of-memory killer: SIGKILL says nothing about threads
    monkeypatch.setattr(ease_module, "_run_probe", lambda size, dtype: -signal.SIGKILL)
    assert ease_module.blas_threads_survive(300, "float32") is False
    cache = json.loads((tmp_path / "cache" / "ease-blas-threads.json").read_text())
    assert list(cache.values()) == [True]


def test_small_catalogs_use_threads_without_a_probe(monkeypatch):
    monkeypatch.setattr(ease_module, "_run_probe", lambda size, dtype: -signal.SIGSEGV)
    assert ease_module.blas_threads_survive(ease_module._PROBE_MIN_ITEMS - 1, "float32")
    assert not os.path.exists(ease_module._probe_cache_path())


def test_large_catalogs_without_threadpoolctl_are_refused_before_allocating(monkeypatch):
    # where the probe crashed, one thread is needed, and only threadpoolctl can set it
    monkeypatch.setitem(sys.modules, "threadpoolctl", None)
    monkeypatch.setattr(ease_module, "blas_threads_survive", lambda n, dtype: False)
    n_items = ease_module._UNGUARDED_CHOLESKY_LIMIT + 1
    wide = Interactions.from_arrays(np.arange(n_items) % 50, np.arange(n_items))
    monkeypatch.setattr(ease_module, "available_memory_bytes",
                        lambda: (ease_memory_bytes(n_items, n_items), "available"))
    with pytest.raises(RecstackError, match="threadpoolctl"):
        EASE().fit(wide)   # refused before the Gram matrix is allocated

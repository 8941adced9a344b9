"""A graph filter whose dense item filter would not fit in memory is fitted without it
(scoring through the sparse factors, the same scores) rather than refused; only a fit that
does not fit even so is refused, naming the bytes of that smaller fit."""

import numpy as np
import pytest
import scipy.sparse as sp

from recstack.data.interactions import Interactions
from recstack.errors import RecstackError
from recstack.models import create_model, load_model
from recstack.models import graph_filters as graph_filters_module
from recstack.models.graph_filters import graph_filter_memory_bytes, uses_dense_filter


@pytest.fixture(scope="module")
def matrix() -> np.ndarray:
    rng = np.random.default_rng(3)
    dense = (rng.random((40, 30)) < 0.2).astype(np.float64)
    dense[np.arange(40), np.arange(40) % 30] = 1.0
    return dense


def data_of(matrix: np.ndarray) -> Interactions:
    users, items = np.nonzero(matrix)
    return Interactions.from_arrays(users, items, matrix[users, items])


PARAMS = {"gf_cf": {"k": 4, "alpha": 0.5},
          "bspm": {"k": 4, "sharpen_steps": 2, "merge": "late"}}


@pytest.mark.parametrize("name", ["gf_cf", "bspm"])
def test_a_dense_filter_that_would_not_fit_is_left_out(matrix, monkeypatch, tmp_path, name):
    data = data_of(matrix)
    nnz = int((matrix != 0).sum())
    assert uses_dense_filter(30, nnz)  # small enough that the dense filter is the rule
    with_dense = graph_filter_memory_bytes(40, 30, nnz, 4)
    without = graph_filter_memory_bytes(40, 30, nnz, 4, dense=False)
    assert without < with_dense
    reference = create_model(name, **PARAMS[name]).fit(data)
    assert reference.graph_.dense_filter is not None
    users = np.arange(40)
    expected = reference.score_users(users)
    history = sp.csr_matrix(matrix[:3])
    expected_histories = reference.score_histories(history)

    # the available memory lies between the two: the fit was refused before
    monkeypatch.setattr(graph_filters_module, "available_memory_bytes",
                        lambda: (without, "available (test)"))
    model = create_model(name, **PARAMS[name]).fit(data)
    assert model.graph_.dense_filter is None
    np.testing.assert_allclose(model.score_users(users), expected, rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(model.score_histories(history), expected_histories,
                               rtol=1e-4, atol=1e-6)
    # loading under the same limit also leaves the dense filter out
    model.save(tmp_path / "model")
    loaded = load_model(tmp_path / "model")
    assert loaded.graph_.dense_filter is None
    np.testing.assert_allclose(loaded.score_users(users), expected, rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize("name", ["gf_cf", "bspm"])
def test_the_refusal_names_the_fit_without_the_dense_filter(matrix, monkeypatch, name):
    nnz = int((matrix != 0).sum())
    without = graph_filter_memory_bytes(40, 30, nnz, 4, dense=False)
    monkeypatch.setattr(graph_filters_module, "available_memory_bytes",
                        lambda: (without - 1, "available (test)"))
    model = create_model(name, **PARAMS[name])
    with pytest.raises(RecstackError, match=rf"^{name}: 40 users x 30 items with k=4 need "
                                            rf"about .*\({without:,} bytes"):
        model.fit(data_of(matrix))
    assert not model.is_fitted


def test_the_estimate_without_the_dense_filter_worked_by_hand():
    # 3 users x 4 items, 5 interactions, k = 1: sparse 40 * 5 + 8 * 7 = 256; the SVD's
    # Lanczos vectors min(3, max(3, 20)) = 3 over the smaller side 3, and 1 x 7 singular
    # vectors: 8 * (9 + 7) = 128; 64 MiB of overhead
    assert graph_filter_memory_bytes(3, 4, 5, 1, dense=False) == 256 + 128 + 64 * 2**20
    # the dense filter adds 4 * 16, three blocks of 64 MiB and the float64 Gram matrix and
    # LAPACK's copy (2 * 8 * 16)
    assert graph_filter_memory_bytes(3, 4, 5, 1, dense=True) \
        == 256 + 128 + 64 * 2**20 + 64 + 3 * 64 * 2**20 + 256
    assert graph_filter_memory_bytes(3, 4, 5, 1) == graph_filter_memory_bytes(3, 4, 5, 1,
                                                                              dense=True)

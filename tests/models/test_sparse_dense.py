"""The multithreaded CSR x dense product equals scipy's, with and without numba."""

import numpy as np
import pytest
import scipy.sparse as sp

from recstack.models import sparse_dense
from recstack.models.sparse_dense import sparse_times_dense


@pytest.fixture
def operands():
    rng = np.random.default_rng(3)
    matrix = sp.random(300, 500, density=0.02, format="lil", dtype=np.float32, random_state=4)
    matrix[7] = 0  # an empty row
    matrix = matrix.tocsr()
    return matrix, rng.standard_normal((500, 33)).astype(np.float32)


@pytest.mark.parametrize("numba", [True, False])
def test_equals_scipys_product(operands, numba, monkeypatch):
    if numba:
        pytest.importorskip("numba", reason="the compiled kernel needs numba")
    monkeypatch.setattr(sparse_dense, "numba_available", lambda: numba)
    matrix, dense = operands
    got = sparse_times_dense(matrix, dense)
    expected = (matrix.astype(np.float64) @ dense.astype(np.float64))
    assert got.dtype == np.float32 and got.flags.c_contiguous and got.shape == (300, 33)
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-5)
    assert not got[7].any()


def test_a_transposed_dense_operand_is_read_correctly(operands):
    matrix, dense = operands
    fortran = np.asfortranarray(dense)
    np.testing.assert_array_equal(sparse_times_dense(matrix, fortran),
                                  sparse_times_dense(matrix, dense))

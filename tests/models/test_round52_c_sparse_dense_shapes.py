"""The compiled CSR x dense kernel checks no bounds: operands that do not chain are refused
before it runs, on both paths alike."""

import numpy as np
import pytest
import scipy.sparse as sp

from recstack.models import sparse_dense
from recstack.models.sparse_dense import sparse_times_dense


@pytest.fixture
def matrix():
    # 5 x 4, with a stored entry in the last column, which a 3-row dense operand lacks
    return sp.csr_matrix(np.array([[1, 0, 0, 2], [0, 3, 0, 0], [0, 0, 0, 0],
                                   [4, 0, 5, 0], [0, 0, 0, 6]], dtype=np.float32))


@pytest.mark.parametrize("numba", [True, False])
@pytest.mark.parametrize("shape", [(3, 2), (5, 2), (4,), (4, 2, 1)])
def test_operands_that_do_not_chain_are_refused(matrix, numba, shape, monkeypatch):
    if numba:
        pytest.importorskip("numba", reason="the compiled kernel needs numba")
    monkeypatch.setattr(sparse_dense, "numba_available", lambda: numba)
    with pytest.raises(ValueError, match=r"5 x 4 matrix multiplies a 2-D dense array of 4 "
                                         r"rows .*got shape \(" + str(shape[0])):
        sparse_times_dense(matrix, np.ones(shape, np.float32))


def test_operands_that_chain_still_multiply(matrix):
    dense = np.arange(8, dtype=np.float32).reshape(4, 2)
    # by hand: row 0 is 1 * [0, 1] + 2 * [6, 7]; row 3 is 4 * [0, 1] + 5 * [4, 5]
    got = sparse_times_dense(matrix, dense)
    np.testing.assert_array_equal(got[0], [12, 15])
    np.testing.assert_array_equal(got[3], [20, 29])
    assert not got[2].any()

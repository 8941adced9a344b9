"""A sparse (CSR) times dense product on every core.

scipy computes ``csr @ dense`` on one thread. The graph filters spend most of their scoring
time in such products (two per application of the item filter, over batches of users), so
with numba installed (the ``fast`` extra) they run in a compiled kernel that splits the
sparse rows between threads. Each output row is summed by one thread in the stored order,
so the result does not depend on the number of threads; without numba, scipy's product is
used and gives the same values up to float rounding.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import numpy as np
import scipy.sparse as sp

from recstack.topk import numba_available

__all__ = ["sparse_times_dense"]


def sparse_times_dense(matrix: sp.csr_matrix, dense: np.ndarray) -> np.ndarray:
    """``matrix @ dense`` for a float32 CSR ``matrix`` (``m x n``) and a C-contiguous float32
    ``dense`` (``n x b``), as a new C-contiguous float32 ``m x b`` array.

    Rows of ``dense`` are read whole, so a wide ``b`` (a batch of signals side by side)
    amortises each stored entry's index over ``b`` multiply-adds."""
    dense = np.ascontiguousarray(dense, dtype=np.float32)
    if dense.ndim != 2 or dense.shape[0] != matrix.shape[1]:
        # the compiled kernel checks no bounds: a dense array of fewer rows than the matrix
        # has columns was read past its end into a silently wrong product (scipy's path
        # refused it), and a 1-D one failed with "tuple index out of range"
        raise ValueError(
            f"sparse_times_dense: a {matrix.shape[0]} x {matrix.shape[1]} matrix multiplies "
            f"a 2-D dense array of {matrix.shape[1]} rows (n x b), got shape {dense.shape}")
    if not numba_available() or matrix.dtype != np.float32:
        return np.ascontiguousarray(matrix @ dense, dtype=np.float32)
    out = np.zeros((matrix.shape[0], dense.shape[1]), dtype=np.float32)
    _compiled_kernel()(matrix.indptr, matrix.indices, matrix.data, dense, out)
    return out


@functools.cache
def _compiled_kernel() -> Callable[..., None]:
    """The kernel, compiled on first use (and cached on disk by numba)."""
    import numba

    @numba.njit(parallel=True, cache=True, nogil=True)
    def csr_rows_times_dense(indptr: np.ndarray, indices: np.ndarray, data: np.ndarray,
                             dense: np.ndarray, out: np.ndarray) -> None:
        width = dense.shape[1]
        for row in numba.prange(len(indptr) - 1):
            target = out[row]
            for position in range(indptr[row], indptr[row + 1]):
                weight = data[position]
                source = dense[indices[position]]
                for column in range(width):
                    target[column] += weight * source[column]

    return csr_rows_times_dense

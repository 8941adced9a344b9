"""EASE, the closed-form linear item-item autoencoder of Steck (2019).

Memory, not time, is what limits EASE: it needs a dense ``n_items x n_items`` float64
matrix. This implementation holds exactly one such matrix: the Gram matrix is written into
it block by block, factorised and inverted in place by LAPACK (``dpotrf`` on one thread,
as multithreaded OpenBLAS crashes on large matrices, then ``dpotri``), turned into the
weights in place, and finally narrowed to float32 inside the same buffer, whose unused half
is handed back. Before allocating, :meth:`EASE.fit` works out what that needs and refuses,
saying how much, when it would not fit.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, ClassVar

import numpy as np
import scipy.sparse as sp

from recstack.data.interactions import Interactions
from recstack.errors import RecstackError
from recstack.models.base import Param, Recommender, history_weights
from recstack.models.memory import available_memory_bytes, gib
from recstack.models.persistence import ArraySpec
from recstack.models.registry import register
from recstack.progress import Progress, resolve

# Rows of the Gram matrix computed per sparse product, bounded so that a block that comes
# out dense (float64 value + int32 column per entry) stays within this many bytes.
_GRAM_BLOCK_BYTES = 128 * 2**20
# Besides the dense matrix: the training matrix in float64 twice (by user and by item,
# 12 bytes per stored entry each), the Gram block, and the mirroring scratch.
_SPARSE_COPIES = 3
_FIXED_OVERHEAD_BYTES = 2 * _GRAM_BLOCK_BYTES
# Largest catalog factorised with multithreaded dpotrf when threadpoolctl is missing (see
# _single_blas_thread): the largest size seen to work, with a margin.
_UNGUARDED_CHOLESKY_LIMIT = 8_192


@register
class EASE(Recommender):
    r"""Embarrassingly Shallow AutoEncoder (Steck 2019): the item-item weight matrix
    :math:`B` that best reconstructs :math:`X` from itself without using an item to
    predict itself,

    .. math:: \min_B \lVert X - XB \rVert_F^2 + \lambda \lVert B \rVert_F^2
              \quad \text{s.t.} \quad \operatorname{diag}(B) = 0,

    whose closed form is

    .. math:: P = (X^\top X + \lambda I)^{-1}, \qquad
              B = I - P \operatorname{diag}(1 / \operatorname{diag}(P)),

    i.e. :math:`B_{ij} = -P_{ij} / P_{jj}` for :math:`i \ne j` and :math:`B_{jj} = 0`.
    A user's scores are :math:`\hat r_u = x_u^\top B`; a history not seen in training is
    scored the same way (:meth:`score_histories`), without refitting.

    Fitting needs about :func:`ease_memory_bytes` and is refused, with both numbers, when
    that is more than the memory available (``MemAvailable``, or a cgroup limit when lower,
    :func:`available_memory_bytes`). Steck reports a ``regularization`` of a few hundred to
    a few thousand as best on MovieLens-20M / Netflix-sized data.

    Attributes
    ----------
    weights_ : numpy.ndarray
        :math:`B`, dense ``n_items x n_items`` float32 (solved in float64).

    References
    ----------
    H. Steck. "Embarrassingly Shallow Autoencoders for Sparse Data". WWW 2019.
    """

    name = "ease"
    params: ClassVar[dict[str, Param]] = {
        "regularization": Param((int, float), low=0, low_inclusive=False, default=500.0,
                                doc="lambda, added to the diagonal of the Gram matrix.",
                                search={"type": "float", "low": 1.0, "high": 5000.0,
                                        "log": True}),
        "binary": Param(bool, default=True,
                        doc="Fit and score on the 0/1 pattern of the interactions (as in the "
                            "paper) instead of their values."),
    }

    # ------------------------------------------------------------------ training
    def _fit(self, train: Interactions, progress: Progress | None) -> None:
        n_items = train.n_items
        _require_thread_control(n_items)
        needed = ease_memory_bytes(n_items, self.seen_.nnz)
        limit, source = available_memory_bytes()
        if needed > limit:
            raise RecstackError(
                f"ease: {n_items:,} items need about {gib(needed)} ({needed:,} bytes: a dense "
                f"{n_items:,} x {n_items:,} float64 matrix, {8 * n_items**2:,} bytes, plus "
                f"working space) but only {gib(limit)} ({limit:,} bytes) is {source}; "
                f"keep fewer items (e.g. drop rarely seen ones) or use item_knn, which "
                f"stays sparse")
        if hasattr(self, "weights_"):
            del self.weights_  # a refit must not hold the old weights next to the new ones
        matrix = history_weights(self.seen_, binary=self.binary, dtype=np.float64)
        with resolve(progress).task("ease: Gram matrix", total=n_items) as task:
            weights = _gram_matrix(matrix, task.advance)
        weights[np.diag_indices(n_items)] += float(self.regularization)
        _invert_spd_in_place(weights)
        # B_ij = -P_ij / P_jj: scale the columns of P in place, then zero the diagonal
        diagonal = weights.diagonal().copy()
        np.divide(weights, -diagonal[None, :], out=weights)
        weights[np.diag_indices(n_items)] = 0.0
        self.weights_ = _narrow_to_float32_in_place(weights)

    # ------------------------------------------------------------------ inference
    def _score_users(self, user_indices: np.ndarray) -> np.ndarray:
        return self._scores(self.seen_[user_indices])

    def score_histories(self, histories: Any) -> np.ndarray:
        """Scores for users known only by a history (``n x n_items``, sparse or dense, in
        this model's item order): ``history @ weights_``, without refitting."""
        self._require_fitted()
        return self._scores(self._history_matrix(histories))

    def _scores(self, history: sp.csr_matrix) -> np.ndarray:
        weights = history_weights(history, binary=self.binary)
        return np.asarray(weights @ self.weights_, dtype=np.float32)

    def _similarity_rows(self, item_indices: np.ndarray) -> np.ndarray:
        """Item-item weights ``B``: how much each item predicts the others."""
        return self.weights_[item_indices]

    # ------------------------------------------------------------------ persistence
    def _state(self) -> dict[str, np.ndarray]:
        return {"weights": self.weights_}

    def _load_state(self, arrays: dict[str, np.ndarray]) -> None:
        self.weights_ = np.ascontiguousarray(arrays["weights"], dtype=np.float32)

    def _state_spec(self) -> dict[str, ArraySpec]:
        return {"weights": ArraySpec("float32", ("n_items", "n_items"))}


# --------------------------------------------------------------------------- memory
def ease_memory_bytes(n_items: int, n_interactions: int) -> int:
    """Peak memory of :meth:`EASE.fit` beyond the training data, in bytes.

    One dense ``n_items²`` float64 matrix, the only one (measured with ``ru_maxrss``:
    at 20,000 items and 5M interactions fitting peaked 3,388 MiB above the loaded data,
    1.11x the 3,052 MiB matrix; this estimate says 3,480 MiB), the training matrix in
    float64 by user and by item (12 bytes per stored entry each; 3 copies leave a margin)
    and the fixed-size Gram block and scratch (256 MiB).
    """
    return (8 * n_items * n_items + _SPARSE_COPIES * 12 * n_interactions
            + _FIXED_OVERHEAD_BYTES)


# --------------------------------------------------------------------------- linear algebra
def _gram_matrix(matrix: sp.csr_matrix, advance: Any) -> np.ndarray:
    """``XᵀX`` as a dense float64 array, filled a block of rows at a time so that the
    sparse product never holds more than one block."""
    n_items = matrix.shape[1]
    gram = np.zeros((n_items, n_items))
    by_item = matrix.T.tocsr()
    block = max(1, _GRAM_BLOCK_BYTES // (max(n_items, 1) * 12))
    for start in range(0, n_items, block):
        stop = min(start + block, n_items)
        (by_item[start:stop] @ matrix).toarray(out=gram[start:stop])
        advance(stop - start)
    return gram


def _invert_spd_in_place(matrix: np.ndarray) -> None:
    """Replace the symmetric positive definite ``matrix`` (C-ordered float64) by its
    inverse without a second ``n x n`` buffer: Cholesky (``dpotrf``) and inverse from the
    factor (``dpotri``), both in place, then one triangle mirrored onto the other."""
    from scipy.linalg import lapack

    # A C-ordered symmetric matrix read in Fortran order is itself: LAPACK works in place
    fortran_view = matrix.T
    with _single_blas_thread(len(matrix)):
        factor, info = lapack.dpotrf(fortran_view, lower=False, clean=False, overwrite_a=True)
    if info != 0:
        raise RecstackError(f"ease: XᵀX + λI is not positive definite (dpotrf info={info}); "
                            "use a larger regularization")
    inverse, info = lapack.dpotri(factor, lower=False, overwrite_c=True)
    if info != 0:
        raise RecstackError(f"ease: inverting XᵀX + λI failed (dpotri info={info})")
    if not np.shares_memory(inverse, matrix):  # a LAPACK wrapper that copied after all
        matrix[...] = inverse.T
    # the Fortran upper triangle is the C lower one: mirror it onto the upper, a block of
    # rows at a time so the scratch stays small
    n = len(matrix)
    block = max(1, _GRAM_BLOCK_BYTES // (8 * max(n, 1)))
    for start in range(0, n, block):
        stop = min(start + block, n)
        matrix[start:stop, stop:] = matrix[stop:, start:stop].T
        square = matrix[start:stop, start:stop]
        upper = np.triu_indices(stop - start, 1)
        square[upper] = square.T[upper]


@contextmanager
def _single_blas_thread(n_items: int) -> Iterator[None]:
    """Run the Cholesky factorisation on one BLAS thread.

    OpenBLAS 0.3.30 (scipy's) and 0.3.31 (numpy's) crash with a segmentation fault in
    multithreaded ``dpotrf`` from about 16,000 rows on a 2-core SkylakeX machine (12,000
    rows ran; 16,300 and 20,000 crashed, in ``np.linalg.cholesky`` too), while the same
    call on one thread and the multithreaded ``dpotri`` after it were fine. The
    factorisation is a third of the work, so one thread costs little next to a crash.
    """
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        _require_thread_control(n_items)
        yield
        return
    with threadpool_limits(limits=1, user_api="blas"):
        yield


def _require_thread_control(n_items: int) -> None:
    """Refuse, before anything is allocated, a catalog too large to factorise safely
    without threadpoolctl (see :func:`_single_blas_thread`)."""
    if n_items <= _UNGUARDED_CHOLESKY_LIMIT:
        return
    try:
        import threadpoolctl  # noqa: F401
    except ImportError:
        raise RecstackError(
            f"ease: {n_items:,} items need threadpoolctl (pip install threadpoolctl) to run "
            "the Cholesky factorisation on one thread: multithreaded OpenBLAS dpotrf crashes "
            "on matrices this large") from None


def _narrow_to_float32_in_place(matrix: np.ndarray) -> np.ndarray:
    """``matrix`` (C-ordered float64, owning its data) as float32, written into the first
    half of its own buffer a block of rows at a time, with the second half given back.

    Row block ``[a, b)`` goes, as float32, to bytes ``[4an, 4bn)`` of the buffer: below
    ``8bn``, where the rows not yet read start, so copying each block out before writing it
    is all it takes not to overwrite anything still needed."""
    n = matrix.shape[0]
    if matrix.base is not None or not matrix.flags.c_contiguous or n == 0:
        return matrix.astype(np.float32)
    flat32 = matrix.reshape(-1).view(np.float32)
    rows_per_block = max(1, _GRAM_BLOCK_BYTES // (4 * n))
    for start in range(0, n, rows_per_block):
        stop = min(n, start + rows_per_block)
        flat32[start * n:stop * n] = matrix[start:stop].astype(np.float32).ravel()
    del flat32
    # shrink the allocation to the float32 half (realloc returns the rest to the system)
    matrix.resize((n * n + 1) // 2, refcheck=False)
    return matrix.view(np.float32)[: n * n].reshape(n, n)

r"""Training-free graph filters on the item graph: GF-CF (Shen et al., CIKM 2021) and BSPM
(Choi et al., SIGIR 2023).

Both start from the binary interaction matrix :math:`R` (``n_users x n_items``) and its
symmetrically normalised form

.. math:: \tilde R = D_U^{-1/2} R D_I^{-1/2},

(:math:`D_U`, :math:`D_I` the user and item degrees of :math:`R`; a user or item without
interactions gets a zero row or column), and use two item-item operators:

- the *linear filter* :math:`\tilde P = \tilde R^\top \tilde R` (GF-CF eq. 6);
- the *ideal low-pass filter* :math:`D_I^{-1/2} \bar V_k \bar V_k^\top D_I^{1/2}`, with
  :math:`\bar V_k` the top-``k`` right singular vectors of :math:`\tilde R` (GF-CF eq. 7).
  :math:`D_I^{1/2}` of an item without interactions is taken as 0 (its column of
  :math:`\bar V_k` is zero anyway; the authors' code divides by zero there).

A user's input signal is the user's raw binary row :math:`r_u` of :math:`R` (not its
normalised row: the authors' ``getUsersRating`` multiplies ``adj_mat[batch_users]``), so a
history not seen in training is scored the same way (``score_histories``).

Neither operator is ever materialised as a dense ``n_items x n_items`` matrix unless it is
small and faster that way: :math:`x \tilde P` is computed as :math:`(x \tilde R^\top)
\tilde R` through the sparse :math:`\tilde R` (2 nnz(R) multiply-adds per user), and the
ideal filter as :math:`((x D_I^{-1/2}) \bar V_k) \bar V_k^\top D_I^{1/2}`
(``2 k n_items`` per user). The dense :math:`\tilde P` (float32) is built only when it takes
at most :data:`DENSE_FILTER_BYTES` and a dense product is cheaper than the sparse ones
(:func:`uses_dense_filter`); scores are the same either way (up to float32 rounding).

The top-``k`` right singular vectors are computed exactly, as the authors' ``sparsesvd``
(SVDLIBC's Lanczos) does, never by a randomised SVD, which only approximates the subspace and
would move the published figures: for a catalog with a dense filter of at most
:data:`SVD_BY_EIGH_MAX_ITEMS` items, as the top eigenvectors of the float64 Gram matrix
:math:`\tilde R^\top \tilde R` (LAPACK ``syevr`` on that subset, :func:`top_eigenvectors`);
otherwise by :func:`scipy.sparse.linalg.svds` (ARPACK, float64, from a fixed starting
vector, so it is deterministic). Their order and signs do not matter: only
:math:`\bar V_k \bar V_k^\top` enters the scores (exactly tied singular values at the
cut would make the subspace ambiguous, in the paper's code as here).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

import numpy as np
import scipy.sparse as sp

from recstack.data.interactions import Interactions
from recstack.errors import ConfigError, RecstackError, counted, shown
from recstack.models.base import (
    DEFAULT_MEMORY_BUDGET_BYTES,
    NOT_GIVEN,
    Param,
    Recommender,
    check_call,
    choice_error,
)
from recstack.models.memory import available_memory_bytes, gib
from recstack.models.persistence import ArraySpec
from recstack.models.registry import register
from recstack.models.sparse_dense import sparse_times_dense
from recstack.progress import Progress, resolve

#: the dense linear filter is built only when it takes at most this many bytes (float32)
DENSE_FILTER_BYTES = 512 * 2**20
#: ... and when a dense row product (n_items² multiply-adds, BLAS) is cheaper than the two
#: sparse ones (2 nnz(R), scipy, single-threaded), taking BLAS to run this many times
#: faster per multiply-add (a conservative ratio: float32 GEMM against a memory-bound
#: sparse-dense product)
DENSE_SPEEDUP = 16
#: catalogs up to this size with a dense filter get their singular vectors from a dense
#: eigendecomposition of the float64 Gram matrix (exact, and faster than ARPACK there:
#: 3,628 items, k = 256, 18 s against 62 s on a loaded 2-core machine)
SVD_BY_EIGH_MAX_ITEMS = 8_192
#: rows of :math:`\tilde P` computed per sparse product while building the dense filter
_BLOCK_BYTES = 64 * 2**20
#: rows scored at once through the sparse factors
_SPARSE_PATH_BATCH = 128
#: the ODE solvers of BSPM, with the names torchdiffeq gives them (the authors' solver)
SOLVERS = ("euler", "midpoint", "rk4")
#: most steps of one BSPM process: each is one or more filter products per scored user
#: (the paper's settings take 1 to 8), so more only stalls scoring
MAX_ODE_STEPS = 10_000


def uses_dense_filter(n_items: int, n_interactions: int) -> bool:
    """Whether the linear filter :math:`\\tilde P` is materialised as a dense float32 matrix:
    only when it takes at most :data:`DENSE_FILTER_BYTES` and one dense row product
    (``n_items²``) costs less than :data:`DENSE_SPEEDUP` times the two sparse ones
    (``2 nnz``)."""
    return (4 * n_items * n_items <= DENSE_FILTER_BYTES
            and n_items * n_items <= DENSE_SPEEDUP * 2 * n_interactions)


def graph_filter_memory_bytes(n_users: int, n_items: int, n_interactions: int,
                              rank: int, *, dense: bool | None = None) -> int:
    """Peak memory of fitting a graph filter beyond the training data, in bytes.

    The normalised matrix in float32 by user and by item (8 bytes per stored entry each) and
    in float64 for the SVD (12 bytes, twice: ARPACK's operator keeps the transpose), the
    ARPACK work space (``2k + 1`` Lanczos vectors over the smaller side, float64), the
    singular vectors of both sides (float64) and, when the dense filter is built (``dense``;
    None: when :func:`uses_dense_filter`), the dense float32 filter plus one block of its
    sparse rows; 64 MiB of fixed overhead.
    """
    if dense is None:
        dense = uses_dense_filter(n_items, n_interactions)
    sparse = (2 * 8 + 2 * 12) * n_interactions + 8 * (n_users + n_items)
    svd = 0
    if rank > 0:
        lanczos = min(min(n_users, n_items), max(2 * rank + 1, 20))
        svd = 8 * (lanczos * min(n_users, n_items) + rank * (n_users + n_items))
    dense_bytes = 0
    if dense:
        dense_bytes = 4 * n_items * n_items + 3 * _BLOCK_BYTES
        if n_items <= SVD_BY_EIGH_MAX_ITEMS:
            # the float64 Gram matrix it is narrowed from, and LAPACK's copy for the SVD
            dense_bytes += 8 * n_items * n_items * (2 if rank > 0 else 1)
    return sparse + svd + dense_bytes + 64 * 2**20


def dense_filter_fits(n_users: int, n_items: int, n_interactions: int,
                      rank: int) -> tuple[bool, int, int, str]:
    """Whether a graph filter builds its dense filter: when :func:`uses_dense_filter` and the
    fit with it fits in the memory available. The dense filter only makes scoring faster
    (the sparse factors give the same scores up to float32 rounding), so when it would not
    fit the filter is applied through the sparse factors instead of refusing the fit.
    Returns the choice, the bytes the fit needs with it, and the memory available with
    where that number came from (:func:`~recstack.models.memory.available_memory_bytes`)."""
    available, source = available_memory_bytes()
    dense = uses_dense_filter(n_items, n_interactions)
    needed = graph_filter_memory_bytes(n_users, n_items, n_interactions, rank, dense=dense)
    if dense and needed > available:
        dense = False
        needed = graph_filter_memory_bytes(n_users, n_items, n_interactions, rank,
                                           dense=False)
    return dense, needed, available, source


class _ItemGraph:
    """The two item-item operators of a fitted graph filter, applied to rows of signals.

    Attributes
    ----------
    normalized : scipy.sparse.csr_matrix
        :math:`\\tilde R`, float32, ``n_users x n_items``.
    normalized_t : scipy.sparse.csr_matrix
        :math:`\\tilde R^\\top` as CSR (item rows).
    item_scale, item_unscale : numpy.ndarray
        :math:`D_I^{-1/2}` and :math:`D_I^{1/2}` (0 for items without interactions).
    basis : numpy.ndarray
        :math:`\\bar V_k^\\top`, float32 ``(k, n_items)`` (``k`` may be 0).
    dense_filter : numpy.ndarray or None
        :math:`\\tilde P` as dense float32 when :func:`uses_dense_filter`, else None.
    """

    def __init__(self, seen: sp.csr_matrix, basis: np.ndarray | None = None,
                 rank: int = 0, dense: bool | None = None) -> None:
        """From the training matrix ``seen``; ``basis`` (:math:`\\bar V_k^\\top`) as
        saved, or None to compute it with ``rank`` singular vectors; ``dense``: whether to
        build the dense filter (None: when :func:`uses_dense_filter`)."""
        normalized, self.item_scale, self.item_unscale = normalize(_binary(seen))
        n_items = normalized.shape[1]
        if dense is None:
            dense = uses_dense_filter(n_items, normalized.nnz)
        gram = None
        if dense and n_items <= SVD_BY_EIGH_MAX_ITEMS:
            # built the same way whether fitting or loading, so that a loaded model's
            # dense filter is the fitted one to the bit
            gram = _dense_gram(normalized.T.tocsr(), normalized, np.float64)
        #: the computed vectors' singular values (float64), None for a saved basis
        self.singular_values: np.ndarray | None = None
        if basis is None and gram is not None and rank > 0:
            self.singular_values, basis = top_eigenvectors(gram, rank, with_values=True)
        elif basis is None:
            self.singular_values, basis = top_right_singular_vectors(normalized, rank,
                                                                     with_values=True)
        if self.singular_values is not None and len(self.singular_values):
            basis = without_null_vectors(basis, self.singular_values)
        self.normalized = sp.csr_matrix(normalized, dtype=np.float32)
        del normalized
        self.normalized_t = self.normalized.T.tocsr()
        self.basis = np.ascontiguousarray(basis, dtype=np.float32)
        self._scaled_basis_t = np.ascontiguousarray(
            (self.basis * self.item_scale).T, dtype=np.float32)
        self._unscaled_basis = np.ascontiguousarray(self.basis * self.item_unscale,
                                                    dtype=np.float32)
        self.dense_filter = None
        if gram is not None:
            self.dense_filter = gram.astype(np.float32)
            del gram
        elif dense:
            self.dense_filter = _dense_gram(self.normalized_t, self.normalized, np.float32)

    def linear(self, signal: np.ndarray | sp.csr_matrix) -> np.ndarray:
        """:math:`x \\tilde P` for each row ``x`` of ``signal`` (dense float32 result)."""
        if self.dense_filter is not None:
            return np.asarray(signal @ self.dense_filter, dtype=np.float32)
        if sp.issparse(signal):
            # (x R~ᵀ) R~ with x sparse: R~ x ᵀ touches only the history's item rows
            users = (self.normalized @ signal.T).T.toarray()
        else:
            users = (self.normalized @ np.ascontiguousarray(signal.T)).T
        return np.ascontiguousarray(
            (self.normalized_t @ np.ascontiguousarray(users.T)).T, dtype=np.float32)

    def ideal(self, signal: np.ndarray | sp.csr_matrix) -> np.ndarray:
        """:math:`x D_I^{-1/2} \\bar V_k \\bar V_k^\\top D_I^{1/2}` for each row ``x``."""
        coefficients = np.asarray(signal @ self._scaled_basis_t, dtype=np.float32)
        return coefficients @ self._unscaled_basis

    # The column forms below keep a batch of signals as the columns of an ``n_items x b``
    # array: both sparse products of the linear filter then read and write whole rows of
    # ``b`` contiguous values (and run on every core, :mod:`recstack.models.sparse_dense`),
    # and no transposed copy is made between them. BSPM, which applies the filter several
    # times per batch, keeps its states this way.
    def linear_columns(self, states: np.ndarray) -> np.ndarray:
        """:math:`\\tilde P s` for each column ``s`` of ``states`` (``n_items x b``, float32;
        :math:`\\tilde P` is symmetric, so this is :meth:`linear` transposed)."""
        if self.dense_filter is not None:
            return self.dense_filter @ states
        return sparse_times_dense(self.normalized_t,
                                  sparse_times_dense(self.normalized, states))

    def ideal_columns(self, states: np.ndarray) -> np.ndarray:
        """:meth:`ideal` of each column of ``states`` (``n_items x b``)."""
        return self._unscaled_basis.T @ (self._scaled_basis_t.T @ states)


def normalize(binary: sp.csr_matrix) -> tuple[sp.csr_matrix, np.ndarray, np.ndarray]:
    """:math:`\\tilde R = D_U^{-1/2} R D_I^{-1/2}` (float64 CSR), with :math:`D_I^{-1/2}`
    and :math:`D_I^{1/2}` (float64, 0 where an item has no interactions)."""
    user_degree = np.asarray(binary.sum(axis=1)).ravel()
    item_degree = np.asarray(binary.sum(axis=0)).ravel()
    user_scale = _inverse_sqrt(user_degree)
    item_scale = _inverse_sqrt(item_degree)
    item_unscale = np.sqrt(item_degree)
    normalized = sp.diags(user_scale) @ binary @ sp.diags(item_scale)
    return sp.csr_matrix(normalized, dtype=np.float64), item_scale, item_unscale


def _inverse_sqrt(degree: np.ndarray) -> np.ndarray:
    out = np.zeros(len(degree))
    positive = degree > 0
    out[positive] = degree[positive] ** -0.5
    return out


def _dense_gram(by_item: sp.csr_matrix, by_user: sp.csr_matrix, dtype: Any) -> np.ndarray:
    """:math:`\\tilde R^\\top \\tilde R` as a dense ``dtype`` array, a block of item rows at a
    time so the sparse product never holds more than one block."""
    n_items = by_item.shape[0]
    gram = np.zeros((n_items, n_items), dtype=dtype)
    block = max(1, _BLOCK_BYTES // (max(n_items, 1) * 12))
    for start in range(0, n_items, block):
        stop = min(start + block, n_items)
        (by_item[start:stop] @ by_user).toarray(out=gram[start:stop])
    return gram


def without_null_vectors(basis: np.ndarray, singular_values: np.ndarray) -> np.ndarray:
    """``basis`` with its vectors of singular value 0 set to zero: with ``k`` above the
    rank of :math:`\\tilde R` (users with the same items, items with the same users) the
    top-``k`` singular vectors include some of singular value 0, an arbitrary choice among
    infinitely many (whichever the LAPACK or ARPACK build returns), and a history outside
    the training rows' span (``score_histories``) was scored by that choice. Zeroed, the
    ideal filter is the projection on the matrix's row space, the same for every ``k`` at
    or above its rank; a training user's scores are unchanged (their history lies in that
    span). A singular value counts as 0 below :math:`\\sqrt{n\\,\\varepsilon}\\,
    \\sigma_1`, the precision of one taken from the Gram matrix's eigenvalues."""
    n_items = basis.shape[1]
    tolerance = np.sqrt(n_items * np.finfo(np.float64).eps) * float(singular_values.max())
    null = singular_values <= tolerance
    if not null.any():
        return basis
    basis = np.array(basis, dtype=np.float32, copy=True)
    basis[null] = 0.0
    return basis


def top_eigenvectors(gram: np.ndarray, rank: int, *, with_values: bool = False) -> Any:
    """The eigenvectors of the ``rank`` largest eigenvalues of the symmetric ``gram``
    (:math:`\\tilde R^\\top \\tilde R`, float64), as rows ``(rank, n)`` float32: the top
    right singular vectors of :math:`\\tilde R` (eigenvalues :math:`\\sigma^2`), exact, by
    LAPACK's ``syevr`` on that subset only. ``with_values``: ``(sigma, vectors)``, the
    singular values (float64, from the eigenvalues) first."""
    from scipy.linalg import eigh

    n = len(gram)
    values, vectors = eigh(gram, subset_by_index=[n - rank, n - 1], driver="evr")
    vectors = np.ascontiguousarray(vectors.T, dtype=np.float32)
    if with_values:
        return np.sqrt(np.clip(values, 0.0, None)), vectors
    return vectors


def top_right_singular_vectors(matrix: sp.csr_matrix, rank: int, *,
                               with_values: bool = False) -> Any:
    """The top-``rank`` right singular vectors of ``matrix`` as rows, ``(rank, n_columns)``
    float32, by ARPACK (:func:`scipy.sparse.linalg.svds`, float64) from a fixed starting
    vector; their order and signs are irrelevant to :math:`V V^\\top`."""
    from scipy.sparse.linalg import svds

    if rank == 0:
        vectors = np.zeros((0, matrix.shape[1]), dtype=np.float32)
        return (np.zeros(0), vectors) if with_values else vectors
    operator = sp.csr_matrix(matrix, dtype=np.float64)
    start = np.random.default_rng(0).standard_normal(min(operator.shape))
    _, values, vt = svds(operator, k=rank, v0=start, solver="arpack",
                         return_singular_vectors="vh")
    vectors = np.ascontiguousarray(vt, dtype=np.float32)
    return (np.asarray(values, dtype=np.float64), vectors) if with_values else vectors


class _GraphFilterModel(Recommender):
    """What GF-CF and BSPM share: the fit (normalisation, truncated SVD, optional dense
    filter), memory checks, scoring by user batch, fold-in and persistence. Subclasses say
    which parameter is the rank and which the ideal filter's weight, and write
    :meth:`_filter` (scores of a batch of binary histories)."""

    #: the hyperparameter that is the SVD's rank, and the one that weighs the ideal filter
    _rank_param: ClassVar[str] = "k"
    _ideal_weight_param: ClassVar[str]

    @classmethod
    def data_limits(cls, n_users: int, n_items: int) -> dict[str, tuple[int, str]]:
        """The SVD's rank: a truncated SVD keeps fewer vectors than the matrix has rows and
        columns."""
        limit = min(n_users, n_items)
        return {cls._rank_param: (limit, f"{cls._rank_param} < min(n_users, n_items) = "
                                         f"{limit}")}

    # ------------------------------------------------------------------ training
    def _learns_from_values(self) -> bool:
        return True  # the graph is the pattern of non-zero values

    def _values_role(self) -> str:
        return "this graph filter reads a value of 0 as no interaction"

    def _fit(self, train: Interactions, progress: Progress | None) -> None:
        n_users, n_items = self.seen_.shape
        rank = self._rank()
        limit = min(n_users, n_items)
        if rank and limit < 2:
            # "k must be < 1 ..., got 1" named a bound no k meets. Without the ideal filter
            # (its weight 0) there is no SVD, and the linear filter takes any size: such
            # data was refused for an SVD never computed
            raise RecstackError(
                f"{self.name}: the training data has {n_users:,} user(s) and {n_items:,} "
                f"item(s), and the truncated SVD needs {self._rank_param} >= 1 below both, "
                "so no value works: a graph filter with its ideal filter needs at least 2 "
                f"users and 2 items (set {self._ideal_weight_param} = 0 for the linear "
                "filter alone, which needs no SVD, or use a model without an SVD, e.g. ease "
                "or item_knn)")
        if rank >= limit:
            raise ConfigError(
                f"{self.name}: {self._rank_param} must be < min(n_users, n_items) = {limit} "
                f"for this data (the truncated SVD keeps fewer vectors than the matrix has "
                f"rows and columns), got {getattr(self, self._rank_param)}")
        # a dense filter that would not fit is left out (scoring then runs through the
        # sparse factors, the same scores): a catalog of 8,000 items was refused on a
        # machine with 1 GiB free for the 1.3 GB of a filter that only speeds scoring up
        dense, needed, available, source = dense_filter_fits(n_users, n_items,
                                                             self.seen_.nnz, rank)
        if needed > available:
            raise RecstackError(
                f"{self.name}: {n_users:,} users x {n_items:,} items with "
                f"{self._rank_param}={rank} need about {gib(needed)} ({needed:,} bytes: the "
                f"normalised matrix, the truncated SVD and the item filter) but only "
                f"{gib(available)} ({available:,} bytes) is {source}; lower "
                f"{self._rank_param} or keep fewer items")
        self._check_growth(n_items, _item_degree_spread(self.seen_))
        for stale in ("graph_", "basis_"):
            self.__dict__.pop(stale, None)  # a refit must not hold the old filter
        with resolve(progress).task(f"{self.name}: item graph and truncated SVD",
                                    total=1) as task:
            self.graph_ = _ItemGraph(self.seen_, rank=rank, dense=dense)
            task.advance(1)
        self.basis_ = self.graph_.basis

    def _rank(self) -> int:
        """The SVD's rank: 0 when the ideal filter has no weight (nothing to compute)."""
        if getattr(self, self._ideal_weight_param) == 0:
            return 0
        return int(getattr(self, self._rank_param))

    # ------------------------------------------------------------------ inference
    def _score_users(self, user_indices: np.ndarray) -> np.ndarray:
        return self._scores(self.seen_[user_indices])

    def score_histories(self, histories: Any = NOT_GIVEN, *positional: Any,
                        **unexpected: Any) -> np.ndarray:
        """Scores for users known only by a history (``n x n_items``, sparse or dense, in
        this model's item order; every stored entry counts as 1), without refitting: the
        filter is a function of the history, so this is exactly how trained users are
        scored."""
        check_call(self, _GraphFilterModel.score_histories, positional, unexpected, (histories,))
        self._require_fitted()
        history = self._history_matrix(histories)
        return self._empty_histories_by_popularity(history, self._scores(history))

    def _similarity_rows(self, item_indices: np.ndarray) -> np.ndarray:
        """The filter's response to each item alone: the scores of a one-item history."""
        n = len(item_indices)
        one_hot = sp.csr_matrix((np.ones(n, np.float32), item_indices, np.arange(n + 1)),
                                shape=(n, len(self.items_)))
        return self._scores(one_hot)

    def _scores(self, history: sp.csr_matrix) -> np.ndarray:
        binary = _binary(history).astype(np.float32)
        n_items = binary.shape[1]
        n_users = self.seen_.shape[0]
        # each row in flight holds a few dense item-length states and one user-length one
        row_bytes = 4 * (self._states_in_flight * n_items + n_users)
        batch = max(1, DEFAULT_MEMORY_BUDGET_BYTES // row_bytes)
        if self.graph_.dense_filter is None:
            # the sparse products stream the batch's dense states once per stored entry:
            # narrow batches keep them in cache (Gowalla-sized, 1,024 rows: 128 at a time
            # ran 2.5x faster than all at once)
            batch = min(batch, _SPARSE_PATH_BATCH)
        out = np.empty((binary.shape[0], n_items), dtype=np.float32)
        with np.errstate(over="ignore", invalid="ignore"):  # refused just below
            for start in range(0, binary.shape[0], batch):
                out[start:start + batch] = self._filter(binary[start:start + batch])
        if not np.isfinite(out).all():
            raise RecstackError(f"{self.name}: the scores overflowed float32 ("
                                f"{self._overflow_hint()}); use smaller values")
        return out

    def _check_growth(self, n_items: int, degree_spread: float) -> None:
        """Refuse, before the SVD, settings whose scores the filter could carry past
        float32's largest number (they were refused only when scoring, naming every
        setting): the graph filters below override this."""

    def _overflow_hint(self) -> str:
        """The settings that scale the scores, named in the overflow error."""
        names = [self._ideal_weight_param, "blur_time", "sharpen_time", "ideal_time"]
        return ", ".join(f"{n}={getattr(self, n)}" for n in names if hasattr(self, n))

    #: dense ``n_items`` rows per user that :meth:`_filter` holds at once
    _states_in_flight: ClassVar[int] = 3

    def _filter(self, history: sp.csr_matrix) -> np.ndarray:
        raise NotImplementedError

    # ------------------------------------------------------------------ persistence
    def _state(self) -> dict[str, np.ndarray]:
        # the normalised matrix and the dense filter follow from the training matrix, which
        # is saved anyway; only the singular vectors cost something to recompute
        return {"basis": self.basis_}

    def _load_state(self, arrays: dict[str, np.ndarray]) -> None:
        n_users, n_items = self.seen_.shape
        dense, _, _, _ = dense_filter_fits(n_users, n_items, self.seen_.nnz,
                                           len(arrays["basis"]))
        self.graph_ = _ItemGraph(self.seen_, basis=arrays["basis"], dense=dense)
        self.basis_ = self.graph_.basis

    def _state_spec(self) -> dict[str, ArraySpec]:
        # singular vectors are unit vectors: a basis of zeros only is damage
        return {"basis": ArraySpec("float32", ("rank", "n_items"), max_abs=1.0 + 1e-3,
                                   nonzero=True)}

    def _check_state(self, arrays: dict[str, np.ndarray]) -> str | None:
        rows = arrays["basis"].shape[0]
        if rows != self._rank():
            return (f"basis has {rows} singular vectors; {self._rank_param}="
                    f"{getattr(self, self._rank_param)} with {self._ideal_weight_param}="
                    f"{getattr(self, self._ideal_weight_param)} needs {self._rank()}")
        return None


def _item_degree_spread(seen: sp.csr_matrix) -> float:
    """:math:`\\sqrt{d_{max} / d_{min}}` over the items with interactions: the most the
    similarity :math:`D_I^{-1/2} (\\cdot) D_I^{1/2}` of the ideal filter can enlarge a
    state (1 without interactions)."""
    degrees = np.diff(_binary(seen).tocsc().indptr)
    degrees = degrees[degrees > 0]
    if not len(degrees):
        return 1.0
    return float(np.sqrt(degrees.max() / degrees.min()))


def _binary(matrix: sp.csr_matrix) -> sp.csr_matrix:
    """The 0/1 pattern of ``matrix`` (explicit zeros dropped, duplicates merged)."""
    binary = sp.csr_matrix(matrix, copy=True)
    binary.sum_duplicates()
    binary.eliminate_zeros()
    binary.data = np.ones_like(binary.data, dtype=np.float64)
    return binary


# --------------------------------------------------------------------------- GF-CF
@register
class GFCF(_GraphFilterModel):
    r"""GF-CF (Shen et al., "How Powerful is Graph Convolution for Recommendation?",
    CIKM 2021): a user's scores are the user's binary history passed through the linear
    item-item filter plus ``alpha`` times the ideal low-pass filter,

    .. math:: s_u = r_u \left(\tilde R^\top \tilde R
              + \alpha\, D_I^{-1/2} \bar V_k \bar V_k^\top D_I^{1/2}\right)

    (paper eq. 8, with :math:`\tilde R = D_U^{-1/2} R D_I^{-1/2}` and :math:`\bar V_k` the
    top-``k`` right singular vectors of :math:`\tilde R`, eqs. 6-7; module docstring). The
    paper uses ``alpha = 0.3`` and ``k = 256`` on Gowalla and Yelp2018, and ``alpha = 0``
    (linear filter only, no SVD computed) on Amazon-Book. Nothing is trained beyond the SVD:
    a new user's history is scored by :meth:`score_histories` exactly as a training user's.

    Attributes
    ----------
    basis_ : numpy.ndarray
        :math:`\bar V_k^\top`, float32 ``(k, n_items)`` (no rows when ``alpha`` is 0).

    References
    ----------
    Y. Shen, Y. Wu, Y. Zhang, C. Shan, J. Zhang, K. B. Letaief, D. Li. "How Powerful is
    Graph Convolution for Recommendation?" CIKM 2021. Official code:
    github.com/yshenaw/GF_CF (``GF_CF.train`` / ``getUsersRating``).
    """

    name = "gf_cf"
    params: ClassVar[dict[str, Param]] = {
        "alpha": Param((int, float), low=0, default=0.3,
                       doc="Weight of the ideal low-pass filter (paper: 0.3; 0 keeps only "
                           "the linear filter and skips the SVD).",
                       search={"type": "float", "low": 0.0, "high": 1.0}),
        "k": Param(int, low=1, default=256,
                   doc="Singular vectors of the ideal low-pass filter (paper: 256); must be "
                       "below min(n_users, n_items).",
                   search={"type": "int", "low": 32, "high": 512, "log": True}),
    }
    _ideal_weight_param = "alpha"
    _states_in_flight = 3

    def _filter(self, history: sp.csr_matrix) -> np.ndarray:
        scores = self.graph_.linear(history)
        if self.alpha != 0:
            scores += np.float32(self.alpha) * self.graph_.ideal(history)
        return scores


# --------------------------------------------------------------------------- BSPM
@register
class BSPM(_GraphFilterModel):
    r"""BSPM, the blurring-sharpening process model (Choi et al., "Blurring-Sharpening
    Process Models for Collaborative Filtering", SIGIR 2023).

    A user's binary history :math:`r_u` (the state at :math:`t = 0`) is

    1. *blurred* by the heat equation on the item graph (paper eq. 6), from 0 to
       ``blur_time`` in ``blur_steps`` equal steps of ``blur_solver``:
       :math:`\frac{d s}{d t} = s \tilde P - s`, with :math:`\tilde P = \tilde R^\top
       \tilde R` (GF-CF's linear filter, module docstring);
    2. passed through the ideal low-pass filter, as the authors' code does it: the ODE
       :math:`\frac{d s}{d t} = s\, D_I^{-1/2} \bar V_k \bar V_k^\top D_I^{1/2} - s` from 0
       to ``ideal_time`` in ``ideal_steps`` steps of ``ideal_solver`` (one Euler step of
       length 1, the default, is the filter itself); its result is weighted by ``beta``
       (the code's ``idl_beta``);
    3. *sharpened* (eq. 7) by the reverse process :math:`\frac{d s}{d t} = -s \tilde P`
       from 0 to ``sharpen_time`` in ``sharpen_steps`` steps of ``sharpen_solver``
       (``sharpen_steps = 0``: no sharpening, the code's ``sharpening_off``).

    ``merge`` chooses where the ideal filter joins (paper section 4.3): ``"early"`` (BSPM-EM,
    the code's ``final_sharpening=True``) sharpens the blurred state plus ``beta`` times the
    ideal one; ``"late"`` (BSPM-LM) sharpens the blurred state alone and adds ``beta`` times
    the ideal one to the result. With ``average_time_points`` (the code's
    ``t_point_combination``) the result is the mean of the states at every step of the
    blurring and the sharpening (the initial states excluded) instead of the last state;
    without sharpening, the ideal part is added after either merge.

    The solvers are those of torchdiffeq, which the authors use, with the same steps on the
    grid ``linspace(0, T, K + 1)``: ``euler`` :math:`s + h f(s)`; ``midpoint``
    :math:`s + h f(s + \frac{h}{2} f(s))`; ``rk4`` torchdiffeq's 3/8-rule Runge-Kutta (on
    these linear, time-invariant processes every 4-stage 4th-order method gives the same
    step, :math:`s \sum_{j \le 4} (hA)^j / j!`). They run in numpy over a batch of user rows,
    applying :math:`\tilde P` through the sparse factors (module docstring).

    The defaults are the authors' published Gowalla settings (their README: ``--solver_shr
    rk4 --K_s 1 --T_s 2.5 --final_sharpening True --idl_beta 0.2 --factor_dim 448``, the
    other settings at their defaults: one Euler step of length 1 for blurring and the ideal
    filter). Yelp2018: ``sharpen_solver="euler", sharpen_time=1.2, average_time_points=True,
    k=384, beta=0.3``; Amazon-Book: ``sharpen_steps=2, sharpen_time=2.2, merge="late",
    beta=0`` (no ideal filter).

    Attributes
    ----------
    basis_ : numpy.ndarray
        :math:`\bar V_k^\top`, float32 ``(k, n_items)`` (no rows when ``beta`` is 0).

    References
    ----------
    J. Choi, S. Hong, N. Park, S.-B. Cho. "Blurring-Sharpening Process Models for
    Collaborative Filtering". SIGIR 2023. Official code: github.com/jeongwhanchoi/BSPM
    (``bspm/model.py``, class ``BSPM``).
    """

    name = "bspm"
    params: ClassVar[dict[str, Param]] = {
        "k": Param(int, low=1, default=448,
                   doc="Singular vectors of the ideal low-pass filter (the code's "
                       "factor_dim; Gowalla 448); must be below min(n_users, n_items).",
                   search={"type": "int", "low": 32, "high": 512, "log": True}),
        "beta": Param((int, float), low=0, default=0.2,
                      doc="Weight of the ideal low-pass filter (the code's idl_beta; 0 "
                          "skips it and the SVD).",
                      search={"type": "float", "low": 0.0, "high": 1.0}),
        "merge": Param(str, choices=("early", "late"), default="early",
                       doc="Where the ideal filter joins: 'early' (BSPM-EM, before "
                           "sharpening) or 'late' (BSPM-LM, after it).",
                       search={"type": "categorical", "choices": ["early", "late"]}),
        "blur_time": Param((int, float), low=0, low_inclusive=False, default=1.0,
                           doc="Terminal time of the blurring process (T_b)."),
        "blur_steps": Param(int, low=1, high=MAX_ODE_STEPS, default=1,
                            doc="Steps of the blurring process (K_b)."),
        "blur_solver": Param(str, choices=SOLVERS, default="euler",
                             doc="ODE solver of the blurring process."),
        "ideal_time": Param((int, float), low=0, low_inclusive=False, default=1.0,
                            doc="Terminal time of the ideal low-pass process (T_idl)."),
        "ideal_steps": Param(int, low=1, high=MAX_ODE_STEPS, default=1,
                             doc="Steps of the ideal low-pass process (K_idl)."),
        "ideal_solver": Param(str, choices=SOLVERS, default="euler",
                              doc="ODE solver of the ideal low-pass process."),
        "sharpen_time": Param((int, float), low=0, low_inclusive=False, default=2.5,
                              doc="Terminal time of the sharpening process (T_s).",
                              search={"type": "float", "low": 0.5, "high": 4.0}),
        "sharpen_steps": Param(int, low=0, high=MAX_ODE_STEPS, default=1,
                               doc="Steps of the sharpening process (K_s; 0: no "
                                   "sharpening)."),
        "sharpen_solver": Param(str, choices=SOLVERS, default="rk4",
                                doc="ODE solver of the sharpening process."),
        "average_time_points": Param(bool, default=False,
                                     doc="Average the states at every step instead of "
                                         "taking the last (the code's "
                                         "t_point_combination)."),
    }
    _ideal_weight_param = "beta"
    # the state, a running mean, the ideal result and the solver's four stages
    _states_in_flight = 8

    def _check_growth(self, n_items: int, degree_spread: float) -> None:
        """Refuse, at fit, a time or weight that carries the scores past float32's largest
        number, naming the setting and the largest value that works with the others as
        they are (they were refused only when scoring, as "use smaller values" of all
        four). The bound: a binary history has length at most ``sqrt(n_items)``; each
        process's operator has its eigenvalues in [-1, 0] (the ideal one up to the
        similarity by :math:`D_I^{1/2}`, which enlarges by at most ``sqrt(d_max /
        d_min)``), so ``steps`` steps of length ``h`` enlarge a state at most
        ``max(1, |g(-h)|) ** steps``, ``g`` the solver's polynomial (:func:`step_growth`)."""
        settings = {name: float(getattr(self, name))
                    for name in ("sharpen_time", "blur_time", "ideal_time", "beta")}
        start = 0.5 * np.log10(max(n_items, 1))
        ceiling = float(np.log10(np.finfo(np.float32).max))

        def log_bound(values: dict[str, float]) -> float:
            return start + self._log_growth(values, degree_spread)

        if log_bound(settings) <= ceiling:
            return
        processes = {"sharpen_time": "sharpening", "blur_time": "blurring",
                     "ideal_time": "ideal low-pass process", "beta": "ideal filter's weight"}
        # blame the setting whose own factor is the largest, among those that can be lowered
        # to a value that works
        factors = {name: self._log_factor(name, settings, degree_spread)
                   for name in settings}
        for name in sorted(settings, key=lambda n: -factors[n]):
            if name == "sharpen_time" and self.sharpen_steps == 0:
                continue
            if name == "ideal_time" and settings["beta"] == 0:
                continue
            if log_bound({**settings, name: 0.0}) > ceiling:
                continue  # no value of this one alone works
            low, high = 0.0, settings[name]
            for _ in range(200):  # the bound grows with the value: bisect in floats
                middle = (low + high) / 2
                if middle in (low, high):
                    break
                if log_bound({**settings, name: middle}) <= ceiling:
                    low = middle
                else:
                    high = middle
            largest = float(f"{low:.3g}")
            if largest > low:  # written to 3 digits, rounded down
                exponent = int(np.floor(np.log10(low))) - 2
                largest = float(np.floor(low / 10.0 ** exponent) * 10.0 ** exponent)
                largest = float(f"{largest:.3g}")
            what = (f"it multiplies the scores by {shown(getattr(self, name))}"
                    if name == "beta" else
                    f"its {counted(getattr(self, name.replace('_time', '_steps')), 'step')} "
                    f"of {getattr(self, name.replace('_time', '_solver'))} can enlarge the "
                    f"scores up to 1e{factors[name]:.0f}-fold")
            raise ConfigError(
                f"{self.name}: {name}={shown(getattr(self, name))} carries the scores past "
                f"float32's largest number (about 3.4e38): {what} (the "
                f"{processes[name]}); the largest {name} that works with the other settings "
                f"as they are is {largest:g}")
        raise ConfigError(
            f"{self.name}: the settings carry the scores past float32's largest number "
            f"(about 3.4e38), and no one of them alone can be lowered to avoid it "
            f"({self._overflow_hint()}); lower several of them")

    def _log_factor(self, name: str, settings: dict[str, float],
                    degree_spread: float) -> float:
        """log10 of how much the process of setting ``name`` alone can enlarge a state."""
        if name == "beta":
            return float(np.log10(settings["beta"])) if settings["beta"] > 0 else 0.0
        process = name.replace("_time", "")
        return _log_steps_growth(getattr(self, f"{process}_solver"), settings[name],
                                 int(getattr(self, f"{process}_steps")))

    def _log_growth(self, settings: dict[str, float], degree_spread: float) -> float:
        """log10 of the most the filter can enlarge a history under ``settings``."""
        blurred = _log_steps_growth(self.blur_solver, settings["blur_time"], self.blur_steps)
        ideal = None
        if settings["beta"] != 0:
            ideal = (float(np.log10(settings["beta"])) + float(np.log10(degree_spread))
                     + _log_steps_growth(self.ideal_solver, settings["ideal_time"],
                                         self.ideal_steps))
        if self.sharpen_steps > 0:
            sharpen = _log_steps_growth(self.sharpen_solver, settings["sharpen_time"],
                                        self.sharpen_steps)
            if self.merge == "early":
                return sharpen + _log_sum(blurred, ideal)
            return _log_sum(sharpen + blurred, ideal)
        return _log_sum(blurred, ideal)

    def _filter(self, history: sp.csr_matrix) -> np.ndarray:
        graph = self.graph_
        # states are kept as columns (n_items x batch): see _ItemGraph.linear_columns
        start = np.ascontiguousarray(history.T.toarray(), dtype=np.float32)
        ideal = None
        if self.beta != 0:
            ideal, _ = integrate(lambda s: graph.ideal_columns(s) - s, start,
                                 self.ideal_time, self.ideal_steps, self.ideal_solver)
            ideal *= np.float32(self.beta)
        blurred, blurred_sum = integrate(lambda s: graph.linear_columns(s) - s, start,
                                         self.blur_time, self.blur_steps, self.blur_solver)
        del start
        sharpening = self.sharpen_steps > 0
        if sharpening:
            origin = blurred + ideal if ideal is not None and self.merge == "early" \
                else blurred
            del blurred
            sharpened, sharpened_sum = integrate(lambda s: -graph.linear_columns(s), origin,
                                                 self.sharpen_time, self.sharpen_steps,
                                                 self.sharpen_solver)
            if self.average_time_points:
                result = (blurred_sum + sharpened_sum) / np.float32(
                    self.blur_steps + self.sharpen_steps)
            else:
                result = sharpened
        else:
            result = blurred_sum / np.float32(self.blur_steps) \
                if self.average_time_points else blurred
        # BSPM-EM has the ideal part inside what it sharpened; otherwise it is added now
        if ideal is not None and not (sharpening and self.merge == "early"):
            result = result + ideal
        return np.asarray(result.T, dtype=np.float32)


def step_growth(solver: str, step: float) -> float:
    """``|g(-h)|`` for the solver's step polynomial ``g`` (a step maps a state on an
    eigenvector of eigenvalue ``mu`` to ``g(h mu)`` times it; see :class:`BSPM`): ``1 + x``
    (euler), ``1 + x + x^2/2`` (midpoint), ``1 + x + x^2/2 + x^3/6 + x^4/24`` (rk4). On
    ``[-h, 0]`` ``|g|`` is largest at an end (``g(0) = 1``): euler's is linear, the others'
    convex and positive."""
    x = -float(step)
    terms = {"euler": 1, "midpoint": 2, "rk4": 4}[solver]
    value, term = 1.0, 1.0
    for j in range(1, terms + 1):
        term = term * x / j
        value += term
    return abs(value)


def _log_steps_growth(solver: str, terminal_time: float, steps: int) -> float:
    """log10 of the most ``steps`` equal steps to ``terminal_time`` enlarge a state."""
    if steps <= 0 or solver not in SOLVERS:
        return 0.0
    growth = step_growth(solver, terminal_time / steps)
    return steps * float(np.log10(growth)) if growth > 1 else 0.0


def _log_sum(first: float, second: float | None) -> float:
    """log10 of ``10**first + 10**second`` (``second`` None: absent)."""
    if second is None:
        return first
    high, low = max(first, second), min(first, second)
    return high + float(np.log10(1.0 + 10.0 ** (low - high)))


def integrate(derivative: Callable[[np.ndarray], np.ndarray], start: np.ndarray,
              terminal_time: float, steps: int, solver: str
              ) -> tuple[np.ndarray, np.ndarray]:
    """Integrate the autonomous ODE :math:`ds/dt = f(s)` from ``start`` at :math:`t = 0` to
    ``terminal_time`` in ``steps`` equal steps of ``solver`` (torchdiffeq's fixed-grid
    steps, see :class:`BSPM`). Returns the last state and the sum of the states after each
    step (for averaging over time points)."""
    if solver not in SOLVERS:  # before any step: with steps=0 it was never refused
        raise choice_error("solver", solver, SOLVERS)
    step = np.float32(terminal_time / steps)
    state: np.ndarray = np.array(start, dtype=np.float32)
    total = np.zeros_like(state)
    for _ in range(steps):
        if solver == "euler":
            state = state + step * derivative(state)
        elif solver == "midpoint":
            state = state + step * derivative(state + (step / 2) * derivative(state))
        elif solver == "rk4":
            k1 = derivative(state)
            k2 = derivative(state + step * k1 / 3)
            k3 = derivative(state + step * (k2 - k1 / 3))
            k4 = derivative(state + step * (k1 - k2 + k3))
            state = state + (k1 + 3 * (k2 + k3) + k4) * (step * np.float32(0.125))
            del k1, k2, k3, k4
        else:  # refused above
            raise AssertionError(solver)
        total += state
    return state, total

"""EASE, the closed-form linear item-item autoencoder of Steck (2019).

Memory, not time, is what limits EASE: it needs a dense ``n_items x n_items`` matrix. This
implementation holds exactly one such matrix, in the precision of the ``dtype`` parameter
(float32 by default): the Gram matrix is written into it block by block, factorised and
inverted in place by LAPACK (``?potrf`` then ``?potri``) and turned into the weights in
place; in float64 it is finally narrowed to float32 inside the same buffer, whose unused
half is handed back. Before allocating, :meth:`EASE.fit` works out what that needs
(:func:`ease_memory_bytes`) and refuses, saying how much, when it would not fit.

Threads: multithreaded OpenBLAS ``dpotrf`` has been seen to crash with a segmentation fault
on large matrices (0.3.30/0.3.31 on a 2-core SkylakeX machine, from about 16,000 rows).
Rather than always factorising on one thread, fit asks :func:`blas_threads_survive`, which
runs a probe factorisation of the same size class and precision in a child process once
per BLAS library, version, architecture, thread count and size bucket, and caches the
verdict in ``$RECSTACK_CACHE/ease-blas-threads.json`` (``~/.cache/recstack`` by default):
threads are used where the probe survived, one thread where it crashed.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import scipy.sparse as sp

from recstack.atomic import write_text
from recstack.data.fetch import default_cache_dir
from recstack.data.interactions import Interactions
from recstack.errors import RecstackError, TrainingFailedError
from recstack.models.base import (
    FLOAT32_TINY,
    NOT_GIVEN,
    Param,
    Recommender,
    check_call,
    history_weights,
)
from recstack.models.memory import available_memory_bytes, gib
from recstack.models.persistence import ArraySpec
from recstack.models.registry import register
from recstack.progress import Progress, resolve

# Rows of the Gram matrix computed per sparse product, bounded so that a block that comes
# out dense (value + int32 column per entry) stays within this many bytes, and within
# 1/_GRAM_BLOCK_FRACTION of the dense matrix, so the scratch never rivals the matrix.
_GRAM_BLOCK_BYTES = 128 * 2**20
_GRAM_BLOCK_FRACTION = 32
# Besides the dense matrix: the training matrix in the fit's precision by user and by item
# (value + int32 index per stored entry each; 3 copies leave a margin), the Gram block and
# the mirroring scratch (one block each).
_SPARSE_COPIES = 3
# Code and buffers the first fit of a process loads (LAPACK wrappers, BLAS thread buffers,
# bytecode compiled on a fresh install): measured at 5-15 MiB.
_FIXED_BYTES = 16 * 2**20
_DTYPES = ("float32", "float64")
# Catalogs below this size are factorised with threads without a probe: crashes were only
# seen from ~16,000 rows, and a probe (a Python start-up) would cost more than the
# factorisation itself.
_PROBE_MIN_ITEMS = 4_096
# Probes run at the top of their size bucket, so that one verdict covers the bucket.
_PROBE_BUCKET = 4_096
_PROBE_CACHE_FILE = "ease-blas-threads.json"
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

    ``dtype="float32"`` (the default) builds and inverts the Gram matrix in single
    precision: half the memory and about half the time of float64, with the same recall@20
    and nDCG@20 (0.2819 / 0.3858) and the same top-20 items for every user on the
    MovieLens 1M graph-CF split (``benchmarks/ease_speed.py --accuracy``). A Gram matrix
    too ill-conditioned for single precision (a tiny ``regularization``) needs float64;
    when its factorisation fails, fit says so. The Cholesky factorisation uses the BLAS's threads
    where :func:`blas_threads_survive` found them safe, one thread otherwise.

    *Repeatability.* Nothing is random: the same data give the same weights for the same
    BLAS and thread count. Another thread count (``OMP_NUM_THREADS``, or the one thread
    fit falls back to) sums the Cholesky factorisation in another order, which moves
    scores in their last bits (about 1e-7 on a 20-item test catalog): the lists are the
    same unless two items' scores are that close.

    Attributes
    ----------
    weights_ : numpy.ndarray
        :math:`B`, dense ``n_items x n_items`` float32 (solved in ``dtype``).

    References
    ----------
    H. Steck. "Embarrassingly Shallow Autoencoders for Sparse Data". WWW 2019.
    """

    name = "ease"
    weights_: np.ndarray
    params: ClassVar[dict[str, Param]] = {
        "regularization": Param((int, float), low=0, low_inclusive=False, default=500.0,
                                doc="lambda, added to the diagonal of the Gram matrix.",
                                search={"type": "float", "low": 1.0, "high": 5000.0,
                                        "log": True}),
        "binary": Param(bool, default=True,
                        doc="Fit and score on the 0/1 pattern of the interactions (as in the "
                            "paper) instead of their values."),
        "dtype": Param(str, choices=_DTYPES, default="float32",
                       doc="Precision of the Gram matrix and its inverse: float32 halves the "
                           "memory and time, with the same top-20 accuracy on MovieLens 1M "
                           "(benchmarks/ease_speed.py --accuracy); float64 for the last digits."),
    }

    # ------------------------------------------------------------------ training
    def _weights_by_values(self) -> bool:
        return not self.binary  # binary: every recorded pair is 1, whatever its value

    def _values_role(self) -> str:
        return "with binary=False this model weights the interactions by their values"

    def _fit(self, train: Interactions, progress: Progress | None) -> None:
        n_items = train.n_items
        dtype = np.dtype(self.dtype)
        needed = ease_memory_bytes(n_items, self.seen_.nnz, dtype=self.dtype)
        limit, source = available_memory_bytes()
        if needed > limit:
            raise RecstackError(
                f"ease: {n_items:,} items need about {gib(needed)} ({needed:,} bytes: a dense "
                f"{n_items:,} x {n_items:,} {self.dtype} matrix, "
                f"{dtype.itemsize * n_items**2:,} bytes, plus working space) but only "
                f"{gib(limit)} ({limit:,} bytes) is {source}; keep fewer items (e.g. drop "
                f"rarely seen ones){'' if self.dtype == 'float32' else ', use dtype=float32'} "
                f"or use item_knn, which stays sparse")
        threads = blas_threads_survive(n_items, self.dtype)
        if not threads:
            _require_thread_control(n_items)
        if hasattr(self, "weights_"):
            del self.weights_  # a refit must not hold the old weights next to the new ones
        matrix = history_weights(self.seen_, binary=self.binary, dtype=dtype)
        with resolve(progress).task("ease: Gram matrix", total=n_items) as task:
            weights = _gram_matrix(matrix, task.advance)
        del matrix
        # with a regularization far beyond the counts, P_ij is about G_ij / lambda**2: once
        # even the largest link falls below float32's smallest normal number the inverse
        # keeps a few bits of each (or none), and the weights' order is rounding's
        link, count = _largest_link(weights)
        drowned = (dtype == np.float32 and link > 0
                   and link / (float(self.regularization) + count) ** 2 < FLOAT32_TINY)
        weights[np.diag_indices(n_items)] += float(self.regularization)
        _invert_spd_in_place(weights, threads=threads)
        # B_ij = -P_ij / P_jj: scale the columns of P in place, then zero the diagonal
        diagonal = weights.diagonal().copy()
        np.divide(weights, -diagonal[None, :], out=weights)
        weights[np.diag_indices(n_items)] = 0.0
        if weights.dtype != np.float32:
            weights = _narrow_to_float32_in_place(weights)
        if not weights.any() and _links_items(self.seen_, self.binary):
            # every score 0: the lists were the first k items by index
            raise TrainingFailedError(
                f"ease: training learned nothing: every item-item weight is 0 with "
                f"regularization={self.regularization!r}, which outweighs the item "
                f"co-occurrence counts (at most {_largest_count(self.seen_, self.binary)}); "
                "lower the regularization (e.g. 10 to 10,000)")
        if drowned:
            raise RecstackError(
                f"ease: regularization={self.regularization!r} outweighs the item "
                f"co-occurrence counts (at most {link:.3g}) so far that the inverse "
                f"(X^T X + lambda I)^-1, whose entries are about count / lambda^2, falls "
                f"below float32's smallest normal number ({FLOAT32_TINY:.3g}): the "
                "item-item weights keep too few bits to rank by; lower the regularization "
                "(e.g. 10 to 10,000) or use dtype='float64'")
        self.weights_ = weights

    # ------------------------------------------------------------------ inference
    def _score_users(self, user_indices: np.ndarray) -> np.ndarray:
        return self._scores(self.seen_[user_indices])

    def score_histories(self, histories: Any = NOT_GIVEN, *positional: Any,
                        **unexpected: Any) -> np.ndarray:
        """Scores for users known only by a history (``n x n_items``, sparse or dense, in
        this model's item order): ``history @ weights_``, without refitting."""
        check_call(self, EASE.score_histories, positional, unexpected, (histories,))
        self._require_fitted()
        history = self._history_matrix(histories)
        return self._empty_histories_by_popularity(history, self._scores(history))

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
def ease_memory_bytes(n_items: int, n_interactions: int, *, dtype: str = "float32") -> int:
    """Peak memory of :meth:`EASE.fit` beyond the training data, in bytes, for the
    precision ``dtype`` the fit uses (``"float32"``, the default, or ``"float64"``).

    One dense ``n_items²`` matrix of ``dtype``, the only one; the training matrix in
    ``dtype`` by user and by item (value + int32 index per stored entry; 3 copies leave a
    margin), one Gram block plus one mirroring block (:func:`_block_bytes` each), and the
    code and buffers a first fit loads (``_FIXED_BYTES``).
    ``test_the_memory_estimate_matches_the_measured_peak`` holds it against the peak RSS
    of a fit in a child process.
    """
    itemsize = np.dtype(dtype).itemsize
    return (itemsize * n_items * n_items
            + _SPARSE_COPIES * (itemsize + 4) * n_interactions
            + 2 * _block_bytes(n_items, itemsize)
            + _FIXED_BYTES)


def _block_bytes(n_items: int, itemsize: int) -> int:
    """Bytes of scratch one block of rows may use: at most ``_GRAM_BLOCK_BYTES`` and at
    most ``1/_GRAM_BLOCK_FRACTION`` of the dense matrix (at least one row)."""
    row = max(n_items, 1) * (itemsize + 4)
    return max(row, min(_GRAM_BLOCK_BYTES, itemsize * n_items * n_items // _GRAM_BLOCK_FRACTION))


def _block_rows(n_items: int, itemsize: int) -> int:
    return max(1, _block_bytes(n_items, itemsize) // (max(n_items, 1) * (itemsize + 4)))


# --------------------------------------------------------------------------- linear algebra
def _gram_matrix(matrix: sp.csr_matrix, advance: Any) -> np.ndarray:
    """``XᵀX`` as a dense array of ``matrix``'s dtype, filled a block of rows at a time so
    that the sparse product never holds more than one block."""
    n_items = matrix.shape[1]
    gram = np.zeros((n_items, n_items), dtype=matrix.dtype)
    by_item = matrix.T.tocsr()
    block = _block_rows(n_items, gram.itemsize)
    for start in range(0, n_items, block):
        stop = min(start + block, n_items)
        (by_item[start:stop] @ matrix).toarray(out=gram[start:stop])
        advance(stop - start)
    return gram


def _invert_spd_in_place(matrix: np.ndarray, *, threads: bool = False) -> None:
    """Replace the symmetric positive definite ``matrix`` (C-ordered float32 or float64) by
    its inverse without a second ``n x n`` buffer: Cholesky (``?potrf``) and inverse from
    the factor (``?potri``), both in place, then one triangle mirrored onto the other.
    The factorisation runs on one BLAS thread unless ``threads`` (see
    :func:`blas_threads_survive`)."""
    from scipy.linalg import lapack

    potrf, potri = lapack.get_lapack_funcs(("potrf", "potri"), (matrix,))
    # A C-ordered symmetric matrix read in Fortran order is itself: LAPACK works in place
    fortran_view = matrix.T
    with nullcontext() if threads else _single_blas_thread(len(matrix)):
        factor, info = potrf(fortran_view, lower=False, clean=False, overwrite_a=True)
    # float64 was suggested to a fit already in float64
    remedy = ("use a larger regularization" + (" or dtype=float64" if matrix.dtype == np.float32
                                                else "") + " (items that always occur together "
              "make XᵀX singular, and a tiny regularization leaves it so)")
    if info != 0:
        raise RecstackError(f"ease: XᵀX + λI is not positive definite ({potrf.typecode}potrf "
                            f"info={info}); {remedy}")
    inverse, info = potri(factor, lower=False, overwrite_c=True)
    if info != 0:
        raise RecstackError(f"ease: inverting XᵀX + λI failed ({potri.typecode}potri "
                            f"info={info}); {remedy}")
    if not np.shares_memory(inverse, matrix):  # a LAPACK wrapper that copied after all
        matrix[...] = inverse.T
    # the Fortran upper triangle is the C lower one: mirror it onto the upper, a block of
    # rows at a time so the scratch stays small
    n = len(matrix)
    block = _block_rows(n, matrix.itemsize)
    for start in range(0, n, block):
        stop = min(start + block, n)
        matrix[start:stop, stop:] = matrix[stop:, start:stop].T
        square = matrix[start:stop, start:stop]
        upper = np.triu_indices(stop - start, 1)
        square[upper] = square.T[upper]


@contextmanager
def _single_blas_thread(n_items: int) -> Iterator[None]:
    """Run the Cholesky factorisation on one BLAS thread, where the probe of
    :func:`blas_threads_survive` crashed.

    OpenBLAS 0.3.30 (scipy's) and 0.3.31 (numpy's) crashed with a segmentation fault in
    multithreaded ``dpotrf`` from about 16,000 rows on a 2-core SkylakeX machine (12,000
    rows ran; 16,300 and 20,000 crashed, in ``np.linalg.cholesky`` too), while the same
    call on one thread and the multithreaded ``dpotri`` after it were fine.
    """
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        _require_thread_control(n_items)
        yield
        return
    with threadpool_limits(limits=1, user_api="blas"):
        yield


# --------------------------------------------------------------------------- thread probe
_PROBE_SCRIPT = """
import sys
import numpy as np
from scipy.linalg import lapack
n, dtype = int(sys.argv[1]), sys.argv[2]
# n I + 1 1^T: symmetric positive definite, and a dense factorisation all the same
matrix = np.ones((n, n), dtype=dtype, order="F")
matrix[np.diag_indices(n)] += n
potrf, = lapack.get_lapack_funcs(("potrf",), (matrix,))
factor, info = potrf(matrix, lower=False, clean=False, overwrite_a=True)
sys.exit(0 if info == 0 else 3)
"""


def blas_threads_survive(n_items: int, dtype: str) -> bool:
    """Whether multithreaded ``?potrf`` of this BLAS survives a matrix of ``n_items`` rows.

    Below ``_PROBE_MIN_ITEMS`` rows: yes, without asking. Otherwise the verdict is read
    from ``$RECSTACK_CACHE/ease-blas-threads.json``, keyed by the BLAS libraries loaded
    (internal API, version, architecture), their thread count, ``dtype`` and the size
    bucket (``n_items`` rounded up to a multiple of ``_PROBE_BUCKET``); when missing, a
    child process factorises an SPD matrix of the bucket's top size with the BLAS's
    threads (:data:`_PROBE_SCRIPT`) and the verdict is stored: survived, or killed by a
    crash signal (:data:`_CRASH_SIGNALS`). A probe that fails otherwise (killed for
    memory, no scipy) is not stored, and fit uses one thread. With one BLAS thread there
    is nothing to probe.
    """
    if n_items < _PROBE_MIN_ITEMS:
        return True
    identity = _blas_identity()
    if identity is not None and identity["threads"] <= 1:
        return False
    bucket = -(-n_items // _PROBE_BUCKET) * _PROBE_BUCKET
    key = json.dumps({"blas": identity, "dtype": dtype, "bucket": bucket}, sort_keys=True)
    path = _probe_cache_path()
    verdicts = _read_verdicts(path)
    if key in verdicts:
        return bool(verdicts[key])
    size = bucket
    limit, _ = available_memory_bytes()
    if np.dtype(dtype).itemsize * size * size > limit:
        size = n_items  # the bucket's top would not fit (fit has checked that n does)
    returncode = _run_probe(size, dtype)
    if returncode != 0 and -returncode not in _CRASH_SIGNALS:
        return False  # it failed for another reason (SIGKILL: out of memory): no verdict
    verdicts[key] = returncode == 0
    _write_verdicts(path, verdicts)
    return returncode == 0


# How the BLAS crash shows: a segmentation fault, or a bus error / abort from a corrupted
# buffer. SIGKILL is left out: that is the out-of-memory killer, not a verdict on threads.
_CRASH_SIGNALS = frozenset({signal.SIGSEGV, signal.SIGBUS, signal.SIGABRT, signal.SIGILL})


def _run_probe(size: int, dtype: str) -> int:
    """Exit status of the probe child: 0 survived, negative killed by that signal. It
    inherits the environment, so it runs with the thread count the fit would use."""
    completed = subprocess.run([sys.executable, "-c", _PROBE_SCRIPT, str(size), dtype],
                               stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, check=False)
    return completed.returncode


def _blas_identity() -> dict[str, Any] | None:
    """The BLAS libraries loaded and their thread count, or None without threadpoolctl."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return None
    import scipy.linalg  # noqa: F401  (loads scipy's BLAS, the one the fit uses)

    pools = [pool for pool in threadpool_info() if pool["user_api"] == "blas"]
    return {"libraries": sorted(f"{pool['internal_api']} {pool['version']} "
                                f"{pool.get('architecture')}" for pool in pools),
            "threads": max((pool["num_threads"] for pool in pools), default=1)}


def _probe_cache_path() -> Path:
    return default_cache_dir() / _PROBE_CACHE_FILE  # the one reading of RECSTACK_CACHE


def _read_verdicts(path: Path) -> dict[str, bool]:
    try:
        verdicts = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}  # no cache yet, or an unreadable one: probe again and rewrite it
    return verdicts if isinstance(verdicts, dict) else {}


def _write_verdicts(path: Path, verdicts: dict[str, bool]) -> None:
    """Write beside, then rename: a reader sees the old cache or the new one. A cache that
    cannot be written only costs a probe next time."""
    try:
        # the shared writer: its work name fits beside any valid name, is removed when
        # its process is killed, and takes the user's usual permissions
        write_text(path, json.dumps(verdicts, indent=1, sort_keys=True))
    except (OSError, RecstackError):
        pass


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
    rows_per_block = _block_rows(n, matrix.itemsize)
    for start in range(0, n, rows_per_block):
        stop = min(n, start + rows_per_block)
        flat32[start * n:stop * n] = matrix[start:stop].astype(np.float32).ravel()
    del flat32
    # shrink the allocation to the float32 half (realloc returns the rest to the system)
    matrix.resize((n * n + 1) // 2, refcheck=False)
    return matrix.view(np.float32)[: n * n].reshape(n, n)


def _largest_link(gram: np.ndarray) -> tuple[float, float]:
    """The largest off-diagonal entry of the Gram matrix ``gram`` (in size: how strongly
    the two most linked items co-occur; 0 when no items do) and its largest diagonal
    entry, read a block of rows at a time (no second ``n x n`` array)."""
    n_items = gram.shape[0]
    link = count = 0.0
    step = _block_rows(n_items, gram.dtype.itemsize)
    for start in range(0, n_items, step):
        block = np.abs(gram[start:start + step])
        rows = np.arange(block.shape[0])
        count = max(count, float(block[rows, start + rows].max()))
        block[rows, start + rows] = 0.0
        link = max(link, float(block.max()))
    return link, count


def _links_items(seen: sp.csr_matrix, binary: bool) -> bool:
    """Whether some user has two items of non-zero weight: then the Gram matrix links
    items, and all-zero EASE weights mean the regularization drowned the links."""
    weights = history_weights(seen, binary=binary, dtype=np.float64)
    weights.sum_duplicates()
    weights.eliminate_zeros()
    return bool((np.diff(weights.indptr) >= 2).any())


def _largest_count(seen: sp.csr_matrix, binary: bool) -> str:
    """The largest diagonal entry of the Gram matrix X^T X, as text for a message."""
    weights = history_weights(seen, binary=binary, dtype=np.float64)
    weights.data **= 2
    return f"{float(np.asarray(weights.sum(axis=0)).max()):.3g}"

"""Top-K selection with one tie rule, masking of seen items, and padding: the ranking step
shared by the evaluator, every model's ``recommend`` and ``similar_items``, and (later) the
pipeline and the service.

The ranking rule
----------------
Within a row, items are ranked by score, highest first. **Among equal scores the item with
the lower index ranks first**, everywhere: inside the top-K list and at its cut-off (when a
tie group straddles position ``k``, its lowest-indexed members are the ones kept), on every
path (compiled or numpy, threaded or not, dense rows or rows that are mostly zeros). This
is a fixed rule, as trec_eval fixes one by document id, so the same scores always give
the same list and the same metrics. Scores are compared as numbers: ``-0.0`` equals
``0.0``, and two float64 scores that differ only beyond float32 precision are *not* a tie
(scores keep the dtype the model produced; see :func:`writable_scores`).

``-inf`` marks an item that must not be recommended (a masked seen item, the item itself in
``similar_items``, an empty slot): it ranks below every number. ``+inf`` ranks above every
number (ties again broken by index), so such items lead their lists; no model scores an
item infinitely good on purpose (its scores overflowed), so every caller gets one
:class:`InfiniteScoresWarning` per call saying how many rows held ``+inf``. ``NaN`` is not a score:
it ranks after ``-inf``, ties again broken by index. The evaluator refuses scores with
``NaN`` (naming the model); every other caller of :func:`top_k`, :func:`top_k_threaded` and
:func:`top_k_batched` (``recommend``, ``similar_items``, the service) treats a ``NaN`` slot
as empty, like ``-inf``, and gets one :class:`NaNScoresWarning` per call saying how many
rows held ``NaN`` (a model that returns ``NaN`` has usually diverged).

Speed
-----
With numba installed (the ``fast`` extra), selection runs in a compiled kernel that keeps
the ``k`` best items of a row in a heap and compares each block of 32 scores with the
heap's worst score at once, so most items cost one vectorised comparison; rows are split
between threads (the kernel releases the GIL). Without numba, a numpy path built on
``argpartition`` gives identical results, more slowly.
"""

from __future__ import annotations

import functools
import math
import os
import warnings
from collections.abc import Callable
from concurrent.futures import Executor, ThreadPoolExecutor
from typing import Any, Literal

import numpy as np
import scipy.sparse as sp

from recstack.errors import ConfigError, RecstackError, counted, echoed, shown, shown_given
from recstack.specs import arguments_named, did_you_mean, whole_exact_as_int

__all__ = [
    "DEFAULT_MEMORY_BUDGET_BYTES",
    "InfiniteScoresWarning",
    "NaNScoresWarning",
    "mask_rows",
    "pad_columns",
    "rows_with_nan",
    "top_k",
    "top_k_batched",
    "top_k_threaded",
    "writable_scores",
]

#: Rows of scores computed at once by :func:`top_k_batched`: bounds memory at
#: ``batch x n_items`` scores.
DEFAULT_MEMORY_BUDGET_BYTES = 256 * 2**20

#: Bytes of one padded slot of :func:`pad_columns`: an int64 index and a float64 score.
_PADDED_SLOT_BYTES = 16

#: Scores per block compared at once with a row's current k-th best score.
_BLOCK = 32

Method = Literal["auto", "numba", "numpy"]


class NaNScoresWarning(UserWarning):
    """Scores handed to the top-K selection held ``NaN``: those slots were ranked last, as
    empty (see the module docstring); the message says how many rows held one."""


class InfiniteScoresWarning(UserWarning):
    """Scores handed to the top-K selection held ``+inf``: those items were ranked first
    (see the module docstring); the message says how many rows held one."""




# ---------------------------------------------------------------------------- public API
@arguments_named
def top_k(scores: np.ndarray, k: int, *, method: Method = "auto"
          ) -> tuple[np.ndarray, np.ndarray]:
    """Indices and values of the ``k`` best scores of each row, best first.

    Parameters
    ----------
    scores : ndarray, shape (n_rows, n_items)
        float32 or float64 (other dtypes go through :func:`writable_scores` first).
    k : int
        List length, ``>= 1``; capped at ``n_items`` (see :func:`pad_columns`).
    method : {"auto", "numba", "numpy"}, default "auto"
        ``"auto"`` uses the compiled kernel when numba is installed. Both give identical
        results.

    Returns
    -------
    indices : ndarray of int64, shape (n_rows, min(k, n_items))
    values : ndarray of the dtype of ``scores``, same shape
        Ranked by the module's rule: higher score first, the lower index first among equal
        scores, ``-inf`` then ``NaN`` last.

    Examples
    --------
    >>> top_k(np.array([[0.5, 0.9, 0.5, 0.9, 0.1]]), 3)[0].tolist()
    [[1, 3, 0]]
    """
    scores = _as_rows(scores)
    k = _check_k(k)
    _warn_odd_rows(*_odd_rows(scores), scores.shape[0], "top_k")
    return _top_k(scores, k, method)


def _top_k(scores: np.ndarray, k: int, method: Method) -> tuple[np.ndarray, np.ndarray]:
    """:func:`top_k` on checked rows, without the ``NaN`` warning (its callers give one)."""
    n_rows, n_items = scores.shape
    k = min(k, n_items)
    if n_rows == 0 or n_items == 0:
        return np.empty((n_rows, k), np.int64), np.empty((n_rows, k), scores.dtype)
    if _use_numba(method):
        # one compiled signature per dtype: C-ordered and writable
        if not scores.flags.c_contiguous or not scores.flags.writeable:
            scores = np.array(scores, order="C")
        indices = np.empty((n_rows, k), np.int64)
        values = np.empty((n_rows, k), scores.dtype)
        _compiled_kernel()(scores, k, indices, values)
        return indices, values
    return _top_k_numpy(scores, k)


@arguments_named
def warm_up() -> None:
    """Load the compiled kernel for float32 and float64 scores now (compile it, the first
    time on a machine), so that the first real call does not pay for importing numba and
    loading the machine code (half a second on an idle machine, seconds on a busy one).
    Without numba, nothing to do."""
    if _use_numba("auto"):
        for dtype in (np.float32, np.float64):
            top_k(np.zeros((1, 2), dtype), 1)


@arguments_named
def top_k_threaded(scores: np.ndarray, k: int, executor: Executor | None, workers: int, *,
                   method: Method = "auto", nan_refused: bool = False
                   ) -> tuple[np.ndarray, np.ndarray]:
    """:func:`top_k` with the rows split in ``workers`` parts run on ``executor`` (the
    compiled kernel and numpy's partition both release the GIL, so the cores work at once).
    The result is the same as :func:`top_k`'s. ``nan_refused``: the caller has already
    refused scores holding ``NaN`` (the evaluator does), so the pass that counts them for
    the :class:`NaNScoresWarning` is skipped."""
    scores = _as_rows(scores)
    workers = _check_workers(workers)
    _check_executor(executor)
    k = _check_k(k)
    if not isinstance(nan_refused, bool | np.bool_):
        # a truthy text ("no") skipped the NaN warning without a word
        raise ConfigError(f"nan_refused must be True or False, got {shown_given(nan_refused)}")
    if not nan_refused:
        _warn_odd_rows(*_odd_rows(scores, executor, workers), scores.shape[0],
                       "top_k_threaded")
    return _top_k_threaded(scores, k, executor, workers, method)


def _top_k_threaded(scores: np.ndarray, k: int, executor: Executor | None, workers: int,
                    method: Method) -> tuple[np.ndarray, np.ndarray]:
    if executor is None or workers < 2 or scores.shape[0] < 2 * workers:
        return _top_k(scores, k, method)
    chunks = np.array_split(scores, workers)
    parts = list(executor.map(lambda chunk: _top_k(chunk, k, method), chunks))
    return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])


@arguments_named
def rows_with_nan(scores: np.ndarray, executor: Executor | None = None, workers: int = 1
                  ) -> np.ndarray:
    """Indices of the rows of ``scores`` that hold a ``NaN`` (one vectorised pass; ``max``
    propagates ``NaN``), split over ``executor`` like :func:`top_k_threaded`."""
    scores = _as_rows(scores)
    workers = _check_workers(workers)
    _check_executor(executor)
    if scores.size == 0:
        return np.empty(0, np.int64)
    if executor is None or workers < 2 or scores.shape[0] < 2 * workers:
        return np.flatnonzero(np.isnan(scores.max(axis=1)))
    chunks = np.array_split(scores, workers)
    flags = list(executor.map(lambda chunk: np.isnan(chunk.max(axis=1)), chunks))
    return np.flatnonzero(np.concatenate(flags))


def _odd_rows(scores: np.ndarray, executor: Executor | None = None, workers: int = 1
              ) -> tuple[int, int]:
    """How many rows of checked ``scores`` hold a ``NaN``, and how many hold ``+inf``, in
    one pass of ``max`` (split over ``executor``); the rows with a ``NaN`` (whose maximum
    is ``NaN``) are searched for ``+inf`` apart: such a row's ``+inf`` led its list
    without the :class:`InfiniteScoresWarning`."""
    if scores.size == 0:
        return 0, 0
    if executor is None or workers < 2 or scores.shape[0] < 2 * workers:
        maxima = scores.max(axis=1)
    else:
        maxima = np.concatenate(list(executor.map(lambda chunk: chunk.max(axis=1),
                                                  np.array_split(scores, workers))))
    with_nan = np.isnan(maxima)
    infinite = int(np.isposinf(maxima).sum())
    if with_nan.any():
        infinite += int(np.isposinf(scores[with_nan]).any(axis=1).sum())
    return int(with_nan.sum()), infinite


@arguments_named
def writable_scores(scores: Any, *, copy: bool = False) -> np.ndarray:
    """``scores`` as an array the caller may modify, in the model's own precision.

    float32 and float64 are kept as they are (float64 scores that differ beyond float32
    precision stay distinct); any other real dtype becomes float64, which is exact for
    float16 and for integers up to 2**53; integers beyond it that float64 cannot hold
    exactly (which would rank as ties) are refused. Models return either a fresh array (used as it
    is unless ``copy``) or a read-only view of their state (copied here). Booleans are
    refused, as everywhere a number belongs.

    A scipy sparse matrix and a numpy masked array are refused with the remedy: numpy read
    the first as one Python object ("dtype object") and the second as the values under its
    mask, so masked items were ranked by whatever they held.
    """
    if sp.issparse(scores):
        raise ConfigError(f"scores must be a dense (rows x items) array, got a scipy sparse "
                          f"{scores.shape[0]} x {scores.shape[1]} matrix; densify it with "
                          ".toarray() (an item left out scores 0, not -inf)")
    if isinstance(scores, np.ma.MaskedArray) and np.ma.getmaskarray(scores).any():
        raise ConfigError("scores must be a plain array, got a masked array with "
                          f"{int(np.ma.getmaskarray(scores).sum()):,} masked entries, whose "
                          "values would be read as scores; fill them first, e.g. "
                          "scores.filled(-np.inf) for items that must not be recommended")
    out = np.asarray(scores)
    if out.dtype not in (np.float32, np.float64):
        if out.dtype.kind == "b":
            # ranked as 1 and 0 without a word, where the project refuses a boolean for
            # every number
            raise ConfigError("scores must be real numbers, got booleans (an array of dtype "
                              "bool); give numbers, e.g. scores.astype(float) to rank True "
                              "first on purpose")
        if out.dtype.kind not in "iuf":
            raise ConfigError(f"scores must be real numbers, got an array of dtype {out.dtype}")
        converted = out.astype(np.float64)
        if out.dtype.kind in "iu" and out.size:
            # float64 holds every integer only up to 2**53: beyond it neighbouring integer
            # scores became one float and were ranked as ties (by item index), not by score
            beyond = (out > 2**53) | (out < -2**53)
            if beyond.any():
                lossy = beyond & (converted.astype(object) != out.astype(object))
                if lossy.any():
                    where = tuple(int(i) for i in np.argwhere(lossy)[0])
                    raise ConfigError(
                        f"scores must be exact as float64, but the integer score "
                        f"{out[where]} at {list(where)} (dtype {out.dtype}) is beyond 2**53 "
                        "and float64 cannot hold it, so neighbouring scores would tie; "
                        "rescale them (e.g. scores // 1024) or rank by a float score")
        return converted
    return out.copy() if copy or not out.flags.writeable else out


@arguments_named
def mask_rows(scores: np.ndarray, exclude: sp.csr_matrix) -> None:
    """Set ``scores[r, j] = -inf`` for every stored entry ``(r, j)`` of ``exclude`` (e.g.
    each user's training items), in place. ``exclude`` must have the shape of ``scores``
    (a narrower or shorter mask would leave rows unmasked) and ``scores`` a float dtype."""
    if not isinstance(scores, np.ndarray):
        # masked in place: a list failed inside the indexing ("list indices must be
        # integers"), and a converted copy would be masked and thrown away
        raise ConfigError(f"scores must be a numpy array to be masked in place, got "
                          f"{type(scores).__name__}; pass them through writable_scores")
    exclude = _as_exclude(exclude)
    if exclude.shape != np.shape(scores):
        raise ConfigError(f"the items to exclude form a {exclude.shape[0]} x {exclude.shape[1]} "
                          f"matrix but the scores are {' x '.join(map(str, np.shape(scores)))}; "
                          "give one row of exclusions per row of scores, one column per item")
    if np.asarray(scores).dtype.kind != "f":
        raise ConfigError(f"scores must be floats to be masked with -inf, got dtype "
                          f"{np.asarray(scores).dtype} (pass them through writable_scores)")
    if not exclude.nnz:
        return  # nothing to mask (read-only scores included)
    if not scores.flags.writeable:
        # numpy's bare "assignment destination is read-only" (a model's own state, or a
        # memory-mapped file, handed over as it is)
        raise ConfigError("scores are a read-only array and cannot be masked in place; pass "
                          "them through writable_scores (which copies a read-only array)")
    rows = np.repeat(np.arange(exclude.shape[0]), np.diff(exclude.indptr))
    scores[rows, exclude.indices] = -np.inf


@arguments_named
def pad_columns(top: np.ndarray, scores: np.ndarray, k: int
                ) -> tuple[np.ndarray, np.ndarray]:
    """Widen a top-K result to ``k`` columns (a catalog can be smaller than ``k``); the added
    slots are empty: index 0 with score ``-inf``."""
    try:
        # lists (as top_k takes) failed as AttributeError on ``.shape``
        top, scores = np.asarray(top), np.asarray(scores)
    except ValueError:  # rows of different lengths
        raise ConfigError("pad_columns: top and scores must be 2-d arrays (lists x items); "
                          "their rows have different lengths") from None
    top_shape, score_shape = np.shape(top), np.shape(scores)
    if len(top_shape) != 2 or top_shape != score_shape:
        # a 5-column list padded beside 4-column scores put each score one slot away from
        # its item without a word
        raise ConfigError(f"pad_columns: top and scores must be 2-d arrays of one shape "
                          f"(lists x items), got {top_shape} and {score_shape}")
    if top.size == 0:
        top = top.astype(np.int64)  # [[]] reads as floats
    elif top.dtype.kind not in "iu":
        # float indices were padded with 0.0, and boolean ones with False (item 0)
        raise ConfigError(f"pad_columns: top must hold item indices (whole numbers), got an "
                          f"array of dtype {top.dtype}")
    # integer scores (as top_k takes them) failed to take the -inf of an empty slot with
    # "OverflowError: cannot convert float infinity to integer"; they become float64, as in
    # top_k, whether or not a slot is added
    scores = _padded_scores(scores)
    length = _check_k(k)
    missing = length - top.shape[1]
    if missing <= 0:
        return top, scores
    too_much = (f"k = {length:,} would pad each of the {top.shape[0]:,} list(s) of "
                f"{top.shape[1]:,} item(s) with {missing:,} empty slots")
    # sized before it is made: k = 10**9 for one list was an allocation of gigabytes that
    # the system killed the process for, with no MemoryError to catch; one list at least,
    # as recommend counts it: with no list, k = 10**40 was numpy's TypeError ("`pad_width`
    # must be of integral type")
    if max(top.shape[0], 1) * length * _PADDED_SLOT_BYTES > DEFAULT_MEMORY_BUDGET_BYTES:
        raise ConfigError(f"{too_much}, past the memory budget of "
                          f"{DEFAULT_MEMORY_BUDGET_BYTES // 2**20:,} MiB "
                          "(recstack.topk.DEFAULT_MEMORY_BUDGET_BYTES); use a k near the "
                          "catalog size")
    try:
        return (np.pad(top, ((0, 0), (0, missing))),
                np.pad(scores, ((0, 0), (0, missing)), constant_values=-np.inf))
    except (MemoryError, ValueError):
        # k = 10**12 was numpy's "Unable to allocate 7.28 TiB"
        raise ConfigError(f"{too_much}, more than memory holds; use a k near the catalog "
                          "size") from None


def _padded_scores(scores: np.ndarray) -> np.ndarray:
    """``scores`` as floats for :func:`pad_columns` (writable_scores' rule: booleans, text
    and other non-numbers refused, named as pad_columns' argument)."""
    try:
        return writable_scores(scores)
    except ConfigError as error:
        raise ConfigError(f"pad_columns: {error}") from None


@arguments_named
def top_k_batched(score_batch: Callable[[np.ndarray], np.ndarray], user_index: np.ndarray,
                  k: int, *, exclude: sp.csr_matrix | None = None,
                  batch_size: int | None = None, n_items: int | None = None,
                  n_threads: int | None = None, method: Method = "auto"
                  ) -> tuple[np.ndarray, np.ndarray]:
    """Top-``k`` over the full catalog for many rows (users, or items for
    ``similar_items``), scoring ``batch_size`` of them at a time.

    Parameters
    ----------
    score_batch : callable
        Maps an array of row indices to their full score rows ``(len(rows), n_items)``.
    user_index : ndarray of int
        The rows to rank.
    k : int
        List length (capped at the catalog size; see :func:`pad_columns`).
    exclude : scipy.sparse.csr_matrix, optional
        Items to mask with ``-inf`` for each row index (e.g. training items).
    batch_size : int, optional
        Rows scored at once; by default as many as fit in
        :data:`DEFAULT_MEMORY_BUDGET_BYTES`.
    n_items : int, optional
        Catalog size, to size the default batch when ``exclude`` is not given.
    n_threads : int, optional
        Threads for the selection (default: every core). Results do not depend on it.
    method : {"auto", "numba", "numpy"}
        As in :func:`top_k`.

    Returns
    -------
    indices : ndarray of int64, shape (len(user_index), min(k, n_items))
    values : ndarray, same shape, in the dtype of the scores
    """
    k = _check_k(k)
    if not callable(score_batch):
        raise ConfigError(f"score_batch must be a function of row indices returning their "
                          f"score rows (e.g. model.score_users), got "
                          f"{type(score_batch).__name__}")
    if exclude is not None and not sp.issparse(exclude):
        exclude = _as_exclude(exclude)
    user_index = _check_rows(user_index, exclude)
    given, n_items = n_items, whole_exact_as_int(n_items)  # Decimal(500) is 500
    if n_items is not None and (isinstance(n_items, bool) or not isinstance(
            n_items, int | np.integer) or n_items < 0):
        raise ConfigError(f"n_items must be the catalog size (a whole number >= 0) or None, "
                          f"got {shown_given(given)}")
    n_items = n_items or (exclude.shape[1] if exclude is not None else None)
    if batch_size is None:
        width = n_items or 100_000
        # float64 scores, with room for the selection's temporaries
        batch_size = max(1, DEFAULT_MEMORY_BUDGET_BYTES // (width * 8 * 2))
    else:
        batch_size = _count(batch_size, "batch_size")
    threads = _check_threads(n_threads)
    _use_numba(method)  # a misspelt method is refused before any scoring
    results_items, results_scores = [], []
    rows_nan = rows_inf = 0
    name = _callable_name(score_batch)
    # without n_items, the first block's width is the catalog's: a later block of another
    # width was numpy's "all the input array dimensions ... must match exactly" at the end
    width_from = "" if n_items is None else " (n_items)" if exclude is None else \
        " (the columns of exclude)" if n_items == exclude.shape[1] else " (n_items)"
    with ThreadPoolExecutor(threads) as executor:
        for start in range(0, len(user_index), batch_size):
            batch = user_index[start:start + batch_size]
            try:
                returned = score_batch(batch)
            except IndexError as error:
                # numpy's "index 12 is out of bounds for axis 0 with size 10", from inside
                # the caller's function, named neither the block nor which rows it held
                block = start // batch_size + 1
                raise ConfigError(
                    f"top_k_batched: the scoring function {name} could not score the block "
                    f"of rows {_span(batch)} (block {block} of "
                    f"{-(-len(user_index) // batch_size)}, indices {int(batch.min())} to "
                    f"{int(batch.max())}): {error}; user_index must hold only rows the "
                    "function scores (from 0 to its row count - 1)") from None
            except (RecstackError, MemoryError):
                raise  # the model's own words (or no memory: nothing to add)
            except Exception as error:
                # a KeyError, TypeError or ValueError from inside the caller's function
                # came out bare, with no word of top_k_batched, the function or the rows
                block = start // batch_size + 1
                raise RecstackError(
                    f"top_k_batched: the scoring function {name} failed on the block of "
                    f"rows {_span(batch)} (block {block} of "
                    f"{-(-len(user_index) // batch_size)}): {type(error).__name__}: "
                    f"{str(error)[:300]}") from error
            try:
                scores = _as_rows(writable_scores(returned))
            except (ConfigError, ValueError, TypeError) as error:
                # "scores must be a 2-d array" did not say that the callback returned them
                raise ConfigError(f"top_k_batched: the scoring function {name} returned "
                                  f"{_described(returned)} for rows {_span(batch)}; "
                                  f"expected an array of {len(batch)} x "
                                  f"{n_items if n_items is not None else 'n_items'} scores "
                                  f"(one row per requested index, one column per item): "
                                  f"{error}") from None
            if scores.shape[0] != len(batch) or (n_items is not None
                                                 and scores.shape[1] != n_items):
                wanted = f"{len(batch)} x {shown(n_items)}" if n_items is not None \
                    else counted(len(batch), "row")
                rows = counted(len(batch), "row")
                raise ConfigError(f"top_k_batched: the scoring function {name} returned "
                                  f"scores of shape {scores.shape} for {rows}; "
                                  f"expected {wanted}{width_from} (one row per requested "
                                  f"index, one column per item); the block of rows "
                                  f"{_span(batch)}")
            if n_items is None:
                n_items = scores.shape[1]
                width_from = f" (the width of its first block, rows {_span(batch)})"
            # counted before masking: a NaN on a seen item is still a model returning NaN
            nan_here, inf_here = _odd_rows(scores, executor, threads)
            rows_nan, rows_inf = rows_nan + nan_here, rows_inf + inf_here
            if exclude is not None:
                mask_rows(scores, exclude[batch])
            items, values = _top_k_threaded(scores, k, executor, threads, method)
            results_items.append(items)
            results_scores.append(values)
    # one warning for the call, however many batches held NaN
    _warn_odd_rows(rows_nan, rows_inf, len(user_index), "top_k_batched")
    if not results_items:
        # the documented shape: as many columns as a list of the catalog holds
        width = min(k, n_items) if n_items is not None else k
        return np.empty((0, width), np.int64), np.empty((0, width), np.float32)
    return np.concatenate(results_items), np.concatenate(results_scores)


def _callable_name(function: Any) -> str:
    """A scoring callback as a message names it: ``ALS.score_users``, ``<lambda>``."""
    target = getattr(function, "func", function)  # a functools.partial
    return str(getattr(target, "__qualname__", None) or type(target).__name__)


def _described(value: Any) -> str:
    """What a callback returned, in a few words: ``an array of shape (10,)``, ``a tuple``."""
    shape = getattr(value, "shape", None)
    if isinstance(shape, tuple):
        return f"an array of shape {shape} and dtype " \
               f"{getattr(value, 'dtype', '?')}"
    return "None" if value is None else f"a {type(value).__name__}"


def _span(rows: np.ndarray) -> str:
    """Row indices of a block as a message shows them: ``[0, 1, 2]``, ``[0, 1, ..., 99]``."""
    values = [int(r) for r in rows[:3]]
    if len(rows) > 3:
        return f"[{values[0]}, {values[1]}, ..., {int(rows[-1])}]"
    return str(values)


def _warn_odd_rows(nan: int, inf: int, total: int, where: str) -> None:
    """The warnings of one call: rows holding ``NaN`` (:func:`_warn_nan_rows`), and rows
    holding ``+inf``, which rank first: an overflow, not a model's choice. Called by the
    public functions only, each wrapped by :func:`~recstack.specs.arguments_named`: the
    stack levels skip this function, the public one and its wrapper, and point at the
    caller."""
    _warn_nan_rows(nan, total, where, stacklevel=5)
    if inf:
        warnings.warn(InfiniteScoresWarning(
            f"{where}: {inf:,} of {total:,} score row(s) hold +inf; +inf ranks above every "
            "number (ties by the lower index), so those items lead their lists whatever "
            "their real merit; a model that returns +inf has usually overflowed: check its "
            "training or scale, or give finite scores"), stacklevel=4)


def _warn_nan_rows(count: int, total: int, where: str, stacklevel: int) -> None:
    """The one rule for ``NaN`` scores outside the evaluator (which refuses them): rank the
    slots last, as empty, and say so once per call with the number of rows."""
    if count:
        warnings.warn(NaNScoresWarning(
            f"{where}: {count:,} of {total:,} score row(s) hold NaN; NaN is not a score, so "
            "those items were ranked last, as empty slots (like -inf); a model that returns "
            "NaN has usually diverged: check its training, or give -inf for items that must "
            "not be recommended"), stacklevel=stacklevel)


# ---------------------------------------------------------------------------- checks
def _as_rows(scores: Any) -> np.ndarray:
    if sp.issparse(scores) or isinstance(scores, np.ma.MaskedArray):
        # refused (or, a masked array without masked entries, read) by the one rule of
        # writable_scores: top_k read a sparse matrix as an array of shape () and a masked
        # array as the values under its mask
        scores = writable_scores(scores)
    given = scores
    try:
        scores = np.asarray(scores)
    except ValueError:  # rows of different lengths
        raise ConfigError("scores must be a 2-d array (rows x items); its rows have different "
                          "lengths") from None
    if scores.ndim != 2:
        raise ConfigError(f"scores must be a 2-d array (rows x items), got "
                          f"{_given_shape(given, scores)}")
    if scores.dtype not in (np.float32, np.float64):
        scores = writable_scores(scores)
    return scores


def _given_shape(given: Any, array: np.ndarray) -> str:
    """What was given where a 2-d array belongs, for a message: ``None``, ``str 'abc'``,
    ``a 1-d array of shape (3,)``. A value that is no array at all (None, a number, a
    text) was "got shape ()", numpy's reading of it, which did not say what was given."""
    if array.ndim == 0 and not isinstance(given, np.ndarray | np.generic):
        return "None" if given is None else f"{type(given).__name__} {shown(given):.60}"
    kind = "array" if isinstance(given, np.ndarray) else type(given).__name__
    return f"a {array.ndim}-d {kind} of shape {array.shape}"


def _as_exclude(exclude: Any) -> sp.csr_matrix:
    """``exclude`` as a CSR matrix of (rows x items) whose stored entries are the items to
    mask: text, None or nested lists of other lengths failed inside scipy ("does not
    support dtype <U1")."""
    try:
        matrix = sp.csr_matrix(exclude)
    except (TypeError, ValueError) as error:
        raise ConfigError(f"exclude must be a (rows x items) matrix whose stored entries "
                          f"are the items to mask, e.g. a scipy.sparse.csr_matrix, got "
                          f"{type(exclude).__name__} ({str(error).split('. ')[0]})") from None
    if matrix.ndim != 2:
        raise ConfigError(f"exclude must be a 2-d (rows x items) matrix, got shape "
                          f"{matrix.shape}")
    return matrix


def _check_rows(user_index: Any, exclude: sp.spmatrix | None) -> np.ndarray:
    """The rows :func:`top_k_batched` ranks, as a 1-d integer array: float or true/false
    values failed inside the scoring function ("arrays used as indices must be of integer
    type"), a 2-d array was blamed on the scores' shape, and a negative index silently
    took the mask of a row counted from the end."""
    index = np.asarray(user_index)
    if index.size == 0 and index.ndim == 1:
        return index.astype(np.int64)
    if index.ndim != 1 or index.dtype.kind not in "iu":
        raise ConfigError(f"user_index must be a 1-d array of row indices (whole numbers "
                          f"from 0), got an array of shape {index.shape} and dtype "
                          f"{index.dtype}")
    lowest, highest = int(index.min()), int(index.max())
    if lowest < 0:
        raise ConfigError(f"user_index holds {lowest}; row indices count from 0")
    if exclude is not None and highest >= exclude.shape[0]:
        raise ConfigError(f"user_index holds {highest}, but exclude has "
                          f"{exclude.shape[0]:,} rows (indices 0 to {exclude.shape[0] - 1})")
    return index


def _count(value: Any, name: str) -> int:
    """``value`` as a positive int: an int, a numpy integer, or a whole exact number
    (``Decimal("10")``, ``Fraction(10)``), the one rule of every count in recstack
    (:func:`recstack.specs.whole_exact_as_int`; ``recommend(k=Decimal("10"))`` took it,
    ``top_k`` refused it); anything else is refused as given."""
    number = whole_exact_as_int(value)
    if isinstance(number, bool) or not isinstance(number, int | np.integer) or number < 1:
        raise ConfigError(f"{name} must be a positive integer, got {shown_given(value)}")
    return int(number)


def _check_k(k: Any) -> int:
    """``k`` read by the one rule of ``recommend`` and ``similar_items``
    (:func:`recstack.models.base.check_list_length`): a 0-d array is the value it holds
    (``np.array(2)`` was refused here, taken there), and ``True`` is refused as a boolean,
    in the same words. That rule also limits the padding of a list longer than the
    catalog, which the selection never makes (it caps ``k`` at the row length), so the
    catalog is given as unbounded; :func:`pad_columns` sizes its own padding."""
    # imported here: recstack.models.base imports this module
    from recstack.models.base import check_list_length

    return check_list_length(k, 0, math.inf)  # type: ignore[arg-type]


def _check_workers(workers: Any) -> int:
    # a float or text count failed inside np.array_split; 0 or -1 silently meant 1
    return _count(workers, "workers")


def _check_executor(executor: Any) -> None:
    # a pool's name or thread count in its place was an AttributeError ("'str' object has
    # no attribute 'map'"), and only once the rows were many enough to be split
    if executor is not None and not callable(getattr(executor, "map", None)):
        raise ConfigError(f"executor must be a concurrent.futures Executor (e.g. "
                          f"ThreadPoolExecutor(4)) or None, got {type(executor).__name__} "
                          f"{shown_given(executor)}")


def _check_threads(n_threads: Any) -> int:
    if n_threads is None:
        return os.cpu_count() or 1
    return _count(n_threads, "n_threads")


def _use_numba(method: str) -> bool:
    if not isinstance(method, str):
        # compared with == below, an array or frame was numpy's or pandas' "truth value ...
        # is ambiguous", and a sparse matrix a TypeError from isnan
        raise ConfigError(f"method must be 'auto', 'numba' or 'numpy' (text), got "
                          f"{shown_given(method)}")
    if method == "numpy":
        return False
    if method == "numba":
        if not numba_available():
            raise ConfigError("top_k(method='numba') needs numba; install it with: "
                              "pip install 'recstack[fast]'")
        return True
    if method == "auto":
        return numba_available()
    hint = did_you_mean(method, ("auto", "numba", "numpy")) if isinstance(method, str) else ""
    raise ConfigError(f"method must be 'auto', 'numba' or 'numpy', got "
                      f"{echoed(repr(method))}{hint}")


@functools.cache
def numba_available() -> bool:
    """Whether numba (the ``fast`` extra) imports: the compiled kernels here and in
    :mod:`recstack.models.sparse_dense` need it, and fall back to numpy without it."""
    try:
        import numba  # noqa: F401
    except ImportError:
        return False
    return True


# ---------------------------------------------------------------------------- numpy path
def _top_k_numpy(scores: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """The selection with numpy only, identical to the compiled kernel's."""
    n_rows, n_items = scores.shape
    if k == n_items:
        order = _full_order(scores)
        return order, np.take_along_axis(scores, order, axis=1)
    order = np.empty((n_rows, k), np.int64)
    with_nan = np.isnan(scores).any(axis=1)
    if with_nan.any():
        order[with_nan] = _full_order(scores[with_nan])[:, :k]
    plain = np.flatnonzero(~with_nan)
    if len(plain):
        rows = scores if len(plain) == n_rows else scores[plain]
        mostly_zeros = n_items - np.count_nonzero(rows, axis=1).min() > n_items // 2
        if mostly_zeros and rows.dtype == np.float32:
            order[plain] = _select_float32(rows, k)
        else:
            order[plain] = _select_by_value(rows, k)
    return order, np.take_along_axis(scores, order, axis=1)


def _full_order(scores: np.ndarray) -> np.ndarray:
    """Every column of each row in rank order: a full sort, the reference of the rule
    (numpy sorts ``NaN`` last, and ``-(-inf)`` after every number)."""
    columns = np.broadcast_to(np.arange(scores.shape[1]), scores.shape)
    return np.lexsort((columns, np.isnan(scores), -scores), axis=1)


def _select_float32(scores: np.ndarray, k: int) -> np.ndarray:
    """Top-``k`` of float32 rows without ``NaN``, on keys unique within a row: the score
    mapped to an order-preserving integer, then the item index (lower first). Unique keys
    make the partition exact at the cut-off, and keep it fast on rows of equal values
    (numpy's selection slows down badly on the many zeros of sparse models)."""
    n_items = scores.shape[1]
    keys = np.ascontiguousarray(scores).view(np.int32).astype(np.int64)
    # a negative float's bits are its sign and magnitude: its key is minus the magnitude
    # (which also makes -0.0 equal to 0.0); in place, as the keys are the big temporary
    negative = keys < 0
    np.bitwise_and(keys, 0x7FFFFFFF, out=keys, where=negative)
    np.negative(keys, out=keys, where=negative)
    keys <<= 32
    keys |= n_items - 1 - np.arange(n_items, dtype=np.int64)
    part = np.argpartition(keys, n_items - k, axis=1)[:, n_items - k:]
    order = np.argsort(-np.take_along_axis(keys, part, axis=1), axis=1)
    return np.take_along_axis(part, order, axis=1)


def _select_by_value(scores: np.ndarray, k: int) -> np.ndarray:
    """Top-``k`` of rows without ``NaN``. ``argpartition`` picks ``k`` items, exact except
    where a tie group straddles the cut-off (it then keeps arbitrary members of it); those
    rows are redone: everything above the k-th best value, then the lowest-indexed items
    equal to it."""
    n_items = scores.shape[1]
    chosen = np.argpartition(scores, n_items - k, axis=1)[:, n_items - k:]
    values = np.take_along_axis(scores, chosen, axis=1)
    kth = values.min(axis=1, keepdims=True)
    straddling = np.flatnonzero(np.count_nonzero(scores == kth, axis=1)
                                != np.count_nonzero(values == kth, axis=1))
    if len(straddling):
        rows = scores[straddling]
        above = rows > kth[straddling]
        tied = rows == kth[straddling]
        still_needed = k - np.count_nonzero(above, axis=1)
        tied &= np.cumsum(tied, axis=1) <= still_needed[:, None]
        chosen[straddling] = np.nonzero(above | tied)[1].reshape(len(straddling), k)
        values[straddling] = np.take_along_axis(rows, chosen[straddling], axis=1)
    order = np.lexsort((chosen, -values), axis=1)
    return np.take_along_axis(chosen, order, axis=1)


# ---------------------------------------------------------------------------- numba path
def _ranks_after(value_a: float, index_a: int, value_b: float, index_b: int) -> bool:
    """Whether item a ranks after item b: a lower score, or an equal one and a higher
    index; ``NaN`` after every number."""
    if value_a != value_a:
        return value_b == value_b or index_a > index_b
    if value_b != value_b:
        return False
    return value_a < value_b or (value_a == value_b and index_a > index_b)


def _sift_down(heap_values: np.ndarray, heap_index: np.ndarray, size: int, position: int
               ) -> None:
    """Restore the heap below ``position``: the root holds the item that ranks last."""
    while True:
        child = 2 * position + 1
        if child >= size:
            return
        right = child + 1
        if right < size and _ranks_after(heap_values[right], heap_index[right],
                                         heap_values[child], heap_index[child]):
            child = right
        if not _ranks_after(heap_values[child], heap_index[child],
                            heap_values[position], heap_index[position]):
            return
        value, index = heap_values[position], heap_index[position]
        heap_values[position], heap_index[position] = heap_values[child], heap_index[child]
        heap_values[child], heap_index[child] = value, index
        position = child


def _heap_top_k(scores: np.ndarray, k: int, out_index: np.ndarray, out_values: np.ndarray
                ) -> None:
    """For each row, keep the ``k`` best items seen so far in a heap whose root is the
    worst of them.

    A first pass takes the maximum of each block of scores (a vectorised loop). The k-th
    largest block maximum is a floor for the k-th best score (the k blocks with the largest
    maxima hold at least k scores at or above it): blocks whose maximum is below the floor
    are skipped whole, and so are scores below it. Items then arrive in index order, so a
    later item with a score equal to the root's ranks after it: only a strictly greater
    score enters the full heap (the tie rule at the cut-off for free).
    """
    n_rows, n_items = scores.shape
    n_full = n_items // _BLOCK
    n_blocks = (n_items + _BLOCK - 1) // _BLOCK
    heap_values = np.empty(k, scores.dtype)
    heap_index = np.empty(k, np.int64)
    block_max = np.empty(n_blocks, scores.dtype)
    lowest = np.full(1, -np.inf, scores.dtype)[0]
    for row in range(n_rows):
        line = scores[row]
        # the ternary form is what LLVM vectorises; it skips NaN, which cannot beat a
        # number anyway (an all-NaN block gets -inf)
        for block in range(n_full):
            largest = lowest
            first = block * _BLOCK
            for j in range(_BLOCK):
                value = line[first + j]
                largest = value if value > largest else largest
            block_max[block] = largest
        if n_blocks > n_full:
            largest = lowest
            for j in range(n_full * _BLOCK, n_items):
                value = line[j]
                largest = value if value > largest else largest
            block_max[n_full] = largest

        floor = lowest
        if n_blocks > k:
            # the k-th largest block maximum, by the same heap over the blocks
            for block in range(k):
                heap_values[block] = block_max[block]
                heap_index[block] = block
            for position in range(k // 2 - 1, -1, -1):
                _sift_down(heap_values, heap_index, k, position)
            for block in range(k, n_blocks):
                if block_max[block] > heap_values[0]:
                    heap_values[0] = block_max[block]
                    heap_index[0] = block
                    _sift_down(heap_values, heap_index, k, 0)
            floor = heap_values[0]
        # with no finite floor every item counts, NaN included (a row may have fewer than
        # k numbers); otherwise NaN fails "value >= floor" and never enters
        take_all = not floor > lowest

        size = 0
        threshold = lowest
        threshold_is_nan = False
        for block in range(n_blocks):
            if block_max[block] < floor:
                continue
            if size == k and not threshold_is_nan and not block_max[block] > threshold:
                continue
            for j in range(block * _BLOCK, min((block + 1) * _BLOCK, n_items)):
                value = line[j]
                if size < k:
                    if take_all or value >= floor:
                        heap_values[size] = value
                        heap_index[size] = j
                        size += 1
                        if size == k:
                            for position in range(k // 2 - 1, -1, -1):
                                _sift_down(heap_values, heap_index, k, position)
                            threshold = heap_values[0]
                            threshold_is_nan = threshold != threshold
                elif value > threshold or (threshold_is_nan and value == value):
                    heap_values[0] = value
                    heap_index[0] = j
                    _sift_down(heap_values, heap_index, k, 0)
                    threshold = heap_values[0]
                    threshold_is_nan = threshold != threshold
        # pop the worst into the last free slot until the heap is empty: best first
        for size in range(k - 1, -1, -1):
            out_values[row, size] = heap_values[0]
            out_index[row, size] = heap_index[0]
            heap_values[0] = heap_values[size]
            heap_index[0] = heap_index[size]
            _sift_down(heap_values, heap_index, size, 0)


@functools.cache
def _compiled_kernel() -> Callable[..., None]:
    """:func:`_heap_top_k` compiled by numba (imported here, not at import time;
    ``cache=True`` keeps the machine code between processes)."""
    import numba
    from numba.extending import register_jitable

    register_jitable(_ranks_after)
    register_jitable(_sift_down)
    return numba.njit(cache=True, nogil=True)(_heap_top_k)

"""Compiled kernels for :func:`recstack.data.idmap._encode_dense_integers` on big columns.

The same three steps as the numpy path (the smallest and largest id, a mark per id
present, each id's rank among the marks), each one pass over the column, split between
threads by numba kernels that release the GIL. Numba is imported and the kernels compiled
on first use; ``cache=True`` keeps the machine code between processes.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import Any

import numpy as np

from recstack.data._fast_csv import empty_pages

__all__ = ["min_max", "mark", "lookup"]


def _min_max(ids: np.ndarray, start: int, stop: int, out: np.ndarray, slot: int) -> None:
    low = ids[start]
    high = ids[start]
    for position in range(start + 1, stop):
        value = ids[position]
        if value < low:
            low = value
        if value > high:
            high = value
    out[slot, 0] = low
    out[slot, 1] = high


def _mark(ids: np.ndarray, start: int, stop: int, base: int, present: np.ndarray,
          row: int) -> None:
    for position in range(start, stop):
        present[row, np.int64(ids[position]) - base] = True


def _lookup(ids: np.ndarray, start: int, stop: int, base: int, rank: np.ndarray,
            codes: np.ndarray) -> None:
    for position in range(start, stop):
        codes[position] = rank[np.int64(ids[position]) - base]


@functools.cache
def _kernels() -> tuple[Callable[..., Any], Callable[..., Any], Callable[..., Any]]:
    import numba

    def compile_(function: Callable[..., Any]) -> Callable[..., Any]:
        return numba.njit(cache=True, nogil=True, boundscheck=False)(function)

    return compile_(_min_max), compile_(_mark), compile_(_lookup)


def _split(size: int, n_threads: int) -> list[tuple[int, int]]:
    bounds = np.linspace(0, size, n_threads + 1).astype(np.int64)
    return [(int(a), int(b)) for a, b in zip(bounds[:-1], bounds[1:], strict=True) if b > a]


def _run(kernel: Callable[..., Any], size: int, n_threads: int, *args: Any) -> None:
    """``kernel(ids, start, stop, ...)`` over consecutive parts of ``0..size`` on threads."""
    parts = _split(size, n_threads)
    threads = [threading.Thread(target=kernel, args=(args[0], a, b, *args[1:]))
               for a, b in parts[1:]]
    for thread in threads:
        thread.start()
    kernel(args[0], *parts[0], *args[1:])
    for thread in threads:
        thread.join()


def min_max(ids: np.ndarray, n_threads: int) -> tuple[int, int]:
    """The smallest and the largest of a non-empty integer column."""
    min_max_kernel = _kernels()[0]
    parts = _split(len(ids), n_threads)
    out = np.empty((len(parts), 2), np.int64)
    threads = [threading.Thread(target=min_max_kernel, args=(ids, a, b, out, slot))
               for slot, (a, b) in enumerate(parts) if slot]
    for thread in threads:
        thread.start()
    min_max_kernel(ids, *parts[0], out, 0)
    for thread in threads:
        thread.join()
    return int(out[:, 0].min()), int(out[:, 1].max())


# Up to this many marks, each thread marks its own copy (merged after): threads marking
# one shared array would fight over its cache lines.
_PRIVATE_MARKS = 1 << 22


def mark(ids: np.ndarray, base: int, span: int, n_threads: int) -> np.ndarray:
    """``present[id - base] = True`` for every id; ``span`` marks."""
    mark_kernel = _kernels()[1]
    parts = _split(len(ids), n_threads)
    private = span <= _PRIVATE_MARKS
    present = np.zeros((len(parts) if private else 1, span), np.bool_)
    threads = [threading.Thread(target=mark_kernel,
                                args=(ids, a, b, base, present, slot if private else 0))
               for slot, (a, b) in enumerate(parts) if slot]
    for thread in threads:
        thread.start()
    mark_kernel(ids, *parts[0], base, present, 0)
    for thread in threads:
        thread.join()
    return np.asarray(present.any(axis=0)) if private else present[0]


def lookup(ids: np.ndarray, base: int, rank: np.ndarray, n_threads: int) -> np.ndarray:
    """``rank[id - base]`` for every id, as int32."""
    codes = empty_pages(len(ids), np.int32)
    _run(_kernels()[2], len(ids), n_threads, ids, base, rank, codes)
    return codes


def warm_up() -> None:
    """Compile (first call on a machine) or load from numba's cache the kernels, for the
    id columns a loader makes (int32 and int64), on a few ids."""
    for dtype in (np.int32, np.int64):
        ids = np.array([3, 1, 3], dtype)
        low, high = min_max(ids, 1)
        rank = np.cumsum(mark(ids, low, high - low + 1, 1), dtype=np.int32) - 1
        lookup(ids, low, rank, 1)  # the types of idmap._encode_dense_integers

"""A vocabulary between external ids (what the user's data calls a user or an item) and the
dense indices ``0..n-1`` that models use."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from recstack.errors import RecstackError


class IdMap:
    """Immutable two-way map between external ids and dense ``int32`` indices.

    External ids are ints or strings; index ``i`` stands for ``external_ids[i]``.
    Lookups are vectorised hash lookups (a :class:`pandas.Index`), never Python loops.

    Examples
    --------
    >>> ids, codes = IdMap.encode(["b", "a", "b"])
    >>> ids.external_ids.tolist(), codes.tolist()
    (['a', 'b'], [1, 0, 1])
    >>> ids.to_index(["b"]).tolist()
    [1]
    """

    __slots__ = ("_index",)

    def __init__(self, external_ids: Sequence[Any] | np.ndarray | pd.Index) -> None:
        index = pd.Index(external_ids)
        if not index.is_unique:
            dupes = index[index.duplicated()].unique()[:5].tolist()
            raise RecstackError(f"external ids must be unique; repeated: {dupes}")
        self._index = index

    @classmethod
    def encode(cls, values: Sequence[Any] | np.ndarray | pd.Series) -> tuple[IdMap, np.ndarray]:
        """Build the map from a column of external ids (sorted, so the result is deterministic)
        and return it with the ``int32`` index of every value."""
        array = values.to_numpy() if isinstance(values, pd.Series) else np.asarray(values)
        dense = _encode_dense_integers(array)
        if dense is not None:
            return cls(dense[0]), dense[1]
        codes, uniques = pd.factorize(array, sort=True)
        if (codes < 0).any():
            raise RecstackError("ids must not be missing (None/NaN)")
        return cls(uniques), codes.astype(np.int32, copy=False)

    @classmethod
    def range(cls, n: int) -> IdMap:
        """The identity map over ``0..n-1`` (external id equals index)."""
        return cls(pd.RangeIndex(n))

    @property
    def external_ids(self) -> np.ndarray:
        """External ids in index order (a read-only view)."""
        arr = self._index.to_numpy()
        arr.flags.writeable = False
        return arr

    @property
    def pandas_index(self) -> pd.Index:
        return self._index

    def __len__(self) -> int:
        return len(self._index)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, IdMap) and (
            other is self or self._index.equals(other._index)
        )

    def __hash__(self) -> int:
        return id(self)

    def __repr__(self) -> str:
        head = ", ".join(repr(x) for x in self._index[:3].tolist())
        more = ", ..." if len(self) > 3 else ""
        return f"IdMap({len(self)} ids: {head}{more})"

    def to_index(self, external_ids: Any, *, missing: str = "raise") -> np.ndarray:
        """Indices of ``external_ids``.

        ``missing="raise"`` refuses unknown ids and names a few; ``missing="ignore"``
        returns ``-1`` for them.
        """
        ids = np.atleast_1d(np.asarray(external_ids))
        if ids.dtype.kind in "US" and self._index.dtype.kind in "iu":
            # ids that came in as text for an integer vocabulary: compare as numbers
            try:
                ids = ids.astype(np.int64)
            except ValueError:
                pass
        positions = self._index.get_indexer(ids)
        if missing == "raise" and (positions < 0).any():
            unknown = ids[positions < 0][:5].tolist()
            raise RecstackError(
                f"{int((positions < 0).sum())} unknown id(s), e.g. {unknown}; "
                f"this map has {len(self)} ids"
            )
        if missing not in ("raise", "ignore"):
            raise ValueError(f"missing must be 'raise' or 'ignore', not {missing!r}")
        return positions.astype(np.int32, copy=False)

    def to_external(self, indices: Any) -> np.ndarray:
        """External ids of dense ``indices``."""
        idx = np.asarray(indices)
        if idx.size and (idx.min() < 0 or idx.max() >= len(self)):
            raise RecstackError(f"index out of range 0..{len(self) - 1}")
        return self._index.to_numpy()[idx]

    def subset(self, indices: np.ndarray) -> IdMap:
        """A new map over the given indices, in that order (used when compacting)."""
        return IdMap(self._index[np.asarray(indices)])


# Columns at least this long are encoded by compiled kernels on all cores, when numba is
# already loaded (the CSV fast path loads it): never imported for this alone, since the
# import would cost more than it saves on all but the longest columns.
_COMPILED_MIN_IDS = 1 << 20


def _encode_dense_integers(ids: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """Sorted uniques and codes of integer ids spanning a small range, without hashing.

    Marking present ids in a boolean array and taking a running count is several times
    faster than a sorted factorize, and gives the same result. Non-negative ids index the
    marks directly, so a column of tens of millions of ids needs no temporary copy.
    None when it does not apply (empty, or ids too sparse for the marks to pay).
    """
    if ids.dtype.kind not in "iu" or ids.size == 0:
        return None
    compiled = _use_compiled(ids)
    if compiled:
        from recstack.data import _fast_csv, _fast_ids

        n_threads = _fast_csv.default_threads()
        low, high = _fast_ids.min_max(ids, n_threads)
    else:
        low, high = int(ids.min()), int(ids.max())
    limit = 4 * ids.size + 1_000_000  # marks beyond this would waste memory
    base = 0 if low >= 0 and high < limit else low
    if high - base + 1 > limit:
        return None
    if compiled:
        present = _fast_ids.mark(ids, base, high - base + 1, n_threads)
        rank = np.cumsum(present, dtype=np.int32) - 1
        uniques = (np.flatnonzero(present) + base).astype(ids.dtype)
        return uniques, _fast_ids.lookup(ids, base, rank, n_threads)
    offsets = ids if base == 0 else (ids.astype(np.int64) - base)
    present = np.zeros(high - base + 1, bool)
    present[offsets] = True
    rank = np.cumsum(present, dtype=np.int32) - 1
    uniques = (np.flatnonzero(present) + base).astype(ids.dtype)
    if len(uniques) == len(present):
        # every id in the span occurs (users numbered 1..n): the code is the offset, and a
        # subtraction is cheaper than looking each one up
        return uniques, offsets.astype(np.int32)
    return uniques, rank[offsets]


def _use_compiled(ids: np.ndarray) -> bool:
    """Whether the compiled kernels encode ``ids`` (see ``_COMPILED_MIN_IDS``)."""
    return (ids.size >= _COMPILED_MIN_IDS and ids.dtype in (np.int32, np.int64)
            and ids.ndim == 1 and ids.flags.c_contiguous
            and sys.modules.get("numba") is not None)

"""Row-wise Mann-Whitney AUC with average ranks for ties, shared by ranking and classification."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

#: float64 holds every integer only up to 2**53; past it neighbouring integers share a float
_EXACT_INTEGERS = 2**53


def rowwise_auc(
    scores: NDArray[np.floating], positive: NDArray[np.bool_], candidate: NDArray[np.bool_]
) -> NDArray[np.float64]:
    r"""AUC of each row of ``scores`` among its ``candidate`` cells.

    ``positive`` must be a subset of ``candidate``; the other candidates are the negatives.
    With average ranks :math:`\rho` among the row's candidates (ascending by score),

    .. math:: \mathrm{AUC} = \frac{\sum_{i \in P} \rho_i - |P|(|P| + 1)/2}{|P|\,|N|},

    which counts a tied (positive, negative) pair as one half. ``NaN`` where a row has no
    positive or no negative. ``scores`` must not hold NaN (``±inf`` is fine); any float dtype
    works, since only the order of the scores matters.
    """
    n_rows, width = scores.shape
    n_pos = positive.sum(axis=1).astype(np.float64)
    n_neg = candidate.sum(axis=1) - n_pos
    if width == 0:
        return np.full(n_rows, np.nan)
    # NaN marks non-candidates: argsort puts NaN last, and NaN != NaN so it never joins a tie.
    keyed = np.where(candidate, scores, np.nan)
    order = np.argsort(keyed, axis=1)
    ordered = np.take_along_axis(keyed, order, axis=1)
    del keyed
    ordered_positive = np.take_along_axis(positive, order, axis=1)
    del order
    index_type = np.int32 if width < 2**31 else np.int64
    position = np.arange(width, dtype=index_type)
    starts_tie = np.ones((n_rows, width), dtype=bool)
    np.not_equal(ordered[:, 1:], ordered[:, :-1], out=starts_tie[:, 1:])
    del ordered
    # 0-based positions of the first and last member of each cell's tie group; a tie group's
    # average 1-based rank is (first + last) / 2 + 1.
    tie_first = np.maximum.accumulate(np.where(starts_tie, position, 0), axis=1)
    first_sum = np.where(ordered_positive, tie_first, 0).sum(axis=1, dtype=np.int64)
    del tie_first
    ends_tie = np.ones((n_rows, width), dtype=bool)
    ends_tie[:, :-1] = starts_tie[:, 1:]
    del starts_tie
    reversed_last = np.minimum.accumulate(np.where(ends_tie, position, width)[:, ::-1], axis=1)
    last_sum = np.where(ordered_positive[:, ::-1], reversed_last, 0).sum(axis=1, dtype=np.int64)
    # Integer sums are exact; the only rounding happens in the final division.
    rank_sum = (first_sum + last_sum) / 2.0 + n_pos
    with np.errstate(divide="ignore", invalid="ignore"):
        auc = (rank_sum - n_pos * (n_pos + 1) / 2.0) / (n_pos * n_neg)
    auc[(n_pos == 0) | (n_neg == 0)] = np.nan
    return auc


def exactly_ordered(values: Any, rounded: NDArray[np.floating]) -> NDArray[np.floating]:
    """``rounded`` (``values`` as float64, already checked), or, where float64 merged
    distinct values of ``values``, their exact dense ranks in its place (same shape).

    An AUC depends on the order of the scores alone, but float64 holds every integer only
    up to 2**53 (and a ``Decimal``, ``Fraction`` or long double only to 16 digits or so):
    integer scores such as nanosecond timestamps (``2**62`` and ``2**62 + 1``) became one
    float, and a positive scored below a negative was counted as a tie, half right, without
    a word. Ranks computed from the values themselves keep every order and every tie."""
    raw = unrounded(values, rounded)
    if raw is None:
        return rounded
    # np.unique sorts and compares the values themselves (Python's exact comparisons for
    # objects); the inverse is each value's dense rank, equal values sharing one
    _, ranks = np.unique(raw.ravel(), return_inverse=True)
    return ranks.reshape(raw.shape).astype(np.float64)


def unrounded(values: Any, rounded: NDArray[np.floating]) -> NDArray[Any] | None:
    """``values`` as an array of their own (integers, objects, long doubles) where their
    float64 ``rounded`` changed one of them, None where float64 holds them all exactly."""
    raw = np.asarray(values)
    if raw.dtype.kind == "f" and isinstance(values, list | tuple):
        # numpy reads a list of ints and floats ([2**62 + 1, 2**62, inf]) as float64,
        # merging the ints before anything can see them: the list's own values instead
        raw = np.array(values, dtype=object)
    kind = raw.dtype.kind
    if kind in "iu":
        merged = bool(((raw > _EXACT_INTEGERS) | (raw < -_EXACT_INTEGERS)).any())
    elif kind == "f":
        # float16/32/64 are exact in float64; a long double may not be
        merged = raw.dtype.itemsize > 8 and bool((raw != rounded.astype(raw.dtype)).any())
    elif kind == "O":
        # Python ints, Decimals, Fractions: compared with their floats exactly
        merged = any(value != float(value) for value in raw.ravel()
                     if not isinstance(value, float | np.floating))
    else:
        merged = False
    return raw if merged else None

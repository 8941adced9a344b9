"""Row-wise Mann-Whitney AUC with average ranks for ties, shared by ranking and classification."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray


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

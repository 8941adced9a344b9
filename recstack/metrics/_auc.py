"""Row-wise Mann-Whitney AUC with average ranks for ties, shared by ranking and classification."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray


def rowwise_auc(
    scores: NDArray[np.float64], positive: NDArray[np.bool_], candidate: NDArray[np.bool_]
) -> NDArray[np.float64]:
    r"""AUC of each row of ``scores`` among its ``candidate`` cells.

    ``positive`` must be a subset of ``candidate``; the other candidates are the negatives.
    With average ranks :math:`\rho` among the row's candidates (ascending by score),

    .. math:: \mathrm{AUC} = \frac{\sum_{i \in P} \rho_i - |P|(|P| + 1)/2}{|P|\,|N|},

    which counts a tied (positive, negative) pair as one half. ``NaN`` where a row has no
    positive or no negative. ``scores`` must not hold NaN (``±inf`` is fine).
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
    ordered_positive = np.take_along_axis(positive, order, axis=1)
    position = np.broadcast_to(np.arange(width), (n_rows, width))
    starts_tie = np.ones((n_rows, width), dtype=bool)
    starts_tie[:, 1:] = ordered[:, 1:] != ordered[:, :-1]
    ends_tie = np.ones((n_rows, width), dtype=bool)
    ends_tie[:, :-1] = starts_tie[:, 1:]
    tie_first = np.maximum.accumulate(np.where(starts_tie, position, 0), axis=1)
    tie_last = np.minimum.accumulate(np.where(ends_tie, position, width)[:, ::-1], axis=1)[:, ::-1]
    average_rank = (tie_first + tie_last) / 2.0 + 1.0
    rank_sum = np.where(ordered_positive, average_rank, 0.0).sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        auc = (rank_sum - n_pos * (n_pos + 1) / 2.0) / (n_pos * n_neg)
    auc[(n_pos == 0) | (n_neg == 0)] = np.nan
    return auc

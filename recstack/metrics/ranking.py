r"""Top-K ranking metrics, computed per user from a matrix of recommended item indices.

Inputs
------
``recommended`` : int array, shape (n_users, K)
    Row ``u`` is user ``u``'s list, best first: column ``r - 1`` holds the item at rank ``r``.
    ``-1`` pads lists shorter than ``K``; a padded rank is a rank with no relevant item.
    An item may appear at most once per row. Ranks are positions: ties in the scores that
    produced the list must be broken by whoever produced it.
``truth`` : scipy sparse matrix, shape (n_users, n_items)
    Ground truth. A stored value ``> 0`` is the relevance grade of that (user, item); binary data
    stores ``1.0``. Explicit zeros are not relevant; negative values are rejected.

Conventions shared by every per-user metric here
------------------------------------------------
* The result is a float64 array with one value per user (row).
* A user with no relevant item is *excluded*: the metric is ``NaN`` for that user, for every
  metric alike, so that all metrics average over the same users. :func:`mean_over_users`
  averages the others and counts the excluded ones.
* ``k`` is the cut-off; ``k`` may exceed the width of ``recommended``: the missing ranks count as
  padding (not relevant). Precision always divides by ``k``, however many items were listed.
* Zero users in, zero values out (an empty array); an empty batch is not an error.
* Bad arguments raise :class:`~recstack.metrics.MetricInputError`, a ``ValueError``.

Notation: :math:`g_r` is the grade of the item at rank :math:`r` (0 if not relevant),
:math:`h_r = [g_r > 0]`, :math:`H@k = \sum_{r \le k} h_r` the hits within the top ``k``, and
:math:`R` the number of the user's relevant items.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import scipy.sparse as sp
from numpy.typing import ArrayLike, NDArray

from recstack.errors import shown
from recstack.metrics._auc import exactly_ordered, rowwise_auc
from recstack.metrics._validation import (
    MAX_POSITIONS,
    MetricInputError,
    as_counts,
    as_csr,
    as_float_array,
    as_grades_matrix,
    as_recommended,
    check_aligned,
    check_cells,
    check_choice,
    check_cutoff,
    check_k,
    check_key_space,
    check_ks,
    check_recommended_rows,
    refuse_masked,
    refuse_predicted_classes,
    refuse_reordered_rows,
    refuse_true_false,
)
from recstack.specs import arguments_named, did_you_mean

__all__ = [
    "NDCG_ROUNDING",
    "RANKING_METRICS",
    "SUM_ROUNDING",
    "Gain",
    "UserAverage",
    "auc_per_user",
    "average_precision_at_k",
    "dcg_at_k",
    "f1_at_k",
    "global_auc",
    "hit_rate_at_k",
    "ideal_dcg_at_k",
    "ideal_grades",
    "mean_over_users",
    "n_relevant",
    "ndcg_at_k",
    "precision_at_k",
    "ranking_metrics",
    "recall_at_k",
    "recall_capped_at_k",
    "reciprocal_rank_at_k",
    "relevance_at_ranks",
]

Gain = Literal["exponential", "linear"]
_GAINS: tuple[str, ...] = ("exponential", "linear")

#: Names accepted by :func:`ranking_metrics`, in the order results are returned.
#: ``"ndcg"`` uses the exponential gain ``2**g - 1``; ``"ndcg_linear"`` uses the gain ``g``.
RANKING_METRICS: tuple[str, ...] = (
    "precision",
    "recall",
    "recall_capped",
    "hit_rate",
    "f1",
    "mrr",
    "map",
    "ndcg",
    "ndcg_linear",
)
_NDCG_GAINS: dict[str, str] = {"ndcg": "exponential", "ndcg_linear": "linear"}
#: nDCG above 1 by at most this is the rounding of two sums of the same terms, and is 1
#: (public: the Spark evaluator, :mod:`recstack.spark.evaluation`, applies the same rule)
NDCG_ROUNDING = 1e-9
#: rounding of a float64 sum per term: an nDCG@k within k times this below 1 is 1 (public,
#: as :data:`NDCG_ROUNDING`)
SUM_ROUNDING = 4 * np.finfo(np.float64).eps
# the private names recstack.spark.evaluation imported before these were public
_NDCG_ROUNDING = NDCG_ROUNDING
_SUM_ROUNDING = SUM_ROUNDING

# Bytes per user in the bitmap that screens recommended items before the exact lookup. With 30
# relevant items a user has ~6% of the 512 slots set, so ~94% of non-relevant items never reach
# the binary search.
_SIGNATURE_SLOTS = 512

# Ideal DCG is computed from per-grade counts, without sorting, when grades are integers
# spanning at most this many levels.
_MAX_COUNTED_LEVELS = 32

# 2**1024 overflows float64: the largest grade the exponential gain 2**g - 1 can take.
_MAX_EXPONENTIAL_GRADE = 1023

# A DCG sums at most 10,000 discounted gains (the bound of k), none above the user's largest
# gain: with that gain below 2**1000 no sum overflows. A user's gains above it are divided by
# a power of two (exact) before they are summed, in the DCG and the ideal DCG alike, which
# leaves their ratio, the nDCG, as it is: three grades of 1023 (gain 2**1023 - 1 each) summed
# to inf, and the nDCG inf / inf was NaN, the mark of a user without relevant items.
_SAFE_GAIN_EXPONENT = 1000

# Rows per block in ranking_metrics: big enough to amortise numpy call overhead, small enough
# that the block's temporaries stay in cache and that blocks spread over threads evenly.
_DEFAULT_CHUNK_ROWS = 4096


# --------------------------------------------------------------------------------------------
# Ground-truth helpers
# --------------------------------------------------------------------------------------------


@arguments_named
def relevance_at_ranks(recommended: ArrayLike, truth: Any) -> NDArray[np.float64]:
    """Look up the relevance grade of every recommended item.

    Parameters
    ----------
    recommended : array_like of int, shape (n_users, K)
        Recommended item indices, best first, ``-1`` for padding.
    truth : scipy.sparse matrix, shape (n_users, n_items)
        Relevance grades; a stored value ``> 0`` marks a relevant item.

    Returns
    -------
    ndarray of float64, shape (n_users, K)
        ``grades[u, r]`` is the grade of ``recommended[u, r]`` for user ``u``; 0 for
        non-relevant items and for padding (``-1``, wherever it stands: this is a lookup;
        :func:`ranking_metrics` and the list metrics refuse padding before an item).

    Raises
    ------
    MetricInputError
        If shapes disagree, an index is outside ``[-1, n_items)``, an item repeats within a row,
        or ``truth`` holds negative or non-finite values.

    Notes
    -----
    Vectorised over all users at once, no loop over users: each stored (user, item) pair of the
    canonical CSR matrix becomes the key ``user * n_items + item``; these keys are already
    sorted, so a recommended pair is found with :func:`numpy.searchsorted`. A per-user bitmap
    of hashed item indices first rules out most non-relevant items with a single gather, so the
    binary search runs on a small fraction of the ``n_users * K`` entries.

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> truth = sp.csr_matrix([[0, 3, 0, 1], [1, 0, 0, 0]])
    >>> relevance_at_ranks([[1, 0, 3], [2, -1, -1]], truth)
    array([[3., 0., 1.],
           [0., 0., 0.]])
    """
    truth_csr = _as_truth(truth)
    rec = as_recommended(recommended, n_users=truth_csr.shape[0])
    grades = np.zeros(rec.shape, dtype=np.float64)
    for start in range(0, rec.shape[0], _DEFAULT_CHUNK_ROWS):
        block = check_recommended_rows(
            rec[start : start + _DEFAULT_CHUNK_ROWS], truth_csr.shape[1], first_row=start,
            padding_trails=False,  # a lookup entry by entry: -1 anywhere reads as grade 0
        )
        flat, grade = _find_hits(block, truth_csr, start)
        grades[start : start + block.shape[0]].ravel()[flat] = grade
    return grades


@arguments_named
def n_relevant(truth: Any) -> NDArray[np.int64]:
    """Count each user's relevant items (stored values ``> 0``).

    Parameters
    ----------
    truth : scipy.sparse matrix, shape (n_users, n_items)

    Returns
    -------
    ndarray of int64, shape (n_users,)
    """
    return _count_relevant(_as_truth(truth))


@arguments_named
def ideal_grades(truth: Any, k: int) -> NDArray[np.float64]:
    """Each user's ``k`` highest relevance grades, sorted in descending order.

    This is the grade row of the best possible list, from which the ideal DCG is computed.

    Parameters
    ----------
    truth : scipy.sparse matrix, shape (n_users, n_items)
    k : int
        Number of ranks, ``1 .. 10,000,000`` (``MAX_POSITIONS``), with ``n_users * k`` at
        most ``2**30`` values (8 GiB); beyond the number of items a user can have, columns
        are only padding.

    Returns
    -------
    ndarray of float64, shape (n_users, k)
        Row ``u`` holds the user's grades in descending order, zero-padded when the user has
        fewer than ``k`` relevant items.
    """
    truth_csr = _as_truth(truth)
    k = check_k(k, most=MAX_POSITIONS)
    check_cells(truth_csr.shape[0], k)
    rows, data = _relevant_entries(truth_csr.indptr, truth_csr.data)
    return _ideal_matrix(rows, data, truth_csr.shape[0], k)


@arguments_named
def dcg_at_k(grades: ArrayLike, k: int, *, gain: Gain = "exponential") -> NDArray[np.float64]:
    r"""Discounted cumulative gain at ``k``.

    .. math:: \mathrm{DCG@k} = \sum_{r=1}^{k} \frac{\mathrm{gain}(g_r)}{\log_2(r + 1)},
              \qquad \mathrm{gain}(g) = 2^{g} - 1 \text{ (exponential, Burges et al. 2005)}
              \text{ or } g \text{ (linear, Järvelin and Kekäläinen 2002)}.

    For binary relevance both gains are equal. Unlike the normalised metrics, DCG is defined for
    every user (0 for a user without relevant items) and is never ``NaN``.

    Parameters
    ----------
    grades : array_like, shape (n_users, K)
        Output of :func:`relevance_at_ranks`.
    k : int
        Cut-off, ``1 .. 10,000`` (the bound of ``ranking_metrics``' ``ks``).
    gain : {"exponential", "linear"}, default "exponential"

    Returns
    -------
    ndarray of float64, shape (n_users,)
    """
    grades_arr = as_grades_matrix(grades)
    k = check_cutoff(k)
    gain = check_choice(gain, "gain", _GAINS)  # type: ignore[assignment]
    top = grades_arr[:, :k]
    with np.errstate(over="ignore"):
        dcg = (_gains(top, gain) * _discounts(top.shape[1])).sum(axis=1)
    beyond = ~np.isfinite(dcg)
    if beyond.any():
        # the sum of finite gains past float64's range: inf, with numpy's overflow warning
        row = int(np.flatnonzero(beyond)[0])
        raise MetricInputError(
            f"the DCG@{k} of row {row} overflows the float range (its largest grade is "
            f"{float(top[row].max()):g}); rescale the grades, or compute the nDCG "
            "(ndcg_at_k, ranking_metrics), which takes them as they are")
    return dcg


@arguments_named
def ideal_dcg_at_k(truth: Any, k: int, *, gain: Gain = "exponential") -> NDArray[np.float64]:
    r"""DCG@k of each user's ideal list (their own relevant items, highest grade first).

    .. math:: \mathrm{IDCG@k} = \sum_{r=1}^{\min(k, R)} \frac{\mathrm{gain}(g^*_r)}{\log_2(r+1)}

    where :math:`g^*_1 \ge g^*_2 \ge \dots` are the user's grades. 0 for users with no relevant
    item.

    Parameters
    ----------
    truth : scipy.sparse matrix, shape (n_users, n_items)
    k : int
        Bounded as in :func:`ideal_grades`.
    gain : {"exponential", "linear"}, default "exponential"

    Returns
    -------
    ndarray of float64, shape (n_users,)
    """
    return dcg_at_k(ideal_grades(truth, k), k, gain=gain)


# --------------------------------------------------------------------------------------------
# Per-user metrics from a grades matrix
# --------------------------------------------------------------------------------------------


@arguments_named
def precision_at_k(grades: ArrayLike, n_relevant: ArrayLike, k: int) -> NDArray[np.float64]:
    r"""Precision at ``k``: the share of the top ``k`` ranks that hold a relevant item.

    .. math:: \mathrm{P@k} = \frac{H@k}{k}

    The denominator is ``k`` even when fewer than ``k`` items were recommended (padding counts
    as a miss), as in ranx and trec_eval.

    Parameters
    ----------
    grades : array_like, shape (n_users, K)
        Output of :func:`relevance_at_ranks`.
    n_relevant : array_like of int, shape (n_users,)
        Output of :func:`n_relevant`; users with 0 get ``NaN``.
    k : int
        Cut-off, ``1 .. 10,000`` (the bound of ``ranking_metrics``' ``ks``).

    Returns
    -------
    ndarray of float64, shape (n_users,)
        In ``[0, 1]``; ``NaN`` for users with no relevant item.
    """
    return _single_metric("precision", grades, n_relevant, k)


@arguments_named
def recall_at_k(grades: ArrayLike, n_relevant: ArrayLike, k: int) -> NDArray[np.float64]:
    r"""Recall at ``k``: the share of the user's relevant items found in the top ``k``.

    .. math:: \mathrm{R@k} = \frac{H@k}{R}

    This is the uncapped recall of IR tools (ranx, trec_eval); it cannot reach 1 when
    ``R > k``. See :func:`recall_capped_at_k` for the capped variant.

    Parameters
    ----------
    grades, n_relevant, k
        As in :func:`precision_at_k`.

    Returns
    -------
    ndarray of float64, shape (n_users,)
        In ``[0, 1]``; ``NaN`` for users with no relevant item.
    """
    return _single_metric("recall", grades, n_relevant, k)


@arguments_named
def recall_capped_at_k(grades: ArrayLike, n_relevant: ArrayLike, k: int) -> NDArray[np.float64]:
    r"""Capped recall at ``k``, whose denominator is the most hits possible in ``k`` ranks.

    .. math:: \mathrm{Recall_{cap}@k} = \frac{H@k}{\min(R, k)}

    The variant of Liang et al. (2018, "Variational autoencoders for collaborative filtering")
    and Rendle et al. (2022, "Revisiting the performance of iALS on item recommendation
    benchmarks"); it equals 1 for a perfect list even when ``R > k``.

    Parameters
    ----------
    grades, n_relevant, k
        As in :func:`precision_at_k`.

    Returns
    -------
    ndarray of float64, shape (n_users,)
        In ``[0, 1]``; ``NaN`` for users with no relevant item.
    """
    return _single_metric("recall_capped", grades, n_relevant, k)


@arguments_named
def hit_rate_at_k(grades: ArrayLike, n_relevant: ArrayLike, k: int) -> NDArray[np.float64]:
    r"""Hit rate at ``k``: 1 if at least one relevant item is in the top ``k``, else 0.

    .. math:: \mathrm{HR@k} = [H@k > 0]

    Parameters
    ----------
    grades, n_relevant, k
        As in :func:`precision_at_k`.

    Returns
    -------
    ndarray of float64, shape (n_users,)
        0.0 or 1.0; ``NaN`` for users with no relevant item.
    """
    return _single_metric("hit_rate", grades, n_relevant, k)


@arguments_named
def f1_at_k(grades: ArrayLike, n_relevant: ArrayLike, k: int) -> NDArray[np.float64]:
    r"""F1 at ``k``: the harmonic mean of :func:`precision_at_k` and :func:`recall_at_k`.

    .. math:: \mathrm{F1@k} = \frac{2\,\mathrm{P@k}\,\mathrm{R@k}}{\mathrm{P@k} + \mathrm{R@k}}
              = \frac{2\,H@k}{k + R}

    (0 when there is no hit.) Precision here divides by ``k``; see :func:`precision_at_k`.

    Parameters
    ----------
    grades, n_relevant, k
        As in :func:`precision_at_k`.

    Returns
    -------
    ndarray of float64, shape (n_users,)
        In ``[0, 1]``; ``NaN`` for users with no relevant item.
    """
    return _single_metric("f1", grades, n_relevant, k)


@arguments_named
def reciprocal_rank_at_k(grades: ArrayLike, n_relevant: ArrayLike, k: int) -> NDArray[np.float64]:
    r"""Reciprocal rank at ``k``; its mean over users is MRR@k.

    .. math:: \mathrm{RR@k} = \frac{1}{r_1} \text{ if } r_1 \le k \text{ else } 0

    where :math:`r_1` is the rank of the first relevant item.

    Parameters
    ----------
    grades, n_relevant, k
        As in :func:`precision_at_k`.

    Returns
    -------
    ndarray of float64, shape (n_users,)
        In ``[0, 1]``; ``NaN`` for users with no relevant item.
    """
    return _single_metric("mrr", grades, n_relevant, k)


@arguments_named
def average_precision_at_k(
    grades: ArrayLike, n_relevant: ArrayLike, k: int
) -> NDArray[np.float64]:
    r"""Average precision at ``k``; its mean over users is MAP@k.

    .. math:: \mathrm{AP@k} = \frac{1}{\min(R, k)} \sum_{r=1}^{k} \mathrm{P@r}\; h_r

    Normalised by :math:`\min(R, k)`, the most hits possible in ``k`` ranks, so that a perfect
    list scores 1 (the convention of most recommender-system libraries). ranx and trec_eval
    divide by :math:`R` instead; the two agree whenever ``R <= k``.

    Parameters
    ----------
    grades, n_relevant, k
        As in :func:`precision_at_k`.

    Returns
    -------
    ndarray of float64, shape (n_users,)
        In ``[0, 1]``; ``NaN`` for users with no relevant item.
    """
    return _single_metric("map", grades, n_relevant, k)


@arguments_named
def ndcg_at_k(
    grades: ArrayLike, ideal: ArrayLike, k: int, *, gain: Gain = "exponential"
) -> NDArray[np.float64]:
    r"""Normalised discounted cumulative gain at ``k``, with graded relevance.

    .. math:: \mathrm{nDCG@k} = \frac{\mathrm{DCG@k}}{\mathrm{IDCG@k}}

    with DCG as in :func:`dcg_at_k` (discount :math:`\log_2(r + 1)`, gain :math:`2^g - 1` by
    default or :math:`g` with ``gain="linear"``) and the ideal DCG computed from the user's own
    relevant items, the ``k`` highest grades first (:func:`ideal_dcg_at_k`). Items outside the
    list do not enter DCG; the ideal is never restricted to the recommended items.

    Parameters
    ----------
    grades : array_like, shape (n_users, K)
        Output of :func:`relevance_at_ranks`.
    ideal : array_like, shape (n_users, >= k)
        Output of ``ideal_grades(truth, k)`` (or of a larger ``k``).
    k : int
        Cut-off, ``1 .. 10,000`` (the bound of ``ranking_metrics``' ``ks``).
    gain : {"exponential", "linear"}, default "exponential"

    Returns
    -------
    ndarray of float64, shape (n_users,)
        In ``[0, 1]``; ``NaN`` for users with no relevant item (``ideal[:, 0] == 0``).
    """
    # each user's DCG over another user's ideal, silently, for frames of one index in two
    # orders (as _single_metric's metrics)
    check_aligned(("grades", grades), ("ideal", ideal))
    grades_arr = as_grades_matrix(grades)
    ideal_arr = as_grades_matrix(ideal, name="ideal")
    k = check_cutoff(k)
    gain = check_choice(gain, "gain", _GAINS)  # type: ignore[assignment]
    if ideal_arr.shape[0] != grades_arr.shape[0]:
        raise MetricInputError(
            f"ideal has {ideal_arr.shape[0]} rows but grades has {grades_arr.shape[0]}"
        )
    if ideal_arr.shape[1] < k:
        raise MetricInputError(
            f"ideal has {ideal_arr.shape[1]} columns but k={k}; "
            "build it with ideal_grades(truth, k)"
        )
    # the ideal DCG and the test for users without relevant items (ideal[:, 0] == 0) read
    # the grades best first: an unsorted row gave a wrong nDCG, or NaN, without a word
    rising = np.diff(ideal_arr[:, :k], axis=1) > 0
    if rising.any():
        row = int(np.flatnonzero(rising.any(axis=1))[0])
        raise MetricInputError(
            f"ideal row {row} is not sorted from the highest grade down "
            f"({ideal_arr[row, :min(k, 5)].tolist()}{'...' if k > 5 else ''}); build it "
            "with ideal_grades(truth, k), which sorts each user's grades in descending "
            "order")
    name = "ndcg" if gain == "exponential" else "ndcg_linear"
    top = np.ascontiguousarray(grades_arr[:, :k])
    flat = np.flatnonzero(top > 0)
    # the first ideal grade is each user's largest (sorted, checked above)
    shift = _gain_shift(_gains(ideal_arr[:, 0], gain))
    idcg = (np.ldexp(_gains(ideal_arr[:, :k], gain), -shift[:, None]) * _discounts(k)).sum(axis=1)
    has_relevant = ideal_arr[:, 0] > 0
    values = _metrics_from_hits(
        flat,
        top.ravel()[flat],
        max(top.shape[1], 1),
        has_relevant.astype(np.int64),
        {name: idcg[:, None]},
        (k,),
        (name,),
        {name: shift},
    )[f"{name}@{k}"]
    if np.any(values > 1 + NDCG_ROUNDING):
        raise MetricInputError(
            "grades and ideal disagree: some user's DCG exceeds the ideal DCG; build both from "
            "the same truth matrix"
        )
    # the ideal's first grade is the user's largest: a listed grade above it comes from
    # another truth, though the DCG may stay below the ideal's. A user whose ideal was all 0
    # but whose list held a hit was NaN (no relevant item) without a word, where the other
    # metrics refuse a hit beyond n_relevant
    above = grades_arr > ideal_arr[:, :1]
    if above.any():
        row, column = (int(at) for at in np.argwhere(above)[0])
        largest = ideal_arr[row, 0]
        raise MetricInputError(
            f"grades and ideal disagree: grades row {row}, column {column} holds the grade "
            f"{shown(grades_arr[row, column])}, but ideal row {row} says the user's largest "
            f"grade is {shown(largest)}"
            + (" (no relevant item)" if largest == 0 else "")
            + "; build both from the same truth matrix (relevance_at_ranks(recommended, "
            "truth) and ideal_grades(truth, k))")
    return values


# --------------------------------------------------------------------------------------------
# Many metrics, many cut-offs, one pass
# --------------------------------------------------------------------------------------------


@arguments_named
def ranking_metrics(
    recommended: ArrayLike,
    truth: Any,
    ks: int | Iterable[int] = (10,),
    metrics: Iterable[str] = RANKING_METRICS,
    *,
    chunk_rows: int = _DEFAULT_CHUNK_ROWS,
    n_threads: int | None = None,
) -> dict[str, NDArray[np.float64]]:
    """Compute several ranking metrics at several cut-offs in one pass over the lists.

    Parameters
    ----------
    recommended : array_like of int, shape (n_users, K)
        Recommended item indices, best first, ``-1`` for padding. Only the first ``max(ks)``
        columns are read (and checked).
    truth : scipy.sparse matrix, shape (n_users, n_items)
        Relevance grades; a stored value ``> 0`` marks a relevant item.
    ks : int or iterable of int, default (10,)
        Cut-offs, each ``>= 1``; may exceed ``K`` (missing ranks count as padding).
    metrics : iterable of str, default all of :data:`RANKING_METRICS`
        A list (not a bare string: ``["ndcg"]``) of any of ``"precision"``, ``"recall"``,
        ``"recall_capped"``, ``"hit_rate"``, ``"f1"``,
        ``"mrr"``, ``"map"``, ``"ndcg"`` (gain ``2**g - 1``) and ``"ndcg_linear"`` (gain ``g``),
        defined exactly as :func:`precision_at_k`, :func:`recall_at_k`,
        :func:`recall_capped_at_k`, :func:`hit_rate_at_k`, :func:`f1_at_k`,
        :func:`reciprocal_rank_at_k`, :func:`average_precision_at_k` and :func:`ndcg_at_k`.
    chunk_rows : int, default 4096
        Users per block. Bounds the temporaries to a few ``chunk_rows x max(ks)`` arrays.
    n_threads : int, optional
        Threads that process blocks concurrently (numpy releases the GIL in the kernels).
        Default: the CPUs available to this process. Results do not depend on ``chunk_rows``
        or ``n_threads``.

    Returns
    -------
    dict of str to ndarray of float64, shape (n_users,)
        Keys ``"<metric>@<k>"`` (e.g. ``"ndcg@10"``), ordered by metric as given, then by
        increasing ``k``. Values are per user; ``NaN`` for users with no relevant item (see
        :func:`mean_over_users`).

    Notes
    -----
    Only the relevant recommended entries ("hits") are materialised: after the lookup of
    :func:`relevance_at_ranks`, every metric at every cut-off is a per-user sum over hits,
    taken with one :func:`numpy.bincount` per quantity over (user, cut-off segment) bins and a
    running sum over the few segments. Ideal DCG needs no sort for binary or few-level integer
    grades (it follows from the count of relevant items per grade).

    Examples
    --------
    >>> import scipy.sparse as sp
    >>> truth = sp.csr_matrix([[0, 1, 0, 1, 0]])
    >>> out = ranking_metrics([[4, 1, 0]], truth, ks=(1, 3), metrics=("precision", "mrr"))
    >>> {name: float(v[0]) for name, v in out.items()}
    {'precision@1': 0.0, 'precision@3': 0.3333333333333333, 'mrr@1': 0.0, 'mrr@3': 0.5}
    """
    truth_csr = _as_truth(truth)
    cutoffs = tuple(sorted(check_ks(ks)))
    names = _check_metric_names(metrics)
    block_rows = check_k(chunk_rows, name="chunk_rows")
    n_users, n_items = truth_csr.shape
    rec = as_recommended(recommended, n_users=n_users)
    k_max = cutoffs[-1]
    if rec.shape[1] > k_max:
        rec = rec[:, :k_max]
    width = max(rec.shape[1], 1)
    n_rel = _count_relevant(truth_csr)
    ndcg_gains = {name: gain for name, gain in _NDCG_GAINS.items() if name in names}

    keys = [f"{name}@{k}" for name in names for k in cutoffs]
    results = {key: np.empty(n_users, dtype=np.float64) for key in keys}

    def process(start: int) -> None:
        stop = min(start + block_rows, n_users)
        block = check_recommended_rows(rec[start:stop], n_items, first_row=start)
        flat, grade = _find_hits(block, truth_csr, start)
        indptr = truth_csr.indptr[start : stop + 1]
        ideal = {
            name: _ideal_dcg(indptr, truth_csr.data, cutoffs, gain)
            for name, gain in ndcg_gains.items()
        }
        idcg = {name: value for name, (value, _) in ideal.items()}
        shifts = {name: shift for name, (_, shift) in ideal.items()}
        values = _metrics_from_hits(flat, grade, width, n_rel[start:stop], idcg, cutoffs, names,
                                    shifts)
        for key in keys:
            results[key][start:stop] = values[key]

    starts = range(0, n_users, block_rows)
    workers = _thread_count(n_threads, len(starts))
    if workers == 1:
        for start in starts:
            process(start)
    else:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            # list() re-raises the first block's error, if any, in this thread.
            list(pool.map(process, starts))
    return results


@dataclass(frozen=True)
class UserAverage:
    """Mean of a per-user metric over the users for whom it is defined.

    Attributes
    ----------
    mean : float
        Mean over included users; ``NaN`` when no user is included.
    n_users : int
        All users in the input.
    n_excluded : int
        Users whose value was ``NaN`` (for ranking metrics: users without relevant items).
    """

    mean: float
    n_users: int
    n_excluded: int

    @property
    def n_included(self) -> int:
        """Users that entered the mean."""
        return self.n_users - self.n_excluded


@arguments_named
def mean_over_users(values: ArrayLike) -> UserAverage:
    """Average per-user values, excluding ``NaN`` (undefined) users and counting them.

    Parameters
    ----------
    values : array_like of float, shape (n_users,)
        A per-user metric, e.g. one entry of :func:`ranking_metrics`. True/false values
        (hits as a boolean mask) are refused: write them as 1.0 and 0.0.

    Returns
    -------
    UserAverage
        ``mean`` is ``NaN`` (not an error) when every user is excluded or there are no users,
        so that a subgroup without eligible users can still be reported with its counts.
    """
    # NaN marks an excluded user; ±inf is no metric value and would make the mean inf
    refuse_true_false(values, "values")  # [True, False] was averaged as 0.5
    array = as_float_array(values, "values", ndim=1, allow_nan=True)
    defined = ~np.isnan(array)
    n_included = int(defined.sum())
    mean = float(array[defined].mean()) if n_included else float("nan")
    return UserAverage(mean=mean, n_users=int(array.size), n_excluded=int(array.size - n_included))


# --------------------------------------------------------------------------------------------
# AUC from full score rows
# --------------------------------------------------------------------------------------------


@arguments_named
def auc_per_user(
    scores: ArrayLike, positives: Any, exclude: Any | None = None
) -> NDArray[np.float64]:
    r"""Per-user ROC AUC of full score rows: each user's positives against all their negatives.

    For user :math:`u` with positive set :math:`P` and negative set :math:`N` (every catalog
    item that is neither positive nor excluded),

    .. math:: \mathrm{AUC}_u = \frac{1}{|P|\,|N|} \sum_{i \in P} \sum_{j \in N}
              \left([s_i > s_j] + \tfrac{1}{2}[s_i = s_j]\right)
              = \frac{\sum_{i \in P} \mathrm{rank}(s_i) - |P|(|P| + 1)/2}{|P|\,|N|},

    where ranks are average ranks (ties share the mean of their positions) among the user's
    candidates :math:`P \cup N`, ascending by score. Ties therefore count one half.

    Parameters
    ----------
    scores : array_like of float, shape (n_users, n_items)
        Dense model scores; higher means more likely relevant. ``±inf`` is allowed (e.g. masked
        items), ``NaN`` is not.
    positives : scipy.sparse matrix or array_like, shape (n_users, n_items)
        A stored value ``> 0`` marks a positive (held-out) item, 0 (or absent) none; a
        negative value is refused, naming its row and column (as ``truth`` of
        :func:`ranking_metrics` refuses a negative grade).
    exclude : scipy.sparse matrix or array_like, shape (n_users, n_items), optional
        A non-zero entry removes the item from the user's candidates, positive or not
        (typically the user's training items). Exclusion wins over positivity.

    Returns
    -------
    ndarray of float64, shape (n_users,)
        In ``[0, 1]``; ``NaN`` for users without a positive or without a negative.

    Notes
    -----
    Vectorised over users: one row-wise sort, ``O(n_users * n_items * log n_items)`` time and a
    few ``(n_users, n_items)`` temporaries, so evaluate large catalogues in batches of users.
    """
    score_arr, positive_mask, candidate_mask = _auc_inputs(scores, positives, exclude)
    return rowwise_auc(score_arr, positive_mask, candidate_mask)


@arguments_named
def global_auc(scores: ArrayLike, positives: Any, exclude: Any | None = None) -> float:
    r"""ROC AUC over all (user, item) candidate pairs pooled into one sample.

    Every non-excluded (user, item) cell is one example with label 1 if positive, 0 otherwise
    and its score; the AUC of that pooled sample (ties count one half) compares scores *across*
    users too, unlike :func:`auc_per_user`.

    Parameters
    ----------
    scores, positives, exclude
        As in :func:`auc_per_user`.

    Returns
    -------
    float
        In ``[0, 1]``; ``NaN`` if the pooled sample lacks positives or negatives.

    Raises
    ------
    MetricInputError
        If there are no candidate pairs at all (empty input or everything excluded).
    """
    score_arr, positive_mask, candidate_mask = _auc_inputs(scores, positives, exclude)
    if not candidate_mask.any():
        raise MetricInputError("scores is empty (or all excluded); global AUC needs candidates")
    pooled_scores = score_arr[candidate_mask][None, :]
    pooled_labels = positive_mask[candidate_mask][None, :]
    return float(rowwise_auc(pooled_scores, pooled_labels, np.ones_like(pooled_labels))[0])


# --------------------------------------------------------------------------------------------
# Internals
# --------------------------------------------------------------------------------------------


def _as_truth(truth: Any) -> sp.csr_matrix:
    csr = as_csr(truth, "truth")
    if csr.nnz and csr.data.min() < 0:
        # it named neither the user nor the item, nor the grade
        first = int(np.flatnonzero(csr.data < 0)[0])
        row = int(np.searchsorted(csr.indptr, first, side="right") - 1)
        raise MetricInputError(f"truth holds negative grades; relevance grades must be >= 0 "
                               f"(0 or absent: not relevant), but row {row}, column "
                               f"{int(csr.indices[first])} holds {shown(csr.data[first])}")
    check_key_space(*csr.shape)
    return csr


#: abbreviations of the literature (lower case) of metrics recstack names in full: the name
#: meant and what the abbreviation stands for
METRIC_ABBREVIATIONS: dict[str, tuple[str, str]] = {
    "hr": ("hit_rate", "hit rate"),
    "ild": ("diversity", "intra-list diversity"),
    "arp": ("popularity", "average recommendation popularity"),
}


def abbreviation_hint(name: Any, known: Sequence[str]) -> str:
    """`` (did you mean 'hit_rate'? ...)`` for a metric ``name`` that abbreviates one of
    ``known`` (HR@10, as the NCF and SASRec papers write hit rate), else nothing: ``hr`` is
    too short and too far from ``hit_rate`` to be taken as a misspelling, and got no hint."""
    meant = METRIC_ABBREVIATIONS.get(name.lower()) if isinstance(name, str) else None
    if meant is None or meant[0] not in known:
        return ""
    return (f" (did you mean {meant[0]!r}? {name} is the usual abbreviation of {meant[1]}, "
            f"which recstack names {meant[0]!r})")


def _check_metric_names(metrics: Iterable[str]) -> tuple[str, ...]:
    # a bare name is refused, as the Evaluator and the Spark evaluator refuse it: a list is
    # what every caller passes, and a string where a list belongs is usually a mistake
    if isinstance(metrics, str | bytes):
        raise MetricInputError(
            f"metrics must be a list of names, got the bare string {metrics!r}; write "
            f"[{metrics!r}]" if isinstance(metrics, str) else
            f"metrics must be a list of names, got bytes {metrics!r}")
    try:
        names = tuple(metrics)
    except TypeError:
        raise MetricInputError(
            f"metrics must be a name or names in a list, such as ['ndcg'], got {metrics!r}"
        ) from None
    if not names:
        raise MetricInputError("metrics is empty; name at least one, e.g. ('ndcg',)")
    unknown = [name for name in names if not isinstance(name, str) or name not in RANKING_METRICS]
    if unknown:
        hint = (" (give the cut-off in ks, not in the name)"
                if any(isinstance(name, str) and "@" in name for name in unknown)
                else abbreviation_hint(unknown[0], RANKING_METRICS)
                or did_you_mean(unknown[0], RANKING_METRICS))
        raise MetricInputError(
            f"unknown ranking metric(s) {unknown}{hint}; known: {', '.join(RANKING_METRICS)}"
        )
    if len(set(names)) != len(names):
        raise MetricInputError(f"metrics has repeated names: {list(names)}")
    return names


def _thread_count(requested: int | None, n_blocks: int) -> int:
    if requested is None:
        try:
            available = len(os.sched_getaffinity(0))
        except AttributeError:  # not on Linux
            available = os.cpu_count() or 1
    else:
        available = check_k(requested, name="n_threads")
    return max(1, min(available, n_blocks))


def _count_relevant(truth: sp.csr_matrix) -> NDArray[np.int64]:
    n_users = truth.shape[0]
    if truth.nnz == 0 or truth.data.min() > 0:
        return np.diff(truth.indptr).astype(np.int64)
    rows = np.repeat(np.arange(n_users), np.diff(truth.indptr))
    return np.bincount(rows[truth.data > 0], minlength=n_users).astype(np.int64)


def _find_hits(
    rec: NDArray[np.int64], truth: sp.csr_matrix, first_row: int
) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
    """Relevant entries of a checked block ``rec`` of users ``first_row, first_row + 1, ...``.

    Returns the flat (row-major) positions of the hits in ``rec``, ascending, and their grades.
    """
    no_hits = (np.empty(0, dtype=np.int64), np.empty(0, dtype=np.float64))
    n_rows, width = rec.shape
    if n_rows == 0 or width == 0:
        return no_hits
    indptr = truth.indptr[first_row : first_row + n_rows + 1]
    lo, hi = int(indptr[0]), int(indptr[-1])
    if lo == hi:
        return no_hits
    items = truth.indices[lo:hi].astype(np.int64)
    stored_rows = np.repeat(np.arange(n_rows, dtype=np.int64), np.diff(indptr))

    slot_mask = _SIGNATURE_SLOTS - 1
    signature = np.zeros(n_rows * _SIGNATURE_SLOTS, dtype=bool)
    signature[stored_rows * _SIGNATURE_SLOTS + (items & slot_mask)] = True
    row_base = np.arange(0, n_rows * _SIGNATURE_SLOTS, _SIGNATURE_SLOTS, dtype=np.int64)
    maybe = signature[row_base[:, None] + (rec & slot_mask)]
    maybe &= rec >= 0  # padding -1 would land in the last slot
    flat = np.flatnonzero(maybe)
    if flat.size == 0:
        return no_hits

    n_items = truth.shape[1]
    # Canonical CSR: (row, item) pairs are sorted, so these keys are strictly increasing.
    stored_keys = stored_rows * n_items + items
    wanted = (flat // width) * n_items + rec.ravel()[flat]
    position = np.searchsorted(stored_keys, wanted)
    np.minimum(position, stored_keys.size - 1, out=position)
    found = stored_keys[position] == wanted
    grade = truth.data[lo:hi][position[found]]
    relevant = grade > 0  # explicit zeros are stored but not relevant
    return flat[found][relevant], grade[relevant]


def _relevant_entries(
    indptr: NDArray[np.integer], data: NDArray[np.float64]
) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
    """Block-local row and grade of every relevant stored entry of rows ``indptr`` delimits."""
    lo, hi = int(indptr[0]), int(indptr[-1])
    rows = np.repeat(np.arange(indptr.size - 1, dtype=np.int64), np.diff(indptr))
    grades = data[lo:hi]
    relevant = grades > 0
    if relevant.all():
        return rows, grades
    return rows[relevant], grades[relevant]


def _ideal_matrix(
    rows: NDArray[np.int64], grades: NDArray[np.float64], n_rows: int, k: int
) -> NDArray[np.float64]:
    """Each row's ``k`` highest grades in descending order, zero-padded; rows ascending."""
    ideal = np.zeros((n_rows, k), dtype=np.float64)
    if grades.size == 0:
        return ideal
    if grades.min() != grades.max():
        # Rows stay grouped (primary key), grades descend within each row (secondary key).
        order = np.lexsort((-grades, rows))
        rows, grades = rows[order], grades[order]
    counts = np.bincount(rows, minlength=n_rows)
    row_start = np.concatenate(([0], np.cumsum(counts)[:-1]))
    rank = np.arange(rows.size) - row_start[rows]
    keep = rank < k
    ideal[rows[keep], rank[keep]] = grades[keep]
    return ideal


def _ideal_dcg(
    indptr: NDArray[np.integer], data: NDArray[np.float64], ks: tuple[int, ...], gain: str
) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    """IDCG at each cut-off in ascending ``ks`` for the rows ``indptr`` delimits, with each
    row's gains divided by ``2**shift`` (:func:`_gain_shift` of its largest gain; 0 unless
    that gain is near float64's limit), and those shifts.

    Shape (n_rows, len(ks)) and (n_rows,). The ideal list holds the row's grades in
    descending order, so with ``c_g`` items of grade ``g`` and ``s_g`` items of higher
    grades, grade ``g`` fills ranks ``s_g + 1 .. s_g + c_g``:
    IDCG@k = sum_g gain(g) * (D[min(s_g + c_g, k)] - D[min(s_g, k)]) with D the running sum
    of discounts. That needs counts, not a sort.
    """
    n_rows = indptr.size - 1
    rows, grades = _relevant_entries(indptr, data)
    out = np.zeros((n_rows, len(ks)), dtype=np.float64)
    if grades.size == 0:
        return out, np.zeros(n_rows, np.int64)
    # each row's largest grade (rows ascend: CSR order), for the shift of its gains
    counts = np.bincount(rows, minlength=n_rows)
    filled_rows = counts > 0
    largest = np.zeros(n_rows, dtype=np.float64)
    largest[filled_rows] = np.maximum.reduceat(grades, (np.cumsum(counts) - counts)[filled_rows])
    shift = _gain_shift(_gains(largest, gain))
    # An ideal list is no longer than the row's relevant items, so cut-offs beyond the
    # longest row change nothing: capping them keeps a huge k from allocating k discounts.
    depth = int(np.bincount(rows).max())
    ks = tuple(min(k, depth) for k in ks)
    k_max = ks[-1]
    running_discount = np.concatenate(([0.0], np.cumsum(_discounts(k_max))))
    low, high = float(grades.min()), float(grades.max())
    integer_levels = high - low < _MAX_COUNTED_LEVELS and bool(
        np.all(grades == np.floor(grades))
    )
    if low == high or integer_levels:
        n_levels = int(high - low) + 1
        level_of_entry = (high - grades).astype(np.int64)  # 0 is the best grade
        counts = np.bincount(rows * n_levels + level_of_entry, minlength=n_rows * n_levels)
        counts = counts.reshape(n_rows, n_levels)
        level_end = np.cumsum(counts, axis=1)
        level_start = level_end - counts
        level_gain = _gains(high - np.arange(n_levels, dtype=np.float64), gain)
        for j, k in enumerate(ks):
            filled = (
                running_discount[np.minimum(level_end, k)]
                - running_discount[np.minimum(level_start, k)]
            )
            # Summed level by level, not with a BLAS product, so that a user's value does not
            # depend on how many users share the block.
            for level in range(n_levels):
                out[:, j] += filled[:, level] * np.ldexp(level_gain[level], -shift)
        return out, shift
    ideal = _ideal_matrix(rows, grades, n_rows, k_max)
    running = np.cumsum(np.ldexp(_gains(ideal, gain), -shift[:, None]) * _discounts(k_max),
                        axis=1)
    for j, k in enumerate(ks):
        out[:, j] = running[:, k - 1]
    return out, shift


def _gain_shift(largest: NDArray[np.float64]) -> NDArray[np.int64]:
    """Per user, the power of two that brings their largest gain ``largest`` below
    ``2**_SAFE_GAIN_EXPONENT`` (0 for every gain below it: the sums stay as they were), by
    which their gains are divided before a DCG sums them. At most 24 (float64's largest
    gain is below 2**1024), so no gain of theirs above 2**-1000 becomes subnormal."""
    exponent = np.frexp(np.asarray(largest, dtype=np.float64))[1].astype(np.int64)
    return np.maximum(exponent - _SAFE_GAIN_EXPONENT, 0)


def _gains(grades: NDArray[np.float64], gain: str) -> NDArray[np.float64]:
    if gain == "linear":
        return grades
    if grades.size and grades.max() > _MAX_EXPONENTIAL_GRADE:
        # 2**g overflows to inf, and nDCG would silently become inf / inf = NaN
        raise MetricInputError(
            f"relevance grade {float(grades.max()):g} is too large for the exponential gain "
            f"2**g - 1 (grades up to {_MAX_EXPONENTIAL_GRADE} fit a float); use the linear "
            "gain (metric 'ndcg_linear', gain='linear') or rescale the grades"
        )
    return np.exp2(grades) - 1.0


def _discounts(width: int) -> NDArray[np.float64]:
    return 1.0 / np.log2(np.arange(2, width + 2, dtype=np.float64))


def _single_metric(
    name: str, grades: ArrayLike, n_relevant: ArrayLike, k: int
) -> NDArray[np.float64]:
    # one row per user in both: pandas objects of the same users in two orders were paired
    # by position, each user's hits divided by another's count of relevant items (a count
    # too small for the row was refused, a larger one gave a wrong value silently)
    check_aligned(("grades", grades), ("n_relevant", n_relevant))
    grades_arr = as_grades_matrix(grades)
    n_rel = as_counts(n_relevant, "n_relevant", grades_arr.shape[0])
    k = check_cutoff(k)
    listed = (grades_arr > 0).sum(axis=1)
    inconsistent = listed > n_rel
    if np.any(inconsistent):
        row = int(np.flatnonzero(inconsistent)[0])
        raise MetricInputError(
            f"grades row {row} has {int(listed[row])} relevant items but n_relevant says "
            f"{int(n_rel[row])}; build both from the same truth matrix"
        )
    top = np.ascontiguousarray(grades_arr[:, :k])
    flat = np.flatnonzero(top > 0)
    width = max(top.shape[1], 1)
    return _metrics_from_hits(flat, top.ravel()[flat], width, n_rel, {}, (k,), (name,))[
        f"{name}@{k}"
    ]


def _metrics_from_hits(
    flat: NDArray[np.int64],
    grade: NDArray[np.float64],
    width: int,
    n_rel: NDArray[np.int64],
    idcg: dict[str, NDArray[np.float64]],
    ks: tuple[int, ...],
    names: tuple[str, ...],
    shifts: dict[str, NDArray[np.int64]] | None = None,
) -> dict[str, NDArray[np.float64]]:
    """Every requested metric at every cut-off from the hits of one block of users.

    ``flat`` holds the row-major positions of the hits in a (n_rows, width) list matrix,
    ascending, and ``grade`` their grades; ``ks`` ascend and every hit's rank is <= ks[-1];
    ``idcg[name]`` is (n_rows, len(ks)) for each nDCG variant requested, its gains divided
    by ``2**shifts[name]`` per row (:func:`_gain_shift`), as the DCG's gains are here.

    Each metric is a per-user sum over hits. Summing into bins (user, segment), where segment
    ``j`` covers ranks ``ks[j-1] + 1 .. ks[j]``, and then a running sum over the few segments
    gives the value at every cut-off from one pass over the hits.
    """
    n_rows = n_rel.shape[0]
    n_seg = len(ks)
    row = flat // width
    rank = flat % width + 1
    bins = row * n_seg + np.searchsorted(np.asarray(ks), rank)

    def through_cutoffs(weights: NDArray[np.float64] | None) -> NDArray[np.float64]:
        per_segment = np.bincount(bins, weights=weights, minlength=n_rows * n_seg)
        return np.cumsum(per_segment.reshape(n_rows, n_seg), axis=1, dtype=np.float64)

    wanted = set(names)
    n_rel_f = n_rel.astype(np.float64)
    excluded = n_rel == 0
    first_of_row = np.ones(row.size, dtype=bool)
    first_of_row[1:] = row[1:] != row[:-1]

    hits = through_cutoffs(None)
    first_rank = np.full(n_rows, np.inf)
    if "mrr" in wanted:
        first_rank[row[first_of_row]] = rank[first_of_row]
    precision_sum = None
    if "map" in wanted:
        # The i-th hit of a row, at rank r, contributes P@r = i / r.
        row_start = np.flatnonzero(first_of_row)
        row_length = np.diff(np.append(row_start, row.size))
        hit_index = np.arange(1, row.size + 1) - np.repeat(row_start, row_length)
        precision_sum = through_cutoffs(hit_index / rank)
    dcg: dict[str, NDArray[np.float64]] = {}
    for name, gain in _NDCG_GAINS.items():
        if name in wanted:
            gains = _gains(grade, gain)
            if shifts is not None and name in shifts:
                gains = np.ldexp(gains, -shifts[name][row])
            dcg[name] = through_cutoffs(gains / np.log2(rank + 1.0))

    out: dict[str, NDArray[np.float64]] = {}
    with np.errstate(divide="ignore", invalid="ignore"):
        for name in names:
            for j, k in enumerate(ks):
                h = hits[:, j]
                if name == "precision":
                    value = h / k
                elif name == "recall":
                    value = h / n_rel_f
                elif name == "recall_capped":
                    value = h / np.minimum(n_rel_f, k)
                elif name == "hit_rate":
                    value = (h > 0).astype(np.float64)
                elif name == "f1":
                    value = 2.0 * h / (k + n_rel_f)
                elif name == "mrr":
                    value = np.where(first_rank <= k, 1.0 / first_rank, 0.0)
                elif name == "map":
                    value = precision_sum[:, j] / np.minimum(n_rel_f, k)  # type: ignore[index]
                else:
                    value = dcg[name][:, j] / idcg[name][:, j]
                    # DCG and the ideal DCG are summed in different orders: a list in the
                    # ideal order came out 1.0000000000000002 or 0.9999999999999999. A
                    # larger excess is no rounding (ndcg_at_k refuses it as grades and
                    # ideal disagreeing); a shortfall within the rounding of a sum of k
                    # terms cannot be told from 1
                    near_one = (value <= 1.0 + NDCG_ROUNDING) & (
                        value >= 1.0 - SUM_ROUNDING * k)
                    value[near_one] = 1.0
                value[excluded] = np.nan
                out[f"{name}@{k}"] = value
    return out


def _dense_mask(matrix: Any, shape: tuple[int, int], name: str, *, positive_only: bool) -> Any:
    if matrix is None:
        return np.zeros(shape, dtype=bool)
    if sp.issparse(matrix):
        csr = as_csr(matrix, name, shape=shape)
        keep = csr.data > 0 if positive_only else csr.data != 0
        rows = np.repeat(np.arange(shape[0]), np.diff(csr.indptr))
        if positive_only and csr.nnz and csr.data.min() < 0:
            first = int(np.flatnonzero(csr.data < 0)[0])
            _refuse_negative_mark(name, int(rows[first]), int(csr.indices[first]),
                                  csr.data[first])
        mask = np.zeros(shape, dtype=bool)
        mask[rows[keep], csr.indices[keep]] = True
        return mask
    dense = as_float_array(matrix, name, ndim=2, allow_inf=not positive_only)
    if dense.shape != shape:
        raise MetricInputError(f"{name} has shape {dense.shape}, expected {shape}")
    if positive_only and (dense < 0).any():
        row, column = (int(i) for i in np.argwhere(dense < 0)[0])
        _refuse_negative_mark(name, row, column, dense[row, column])
    return dense > 0 if positive_only else dense != 0


def _refuse_negative_mark(name: str, row: int, column: int, value: Any) -> None:
    """Refuse a negative value where a value > 0 marks a positive, as :func:`_as_truth`
    refuses a negative grade: a -1 (a dislike, or a label coded -1/+1) was read as "not
    positive" without a word, where ranking_metrics refused it in ``truth``."""
    raise MetricInputError(f"{name} holds negative values; a value > 0 marks a positive "
                           f"(0 or absent: not positive), but row {row}, column {column} "
                           f"holds {shown(value)}; for labels coded -1/+1 give "
                           f"({name} > 0)")


def _auc_inputs(scores: ArrayLike, positives: Any, exclude: Any | None) -> tuple[Any, Any, Any]:
    refuse_reordered_rows(scores, "scores")  # each user's scores against another's positives
    # and frames of users' labels in two orders, paired by position (sparse ones have none)
    check_aligned(("scores", scores), ("positives", positives), ("exclude", exclude))
    # a float masked array took the fast path below, its hidden scores ranked as any other
    refuse_masked(scores, "scores")
    # predicted classes (or the positives) in the scores' place: every positive tied at 1,
    # the AUC of one threshold, as roc_auc refuses them
    refuse_predicted_classes(scores, "scores", "model scores", "every positive tied at 1 "
                             "and every negative at 0, the AUC of one threshold")
    score_arr = scores if isinstance(scores, np.ndarray) else None
    if score_arr is None or not np.issubdtype(score_arr.dtype, np.floating):
        # only the order matters, so float32 scores stay float32
        score_arr = as_float_array(scores, "scores", ndim=2, allow_inf=True, allow_nan=True)
        if score_arr.ndim == 2 and not np.isnan(score_arr).any():
            # integer scores past 2**53 ranked by their own values, not their merged floats
            score_arr = exactly_ordered(scores, score_arr)
    if score_arr.ndim != 2:
        raise MetricInputError(
            f"scores must be a dense 2-D (n_users, n_items) array, got shape {score_arr.shape}"
        )
    if np.isnan(score_arr).any():
        row, item = (int(i) for i in np.argwhere(np.isnan(score_arr))[0])
        raise MetricInputError(f"scores holds NaN at row {row}, item {item}; "
                               "give every item a score (±inf is allowed)")
    positive_mask = _dense_mask(positives, score_arr.shape, "positives", positive_only=True)
    excluded = _dense_mask(exclude, score_arr.shape, "exclude", positive_only=False)
    candidate = ~excluded
    return score_arr, positive_mask & candidate, candidate

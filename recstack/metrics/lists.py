r"""Metrics of whole recommendation lists beyond accuracy: list calibration (Steck 2018),
long-tail share and position-discounted exposure of item groups.

Lists come as in :mod:`recstack.metrics.ranking`: ``recommended`` is an int array
(n_users, K) of item indices, best first, ``-1`` padding. Genres are an ``(n_items,
n_genres)`` non-negative matrix (a multi-hot genre matrix, dense or sparse); an item's genre
distribution is its row divided by the row's sum (Steck's :math:`p(g|i)`), and an item
without any genre has none (it adds nothing to a distribution).
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np
import scipy.sparse as sp
from numpy.typing import ArrayLike, NDArray

from recstack.errors import shown
from recstack.metrics._scale import row_shifts
from recstack.metrics._validation import (
    MAX_POSITIONS,
    MetricInputError,
    as_csr,
    as_float_array,
    check_aligned,
    check_choice,
    check_k,
    check_lists,
    exact_as_float,
    refuse_featureless,
    refuse_label_text,
    refuse_reordered_rows,
    shown_given,
)
from recstack.specs import arguments_named, number_spelling_hint

__all__ = [
    "STECK_ALPHA",
    "exposure_disparity",
    "genre_distributions",
    "group_exposure",
    "history_genre_distribution",
    "item_genre_shares",
    "list_genre_distribution",
    "long_tail_share",
    "miscalibration_kl",
    "position_discount",
]

#: the smoothing of Steck (2018), :math:`\tilde q = (1 - \alpha) q + \alpha p`
STECK_ALPHA = 0.01


@arguments_named
def item_genre_shares(item_genres: Any) -> NDArray[np.float64]:
    r"""Each item's genre distribution :math:`p(g|i)`: its genre row divided by the row sum
    (Steck 2018, sec. 2: a film with two genres counts half for each). Rows of items without
    genres stay zero.

    Parameters
    ----------
    item_genres : array_like or scipy.sparse matrix, shape (n_items, n_genres)
        Non-negative, e.g. a multi-hot genre matrix.

    Returns
    -------
    ndarray of float64, shape (n_items, n_genres)
    """
    genres = item_genres.toarray() if sp.issparse(item_genres) else item_genres
    refuse_reordered_rows(genres, "item_genres")  # one row per item, by position
    refuse_label_text(genres, "item_genres")
    matrix = as_float_array(genres, "item_genres", ndim=2,
                            non_negative=True)
    # each row in units of a power of two (exact): weights of 1e308 summed to inf and the
    # item's shares came out 0, as though it had no genre
    matrix = np.ldexp(matrix, -row_shifts(matrix.max(axis=1, initial=0.0))[:, None])
    totals = matrix.sum(axis=1, keepdims=True)
    return np.divide(matrix, totals, out=np.zeros_like(matrix), where=totals > 0)


@arguments_named
def genre_distributions(weights: Any, item_genres: Any) -> NDArray[np.float64]:
    r"""Weighted genre distributions of sets of items:

    .. math:: p(g|u) = \frac{\sum_i w_{ui}\, p(g|i)}{\sum_i w_{ui}\,[i \text{ has a genre}]}

    Parameters
    ----------
    weights : scipy.sparse matrix or array_like, shape (n_users, n_items)
        Non-negative weight of each item in each user's set (1 for membership; Steck weights
        a history by recency or rating, a list by position).
    item_genres : array_like or sparse, shape (n_items, n_genres)

    Returns
    -------
    ndarray of float64, shape (n_users, n_genres)
        Rows sum to 1; a row whose items have no genre is all zero.
    """
    shares = item_genre_shares(item_genres)
    if sp.issparse(weights):
        matrix = as_csr(weights, "weights")
        if matrix.nnz and matrix.data.min() < 0:
            # named as a dense array's negative weight is: by its place and value
            first = int(np.flatnonzero(matrix.data < 0)[0])
            row = int(np.searchsorted(matrix.indptr, first, side="right") - 1)
            raise MetricInputError(f"weights must be non-negative; row {row}, column "
                                   f"{int(matrix.indices[first])} holds "
                                   f"{shown(matrix.data[first])}")
    else:
        matrix = sp.csr_matrix(as_float_array(weights, "weights", ndim=2,
                                              non_negative=True))
    if matrix.shape[1] != shares.shape[0]:
        raise MetricInputError(f"weights has {matrix.shape[1]} columns but item_genres has "
                               f"{shares.shape[0]} items")
    # each user's weights in units of a power of two (exact, and a distribution does not
    # change with the scale of its weights): weights of 1e308 summed to inf and the user's
    # distribution came out all zero, as though none of their items had a genre
    largest = (np.asarray(abs(matrix).max(axis=1).todense()).ravel() if matrix.shape[1]
               else np.zeros(matrix.shape[0]))
    shift = row_shifts(largest)
    if shift.any():
        matrix = matrix.copy()
        matrix.data = np.ldexp(matrix.data, -np.repeat(shift, np.diff(matrix.indptr)))
    mass = np.asarray(matrix @ shares)
    totals = mass.sum(axis=1, keepdims=True)
    return np.divide(mass, totals, out=np.zeros_like(mass), where=totals > 0)


@arguments_named
def history_genre_distribution(history: Any, item_genres: Any, *, binary: bool = True
                               ) -> NDArray[np.float64]:
    r"""The genre distribution of each user's history, Steck's :math:`p(g|u)`.

    Parameters
    ----------
    history : scipy.sparse matrix, shape (n_users, n_items)
        The training interactions.
    item_genres : array_like or sparse, shape (n_items, n_genres)
    binary : bool, default True
        Weight each item of the history 1 (True) or by its stored value (False). Either
        way a stored 0 is no interaction, and negative values (dislikes) are refused: with
        ``binary=True`` they counted as interactions, the disliked genres as the user's taste.
    """
    if not isinstance(binary, bool | np.bool_):
        raise MetricInputError(f"binary must be True or False, got {shown_given(binary)}")
    matrix = as_csr(history, "history").astype(np.float64)
    matrix.sum_duplicates()
    negative = np.flatnonzero(matrix.data < 0)
    if negative.size:
        first = int(negative[0])
        row = int(np.searchsorted(matrix.indptr, first, side="right") - 1)
        raise MetricInputError(
            f"history holds {negative.size:,} negative value(s) (e.g. "
            f"{shown(matrix.data[first])} in row {row}, column {int(matrix.indices[first])}); "
            "a negative value (a dislike) is not part of the user's taste; keep only the "
            "interactions (set the others to 0)")
    matrix.eliminate_zeros()  # a stored 0 is no interaction, as in item_user_counts
    if binary:
        matrix.data[:] = 1.0
    return genre_distributions(matrix, item_genres)


@arguments_named
def position_discount(n: int) -> NDArray[np.float64]:
    r"""The exposure of each of the first ``n`` positions: :math:`d_r = 1/\log_2(r + 1)`,
    :math:`r = 1, \dots, n` (the DCG discount, as in Singh & Joachims 2018); ``n`` in
    ``1 .. 10,000,000`` (``MAX_POSITIONS``), shape ``(n,)``."""
    n = check_k(n, name="n", most=MAX_POSITIONS)
    return 1.0 / np.log2(np.arange(2, n + 2, dtype=np.float64))


@arguments_named
def list_genre_distribution(recommended: ArrayLike, item_genres: Any, *,
                            k: int | None = None, weighting: str = "uniform"
                            ) -> NDArray[np.float64]:
    r"""The genre distribution of each recommended list, Steck's :math:`q(g|u)`:

    .. math:: q(g|u) = \frac{\sum_{r} w_r\, p(g|i_r)}{\sum_r w_r}

    over the list's items :math:`i_r` with genres, with :math:`w_r = 1` (``"uniform"``, the
    choice of the paper's experiments) or :math:`w_r = 1/\log_2(r+1)` (``"position"``).
    """
    shares = item_genre_shares(item_genres)
    rec = check_lists(recommended, shares.shape[0], k, catalog="item_genres")
    check_choice(weighting, "weighting", ("uniform", "position"))
    listed = rec >= 0
    if rec.shape[1] == 0:
        return np.zeros((rec.shape[0], shares.shape[1]))
    position = (position_discount(rec.shape[1]) if weighting == "position"
                else np.ones(rec.shape[1]))
    rows, cols = np.nonzero(listed)
    weights = sp.csr_matrix((position[cols], (rows, rec[rows, cols])),
                            shape=(rec.shape[0], shares.shape[0]))
    return genre_distributions(weights, shares)


@arguments_named
def miscalibration_kl(recommended: ArrayLike, item_genres: Any, target: ArrayLike, *,
                      k: int | None = None, alpha: float = STECK_ALPHA,
                      weighting: str = "uniform") -> NDArray[np.float64]:
    r"""Miscalibration of each list (Steck, "Calibrated recommendations", RecSys 2018, eq. 3):
    the Kullback-Leibler divergence of the list's genre distribution from the user's

    .. math:: C_{KL}(p, q) = \sum_g p(g|u) \log \frac{p(g|u)}{\tilde q(g|u)},
              \qquad \tilde q = (1 - \alpha)\, q + \alpha\, p

    with :math:`p` the target (the history's distribution,
    :func:`history_genre_distribution`), :math:`q` the list's
    (:func:`list_genre_distribution`) and the paper's smoothing :math:`\alpha = 0.01`, which
    keeps the divergence finite when the list misses a genre of the history. Terms with
    :math:`p(g|u) = 0` are 0. Natural logarithm; 0 means perfectly calibrated.

    Parameters
    ----------
    recommended : array_like of int, shape (n_users, K)
    item_genres : array_like or sparse, shape (n_items, n_genres)
    target : array_like, shape (n_users, n_genres)
        Each user's :math:`p(g|u)`; rows sum to 1 (an all-zero row: the user has no genre
        history, the result is NaN).
    k : int, optional
        Cut-off, ``1 .. 10,000``; ``None`` uses every column.
    alpha : float in (0, 1], default 0.01
    weighting : {"uniform", "position"}
        See :func:`list_genre_distribution`.

    Returns
    -------
    ndarray of float64, shape (n_users,)
        ``>= 0``; NaN for users without a target distribution.

    Raises
    ------
    MetricInputError
        If ``item_genres`` has no columns or is all zeros (no item has a genre).
    """
    given, alpha = alpha, exact_as_float(alpha)  # Decimal, Fraction: read as their float
    if isinstance(alpha, bool | np.bool_) or not isinstance(alpha, numbers.Real) \
            or not 0 < alpha <= 1:
        raise MetricInputError(f"alpha must be in (0, 1], got {shown_given(given)}"
                               f"{number_spelling_hint(given, float, 'alpha')}")
    # one row per user in both: frames of the same users in two orders were paired by
    # position, each list compared with another user's history
    check_aligned(("recommended", recommended), ("target", target))
    shares = item_genre_shares(item_genres)
    # with no genre anywhere every list's q is empty: NaN for all, or log(1 / alpha) for
    # every user with a target, as though each list missed all their genres
    refuse_featureless(shares.shape, int(np.count_nonzero(shares)), "item_genres",
                       "no list has a genre distribution to compare with the target")
    q = list_genre_distribution(recommended, shares, k=k, weighting=weighting)
    p = _distributions(target, q.shape, "target")
    # a divergence is >= 0; a list whose distribution is the target's came out -2e-16
    # (p / q~ rounds to a hair below 1), as is the rounding of any divergence near 0
    return np.maximum(kl_smoothed(p, q, alpha), 0.0)


def kl_smoothed(p: NDArray[np.float64], q: NDArray[np.float64], alpha: float
                ) -> NDArray[np.float64]:
    r""":math:`\sum_g p \log(p / \tilde q)` over the last axis, :math:`\tilde q = (1 -
    \alpha) q + \alpha p`; NaN where :math:`p` is all zero (shared with the re-ranker)."""
    smoothed = (1.0 - alpha) * q + alpha * p
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(p > 0, p * np.log(p / smoothed), 0.0)
    out = terms.sum(axis=-1)
    return np.where(p.sum(axis=-1) > 0, out, np.nan)


@arguments_named
def long_tail_share(recommended: ArrayLike, long_tail: ArrayLike, *, k: int | None = None
                    ) -> NDArray[np.float64]:
    r"""Share of each list's items that are long-tail items (Abdollahpouri et al. 2019,
    "APLT"): :math:`|\{i \in L_u : i \in T\}| / |L_u|`.

    Parameters
    ----------
    recommended : array_like of int, shape (n_users, K)
    long_tail : array_like of bool, shape (n_items,)
        True for the items of the long tail :math:`T` (e.g. outside the short head that takes
        the first 20% of the training interactions).

    Returns
    -------
    ndarray of float64, shape (n_users,)
        NaN for an empty list.
    """
    refuse_reordered_rows(long_tail, "long_tail")  # one flag per item, by position
    tail = _flags(long_tail)
    if tail.ndim != 1 or tail.dtype != bool:
        raise MetricInputError("long_tail must be a 1-D boolean array, one entry per item; "
                               f"got {_given(tail)}" + (
                                   " (for 0/1 flags pass long_tail == 1)"
                                   if tail.ndim == 1 and tail.dtype.kind in "iuf" else ""))
    rec = check_lists(recommended, tail.size, k, catalog="long_tail")
    listed = rec >= 0
    hits = (listed & tail[np.where(listed, rec, 0)]).sum(axis=1).astype(np.float64)
    n = listed.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(n > 0, hits / n, np.nan)


@arguments_named
def group_exposure(recommended: ArrayLike, item_groups: ArrayLike, n_groups: int, *,
                   k: int | None = None) -> NDArray[np.float64]:
    r"""Share of the position-discounted exposure that each item group receives over all
    lists (Singh & Joachims, "Fairness of exposure in rankings", KDD 2018):

    .. math:: E_g = \frac{\sum_u \sum_{r} d_r\,[\mathrm{group}(i_{ur}) = g]}
                        {\sum_u \sum_r d_r}, \qquad d_r = \frac{1}{\log_2(r + 1)}

    Parameters
    ----------
    recommended : array_like of int, shape (n_users, K)
    item_groups : array_like of int, shape (n_items,)
        Each item's group in ``0 .. n_groups - 1``.
    n_groups : int
        ``1 .. 10,000,000`` (``MAX_POSITIONS``).

    Returns
    -------
    ndarray of float64, shape (n_groups,)
        Sums to 1 (all NaN when no list holds an item).
    """
    n_groups = check_k(n_groups, name="n_groups", most=MAX_POSITIONS)
    refuse_reordered_rows(item_groups, "item_groups")  # one group per item, by position
    groups = _flags(item_groups)
    if groups.ndim != 1 or groups.dtype.kind not in "iu":
        raise MetricInputError("item_groups must be a 1-D integer array, one group per item; "
                               f"got {_given(groups)}" + (
                                   " (for group names, number them first, e.g. "
                                   "pandas.factorize)" if groups.dtype.kind in "OUS" else ""))
    if groups.size and (groups.min() < 0 or groups.max() >= n_groups):
        # the range alone ("found 0..2") left the user to search for the item
        position = int(np.flatnonzero((groups < 0) | (groups >= n_groups))[0])
        raise MetricInputError(f"item_groups must lie in 0..{n_groups - 1} (n_groups = "
                               f"{n_groups}); position {position} holds "
                               f"{int(groups[position])} (found {int(groups.min())}.."
                               f"{int(groups.max())})")
    rec = check_lists(recommended, groups.size, k, catalog="item_groups")
    listed = rec >= 0
    if rec.shape[1] == 0 or not listed.any():
        return np.full(n_groups, np.nan)
    discount = np.broadcast_to(position_discount(rec.shape[1]), rec.shape)
    totals = np.bincount(groups[rec[listed]], weights=discount[listed], minlength=n_groups)
    return totals / totals.sum()


@arguments_named
def exposure_disparity(exposure: ArrayLike, target: ArrayLike | None = None) -> float:
    r"""Distance of the groups' exposure shares from a target: the total variation
    :math:`\frac12 \sum_g |E_g - t_g|`, in ``[0, 1]``; 0 when every group gets its target
    share. The default target is equal exposure, :math:`t_g = 1/G`.

    Parameters
    ----------
    exposure : array_like, shape (n_groups,)
        :func:`group_exposure`.
    target : array_like, shape (n_groups,), optional
        Shares summing to 1.
    """
    # one share per group number: a Series indexed by the groups in another order (a
    # value_counts() of the groups, most exposed first) paired each share with another
    # group's target
    refuse_reordered_rows(exposure, "exposure")
    if target is not None:
        refuse_reordered_rows(target, "target")
    shares = as_float_array(exposure, "exposure", ndim=1,
                            non_negative=True)
    if shares.size == 0:
        raise MetricInputError("exposure must be a 1-D array with one share per group")
    if abs(_total(shares) - 1) > 1e-6:
        # raw exposure (or none at all) would give a "distance" outside [0, 1]
        raise MetricInputError(f"exposure must hold each group's share of the exposure, "
                               f"summing to 1 (as group_exposure returns), but it sums to "
                               f"{_total_shown(shares)}")
    wanted = (np.full(shares.size, 1.0 / shares.size) if target is None
              else as_float_array(target, "target", ndim=1,
                                  non_negative=True))
    if wanted.shape != shares.shape:
        raise MetricInputError(f"target has shape {wanted.shape}, exposure {shares.shape}")
    if abs(_total(wanted) - 1) > 1e-9:
        # it said neither what the target summed to nor what to do with percentages
        total = _total(wanted)
        percent = (" (percentages? divide them by 100)" if abs(total - 100) <= 1e-6
                   else "")
        raise MetricInputError(f"target must hold non-negative shares summing to 1, but it "
                               f"sums to {_total_shown(wanted)}{percent}")
    # shares summing to within 1e-6 of 1 are taken: a distance of opposite shares came
    # out 1.00000025, outside the range of a total variation
    return float(min(0.5 * np.abs(shares - wanted).sum(), 1.0))


def _total(values: NDArray[np.float64]) -> float:
    """The sum of the finite, non-negative ``values``; ``inf`` (without numpy's overflow
    warning) where it passes float64's range."""
    with np.errstate(over="ignore"):
        return float(values.sum())


def _total_shown(values: NDArray[np.float64]) -> str:
    """The sum of the finite, non-negative ``values`` for a message: ``1.5``, or for a sum
    past float64's range what it is (it said "sums to inf" of finite values)."""
    total = _total(values)
    if np.isfinite(total):
        return f"{total:.6g}"
    largest = float(values.max())
    return (f"more than float64 holds (over 1.8e308; the largest value is {largest:.6g} at "
            f"position {int(np.argmax(values))})")


def _given(array: np.ndarray) -> str:
    """What a per-item array was, for messages: its dtype and shape (nested lists of
    different lengths as such)."""
    if array.shape == (0, 0) and array.dtype == object:
        return "nested lists of different lengths"
    kind = {"b": "true/false values", "f": "floats", "i": "integers", "u": "integers",
            "O": "Python objects", "U": "text", "S": "bytes", "M": "datetimes",
            "m": "durations", "c": "complex numbers"}.get(array.dtype.kind, str(array.dtype))
    return f"{kind} of shape {array.shape}{_first_missing(array)}"


def _first_missing(array: np.ndarray) -> str:
    """`` (position N is a missing value)`` for a 1-D array holding NaN, None or ``pd.NA``
    (a nullable pandas column with a gap reads as floats or objects, and the message said
    only that), else an empty string."""
    import pandas as pd

    if array.ndim != 1 or array.dtype.kind not in "fO":
        return ""
    missing = pd.isna(array) if array.dtype.kind == "O" else np.isnan(array)
    if not missing.any():
        return ""
    return f" (position {int(np.flatnonzero(missing)[0])} is a missing value)"


def _flags(values: Any) -> np.ndarray:
    """One value per item as an array; nested lists of different lengths (numpy's
    "inhomogeneous shape" ValueError) become an object array, which the callers' checks of
    the dimension and dtype refuse by name."""
    try:
        return np.asarray(values)
    except ValueError:
        return np.empty((0, 0), dtype=object)


def _distributions(values: ArrayLike, shape: tuple[int, ...], name: str
                   ) -> NDArray[np.float64]:
    array = as_float_array(values, name, ndim=len(shape),
                           non_negative=True)
    if array.shape != shape:
        raise MetricInputError(f"{name} must have shape {shape} (users x genres), got "
                               f"{array.shape}")
    with np.errstate(over="ignore"):  # inf: named by _total_shown, without a warning
        totals = array.sum(axis=1)
    bad = (totals > 0) & (np.abs(totals - 1.0) > 1e-6)
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise MetricInputError(f"{name} row {row} sums to {_total_shown(array[row])}; each "
                               "row must be a distribution summing to 1 (or all zero)")
    return array

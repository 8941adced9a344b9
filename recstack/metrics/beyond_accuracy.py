r"""Beyond-accuracy metrics of recommendation lists: coverage, novelty, diversity, popularity.

Lists come as in :mod:`recstack.metrics.ranking`: ``recommended`` is an int array
(n_users, K) of item indices, best first, ``-1`` padding, no item twice in a row. Every function
takes an optional cut-off ``k`` (only the first ``k`` columns are used; ``None`` uses all).

Per-user functions return one float64 per row and ``NaN`` for a row whose metric is undefined
(an empty list, or for diversity fewer than two usable items); average them with
:func:`recstack.metrics.mean_over_users`. Scalar functions raise
:class:`~recstack.metrics.MetricInputError` (a ``ValueError``) on an empty input.
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
    MAX_CATALOG,
    MetricInputError,
    as_csr,
    as_float_array,
    check_k,
    check_lists,
    exact_as_float,
    refuse_featureless,
    refuse_label_text,
    refuse_reordered_rows,
    shown_given,
)
from recstack.specs import arguments_named, finite_or_infinite, number_spelling_hint

__all__ = [
    "average_popularity",
    "catalog_coverage",
    "gini_index",
    "intra_list_diversity",
    "item_user_counts",
    "novelty",
]

# Users per block in intra_list_diversity; bounds the (block, n_features) sums it builds.
_DIVERSITY_BLOCK_ROWS = 8192
# Rounding of intra_list_diversity's sum-of-vectors formula per item of a list: a mean
# cosine within m times this of 1, 0 or -1 is that value, as float64 cannot tell it apart.
_DIVERSITY_ROUNDING = 8 * np.finfo(np.float64).eps


@arguments_named
def item_user_counts(interactions: Any) -> NDArray[np.int64]:
    """Number of users who interacted with each item: the non-zero entries of each column.

    Parameters
    ----------
    interactions : scipy.sparse matrix, shape (n_users, n_items)
        Typically the training interactions; any stored non-zero value counts once.

    Returns
    -------
    ndarray of int64, shape (n_items,)
    """
    csr = as_csr(interactions, "interactions")
    stored = csr.data != 0
    return np.bincount(csr.indices[stored], minlength=csr.shape[1]).astype(np.int64)


@arguments_named
def catalog_coverage(recommended: ArrayLike, n_items: int, *, k: int | None = None) -> float:
    r"""Share of the catalog recommended to at least one user.

    .. math:: \mathrm{Coverage@k} = \frac{\left|\bigcup_u L_u@k\right|}{n_\text{items}}

    Parameters
    ----------
    recommended : array_like of int, shape (n_users, K)
    n_items : int
        Catalog size, the denominator: ``1 .. 1,000,000,000`` (``MAX_CATALOG``).
    k : int, optional
        Cut-off, ``1 .. 10,000``; ``None`` uses every column.

    Returns
    -------
    float
        In ``[0, 1]``.

    Raises
    ------
    MetricInputError
        If ``recommended`` has no rows (coverage of no users is not a measurement).
    """
    n_items = check_k(n_items, name="n_items", most=MAX_CATALOG)
    rec = check_lists(recommended, n_items, k)
    if rec.shape[0] == 0:
        raise MetricInputError("recommended has no rows; coverage needs at least one user")
    seen = np.zeros(n_items, dtype=bool)
    seen[rec[rec >= 0]] = True
    return float(seen.sum() / n_items)


@arguments_named
def gini_index(recommended: ArrayLike, n_items: int, *, k: int | None = None) -> float:
    r"""Gini index of the items' exposure: how unequally the recommendations are spread
    over the catalog.

    .. math:: G = \frac{\sum_{j=1}^{n} (2j - n - 1)\, x_{(j)}}{n \sum_{j=1}^{n} x_{(j)}}

    with :math:`x_{(1)} \le \dots \le x_{(n)}` the number of lists each of the
    :math:`n` = ``n_items`` catalog items appears in (within the first ``k``), sorted
    ascending, items never recommended counted with 0: the standard Gini coefficient of
    the counts (Gini 1912; as RecBole's ``GiniIndex``). 0 when every item is recommended
    equally often; :math:`(n - 1)/n` when a single item takes every recommendation.
    RankSys and Elliot divide by :math:`n - 1` instead of :math:`n` (their value is this
    one times :math:`n/(n-1)`, reaching 1).

    Parameters
    ----------
    recommended : array_like of int, shape (n_users, K)
    n_items : int
        Catalog size ``n``: ``1 .. 1,000,000,000`` (``MAX_CATALOG``).
    k : int, optional
        Cut-off, ``1 .. 10,000``; ``None`` uses every column.

    Returns
    -------
    float
        In ``[0, 1)``; lower is more equal.

    Raises
    ------
    MetricInputError
        If ``recommended`` has no rows or holds no item (no exposure to spread).
    """
    n_items = check_k(n_items, name="n_items", most=MAX_CATALOG)
    rec = check_lists(recommended, n_items, k)
    if rec.shape[0] == 0:
        raise MetricInputError("recommended has no rows; the Gini index needs at least one "
                               "user's list")
    # only the m items recommended at all: the n - m others sort first with count 0 and add
    # nothing, so the r-th smallest non-zero count sits at j = n - m + r, weight
    # 2j - n - 1 = n - 2m + 2r - 1 (memory in m, not in the catalog: n_items may be 10^9)
    _, found = np.unique(rec[rec >= 0], return_counts=True)
    counts = np.sort(found).astype(np.float64)
    total = counts.sum()
    if total == 0:
        raise MetricInputError("recommended holds no item (every row is padding, -1), so "
                               "there is no exposure whose spread the Gini index measures")
    m = counts.size
    # the weights are exact integers in float64 (|w| < 2n <= 2e9); the counts too
    weights = 2.0 * np.arange(1, m + 1, dtype=np.float64) + (n_items - 2 * m - 1)
    return float(np.dot(weights, counts) / (n_items * total))


@arguments_named
def novelty(
    recommended: ArrayLike,
    item_counts: ArrayLike,
    n_users: int,
    *,
    k: int | None = None,
    smoothing: float = 0.0,
) -> NDArray[np.float64]:
    r"""Mean self-information of each user's recommended items, in bits.

    .. math:: \mathrm{Novelty}_u = \frac{1}{|L_u|} \sum_{i \in L_u} -\log_2 p(i),
              \qquad p(i) = \frac{c_i + s}{n_\text{users} + s}

    with :math:`c_i` the users who interacted with item :math:`i` and :math:`s` the
    ``smoothing`` (Zhou et al. 2010, "Solving the apparent diversity-accuracy dilemma", is
    :math:`s = 0`). Rare items are novel; an item every user knows scores 0. ``p(i)`` comes
    from the interactions the model was trained on; :func:`item_user_counts` counts them.
    Additive smoothing counts ``s`` extra users who interacted with every item, so that an
    item nobody trained on has a large but finite novelty,
    :math:`\log_2((n_\text{users} + s) / s)` (the evaluator uses :math:`s = 1`).

    Parameters
    ----------
    recommended : array_like of int, shape (n_users_in_batch, K)
    item_counts : array_like of int, shape (n_items,)
        Users who interacted with each item (:func:`item_user_counts` of the training data).
    n_users : int
        Users in the training data, the denominator of ``p(i)``.
    k : int, optional
        Cut-off, ``1 .. 10,000``; ``None`` uses every column.
    smoothing : float, default 0
        The :math:`s` above, ``>= 0``.

    Returns
    -------
    ndarray of float64, shape (n_users_in_batch,)
        ``>= 0``; ``NaN`` for a row without items.

    Raises
    ------
    MetricInputError
        If ``smoothing`` is 0 and a recommended item has count 0 (its self-information is
        infinite: pass a ``smoothing`` > 0 to rank such items), or a count exceeds
        ``n_users``.
    """
    n_users = check_k(n_users, name="n_users")
    # real numbers only (a complex one raised a TypeError), compared as floats (an integer
    # past the float range is refused as an infinity, not an OverflowError)
    given, smoothing = smoothing, exact_as_float(smoothing)  # Decimal: read as its float
    if (isinstance(smoothing, bool) or not isinstance(smoothing, numbers.Real)
            or not 0 <= finite_or_infinite(smoothing) < np.inf):
        raise MetricInputError(f"smoothing must be a finite number >= 0, got {shown_given(given)}"
                               f"{number_spelling_hint(given, float, 'smoothing')}")
    counts = _item_values(item_counts, "item_counts")
    fraction = counts != np.round(counts)
    if fraction.any():
        # a share of users (0.05) or a weighted popularity read as a count: p(i) came out
        # n_users times too small and every novelty too large, without a word
        position = int(np.argmax(fraction))
        shares = " (shares of users? pass the counts)" if counts.max() <= 1 else ""
        raise MetricInputError(
            f"item_counts must hold whole numbers of users (item_user_counts of the "
            f"training data); position {position} holds {shown(float(counts[position]))}"
            f"{shares}")
    if counts.size and counts.max() > n_users:
        raise MetricInputError(
            f"item_counts holds {int(counts.max())} but n_users is {n_users}; "
            "a count is a number of users"
        )
    rec = check_lists(recommended, counts.size, k, catalog="item_counts")
    listed = rec >= 0
    items = np.where(listed, rec, 0)
    unseen = listed & (counts[items] == 0)
    if smoothing == 0 and np.any(unseen):
        examples = sorted(set(rec[unseen].tolist()))[:5]
        raise MetricInputError(
            f"recommended holds items no training user interacted with (e.g. {examples}); "
            "their novelty -log2(0) is infinite (pass smoothing > 0, e.g. smoothing=1)"
        )
    with np.errstate(divide="ignore"):
        self_information = -np.log2((counts + smoothing) / (n_users + smoothing))
    return _row_means(np.where(listed, self_information[items], 0.0), listed)


@arguments_named
def average_popularity(
    recommended: ArrayLike, item_popularity: ArrayLike, *, k: int | None = None
) -> NDArray[np.float64]:
    r"""Mean popularity of each user's recommended items (ARP).

    .. math:: \mathrm{ARP}_u = \frac{1}{|L_u|}\sum_{i \in L_u} \phi(i)

    (Abdollahpouri et al., "Managing popularity bias in recommender systems with personalized
    re-ranking", FLAIRS 2019, where ARP is this mean over the test users), with :math:`\phi(i)`
    whatever popularity is given, usually the number of training users who interacted with
    the item (:func:`item_user_counts`), as there.

    Parameters
    ----------
    recommended : array_like of int, shape (n_users, K)
    item_popularity : array_like of float, shape (n_items,)
        Popularity of each item, ``>= 0``.
    k : int, optional
        Cut-off, ``1 .. 10,000``; ``None`` uses every column.

    Returns
    -------
    ndarray of float64, shape (n_users,)
        ``NaN`` for a row without items.
    """
    popularity = _item_values(item_popularity, "item_popularity")
    rec = check_lists(recommended, popularity.size, k, catalog="item_popularity")
    listed = rec >= 0
    values = np.where(listed, popularity[np.where(listed, rec, 0)], 0.0)
    return _row_means(values, listed)


@arguments_named
def intra_list_diversity(
    recommended: ArrayLike, item_features: Any, *, k: int | None = None
) -> NDArray[np.float64]:
    r"""Mean pairwise cosine distance between the items of each list.

    .. math:: \mathrm{ILD}_u = \frac{2}{m(m-1)} \sum_{i<j \in L_u}
              \left(1 - \frac{v_i \cdot v_j}{\lVert v_i \rVert\,\lVert v_j \rVert}\right)

    (Ziegler et al. 2005), over the :math:`m` items of the list whose feature vector is not
    zero: an item without features (e.g. a film with no genre) has no direction, so its pairs
    are left out rather than counted as maximally dissimilar. With non-negative features (genre
    multi-hot, tf-idf) ILD lies in ``[0, 1]``; with signed embeddings in ``[0, 2]``.

    Parameters
    ----------
    recommended : array_like of int, shape (n_users, K)
    item_features : array_like or scipy.sparse matrix, shape (n_items, n_features)
        Item vectors: embeddings (dense) or a genre / tag multi-hot matrix (sparse or dense).
    k : int, optional
        Cut-off, ``1 .. 10,000``; ``None`` uses every column.

    Returns
    -------
    ndarray of float64, shape (n_users,)
        ``NaN`` for a list with fewer than two items with features.

    Raises
    ------
    MetricInputError
        If ``item_features`` has no columns or is all zeros: not one item has a feature
        vector, so every list's diversity would be ``NaN``.

    Notes
    -----
    With unit vectors :math:`u_i`, :math:`\sum_{i<j} u_i \cdot u_j =
    (\lVert\sum_i u_i\rVert^2 - m)/2`, so the sum over all pairs needs one vector sum per list,
    computed for many users at once as a sparse (users x items) by (items x features) matrix
    product. Time and memory are linear in the list length, not quadratic.
    """
    features = _unit_rows(item_features)
    n_items = features.shape[0]
    rec = check_lists(recommended, n_items, k, catalog="item_features")
    has_direction = _row_norms(features) > 0
    refuse_featureless(features.shape, int(has_direction.sum()), "item_features",
                       "every list's diversity would be NaN")
    # cosine similarities of non-negative vectors are >= 0: ILD lies in [0, 1], else [0, 2]
    stored = features.data if sp.issparse(features) else features
    upper = 2.0 if stored.size and stored.min() < 0 else 1.0
    n_rows = rec.shape[0]
    out = np.empty(n_rows, dtype=np.float64)
    for start in range(0, n_rows, _DIVERSITY_BLOCK_ROWS):
        block = rec[start : start + _DIVERSITY_BLOCK_ROWS]
        usable = block >= 0
        usable[usable] = has_direction[block[usable]]
        rows, cols = np.nonzero(usable)
        membership = sp.csr_matrix(
            (np.ones(rows.size), (rows, block[rows, cols])), shape=(block.shape[0], n_items)
        )
        vector_sum = membership @ features
        squared_norm = _row_norms(vector_sum) ** 2
        m = usable.sum(axis=1).astype(np.float64)
        with np.errstate(divide="ignore", invalid="ignore"):
            mean_similarity = (squared_norm - m) / (m * (m - 1.0))
        # ||sum||^2 - m cancels: identical vectors gave -8.9e-16 or 3.3e-16 rather than 0,
        # orthogonal ones (no genre in common) 0.9999999999999998 rather than 1; a mean
        # cosine within the formula's rounding of 1, 0 or -1 is that value, and the
        # diversity is held in the metric's range
        for exact in (1.0, 0.0, -1.0):
            mean_similarity[np.abs(mean_similarity - exact) <= _DIVERSITY_ROUNDING * m] = exact
        diversity = 1.0 - mean_similarity
        np.clip(diversity, 0.0, upper, out=diversity)
        diversity[m < 2] = np.nan
        out[start : start + block.shape[0]] = diversity
    return out


def _item_values(values: ArrayLike, name: str) -> NDArray[np.float64]:
    # one value per item index, by position: value_counts() order would shuffle them
    refuse_reordered_rows(values, name)
    return as_float_array(values, name, ndim=1, non_negative=True)


def _row_means(values: NDArray[np.float64], listed: NDArray[np.bool_]) -> NDArray[np.float64]:
    n_listed = listed.sum(axis=1)
    # summed in units of a power of two: popularities of 1e308 summed to inf, and the mean
    # of a list of such items (itself at most their largest) came out infinite
    largest = np.abs(values).max(axis=1, initial=0.0)
    shift = row_shifts(largest)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        means = np.ldexp(np.ldexp(values, -shift[:, None]).sum(axis=1) / n_listed, shift)
    # a mean of non-negative values is at most their largest (rounding passed it by a hair)
    means = np.minimum(means, largest)
    means[n_listed == 0] = np.nan
    return means


def _row_norms(matrix: Any) -> NDArray[np.float64]:
    if sp.issparse(matrix):
        return np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    return np.sqrt(np.einsum("ij,ij->i", matrix, matrix))


def _unit_rows(item_features: Any) -> Any:
    """Item vectors scaled to unit length (zero vectors stay zero); CSR or dense float64."""
    if sp.issparse(item_features):
        features: Any = as_csr(item_features, "item_features")
    else:
        refuse_reordered_rows(item_features, "item_features")  # one row per item, by position
        refuse_label_text(item_features, "item_features")
        features = as_float_array(item_features, "item_features", ndim=2)
    # each row divided by its largest magnitude first: the squares of values beyond ~1e154
    # overflowed the norm to inf and those below ~1e-154 underflowed it to 0, and either
    # way the item counted as having no direction (its pairs left out, or ILD NaN)
    if sp.issparse(features):
        largest = (np.asarray(abs(features).max(axis=1).todense()).ravel() if features.shape[1]
                   else np.zeros(features.shape[0]))
    else:
        largest = np.abs(features).max(axis=1, initial=0.0)
    first = np.divide(1.0, largest, out=np.zeros_like(largest), where=largest > 0)
    features = (sp.csr_matrix(sp.diags(first) @ features) if sp.issparse(features)
                else features * first[:, None])
    norms = _row_norms(features)
    scale = np.divide(1.0, norms, out=np.zeros_like(norms), where=norms > 0)
    if sp.issparse(features):
        return sp.csr_matrix(sp.diags(scale) @ features)
    return features * scale[:, None]

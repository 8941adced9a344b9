"""Drift between a reference window and a new window of interactions.

Each measure compares one distribution of the reference window with the same distribution
of the new window:

* user activity (interactions per active user) and ratings: the population stability
  index (:func:`psi`) and the two-sample Kolmogorov-Smirnov statistic (:func:`ks_test`);
* item popularity: the PSI of the interactions over the reference's popularity groups,
  head to tail (:func:`popularity_psi`), and the KS statistic of the items' shares of
  their window's interactions (over the items of either window);
* the share of the new window's interactions on items, and from users, that the reference
  window does not have (:func:`new_share`);
* popularity shift: Spearman's rank correlation of the item counts of both windows over
  the items of either (:func:`spearman`);
* genre mix shift: the total variation distance and the PSI between the genre shares of
  the interactions (:func:`genre_mix`), from the item table's ``genres`` column.

:func:`measure_drift` computes them all and flags those past the thresholds of a
:class:`DriftSpec` (a ``[drift]`` table of a pipeline file). Drift is reported, never a
reason to stop: a model is retrained because behaviour moves.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from recstack.data.interactions import Interactions
from recstack.errors import ConfigError, RecstackError, counted, shown
from recstack.specs import Spec, arguments_named, option, whole_exact_as_int

__all__ = ["DriftReport", "DriftSpec", "genre_mix", "genre_weights", "ks_test",
           "measure_drift", "new_share", "popularity_psi", "psi", "spearman"]

#: proportions below this are raised to it in PSI, so an empty bin gives a large, finite term
PSI_FLOOR = 1e-4
#: the most bins a PSI takes: far beyond the usual 10, and a bound on the bins' memory
MAX_BINS = 10_000
#: the largest PSI there is (two samples with no bin in common): each share lies in
#: [PSI_FLOOR, 1] and the shares' differences sum to at most 2, so a ``psi_warn`` at or
#: above it could never flag anything
PSI_MAX = 2 * (1 - PSI_FLOOR) * math.log(1 / PSI_FLOOR)
#: fewest values per bin, in the smaller window, for a PSI to be more than sampling noise
#: (the usual rule of at least five observations per cell of a chi-square-like statistic);
#: below it the report carries a note beside the measure
MIN_PER_BIN = 5
#: the largest sample for which :func:`ks_test` gives the exact p-value, as scipy's
#: ``ks_2samp(method="auto")`` (beyond it, the asymptotic one)
_KS_EXACT_UP_TO = 10_000


@dataclass(frozen=True)
class DriftSpec(Spec):
    """Thresholds past which a drift measure is flagged (the ``[drift]`` table)."""

    reference_partitions: int = option(1, "partitions just before the newest that form the "
                                       "reference window, their rows together (user "
                                       "activity is counted per partition, so a longer "
                                       "reference compares with the newest alone)", low=1)
    psi_bins: int = option(10, "quantile bins of the reference for PSI on counts", low=2,
                           high=MAX_BINS)
    psi_warn: float = option(0.2, "PSI above this is flagged (0.1-0.25: moderate shift, "
                             "above 0.25: major; below the largest PSI there is, "
                             f"{PSI_MAX:.2f})", low=0.0)
    ks_warn: float = option(0.1, "KS statistic D above this is flagged (when also "
                            "significant at ks_alpha)", low=0.0, high=1.0)
    ks_alpha: float = option(0.01, "a KS shift is flagged only with a p-value below this",
                             low=0.0, high=1.0, open_low=True)
    new_items_warn: float = option(0.2, "share of new-window interactions on items unseen "
                                   "in the reference above this is flagged", low=0.0, high=1.0)
    new_users_warn: float = option(0.5, "share of new-window interactions from users unseen "
                                   "in the reference above this is flagged", low=0.0, high=1.0)
    spearman_warn: float = option(0.5, "rank correlation of item counts below this is "
                                  "flagged", low=-1.0, high=1.0)
    genre_tv_warn: float = option(0.1, "total variation distance of genre shares above this "
                                  "is flagged", low=0.0, high=1.0)

    def check(self) -> None:
        if self.psi_warn >= PSI_MAX:
            # psi_warn = 25 (a percentage, or a threshold of another scale) switched every
            # PSI flag off without a word
            raise ConfigError(f"psi_warn = {self.psi_warn:g}: no PSI reaches it (the "
                              f"largest, between windows with no bin in common, is "
                              f"{PSI_MAX:.2f}), so no PSI would ever be flagged; the usual "
                              "thresholds are 0.1 (moderate shift) to 0.25 (major)")


@dataclass
class DriftReport:
    """Every measure (``name -> value``) and the names of those past their threshold."""

    measures: dict[str, float]
    flagged: list[str] = field(default_factory=list)
    reference_rows: int = 0
    new_rows: int = 0
    #: ``name -> why`` of measures taken on too few values to mean much (see MIN_PER_BIN)
    notes: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        clean = {k: (None if v is None or not np.isfinite(v) else float(v))
                 for k, v in self.measures.items()}
        return {"measures": clean, "flagged": list(self.flagged),
                "reference_rows": self.reference_rows, "new_rows": self.new_rows,
                "notes": dict(self.notes)}

    def text(self) -> str:
        lines = [f"drift: reference {counted(self.reference_rows, 'row')}, new "
                 f"{counted(self.new_rows, 'row')}"]
        for name, value in self.measures.items():
            mark = "  <- drift" if name in self.flagged else ""
            lines.append(f"  {name:32s} {value:10.4f}{mark}")
        lines += [f"  note: {name}: {why}" for name, why in self.notes.items()]
        return "\n".join(lines)


# ------------------------------------------------------------------------- the measures
def psi(reference: Any, new: Any, *, bins: int = 10, categorical: bool = False,
        edges: Any = None) -> float:
    r"""Population stability index of ``new`` against ``reference``.

    .. math::

        \mathrm{PSI} = \sum_b (q_b - p_b) \ln \frac{q_b}{p_b}

    where :math:`p_b` and :math:`q_b` are the shares of the reference and of the new
    sample in bin :math:`b` (Siddiqi 2006; Yurdakul 2018). It is the symmetrised
    Kullback-Leibler divergence :math:`\mathrm{KL}(q\|p) + \mathrm{KL}(p\|q)`; by the
    usual rule of thumb below 0.1 is stable, 0.1-0.25 a moderate and above 0.25 a major
    shift.

    An empty bin would make the term infinite: each share is raised to
    :data:`PSI_FLOOR` (1e-4, the constant of the widely used PSI scripts and of
    evidently). Those replace only the zeros; here every share below the floor is raised
    to it, on purpose, so that a bin holding one value in a million never weighs more than
    an empty bin (as it did with zeros alone floored), and the PSI stays below
    :data:`PSI_MAX` (which the ``psi_warn`` check of :class:`DriftSpec` relies on). The two
    differ only for a bin holding a share between 0 and 1e-4 of a window (windows of more
    than 10,000 values).

    The bins (``categorical=False``) are those of the reference's quantiles, as the
    "quantiles" bucketing of the usual PSI scripts: inner edges at ``numpy.quantile``
    (linear interpolation) of the reference at ``1/bins, 2/bins...``, each bin closed
    below and open above (``[e_i, e_{i+1})``, as ``numpy.histogram``). Unlike those
    scripts, whose outer edges are the reference's minimum and maximum (so that
    ``numpy.histogram`` drops the new values outside them), the outer bins are open: a
    new value below the reference's least counts in the first bin and one above its
    greatest in the last, never lost.

    Parameters
    ----------
    reference, new : array_like
        The two samples.
    bins : int
        Number of quantile bins of the reference (inner edges at its ``1/bins, 2/bins...``
        quantiles; repeated edges, as with discrete counts, are merged, and a value holding
        at least a bin's share of the reference ends its own bin, so that values above it
        are counted apart: :func:`_quantile_edges`).
    categorical : bool
        One bin per distinct value of either sample (ratings, genres) instead.
    edges : array_like, optional
        Inner bin edges to use instead of quantiles; a value ``x`` falls in bin
        ``searchsorted(edges, x, side="right")``; increasing finite numbers.

    Every argument is checked (:func:`_sample`, :func:`_labels`, :func:`_bins`): an empty
    sample, a NaN, text where numbers are due or a bad ``bins`` is refused with a
    :class:`~recstack.errors.RecstackError` naming it.
    """
    if not isinstance(categorical, bool | np.bool_):
        # "no" or 0.0 read by truth: the text "no" counted the values as categories
        raise RecstackError(f"psi: categorical must be True or False, got {shown(categorical)}")
    if categorical and edges is not None:
        raise RecstackError("psi: edges bin numbers, but categorical=True gives one bin per "
                            "distinct value and would ignore them; give one or the other")
    if categorical:
        reference, new = _labels(reference, new, "psi")
        levels, codes = np.unique(np.concatenate([reference, new]), return_inverse=True)
        p = np.bincount(codes[:len(reference)], minlength=len(levels))
        q = np.bincount(codes[len(reference):], minlength=len(levels))
    else:
        reference, new = _sample(reference, "psi", "reference"), _sample(new, "psi", "new")
        if edges is None:
            bins = _bins(bins, "psi", fewest=2)
            edges = _quantile_edges(reference, bins)
        edges = _sample(edges, "psi", "edges", allow_empty=True)
        if np.any(np.diff(edges) <= 0):
            raise RecstackError(f"psi: edges must increase strictly, got {_preview(edges)}")
        n_bins = len(edges) + 1
        p = np.bincount(np.searchsorted(edges, reference, side="right"), minlength=n_bins)
        q = np.bincount(np.searchsorted(edges, new, side="right"), minlength=n_bins)
    return _psi_of_counts(p, q)


def _quantile_edges(reference: np.ndarray, bins: int) -> np.ndarray:
    """Inner edges at the reference's ``1/bins, 2/bins...`` quantiles; a value holding at
    least a bin's share of the reference (a count or a rating repeated many times) also
    ends its own bin just above it.

    Quantiles of such a sample repeat, and merged they leave the value's bin open to
    everything above it: a reference where every user made one interaction has the single
    edge 1, and a new window where every user made 20 fell in the same bin as the
    reference, a PSI of 0 for a complete shift. The extra edge (the next float above the
    value) keeps what the reference holds in its bins and counts what lies beyond it
    apart; samples without such values (continuous ones) keep their quantile bins.
    """
    edges = np.unique(np.quantile(reference, np.arange(1, bins) / bins))
    values, counts = np.unique(reference, return_counts=True)
    heavy = values[(counts * bins >= len(reference)) & (values < np.finfo(np.float64).max)]
    atoms = edges[np.isin(edges, heavy)]
    return np.unique(np.concatenate([edges, np.nextafter(atoms, np.inf)]))


def _psi_of_counts(p: np.ndarray, q: np.ndarray) -> float:
    p = np.maximum(p / p.sum(), PSI_FLOOR)
    q = np.maximum(q / q.sum(), PSI_FLOOR)
    return float(np.sum((q - p) * np.log(q / p)))


def popularity_psi(reference_ids: Any, new_ids: Any, *, bins: int = 10) -> float:
    r"""PSI of the interactions' spread from the reference's head items to its tail.

    Items are ordered by their reference count (most popular first) and cut into ``bins``
    groups holding equal shares of the reference interactions: an item goes to group
    :math:`\lfloor \mathrm{bins} \cdot s \rfloor` (at most ``bins - 1``), where :math:`s` is
    the reference share of the items before it, so an item heavier than a share makes its
    group larger, and items of equal reference count share the group of the first of them
    (as :func:`psi` merges repeated quantile edges: the groups do not depend on how the
    ids sort); items the reference never saw form one more group. Groups empty in both
    windows are left out.
    With :math:`p_b, q_b` the shares of the reference and new interactions on the items of
    group :math:`b`, the PSI is that of :func:`psi`,
    :math:`\sum_b (q_b - p_b) \ln(q_b / p_b)`. It compares windows of any volumes, and
    grows when interactions move between head and tail (or to new items); which items
    swapped places within a group is :func:`spearman`'s to see.
    """
    bins = _bins(bins, "popularity_psi")
    reference_ids, new_ids = _labels(reference_ids, new_ids, "popularity_psi")
    ids, codes = np.unique(np.concatenate([reference_ids, new_ids]), return_inverse=True)
    count_ref = np.bincount(codes[:len(reference_ids)], minlength=len(ids)).astype(float)
    count_new = np.bincount(codes[len(reference_ids):], minlength=len(ids)).astype(float)
    order = np.argsort(-count_ref, kind="stable")
    ranked = count_ref[order]
    before = np.concatenate([[0.0], np.cumsum(ranked)[:-1]]) / count_ref.sum()
    # items of equal reference count are equally popular: all take the group where the
    # first of them starts. Split by where their ids happened to sort, the measure changed
    # when ids were renamed, and interactions moving between two equally popular items
    # (each once in the reference) counted as a shift between head and tail
    starts = np.flatnonzero(np.concatenate([[True], ranked[1:] != ranked[:-1]]))
    first = starts[np.searchsorted(starts, np.arange(len(ranked)), side="right") - 1]
    group = np.empty(len(ids), np.int64)
    group[order] = np.minimum((before[first] * bins).astype(np.int64), bins - 1)
    group[count_ref == 0] = bins
    p = np.bincount(group, weights=count_ref, minlength=bins + 1)
    q = np.bincount(group, weights=count_new, minlength=bins + 1)
    used = (p > 0) | (q > 0)
    return _psi_of_counts(p[used], q[used])


def ks_test(reference: Any, new: Any) -> tuple[float, float]:
    r"""Two-sample Kolmogorov-Smirnov test: ``(D, p_value)``, as scipy's ``ks_2samp``
    with its default (``method="auto"``, two-sided).

    .. math::

        D = \sup_x \lvert F_{\mathrm{ref}}(x) - F_{\mathrm{new}}(x) \rvert

    over the empirical distribution functions of the two samples (sizes :math:`n, m`;
    Smirnov 1939). :math:`D` is worked in whole numbers,
    :math:`\max_x \lvert m\,c_{\mathrm{ref}}(x) - n\,c_{\mathrm{new}}(x) \rvert / (nm)`
    with :math:`c(x)` the values at or below :math:`x`, so that a distance of exactly 0.3
    is 0.3, not ``0.30000000000000004`` (flagged above a ``ks_warn`` of 0.3).

    The p-value is scipy's default choice: the exact null distribution of :math:`D`
    (Hodges 1958) when neither sample has more than 10,000 values, and beyond that the
    asymptotic one, the survival function of the one-sample Kolmogorov-Smirnov
    distribution at the effective size :math:`\mathrm{round}(nm/(n+m))` (exact p-values
    are too slow for windows of millions of rows). Both assume values without ties; with
    ties (counts, ratings) the p-value is conservative (too large).
    """
    reference = np.sort(_sample(reference, "ks_test", "reference"))
    new = np.sort(_sample(new, "ks_test", "new"))
    n, m = len(reference), len(new)
    # the supremum is reached at one of the observed values: evaluate both CDFs there
    points = np.concatenate([reference, new])
    below_ref = np.searchsorted(reference, points, side="right")
    below_new = np.searchsorted(new, points, side="right")
    if n * m < 2 ** 62:
        # whole numbers: |c_ref/n - c_new/m| in floats was off by a rounding error
        gap = int(np.max(np.abs(below_ref.astype(np.int64) * m
                                - below_new.astype(np.int64) * n)))
        d = gap / (n * m)
    else:  # pragma: no cover - 2**31 values in each window
        d = float(np.max(np.abs(below_ref / n - below_new / m)))
    if max(n, m) <= _KS_EXACT_UP_TO:
        # scipy's default: the exact p-value for samples of up to 10,000 values; the
        # asymptotic one was 0.30 where the exact is 0.33 (5 against 7 values)
        import warnings

        with warnings.catch_warnings():
            # scipy falls back to the asymptotic p-value (with a warning) where its exact
            # computation fails to converge: the same fallback as below
            warnings.simplefilter("ignore", RuntimeWarning)
            p_value = float(stats.ks_2samp(reference, new, method="auto").pvalue)
        return d, min(1.0, p_value)
    # the one-sample distribution of D at the effective size nm/(n+m), as scipy's
    # ks_2samp(method="asymp") does
    size = int(np.round(n * m / (n + m)))
    if size < 1:  # one value against one: no evidence either way (scipy divides by zero)
        return d, 1.0
    p_value = float(stats.kstwo.sf(d, size))
    return d, min(1.0, p_value)


def new_share(reference_ids: Any, new_ids: Any) -> float:
    r"""Share of the new window's rows whose id does not occur in the reference window.

    .. math::

        s = \frac{\lvert\{r \in \mathrm{new} :
                       \mathrm{id}_r \notin \mathrm{ids}(\mathrm{ref})\}\rvert}
                 {\lvert\mathrm{new}\rvert}
    """
    reference_ids, new_ids = _labels(reference_ids, new_ids, "new_share",
                                     allow_empty_reference=True)
    return float(np.mean(~np.isin(new_ids, np.unique(reference_ids))))


def spearman(reference_ids: Any, new_ids: Any) -> float:
    r"""Popularity shift: Spearman's rank correlation of the ids' counts in both windows.

    Over the ids of either window (an id absent from one counts 0 there), with average
    ranks for ties:

    .. math::

        \rho = \frac{\mathrm{cov}(R(c^{\mathrm{ref}}), R(c^{\mathrm{new}}))}
                    {\sigma_{R(c^{\mathrm{ref}})}\,\sigma_{R(c^{\mathrm{new}})}}

    (Spearman 1904: Pearson's correlation of the average ranks, as
    ``scipy.stats.spearmanr`` of the two count vectors). 1 when the popularity order is
    unchanged; near 0 when it was reshuffled; NaN when either window's counts are all
    equal (a rank correlation is then undefined).
    """
    reference_ids, new_ids = _labels(reference_ids, new_ids, "spearman")
    ids, codes = np.unique(np.concatenate([reference_ids, new_ids]), return_inverse=True)
    count_ref = np.bincount(codes[:len(reference_ids)], minlength=len(ids))
    count_new = np.bincount(codes[len(reference_ids):], minlength=len(ids))
    rank_ref = stats.rankdata(count_ref)
    rank_new = stats.rankdata(count_new)
    if rank_ref.std() == 0 or rank_new.std() == 0:
        return float("nan")
    return float(np.corrcoef(rank_ref, rank_new)[0, 1])


def genre_mix(reference: dict[Any, float], new: dict[Any, float]) -> tuple[float, float]:
    r"""Genre mix shift: ``(total variation distance, PSI)`` of two genre weightings.

    With :func:`genre_weights`, an interaction with an item of ``g`` genres counts ``1/g``
    for each; the shares :math:`p_g, q_g` (weights over their sum) give

    .. math::

        \mathrm{TV} = \tfrac12 \sum_g \lvert q_g - p_g \rvert

    (0: the same mix, 1: no genre in common), and the PSI is :func:`psi` over the genres
    (a genre missing from one window has share 0 there).
    """
    reference, new = _weights(reference, "reference"), _weights(new, "new")
    _refuse_genres_of_two_kinds(reference, new)
    names = sorted(set(reference) | set(new), key=str)
    p = np.array([reference.get(g, 0.0) for g in names], dtype=np.float64)
    q = np.array([new.get(g, 0.0) for g in names], dtype=np.float64)
    for what, weights in (("reference", p), ("new", q)):
        if not weights.sum():
            raise RecstackError(f"genre_mix: the {what} weights sum to 0 (no genre has "
                                "interactions); there is no mix to compare")
    # shares are scale-free: weights near the float limit summed to inf, every share 0
    p, q = p / p.max(), q / q.max()
    total_variation = 0.5 * float(np.abs(q / q.sum() - p / p.sum()).sum())
    return total_variation, _psi_of_counts(p, q)


def genre_weights(data: Interactions) -> dict[Any, float] | None:
    """Interactions per genre (``1/g`` per genre of an item with ``g``), from the item
    table's ``genres`` column (a list of names, or one name, per item; a missing cell or
    entry is no genre, names are trimmed); None without it. The Python loop runs over the
    interacted items, not over the rows."""
    if not isinstance(data, Interactions):
        raise RecstackError(f"genre_weights: data must be recstack Interactions with an item "
                            f"table, got {type(data).__name__}")
    table = data.item_table
    if table is None or "genres" not in table.columns:
        return None
    column = table["genres"].to_numpy()
    counts = np.bincount(np.asarray(data.item_index), minlength=len(column))
    weights: dict[Any, float] = {}
    for index in np.flatnonzero(counts):
        listed = _genre_names(column[index])
        for genre in listed:
            weights[genre] = weights.get(genre, 0.0) + float(counts[index]) / len(listed)
    return weights


def _genre_names(cell: Any) -> list[Any]:
    """The genres of one item-table cell: the present, trimmed entries of a list, or the
    cell itself as one genre. A missing cell (None, NaN, ``pd.NA``) or entry is no genre:
    the NaN of a text column's empty cell was a TypeError ("'float' object is not
    iterable") that stopped the pipeline's drift step, and NaN or None inside a list was
    counted as a genre of its own."""
    from recstack.analysis._checks import is_missing

    # 'Action|Comedy' (the MovieLens spelling, and an items CSV's) is two genres, as the
    # report, the neighbour analysis and the text features read it: it was one genre
    # named 'Action|Comedy', so the mix shifted when a catalog changed its spelling
    entries = (list(cell) if isinstance(cell, list | tuple | np.ndarray)
               else cell.split("|") if isinstance(cell, str) else [cell])
    names: list[Any] = []
    for entry in entries:
        if is_missing(entry):
            continue
        if isinstance(entry, str):
            entry = entry.strip()
            if not entry:
                continue
        if entry not in names:  # 'Drama|Drama' is one genre: the item counts 1 for it
            names.append(entry)
    return names


# ------------------------------------------------------------------------ all at once
def _external(data: Interactions) -> tuple[np.ndarray, np.ndarray]:
    return (data.users.to_external(data.user_index), data.items.to_external(data.item_index))


@arguments_named
def measure_drift(reference: Interactions, new: Interactions,
                  spec: DriftSpec | None = None, *,
                  reference_partitions: Any = None) -> DriftReport:
    """Every drift measure of the module between two windows, flagged by ``spec``.

    The windows may have different vocabularies: users and items are matched by their
    external ids. Genre measures need an item table with a ``genres`` column in both
    (left out otherwise); ratings measures need explicit ratings (left out for implicit
    data).

    ``reference_partitions``, when given, names the partition of each reference row (one
    label a row, e.g. ``"2019-02"``), for a reference of several partitions set against a
    new window of one (the pipeline's ``[drift] reference_partitions``). Every measure
    takes the reference's rows together (their union, each row weighing one), but user
    activity is then the interactions of each user in each partition where they are
    active: counted over the whole reference, a user's activity in three months was set
    against one month's, and a steady log was flagged as a shift in user activity.
    """
    for name, window in (("reference", reference), ("new", new)):
        if not isinstance(window, Interactions):
            # a DataFrame of the logs was an AttributeError on .users deep inside
            raise RecstackError(f"measure_drift: {name} must be recstack Interactions (e.g. "
                                f"Interactions.from_frame(frame)), got "
                                f"{type(window).__name__}")
    if spec is not None and not isinstance(spec, DriftSpec):
        raise RecstackError(f"measure_drift: spec must be a DriftSpec (e.g. "
                            f"DriftSpec(psi_warn=0.25)) or None, got {type(spec).__name__}")
    spec = spec or DriftSpec()
    if not len(reference) or not len(new):
        raise RecstackError(f"drift needs interactions in both windows (reference: "
                            f"{counted(len(reference), 'row')}, new: {counted(len(new), 'row')})")
    partition_codes = _partition_codes(reference_partitions, len(reference))
    ref_users, ref_items = _external(reference)
    new_users, new_items = _external(new)
    for what, ref_ids, new_ids in (("user", ref_users, new_users),
                                   ("item", ref_items, new_items)):
        # windows are matched by external id: numbers in one and text in the other was a
        # TypeError from numpy's sort of the mixed ids
        kinds = _id_kind(ref_ids), _id_kind(new_ids)
        if kinds[0] != kinds[1]:
            raise RecstackError(f"measure_drift: the reference window's {what} ids are "
                                f"{kinds[0]} (e.g. {shown(ref_ids[0])}) but the new "
                                f"window's are {kinds[1]} (e.g. {shown(new_ids[0])}); "
                                f"give both windows {what} ids of one type (5 and '5' "
                                f"would count as different {what}s)")
    activity = (_counts(ref_users) if partition_codes is None
                else _counts_per_partition(ref_users, partition_codes), _counts(new_users))
    popularity = _shares(ref_items, new_items)
    measures: dict[str, float] = {}
    flagged: list[str] = []
    notes: dict[str, str] = {}

    def put(name: str, value: float, is_drift: bool) -> None:
        measures[name] = value
        if is_drift:
            flagged.append(name)

    def note_small(name: str, sizes: tuple[int, int], bins: int, noun: str) -> None:
        # a one-row window's PSI (8 or more) was flagged as drift like a real shift
        fewest = min(sizes)
        if fewest < MIN_PER_BIN * bins:
            window = "new" if sizes[1] <= sizes[0] else "reference"
            # the nouns agree with their counts ("only 1 active users" before)
            notes[name] = (f"the {window} window has only {counted(fewest, noun)} for "
                           f"{counted(bins, 'bin')} (fewer than {MIN_PER_BIN} a bin): a PSI "
                           "on so few values is mostly sampling noise, not a shift; compare "
                           "longer windows ([drift] reference_partitions, or more days a "
                           "partition)")

    value = psi(*activity, bins=spec.psi_bins)
    put("user_activity_psi", value, value > spec.psi_warn)
    note_small("user_activity_psi", (len(activity[0]), len(activity[1])), spec.psi_bins,
               "active user" if partition_codes is None else "(user, partition) count")
    value = popularity_psi(ref_items, new_items, bins=spec.psi_bins)
    put("item_popularity_psi", value, value > spec.psi_warn)
    note_small("item_popularity_psi", (len(ref_items), len(new_items)), spec.psi_bins,
               "interaction")
    for label, (a, b) in (("user_activity", activity), ("item_popularity", popularity)):
        d, p_value = ks_test(a, b)
        put(f"{label}_ks", d, d > spec.ks_warn and p_value < spec.ks_alpha)
        measures[f"{label}_ks_p_value"] = p_value
    if reference.is_explicit and new.is_explicit:
        value = psi(reference.value, new.value, categorical=True)
        put("rating_psi", value, value > spec.psi_warn)
        note_small("rating_psi", (len(reference), len(new)),
                   len(np.unique(np.concatenate([reference.value, new.value]))), "rating")
        d, p_value = ks_test(reference.value, new.value)
        put("rating_ks", d, d > spec.ks_warn and p_value < spec.ks_alpha)
        measures["rating_ks_p_value"] = p_value
    elif reference.is_explicit != new.is_explicit:
        _one_sided("ratings (a rating_range)", reference.is_explicit,
                   "rating_psi and rating_ks")
    value = new_share(ref_items, new_items)
    put("new_item_share", value, value > spec.new_items_warn)
    value = new_share(ref_users, new_users)
    put("new_user_share", value, value > spec.new_users_warn)
    value = spearman(ref_items, new_items)
    put("popularity_spearman", value, value < spec.spearman_warn)
    if math.isnan(value):
        # NaN was reported (None in drift.json) and never flagged, without a word on why
        ids = np.unique(np.concatenate([ref_items, new_items]))
        windows = [name for name, items in (("reference", ref_items), ("new", new_items))
                   if len(np.unique(np.bincount(np.searchsorted(ids, items),
                                                minlength=len(ids)))) == 1]
        notes["popularity_spearman"] = (
            f"undefined: every item of either window has the same count in the "
            f"{' and the '.join(windows)} window, so there is no popularity order to "
            "correlate and the measure is never flagged; compare longer windows ([drift] "
            "reference_partitions, or more days a partition)")
    ref_genres, new_genres = genre_weights(reference), genre_weights(new)
    if ref_genres and new_genres:
        tv, value = genre_mix(ref_genres, new_genres)
        put("genre_tv", tv, tv > spec.genre_tv_warn)
        put("genre_psi", value, value > spec.psi_warn)
        note_small("genre_psi", (len(reference), len(new)),
                   len(set(ref_genres) | set(new_genres)), "interaction")
    elif bool(ref_genres) != bool(new_genres):
        _one_sided("item genres (an item table with a genres column)", bool(ref_genres),
                   "genre_tv and genre_psi")
    return DriftReport(measures, flagged, len(reference), len(new), notes)


def _one_sided(what: str, in_reference: bool, measures: str) -> None:
    """Warn that one window has ``what`` and the other not, so that ``measures`` are left
    out: windows of different columns (a rated log against an implicit one, an item table
    on one side) gave a report without those measures and without a word of why."""
    import warnings

    has, lacks = ("reference", "new") if in_reference else ("new", "reference")
    warnings.warn(f"measure_drift: the {has} window has {what} but the {lacks} window has "
                  f"none, so {measures} are left out; give both windows the same columns "
                  "to measure them", UserWarning, stacklevel=3)


def _counts(ids: np.ndarray) -> np.ndarray:
    return np.unique(ids, return_counts=True)[1]


def _counts_per_partition(ids: np.ndarray, partition_codes: np.ndarray) -> np.ndarray:
    """The rows of each (id, partition) pair that has any: a user active in two partitions
    gives two counts, one a partition."""
    id_codes = np.unique(ids, return_inverse=True)[1].astype(np.int64).ravel()
    n_partitions = int(partition_codes.max()) + 1
    return _counts(id_codes * n_partitions + partition_codes)


def _partition_codes(partitions: Any, rows: int) -> np.ndarray | None:
    """``measure_drift``'s ``reference_partitions`` as one whole-number code a reference
    row (None when not given): a flat sequence of labels of one kind, as long as the
    reference, without missing labels."""
    if partitions is None:
        return None
    labels = np.asarray(partitions.to_numpy() if isinstance(partitions, pd.Series | pd.Index)
                        else partitions)
    if labels.ndim != 1:
        raise RecstackError(f"measure_drift: reference_partitions must be a flat sequence of "
                            f"partition labels, one per reference row, got "
                            f"{_preview(partitions)}")
    if len(labels) != rows:
        raise RecstackError(f"measure_drift: reference_partitions holds "
                            f"{counted(len(labels), 'label')}, but the reference has "
                            f"{counted(rows, 'row')}; give the partition of each reference "
                            "row, in the rows' order")
    if labels.dtype.kind == "O" or labels.dtype.kind == "f":
        missing = pd.isna(labels)
        if missing.any():
            at = int(np.flatnonzero(missing)[0])
            raise RecstackError(f"measure_drift: reference_partitions has no label for "
                                f"{counted(int(missing.sum()), 'row')} (e.g. row {at:,}); "
                                "give the partition of each reference row")
        if labels.dtype.kind == "O" and pd.api.types.infer_dtype(labels, skipna=False) \
                not in ("string", "integer", "bytes"):
            raise RecstackError(f"measure_drift: reference_partitions must hold labels of "
                                f"one kind (numbers or text), got {_preview(partitions)}")
    return np.unique(labels, return_inverse=True)[1].astype(np.int64).ravel()


def _shares(reference_ids: np.ndarray, new_ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each item's share of its window's interactions, over the items of either window
    (0 where absent), so that windows of different volumes compare."""
    ids, codes = np.unique(np.concatenate([reference_ids, new_ids]), return_inverse=True)
    a = np.bincount(codes[:len(reference_ids)], minlength=len(ids)) / len(reference_ids)
    b = np.bincount(codes[len(reference_ids):], minlength=len(ids)) / len(new_ids)
    return a, b


# --------------------------------------------------------------------- argument checks
def _sample(values: Any, measure: str, what: str, *, allow_empty: bool = False
            ) -> np.ndarray:
    """A sample of numbers as a 1-D float64 array: finite, and not empty unless allowed."""
    array = np.asarray(values)
    if array.dtype.kind == "O" and array.ndim == 1 and len(array) and all(
            isinstance(x, int) and not isinstance(x, bool) for x in array.tolist()):
        # numpy keeps integers past 64 bits as Python objects: "must be numbers" was said
        # of a list of numbers
        big = next((x for x in array.tolist() if not -2 ** 63 <= x < 2 ** 64), None)
        if big is not None:
            raise RecstackError(f"{measure}: {what} holds an integer too large for a 64-bit "
                                f"number ({_preview(big)}); give values numpy can hold, or "
                                "rescale them")
        array = array.astype(np.float64)  # 2**63 beside -1: each fits, as floats
    # a single number (a mean, a count given for the sample) was read as a sample of one
    if array.dtype.kind not in "biuf" or array.ndim != 1:
        raise RecstackError(f"{measure}: {what} must be a flat list or array of numbers, got "
                            f"{_preview(values)}")
    array = array.astype(np.float64).ravel()
    if not allow_empty and not len(array):
        raise RecstackError(f"{measure}: the {what} sample is empty; a distribution needs "
                            "values to compare")
    if not np.isfinite(array).all():
        raise RecstackError(f"{measure}: {what} holds {int((~np.isfinite(array)).sum())} "
                            "NaN or infinite value(s); drop or fill them first")
    return array


def _labels(reference: Any, new: Any, measure: str, *, allow_empty_reference: bool = False
            ) -> tuple[np.ndarray, np.ndarray]:
    """Two samples of ids or categories: flat, without missing values, and of one kind
    (numbers in both, or text in both: ``5`` and ``"5"`` would be different ids)."""
    arrays = []
    for what, values in (("reference", reference), ("new", new)):
        array = np.asarray(values)
        if array.dtype.kind in "US" and not isinstance(values, np.ndarray):
            # numpy makes a list of numbers and text all text: [5, "5"] was one id, and a
            # NaN among text ids the id 'nan', without a word
            array = _one_kind_of_text(values, array, measure, what)
        # one id (or a column's name, "item_id") was read as a sample of one id
        if array.ndim != 1:
            raise RecstackError(f"{measure}: {what} must be a flat list of ids, got "
                                f"{_preview(values)}")
        array = array.ravel()
        if not len(array) and not (what == "reference" and allow_empty_reference):
            raise RecstackError(f"{measure}: the {what} sample is empty; there is nothing "
                                "to compare")
        if array.dtype.kind == "O" and len(array):
            # one pass in pandas' compiled code, not a Python loop over the rows
            inferred = pd.api.types.infer_dtype(array, skipna=False)
            if inferred in ("floating", "mixed-integer-float"):
                # numbers held as objects (a pandas column of ratings read as object) were
                # refused as "ids of one kind (numbers or text)", which they are
                array = array.astype(np.float64)
                inferred = "floating"
            if inferred not in ("string", "integer", "floating"):
                raise RecstackError(f"{measure}: {what} must hold ids of one kind (numbers "
                                    f"or text) without missing values, got {_preview(values)}")
            if inferred == "integer":
                array = array.astype(np.int64)
        if array.dtype.kind == "f" and not np.isfinite(array).all():
            raise RecstackError(f"{measure}: {what} holds NaN or infinite ids")
        arrays.append(array)
    kinds = [_id_kind(a) for a in arrays if len(a)]
    if len(set(kinds)) > 1:
        raise RecstackError(f"{measure}: the reference holds ids as {kinds[0]} and the new "
                            f"sample as {kinds[1]}; give both as numbers or both as text (5 "
                            "and '5' would count as different ids)")
    return arrays[0], arrays[1]


def _one_kind_of_text(values: Any, array: np.ndarray, measure: str, what: str
                      ) -> np.ndarray:
    """``array`` (numpy's text array of ``values``) when every value of ``values`` is text
    (or every one bytes); otherwise the refusal of ids of mixed kinds or with missing ones,
    as for an object array."""
    as_given = np.asarray(values, dtype=object)
    if as_given.ndim != 1 or pd.api.types.infer_dtype(as_given, skipna=False) in (
            "string", "bytes"):
        return array
    raise RecstackError(f"{measure}: {what} must hold ids of one kind (numbers or text) "
                        f"without missing values, got {_preview(values)}")


def _id_kind(ids: np.ndarray) -> str:
    return "numbers" if ids.dtype.kind in "biuf" else "text"



def _bins(bins: Any, measure: str, *, fewest: int = 1) -> int:
    # a whole Decimal or Fraction is the count it names, as every count (specs.convert)
    given, bins = bins, whole_exact_as_int(bins)
    if isinstance(bins, bool) or not isinstance(bins, int | np.integer) \
            or not fewest <= bins <= MAX_BINS:
        why = " (one quantile bin holds both samples whole: its PSI is always 0)" \
            if fewest == 2 else ""
        raise RecstackError(f"{measure}: bins must be an integer in [{fewest}, {MAX_BINS}]"
                            f"{why}, got {shown(given)}")
    return int(bins)


def _weights(weights: Any, what: str) -> dict[Any, float]:
    """A genre weighting: a mapping of genre to a finite, non-negative number, or a pandas
    Series indexed by genre (``value_counts()``'s result was refused as not a mapping)."""
    if isinstance(weights, pd.Series):
        repeated = weights.index[weights.index.duplicated()].unique()
        if len(repeated):
            raise RecstackError(f"genre_mix: {what} names a genre more than once "
                                f"({_preview(list(repeated[:5]))}); give each genre's "
                                "weight once (e.g. series.groupby(level=0).sum())")
        weights = weights.to_dict()
    if not isinstance(weights, Mapping):
        raise RecstackError(f"genre_mix: {what} must map each genre to its weight (as "
                            f"genre_weights gives), got {_preview(weights)}")
    from recstack.analysis._checks import is_missing

    missing = [genre for genre in weights if is_missing(genre)]
    if missing:
        # a None or NaN genre (an empty cell made a key) counted as a genre of its own,
        # with no counterpart in the other window: a total variation of 1 without a word
        raise RecstackError(f"genre_mix: {what} names a missing genre ({shown(missing[0])}) "
                            "among its keys; drop it, or name the genre (genre_weights "
                            "leaves empty cells out)")
    checked: dict[Any, float] = {}
    bad: dict[Any, Any] = {}
    for genre, value in weights.items():
        number = _weight(value)
        if number is None:
            bad[genre] = value
        else:
            checked[genre] = number
    if bad:
        raise RecstackError(f"genre_mix: {what} weights must be finite numbers >= 0 (within "
                            f"the float range), got {_preview(bad)}")
    return checked


def _weight(value: Any) -> float | None:
    """One genre weight as a float, or None when it is no finite number >= 0. An exact
    number (``Decimal``, ``Fraction``) is the float it names, as every number of recstack
    reads it (:func:`~recstack.metrics._validation.exact_as_float`; it was refused as "not
    a finite number"), and an integer past the float range is refused (it was an
    OverflowError from the finiteness check)."""
    from recstack.metrics._validation import exact_as_float

    value = exact_as_float(value)
    if isinstance(value, bool | np.bool_) or not isinstance(value, int | float | np.number):
        return None
    try:
        number = float(value)
    except OverflowError:
        return None
    return number if math.isfinite(number) and number >= 0 else None


def _genre_kind(genre: Any) -> str:
    return ("numbers" if isinstance(genre, int | float | np.number)
            and not isinstance(genre, bool | np.bool_) else "text")


def _refuse_genres_of_two_kinds(reference: dict[Any, float], new: dict[Any, float]) -> None:
    """Genres named by numbers in one weighting and by text in the other (``{5: ...}`` and
    ``{"5": ...}``), as :func:`_labels` refuses ids of two kinds: they counted as
    different genres, a total variation of 1 (no genre in common) without a word."""
    kinds = [{_genre_kind(genre) for genre in weights} for weights in (reference, new)]
    if len(kinds[0]) == len(kinds[1]) == 1 and kinds[0] != kinds[1]:
        raise RecstackError(f"genre_mix: the reference names genres as {kinds[0].pop()} and "
                            f"the new weights as {kinds[1].pop()}; give both as numbers or "
                            "both as text (5 and '5' would count as different genres)")
    written = {str(genre): genre for genre in reference}
    for genre in new:
        other = written.get(str(genre), genre)
        if _genre_kind(other) != _genre_kind(genre):
            raise RecstackError(
                f"genre_mix: the reference names a genre {shown(other)} and the new weights "
                f"{shown(genre)}: written alike, but different genres; give both as numbers "
                "or both as text")


def _preview(value: Any) -> str:
    """``value`` for a one-line message: a table by its columns (its repr ran over many
    lines), an array of more than one dimension by its shape, anything else shortened."""
    if isinstance(value, pd.DataFrame):
        columns = [str(c) for c in value.columns]
        names = ", ".join(map(repr, columns[:5])) + (", ..." if len(columns) > 5 else "")
        return (f"a DataFrame of {counted(len(value), 'row')} and columns [{names}]; pass "
                f"one column "
                f"(e.g. frame[{columns[0]!r}])" if columns else "an empty DataFrame")
    if isinstance(value, np.ndarray) and value.ndim > 1:
        return f"an array of shape {value.shape}; pass a 1-D array (one column)"
    if isinstance(value, pd.Series | pd.Index):
        # its repr ran index and values together: "0 a 1 <NA> dtype: string"
        value = (value.iloc[:20] if isinstance(value, pd.Series) else value[:20]).tolist()
    # shown: the repr of an integer of over 4,300 digits is itself a ValueError
    text = " ".join(shown(value).split())
    return text if len(text) <= 80 else text[:77] + "..."

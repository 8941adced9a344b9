"""What an evaluation returns: per-user values, means with confidence intervals, paired
significance tests between models, diagnostics, and export."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math
import os
import re
import warnings
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from recstack.atomic import checked_output, folder_problem, write_text
from recstack.data.interactions import caller_stacklevel
from recstack.errors import (
    ConfigError,
    DataFormatError,
    RecstackError,
    UnknownMetricError,
    counted,
    shown,
    shown_number,
)
from recstack.metrics._validation import (
    as_float_array,
    exact_as_float,
    exact_as_int,
    how_to_write,
    refuse_true_false,
)
from recstack.specs import arguments_named, did_you_mean, finite_or_infinite

CONFIDENCE = 0.95
#: a paired difference within this share of the larger of its two values is float64's
#: rounding, not a difference (a few units in the last place)
_ROUNDING = 8 * np.finfo(np.float64).eps

#: metrics whose every value is a share, bounded to [0, 1] (named ``name@k`` in a result):
#: a value outside it, in a result built or edited by hand, is refused naming the field
SHARE_METRICS = frozenset({
    "precision", "recall", "recall_capped", "hit_rate", "f1", "mrr", "map", "ndcg",
    "ndcg_linear", "auc", "global_auc", "coverage", "catalog_coverage"})
#: how far past [0, 1] a share may lie from floating-point rounding (an nDCG of
#: 1.0000000000000002)
_SHARE_SLACK = 1e-9
#: metrics bounded otherwise than shares (named ``name@k``), with what bounds them: novelty
#: is -log2 of a probability and popularity a mean count of users, both >= 0, and diversity
#: a mean cosine distance, from 0 to 2. A negative novelty (a sign lost in a hand-edited
#: file) was averaged into the summary as it was.
BOUNDED_METRICS: dict[str, tuple[float, float, str]] = {
    "novelty": (0.0, math.inf, "-log2 of a probability, at least 0"),
    "popularity": (0.0, math.inf, "a mean count of training users, at least 0"),
    "diversity": (0.0, 2.0, "a mean cosine distance, between 0 and 2"),
    # a Gini index of 1.7 or -0.1 in a hand-edited result was kept and reported as it was
    "gini": (0.0, 1.0, "the Gini index of the items' exposure, between 0 and 1"),
}


def metric_bounds(metric: str) -> tuple[float, float] | None:
    """The lowest and highest value of ``metric`` (``name@k``), or None when it has none."""
    name = metric.split("@")[0]
    if name in SHARE_METRICS:
        return 0.0, 1.0
    if name in BOUNDED_METRICS:
        return BOUNDED_METRICS[name][:2]
    return None


def bounds_text(metric: str) -> str:
    """What bounds ``metric``, for the refusal of a value outside its bounds."""
    name = metric.split("@")[0]
    if name in BOUNDED_METRICS:
        low, high, what = BOUNDED_METRICS[name]
        wanted = f"in [{low:g}, {high:g}]" if math.isfinite(high) else f">= {low:g}"
        return f"{name} is {what}; expected a value {wanted}"
    return f"{name} is a share between 0 and 1; expected a value in [0, 1] (e.g. 0.42, not 42%)"


def share_problem(metric: str, values: np.ndarray) -> int | None:
    """The position of the first of ``values`` (float64; NaN allowed) that metric
    ``metric`` (``name@k``) cannot hold: a finite value outside [0, 1] for a share, or
    outside the bounds of :data:`BOUNDED_METRICS` (an infinite one is refused as no finite
    number, where values are read); None when every value fits or the metric has no
    bounds."""
    bounds = metric_bounds(metric)
    if bounds is None or not values.size:
        return None
    low, high = bounds
    outside = np.isfinite(values) & ((values < low - _SHARE_SLACK)
                                     | (values > high + _SHARE_SLACK))
    return int(np.argmax(outside)) if outside.any() else None


@dataclass(frozen=True)
class MetricSummary:
    r"""Mean of a per-user metric with a Student-t confidence interval over users, kept
    within the metric's bounds.

    Over the :math:`n` users with a value (NaN left out), the interval at level ``confidence``
    is :math:`\bar x \pm t_{(1 + c)/2,\, n - 1}\, s / \sqrt n`, with :math:`s` the sample
    standard deviation (``ddof=1``): ``scipy.stats.t.interval(c, n - 1, loc=mean,
    scale=scipy.stats.sem(values))``, then cut at the bounds of the metric (a share such as
    recall, nDCG or hit rate: [0, 1]; the others of :data:`BOUNDED_METRICS`: theirs), and
    ``clipped`` says whether it was cut. A few users with mostly zeros gave a recall
    interval reaching below 0, a value no model can have.

    Why a cut t interval and not another: the true mean lies within the bounds, so the cut
    interval holds it exactly when the t interval does (the same coverage, never wider),
    and where the t interval fits, which is nearly always past a few dozen users, it is the
    interval reported before. A percentile bootstrap stays within the bounds too, but it is
    random (a seed to keep), costs thousands of resamples of every metric, and covers less
    than its level for small samples; a Wilson interval fits 0/1 values (hit rate) only.
    ``clipped`` tells a reader that the interval is short of symmetric about the mean and
    that there are too few users (or too skewed values) for the normal approximation.

    When every user has the same value :math:`v` (two or more users), the t interval has
    zero width: it claims the mean is known exactly, which a few users alike do not show
    (a model that misses every one of 5 users may still hit for 1 user in 3). For a metric
    with bounds :math:`[a, b]` the interval is then the exact one for any variable within
    them, :math:`[a + (v - a)\,q,\; b - (b - v)\,q]` with :math:`q = ((1 - c)/2)^{1/n}`
    (at :math:`v = a`, the Clopper-Pearson interval of 0 successes in :math:`n`; a mean
    outside it makes :math:`n` values all equal to :math:`v` rarer than :math:`(1 - c)/2`),
    with ``alike`` set (``clipped`` stays for a t interval cut at the bounds); a metric
    without bounds gets a NaN interval, as
    identical values do not bound its mean at all.

    One user gives the mean with a NaN interval, none a NaN mean. ``confidence`` is a share
    from 0.5 up to (not including) 1: a percentage (95) or the share left out (0.05) is
    refused, and so are true/false values (hits are written 1.0 and 0.0).
    """

    metric: str
    mean: float
    ci_low: float
    ci_high: float
    n_users: int
    #: whether the t interval reached past the metric's bounds and was cut at them
    clipped: bool = False
    #: whether every user (two or more) had the same value, so the interval is not a t
    #: interval (of zero width) but the one exact within the bounds, or NaN without them
    alike: bool = False

    @classmethod
    @arguments_named
    def from_values(cls, metric: str, values: np.ndarray,
                    confidence: float = CONFIDENCE) -> MetricSummary:
        if not isinstance(metric, str):
            # None or 5 was an AttributeError ("'NoneType' object has no attribute 'split'")
            # from the lookup of the metric's bounds
            raise ConfigError(f"MetricSummary.from_values: metric must be the metric's name "
                              f"as text (name@k, e.g. 'ndcg@10'), got "
                              f"{shown(metric)}")
        # an exact number (Decimal("0.9"), Fraction(9, 10)) is the float it names, as every
        # other share of the evaluation reads it; it was refused as no level
        given, confidence = confidence, exact_as_float(confidence)
        if isinstance(confidence, bool | np.bool_) or not isinstance(
                confidence, int | float | np.integer | np.floating) or not 0 < confidence < 1:
            # a percentage (95 for 95%) was refused without saying which share it meant
            percentage = (f" (a share, not a percentage: {float(confidence) / 100:g} for "
                          f"{float(confidence):g}%)"
                          if isinstance(confidence, int | float | np.integer | np.floating)
                          and not isinstance(confidence, bool | np.bool_)
                          and 1 < float(confidence) <= 100 else "")
            raise ConfigError(f"confidence must be a level strictly between 0 and 1 (e.g. "
                              f"0.95), got {shown(given)}{percentage}"
                              + how_to_write(given, float, "confidence",
                                             lambda meant: 0 < meant < 1))
        confidence = float(confidence)
        if confidence < 0.5:
            # alpha given as the level (0.05 for a 95% interval) gave a 5% interval, far
            # narrower than meant, without a word
            raise ConfigError(f"confidence is the level of the interval, at least 0.5 (e.g. "
                              f"0.95), got {shown(given)}: a {confidence:.4g} interval covers "
                              f"the mean less often than not; for the share left out "
                              f"(alpha = {confidence:g}) give confidence={1 - confidence:g}")
        # true/false was read as 1 and 0 (a mean of 0.5 for [True, False]), where a result's
        # boolean column is refused (_values)
        refuse_true_false(values, f"values of {metric}")
        values = as_float_array(values, f"values of {metric}", ndim=1, allow_nan=True)
        at = share_problem(metric, values)
        if at is not None:
            # an nDCG of 4 was averaged and its interval cut at [0, 1], leaving out the mean
            raise DataFormatError(f"values of {metric}: the value at position {at} (from 0) is "
                                  f"{shown(values[at])}, but {bounds_text(metric)}; for "
                                  "values without such bounds give a name that is no "
                                  "metric of recstack's (e.g. 'score')")
        values = values[~np.isnan(values)]
        mean, low, high, clipped, alike = _bounded_interval(values, confidence,
                                                            metric_bounds(metric))
        return cls(metric, mean, low, high, len(values), clipped, alike)


def _t_interval(values: np.ndarray, confidence: float) -> tuple[float, float, float]:
    """Mean and Student-t interval of ``values`` (float64, no NaN): NaN for all three with
    no value, a NaN interval with one."""
    n = len(values)
    if n == 0:
        return math.nan, math.nan, math.nan
    mean = float(values.mean())
    if n == 1:
        return mean, math.nan, math.nan
    half = float(stats.t.ppf(0.5 + confidence / 2, n - 1) * values.std(ddof=1) / math.sqrt(n))
    return mean, mean - half, mean + half


def _all_alike(values: np.ndarray) -> bool:
    """Whether two or more ``values`` (float64, no NaN) are one value, up to float64's
    rounding of it (0.1 + 0.2 beside 0.3)."""
    return len(values) >= 2 and bool(
        np.ptp(values) <= _ROUNDING * float(np.abs(values).max()))


def _bounded_interval(values: np.ndarray, confidence: float,
                      bounds: tuple[float, float] | None
                      ) -> tuple[float, float, float, bool, bool]:
    """Mean, interval, whether the t interval was cut at ``bounds`` and whether every
    value is alike (the interval then exact within them): see :class:`MetricSummary`."""
    if _all_alike(values):
        # the t interval of identical values has zero width and claimed the mean known
        # exactly from, say, 3 users who all scored 0
        mean = float(values.mean())
        if bounds is None or not all(math.isfinite(end) for end in bounds):
            return mean, math.nan, math.nan, False, True
        share_beyond = ((1.0 - confidence) / 2.0) ** (1.0 / len(values))
        low = bounds[0] + (mean - bounds[0]) * share_beyond
        high = bounds[1] - (bounds[1] - mean) * share_beyond
        return mean, min(low, mean), max(high, mean), False, True
    mean, low, high = _t_interval(values, confidence)
    low, high, clipped = _within(mean, low, high, bounds)
    return mean, low, high, clipped, False


def _within(mean: float, low: float, high: float, bounds: tuple[float, float] | None
            ) -> tuple[float, float, bool]:
    """The interval ``[low, high]`` cut at ``bounds``, and whether it was cut. The mean
    stays inside: a mean of shares one rounding past 1 (1.0000000000000002) keeps an
    interval that holds it."""
    if bounds is None or math.isnan(low):
        return low, high, False
    clipped = bool(low < bounds[0] or high > bounds[1])
    return min(max(low, bounds[0]), mean), max(min(high, bounds[1]), mean), clipped


#: what follows an interval end cut at a bound, in the reports' tables and text
CUT_MARK = "\u2020"
#: what follows a value every user evaluated shared (:attr:`MetricSummary.alike`,
#: :attr:`PairedTest.alike`), in the reports' tables and text
ALIKE_MARK = "="


def cut_ends(low: float | None, high: float | None, clipped: bool,
             bounds: tuple[float, float] | None) -> tuple[bool, bool]:
    """Whether the lower and the upper end of the interval [``low``, ``high``] were cut at
    ``bounds`` (``clipped`` says one was, not which): the one rule by which the reports
    mark a cut end, for a metric's interval (:func:`metric_bounds`) and for a difference's
    (:func:`difference_bounds`)."""
    if not clipped or bounds is None or low is None or high is None:
        return False, False
    return low <= bounds[0], high >= bounds[1]


def difference_bounds(metric: str) -> tuple[float, float] | None:
    """The bounds of one user's difference between two values of ``metric``: [-1, 1] for
    a share, [low - high, high - low] for the others; None when either end is unbounded."""
    bounds = metric_bounds(metric)
    if bounds is None or not math.isfinite(bounds[1] - bounds[0]):
        return None
    return bounds[0] - bounds[1], bounds[1] - bounds[0]


@dataclass(frozen=True)
class PairedTest:
    """Model A minus model B on the users both were evaluated on.

    ``mean_difference``, ``ci_low`` and ``ci_high`` are the mean and Student-t interval of
    the per-user differences, cut (as :class:`MetricSummary` cuts its interval, for the same
    reasons) at the bounds of a difference of two values, [-1, 1] for a share, and
    ``clipped`` says whether it was cut (when every user's difference is the same, the
    interval is the one exact within those bounds, as :class:`MetricSummary` gives for
    identical values, and ``alike`` is set); ``t_p_value`` is the two-sided paired
    t-test (``scipy.stats.ttest_rel(a, b)``), ``wilcoxon_p_value`` the two-sided Wilcoxon
    signed-rank test with zero differences dropped (``scipy.stats.wilcoxon(a - b)``, its
    default ``zero_method="wilcox"`` and ``method="auto"``). ``significant`` reads the
    t-test at the 5% level: its ``holm_p_value`` when the test is one of several made
    together (:meth:`with_holm`, as ``recstack evaluate`` tests each model against the
    baseline), else its ``t_p_value``."""

    metric: str
    mean_difference: float
    ci_low: float
    ci_high: float
    t_p_value: float
    wilcoxon_p_value: float
    n_users: int
    #: whether the t interval reached past the bounds of a difference and was cut at them
    clipped: bool = False
    #: ``t_p_value`` Holm-adjusted (:func:`holm_adjust`) over the ``comparisons`` tests made
    #: together; None for a test made alone
    holm_p_value: float | None = None
    #: how many tests ``holm_p_value`` was adjusted over
    comparisons: int = 1
    #: whether every user's difference was the same (the interval is then the one exact
    #: within the bounds of a difference, not a zero-width t interval)
    alike: bool = False

    @property
    def significant(self) -> bool:
        # several models each tested against one baseline at 5% called one of them
        # "significant" by chance far more often than 5% of the time
        p_value = self.t_p_value if self.holm_p_value is None else self.holm_p_value
        return p_value < 1 - CONFIDENCE

    def with_holm(self, holm_p_value: float, comparisons: int) -> PairedTest:
        """This test with its t-test p-value adjusted over ``comparisons`` tests made
        together (one entry of :func:`holm_adjust` of their p-values): a p-value in [0, 1]
        (NaN for a pair not tested) and a whole number of comparisons >= 1."""
        # a p-value of 2.0 and 0 comparisons were kept and printed ("Holm-adjusted over 0
        # comparisons: p=2")
        given_p, p_value = holm_p_value, exact_as_float(holm_p_value)
        if isinstance(p_value, bool | np.bool_) or not isinstance(
                p_value, int | float | np.integer | np.floating) \
                or not (math.isnan(p_value) or 0 <= p_value <= 1):
            raise ConfigError(f"{self.metric}: with_holm: holm_p_value must be a p-value in "
                              f"[0, 1] (one entry of holm_adjust), got {shown(given_p)}")
        given_count, count = comparisons, exact_as_int(comparisons)
        if isinstance(count, bool | np.bool_) or not isinstance(count, int | np.integer) \
                or count < 1:
            raise ConfigError(f"{self.metric}: with_holm: comparisons must be the whole "
                              f"number of tests adjusted together, at least 1, got "
                              f"{shown(given_count)}")
        return dataclasses.replace(self, holm_p_value=float(p_value), comparisons=int(count))

    def __str__(self) -> str:
        verdict = "significant" if self.significant else "not significant"
        cut = (" (every user's difference alike: the interval exact within the bounds of a "
               "difference)" if self.alike else
               " (interval cut at the bounds)" if self.clipped else "")
        holm = ("" if self.holm_p_value is None else
                f" (Holm-adjusted over {counted(self.comparisons, 'comparison')}: "
                f"p{p_value_relation(self.holm_p_value)})")
        after = "" if self.holm_p_value is None else " after Holm's correction"
        return (f"{self.metric}: difference {self.mean_difference:+.4f} "
                f"[{self.ci_low:+.4f}, {self.ci_high:+.4f}]{cut}, paired t "
                f"p{p_value_relation(self.t_p_value)}{holm}, Wilcoxon "
                f"p{p_value_relation(self.wilcoxon_p_value)} over "
                f"{counted(self.n_users, 'user')} ({verdict} at {1 - CONFIDENCE:.0%}{after})")


#: the smallest positive float64: a p-value computed as 0 is below it, not 0
SMALLEST_P_VALUE = 5e-324


def p_value_relation(p_value: float) -> str:
    """``"=0.0198"``, or ``"<5e-324"`` for a p-value that underflowed to 0: "p=0" read as
    a difference certain beyond any doubt (ALS against most-popular on Last.fm, t = 97)."""
    return f"<{SMALLEST_P_VALUE:.0e}" if p_value == 0 else f"={p_value:.3g}"


def holm_adjust(p_values: np.ndarray) -> np.ndarray:
    r"""Holm's step-down adjustment (Holm 1979) of a family of p-values (NaN: a pair not
    tested, left NaN).

    With the :math:`m` p-values sorted, :math:`p_{(1)} \le \dots \le p_{(m)}`, the
    adjusted :math:`\tilde p_{(i)} = \max_{j \le i} \min(1, (m - j + 1)\, p_{(j)})`:
    a test is significant at level :math:`\alpha` when its adjusted p-value is below it,
    which keeps the chance of any false "significant" among the :math:`m` within
    :math:`\alpha` (``statsmodels.stats.multitest.multipletests(method="holm")``)."""
    try:
        shape = np.shape(p_values)
    except ValueError:
        # ragged rows ([[0.1], [0.2, 0.3]]) were numpy's ValueError ("inhomogeneous shape")
        raise RecstackError("holm_adjust: p-values must be an array of numbers from 0 to 1 "
                            "(or NaN for a pair not tested), one per test, with rows of one "
                            f"length: {_odd_row(p_values)}") from None
    try:
        kind: str = np.asarray(p_values).dtype.kind
    except (TypeError, ValueError):
        kind = ""  # what numpy cannot read: the conversion that follows names it
    if kind == "b":
        # true/false were read as the p-values 1 and 0: a "significant" pair that a
        # mask (p < 0.05, already decided) marked, adjusted to 0
        raise RecstackError("holm_adjust: p-values are probabilities from 0 to 1, got "
                            "true/false values; give the p-values themselves, not whether "
                            "each is below a level")
    flat = as_float_array(p_values, "holm_adjust p-values", ndim=len(shape),
                          allow_nan=True).ravel()
    wrong = ~np.isnan(flat) & ~((flat >= 0) & (flat <= 1))
    if wrong.any():
        # a p-value of -0.5 was adjusted to 0 ("significant") and one of 2 to 1, silently
        position = int(np.flatnonzero(wrong)[0])
        raise RecstackError(f"holm_adjust: p-values are probabilities from 0 to 1 (or NaN "
                            f"for a pair not tested); position {position} holds "
                            f"{float(flat[position])!r}")
    finite = np.flatnonzero(~np.isnan(flat))
    order = finite[np.argsort(flat[finite])]
    m = len(order)
    adjusted = np.full_like(flat, np.nan)
    running = 0.0
    for rank, position in enumerate(order):
        running = max(running, min(1.0, (m - rank) * flat[position]))
        adjusted[position] = running
    return adjusted.reshape(shape)


def _odd_row(rows: Any) -> str:
    """Which row of ``rows`` (an iterable of rows) is not as long as the first, for a
    refusal of ragged p-values."""
    def told(row: Any) -> str:
        if not hasattr(row, "__len__") or isinstance(row, str | bytes):
            return "a single value"
        return counted(len(row), "entry", "entries")

    try:
        described = [told(row) for row in rows]
    except TypeError:
        return "rows of different lengths"
    odd = next((at for at, text in enumerate(described) if text != described[0]), None)
    if odd is None:
        return "rows of different lengths"
    return (f"row 0 holds {described[0]} but row {odd} holds {described[odd]} (rows "
            "counted from 0)")


class MetricSummaries(dict):
    """``EvaluationResult.summary()``: a dict of ``name@k`` to :class:`MetricSummary` whose
    missing key says which names it holds and where a catalog-level metric is."""

    def __init__(self, model: str, aggregate: dict[str, float],
                 summaries: dict[str, MetricSummary]) -> None:
        super().__init__(summaries)
        self._model = model
        self._aggregate_names = list(aggregate)

    def __missing__(self, metric: Any) -> MetricSummary:
        raise UnknownMetricError(_no_metric_message(self._model, metric, list(self),
                                                    self._aggregate_names, " in summary()"))


def _no_metric_message(model: str, metric: Any, held: list[Any], aggregate: list[str],
                       where: str = "", *, catalog_hint: str = "") -> str:
    """The refusal of a per-user metric a result does not hold: the names it holds, and
    where the asked one is instead (a catalog-level metric, the names with their K, the
    nearest spelling)."""
    message = (f"{model} has no per-user metric {metric!r}{where}; it has: "
               f"{', '.join(map(str, held)) or 'none'}")
    if metric in aggregate:
        message += (f". {metric!r} is a catalog-level metric, one number for the whole "
                    f"model{catalog_hint}: read it from .aggregate[{metric!r}] or .means()")
    elif isinstance(metric, str) and "@" not in metric and any(
            str(name).split("@")[0] == metric for name in held):
        with_k = [str(name) for name in held if str(name).split("@")[0] == metric]
        message += f" (the names carry their K: {', '.join(with_k)})"
    elif isinstance(metric, str):
        message += did_you_mean(metric, [str(name) for name in held])
    return message


@dataclass
class EvaluationResult:
    """Per-user metric values of one model (rows: evaluated users, by external id) and
    catalog-level metrics (coverage...), with the counts of users left out and why.

    Column names and aggregate keys name metrics (``name@k``): pandas' name for a blank
    header (``'Unnamed: 2'``) and a cut-off below 1 (``'precision@0'``) are refused."""

    model: str
    per_user: pd.DataFrame
    aggregate: dict[str, float] = field(default_factory=dict)
    users_without_relevant: int = 0
    meta: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # a result built by hand: a label that is no text became a table's row name and a
        # file name, a count given as text reached the report and JSON as it was
        if not isinstance(self.model, str) or not self.model.strip():
            raise ConfigError(f"EvaluationResult: model must be the model's label as "
                              f"non-empty text, got {self.model!r}")
        # a whole exact number (Decimal("2")) is the int it names, as the Evaluator's
        # counts and the models' whole-number settings read it; a numpy integer is kept
        # as Python's int
        given_count = self.users_without_relevant
        count = exact_as_int(given_count)
        if isinstance(count, bool | np.bool_) or not isinstance(count, int | np.integer) \
                or count < 0:
            raise ConfigError(f"{self.model}: users_without_relevant must be a whole "
                              f"number of users >= 0, got {shown(given_count)}"
                              + how_to_write(given_count, int, "users_without_relevant",
                                             lambda meant: isinstance(meant, int)
                                             and meant >= 0))
        self.users_without_relevant = int(count)
        if not isinstance(self.meta, dict):
            raise ConfigError(f"{self.model}: meta must be a dict of the evaluation's "
                              f"settings, got {type(self.meta).__name__}")
        if not isinstance(self.per_user, pd.DataFrame):
            raise ConfigError(f"{self.model}: per_user must be a pandas DataFrame with one "
                              "row per user (indexed by user id) and one column per metric, "
                              f"got {type(self.per_user).__name__}")
        if not isinstance(self.aggregate, dict):
            raise ConfigError(f"{self.model}: aggregate must be a dict of metric: value, got "
                              f"{type(self.aggregate).__name__}")
        # a column named twice made every summary() a TypeError from pandas ("arg must be a
        # list, tuple, 1-d array, or Series"); a catalog-level value given as text reached
        # means() and the report as it was, and an infinite one was written to JSON as
        # Infinity, which is not JSON
        repeated = self.per_user.columns[self.per_user.columns.duplicated()]
        if len(repeated):
            raise ConfigError(f"{self.model}: per_user has more than one column named "
                              f"{shown(repeated[0])}; give each metric one column")
        # a column named 5 (a frame built without column names) was refused at every
        # summary() as "has no per-user metric 5; it has: 5", as aggregate keys are text
        unnamed = [name for name in self.per_user.columns if not isinstance(name, str)]
        if unnamed:
            raise ConfigError(f"{self.model}: per_user column {shown(unnamed[0])} is not a "
                              "metric name; name each per-user metric as text, e.g. "
                              "'ndcg@10'")
        # pandas' name for a header left blank ('Unnamed: 2', from a trailing comma in an
        # edited CSV) and a cut-off of 0 ('precision@0') were summarised as metrics: n_users
        # 0 and a NaN mean, or values no cut-off can give
        for where, names in (("per_user column", self.per_user.columns),
                             ("aggregate key", self.aggregate)):
            for name in names:
                problem = _metric_name_problem(name) if isinstance(name, str) else None
                if problem:
                    raise ConfigError(f"{self.model}: {where} {name!r} {problem}")
        # a row without a user (a blank id in an edited CSV) was counted as a user of its
        # own, and paired with no user of another result
        if isinstance(self.per_user.index, pd.MultiIndex):
            # pandas raised NotImplementedError ("isna is not defined for MultiIndex") here
            raise ConfigError(f"{self.model}: per_user is indexed by "
                              f"{self.per_user.index.nlevels} levels "
                              f"{list(self.per_user.index.names)}; each row is one user, "
                              "indexed by the user's id alone (e.g. "
                              "per_user.reset_index(level=...) or .droplevel(...))")
        if self.per_user.index.hasnans:
            row = int(np.flatnonzero(pd.isna(self.per_user.index))[0])
            raise ConfigError(f"{self.model}: per_user row {row + 1} has no user id (the "
                              "index holds a missing value); each row is one user, indexed "
                              "by the user's id")
        # an exact number (Decimal, Fraction) is the float it names, as every number of
        # the metrics is read: Decimal("0.5") was "expected a finite number"
        given = dict(self.aggregate)  # shown as written when refused
        self.aggregate = {name: exact_as_float(value) if isinstance(value, Decimal | Fraction)
                          else value for name, value in given.items()}
        for name, value in self.aggregate.items():
            if not isinstance(name, str):
                raise ConfigError(f"{self.model}: aggregate key {shown(name)} is not a "
                                  "metric name; name each catalog-level metric as text, "
                                  "e.g. 'coverage@10'")
            # an integer past the float range (a JSON file's 1 and 400 zeros) was an
            # OverflowError traceback: it is refused as no finite number
            if isinstance(value, bool | np.bool_) or not isinstance(
                    value, int | float | np.integer | np.floating) \
                    or np.isinf(finite_or_infinite(value)):
                raise ConfigError(f"{self.model}: aggregate[{name!r}] is "
                                  f"{_cell(given[name])}; expected a finite number (NaN "
                                  "where undefined), e.g. 0.42")
            if share_problem(name, np.array([float(value)])) is not None:
                # a coverage of 1.7 (a count, or a percentage) reached means() and the
                # report as it was
                raise ConfigError(f"{self.model}: aggregate[{name!r}] is {shown(given[name])}, "
                                  f"but {bounds_text(name)}")
        both = [name for name in self.per_user.columns if name in self.aggregate]
        if both:
            # means() and to_pandas() gave the catalog-level number under the name and
            # dropped the per-user mean (or listed the name twice) without a word
            raise ConfigError(f"{self.model}: {shown(both[0])} is both a per_user column and "
                              "an aggregate key; a metric is either per user (a column of "
                              "per_user) or one number for the whole model (in aggregate): "
                              "keep it in one of them")
        for name in self.per_user.columns:
            column = self.per_user[name]
            if pd.api.types.is_numeric_dtype(column.dtype) \
                    and not pd.api.types.is_bool_dtype(column.dtype) \
                    and not pd.api.types.is_complex_dtype(column.dtype):
                # numbers given as text are checked where they are read (_values)
                self._refuse_outside_share(name, column.to_numpy(np.float64, na_value=np.nan))

    @property
    def metrics(self) -> list[str]:
        return list(self.per_user.columns)

    def summary(self) -> dict[str, MetricSummary]:
        """Mean and confidence interval of each per-user metric, by ``name@k``. A name it
        does not hold (``ndcg`` without its K, a K not evaluated, a catalog-level metric
        such as ``coverage@10``, which is in :attr:`aggregate`) is refused naming those it
        holds, not with a bare ``KeyError: 'ndcg@20'``."""
        return MetricSummaries(self.model, self.aggregate,
                               {m: MetricSummary.from_values(m, self._values(m).to_numpy())
                                for m in self.per_user.columns})

    def _values(self, metric: str) -> pd.Series:
        """One model's per-user values of ``metric``, NaN for excluded users.

        per_user may come from a hand-edited CSV: a word among the numbers, an infinite
        value or a user listed twice must say where, not surface as NaN statistics."""
        self._check_metric(metric)
        column = self.per_user[metric]
        if pd.api.types.is_bool_dtype(column.dtype):
            # true/false read as 1 and 0 without a word, where every number of the
            # project refuses a boolean (hit_rate is written 0.0 and 1.0)
            raise RecstackError(f"{self.model}: per-user {metric!r} holds true/false values; "
                                "expected numbers (write hits as 1.0 and 0.0, e.g. "
                                "column.astype(float))")
        self._refuse_non_numbers(metric, column)
        numbers = column
        if isinstance(column.dtype, pd.CategoricalDtype):
            column = numbers = column.astype(object)
        if column.dtype == object:
            # exact numbers as the floats they name, as in aggregate: Fraction(1, 2) was
            # "expected a finite number" where Decimal("0.5") was read
            numbers = column.map(lambda value: exact_as_float(value) if isinstance(
                value, Decimal | Fraction) else value)
        values = pd.to_numeric(numbers, errors="coerce").astype(np.float64)
        bad = (values.isna() & column.notna()) | np.isinf(values)
        if bad.any():
            raise RecstackError(f"{self.model}: per-user {metric!r} of user "
                                f"{shown(self.per_user.index[bad.to_numpy()][0])} is "
                                f"{shown(column[bad].iloc[0])}; expected a finite number")
        self._refuse_outside_share(metric, values.to_numpy())
        repeated = self.per_user.index.duplicated()
        if repeated.any():
            user = shown(self.per_user.index[repeated][0])
            raise RecstackError(f"{self.model}: user {user} has two rows of per-user values; "
                                "each user must appear once")
        return values

    def _refuse_outside_share(self, metric: str, values: np.ndarray) -> None:
        """Refuse a per-user value of a share (hit rate, nDCG...) outside [0, 1], or of a
        metric of :data:`BOUNDED_METRICS` outside its bounds, naming the column and the
        user (it was averaged into the summary as it was)."""
        at = share_problem(metric, values)
        if at is not None:
            raise RecstackError(
                f"{self.model}: per-user {metric!r} of user {shown(self.per_user.index[at])} "
                f"is {shown(self.per_user[metric].iloc[at])}, but {bounds_text(metric)}")

    def _refuse_non_numbers(self, metric: str, column: pd.Series) -> None:
        """Refuse, naming the user, a per-user value that is no real number though pandas
        reads it as one: a complex number (its imaginary part was dropped), a date or a
        duration (read as nanoseconds), true/false among numbers (read as 1 and 0, where a
        column of them is refused) and an integer past the float range (an OverflowError
        traceback)."""
        kind = column.dtype
        if pd.api.types.is_complex_dtype(kind) or pd.api.types.is_datetime64_any_dtype(kind) \
                or pd.api.types.is_timedelta64_dtype(kind) \
                or isinstance(kind, pd.PeriodDtype | pd.IntervalDtype):
            present = np.flatnonzero(column.notna().to_numpy())
            position = int(present[0]) if len(present) else None
        elif pd.api.types.is_object_dtype(kind) or isinstance(kind, pd.CategoricalDtype):
            position = next((at for at, cell in enumerate(column.tolist())
                             if _no_real_number(cell) is not None), None)
        else:
            return
        if position is None:
            return
        cell = column.iloc[position]
        what = _no_real_number(cell) or "not a real number"
        raise RecstackError(
            f"{self.model}: per-user {metric!r} of user "
            f"{shown(self.per_user.index[position])} is {_cell(cell)} ({what}); expected a "
            "finite number")

    def _check_metric(self, metric: str, catalog_hint: str = "") -> None:
        # the hints of summary()'s refusal: compare(other, "coverage@10") said only which
        # names the result holds, not that coverage is one number per model
        if not isinstance(metric, str) or metric not in self.per_user.columns:
            raise UnknownMetricError(_no_metric_message(
                self.model, metric, list(self.per_user.columns), list(self.aggregate),
                catalog_hint=catalog_hint))

    def means(self) -> dict[str, float]:
        out = {m: s.mean for m, s in self.summary().items()}
        return out | self.aggregate

    def compare(self, other: EvaluationResult, metric: str, *,
                unshared: str = "warn") -> PairedTest:
        """Paired test of this model against ``other`` on the users both have a value for:
        Student's paired t-test (with a CI of the mean difference) and the Wilcoxon
        signed-rank test, which does not assume normal differences; see
        :class:`PairedTest`. Both are two-sided. The signed-rank test drops the users whose
        two values are equal (Wilcoxon 1945, as scipy and R do by default), and a
        difference within float64's rounding of the values counts as equal; when every
        user's two values are equal both p-values are 1.

        ``unshared`` says what happens when the two results hold different users (another
        split's test users, a result read from another file), of whom only the shared ones
        are paired: ``"warn"`` (the default) gives an :class:`UnsharedUsersWarning` naming
        the counts and the first users of each side missing on the other, ``"ignore"``
        pairs the shared users without a word (a gate comparing the users two models both
        know), ``"raise"`` refuses. Two results of one Evaluator on one test hold the same
        users."""
        if not isinstance(other, EvaluationResult):
            raise ConfigError(f"compare needs another EvaluationResult, got "
                              f"{type(other).__name__}")
        unshared = _check_unshared(unshared, "compare")
        refuse_other_protocols([self, other], "compare")
        for result in (self, other):
            result._check_metric(metric, ", so there is no per-user value to pair")
        joined = pd.concat([self._values(metric), other._values(metric)], axis=1,
                           join="inner", keys=["a", "b"]).dropna()
        diff = (joined["a"] - joined["b"]).to_numpy(np.float64)
        n = len(diff)
        if n < 2:
            mine, theirs = self.per_user.index, other.per_user.index
            detail = ""
            if len(mine) and len(theirs) and not len(mine.intersection(theirs)):
                # e.g. one result read back from a CSV, its integer ids now text
                detail = (f"; the two results share no user id ({self.model}'s are like "
                          f"{_examples(mine)}, {other.model}'s like {_examples(theirs)}): "
                          "compare results of the same test users, with ids of one type")
            elif len(shared := mine.intersection(theirs)) > n:
                # 40 shared users, all but one without a value in one result, read as
                # though the two results held one user in common
                detail = (f"; of the {counted(len(shared), 'user')} both results hold, "
                          f"{n} {'has' if n == 1 else 'have'} a value in both (a NaN "
                          f"{metric} is a user left out, e.g. without a relevant item)")
            raise RecstackError(f"paired test of {metric} needs at least 2 shared users, got "
                                f"{n}{detail}")
        _other_users([self, other], unshared, "compare", f"the paired test of {metric} is "
                     f"over the {counted(n, 'user')} both have a value for")
        # the bounds of a difference, not of the metric: a share's difference of -0.3 is real
        mean_difference, ci_low, ci_high, clipped, alike = _bounded_interval(
            diff, CONFIDENCE, difference_bounds(metric))
        # a difference within float64's rounding of the two values (0.1 + 0.2 against 0.3:
        # 5.6e-17) is no difference: it is a zero, dropped by the signed-rank test, not the
        # smallest rank with the sign of a rounding error
        scale = np.maximum(np.abs(joined["a"].to_numpy(np.float64)),
                           np.abs(joined["b"].to_numpy(np.float64)))
        ranked = np.where(np.abs(diff) <= _ROUNDING * scale, 0.0, diff)
        if not ranked.any():
            # every user got the same value from both (up to rounding): nothing differs, and
            # each test's statistic is 0/0; p = 1. A tolerance in absolute terms (1e-8)
            # called real differences of small values (1e-9 against 2e-9) no difference
            t_p = w_p = 1.0
        else:
            # Wilcoxon (1945): zero differences dropped (zero_method "wilcox", scipy's and
            # R's default), two-sided, scipy's method "auto" (in recent scipy: the exact
            # null distribution for up to 50 users without ties or zeros, an exact
            # permutation distribution for up to 13 with them, and else the normal
            # approximation with the tie and continuity corrections). It split the zeros between
            # the two signs ("zsplit"), which tests another hypothesis and gave p-values
            # that agreed with no reference's default
            w_p = float(stats.wilcoxon(ranked, zero_method="wilcox").pvalue)
            # every user moved by the same amount (up to rounding): t is infinite and p its
            # limit, 0 (scipy would warn of catastrophic cancellation and return an artefact)
            t_p = 0.0 if np.ptp(diff) <= 1e-12 * np.abs(diff).max() else float(
                stats.ttest_rel(joined["a"], joined["b"]).pvalue)
        return PairedTest(metric, mean_difference, ci_low, ci_high, t_p, w_p, n, clipped,
                          alike=alike)

    # ------------------------------------------------------------------ export
    def to_pandas(self) -> pd.DataFrame:
        """One row per metric: mean, CI bounds, users counted, ``ci_clipped`` and
        ``ci_alike`` (see :func:`_interval_flags`)."""
        rows = [{"model": self.model, "metric": s.metric, "mean": s.mean, "ci_low": s.ci_low,
                 "ci_high": s.ci_high, "n_users": s.n_users, **_interval_flags(s)}
                for s in self.summary().values()]
        rows += [{"model": self.model, "metric": name, "mean": value, "ci_low": math.nan,
                  "ci_high": math.nan, "n_users": math.nan, "ci_clipped": False,
                  "ci_alike": False}
                 for name, value in self.aggregate.items()]
        return pd.DataFrame(rows)

    def to_dict(self) -> dict[str, Any]:
        """The summary as plain JSON values: NaN is None, and numpy numbers, booleans and
        arrays (an evaluator given ``relevance_threshold=np.int64(4)`` keeps it in ``meta``)
        are Python's, which ``json.dumps`` refused with a TypeError."""
        def clean(x: Any) -> Any:
            x = _plain(x)
            return None if isinstance(x, float) and math.isnan(x) else x

        return {
            "model": self.model,
            "metrics": {m: {"mean": clean(s.mean), "ci_low": clean(s.ci_low),
                            "ci_high": clean(s.ci_high), "n_users": s.n_users,
                            **_interval_flags(s)}
                        for m, s in self.summary().items()},
            "aggregate": {k: clean(v) for k, v in self.aggregate.items()},
            "users_without_relevant": _plain(self.users_without_relevant),
            "meta": _nan_as_none(_plain(self.meta)),
        }

    def to_json(self, path: str | Path | None = None, *, overwrite: bool = False) -> str:
        """The summary (:meth:`to_dict`) as JSON text, also written to ``path`` (a ``.json``
        file, atomically) when one is given: its folder must exist, and an existing file
        is replaced only with ``overwrite=True`` (the rule of :meth:`to_csv`)."""
        if path is not None:  # checked first: a path ending in '/' or '.csv' wrote JSON there
            path = _output_file(path, f"{self.model}.to_json(path)", (".json",), "JSON",
                                overwrite)
        payload = self.to_dict()
        problem = _not_json(payload, "")
        if problem is not None:
            # a set in meta was a TypeError from json's encoder, and an infinite value was
            # written as Infinity, which no JSON reader takes
            where, value = problem
            raise RecstackError(f"{self.model}.to_json: {where} is {shown(value):.80} "
                                f"({type(value).__name__}), which JSON cannot hold; expected "
                                "text, a finite number, true/false, null, a list or a dict "
                                "with text keys")
        text = json.dumps(payload, indent=2, allow_nan=False)
        if path is not None:
            write_text(path, text)
        return text

    def to_csv(self, path: str | Path, *, per_user: bool = False,
               overwrite: bool = False) -> None:
        """The summary table, or with ``per_user`` every user's values, written to ``path``
        (a ``.csv`` file, atomically). Its folder must exist (as for
        :func:`recstack.data.files.save_table`), and an existing file is replaced only with
        ``overwrite=True`` (as a saved model is)."""
        if not isinstance(per_user, bool | np.bool_):
            # any truthy value ("no", 0.0 is not) chose the table without a word
            raise ConfigError(f"{self.model}.to_csv: per_user must be True (every user's "
                              f"values) or False (the summary), got {shown(per_user)}")
        path = _output_file(path, f"{self.model}.to_csv(path)", (".csv",),
                            "comma-separated text", overwrite)
        if per_user:
            # every user's values as summary() reads them: an infinite value, a word among
            # the numbers, true/false or a user listed twice were written as they were
            # (the summary table and to_json refused them), to a file that read_results
            # and every reader of the summary then refused or averaged
            for metric in self.per_user.columns:
                self._values(metric)
        if per_user:
            frame = self.per_user.reset_index()
        else:
            # catalog-level rows have no n_users (NaN), which made the column float: 2 users
            # were written as 2.0, read back as a float; a nullable integer keeps 2 and a blank
            frame = self.to_pandas().astype({"n_users": "Int64"})
        from recstack.data.files import csv_quoting

        write_text(path, frame.to_csv(index=False, quoting=csv_quoting(frame)))


#: extensions of compressed files, which the result writers do not write
_COMPRESSIONS = (".gz", ".bz2", ".xz", ".zip", ".zst")


class NoExtensionWarning(UserWarning):
    """A result file named without an extension (``to_json("res")``): it is written as
    asked, but nothing opens it by its name as the format it holds."""


def _output_file(path: Any, what: str, suffixes: tuple[str, ...], writes: str,
                 overwrite: Any) -> Path:
    """``path`` checked as an evaluation output file: the project's rule for a file a
    Python call writes (``save_table``, ``Model.save``): a folder that exists (a misspelt
    folder made a new tree), and no existing file replaced without ``overwrite=True``."""
    if not isinstance(overwrite, bool | np.bool_):
        raise ConfigError(f"{what}: overwrite must be True (replace an existing file) or "
                          f"False, got {shown(overwrite)}")
    if isinstance(path, str | os.PathLike):
        given = Path(os.fsdecode(os.fspath(path)))
        if given.suffix.lower() in _COMPRESSIONS:
            # checked_output's example doubled the extension ('r.json.gz': "e.g. r.json.json")
            stem = given.stem if given.stem.lower().endswith(suffixes) \
                else given.stem + suffixes[0]
            raise ConfigError(f"{what}: {str(given)!r} ends with {given.suffix}, but this "
                              f"writes {writes} uncompressed; name the file {stem}")
    checked = checked_output(path, what, suffixes=suffixes, writes=writes)
    if not checked.suffix and checked.name.lower() not in suffixes:
        # written as asked, but a file 'res' is opened by nothing that reads the format
        # (save_table and recommend --out refuse a name without an extension)
        warnings.warn(NoExtensionWarning(
            f"{what}: {checked.name!r} has no extension, but {writes} is written there; "
            f"name the file {' or '.join(suffixes)}, e.g. "
            f"{checked.name.rstrip('.')}{suffixes[0]}, so that it opens as {writes}"),
            stacklevel=caller_stacklevel())
    problem = folder_problem(checked.parent)
    if problem is not None:
        fix = ("create it first" if problem == "no such folder"
               else "choose another path")
        raise RecstackError(f"{what}: {checked}: cannot write it, its folder {checked.parent} "
                            f"{'does not exist' if problem == 'no such folder' else problem}; "
                            f"{fix}")
    if os.path.lexists(checked) and checked.is_file() and not checked.is_symlink() \
            and not overwrite:
        raise RecstackError(f"{what}: {checked} already exists; pass overwrite=True to "
                            "replace it, or choose another name")
    return checked


#: pandas' name for a column whose header is blank (a trailing comma), ``.1`` when repeated
_BLANK_HEADER = re.compile(r"Unnamed: \d+(\.\d+)?")


def _metric_name_problem(name: str) -> str | None:
    """Why ``name`` cannot name a metric of a result (a blank header, pandas' 'Unnamed: 2',
    or a cut-off after '@' that is a whole number below 1), with what would be right; None
    for any other name (a metric of another tool's, 'score', is kept)."""
    if not name.strip() or _BLANK_HEADER.fullmatch(name):
        return ("has no name of its own (pandas names a column whose header is blank so: a "
                "trailing comma in an edited CSV?); drop it, or name the metric it holds, "
                "e.g. 'ndcg@10'")
    base, at, cutoff = name.rpartition("@")
    if at and re.fullmatch(r"[+-]?\d+", cutoff.strip()) and int(cutoff) < 1:
        return (f"has the cut-off {cutoff.strip()}, but a cut-off counts the top "
                f"recommendations, at least 1 (e.g. '{base}@10')")
    return None


def _no_real_number(cell: Any) -> str | None:
    """What a cell of a per-user column is when pandas would read it as a number that it
    is not (None when it is a real number, text, or missing)."""
    if isinstance(cell, bool | np.bool_):
        return "a true/false value"
    if isinstance(cell, complex | np.complexfloating):
        return "a complex number"
    if isinstance(cell, dt.date | dt.time | np.datetime64 | pd.Period):
        return "a date or time"
    if isinstance(cell, dt.timedelta | np.timedelta64):
        return "a duration"
    if isinstance(cell, int | np.integer) and np.isinf(finite_or_infinite(cell)):
        return "beyond the float range, about 1.8e308"
    return None


def _cell(value: Any) -> str:
    """A value for a message: an integer of many digits by its digit count."""
    if isinstance(value, int | np.integer) and not isinstance(value, bool | np.bool_):
        return shown_number(value)
    return shown(value)


def _nan_as_none(value: Any) -> Any:
    """``value`` (plain Python, see :func:`_plain`) with each NaN as None, as
    :meth:`EvaluationResult.to_dict` writes an undefined metric."""
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, dict):
        return {key: _nan_as_none(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_nan_as_none(item) for item in value]
    return value


def _not_json(value: Any, where: str) -> tuple[str, Any] | None:
    """Where (``meta['x'][2]``) and what the first value of ``value`` is that strict JSON
    cannot hold, or None when it holds every one."""
    if value is None or isinstance(value, str | bool | int):
        return None
    if isinstance(value, float):
        return None if math.isfinite(value) else (where or "the value", value)
    if isinstance(value, list | tuple):
        for position, item in enumerate(value):
            found = _not_json(item, f"{where}[{position}]")
            if found is not None:
                return found
        return None
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                return (f"the key {shown(key)} of {where or 'the summary'}", key)
            found = _not_json(item, f"{where}[{key!r}]" if where else key)
            if found is not None:
                return found
        return None
    return (where or "the value", value)


def _plain(value: Any) -> Any:
    """``value`` with numpy scalars and arrays, inside dicts, lists and tuples too, as the
    Python values JSON writes."""
    if isinstance(value, np.generic | np.ndarray):
        return value.tolist()
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value



def _examples(index: pd.Index) -> str:
    """The first ids of an index and their types: ``1, 2, 3 (int)``."""
    values = [v.item() if isinstance(v, np.generic) else v for v in index[:3]]
    types = sorted({type(v).__name__ for v in values})
    return ", ".join(repr(v) for v in values) + f" ({', '.join(types)})"


#: the settings of an evaluation that decide what its numbers measure: results under
#: different ones are not comparable (a user relevant at threshold None may not be at 4)
_PROTOCOL = ("relevance_threshold", "graded", "duplicate_grade", "n_items", "protocol",
             # recorded by read_results: the data and split of the results folder
             "data", "split",
             # recorded by the evaluator: the relevant test pairs (a digest)
             "test_pairs")


def refuse_other_protocols(results: list[EvaluationResult], what: str) -> None:
    """Refuse results evaluated under different settings (relevance threshold, graded
    relevance, catalog...), naming the first that differs: their per-user values measure
    different things, and a paired test or a table of them compared numbers that do not
    compare, without a word. Settings a result does not record (one built by hand) are
    not compared."""
    for setting in _PROTOCOL:
        recorded = [(r.model, _plain(r.meta[setting])) for r in results
                    if isinstance(r.meta, dict) and setting in r.meta]
        if not recorded:
            continue
        first, a = recorded[0]
        other = next(((model, value) for model, value in recorded[1:]
                      if not _same_setting(value, a)), None)
        if other is not None:
            second, b = other
            if setting == "test_pairs":
                # results of two splits (or a split's test and another part) were paired
                # user by user, as though one test had been run twice
                raise RecstackError(
                    f"{what}: {first} and {second} were evaluated on different test pairs "
                    f"({a} and {b}: another split, seed or test part), so their users were "
                    "tested on different items and their numbers do not compare; evaluate "
                    "every model on one split's test")
            if setting in ("data", "split"):
                # results read from two results folders (read_results records both)
                kind = "data" if setting == "data" else "splits"
                raise RecstackError(
                    f"{what}: {first} and {second} come from results folders of different "
                    f"{kind} ({setting}={shown(a)} and {shown(b)}), so their users were tested on "
                    "different items and their numbers do not compare; compare models of "
                    "one experiment, or run them together in one experiment file")
            raise RecstackError(
                f"{what}: {first} was evaluated with {setting}={shown(a)} but {second} with "
                f"{setting}={shown(b)}, so their numbers measure different things; evaluate every "
                "model with one Evaluator (the same settings) before comparing them")


def _same_setting(a: Any, b: Any) -> bool:
    """Whether two recorded settings are one: 4 and 4.0 are the same threshold."""
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b or a == b
    if isinstance(a, int | float) and isinstance(b, int | float):
        # two NaN are one setting: "relevance_threshold=nan but ... relevance_threshold=nan"
        return float(a) == float(b) or (math.isnan(float(a)) and math.isnan(float(b)))
    return bool(a == b)


def comparison_table(results: list[EvaluationResult], *, unshared: str = "warn"
                     ) -> pd.DataFrame:
    """Models as rows, metric means as columns; ``results`` holds at least one result.

    Each mean is over the users its own result holds: results over different users
    (``unshared``, as :meth:`EvaluationResult.compare` takes it: ``"warn"``, ``"ignore"``
    or ``"raise"``) are means that do not compare."""
    if isinstance(results, EvaluationResult) or not isinstance(results, list | tuple):
        raise ConfigError(f"comparison_table needs a list of EvaluationResults, got "
                          f"{type(results).__name__}")
    unshared = _check_unshared(unshared, "comparison_table")
    strangers = [type(r).__name__ for r in results if not isinstance(r, EvaluationResult)]
    if strangers:
        raise ConfigError(f"comparison_table needs EvaluationResults, got {strangers[0]}")
    if not results:
        # an empty table of no columns read as "no model scored anything"
        raise ConfigError("comparison_table needs at least one EvaluationResult, got an "
                          "empty list; pass the results of Evaluator.evaluate, e.g. "
                          "comparison_table([result_a, result_b])")
    refuse_other_protocols(results, "comparison_table")
    # rows are keyed by model name: a second result of one name replaced the first without
    # a word (two EASE runs of other regularizations are both "ease" by default)
    names = [r.model for r in results]
    repeated = list(dict.fromkeys(n for n in names if names.count(n) > 1))
    if repeated:
        raise ConfigError(f"comparison_table: {len(repeated)} model name(s) are used by more "
                          f"than one result, e.g. {repeated[0]!r}; each row is one model, so "
                          "give each run its own name (evaluate(..., name='ease_reg_100'))")
    _refuse_other_columns(results)
    _other_users(list(results), unshared, "comparison_table",
                 "each row's means are over its own users and do not compare")
    return pd.DataFrame({r.model: r.means() for r in results}).T


class UnsharedUsersWarning(UserWarning):
    """Results compared (:meth:`EvaluationResult.compare`, :func:`comparison_table`) hold
    different users: the paired test is over the shared ones only, and the means of a
    table are each over their own users."""


#: what ``unshared=`` takes: what happens when compared results hold different users
_UNSHARED = ("warn", "ignore", "raise")


def _check_unshared(value: Any, what: str) -> str:
    if not isinstance(value, str) or value not in _UNSHARED:
        raise ConfigError(f"{what}: unshared must be one of "
                          f"{', '.join(repr(c) for c in _UNSHARED)}, got {shown(value)}"
                          f"{did_you_mean(value, _UNSHARED)}")
    return value


def _other_users(results: list[EvaluationResult], unshared: str, what: str,
                 consequence: str) -> None:
    """Warn (or with ``unshared="raise"`` refuse) when ``results`` hold different users,
    naming the first pair that differs: each one's count, how many are shared and the
    first users of each missing on the other side. Results over different users (another
    split's test users, a result read from another file) were paired on their shared
    users, or set side by side in a table, without a word."""
    if unshared == "ignore":
        return
    first = results[0]
    for other in results[1:]:
        apart = users_apart(first, other)
        if apart is None:
            continue
        message = (f"{what}: {apart}, so {consequence}; evaluate every model on one split's "
                   "test users (one Evaluator)")
        if unshared == "raise":
            raise RecstackError(message)
        warnings.warn(UnsharedUsersWarning(
            message + ", or pass unshared='ignore' where that is meant"),
            stacklevel=caller_stacklevel())
        return


def users_apart(first: EvaluationResult, other: EvaluationResult, *,
                other_role: str = "") -> str | None:
    """How the users of two results differ, None when they are the same: ``als was evaluated
    on 10 users and ease on 9, 9 of them shared (1 user of als's (e.g. 7) is not among
    ease's)``; ``other_role`` names the second result's part (``"the baseline "``)."""
    mine, theirs = first.per_user.index, other.per_user.index
    only_mine, only_theirs = mine.difference(theirs), theirs.difference(mine)
    if not len(only_mine) and not len(only_theirs):
        return None
    shared = len(mine) - len(only_mine)
    missing = [f"{counted(len(extra), 'user')} of {owner.model}'s (e.g. "
               f"{_first_ids(extra)}) {'is' if len(extra) == 1 else 'are'} not among "
               f"{lacker.model}'s"
               for extra, owner, lacker in ((only_mine, first, other),
                                            (only_theirs, other, first)) if len(extra)]
    return (f"{first.model} was evaluated on {counted(len(mine), 'user')} and {other_role}"
            f"{other.model} on {len(theirs):,}, {shared:,} of them shared "
            f"({'; '.join(missing)})")


def _first_ids(ids: pd.Index) -> str:
    """The first few of the user ids ``ids``, for a message."""
    shown_ids = ", ".join(shown(user.item() if isinstance(user, np.generic) else user)
                          for user in ids[:3])
    return shown_ids + (", ..." if len(ids) > 3 else "")


def _refuse_other_columns(results: list[EvaluationResult]) -> None:
    """Refuse results that do not hold the same metric columns (other ``ks`` or other
    ``metrics``): the table left the cells one of them lacks NaN without a word, read as
    "no number" beside numbers measured at another cut-off."""
    first = results[0]
    columns = list(first.means())
    for other in results[1:]:
        theirs = list(other.means())
        if set(theirs) == set(columns):
            continue
        lacks = [c for c in columns if c not in theirs]
        extra = [c for c in theirs if c not in columns]
        ks_a, ks_b = (r.meta.get("ks") if isinstance(r.meta, dict) else None
                      for r in (first, other))
        cut = (f" (evaluated at ks {shown(ks_a)} and {shown(ks_b)})"
               if ks_a is not None and ks_b is not None and list(ks_a) != list(ks_b) else "")
        missing, holder, lacker = ((lacks, first.model, other.model) if lacks
                                   else (extra, other.model, first.model))
        raise RecstackError(
            f"comparison_table: {holder} has {', '.join(missing[:4])}"
            f"{', ...' if len(missing) > 4 else ''} but {lacker} has not{cut}, so the "
            "table's cells for them would be empty (NaN); evaluate every model with one "
            "Evaluator (the same metrics and ks) before comparing them")


#: the format of results.json (:meth:`recstack.experiment.ExperimentResult.write`), recorded
#: there as ``format_version``; a file without one is of the format before it was recorded,
#: read as version 1. Raise it when a field changes meaning, so that an older recstack
#: refuses the file rather than reading its numbers as something else.
RESULTS_FORMAT_VERSION = 1


def _stored(value: Any) -> str:
    """A value read from JSON as its JSON text (``"yes"``, ``true``, ``7``), for a refusal."""
    try:
        return json.dumps(value)[:60]
    except (TypeError, ValueError):  # a payload built in Python
        return shown(value)


def check_results_format(path: str | Path, payload: dict[str, Any]) -> int:
    """The ``format_version`` of results.json ``path`` (its parsed ``payload``): 1 for a
    file without one (written before it was recorded). A version that is no whole number
    >= 1, or one newer than :data:`RESULTS_FORMAT_VERSION`, is refused naming the file:
    a newer recstack may have changed what a field means, and its numbers read as this
    version's would be wrong without a word."""
    if "format_version" not in payload:
        return 1
    version = payload["format_version"]
    if type(version) is not int or version < 1:
        raise RecstackError(f"{path}: 'format_version' is {_stored(version)}; expected a "
                            f"whole number from 1 to {RESULTS_FORMAT_VERSION} (the format "
                            "of the file, which `recstack evaluate` writes); rerun `recstack "
                            "evaluate` or restore the file")
    if version > RESULTS_FORMAT_VERSION:
        from recstack import __version__

        raise RecstackError(f"{path}: 'format_version' is {version}, a results format newer "
                            f"than this recstack ({__version__}) reads (1 to "
                            f"{RESULTS_FORMAT_VERSION}): it was written by a newer recstack; "
                            "upgrade recstack (pip install --upgrade recstack) to read it")
    return version


def _interval_flags(summary: MetricSummary) -> dict[str, bool]:
    """What a stored interval is, for readers of results.json and the frame: ``ci_clipped``,
    a t interval cut at the metric's bounds; ``ci_alike``, every user had one value and the
    interval is the one exact within the bounds (never both: the gate's record reads the
    same way, and an alike interval read as cut was explained as too few users)."""
    return {"ci_clipped": summary.clipped, "ci_alike": summary.alike}


def check_stored_model(path: str | Path, number: int, entry: dict[str, Any]) -> None:
    """Refuse a stored field of model entry ``entry`` (``models[number]``, from 1) of
    results.json ``path`` that no evaluation writes, naming the file and the field: each
    metric's ``ci_clipped`` (true or false; ``"yes"`` or 1 was kept as it was, and any text
    is true to Python) and ``meta.mean_list_overlap`` (``{"k": K, "overlap": share}``, the
    share from 0 to 1 or null: an overlap of 7 was read back and refused only once a
    diagnostic looked at it, naming no file). Fields an older file lacks are not
    required."""
    def refuse(field_name: str, value: Any, expected: str) -> None:
        raise RecstackError(f"{path}: 'models[{number}].{field_name}' is {_stored(value)}; "
                            f"expected {expected}; rerun `recstack evaluate` or restore the "
                            "file")

    metrics = entry.get("metrics")
    for name, stored in (metrics.items() if isinstance(metrics, dict) else ()):
        for flag, meaning in (("ci_clipped", "was cut at the metric's bounds"),
                              ("ci_alike", "is the one exact within the bounds, every "
                                           "user having one value")):
            if isinstance(stored, dict) and flag in stored \
                    and not isinstance(stored[flag], bool):
                refuse(f"metrics.{name}.{flag}", stored[flag],
                       f"true or false (whether the interval {meaning})")
    meta = entry.get("meta")
    if not isinstance(meta, dict) or meta.get("mean_list_overlap") is None:
        return
    overlap = meta["mean_list_overlap"]
    if not isinstance(overlap, dict) or set(overlap) != {"k", "overlap"}:
        refuse("meta.mean_list_overlap", overlap,
               '{"k": K, "overlap": share}, as the evaluator stores it')
    share, k = overlap["overlap"], overlap["k"]
    if share is not None and (isinstance(share, bool) or not isinstance(share, int | float)
                              or not 0 <= share <= 1):
        refuse("meta.mean_list_overlap.overlap", share, "the mean overlap of the users' "
               "lists, a share from 0 to 1 (or null when fewer than two users had a list)")
    if type(k) is not int or k < 1:
        refuse("meta.mean_list_overlap.k", k, "the length of the lists compared, a whole "
               "number >= 1")


# a misspelt field (aggregates=) or a missing one was the dataclass's TypeError naming
# __init__(), as Evaluator(...) says it
EvaluationResult.__init__ = arguments_named(  # type: ignore[method-assign]
    EvaluationResult.__init__)
# and so the methods: compare(other) without its metric, to_csv(path, True) or a misspelt
# keyword (to_json(path, overwite=True)) were Python's TypeError naming no metric nor keyword
for _method in ("summary", "means", "compare", "to_pandas", "to_dict", "to_json", "to_csv"):
    setattr(EvaluationResult, _method, arguments_named(getattr(EvaluationResult, _method)))
del _method
comparison_table = arguments_named(comparison_table)

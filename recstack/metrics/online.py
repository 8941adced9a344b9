r"""Online (A/B test) metrics from an event log, and significance tests between variants.

Event log schema
----------------
A long-format :class:`pandas.DataFrame`, one row per logged event, with these columns (others
are ignored):

============== ============================================================================
column         meaning
============== ============================================================================
``variant``    Experiment arm that served the session (e.g. ``"control"``, ``"B"``).
``session_id`` Session key. A session belongs to exactly one variant; it is the unit of
               randomisation, so session-level metrics are the independent observations.
``event``      One of ``"impression"`` (a recommendation shown), ``"click"`` (one clicked)
               and ``"purchase"`` (a conversion).
``timestamp``  When the event happened: datetimes, or numbers in seconds.
``revenue``    Money earned by the event (usually non-zero on purchases only); missing = 0.
``cost``       Money spent on the event (e.g. paid placement or serving cost); missing = 0.
``event_id``   Optional: a key of the event; when the column is there, no two events may
               share one (missing ids aside).
============== ============================================================================

Times are datetimes or numbers of seconds: Unix times, or offsets from a start (numbers
below 1e8, before 1973-03-03 as Unix times); a log mixing the two (a 0 or 1 written for a
missing time beside Unix times) is refused naming the row.

Metric definitions, per variant
-------------------------------
* **CTR** = clicks / impressions (event level).
* **Conversion rate** = purchases / clicks: *post-click* conversion, per click (not per
  impression or per session), from the variant's totals: every logged purchase counts,
  whether or not a click of its session came before it (purchases are not attributed to
  clicks).
* **Bounce rate** = sessions without any click or purchase / sessions: the share of sessions
  that saw recommendations and left without engaging.
* **ROI** = (revenue - cost) / cost, from the variant's totals (a session's revenue and cost
  summed in log order by Kahan's compensated summation, whether the log is read whole or
  a batch at a time, sorted by session or not).
* **Engagement** = mean session duration in seconds, a session lasting from its first to its
  last event (0 for a single-event session).

Undefined ratios (no impressions, no clicks, zero cost) are ``NaN``; a CTR or conversion
rate above 1 (clicks without logged impressions) is kept, with a warning. Malformed logs raise
:class:`~recstack.metrics.MetricInputError` (a ``ValueError``) naming the problem.
"""

from __future__ import annotations

import datetime
import math
import numbers
import re
import warnings
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, replace
from fractions import Fraction
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from recstack.data.interactions import caller_stacklevel
from recstack.errors import counted, digit_count, shown
from recstack.metrics._auc import unrounded
from recstack.metrics._scale import working_unit
from recstack.metrics._validation import (
    MetricInputError,
    as_float_1d,
    exact_as_float,
    exact_as_int,
    not_numbers,
    shown_given,
)
from recstack.specs import (
    arguments_named,
    closest,
    did_you_mean,
    finite_or_infinite,
    number_spelling_hint,
)

__all__ = [
    "EVENT_COLUMNS",
    "EVENT_TYPES",
    "ONLINE_METRICS",
    "SignificanceResult",
    "bounce_rate",
    "click_through_rate",
    "compare_variants",
    "conversion_rate",
    "engagement",
    "online_metrics",
    "return_on_investment",
    "session_table",
    "two_proportion_ztest",
    "validate_events",
    "welch_ttest",
]

#: Columns an event log must have.
EVENT_COLUMNS: tuple[str, ...] = ("variant", "session_id", "event", "timestamp", "revenue", "cost")
#: Allowed values of the ``event`` column.
EVENT_TYPES: tuple[str, ...] = ("impression", "click", "purchase")
#: Metrics :func:`online_metrics` reports and how :func:`compare_variants` tests each one:
#: rates with a two-proportion z-test, per-session means with Welch's t-test.
ONLINE_METRICS: Mapping[str, str] = MappingProxyType(
    {
        "ctr": "proportion",
        "conversion_rate": "proportion",
        "bounce_rate": "proportion",
        "roi": "untestable",
        "engagement": "mean",
        "revenue_per_session": "mean",
    }
)


#: Where the event at a position of the log is, for messages: ``"line 5 of events.csv"``.
Place = Callable[[int], str]


class _Rows:
    """Names the row at a position of an event log in messages: ``place(position)`` where
    the caller read the log from a file (``"line 5 of events.csv"``: a row count from 0
    pointed into no file), else ``row LABEL`` by its index label, as pandas shows it."""

    def __init__(self, index: pd.Index, place: Place | None) -> None:
        if place is not None and not callable(place):
            # a file name given as place ("events.csv") failed only once a row was to be
            # named, with Python's "'str' object is not callable" in place of the message
            raise MetricInputError(f"place must be a function of a row's position that names "
                                   f"it, such as lambda row: f'line {{row + 2}} of "
                                   f"events.csv', or None; got {type(place).__name__} "
                                   f"{shown(place)}")
        self.index, self.place = index, place

    def __call__(self, position: int) -> str:
        if self.place is not None:
            return self.place(int(position))
        return f"row {shown(self.index[int(position)])}"


@arguments_named
def validate_events(events: pd.DataFrame, *, place: Place | None = None) -> pd.DataFrame:
    """Check an event log against the schema and return a normalised copy.

    The copy has only the schema columns; ``timestamp`` as float seconds, ``revenue`` and
    ``cost`` as floats with missing values 0. A plain decimal number written as text in
    ``revenue``, ``cost`` or ``timestamp`` (``"3.50"``, as a CSV file holds it) is read as
    that number, the one place the metrics read text as numbers; other text is refused,
    a time written as text too (give datetimes). Messages name a row by its index label
    (``row 3``), or, with ``place`` (for a log read from a file), by ``place(position)``
    such as ``"line 5 of events.csv"``.

    Raises
    ------
    MetricInputError
        If ``events`` is not a DataFrame, is empty, lacks a column (the message lists the
        missing columns and those present), holds an unknown event type, a missing variant,
        session or timestamp, a negative revenue or cost, a whole revenue or cost past 2**53
        (or whole amounts adding up past it: float64 would round them), or a session in two
        variants.
    """
    if not isinstance(events, pd.DataFrame):
        raise MetricInputError(f"events must be a pandas DataFrame, got {type(events).__name__}")
    if isinstance(events.columns, pd.MultiIndex):
        # a column lookup by name gave a frame per name (numpy's "truth value of a Series is
        # ambiguous")
        raise MetricInputError(
            f"events has column names of {events.columns.nlevels} levels, such as "
            f"{events.columns[0]!r}; give one level of plain names {list(EVENT_COLUMNS)} "
            "(e.g. events.columns = events.columns.get_level_values(0))")
    missing = [column for column in EVENT_COLUMNS if column not in events.columns]
    if missing:
        present = [str(c) for c in events.columns]
        # a column that is itself required and there ('revenue') is no misspelling of a
        # missing one ('event'): only the others are offered
        spare = [c for c in present if c not in EVENT_COLUMNS]
        hints = [f"{match!r} for {column!r}" for column in missing
                 if (match := _near(column, spare))]
        hint = f" (did you mean {', '.join(hints)}?)" if hints else ""
        raise MetricInputError(
            f"events lacks column(s) {missing}; it has {present}{hint}. "
            f"Required: {list(EVENT_COLUMNS)}"
        )
    for column in EVENT_COLUMNS:
        positions = np.flatnonzero(np.asarray(events.columns == column))
        if len(positions) > 1:
            raise MetricInputError(
                f"events has two columns named {column!r} (positions {int(positions[0])} and "
                f"{int(positions[1])}); give each column once"
            )
    if events.empty:
        raise MetricInputError("events is empty; online metrics need at least one event")
    log = events.loc[:, list(EVENT_COLUMNS)].copy()
    # the index keeps its labels (they name rows in messages) but not its names: an index
    # named 'session_id' (set_index(..., drop=False), a frame from a groupby) made every
    # grouping by that column pandas' "both an index level and a column label" ValueError
    log.index = log.index.set_names([None] * log.index.nlevels)
    where = _Rows(log.index, place)
    for column in EVENT_COLUMNS:
        _refuse_bytes(log[column], where)
    for column in ("variant", "session_id", "event", "timestamp"):
        if log[column].isna().any():
            position = int(np.argmax(log[column].isna().to_numpy()))
            raise MetricInputError(
                f"events column {column!r} is missing a value at {where(position)}")
    for column in ("variant", "session_id", "event"):
        _check_keys(log[column], where)
    unknown = sorted(set(log["event"].unique()) - set(EVENT_TYPES), key=str)
    if unknown:
        hints = [f"{match!r} for {value!r}" for value in unknown[:5]
                 if isinstance(value, str) and (match := _near(value, EVENT_TYPES))]
        hint = f" (did you mean {', '.join(hints)}?)" if hints else ""
        position = int(np.argmax(log["event"].isin(unknown).to_numpy()))
        raise MetricInputError(
            f"events column 'event' holds unknown type(s) {unknown}{hint}, the first at "
            f"{where(position)}; allowed: {list(EVENT_TYPES)}"
        )
    given_times = log["timestamp"]
    log["timestamp"] = _seconds(given_times, where)
    _refuse_epoch_placeholders(log["timestamp"], given_times, where)
    if "event_id" in events.columns:
        _refuse_repeated_event_ids(events, where)
    for column in ("revenue", "cost"):
        log[column] = _money(log[column], where)
    if "event_id" not in events.columns:
        _warn_of_repeated_rows(log, events, where)
    variants_per_session = log.groupby("session_id", sort=False,
                                       observed=True)["variant"].nunique()
    if (variants_per_session > 1).any():
        session = variants_per_session.index[variants_per_session > 1][0]
        # the session's first event, and its first event in another variant
        mine = (log["session_id"] == session).to_numpy()
        first = int(np.argmax(mine))
        other = int(np.argmax(mine & (log["variant"] != log["variant"].iloc[first])
                              .to_numpy()))
        raise MetricInputError(
            f"session {shown(session)} appears in more than one variant "
            f"({shown(log['variant'].iloc[first])} at {where(first)}, "
            f"{shown(log['variant'].iloc[other])} at {where(other)}); sessions are the unit "
            "of randomisation and must belong to one variant"
        )
    return log


@arguments_named
def session_table(events: pd.DataFrame, *, place: Place | None = None) -> pd.DataFrame:
    """One row per session: its variant, event counts, revenue, cost, duration and bounce.

    Columns: ``variant``, ``impressions``, ``clicks``, ``purchases``, ``revenue``, ``cost``,
    ``duration_s``, ``bounced``; indexed by ``session_id``. ``place`` as in
    :func:`validate_events`.
    """
    log = validate_events(events, place=place)
    return _sessions(log)


@arguments_named
def online_metrics(events: pd.DataFrame, *, place: Place | None = None) -> pd.DataFrame:
    """All online metrics per variant (see the module docstring for definitions); ``place``
    names rows in messages, as in :func:`validate_events`.

    Returns
    -------
    pandas.DataFrame
        Indexed by variant, columns ``sessions``, ``impressions``, ``clicks``, ``purchases``,
        ``revenue``, ``cost``, ``ctr``, ``conversion_rate``, ``bounce_rate``, ``roi``,
        ``engagement`` (mean session seconds) and ``revenue_per_session``.
    """
    return _variant_metrics(_sessions(validate_events(events, place=place)))


def _variant_metrics(sessions: pd.DataFrame) -> pd.DataFrame:
    """:func:`online_metrics` of a table of :func:`_sessions`, so that a report that also
    tests the variants validates and groups a log of millions of events once (each test
    had validated it again)."""
    grouped = sessions.groupby("variant", sort=True, observed=True)
    table = grouped[["impressions", "clicks", "purchases", "revenue", "cost"]].sum()
    table.insert(0, "sessions", grouped.size())
    table["ctr"] = _safe_ratio(table["clicks"], table["impressions"])
    table["conversion_rate"] = _safe_ratio(table["purchases"], table["clicks"])
    table["bounce_rate"] = grouped["bounced"].mean()
    table["roi"] = _safe_ratio(table["revenue"] - table["cost"], table["cost"])
    table["engagement"] = grouped["duration_s"].mean()
    table["revenue_per_session"] = grouped["revenue"].mean()
    _warn_of_rates_above_one(table)
    return table


def _warn_of_rates_above_one(table: pd.DataFrame) -> None:
    """Warn, once, of a CTR or conversion rate above 1 or left undefined by clicks
    (purchases) in a variant without impressions (clicks): the log holds clicks on
    recommendations it never shows (or purchases without a click), so the ratio is no
    proportion, or is NaN; the numbers are kept, since it may be meant (a log of organic
    clicks). A variant without any of either keeps its NaN silently."""
    problems = []
    for rate, numerator, denominator in (("ctr", "clicks", "impressions"),
                                         ("conversion_rate", "purchases", "clicks")):
        for word, meaning, found in (
                ("above 1", "so it is no proportion", table[rate] > 1),
                ("NaN", f"with no {denominator} to divide by",
                 (table[denominator] == 0) & (table[numerator] > 0))):
            variants = table.index[found]
            if not len(variants):
                continue
            counts = ", ".join(f"{variant!r}: {table.at[variant, numerator]:,} {numerator} of "
                               f"{table.at[variant, denominator]:,} {denominator}"
                               for variant in variants[:5])
            problems.append(f"{rate} is {word} in {len(variants):,} variant(s) ({counts}), "
                            f"{meaning}: the log holds {numerator} without the "
                            f"{denominator} they follow; is every {denominator[:-1]} logged?")
    if problems:
        warnings.warn("; also ".join(problems), UserWarning, stacklevel=caller_stacklevel())


@arguments_named
def click_through_rate(events: pd.DataFrame) -> pd.Series:
    """CTR per variant: clicks / impressions. ``NaN`` for a variant without impressions."""
    return online_metrics(events)["ctr"]


@arguments_named
def conversion_rate(events: pd.DataFrame) -> pd.Series:
    """Post-click conversion per variant: purchases / clicks. ``NaN`` without clicks."""
    return online_metrics(events)["conversion_rate"]


@arguments_named
def bounce_rate(events: pd.DataFrame) -> pd.Series:
    """Share of each variant's sessions with no click and no purchase."""
    return online_metrics(events)["bounce_rate"]


@arguments_named
def return_on_investment(events: pd.DataFrame) -> pd.Series:
    """ROI per variant: (revenue - cost) / cost. ``NaN`` for a variant with zero cost."""
    return online_metrics(events)["roi"]


@arguments_named
def engagement(events: pd.DataFrame) -> pd.Series:
    """Mean session duration per variant, in seconds (first to last event of a session)."""
    return online_metrics(events)["engagement"]


@dataclass(frozen=True)
class SignificanceResult:
    """Outcome of comparing a treatment with a control.

    Attributes
    ----------
    test : str
        ``"two-proportion z-test"`` or ``"Welch t-test"``.
    control_value, treatment_value : float
        The metric in each group.
    difference : float
        ``treatment_value - control_value``.
    relative_lift : float
        ``difference / control_value``; ``NaN`` when the control value is 0.
    ci_low, ci_high : float
        Confidence interval for ``difference`` at level ``confidence``.
    p_value : float
        Two-sided p-value of "no difference".
    statistic : float
        z or t statistic.
    confidence : float
        ``1 - alpha``.
    metric, control, treatment : str or None
        What was compared, when known (filled by :func:`compare_variants`).
    """

    test: str
    control_value: float
    treatment_value: float
    difference: float
    relative_lift: float
    ci_low: float
    ci_high: float
    p_value: float
    statistic: float
    confidence: float
    metric: str | None = None
    control: str | None = None
    treatment: str | None = None


#: one of each counted thing, for messages ("1 impression", "3 clicks")
_ONE = {"impressions": "impression", "clicks": "click", "purchases": "purchase",
        "bounced": "bounced session", "sessions": "session"}
#: the largest count the z-test takes: beyond 2**53 a float no longer holds every whole number
_MAX_COUNT = 2**53
#: the largest time in seconds an event log may hold, the end of the year 9999 (larger
#: numbers are milliseconds, microseconds or nanoseconds read as seconds)
_MAX_SECONDS = 253_402_300_799
#: times from here on (1973-03-03 UTC) are read as Unix times, not offsets from a start
_UNIX_TIMES_FROM = 100_000_000


@arguments_named
def two_proportion_ztest(
    successes_control: int,
    trials_control: int,
    successes_treatment: int,
    trials_treatment: int,
    *,
    alpha: float = 0.05,
) -> SignificanceResult:
    r"""Two-sided two-proportion z-test for :math:`p_T - p_C`.

    .. math:: z = \frac{\hat p_T - \hat p_C}
              {\sqrt{\bar p (1 - \bar p)\left(\frac{1}{n_C} + \frac{1}{n_T}\right)}},
              \qquad \bar p = \frac{x_C + x_T}{n_C + n_T}

    The test statistic uses the pooled proportion (the null hypothesis says they are equal).
    The confidence interval is Newcombe's hybrid score interval (Newcombe, "Interval
    estimation for the difference between independent proportions", Statistics in Medicine
    1998, method 10): with :math:`(l_C, u_C)` and :math:`(l_T, u_T)` the Wilson score
    intervals of the two proportions and :math:`d = \hat p_T - \hat p_C`,

    .. math:: \left[d - \sqrt{(\hat p_T - l_T)^2 + (u_C - \hat p_C)^2},\;
              d + \sqrt{(u_T - \hat p_T)^2 + (\hat p_C - l_C)^2}\right].

    Unlike the Wald interval :math:`d \pm z \sqrt{\hat p_C(1-\hat p_C)/n_C + \hat
    p_T(1-\hat p_T)/n_T}` it keeps its coverage near 0 and 1, where the Wald interval had
    zero width (0 clicks in 10 impressions against 0 in 20 claimed the difference exactly
    0), and it stays within [-1, 1]. Both assume independent trials: for event-level rates
    (CTR) the events of one session are correlated, which makes the p-value optimistic.

    Returns
    -------
    SignificanceResult
        ``statistic`` and ``p_value`` are ``NaN`` when the pooled proportion is 0 or 1 (no
        variation: the test is undefined), with a ``UserWarning`` that says so.

    Raises
    ------
    MetricInputError
        If a count is negative, a number of trials is 0, or successes exceed trials; or
        if ``alpha`` is not in (0, 0.5] (0.95 is a level, not an alpha: give 0.05).
    """
    counts = {
        "successes_control": successes_control,
        "trials_control": trials_control,
        "successes_treatment": successes_treatment,
        "trials_treatment": trials_treatment,
    }
    for name, given in counts.items():
        # a whole Decimal or Fraction is its int, as every count of the metrics reads it
        # (Decimal(1) was refused while 1.0 was taken)
        value = exact_as_int(given)
        if isinstance(value, float | np.floating) and float(value).is_integer():
            value = int(value)  # 10.0, np.float32(10.0)
        if isinstance(value, bool | np.bool_) or not isinstance(value, int | np.integer) \
                or value < 0:
            raise MetricInputError(f"{name} must be a non-negative whole number, got "
                                   f"{shown_given(given)}"
                                   f"{number_spelling_hint(given, int, name)}")
        counts[name] = int(value)
        if value > _MAX_COUNT:
            digits = digit_count(int(value))
            raise MetricInputError(f"{name} is a {digits}-digit number, more than the "
                                   f"{_MAX_COUNT:,} events a test can count exactly; give the "
                                   "counts themselves")
    x_c, n_c, x_t, n_t = (int(v) for v in counts.values())
    for x, n, group in ((x_c, n_c, "control"), (x_t, n_t, "treatment")):
        if n == 0:
            raise MetricInputError(f"trials_{group} is 0; a proportion needs at least one trial")
        if x > n:
            raise MetricInputError(f"successes_{group} ({x}) exceeds trials_{group} ({n})")
    from scipy import stats  # deferred: scipy.stats takes ~0.5 s to import

    z_crit = _critical_value(alpha)
    alpha = exact_as_float(alpha)
    p_c, p_t = x_c / n_c, x_t / n_t
    pooled = (x_c + x_t) / (n_c + n_t)
    se_null = np.sqrt(pooled * (1.0 - pooled) * (1.0 / n_c + 1.0 / n_t))
    if se_null > 0:
        statistic = (p_t - p_c) / se_null
        p_value = float(2.0 * stats.norm.sf(abs(statistic)))
    else:
        statistic, p_value = float("nan"), float("nan")
        # every trial of both groups a success (or none): the p-value was NaN without a word,
        # and a report printed it as "nan" or "n/a" beside a real interval
        outcome = "a success" if pooled == 1 else "a failure"
        warnings.warn(
            f"two_proportion_ztest: every trial of both groups is {outcome} "
            f"({x_c:,} of {n_c:,} in control, {x_t:,} of {n_t:,} in treatment), so the "
            "outcomes do not vary, the standard error under 'no difference' is 0 and the "
            "z statistic and p-value are NaN (undefined: the test has nothing to measure "
            "against); the interval is still given. The test needs both outcomes among the "
            "trials of the two groups together (more trials, or a rarer outcome)", UserWarning,
            stacklevel=caller_stacklevel())
    difference = p_t - p_c
    low_c, high_c = _wilson_interval(x_c, n_c, z_crit)
    low_t, high_t = _wilson_interval(x_t, n_t, z_crit)
    return SignificanceResult(
        test="two-proportion z-test",
        control_value=p_c,
        treatment_value=p_t,
        difference=difference,
        relative_lift=_lift(difference, p_c),
        ci_low=float(difference - np.hypot(p_t - low_t, high_c - p_c)),
        ci_high=float(difference + np.hypot(high_t - p_t, p_c - low_c)),
        p_value=p_value,
        statistic=float(statistic),
        confidence=1.0 - float(alpha),
    )


def _wilson_interval(successes: int, trials: int, z: float) -> tuple[float, float]:
    r"""The Wilson score interval of a proportion (Wilson 1927): the roots in p of
    :math:`(\hat p - p)^2 = z^2 p (1 - p) / n`."""
    # each bound as the lower root of its side (the upper of the successes is 1 minus the
    # lower of the failures): centre - half_width cancelled, and with no success the lower
    # bound came out -3e-17 or 5e-17 rather than 0 (with no failure, the upper one
    # 1.0000000000000002)
    return (_wilson_lower(successes, trials, z),
            1.0 - _wilson_lower(trials - successes, trials, z))


def _wilson_lower(successes: int, trials: int, z: float) -> float:
    r"""The lower root :math:`p_-` of the Wilson quadratic, as the product of the roots,
    :math:`\hat p^2 / (1 + z^2/n)`, over the upper root: :math:`p_- = \hat p^2 / (c + h)`
    with :math:`c = \hat p + z^2/2n` and :math:`h` the half width, a sum of positive terms
    that cannot cancel (0 exactly when :math:`\hat p = 0`)."""
    share = successes / trials
    centre = share + z * z / (2 * trials)
    half_width = z * np.sqrt(share * (1.0 - share) / trials + z * z / (4 * trials * trials))
    return float(min(max(share * share / (centre + half_width), 0.0), 1.0))


@arguments_named
def welch_ttest(
    control: ArrayLike, treatment: ArrayLike, *, alpha: float = 0.05
) -> SignificanceResult:
    r"""Two-sided Welch t-test for the difference of means, :math:`\bar x_T - \bar x_C`.

    .. math:: t = \frac{\bar x_T - \bar x_C}{\sqrt{s_T^2/n_T + s_C^2/n_C}}

    with Welch-Satterthwaite degrees of freedom; does not assume equal variances
    (:func:`scipy.stats.ttest_ind` with ``equal_var=False``). The confidence interval is
    :math:`\bar x_T - \bar x_C \pm t_{1-\alpha/2,\nu}\,\mathrm{SE}`.

    Samples are numbers; true/false values are outcomes read as 1/0 (the means are then
    rates), as labels and rewards are everywhere. Durations and datetimes are refused:
    give their seconds. Integers past 2**53 (and Decimals or Fractions of more digits than
    float64 holds) are measured exactly, from a common origin, not merged with their
    neighbours.

    Returns
    -------
    SignificanceResult
        When neither sample varies (every value of each sample is the same), the interval
        is the difference itself, and ``statistic`` and ``p_value`` are ``NaN`` for equal
        means (the test is undefined) and ``±inf`` and 0 (their limits) for different ones,
        each with a ``UserWarning``: the limits are not evidence, the test needs variation.

    Raises
    ------
    MetricInputError
        If a sample has fewer than two observations or holds non-finite values; or if
        ``alpha`` is not in (0, 0.5] (0.95 is a level, not an alpha: give 0.05).
    """
    a = as_float_1d(control, "control")
    b = as_float_1d(treatment, "treatment")
    for name, sample in (("control", a), ("treatment", b)):
        if sample.size < 2:
            raise MetricInputError(f"{name} needs at least 2 observations, got {sample.size}")
    from scipy import stats  # deferred: scipy.stats takes ~0.5 s to import

    _critical_value(alpha)
    alpha = exact_as_float(alpha)  # a Decimal, read as its float (Decimal / float failed)
    # t, p and the degrees of freedom are the same on any scale, and the means and the
    # interval scale with the data: samples beyond 1e100 are tested in units of their
    # largest magnitude, since their squares (the variances) pass float64 and the result
    # was inf or NaN, with numpy's overflow warnings; samples below 1e-100 likewise, since
    # their squares fell under float64 (1e-300 against 2e-300 had variance 0, and the test
    # claimed p = 0 with a zero-width interval)
    largest = max(float(np.abs(a).max()), float(np.abs(b).max()))
    # integers past 2**53 (and Decimals or Fractions of more digits than float64 holds) are
    # measured from an exact common origin: as float64 their neighbours merged
    # ([2**60 + 1, 2**60 + 3] against [2**60, 2**60 + 2] read as two constant, equal
    # samples: p NaN and a zero-width interval, for a difference of 1)
    exact = _exactly_shifted(control, a, treatment, b)
    if exact is not None:
        a, b, exact_means = exact
    unit = working_unit(a, b)
    a, b = a / unit, b / unit
    mean_c, mean_t = float(a.mean()), float(b.mean())
    difference = mean_t - mean_c
    if np.ptp(a) == 0 and np.ptp(b) == 0:
        # no variation in either sample: the standard error is 0, so t is 0/0 (undefined)
        # for equal means and infinite otherwise (scipy would warn of catastrophic
        # cancellation and return a rounding artefact)
        ci_low = ci_high = difference
        held = ((float(m) for m in exact_means) if exact is not None
                else (mean_c * unit, mean_t * unit))
        held_c, held_t = held
        if difference == 0:
            statistic = p_value = float("nan")
            # the same value throughout both samples: NaN was returned without a word
            warnings.warn(
                f"welch_ttest: every value of both samples is {shown(held_c)} "
                f"({a.size} in control, {b.size} in treatment), so the standard error is 0 "
                "and the t statistic and p-value are NaN (undefined: there is no variation "
                "to test against), with a zero-width interval; the test needs values that "
                "vary (are these values per observation, not one total repeated?)",
                UserWarning, stacklevel=caller_stacklevel())
        else:
            statistic, p_value = math.copysign(math.inf, difference), 0.0
            # the limits, not evidence: two samples of one value each ([1, 1] against
            # [2, 2]) gave p = 0 and a zero-width interval without a word
            warnings.warn(
                f"welch_ttest: neither sample varies (control holds only "
                f"{shown(held_c)}, {a.size} values; treatment only "
                f"{shown(held_t)}, {b.size} values), so the "
                "standard error is 0 and the t-test has nothing to measure the difference "
                "against: p = 0 and the zero-width interval are its limits, not evidence; "
                "the test needs variation within the samples (are these values per "
                "observation, not one total repeated?)", UserWarning,
                stacklevel=caller_stacklevel())
    else:
        with warnings.catch_warnings():
            # one constant sample is fine (its variance is 0), but scipy warns of
            # "catastrophic cancellation" when it computes that variance
            warnings.filterwarnings("ignore", message="Precision loss occurred",
                                    category=RuntimeWarning)
            result = stats.ttest_ind(b, a, equal_var=False)
        # the quantile from the upper tail: scipy's confidence_interval takes the level
        # 1 - alpha, which rounds to 1 for an alpha below about 1e-16, and its interval was
        # infinite, refused as if the values were too large
        critical = float(stats.t.isf(alpha / 2.0, result.df))
        if not math.isfinite(critical) or critical <= 0:  # scipy: -inf past its reach
            _refuse_tiny_alpha(alpha)
        half = critical * float(np.sqrt(a.var(ddof=1) / a.size + b.var(ddof=1) / b.size))
        ci_low, ci_high = difference - half, difference + half
        statistic, p_value = float(result.statistic), float(result.pvalue)
    with np.errstate(over="ignore"):
        mean_c, mean_t, difference, ci_low, ci_high = (
            float(np.float64(value) * unit)
            for value in (mean_c, mean_t, difference, ci_low, ci_high))
    if exact is not None:
        mean_c, mean_t = (float(mean) for mean in exact_means)
        difference = float(exact_means[1] - exact_means[0])
    beyond = [name for name, value in (("control mean", mean_c), ("treatment mean", mean_t),
                                       ("difference", difference), ("interval", ci_low),
                                       ("interval", ci_high)) if math.isinf(value)]
    if beyond:
        # an alpha such as 1e-300 asks for an interval hundreds of orders of magnitude wider
        # than the standard error: its width, not the values, may be what overflowed
        alpha_hint = (f" (or alpha = {shown(alpha)} asks for a confidence so close to 1 "
                      "that the interval is that wide: give a larger alpha)"
                      if beyond[0] == "interval" and alpha < 1e-6 else "")
        raise MetricInputError(
            f"control and treatment hold values up to {largest:.3g}, so the {beyond[0]} "
            "passes the float64 range (about 1.8e308); give the values in a larger unit "
            f"(e.g. thousands) and scale the result back{alpha_hint}")
    return SignificanceResult(
        test="Welch t-test",
        control_value=mean_c,
        treatment_value=mean_t,
        difference=difference,
        relative_lift=_lift(difference, mean_c),
        ci_low=ci_low,
        ci_high=ci_high,
        p_value=p_value,
        statistic=statistic,
        confidence=1.0 - float(alpha),
    )


@arguments_named
def compare_variants(
    events: pd.DataFrame,
    metric: str,
    control: Hashable,
    treatment: Hashable,
    *,
    alpha: float = 0.05,
    place: Place | None = None,
) -> SignificanceResult:
    """Test whether ``treatment`` differs from ``control`` on one online metric.

    Parameters
    ----------
    events : pandas.DataFrame
        Event log in the module's schema.
    metric : str
        ``"ctr"`` (clicks of impressions), ``"conversion_rate"`` (purchases of clicks) and
        ``"bounce_rate"`` (bounced sessions of sessions) use :func:`two_proportion_ztest`;
        ``"engagement"`` (session duration) and ``"revenue_per_session"`` use
        :func:`welch_ttest` on per-session values. ``"roi"`` is a ratio of sums with no
        per-unit observations and is not testable here.
    control, treatment : hashable
        Values of the ``variant`` column.
    alpha : float, default 0.05
        1 - confidence level of the interval, in (0, 0.5].
    place : callable, optional
        Names rows in messages, as in :func:`validate_events`.
    """
    order = "the arguments are compare_variants(events, metric, control, treatment)"
    if not isinstance(events, pd.DataFrame):
        # a frame given as the metric was printed whole in "unknown online metric ..."
        given = next((name for name, value in (("metric", metric), ("control", control),
                                                ("treatment", treatment))
                      if isinstance(value, pd.DataFrame)), None)
        moved = f" and the event log as {given} ({order})" if given else ""
        raise MetricInputError(f"events must be a pandas DataFrame, got "
                               f"{type(events).__name__}{moved}")
    kind = ONLINE_METRICS.get(metric) if isinstance(metric, str) else None
    testable = [name for name, k in ONLINE_METRICS.items() if k != "untestable"]
    if isinstance(metric, list | tuple | set | frozenset) and metric:
        # ["ctr"] was "unknown online metric ['ctr']", as if 'ctr' were not a metric
        raise MetricInputError(f"unknown online metric {metric!r:.80}: metric is one name, "
                               f"such as 'ctr', not a {type(metric).__name__}; call "
                               "compare_variants once per metric (one test each)")
    if kind is None:
        hint = did_you_mean(metric, ONLINE_METRICS)
        # a metric's name given as the control or the treatment: the arguments in another
        # order (compare_variants(events, "A", "B", "ctr"))
        moved = next((f" ({value!r} is given as {role}: {order})"
                      for role, value in (("control", control), ("treatment", treatment))
                      if isinstance(value, str) and value in ONLINE_METRICS), "")
        given = repr(metric) if isinstance(metric, str | numbers.Number) else \
            f"{type(metric).__name__} {metric!r:.40}"
        raise MetricInputError(f"unknown online metric {given}{hint}{moved}; testable: "
                               f"{testable}")
    if kind == "untestable":
        raise MetricInputError(
            f"{metric!r} is a ratio of totals without per-session observations, so neither test "
            f"applies (use a bootstrap over sessions); testable: {testable}"
        )
    for role, name in (("control", control), ("treatment", treatment)):
        if not isinstance(name, Hashable):
            # an array compared with == raised numpy's "truth value is ambiguous"
            raise MetricInputError(f"{role} must be one variant, a value of the events' "
                                   f"'variant' column (a text or a number), got "
                                   f"{type(name).__name__} {name!r:.60}")
    if control == treatment:
        raise MetricInputError(f"control and treatment are both {shown(control)}; name two "
                               "variants")
    sessions = _sessions(validate_events(events, place=place))
    return _compare_sessions(sessions, metric, control, treatment, alpha=alpha)


def _compare_sessions(sessions: pd.DataFrame, metric: str, control: Hashable,
                      treatment: Hashable, *, alpha: float) -> SignificanceResult:
    """:func:`compare_variants` of a table of :func:`_sessions` and a testable ``metric``
    (checked by the caller)."""
    kind = ONLINE_METRICS[metric]
    present = sessions["variant"].unique().tolist()
    resolved = []
    for role, name in (("control", control), ("treatment", treatment)):
        # a name typed on a command line is text: "1" names the variant 1 of a numeric column,
        # and the variant 1.0 of a column a CSV reader made floats (str(1.0) is "1.0")
        matches = ([v for v in present if v == name]
                   or [v for v in present if str(v) == str(name)]
                   or [v for v in present if _same_number(v, name)])
        if len(matches) > 1:
            raise MetricInputError(
                f"{role} variant {name!r} names {len(matches)} variants of the log: "
                f"{', '.join(repr(v) for v in matches)}; name one of them as it is stored")
        if not matches:
            # the one nearest-name rule, a difference of case first ('b' for 'B')
            hint = did_you_mean(str(name), [str(v) for v in present])
            raise MetricInputError(
                f"{role} variant {name!r} is not in the log{hint}; variants: {present} "
                f"({_kinds(present)})"
            )
        resolved.append(matches[0])
    control, treatment = resolved
    if control == treatment:
        raise MetricInputError(f"control and treatment are both {shown(control)}; name two "
                               "variants")
    groups = {name: sessions[sessions["variant"] == name] for name in (control, treatment)}
    if kind == "proportion":
        numerator, denominator = {
            "ctr": ("clicks", "impressions"),
            "conversion_rate": ("purchases", "clicks"),
            "bounce_rate": ("bounced", None),
        }[metric]

        def counts(group: pd.DataFrame) -> tuple[int, int]:
            trials = len(group) if denominator is None else int(group[denominator].sum())
            return int(group[numerator].sum()), trials

        x_c, n_c = counts(groups[control])
        x_t, n_t = counts(groups[treatment])
        for role, name, successes, trials in (("control", control, x_c, n_c),
                                              ("treatment", treatment, x_t, n_t)):
            if trials == 0:
                raise MetricInputError(
                    f"{role} variant {name!r} has no {denominator or 'sessions'}, so its "
                    f"{metric} is undefined and cannot be tested"
                )
            if successes > trials:  # more clicks than impressions, purchases than clicks
                trial = denominator or "sessions"
                raise MetricInputError(
                    f"{role} variant {name!r} has {counted(successes, _ONE[numerator])} but "
                    f"only {counted(trials, _ONE[trial])}, so its {metric} "
                    f"({successes / trials:.3g}) is not a "
                    f"proportion and the z-test does not apply; is every {trial[:-1]} "
                    "logged?"
                )
        result = two_proportion_ztest(x_c, n_c, x_t, n_t, alpha=alpha)
    else:
        column = "duration_s" if metric == "engagement" else "revenue"
        for role, name in (("control", control), ("treatment", treatment)):
            if len(groups[name]) < 2:
                # welch_ttest's "control needs at least 2 observations" named neither the
                # variant nor what the observations are
                raise MetricInputError(
                    f"{role} variant {shown(name)} has "
                    f"{counted(len(groups[name]), 'session')}, and the t-test of {metric} "
                    "needs at least 2 per variant (each session is one observation); log "
                    "more sessions")
        result = welch_ttest(
            groups[control][column].to_numpy(), groups[treatment][column].to_numpy(), alpha=alpha
        )
    return replace(result, metric=metric, control=str(control), treatment=str(treatment))


def _as_number(value: Any) -> float | None:
    """``value`` as the number it is or writes (``"1"``, ``" 2.0 "``); None for a bool,
    other text and anything else."""
    if isinstance(value, bool | np.bool_):
        return None
    if isinstance(value, numbers.Real):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.strip())
        except ValueError:
            return None
    return None


def _same_number(stored: Any, name: Any) -> bool:
    """Whether ``name`` and a stored variant are one number written two ways (``"1"``
    and ``1.0``, ``2.0`` and ``"2"``); NaN is no variant's name."""
    first, second = _as_number(stored), _as_number(name)
    return first is not None and second is not None and first == second


def _kinds(present: list[Any]) -> str:
    """The types of the stored variants, so that a refusal says why a name did not match
    (variants read from a CSV as floats, a name given as text)."""
    kinds = sorted({type(value).__name__ for value in present})
    return "stored as " + " and ".join(kinds)


#: rows of a log, in log order, summed per session by a plain sum before the blocks' totals
#: are combined by Kahan's rule (see _compensated_add); the batched readers of
#: recstack.serving.online cut their rows into the same blocks, whatever their batch size
_SUM_BLOCK_ROWS = 65_536


def _compensated_add(sums: np.ndarray, compensations: np.ndarray, groups: np.ndarray,
                     values: np.ndarray) -> None:
    """Add ``values`` into ``sums[groups]``, the one rule by which a session's revenue and
    cost are summed: the rows, in log order, are cut into blocks of
    :data:`_SUM_BLOCK_ROWS` (the first block starting at the first row given); within a
    block each group's values are added one after another in log order (``np.bincount``'s
    weighted count, a sequential sum), and the blocks' totals are added into ``sums`` by
    Kahan's compensated summation (``y = total - c; t = sum + y; c = (t - sum) - y;
    sum = t``), the running ``compensations`` carried from block to block. A log summed
    whole (:func:`_sessions`) and one summed a batch at a time
    (``recstack.serving.online``, which hands this function whole blocks, the last one
    excepted) give the same bits. pandas' grouped sum is no such rule: it is Kahan's where
    the rows are not sorted by session and numpy's pairwise sum where they are. Vectorised:
    one numpy step per block, none per row or per group. The values are finite and the
    sums bounded by the callers (no infinity, whose compensation would be NaN)."""
    for begin in range(0, len(groups), _SUM_BLOCK_ROWS):
        block_groups = groups[begin:begin + _SUM_BLOCK_ROWS]
        present, local = np.unique(block_groups, return_inverse=True)
        totals = np.bincount(local.ravel(), weights=values[begin:begin + _SUM_BLOCK_ROWS],
                             minlength=len(present))
        corrected = totals - compensations[present]
        running = sums[present]
        step = running + corrected
        compensations[present] = (step - running) - corrected
        sums[present] = step


def _sessions(log: pd.DataFrame) -> pd.DataFrame:
    # counted by a grouping, not pd.crosstab, whose count is a Python call per session
    # (seconds per million events, and a report grouped the log once per test)
    # observed=True: of categorical ids (a log read from a file), only those in the log,
    # not every combination of their categories
    counts = (log.groupby(["session_id", "event"], sort=True, observed=True).size()
              .unstack("event", fill_value=0))
    # plain names: a categorical event column's own cannot take a type it lacks
    counts.columns = pd.Index(list(counts.columns), dtype=object)
    counts = counts.reindex(columns=list(EVENT_TYPES), fill_value=0)
    grouped = log.groupby("session_id", sort=True, observed=True)
    table = pd.DataFrame(
        {
            "variant": grouped["variant"].first(),
            "impressions": counts["impression"],
            "clicks": counts["click"],
            "purchases": counts["purchase"],
            "revenue": _session_sums(grouped, log["revenue"]),
            "cost": _session_sums(grouped, log["cost"]),
            "duration_s": grouped["timestamp"].max() - grouped["timestamp"].min(),
        }
    )
    table["bounced"] = (table["clicks"] == 0) & (table["purchases"] == 0)
    # the sessions and variants as plain values, as of a log of plain columns: categories
    # (of a log read from a file) made the variants a CategoricalIndex of the report
    if isinstance(table.index.dtype, pd.CategoricalDtype):
        table.index = table.index.astype(table.index.dtype.categories.dtype)
    if isinstance(table["variant"].dtype, pd.CategoricalDtype):
        table["variant"] = table["variant"].astype(table["variant"].dtype.categories.dtype)
    return table


def _session_sums(grouped: Any, amounts: pd.Series) -> pd.Series:
    """Each session's total of ``amounts`` (the log's revenue or cost), summed in log order
    by :func:`_compensated_add`, indexed as the groups of ``grouped``."""
    codes = grouped.ngroup().to_numpy(np.int64)
    sums = np.zeros(grouped.ngroups, dtype=np.float64)
    _compensated_add(sums, np.zeros_like(sums), codes, amounts.to_numpy(np.float64))
    return pd.Series(sums, index=grouped.size().index)


def _check_keys(column: pd.Series, where: _Rows) -> None:
    """Refuse values that cannot be grouped on (lists, dicts: a mis-parsed log), and two
    values that read alike but group apart: the number 1 beside the text '1', or 'B' beside
    'B ' (logs joined from a JSON and a CSV source, a padded export). Each became a variant
    (or session) of its own, splitting one arm's sessions in two without a word."""
    categorical = isinstance(column.dtype, pd.CategoricalDtype)
    if column.dtype != object and not pd.api.types.is_string_dtype(column.dtype) \
            and not categorical:
        return
    # the checks look at the distinct values, and at each row only to name a bad one: a
    # Python call per row took seconds per million events, three columns at a time
    try:
        # a log read from a file holds its ids as categories: their values are read in
        # order of first use, as pd.unique gives them, without a Python string per row
        distinct = (_used_categories(column) if categorical
                    else pd.unique(column.to_numpy(dtype=object)))
    except TypeError:  # a list or a dict among the values: hashing them failed
        unhashable = ~column.map(lambda value: isinstance(value, Hashable))
        position = int(np.argmax(unhashable.to_numpy(dtype=bool)))
        raise MetricInputError(
            f"events column {column.name!r} holds {column.iloc[position]!r} at "
            f"{where(position)}; expected a single value (a name or a number) per event"
        ) from None
    # an empty (or all-space) text is a missing value in another form (a blank cell of a
    # joined or exported log): it became a variant, a session or an event type of its own
    blanks = [value for value in distinct if isinstance(value, str) and not value.strip()]
    if blanks:
        position = int(np.argmax(column.isin(blanks).to_numpy(dtype=bool)))
        raise MetricInputError(
            f"events column {column.name!r} holds the empty text {column.iloc[position]!r} "
            f"at {where(position)}; every event needs a {column.name} (is the value "
            "missing?)")
    # variant names are also one name in any case ('B' beside 'b'), as the service's
    # settings refuse two variants that differ only in case; session ids keep theirs (a
    # random token may differ from another by case alone)
    by_case = column.name == "variant"
    seen: dict[str, Any] = {}
    for value in distinct:
        text = str(value).strip()
        if by_case:
            text = text.casefold()
        if text in seen:
            first, other = seen[text], value
            rows = [_first_position(column, key) for key in (first, other)]
            raise MetricInputError(
                f"events column {column.name!r} holds {shown(first)} ({where(rows[0])}) "
                f"and {shown(other)} ({where(rows[1])}), which read alike but would be "
                "two different keys; write each one way (all text or all numbers, without "
                f"spaces around it{', in one case' if by_case else ''})")
        seen[text] = value


def _used_categories(column: pd.Series) -> np.ndarray:
    """The categories a categorical column uses, as objects, in the order of their first
    row (a missing value aside)."""
    codes = pd.unique(column.cat.codes.to_numpy())
    return column.cat.categories.to_numpy(dtype=object)[codes[codes >= 0]]


def _first_position(column: pd.Series, key: Any) -> int:
    """The position of the first row holding ``key`` itself (of its type: the number 1 is
    not the text '1' here)."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        categories = column.cat.categories.to_numpy(dtype=object)
        matching = [code for code, value in enumerate(categories)
                    if type(value) is type(key) and value == key]
        return int(np.argmax(column.cat.codes.isin(matching).to_numpy(dtype=bool)))
    return int(np.argmax(column.map(lambda value: type(value) is type(key)
                                    and value == key).to_numpy(dtype=bool)))


def _seconds(timestamps: pd.Series, where: _Rows) -> pd.Series:
    """Event times as float seconds: datetimes (any time zone) from the epoch, durations
    (offsets from a start) by their seconds, numbers as seconds; anything else is refused
    naming the first row that is not a time."""
    if pd.api.types.is_datetime64_any_dtype(timestamps):
        return (timestamps - pd.Timestamp(0, tz=timestamps.dt.tz)).dt.total_seconds()
    if pd.api.types.is_timedelta64_dtype(timestamps):
        # as numbers they are nanoseconds: a session of 5 s would last 5e9 "seconds"
        return timestamps.dt.total_seconds().astype(np.float64)
    if pd.api.types.is_bool_dtype(timestamps):
        raise MetricInputError("events column 'timestamp' holds true/false values; it must "
                               "hold datetimes or numbers of seconds")
    if timestamps.dtype == object:
        times = _object_times(timestamps, where)
        if times is not None:
            return _seconds(times, where)
    seconds = _numbers(timestamps, "timestamp", "datetimes or numbers of seconds (text such "
                       "as '2024-01-01 10:00' can be read with pandas.to_datetime)", where)
    beyond = np.abs(seconds.to_numpy()) > _MAX_SECONDS
    if beyond.any():
        position = int(np.flatnonzero(beyond)[0])
        raise MetricInputError(
            f"events column 'timestamp' holds {shown(timestamps.iloc[position])} at "
            f"{where(position)}, beyond the year 9999 as seconds; numbers "
            "are read as seconds, so convert milliseconds or nanoseconds first (e.g. "
            "pandas.to_datetime(column, unit='ms'))")
    return seconds


def _object_times(timestamps: pd.Series, where: _Rows) -> pd.Series | None:
    """A column of Python or pandas datetimes that pandas kept as objects (times in several
    time zones, or with and without one) as datetimes in UTC; None when it holds none.
    Such a column was refused as holding no datetimes ("must hold datetimes; row 0 holds
    Timestamp(...)"). Times with a zone beside times without one are refused naming a row
    of each: which zone the others are in is a guess."""
    values = timestamps.to_numpy()
    is_time = np.fromiter((isinstance(v, datetime.datetime) for v in values), bool,
                          len(values))
    if not is_time.any():
        return None
    if not is_time.all():
        first, other = int(np.argmax(is_time)), int(np.argmin(is_time))
        raise MetricInputError(
            f"events column 'timestamp' holds the time {shown(values[first])} at "
            f"{where(first)} and {shown(values[other])} at {where(other)}; give every "
            "event a time of one kind "
            "(all datetimes, or all numbers of seconds)")
    aware = np.fromiter((v.tzinfo is not None for v in values), bool, len(values))
    if aware.any() and not aware.all():
        zoned, naive = int(np.argmax(aware)), int(np.argmin(aware))
        raise MetricInputError(
            f"events column 'timestamp' holds times with a time zone ({where(zoned)}: "
            f"{values[zoned]}) and without one ({where(naive)}: {values[naive]}), so the "
            "order of their "
            "events is a guess; give every time its zone (e.g. tz_localize('UTC') on the "
            "times without one) or none")
    return pd.Series(pd.to_datetime(values, utc=bool(aware.any())), index=timestamps.index,
                     name=timestamps.name)


def _refuse_epoch_placeholders(seconds: pd.Series, given: pd.Series, where: _Rows) -> None:
    """Refuse a time at (or near) 1970-01-01 beside Unix times: 0 or 1 written for a missing
    time (an epoch placeholder, or seconds since the session began mixed in) made its
    session last decades, and the variant's engagement that many seconds, silently. A log
    of small numbers only (offsets from a start) is kept."""
    values = seconds.to_numpy()
    late = values >= _UNIX_TIMES_FROM
    early = values < _UNIX_TIMES_FROM
    if not (late.any() and early.any()):
        return
    first, real = int(np.argmax(early)), int(np.argmax(late))
    raise MetricInputError(
        f"events column 'timestamp' holds {shown(given.iloc[first])} at {where(first)}, "
        f"{values[first]:g} s from 1970-01-01 00:00 UTC, while other events are times such "
        f"as {shown(given.iloc[real])} at {where(real)}: a placeholder (0, 1 or "
        "1970-01-01) for a missing time, or seconds from a start mixed with Unix times, "
        "would make its session last decades; give the event's real time or drop the row")


def _warn_of_repeated_rows(log: pd.DataFrame, events: pd.DataFrame, where: _Rows) -> None:
    """Warn when, without an ``event_id`` column to tell events apart, a row repeats an
    earlier one in every field (same session, event, time and amounts, and the same value
    in each other column of ``events``): a log appended twice, or a retried upload, counted
    each repeated event again, silently. The rows are kept (two impressions logged at one
    time may be two events), and an ``event_id`` column says which they are: then repeated
    ids are refused and this warning not given."""
    # one number per distinct row, built a column at a time: DataFrame.duplicated held a
    # code array per column at once, and the columns besides as a Python object per row
    row_key = np.zeros(len(log), dtype=np.int64)
    for column in log.columns:
        row_key = _refined_key(row_key, log[column])
    # the other columns tell events apart too: the impressions of one served list share
    # session, time and amounts and differ in their item, and were all called repeats
    for position in (i for i, name in enumerate(events.columns) if name not in EVENT_COLUMNS):
        values = events.iloc[:, position]
        if values.dtype == object:
            try:
                pd.unique(values.to_numpy(dtype=object))
            except TypeError:  # lists or dicts (a column the metrics do not read): skipped
                continue
        row_key = _refined_key(row_key, values)
    repeated = pd.Series(row_key).duplicated(keep="first").to_numpy()
    if not repeated.any():
        return
    again = int(np.argmax(repeated))
    first = int(np.argmax(row_key == row_key[again]))
    rows = (where(again), where(first))
    if rows[0] == rows[1]:  # two frames concatenated keep their index labels: say which
        rows = (f"{rows[0]} (position {again})", f"{rows[1]} (position {first})")
    warnings.warn(
        f"events: {int(repeated.sum()):,} row(s) repeat an earlier row in every column "
        f"({rows[0]} repeats {rows[1]}), and each is counted as an event of its "
        "own; if the log was appended or uploaded twice, drop them "
        "(events.drop_duplicates()); if they are distinct events, add an 'event_id' "
        "column that tells them apart", UserWarning, stacklevel=caller_stacklevel())


def _refined_key(row_key: np.ndarray, values: pd.Series) -> np.ndarray:
    """``row_key`` (equal for rows alike so far) refined by one more column, as
    DataFrame.duplicated compares it: by pandas' factorisation, in which every missing
    value (None, NaN, NaT) equals another, where == says it does not. The key stays below
    the number of rows, so that its product with the next column's codes fits int64."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        codes, distinct = values.cat.codes.to_numpy(), len(values.cat.categories)
    else:
        codes, uniques = pd.factorize(values.array)
        distinct = len(uniques)
    # missing values (code -1) are one value of their own
    combined = row_key * (distinct + 1) + (codes.astype(np.int64) + 1)
    # numbered by sorting, not hashing: numpy's arrays are returned to the system, where a
    # hash table of a million keys per column kept the process's memory growing
    return np.unique(combined, return_inverse=True)[1].astype(np.int64).reshape(-1)


def _refuse_bytes(column: pd.Series, where: _Rows) -> None:
    """Refuse bytes (``b"10"``, a log read in binary mode or from a bytes column) in any
    column of the log: pandas read them as the numbers they spell in ``revenue``, ``cost``
    and ``timestamp``, silently, and as keys apart from the text they spell elsewhere
    (``b"A"`` and ``"A"`` two variants)."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        # a log read from a file holds its ids as categories: the values are looked at once
        categories = column.cat.categories.to_numpy(dtype=object)
        byte_codes = [code for code, value in enumerate(categories)
                      if isinstance(value, bytes | bytearray)]
        if byte_codes:
            position = int(np.argmax(column.cat.codes.isin(byte_codes).to_numpy(dtype=bool)))
            raise MetricInputError(
                f"events column {column.name!r} holds the bytes {column.iloc[position]!r} at "
                f"{where(position)}; give text or numbers, not bytes (decode them first, e.g. "
                f"events[{str(column.name)!r}].str.decode('utf-8'))")
        return
    if column.dtype != object:
        return
    if pd.api.types.infer_dtype(column, skipna=True) not in ("bytes", "mixed",
                                                              "mixed-integer", "unknown-array"):
        # a column of text, numbers or times alone, told by pandas' one pass in C (a Python
        # call per row took a second per million events, in each of six columns)
        return
    is_bytes = column.map(lambda value: isinstance(value, bytes | bytearray)).to_numpy(
        dtype=bool)
    if is_bytes.any():
        position = int(np.argmax(is_bytes))
        raise MetricInputError(
            f"events column {column.name!r} holds the bytes {column.iloc[position]!r} at "
            f"{where(position)}; give text or numbers, not bytes (decode them first, e.g. "
            f"events[{str(column.name)!r}].str.decode('utf-8'))")


def _refuse_repeated_event_ids(events: pd.DataFrame, where: _Rows) -> None:
    """Refuse an optional ``event_id`` column that names one event twice: a log appended
    twice (or a retried upload) counted every repeated event again, silently. Missing ids
    are allowed."""
    positions = np.flatnonzero(np.asarray(events.columns == "event_id"))
    if len(positions) > 1:
        raise MetricInputError(
            f"events has two columns named 'event_id' (positions {int(positions[0])} and "
            f"{int(positions[1])}); give each column once")
    ids = events.iloc[:, int(positions[0])]
    _check_keys(ids, where)
    repeated = (ids.duplicated(keep="first") & ids.notna()).to_numpy()
    if repeated.any():
        again = int(np.argmax(repeated))
        first = int(np.argmax((ids == ids.iloc[again]).to_numpy()))
        raise MetricInputError(
            f"events column 'event_id' holds {shown(ids.iloc[again])} at {where(first)} and "
            f"again at {where(again)}; each event is logged once (a log appended twice? "
            "drop the repeats, e.g. events.drop_duplicates('event_id'))")


#: what a money column holding text ("$3.50", "1,000.00") is told, here and where the
#: service reads an event log (recstack.serving.online)
MONEY_TEXT_HINT = ("write plain numbers such as 3.5, without a currency sign, code or "
                   "thousands separator (one currency per log)")


#: what a negative revenue is told (a refund logged as a purchase of a negative amount),
#: here and where the service reads an event log (recstack.serving.online)
REFUND_HINT = ("a refund is no event of the log: take it off the revenue of the purchase "
               "it refunds, or leave the refunded purchase out")


def _money(values: pd.Series, where: _Rows) -> pd.Series:
    """Revenue or cost as float64, missing values 0, refused by row when not a finite
    amount >= 0."""
    column = str(values.name)
    if pd.api.types.is_bool_dtype(values):
        raise MetricInputError(f"events column {column!r} holds true/false values; it must "
                               "hold amounts of money >= 0")
    # durations and datetimes became their nanoseconds (a cost of 1 s read as 1e9), silently;
    # text and complex numbers are named by _numbers, value by value
    problem = not_numbers(values)
    if problem is not None and problem.startswith(("datetimes", "durations", "dates")):
        raise MetricInputError(f"events column {column!r} holds {problem}; it must hold "
                               "amounts of money >= 0")
    whole = _refuse_inexact_whole_amounts(values, where)
    amounts = _numbers(values, column, "amounts of money >= 0", where, missing_ok=True,
                       text_hint=MONEY_TEXT_HINT).fillna(0.0)
    bad = ~np.isfinite(amounts.to_numpy()) | (amounts.to_numpy() < 0)
    if bad.any():
        position = int(np.argmax(bad))
        # a refund (revenue -20) was refused without a word of what to do with it
        hint = (f" ({REFUND_HINT})" if column == "revenue"
                and float(amounts.iloc[position]) < 0 else "")
        raise MetricInputError(
            f"events column {column!r} must be finite and >= 0; {where(position)} holds "
            f"{shown(values.iloc[position])}{hint}")
    with np.errstate(over="ignore"):
        total = float(amounts.to_numpy().sum())
    if math.isinf(total):
        # every amount is finite and >= 0, so a finite total bounds every session's and
        # variant's: past it the totals were inf and ROI NaN, with numpy's overflow warning
        position = int(np.argmax(amounts.to_numpy()))
        raise MetricInputError(
            f"events column {column!r} adds up past the float64 range (about 1.8e308); its "
            f"largest amount is {float(amounts.iloc[position]):.3g} at "
            f"{where(position)}; give the amounts in a larger unit (e.g. "
            "thousands)")
    if whole and total >= _MAX_COUNT / 2 and _exact_total(values) > _MAX_COUNT:
        # each whole amount is exact in float64, but their sums (a session's, a variant's)
        # from 2**53 on are rounded to an even number or coarser, silently
        raise MetricInputError(
            f"events column {column!r} holds whole amounts adding up to about {total:.4g}, "
            f"past 2**53 ({_MAX_COUNT:,}), from where float64 does not hold every whole "
            "number, so the totals of sessions and variants would be rounded; give the "
            "amounts in a larger unit (e.g. thousands)")
    return amounts


#: a whole number written as text, as int() reads it (signs and spaces around it allowed)
_WHOLE_TEXT = re.compile(r"\s*[+-]?\d+\s*")


def _whole_beyond(value: Any) -> bool:
    """Whether a whole number (or one written as text) lies past 2**53 in size; text of
    thousands of digits is judged by its length (``int()`` of it is Python's ValueError)."""
    if isinstance(value, str):
        digits = value.strip().lstrip("+-").lstrip("0")
        if len(digits) > len(str(_MAX_COUNT)):
            return True
        value = int(value)
    # past float64's range (a 400-digit integer) the caller names it as too large for one
    return _MAX_COUNT < abs(int(value)) and math.isfinite(finite_or_infinite(value))


def _exact_total(values: pd.Series) -> int:
    """The exact sum of a column of whole amounts (missing values aside), in Python ints:
    float64's sum rounds past 2**53, and int64's wraps past 2**63."""
    return sum(int(v) for v in values.to_numpy(dtype=object) if not pd.isna(v))


def _refuse_inexact_whole_amounts(values: pd.Series, where: _Rows) -> bool:
    """Refuse a whole amount past 2**53 (integer cents, a Python int, a uint64), which float64
    cannot hold exactly (``2**53 + 1`` was read as ``2**53``, silently); return whether
    every amount given is whole (an integer column, or integers among missing values), so
    that the caller can refuse their total past 2**53 too."""
    raw = values.to_numpy()
    if raw.dtype.kind in "iu":
        beyond = raw > _MAX_COUNT  # amounts are >= 0: negatives are refused by the caller
        whole = True
    elif raw.dtype == object or pd.api.types.is_string_dtype(raw.dtype):
        # integers, and integers written as text (a CSV file read as text): "2**53 + 1" in
        # either form was read through float64 as 2**53
        integral = np.fromiter(((isinstance(v, numbers.Integral)
                                 and not isinstance(v, bool | np.bool_))
                                or (isinstance(v, str) and _WHOLE_TEXT.fullmatch(v) is not None)
                                for v in raw), bool, len(raw))
        beyond = np.fromiter((bool(is_int) and _whole_beyond(v)
                              for v, is_int in zip(raw, integral, strict=True)), bool, len(raw))
        whole = bool(integral.any()) and bool((integral | pd.isna(values).to_numpy()).all())
    else:
        return False
    if beyond.any():
        position = int(np.argmax(beyond))
        raise MetricInputError(
            f"events column {str(values.name)!r} holds {shown(raw[position])} at "
            f"{where(position)}, a whole number past 2**53 ({_MAX_COUNT:,}) that float64 "
            "cannot hold exactly (it would be changed to a neighbouring number); give the "
            "amounts in a larger unit (e.g. thousands)")
    return whole


def _numbers(values: pd.Series, column: str, wanted: str, where: _Rows, *,
             missing_ok: bool = False, text_hint: str = "") -> pd.Series:
    """A column as float64, refused naming its first value that is not a number
    (``text_hint``: what to write instead, added when that value is text, such as
    ``'$3.50'``)."""
    if pd.api.types.is_complex_dtype(values):
        raise MetricInputError(f"events column {column!r} holds complex numbers; it must hold "
                               f"{wanted}")
    if values.dtype == object:
        # a true/false among numbers (a flag written into the column) was read as 1 or 0:
        # revenue 1, a cost of 1, an event at second 1, silently; a column of them only is
        # refused by its callers
        is_bool = np.fromiter((isinstance(v, bool | np.bool_) for v in values.to_numpy()),
                              bool, len(values))
        if is_bool.any():
            position = int(np.argmax(is_bool))
            raise MetricInputError(
                f"events column {column!r} must hold {wanted}; {where(position)} holds "
                f"{shown(values.iloc[position])} (a true/false value, not a number)")
    try:
        converted = pd.to_numeric(values, errors="coerce")
    except OverflowError:  # an integer of hundreds of digits (Python reads any length)
        position = next((i for i, value in enumerate(values.to_numpy(dtype=object))
                         if isinstance(value, numbers.Integral)
                         and not math.isfinite(finite_or_infinite(value))), 0)
        raise MetricInputError(
            f"events column {column!r} must hold {wanted}; {where(position)} holds a "
            f"{digit_count(int(values.iloc[position]))}-digit integer, too large for a "
            "float64 number") from None
    failed = converted.isna() & values.notna()
    if failed.any() or not pd.api.types.is_numeric_dtype(converted) \
            or pd.api.types.is_complex_dtype(converted):
        position = int(np.flatnonzero(failed.to_numpy())[0]) if failed.any() else 0
        hint = (f"; {text_hint}" if text_hint and isinstance(values.iloc[position], str)
                else "")
        raise MetricInputError(
            f"events column {column!r} must hold {wanted}; {where(position)} holds "
            f"{shown(values.iloc[position])}{hint}")
    seconds = converted.astype(np.float64)
    if not missing_ok and not np.all(np.isfinite(seconds)):
        position = int(np.flatnonzero(~np.isfinite(seconds.to_numpy()))[0])
        raise MetricInputError(
            f"events column {column!r} must be finite; {where(position)} holds "
            f"{shown(values.iloc[position])}")
    return seconds



def _near(name: str, choices: Any) -> str | None:
    """The choice ``name`` most likely misspells (case and separators aside), or None: the
    project's one nearest-name rule (:func:`recstack.specs.closest`). A parallel rule here
    with a stricter cut-off suggested nothing for a swap of two letters ('crt' for 'ctr')."""
    return closest(name, [str(choice) for choice in choices])


def _exactly_shifted(control: Any, a: np.ndarray, treatment: Any, b: np.ndarray
                     ) -> tuple[np.ndarray, np.ndarray, tuple[Fraction, Fraction]] | None:
    """Where float64 changed a value of ``control`` or ``treatment`` (an integer past 2**53,
    a Decimal of 20 digits), both samples as float64 offsets from their exact smallest
    value, and their exact means; None where float64 holds every value (``a`` and ``b``,
    the samples as float64, are then used as they are). Differences, spreads and the test
    do not change with the origin, and offsets within the samples' range keep the digits
    that tell neighbouring values apart."""
    raws = [unrounded(given, rounded) for given, rounded in ((control, a), (treatment, b))]
    if all(raw is None for raw in raws):
        return None
    samples = [[_fraction(value) for value in np.ravel(raw if raw is not None else rounded)]
               for raw, rounded in zip(raws, (a, b), strict=True)]
    origin = min(min(sample) for sample in samples)
    shifted = [np.array([float(value - origin) for value in sample], dtype=np.float64)
               for sample in samples]
    means = (sum(samples[0], Fraction(0)) / len(samples[0]),
             sum(samples[1], Fraction(0)) / len(samples[1]))
    return shifted[0], shifted[1], means


def _fraction(value: Any) -> Fraction:
    """A real number as the exact fraction it holds (a float by its binary value, a long
    double too; ints, Decimals and Fractions as themselves; true/false as 1/0)."""
    if isinstance(value, float | np.floating):
        return Fraction(*value.as_integer_ratio())
    if isinstance(value, bool | np.bool_):
        return Fraction(int(value))
    return Fraction(value)


def _safe_ratio(numerator: Any, denominator: Any) -> Any:
    return (numerator / denominator.where(denominator != 0)).astype(np.float64)


def _lift(difference: float, baseline: float) -> float:
    return float(difference / baseline) if baseline != 0 else float("nan")


def _critical_value(alpha: float) -> float:
    """The normal quantile :math:`z_{1 - \\alpha/2}`, from the upper tail: ``1 - alpha / 2``
    rounds to 1 for an alpha below about 1e-16 (a confidence level of 1 - 1e-20), whose
    quantile was infinite (the z-test's interval NaN, with numpy's warnings)."""
    given, alpha = alpha, exact_as_float(alpha)  # Decimal("0.05") was "must lie in (0, 1)"
    if isinstance(alpha, bool | np.bool_) or not isinstance(alpha, numbers.Real) \
            or not 0 < alpha < 1:
        # alpha="0.05" was refused without the spelling that is taken, which every other
        # setting names, and alpha=5 without saying that a level is no percentage
        percentage = (" (a share, not a percentage: 0.05 for 5%)"
                      if isinstance(alpha, numbers.Real) and not isinstance(alpha, bool | np.bool_)
                      and 1 < finite_or_infinite(alpha) < 100 else "")
        raise MetricInputError(f"alpha must lie in (0, 1), got {shown_given(given)}{percentage}"
                               f"{number_spelling_hint(given, float, 'alpha')}")
    if alpha > 0.5:
        # the confidence level given as alpha (0.95 for a 95% interval) gave a 5% interval,
        # a small fraction of the width meant, and called differences significant at the
        # 95% level without a word
        raise MetricInputError(f"alpha is the share left out of the confidence interval (1 - "
                               f"its level), at most 0.5, got {shown(given)}, an interval of "
                               f"level {1 - float(alpha):.4g}; for a {float(alpha):.4g} "
                               f"confidence level give alpha={1 - float(alpha):.4g}")
    from scipy import stats

    z = float(stats.norm.isf(alpha / 2.0))
    if not math.isfinite(z) or z <= 0:
        _refuse_tiny_alpha(alpha)
    return z


def _refuse_tiny_alpha(alpha: float) -> None:
    """Refuse an alpha whose critical value float64 cannot hold (or scipy cannot compute in
    so far a tail): the interval would be infinite."""
    raise MetricInputError(f"alpha = {shown(alpha)} is too small for an interval: its critical "
                           "value is no finite float64 number, so the interval would be "
                           "infinite; give a larger alpha, such as 1e-6 (a confidence level "
                           "of 99.9999%)")

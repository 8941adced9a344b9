"""The filters of :mod:`recstack.data.filters` as distributed operations, driven by the same
spec objects (the ``FILTERS`` registry, an experiment file's ``[[filters]]``).

Each function returns the filtered :class:`~recstack.spark.data.SparkInteractions`
(compacted where the single-machine filter compacts) and the same
:class:`~recstack.data.filters.FilterStep`; on the same data the rows, vocabularies and
reports equal the single-machine ones (``tests/spark/test_filters_splits.py``). One
difference of arithmetic, not of rows: ``deduplicate`` with ``sum`` or ``mean`` adds a
pair's values in whatever order Spark meets them (numpy adds them by time), so with
non-integer values the float32 result may differ in its last bit.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

from recstack.data.filters import (
    FILTERS,
    Deduplicate,
    FilterDuplicatePolicy,
    FilterLeftNothingWarning,
    FilterSpec,
    FilterStep,
    KCore,
    MinValue,
    TimeWindow,
    removed_every_row,
)
from recstack.data.interactions import (
    DUPLICATE_POLICIES,
    TIMESTAMP,
    VALUE,
    caller_stacklevel,
    is_one_of,
    summed_ratings_error,
)
from recstack.errors import ConfigError, EmptyResultError, RecstackError, counted, shown
from recstack.spark.data import (
    ITEM_INDEX,
    ROW,
    TIME_FRACTION,
    USER_INDEX,
    SparkInteractions,
    check_data,
    compact,
    k_core,
    warn_of_a_threshold_keeping_every_row,
    why_nothing_is_left,
)
from recstack.specs import arguments_named, did_you_mean

#: the filter types this module runs (the names of the FILTERS registry)
SPARK_FILTERS = ("k_core", "min_value", "time_window", "deduplicate")


def min_value(data: SparkInteractions, threshold: float
              ) -> tuple[SparkInteractions, FilterStep]:
    """:class:`~recstack.data.filters.MinValue`: rows with ``value >= threshold``.

    The comparison is in float32, as numpy compares the single-machine float32 values
    with a Python threshold, so a threshold such as 3.7 keeps the same rows on both paths.
    As there, a threshold at or below every value (of values that differ) warns
    (:class:`~recstack.data.interactions.ThresholdKeepsEveryRowWarning`), and one that
    removes every row warns (:class:`~recstack.data.filters.FilterLeftNothingWarning`).
    """
    spec = MinValue(threshold)
    check_data(data, "min_value(data)")
    return _min_value(data, spec, warn_empty=True)


def _min_value(data: SparkInteractions, spec: MinValue, *, warn_empty: bool
               ) -> tuple[SparkInteractions, FilterStep]:
    from pyspark.sql import functions as F

    # a threshold at or below every value (0.4 written for 4 stars) kept every row with
    # "removed 0 rows", where one machine's MinValue warns: the same warning, same words
    warn_of_a_threshold_keeping_every_row(data, spec.threshold, f"{spec.name} keeps every row",
                                          "values", "no row is removed")
    kept = data.frame.filter(F.col(VALUE).cast("float") >= F.lit(spec.threshold).cast("float"))
    return _step(spec, data, compact(data.with_frame(kept)), warn_empty=warn_empty)


def time_window(data: SparkInteractions, start: int | str | None = None,
                end: int | str | None = None) -> tuple[SparkInteractions, FilterStep]:
    """:class:`~recstack.data.filters.TimeWindow`: rows with ``start <= timestamp < end``
    (Unix seconds or ISO dates; either bound optional); a window that removes every row
    warns (:class:`~recstack.data.filters.FilterLeftNothingWarning`), as on one machine."""
    spec = TimeWindow(start, end)
    check_data(data, "time_window(data)")
    return _time_window(data, spec, warn_empty=True)


def _time_window(data: SparkInteractions, spec: TimeWindow, *, warn_empty: bool
                 ) -> tuple[SparkInteractions, FilterStep]:
    from pyspark.sql import functions as F

    if not data.has_timestamps:
        raise RecstackError("these interactions have no timestamps to slice by")
    # the single-machine filter's window within the years 1..9999: a bound past Java's
    # long (start=10**20) was a Py4J NumberFormatException from the Spark literal
    bounds = spec._bounds()
    low, high = bounds if bounds is not None else (None, None)
    condition = F.lit(bounds is not None)
    if low is not None:
        condition = condition & (F.col(TIMESTAMP) >= F.lit(low))
    if high is not None:
        condition = condition & (F.col(TIMESTAMP) < F.lit(high))
    return _step(spec, data, compact(data.with_frame(data.frame.filter(condition))),
                 warn_empty=warn_empty)


def deduplicate(data: SparkInteractions, policy: FilterDuplicatePolicy = "last"
                ) -> tuple[SparkInteractions, FilterStep]:
    """:class:`~recstack.data.filters.Deduplicate`: one row per (user, item) pair, as
    :meth:`Interactions.deduplicate` resolves them.

    ``first`` / ``last`` keep the earliest / latest row (by timestamp, then ``row``);
    ``sum``, ``max`` and ``mean`` combine the values (stored as float32, as on a single
    machine) and carry the pair's latest timestamp (``sum`` is refused on explicit ratings,
    data with a ``rating_range``, as on one machine); ``error`` refuses duplicates. The
    single-machine result is ordered by (user, item); here the ``row`` becomes
    ``user_index * n_items + item_index``, which orders the rows the same way, so what
    reads the row order afterwards (the tie-break of leave-last-N) sees the same order.
    """
    spec = Deduplicate(policy)
    check_data(data, "deduplicate(data)")
    return _step(spec, data, deduplicated(data, spec.policy))


def deduplicated(data: SparkInteractions, policy: str) -> SparkInteractions:
    """The rows of :func:`deduplicate` (also the evaluation's ``duplicate_grade``)."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    check_data(data, "deduplicated(data)")
    if not is_one_of(policy, DUPLICATE_POLICIES):
        # one machine's words (Interactions.deduplicate); an array of names was numpy's
        # "truth value of an array ... is ambiguous"
        raise ConfigError(
            f"unknown duplicate policy {shown(policy)}"
            f"{did_you_mean(policy, DUPLICATE_POLICIES) if isinstance(policy, str) else ''}"
            f"; use one of {', '.join(DUPLICATE_POLICIES)}")
    if policy == "sum" and data.rating_range is not None:
        # one machine's rule (Interactions.deduplicate): the sum of a pair's ratings is no
        # rating (two 5s of a 1-to-5 scale made 10, and the data still claimed the scale);
        # refused whether or not a pair repeats, so one file does not pass and the next fail
        raise summed_ratings_error(data.rating_range, _repeated_pair(data))
    if policy == "keep":
        return data
    frame = data.frame
    pair = [USER_INDEX, ITEM_INDEX]
    # the fraction of a second, where the data keep one, orders rows of one second
    fraction = [F.col(TIME_FRACTION)] if TIME_FRACTION in frame.columns else []
    if policy == "error":
        _refuse_duplicates(data)
        resolved = frame
    elif policy in ("first", "last"):
        time = [F.col(TIMESTAMP), *fraction] if data.has_timestamps else []
        keys = [*time, F.col(ROW)]
        order = [k.asc() for k in keys] if policy == "first" else [k.desc() for k in keys]
        position = F.row_number().over(Window.partitionBy(*pair).orderBy(*order))
        resolved = frame.withColumn("_position", position).filter(F.col("_position") == 1)
    elif data.context_cols:
        # the context of the row whose value is kept, as one machine keeps it
        # (Interactions.deduplicate): the latest row (by timestamp, then row) for sum and
        # mean, the earliest holding the largest value for max (a groupBy dropped the
        # context columns, and selecting them failed in Spark's words)
        combine = {"sum": F.sum, "max": F.max, "mean": F.avg}[policy]
        group = Window.partitionBy(*pair)
        time = [F.col(TIMESTAMP), *fraction] if data.has_timestamps else []
        if policy == "max":
            order = [F.col(VALUE).cast("float").desc(), *[k.asc() for k in time],
                     F.col(ROW).asc()]
        else:
            order = [*[k.desc() for k in time], F.col(ROW).desc()]
        resolved = frame.withColumn("_combined", combine(VALUE).over(group))
        if data.has_timestamps:  # the group's latest time, taken before the rows go
            resolved = resolved.withColumn("_latest", F.max(F.struct(TIMESTAMP, *fraction))
                                           .over(group))
        resolved = (resolved
                    .withColumn("_position", F.row_number().over(group.orderBy(*order)))
                    .filter(F.col("_position") == 1)
                    .withColumn(VALUE, F.col("_combined").cast("float").cast("double")))
        if data.has_timestamps:
            resolved = resolved.withColumn(TIMESTAMP, F.col("_latest")[TIMESTAMP])
            if fraction:
                resolved = resolved.withColumn(TIME_FRACTION,
                                               F.col("_latest")[TIME_FRACTION])
    else:
        combine = {"sum": F.sum, "max": F.max, "mean": F.avg}[policy]
        aggregates = [combine(VALUE).cast("float").cast("double").alias(VALUE)]
        if data.has_timestamps:
            aggregates.append(F.max(F.struct(TIMESTAMP, *fraction)).alias("_latest"))
        resolved = frame.groupBy(*pair).agg(*aggregates)
        if data.has_timestamps:
            resolved = resolved.withColumn(TIMESTAMP, F.col("_latest")[TIMESTAMP])
            if fraction:
                resolved = resolved.withColumn(TIME_FRACTION,
                                               F.col("_latest")[TIME_FRACTION])
    renumbered = resolved.withColumn(
        ROW, F.col(USER_INDEX).cast("long") * data.n_items + F.col(ITEM_INDEX))
    return data.with_frame(renumbered.select(*frame.columns))


def _repeated_pair(data: SparkInteractions) -> str:
    """`` (N repeated rows, e.g. user 'a' and item 'x')``: the repeated (user, item) pair
    whose first row comes first, for :func:`summed_ratings_error`; empty when none repeats."""
    from pyspark.sql import functions as F

    groups = (data.frame.groupBy(USER_INDEX, ITEM_INDEX)
              .agg(F.count(F.lit(1)).alias("count"), F.min(ROW).alias("first"))
              .filter(F.col("count") > 1))
    found = groups.agg(F.sum(F.col("count") - 1).alias("extra"),
                       F.min(F.struct("first", USER_INDEX, ITEM_INDEX)).alias("pick")).first()
    if found is None or not found["extra"]:
        return ""
    user = data.users.filter(F.col(USER_INDEX) == found["pick"][USER_INDEX]).first()[0]
    item = data.items.filter(F.col(ITEM_INDEX) == found["pick"][ITEM_INDEX]).first()[0]
    return (f" ({counted(int(found['extra']), 'repeated row')}, e.g. user {user!r} and "
            f"item {item!r})")


def _refuse_duplicates(data: SparkInteractions) -> None:
    from pyspark.sql import functions as F

    groups = (data.frame.groupBy(USER_INDEX, ITEM_INDEX).count()
              .filter(F.col("count") > 1))
    found = groups.agg(F.sum(F.col("count") - 1).alias("extra"),
                       F.min(F.struct(USER_INDEX, ITEM_INDEX)).alias("first")).first()
    if found["extra"]:
        user = (data.users.filter(F.col(USER_INDEX) == found["first"][USER_INDEX])
                .first()[0])
        item = (data.items.filter(F.col(ITEM_INDEX) == found["first"][ITEM_INDEX])
                .first()[0])
        raise RecstackError(
            f"{found['extra']:,} duplicate (user, item) rows, e.g. user {user!r} and item "
            f"{item!r}; choose a policy: "
            + ", ".join(p for p in DUPLICATE_POLICIES if p != "error"))


@arguments_named
def apply_filters(data: SparkInteractions, filters: Sequence[FilterSpec]
                  ) -> tuple[SparkInteractions, list[FilterStep]]:
    """Run ``filters`` (the specs of an experiment file's ``[[filters]]``, e.g.
    ``load_experiment(path).filters``) in order, as
    :func:`recstack.data.filters.apply_filters` does; a filter type without a distributed
    version is refused before anything runs, naming it."""
    runners = {KCore: lambda d, s: k_core(d, s.user_min, s.item_min, refuse_empty=False),
               # the filter list refuses a step that empties the data: no warning first
               MinValue: lambda d, s: _min_value(d, s, warn_empty=False),
               TimeWindow: lambda d, s: _time_window(d, s, warn_empty=False),
               Deduplicate: lambda d, s: deduplicate(d, s.policy)}
    if isinstance(filters, FilterSpec) or not isinstance(filters, Sequence) \
            or isinstance(filters, str):
        hint = " (one filter: put it in a list, [filter])" if isinstance(filters, FilterSpec) \
            else ""
        raise ConfigError(f"apply_filters: filters must be a list of filters such as "
                          f"[KCore(user_min=5)], got {filters!r}{hint}")
    for number, step_filter in enumerate(filters, start=1):
        if not isinstance(step_filter, FilterSpec):
            raise ConfigError(f"filter step {number}: expected a filter such as "
                              f"KCore(user_min=5) (one of {', '.join(FILTERS.names())}), got "
                              f"{step_filter!r}")
        if type(step_filter) not in runners:
            raise RecstackError(
                f"filter step {number}: {step_filter.kind_name or type(step_filter).__name__}"
                f" has no distributed version in the Spark backend; it runs "
                f"{', '.join(SPARK_FILTERS)} (filter on a single machine, or drop the step)")
    check_data(data, "apply_filters(data)")
    steps: list[FilterStep] = []
    for number, step_filter in enumerate(filters, start=1):
        data_after, step = runners[type(step_filter)](data, step_filter)
        steps.append(step)
        if step.rows_after == 0:
            why = why_nothing_is_left(step_filter, data, step.details.get("rounds"))
            raise EmptyResultError(
                f"filter step {number} of {len(filters)}, {step_filter.name}, "
                f"{removed_every_row(step.rows_before, why, remaining=True)}; loosen it or "
                "change the steps before it")
        data = data_after
    return data, steps


def _step(spec: FilterSpec, before: SparkInteractions, after: SparkInteractions, *,
          warn_empty: bool = False) -> tuple[SparkInteractions, FilterStep]:
    step = FilterStep(spec.name, before.frame.count(), after.frame.count(),
                      before.n_users, after.n_users, before.n_items, after.n_items, {})
    if warn_empty and step.rows_before and not step.rows_after:
        # one machine's FilterSpec.apply warns of this in these words; here the filter
        # returned empty data without a word, to fail later far from the cause
        why = why_nothing_is_left(spec, before)
        warnings.warn(FilterLeftNothingWarning(
            f"{spec.name} {removed_every_row(step.rows_before, why)}; the data it returns "
            "are empty: loosen it (apply_filters and k_core refuse this)"),
            stacklevel=caller_stacklevel())
    return after, step

"""Filters that clean interaction data before it is split: k-core, rating threshold,
time window, de-duplication. Each returns compacted data (only users and items that
still have rows) and a :class:`FilterStep` saying what it removed."""

from __future__ import annotations

import datetime
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from recstack.data.dates import (
    held_scalar,
    refuse_a_range_within_one_second,
    to_unix_seconds,
)
from recstack.data.interactions import (
    DUPLICATE_POLICIES,
    FIRST_SECOND,
    LAST_SECOND,
    Interactions,
    at_least,
    caller_stacklevel,
    is_one_of,
    refuse_bound_beyond_the_calendar,
    require_interactions,
    warn_of_a_threshold_keeping_every_row,
)
from recstack.errors import ConfigError, EmptyResultError, RecstackError, counted, shown
from recstack.specs import Registry, Spec, arguments_named, did_you_mean, option

#: every filter by its one name: experiment files (``[[filters]] type = ...``) and
#: ``recstack data split --filter`` read this (add a filter here and both know it)
FILTERS: Registry[FilterSpec] = Registry("filter type")


class FilterLeftNothingWarning(UserWarning):
    """A filter's :meth:`FilterSpec.apply` removed every row (a k-core whose bars no user
    and item meet, a threshold above every rating, a window outside the data's times): the
    empty data it returns fail later, far from the cause. :func:`apply_filters` refuses
    such a step instead."""


class FilterSpec(Spec):
    """A filter with its parameters; :meth:`apply` runs it. A setting given as a 0-d numpy
    array (``KCore(user_min=np.array(2))``, what a numpy reduction gives) is the number it
    holds, as in the splits."""

    def __post_init__(self) -> None:
        _read_held_scalars(self)
        super().__post_init__()

    @property
    def name(self) -> str:
        """The filter as written: ``k_core(user_min=5, item_min=5)``."""
        return f"{self.kind_name}({', '.join(f'{k}={v}' for k, v in self.params().items())})"

    def apply(self, data: Interactions) -> tuple[Interactions, FilterStep]:
        """The rows of ``data`` the filter keeps, and what it did. A filter that removes
        every row warns (:class:`FilterLeftNothingWarning`), saying why; :func:`apply_filters`
        and :func:`k_core` refuse it."""
        require_interactions(data, f"{self.kind_name}(...).apply")
        result, step = self._apply(data)
        if len(data) and not len(result):
            # the filter list and the k_core shorthand refused this, naming the k and the
            # rows left at each pass; the filter's own apply returned empty data silently
            why = self.why_nothing_is_left(data)
            warnings.warn(FilterLeftNothingWarning(
                f"{self.name} {removed_every_row(len(data), why)}; "
                "the data it returns are empty: loosen it (apply_filters and k_core refuse "
                "this)"), stacklevel=caller_stacklevel())
        return result, step

    def _apply(self, data: Interactions) -> tuple[Interactions, FilterStep]:
        raise NotImplementedError

    def why_nothing_is_left(self, data: Interactions) -> str:
        """What about ``data`` (before the filter) made it remove every row, if known."""
        return ""


@dataclass(frozen=True)
class FilterStep:
    """What one filter did: sizes before and after, plus filter-specific details."""

    name: str
    rows_before: int
    rows_after: int
    users_before: int
    users_after: int
    items_before: int
    items_after: int
    details: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def between(cls, name: str, before: Interactions, after: Interactions,
                **details: Any) -> FilterStep:
        return cls(name, len(before), len(after), before.n_users, after.n_users,
                   before.n_items, after.n_items, details)

    def __str__(self) -> str:
        # "removed 1 rows, 1 users, 1 items (1 rows left)": counts in agreement
        return (f"{self.name}: removed {counted(self.rows_before - self.rows_after, 'row')}, "
                f"{counted(self.users_before - self.users_after, 'user')}, "
                f"{counted(self.items_before - self.items_after, 'item')} "
                f"({counted(self.rows_after, 'row')} left)")


@dataclass(frozen=True)
class KCoreRound:
    round: int
    users_removed: int
    items_removed: int
    rows_removed: int


@FILTERS.register("k_core")
@dataclass(frozen=True)
class KCore(FilterSpec):
    """Keep the largest subset in which every user has at least ``user_min`` rows and every
    item at least ``item_min`` rows, found by removing offenders until nothing changes
    (removing an item can push a user below the bar, so one pass is not enough). Rows are
    counted as they are: a (user, item) pair repeated on three rows counts three (put a
    ``Deduplicate`` step first to count pairs)."""

    user_min: int = option(5, "fewest rows a kept user has", low=1)
    item_min: int = option(5, "fewest rows a kept item has", low=1)

    def _apply(self, data: Interactions) -> tuple[Interactions, FilterStep]:
        keep, rounds = self._rounds(data)
        result = data.select(keep).compact()
        return result, FilterStep.between(self.name, data, result, rounds=rounds)

    def _rounds(self, data: Interactions) -> tuple[np.ndarray, list[KCoreRound]]:
        """The rows kept, and what each pass removed."""
        keep = np.ones(len(data), bool)
        rounds: list[KCoreRound] = []
        while True:
            user_rows = np.bincount(data.user_index[keep], minlength=data.n_users)
            item_rows = np.bincount(data.item_index[keep], minlength=data.n_items)
            weak_users = (user_rows > 0) & (user_rows < self.user_min)
            weak_items = (item_rows > 0) & (item_rows < self.item_min)
            if not (weak_users.any() or weak_items.any()):
                break
            drop = keep & (weak_users[data.user_index] | weak_items[data.item_index])
            keep &= ~drop
            rounds.append(KCoreRound(len(rounds) + 1, int(weak_users.sum()),
                                     int(weak_items.sum()), int(drop.sum())))
        return keep, rounds

    def why_nothing_is_left(self, data: Interactions) -> str:
        most_user = int(np.bincount(data.user_index).max(initial=0))
        most_item = int(np.bincount(data.item_index).max(initial=0))
        # which pass emptied it: a first pass that left rows, whose removals then pushed
        # the rest under the bars, reads differently from bars no user or item meets
        _, rounds = self._rounds(data)
        return self.emptied_after(rounds, len(data), most_user, most_item)

    def emptied_after(self, rounds: Sequence[KCoreRound], rows: int, most_user: int,
                      most_item: int) -> str:
        """Why the k-core left nothing, pass by pass, from its ``rounds`` over ``rows``
        rows whose busiest user and item had ``most_user`` and ``most_item`` rows: one
        machine's words, which Spark's k-core computes the figures for."""
        left, passes = rows, []
        for done in rounds:
            left -= done.rows_removed
            passes.append(f"pass {done.round} removed {done.users_removed:,} user(s) and "
                          f"{done.items_removed:,} item(s), {left:,} row(s) left")
        if len(passes) > 4:
            passes[2:-1] = [f"... ({len(passes) - 3} more passes)"]
        return (f"before it, the most rows of one user were {most_user:,} and of one item "
                f"{most_item:,}; removing the users under {self.user_min} and the items "
                f"under {self.item_min} in turn left no user and item meeting both, after "
                f"pass {len(rounds)}: {'; '.join(passes)}")


@FILTERS.register("min_value")
@dataclass(frozen=True)
class MinValue(FilterSpec):
    """Keep rows whose value (rating) is at least ``threshold``."""

    threshold: float = option(doc="smallest value (rating) kept, e.g. 4 for positives")

    @property
    def name(self) -> str:
        return f"min_value(threshold={self.threshold:g})"

    def _apply(self, data: Interactions) -> tuple[Interactions, FilterStep]:
        # compared in float32, the values' type (float32(3.6) is kept by 3.6), by the rule
        # the evaluator's relevance_threshold and Interactions.implicit share
        keep = at_least(data.value, self.threshold)
        # a threshold at or below every value (0.4 written for 4 stars) kept every row with
        # "removed 0 rows", where implicit(threshold) and the evaluator's
        # relevance_threshold warn of it: one rule for the three
        if keep.all():
            warn_of_a_threshold_keeping_every_row(
                data.value, self.threshold, f"{self.name} keeps every row", "values",
                "no row is removed")
        result = data.select(keep).compact()
        return result, FilterStep.between(self.name, data, result)

    def why_nothing_is_left(self, data: Interactions) -> str:
        largest = float(data.value.max())
        if not data.is_explicit and largest == 1.0 and float(data.value.min()) == 1.0:
            # the usual cause: the file's rating column was not read
            return ("every value is 1.0: the data are implicit (read with no value column; "
                    "name the ratings with value_col / --value-col)")
        return f"the largest value is {largest:g}"


@FILTERS.register("time_window")
@dataclass(frozen=True)
class TimeWindow(FilterSpec):
    """Keep rows with ``start <= timestamp < end``; bounds are Unix seconds or ISO dates."""

    start: int | str | None = option(None, "first moment kept: Unix seconds or an ISO date")
    end: int | str | None = option(None, "first moment no longer kept (exclusive)")

    def __post_init__(self) -> None:
        _read_held_scalars(self)  # start=np.array(5) is 5, as temporal_split reads it
        # a bound of a kind no time has (a float, NaN, numpy's NaT, a Decimal, a boolean)
        # by the one rule for a time given as an argument, before the fields' type check:
        # it said "expected an integer or a string", naming none of the date types a bound
        # may be (which temporal_split's cutoff and between list), and pandas' NaT was
        # "cannot read 'NaT' as a time" where numpy's was that type error
        for name in ("start", "end"):
            bound = getattr(self, name)
            if bound is not None and not isinstance(bound, str | datetime.time) and (
                    isinstance(bound, bool | np.bool_) or not isinstance(bound, int | np.integer)):
                # (a time of day alone keeps the fields' own words: "give the date too")
                self._seconds(name)
        super().__post_init__()

    def _seconds(self, name: str) -> int | None:
        """The bound ``name`` in Unix seconds, refused with the filter's ``time_window: ``
        prefix the other filters' refusals carry (``TimeWindow(start="garbage")`` said
        "start: cannot read ..." naming no filter; build_spec strips the prefix, so the
        CLI's and experiment files' ``--filter ...: start: ...`` stay as they were)."""
        try:
            return to_unix_seconds(getattr(self, name), name)
        except RecstackError as error:
            message = str(error)
            if message.startswith(f"{self.kind_name}: "):
                raise
            raise ConfigError(f"{self.kind_name}: {message}") from None

    def check(self) -> None:
        start, end = self._seconds("start"), self._seconds("end")
        # an end in milliseconds (after the year 9999 read as seconds) bounded nothing: every
        # row was kept without a word (a start in them keeps none: apply_filters says why)
        refuse_bound_beyond_the_calendar("start", self.start, start, "time_window: ",
                                         leaving_nothing=False)
        refuse_bound_beyond_the_calendar("end", self.end, end, "time_window: ",
                                         leaving_nothing=False)
        refuse_a_range_within_one_second(start, end, self.start, self.end, "time_window: ")
        if start is not None and end is not None and start >= end:
            raise ConfigError(f"time_window: start ({self.start}) must come before end "
                              f"({self.end})")

    def _bounds(self) -> tuple[int | None, int | None] | None:
        """The window in Unix seconds within the years 1..9999 that times can have, or None
        when it holds no such time (start=10**30 was refused as "between: start is after
        end (9223372036854775807)", an end the user never gave; now it keeps no row, and
        apply_filters says why, naming the bound)."""
        start, end = self._seconds("start"), self._seconds("end")
        if (start is not None and start > LAST_SECOND) or (end is not None
                                                           and end <= FIRST_SECOND):
            return None
        # a bound beyond the calendar on the other side bounds nothing
        return (None if start is None or start < FIRST_SECOND else start,
                None if end is None or end > LAST_SECOND else end)

    def _apply(self, data: Interactions) -> tuple[Interactions, FilterStep]:
        if data.timestamp is None:
            # Interactions.between said only "no timestamps to slice by", naming no filter
            raise ConfigError(f"{self.name}: the data have no timestamps to keep a window "
                              "of; read the column of times (timestamp_col, --timestamp-col) "
                              "or drop this filter")
        bounds = self._bounds()
        result = (data.between(*bounds) if bounds is not None
                  else data.select(np.zeros(len(data), bool))).compact()
        return result, FilterStep.between(self.name, data, result)

    def why_nothing_is_left(self, data: Interactions) -> str:
        if data.timestamp is None or not len(data):
            return ""
        earliest, latest = int(data.timestamp.min()), int(data.timestamp.max())
        why = f"the data's times run from {_iso(earliest)} to {_iso(latest)}"
        for name, bound in (("start", self.start), ("end", self.end)):
            if isinstance(bound, int | np.integer) and abs(int(bound)) >= 10**11:
                # the loaders' rule for 'auto': 1e11 seconds is after the year 5000
                side = "after the year 5000" if bound > 0 else "before the year 1"
                why += (f"; {name}={bound} is {side} in Unix seconds: "
                        "milliseconds? give seconds or an ISO date")
                break
        return why


#: the policies the deduplicate filter takes: those of Interactions.deduplicate but 'keep'
_FILTER_POLICIES: tuple[str, ...] = tuple(p for p in DUPLICATE_POLICIES if p != "keep")
FilterDuplicatePolicy = Literal["sum", "last", "first", "max", "mean", "error"]


@FILTERS.register("deduplicate")
@dataclass(frozen=True)
class Deduplicate(FilterSpec):
    """Resolve repeated (user, item) rows by ``policy`` (see :meth:`Interactions.deduplicate`)."""

    # typed with the policies it accepts: the type check listed 'keep' (a policy of
    # Interactions.deduplicate, not of this filter) among those a misspelt name could be
    policy: FilterDuplicatePolicy = option(
        "last", "which value a repeated (user, item) pair keeps", choices=_FILTER_POLICIES)

    def __post_init__(self) -> None:
        _read_held_scalars(self)  # policy=np.array("first") is "first"
        if not is_one_of(self.policy, _FILTER_POLICIES):
            # (an array of names was numpy's "truth value of an array ... is ambiguous")
            text = isinstance(self.policy, str)
            why = ("'keep' leaves the repeated rows as they are: drop the filter instead"
                   if text and self.policy == "keep" else "")
            raise ConfigError(
                f"deduplicate: policy = {shown(self.policy)}: expected one of "
                f"{', '.join(map(repr, _FILTER_POLICIES))}"
                f"{did_you_mean(self.policy, _FILTER_POLICIES) if text else ''}"
                f"{'; ' + why if why else ''}")
        super().__post_init__()

    def _apply(self, data: Interactions) -> tuple[Interactions, FilterStep]:
        result = data.deduplicate(self.policy)
        return result, FilterStep.between(self.name, data, result)


Filter = FilterSpec


@arguments_named
def apply_filters(data: Interactions, filters: Sequence[Filter]
                  ) -> tuple[Interactions, list[FilterStep]]:
    """Apply ``filters`` in order; refuse, naming the step, if one of them leaves nothing.

    The order matters: each filter sees only what the steps before it kept, and a k-core
    is a property of the data it is given. ``[MinValue(4), KCore(5, 5)]`` keeps users and
    items with at least 5 ratings of 4 or more; ``[KCore(5, 5), MinValue(4)]`` keeps the
    ratings of 4 or more of the 5-core of all ratings, where a user or an item may have fewer
    than 5 rows. Put the k-core last when every kept user and item must meet its bars."""
    require_interactions(data, "apply_filters")
    if isinstance(filters, FilterSpec | str) or not isinstance(filters, Sequence):
        raise ConfigError(f"filters must be a list of filters such as [KCore(user_min=5)], "
                          f"got {filters!r}")
    steps: list[FilterStep] = []
    for number, step_filter in enumerate(filters, start=1):
        if not isinstance(step_filter, FilterSpec):
            raise ConfigError(f"filter step {number}: expected a filter such as "
                              f"KCore(user_min=5) (one of {', '.join(FILTERS.names())}), got "
                              f"{step_filter!r}")
    if filters and not len(data):
        # every filter then "removed all 0 remaining rows", the k-core "after pass 0: ",
        # blaming the first filter for data that were empty before it
        raise EmptyResultError(
            f"the data have no rows to filter ({counted(data.n_users, 'user')} and "
            f"{counted(data.n_items, 'item')} in their vocabularies, no interaction), so "
            f"filter step 1 of "
            f"{len(filters)}, {filters[0].name}, has nothing to keep; check the data read "
            "before the filters (a file of a header alone, a selection that kept no row)")
    for number, step_filter in enumerate(filters, start=1):
        if type(step_filter).apply is FilterSpec.apply:
            # apply without its warning: an empty result is refused below
            require_interactions(data, f"{step_filter.kind_name}(...).apply")
            data_after, step = step_filter._apply(data)
        else:  # a filter of one's own that writes apply itself
            data_after, step = step_filter.apply(data)
        steps.append(step)
        if len(data_after) == 0:
            why = step_filter.why_nothing_is_left(data)
            raise EmptyResultError(
                f"filter step {number} of {len(filters)}, {step_filter.name}, "
                f"{removed_every_row(len(data), why, remaining=True)}; loosen it or "
                "change the steps before it")
        data = data_after
    return data, steps


@arguments_named
def k_core(data: Interactions, user_min: int = 5, item_min: int = 5) -> Interactions:
    """Shorthand for ``apply_filters(data, [KCore(user_min, item_min)])[0]``: it refuses,
    saying why, when no user and item meet the bars (an empty result is never wanted)."""
    require_interactions(data, "k_core")
    return apply_filters(data, [KCore(user_min, item_min)])[0]


def _read_held_scalars(spec: FilterSpec) -> None:
    """Every setting of ``spec`` given as a 0-d numpy array read as the scalar it holds
    (:func:`~recstack.data.dates.held_scalar`, the splits' rule), before the declared
    checks: ``KCore(user_min=np.array(2))`` was refused as "user_min = array(2): expected
    an integer" and ``MinValue(np.array(4.0))`` as "expected a number", while
    ``np.int64(2)`` and ``np.float64(4.0)`` were taken. An array of one element or more
    is still refused: it is not one number."""
    for name in getattr(spec, "__dataclass_fields__", {}):
        given = getattr(spec, name)
        scalar = held_scalar(given)
        if scalar is not given:
            object.__setattr__(spec, name, scalar)


def removed_every_row(rows: int, why: str = "", *, remaining: bool = False) -> str:
    """How a filter that kept no row says so, its count and noun in agreement: ``removed
    all 3 rows (why)``, ``removed the only row (why)`` (it was "removed all 1 rows");
    ``remaining``: ``removed all 3 remaining rows``, ``removed the only remaining row``.
    Shared with the Spark filters, so both backends keep one wording."""
    noun = "remaining row" if remaining else "row"
    removed = f"the only {noun}" if rows == 1 else f"all {rows:,} {noun}s"
    return f"removed {removed}{f' ({why})' if why else ''}"


def _iso(seconds: int) -> str:
    """Unix seconds as an ISO-8601 UTC time, for messages."""
    return f"{np.datetime64(seconds, 's').astype(str)}Z"


# a misspelt field (KCore(usermin=3)) was the dataclass's TypeError naming __init__(), not
# the near name, as the filter functions and the Evaluator say it
for _spec in (KCore, MinValue, TimeWindow, Deduplicate):
    _spec.__init__ = arguments_named(_spec.__init__)  # type: ignore[method-assign]

r"""Boosts: score adjustments from an item-table column or from item age, then a re-sort.

Both take ``mode``:

- ``"add"``: :math:`s'_{ui} = s_{ui} + w\,x_i`;
- ``"multiply"``: :math:`s'_{ui} = s_{ui}\,(1 + w\,x_i)`, for non-negative scores such as
  probabilities: a negative score moves the wrong way (warned with
  :class:`NegativeScoresWarning`), and a factor :math:`1 + w\,x_i` below 0 is refused.
"""

from __future__ import annotations

import warnings
from typing import Any, ClassVar, Self

import numpy as np
import pandas as pd

from recstack.data.dates import impossible_date, quoted_number
from recstack.data.interactions import Interactions, caller_stacklevel
from recstack.errors import ConfigError, RecstackError, shown, shown_number
from recstack.metrics.online import _UNIX_TIMES_FROM
from recstack.models.base import Param
from recstack.models.persistence import ArraySpec
from recstack.pipeline.rerank.base import (
    RerankContext,
    Reranker,
    StepWithoutEffectWarning,
    item_column,
    register_reranker,
    sort_lists,
)

__all__ = ["ColumnBoost", "FreshnessBoost", "NegativeScoresWarning"]

_DAY = 86_400.0
_MODES = ("add", "multiply")


class NegativeScoresWarning(UserWarning):
    """A multiplicative boost was given negative scores, which it moves the wrong way."""


class _Boost(Reranker):
    """A boost by one value per item, ``value_`` (float64, ``(n_items,)``)."""

    value_: np.ndarray

    def fit(self, train: Interactions, *, item_vectors: np.ndarray | None = None) -> Self:
        super().fit(train, item_vectors=item_vectors)
        # (a weight of 0 is warned of by the base class, which says why the boost is 0)
        if len(self.value_) > 1 and np.ptp(self.value_) == 0 and float(self.weight) != 0:
            # one x for every item moves none ('add' shifts every score alike, 'multiply'
            # scales them alike): every list came back as it went in, without a word, as
            # popularity_penalty warns of (not refused: a catalog's column can be one value
            # for a while, and serving must go on)
            # the class of every step that changes no list: a plain UserWarning passed a
            # filter of StepWithoutEffectWarning
            warnings.warn(f"{self.name}: every one of the {len(self.value_):,} items gets the "
                          f"same boost, x = {float(self.value_[0]):g} "
                          f"({self._why_all_alike()}), so this step changes no list; "
                          f"{self._what_differs()}", StepWithoutEffectWarning,
                          stacklevel=caller_stacklevel())
        if self.mode == "multiply":
            # 1 + w x_i below 0 turns a good score into a bad one: not a boost, a reversal
            with np.errstate(over="ignore", invalid="ignore"):
                factor = 1.0 + self.weight * self.value_
            flipped = factor < 0
            if flipped.any():
                index = int(np.flatnonzero(flipped)[0])
                raise ConfigError(
                    f"{self.name}: mode = 'multiply' with weight = {self.weight} multiplies "
                    f"the scores of item {train.items.to_external([index]).tolist()[0]!r} "
                    f"by 1 + w * x = {factor[index]:g}, which flips their sign; use a "
                    "weight that keeps 1 + w * x >= 0 for every item, or mode = 'add'")
        return self

    def _without_effect(self) -> tuple[str, str] | None:
        if float(self.weight) != 0:
            return None
        # the neutral weight of both modes: s + 0 x = s, s (1 + 0 x) = s
        done = ("adds 0 * x to every score" if self.mode == "add" else
                "multiplies every score by 1 + 0 * x = 1")
        return (f"weight = {shown(self.weight)} {done}, keeping each list in the order of "
                "its incoming scores", "give a weight other than 0 (e.g. 1), or leave the "
                "step out")

    def _why_all_alike(self) -> str:
        """Why every item's ``value_`` is the same, for the warning of :meth:`fit`."""
        return "one value for every item"

    def _what_differs(self) -> str:
        """What the step needs to change a list, for the warning of :meth:`fit`."""
        return "it acts on items whose values differ"

    def _warn_negative_scores(self, items: np.ndarray, scores: np.ndarray) -> None:
        """Under ``multiply``, a negative score (a dot product, a logit) moves the wrong way:
        a factor above 1 pushes it further down. Warned (not refused: the order of the
        non-negative scores is still right), naming the first one."""
        negative = (items >= 0) & (scores < 0)
        if self.mode == "multiply" and negative.any():
            row, slot = (int(i) for i in np.argwhere(negative)[0])
            warnings.warn(
                f"{self.name}: mode = 'multiply' is meant for scores >= 0 (e.g. "
                f"probabilities), but {int(negative.sum())} score(s) are negative (first: "
                f"row {row}, slot {slot}, {float(scores[row, slot]):g}), and a boost pushes a "
                "negative score further down; use mode = 'add' for scores that can be "
                "negative (dot products, logits)", NegativeScoresWarning,
                stacklevel=caller_stacklevel())

    def _rerank(self, users: np.ndarray, items: np.ndarray, scores: np.ndarray,
                context: RerankContext) -> tuple[np.ndarray, np.ndarray]:
        self._warn_negative_scores(items, scores)
        x = self.value_[np.maximum(items, 0)]
        # huge scores or values overflow: -inf would read as an empty slot (the item
        # silently dropped) and +inf is refused by the next re-ranker, so the result is
        # kept within the finite doubles (clipping the factor first: 0 * inf is NaN)
        largest = np.finfo(np.float64).max
        with np.errstate(over="ignore", invalid="ignore"):
            if self.mode == "add":
                boosted = scores + self.weight * x
            else:
                boosted = scores * np.clip(1.0 + self.weight * x, -largest, largest)
        boosted = np.clip(boosted, -largest, largest)
        return sort_lists(items, np.where(items >= 0, boosted, -np.inf))

    def state(self) -> dict[str, np.ndarray]:
        return {"value": self.value_}

    def _load_state(self, arrays: dict[str, np.ndarray]) -> None:
        value = np.asarray(arrays["value"], np.float64)
        if self.mode == "multiply":
            # refused at fit; restored directly, such a factor reversed the scores silently
            with np.errstate(over="ignore", invalid="ignore"):
                factor = 1.0 + self.weight * value
            if (factor < 0).any():
                index = int(np.flatnonzero(factor < 0)[0])
                raise RecstackError(
                    f"{self.name}: mode = 'multiply' with weight = {self.weight} multiplies "
                    f"the scores of item index {index} by 1 + w * x = {factor[index]:g}, "
                    "which flips their sign; the saved values do not fit these settings "
                    "(fit refuses them): use a weight that keeps 1 + w * x >= 0 for every "
                    "item, or mode = 'add'")
        self.value_ = value

    def state_spec(self) -> dict[str, Any]:
        return {"value": ArraySpec("float64", ("n_items",))}


@register_reranker
class ColumnBoost(_Boost):
    """Adds or multiplies by a numeric item-table column (e.g. a margin, an editorial score):
    :math:`x_i` is the column's value, 0 where it is missing.

    Attributes
    ----------
    value_ : numpy.ndarray of float64, shape (n_items,)
    """

    name = "column_boost"
    params: ClassVar[dict[str, Param]] = {
        "column": Param(str, doc="The numeric item-table column."),
        "mode": Param(str, choices=_MODES, default="add", doc="'add' or 'multiply'."),
        "weight": Param((int, float), default=1.0, doc="The w of the module's formulas."),
    }

    def _fit(self, train: Interactions, item_vectors: np.ndarray | None) -> None:
        column = item_column(train, self.column, self.name)
        if pd.api.types.is_datetime64_any_dtype(column) \
                or pd.api.types.is_timedelta64_dtype(column):
            # as numbers they are nanoseconds, and a missing one the most negative int64
            raise RecstackError(f"{self.name}: column {self.column!r} holds times, not a "
                                "quantity to add; boost new items with freshness "
                                f"(time_column = {self.column!r})")
        values = pd.to_numeric(column, errors="coerce")
        bad = column.notna() & values.isna()
        if bad.any():
            row = int(np.flatnonzero(bad.to_numpy())[0])
            raise RecstackError(f"{self.name}: column {self.column!r} must be numeric; item "
                                f"{train.items.to_external([row]).tolist()[0]!r} holds "
                                f"{column.iloc[row]!r}")
        values = _real_values(values, column, train, f"{self.name}: column {self.column!r}")
        if len(values) and not values.notna().any():
            # every x_i would be 0: the step would silently change nothing
            raise RecstackError(f"{self.name}: column {self.column!r} holds no value (every "
                                "item's is missing), so the boost would change no score")
        numbers = values.fillna(0.0).to_numpy(np.float64)
        if not np.isfinite(numbers).all():
            # the message named no item, so the bad row had to be hunted down by hand
            row = int(np.flatnonzero(~np.isfinite(numbers))[0])
            raise RecstackError(
                f"{self.name}: column {self.column!r} holds infinite values (first: item "
                f"{train.items.to_external([row]).tolist()[0]!r} holds {numbers[row]:g}); "
                "give finite numbers, or leave the value missing (counted as 0)")
        self.value_ = numbers
        self._missing = bool(values.isna().any())

    def _why_all_alike(self) -> str:
        missing = ", a missing value counting as 0" if getattr(self, "_missing", False) else ""
        return f"column {self.column!r} holds one value for every item{missing}"

    def _what_differs(self) -> str:
        return "give a column whose values differ between items"


@register_reranker
class FreshnessBoost(_Boost):
    r"""Promotes new items: :math:`x_i = 2^{-a_i / h}`, an exponential decay of the item's age
    :math:`a_i` with half-life :math:`h` (``half_life_days``): a brand-new item gets the full
    boost :math:`w`, one :math:`h` old half of it, and old items almost none.

    The age is :math:`a_i = \max(0, t_\text{now} - t_i)`, with :math:`t_i` the item's
    ``time_column`` in the item table (Unix seconds, or datetimes) or, when no column is
    given, the time of its first training interaction; :math:`t_\text{now}` is ``now``
    (Unix seconds) or, when not given, the last training timestamp. An item without a time
    (not in the training log and no column value) counts as new (:math:`a_i = 0`).

    Attributes
    ----------
    value_ : numpy.ndarray of float64, shape (n_items,)
        :math:`x_i`.
    """

    name = "freshness"
    params: ClassVar[dict[str, Param]] = {
        "half_life_days": Param((int, float), low=0, low_inclusive=False, default=30.0,
                                computes_in="float64",
                                doc="Age (days) at which the boost has halved."),
        "mode": Param(str, choices=_MODES, default="add", doc="'add' or 'multiply'."),
        "weight": Param((int, float), default=1.0, doc="The boost of a brand-new item."),
        "time_column": Param(str, optional=True, default=None,
                             doc="Item-table column of item times (Unix seconds); None: "
                                 "the first training interaction."),
        "now": Param(int, optional=True, default=None,
                     doc="The present (Unix seconds); None: the last training timestamp."),
    }

    def _fit(self, train: Interactions, item_vectors: np.ndarray | None) -> None:
        if self.time_column is None and train.timestamp is None:
            raise RecstackError(f"{self.name}: the training data has no timestamps; give "
                                "time_column (item times in the item table)")
        if self.now is not None:
            now = float(self.now)
        elif train.timestamp is not None and len(train):
            now = float(train.timestamp.max())
        else:
            raise RecstackError(f"{self.name}: give now (Unix seconds): the training data "
                                "has no timestamps to take the present from")
        if self.time_column is not None:
            born = self._column_times(train, now)
        else:
            assert train.timestamp is not None  # refused above without a time_column
            born = np.full(train.n_items, np.inf)
            np.minimum.at(born, train.item_index, train.timestamp.astype(np.float64))
            born[np.isinf(born)] = np.nan
        age_days = np.maximum(0.0, now - born) / _DAY
        self.value_ = np.where(np.isnan(born), 1.0, np.exp2(-age_days / self.half_life_days))
        self._check_spread(born, now)
        self._born, self._now = born, now

    def _why_all_alike(self) -> str:
        born = getattr(self, "_born", None)
        if born is None:
            return super()._why_all_alike()
        source = (f"column {self.time_column!r}" if self.time_column is not None
                  else "the first training interactions")
        known = born[~np.isnan(born)]
        if not len(known):
            return f"no item has a time in {source}, and an item without one counts as new"
        ages = np.maximum(0.0, self._now - known) / _DAY
        return (f"the item times of {source} give every item the age {float(ages.max()):g} "
                f"days" + ("" if len(known) == len(born) else
                           ", and an item without a time counts as new"))

    def _what_differs(self) -> str:
        return "it acts on items of different ages"

    def _check_spread(self, born: np.ndarray, now: float) -> None:
        """Refuse times that give every item the same boost because they are on another
        scale than ``now``: all after it (item times in milliseconds, or a ``now`` before
        the catalog existed), all so old that the boost is 0 (``now`` in milliseconds), or
        of different ages under a half-life so long that every boost rounds to 1."""
        known = born[~np.isnan(born)]
        values = self.value_[~np.isnan(born)]
        if len(known) < 2 or np.ptp(values) > 0:
            return
        source = (f"column {self.time_column!r}" if self.time_column is not None
                  else "the first training interactions")
        times = f"the item times of {source} run from {known.min():.0f} to {known.max():.0f}"
        if known.min() >= now:
            raise RecstackError(
                f"{self.name}: every item is at or after now = {now:.0f}, so every item "
                f"would get the same boost; {times} (Unix seconds): are they milliseconds, "
                "or is now too early?")
        if not values.any() and now < 100 * max(float(known.max()), 1.0):
            # now on the items' scale (not 1,000 times it, as milliseconds are): the
            # half-life is what is too short (it was asked whether now was in milliseconds)
            ages = np.maximum(0.0, now - known) / _DAY
            raise RecstackError(
                f"{self.name}: half_life_days = {shown_number(self.half_life_days)} is so short "
                f"beside the items' ages ({ages.min():.4g} to {ages.max():.4g} days) that every "
                "item's boost is 0 (more than 1,000 half-lives old), so this step would change "
                "no list; give a half-life in days on the scale of the items' ages (30, the "
                "default)")
        if not values.any():
            raise RecstackError(
                f"{self.name}: every item is so much older than now = {now:.0f} that its "
                f"boost is 0 (more than 1,000 half-lives of {self.half_life_days} days); "
                f"{times} (Unix seconds): is now in milliseconds?")
        if known.min() < known.max():
            # items of different ages, one boost: a half-life so long (in seconds rather
            # than days, or 1e30) that 2^(-age / h) rounds to 1 for every item, and the
            # step changed no list without a word
            ages = np.maximum(0.0, now - known) / _DAY
            raise RecstackError(
                f"{self.name}: half_life_days = {shown_number(self.half_life_days)} is so long "
                f"beside the items' ages ({ages.min():.4g} to {ages.max():.4g} days) that "
                f"every item gets the same boost ({float(values[0]):.6g}), so this step would "
                "change no list; give a half-life in days on the scale of the items' ages (30, the "
                "default)")

    def _column_times(self, train: Interactions, now: float) -> np.ndarray:
        """The item times of ``time_column`` in Unix seconds, NaN where missing."""
        column = item_column(train, self.time_column, self.name)
        if pd.api.types.is_datetime64_any_dtype(column):
            if column.dt.tz is not None:
                column = column.dt.tz_convert(None)
            return ((column - pd.Timestamp(0)).dt.total_seconds()).to_numpy(np.float64)
        present = column.dropna()
        if len(present) and present.map(lambda v: isinstance(v, str)).all() and \
                pd.to_numeric(present, errors="coerce").isna().any():
            return self._text_times(train, column)
        # a value that is not a time would be coerced to NaN, which counts as new: a text
        # column would then make every item brand new and change nothing
        flags = (pd.api.types.is_bool_dtype(column)
                 or pd.api.types.infer_dtype(column, skipna=True) == "boolean")
        values = (pd.Series(np.nan, index=column.index) if flags
                  else pd.to_numeric(column, errors="coerce"))
        bad = column.notna() & values.isna()
        if bad.any():
            row = int(np.flatnonzero(bad.to_numpy())[0])
            raise RecstackError(f"{self.name}: column {self.time_column!r} must be numeric "
                                f"{_TIME_COLUMN_FORMS}; item "
                                f"{train.items.to_external([row]).tolist()[0]!r} holds "
                                f"{column.iloc[row]!r}")
        values = _real_values(values, column, train,
                              f"{self.name}: column {self.time_column!r}")
        seconds = values.to_numpy(np.float64)
        self._refuse_small_numbers(train, column, seconds, now)
        return seconds

    def _text_times(self, train: Interactions, column: pd.Series) -> np.ndarray:
        """A column of text holding times (an item table read from a CSV file), read as the
        loaders read a text time column: ISO-8601 (``2024-01-31``, ``2024-01-31T12:00:00``,
        a UTC offset; a year ``2024`` is its first moment), trimmed, naive times as UTC.
        Such a column was refused as "must be numeric (Unix seconds) or datetimes", where
        the same dates as datetimes were read. Text that is no time, a number among the
        dates included (two forms in one column), is refused naming its item."""
        trimmed = column.map(lambda v: v.strip() if isinstance(v, str) else v)
        parsed = pd.to_datetime(trimmed, format="ISO8601", utc=True, errors="coerce")
        bad = column.notna() & parsed.isna()
        if bad.any():
            row = int(np.flatnonzero(bad.to_numpy())[0])
            value = column.iloc[row]
            impossible = impossible_date(value)
            why = (f", which is not a real date: {impossible}" if impossible else
                   ", a number among dates: give one form for the whole column"
                   if quoted_number(value) else "")
            raise RecstackError(f"{self.name}: column {self.time_column!r} must be numeric "
                                f"{_TIME_COLUMN_FORMS}; item "
                                f"{train.items.to_external([row]).tolist()[0]!r} holds "
                                f"{value!r}{why}")
        return ((parsed - pd.Timestamp(0, tz="UTC")).dt.total_seconds()).to_numpy(np.float64)

    def _refuse_small_numbers(self, train: Interactions, column: pd.Series,
                              seconds: np.ndarray, now: float) -> None:
        """Refuse numbers before 1973-03-03 as Unix seconds (the event logs' threshold)
        beside a present that is a Unix time: prices, counts, years or days since launch
        made every item decades old and its boost about 0, silently. A log of small times
        throughout (offsets from a start) is kept, as the event logs keep one."""
        early = seconds < _UNIX_TIMES_FROM
        if now < _UNIX_TIMES_FROM or not early.any():
            return
        row = int(np.argmax(early))
        raise RecstackError(
            f"{self.name}: column {self.time_column!r} holds {shown(column.iloc[row])} for item "
            f"{train.items.to_external([row]).tolist()[0]!r}, which as Unix seconds is before "
            f"1973-03-03 ({_UNIX_TIMES_FROM:,}), while now is the Unix time {now:.0f}: "
            "the column must hold the items' times in Unix seconds or datetimes, not prices, "
            "counts or years (give datetimes for items older than 1973)")


#: what a freshness time column may hold, as its refusals say
_TIME_COLUMN_FORMS = ("(Unix seconds), datetimes or ISO-8601 text such as 2024-01-31 or "
                      "2024-01-31T12:00:00")


def _real_values(values: pd.Series, column: pd.Series, train: Interactions, where: str
                 ) -> pd.Series:
    """``values`` (a column read by ``pd.to_numeric``) as real numbers: complex numbers
    (a column of them, or one among numbers) were cast to float64 with numpy's
    ComplexWarning, their imaginary part dropped (``1j`` boosted by 0, silently); one with
    an imaginary part is refused naming its item, and a complex column without any is read
    as its real part."""
    if values.dtype.kind != "c":
        return values
    imaginary = values.notna().to_numpy() & (np.imag(values.to_numpy()) != 0)
    if imaginary.any():
        row = int(np.argmax(imaginary))
        raise RecstackError(f"{where} must hold real numbers; item "
                            f"{train.items.to_external([row]).tolist()[0]!r} holds "
                            f"{shown(column.iloc[row])}, a complex number")
    return pd.Series(np.real(values.to_numpy()), index=values.index)

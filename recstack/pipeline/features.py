r"""Features of (user, candidate) pairs, declared in one place and computed without leakage.

:class:`FeatureBuilder` is the one piece of code that turns candidates into a
:class:`~recstack.pipeline.schema.FeatureFrame`, for the ranker's training examples and at
serving alike, so the two cannot disagree. It works in three steps:

1. :meth:`FeatureBuilder.fit` (once, at training) decides the columns and fits the
   vocabularies of the categorical ones from the item and user tables: the
   :class:`~recstack.pipeline.schema.FeatureSchema` is fixed from then on;
2. :meth:`FeatureBuilder.statistics` summarises a ``history`` that must end before an
   explicit ``cutoff`` (every row at or after it is refused, so no feature can see the
   future of the example it belongs to) into a :class:`HistoryState`;
3. :meth:`FeatureBuilder.build` assembles the frame of a set of candidates from that state.

The columns (``<s>`` is each candidate source, ``<c>`` a table column):

======================  ============  =====================================================
name                    kind          value
======================  ============  =====================================================
``score_<s>``           numeric       source ``s``'s score (NaN: not proposed by it, or
                                      proposed by a stand-in, item popularity, to a user
                                      it knows nothing of: an empty history)
``rank_<s>``            numeric       its 1-based rank (``n + 1``: not proposed)
``n_sources``           numeric       how many sources proposed the item
``similarity_<m>``      numeric       scorer ``m``'s score of the pair (a model that scores
                                      every candidate, e.g. ``content``: the text
                                      similarity to the user's history)
``item_log_count``      numeric       :math:`\log(1 + n_i)`, interactions with the item
``item_recent``         numeric       :math:`\sum_r 2^{-(t_c - t_r)/h}` over the item's
                                      interactions (half-life :math:`h`)
``item_age_days``       numeric       days from its first interaction to the cutoff (NaN:
                                      never seen)
``user_log_count``      numeric       :math:`\log(1 + n_u)`
``user_days_since``     numeric       days from the user's last interaction to the cutoff
``item_<c>``            either        an item-table column: numbers as they are, text
                                      levels as categorical codes; for a multi-valued
                                      column (e.g. ``genres``: lists, or text joining
                                      labels with ``label_separator``, ``"Action|
                                      Comedy"``) its first listed value
``user_<c>``            either        a user-table column, likewise
``user_<c>_affinity``   numeric       multi-valued item column ``c``:
                                      :math:`\frac{1}{|G_i|}\sum_{g \in G_i} s_{ug}`, with
                                      :math:`s_{ug}` the share of the user's history
                                      interactions whose item has level :math:`g`
``context_<c>``         either        a context column of the interaction log (a device, a
                                      page...): numbers as they are, text levels as codes
``context_hour``        categorical   ``context_time``: the event's hour of day (UTC),
                                      code ``1 + hour``
``context_weekday``     categorical   ``context_time``: its day of the week (UTC), code
                                      ``1 + day`` with Monday 0
======================  ============  =====================================================

Categorical codes follow :mod:`recstack.pipeline.schema`: ``0`` is the one shared
"unknown" level, for a value never seen when the vocabulary was fitted or a missing one.
A level is known by its text, and a number in a text (or Categorical) column by its value:
``1``, ``1.0``, ``np.float64(1.0)`` and the text ``"1.0"`` are the one level ``"1"`` (a
vocabulary saved before this rule reads the values it knew as it did).
Text columns with many distinct values (titles, zip codes: more than ``max_levels`` levels
or more than half of the rows distinct) are left out by ``"auto"``: they identify rows
rather than group them; a column joining labels (genres) is judged by its labels, not
by its combinations of them. One of numbers written as text (``"12.99"``: a CSV read with
``dtype=str``) or held as Python objects (``Decimal`` prices from a database,
``Fraction``, numpy scalars or integers beside ``pd.NA`` in an object column) is named in
a warning when fitting, as is one such column kept as categorical. A column whose type
changed since fit (text then, only numbers or flags now, or numbers then and text now) is
refused, a table's and a context column alike, naming the column and both types.

*Context features* describe the request, not the user or the item: the columns of the
log's per-row :attr:`~recstack.data.interactions.Interactions.context` (their vocabularies
fitted on the history, like the tables') and, with ``context_time``, the hour and weekday
of the event. Their values are not statistics of a history but the circumstances of one
example, passed to :meth:`FeatureBuilder.build` as ``context``, one row per candidate:

- at training, the label row's own context (:func:`label_context`): a positive candidate
  gets the context and time of the label-window interaction that made it positive, a
  negative one those of one of the same user's label-window interactions (drawn at
  random, seeded), so no example sees a context other than its user's own label rows;
- at serving, the request's context (``context=`` of
  :meth:`~recstack.pipeline.two_stage.TwoStage.recommend`): a column it does not give,
  or a missing value, is the unknown level (code 0; NaN for a number), as is a ``timestamp``
  it does not give for the time features. Offline evaluation, which passes no context,
  therefore scores every candidate with unknown context.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import numbers
import warnings
from collections.abc import Iterable, Mapping, Sequence, Set
from dataclasses import dataclass, replace
from decimal import Decimal
from fractions import Fraction
from typing import Any, Literal

import numpy as np
import pandas as pd
import scipy.sparse as sp

from recstack import strict_json
from recstack.data.dates import impossible_date, is_nat, quoted_number, to_unix_seconds
from recstack.data.interactions import (
    FIRST_SECOND,
    LAST_SECOND,
    Interactions,
    caller_stacklevel,
    to_float32_values,
)
from recstack.errors import (
    ConfigError,
    DataFormatError,
    RecstackError,
    counted,
    echoed,
    shown,
    shown_number,
)
from recstack.metrics._validation import check_aligned, exact_as_float, exact_as_int
from recstack.models.base import history_matrix, refuse_positional
from recstack.models.persistence import canonical_csr, sparse_from_state
from recstack.pipeline.bandit_checks import (
    as_index_array,
    check_count,
    check_same_length,
    misspelt_attribute,
)
from recstack.pipeline.candidates import Candidates, too_many_per_source
from recstack.pipeline.imbalance import positive_labels
from recstack.pipeline.rerank.base import LABEL_SEPARATOR, check_separator, label_pairs
from recstack.pipeline.schema import (
    FEATURES_KEPT_IN,
    Feature,
    FeatureFrame,
    FeatureSchema,
    arrow_table_as_pandas,
)
from recstack.pipeline.settings import setting_of_another_step
from recstack.specs import SEED_MAX, did_you_mean, finite_or_infinite

_SECONDS_PER_DAY = 86_400.0
#: stands for "no interaction" in the first/last time arrays (so they stay integers)
NEVER = np.iinfo(np.int64).min
ColumnRole = Literal["numeric", "categorical", "multi"]
_OPTIONS = {"half_life_days", "item_columns", "user_columns", "max_levels", "context_columns",
            "context_time", "label_separator"}
#: the context column that carries the event's time (Unix seconds) for ``context_time``
CONTEXT_TIME = "timestamp"
_HOURS, _WEEKDAYS = 24, 7
#: the features every builder gives, whatever the tables (see the module docstring)
_BUILT_IN = ("n_sources", "item_log_count", "item_recent", "item_age_days", "user_log_count",
             "user_days_since")
#: 1970-01-01, day 0 of Unix time, was a Thursday (Monday = 0)
_EPOCH_WEEKDAY = 3


@dataclass(frozen=True)
class TableColumn:
    """A table column the builder uses: which table, its name, its role and its levels."""

    table: Literal["item", "user", "context"]
    column: str
    role: ColumnRole
    levels: tuple[str, ...] = ()

    @property
    def feature(self) -> str:
        return f"{self.table}_{self.column}"


@dataclass
class HistoryState:
    """What the features of one cutoff need from the history before it (see
    :meth:`FeatureBuilder.statistics`). Every array has one row per item or per user of the
    vocabulary."""

    cutoff: int
    item_count: np.ndarray
    item_recent: np.ndarray
    item_first: np.ndarray
    user_count: np.ndarray
    user_last: np.ndarray
    item_codes: np.ndarray
    item_numeric: np.ndarray
    user_codes: np.ndarray
    user_numeric: np.ndarray
    #: items x levels of every multi-valued column (one block per column), 1 where listed
    item_levels: sp.csr_matrix
    #: users x levels: the share of each user's history interactions with each level
    user_levels: sp.csr_matrix

    def to_arrays(self) -> dict[str, np.ndarray]:
        """Plain arrays (no pickle) for a model's saved state."""
        arrays = {name: getattr(self, name) for name in _STATE_ARRAYS}
        arrays["cutoff"] = np.asarray(self.cutoff, np.int64)
        for name in ("item_levels", "user_levels"):
            matrix = canonical_csr(getattr(self, name))
            arrays |= {f"{name}_{part}": value for part, value in (
                ("indptr", matrix.indptr.astype(np.int64)),
                ("indices", matrix.indices.astype(np.int64)),
                ("data", matrix.data.astype(np.float32)),
                ("shape", np.asarray(matrix.shape, np.int64)))}
        return arrays

    @classmethod
    def from_arrays(cls, arrays: dict[str, np.ndarray]) -> HistoryState:
        """The state :meth:`to_arrays` wrote. An array missing, or arrays whose item (or
        user) rows disagree, are refused as a damaged state: they failed with a KeyError
        naming the array alone, or later, when features were built, with an IndexError."""
        where = "features: the saved history state"
        parts = ("indptr", "indices", "data", "shape")
        wanted = ["cutoff", *_STATE_ARRAYS,
                  *(f"{m}_{part}" for m in ("item_levels", "user_levels") for part in parts)]
        missing = [name for name in wanted if name not in arrays]
        if missing:
            raise RecstackError(f"{where} lacks the array(s) {', '.join(missing)}; the file "
                                "is damaged or was not written by recstack: save the model "
                                "again")
        try:
            matrices = {name: sparse_from_state(name, arrays)
                        for name in ("item_levels", "user_levels")}
            state = cls(cutoff=int(arrays["cutoff"]), **{n: arrays[n] for n in _STATE_ARRAYS},
                        **matrices)
        except (TypeError, ValueError, IndexError, OverflowError) as error:
            raise RecstackError(f"{where} is damaged ({type(error).__name__}: "
                                f"{echoed(str(error))}); save the model again") from None
        for kind, names in (("item", ("item_count", "item_recent", "item_first",
                                      "item_codes", "item_numeric", "item_levels")),
                            ("user", ("user_count", "user_last", "user_codes",
                                      "user_numeric", "user_levels"))):
            rows = {name: np.shape(getattr(state, name))[:1] for name in names}
            if len(set(rows.values())) > 1:
                shown_rows = ", ".join(f"{name} {size[0] if size else 'none'}"
                                       for name, size in rows.items())
                raise RecstackError(f"{where} is damaged: its {kind} arrays disagree on the "
                                    f"number of {kind}s ({shown_rows}); save the model again")
        return state


_STATE_ARRAYS = ("item_count", "item_recent", "item_first", "user_count", "user_last",
                 "item_codes", "item_numeric", "user_codes", "user_numeric")


class FeatureBuilder:
    """Builds the feature frame of candidates, for training and serving alike (see the module
    docstring for the columns).

    Parameters
    ----------
    half_life_days : float, default 30.0
        Half-life :math:`h` of the recent popularity ``item_recent``, in days.
    item_columns, user_columns : "auto" or sequence of str, default "auto"
        Table columns to use; ``"auto"`` takes every numeric column, every multi-valued one
        (a list per row) and every text column with few enough levels. A column of times
        (datetimes, dates, durations, periods) is left out by ``"auto"`` and refused when
        listed: give a number made from it (a year, an age in days) as a column instead.
    max_levels : int, default 1000
        ``"auto"`` leaves out text columns with more distinct values than this (or with
        more than half of their rows with a value distinct); those of numbers written as text are
        named, with why, in one warning per :meth:`fit`.
    context_columns : "auto" or sequence of str, default "auto"
        Columns of the log's per-row context to use (see the module docstring); ``"auto"``
        takes every numeric one and every text one with few enough levels (none when the
        log has no context); a column of times, as for the tables.
    context_time : bool, default False
        Add the event's hour of day and day of week (``context_hour``,
        ``context_weekday``), from the label row's time at training and the request's
        ``timestamp`` at serving.
    label_separator : str or None, default "|"
        A table's text column whose values join several labels with it (MovieLens genres,
        ``"Action|Comedy"``) is multi-valued, as a column of lists is; None reads every
        text value as one level.
    """

    def __init__(self, *positional: Any, half_life_days: float = 30.0,
                 item_columns: str | Sequence[str] = "auto",
                 user_columns: str | Sequence[str] = "auto", max_levels: int = 1000,
                 context_columns: str | Sequence[str] = "auto",
                 context_time: bool = False, label_separator: str | None = "|") -> None:
        # FeatureBuilder(30) was Python's "takes 1 positional argument but 2 were given"
        refuse_positional("FeatureBuilder", positional,
                          "give the settings by name, e.g. FeatureBuilder(half_life_days=30)")
        self.half_life_days = half_life_days
        self.item_columns = item_columns
        self.user_columns = user_columns
        self.max_levels = max_levels
        self.context_columns = context_columns
        self.context_time = context_time
        self.label_separator = label_separator

    def __setattr__(self, name: str, value: Any) -> None:
        if name not in _OPTIONS and (problem := misspelt_attribute(self, name,
                                                                   sorted(_OPTIONS))):
            # ``builder.half_life_day = 7`` was stored beside the options and silently
            # ignored (the features used the default), where a model refuses it
            raise ConfigError(problem)
        super().__setattr__(name, value)

    @classmethod
    def from_options(cls, options: dict[str, Any], where: str) -> FeatureBuilder:
        """A builder from an experiment file's ``features`` table; unknown keys are refused
        with the known ones."""
        unknown = sorted(set(options) - _OPTIONS, key=str)
        if unknown:
            # a setting of the model or of its ranker written in the features table is told
            # where it goes; a misspelt option, the nearest
            near = did_you_mean(unknown[0], sorted(_OPTIONS))
            elsewhere = "" if near else setting_of_another_step(unknown[0], "features")
            if elsewhere:
                elsewhere = (f" ({unknown[0]!r} is {elsewhere})" if len(unknown) > 1
                             else f", which is {elsewhere}")
            raise ConfigError(f"{where}: unknown feature option(s) {unknown}{near}"
                              f"{elsewhere}; the options are {sorted(_OPTIONS)}")
        return cls(**options)

    def get_options(self) -> dict[str, Any]:
        columns = {k: v if isinstance(v, str) else list(v) for k, v in
                   (("item_columns", self.item_columns), ("user_columns", self.user_columns),
                    ("context_columns", self.context_columns))}
        return {"half_life_days": self.half_life_days, "max_levels": self.max_levels,
                "context_time": self.context_time, "label_separator": self.label_separator,
                **columns}

    # ------------------------------------------------------------------ fitting
    def fit(self, data: Interactions, sources: Sequence[str], n_per_source: int,
            scorers: Sequence[str] = ()) -> FeatureBuilder:
        """Fix the columns and fit the categorical vocabularies from ``data``'s tables and
        its per-row context.

        ``sources`` are the candidate sources (their score and rank columns),
        ``n_per_source`` how many items each proposes (its "not proposed" rank is one more)
        and ``scorers`` the models that score every candidate (their similarity columns).
        """
        self._validate()
        _require(data, Interactions, "data", "the training Interactions")
        self.sources_ = _names(sources, "sources")
        n_per_source = exact_as_int(n_per_source)  # a whole Decimal or Fraction: its int
        if isinstance(n_per_source, bool) or not isinstance(n_per_source, int | np.integer) \
                or n_per_source < 1:
            raise ConfigError(f"features: n_per_source (items each source proposes) must be a "
                              f"positive integer, got {shown(n_per_source)}")
        problem = too_many_per_source("n_per_source (items each source proposes)",
                                      n_per_source)
        if problem is not None:
            raise ConfigError(f"features: {problem}")
        self.n_per_source_ = int(n_per_source)
        self.scorers_ = _names(scorers, "scorers")
        left_out: list[_LeftOut] = []
        self.columns_, self.context_ = self._chosen_columns(data, left_out)
        self.schema_ = self._schema()
        _warn_of_numbers_left_out(left_out, self.max_levels)
        return self

    def check_columns(self, data: Interactions) -> None:
        """Refuse, as :meth:`fit` would, options that ``data`` cannot satisfy (a column
        the item, user or context table does not have, a table it lacks): called before
        the candidate generators are fitted, so that a misspelt column is named before
        minutes of fitting rather than after. Learns nothing."""
        self._validate()
        _require(data, Interactions, "data", "the training Interactions")
        self._chosen_columns(data)

    def _chosen_columns(self, data: Interactions, left_out: list[_LeftOut] | None = None
                        ) -> tuple[tuple[TableColumn, ...], tuple[TableColumn, ...]]:
        """The table columns and the context columns the features read from ``data``.
        ``left_out`` collects the columns of numbers written as text that ``"auto"`` leaves
        out, and the warnings of numbers written as text are given only when it is given:
        :meth:`fit` gives it, :meth:`check_columns` (called just before fit) does not, so
        each is said once per fit."""
        columns = (_table_columns("item", data.item_table, self.item_columns,
                                  self.max_levels, self.label_separator, left_out)
                   + _table_columns("user", data.user_table, self.user_columns,
                                    self.max_levels, self.label_separator, left_out))
        context = _context_columns(data.context, self.context_columns, self.max_levels,
                                   left_out)
        self._refuse_taken_names(columns + context)
        return columns, context

    def _refuse_taken_names(self, columns: tuple[TableColumn, ...]) -> None:
        """Refuse a table or context column whose feature name is one the builder already
        gives (an item table column ``log_count`` is the feature ``item_log_count``, the
        built-in count; a context column ``hour`` is ``context_hour`` of ``context_time``):
        refused after the candidate generators were fitted, as "feature schema names
        item_log_count more than once", naming neither the column nor its table."""
        taken = {name: "a built-in feature" for name in _BUILT_IN}
        if self.context_time:
            taken |= {name: "a feature of context_time = true"
                      for name in ("context_hour", "context_weekday")}
        for column in columns:
            if column.role == "multi":
                taken.setdefault(f"user_{column.column}_affinity",
                                 f"the user's affinity with the {column.table} table column "
                                 f"{column.column!r}")
        for column in columns:
            holder = "context" if column.table == "context" else f"{column.table} table"
            what = f"the {holder} column {column.column!r}"
            if column.feature in taken:
                setting = f"{column.table}_columns"
                raise ConfigError(
                    f"features: {what} would be the feature {column.feature!r}, which is "
                    f"already {taken[column.feature]}; rename the column, or leave it out "
                    f"by listing the columns to use in {setting}")
            taken[column.feature] = what

    def _validate(self) -> None:
        h = exact_as_float(self.half_life_days)  # Decimal, Fraction: read as their float
        # an integer past the float range is an infinity (np.isfinite raised a TypeError)
        if isinstance(h, bool | np.bool_) or not isinstance(h, numbers.Real) \
                or not math.isfinite(finite_or_infinite(h)) or h <= 0:
            raise ConfigError(f"features: half_life_days must be a positive number of days, "
                              f"got {shown_number(self.half_life_days)}")
        self.half_life_days = float(h)  # a numpy number would not be JSON
        m = self.max_levels
        if isinstance(m, np.integer) and not isinstance(m, bool):
            m = self.max_levels = int(m)
        if isinstance(m, bool) or not isinstance(m, int) or m < 1:
            raise ConfigError(f"features: max_levels must be a positive integer, got {shown(m)}")
        if isinstance(self.context_time, np.bool_):
            # a numpy bool is the flag it holds (refused as "got True" before); kept as
            # Python's, which the saved builder's JSON can hold
            self.context_time = bool(self.context_time)
        if not isinstance(self.context_time, bool):
            raise ConfigError(f"features: context_time must be true or false, got "
                              f"{self.context_time!r}")
        if self.label_separator is not None:
            check_separator("features: label_separator", self.label_separator)
        for name in ("item_columns", "user_columns", "context_columns"):
            value = getattr(self, name)
            if value == "auto":
                continue
            # a set or a dict has no order to give the features (nor a stable one)
            if isinstance(value, str | Set | Mapping) or not isinstance(value, Iterable) \
                    or not all(isinstance(c, str) for c in value):
                # 'Auto' is named with the spelling, a bare column name with the list
                hint = ((did_you_mean(value, ("auto",)) or f" (one column: write [{value!r}])")
                        if isinstance(value, str) else "")
                raise ConfigError(f"features: {name} must be 'auto' or a list of column "
                                  f"names, got {value!r}{hint}")
            # a name given twice made two features of one name, refused only after the
            # generators were fitted, as "feature schema names item_genres ... more than
            # once", which named neither this option nor the column
            repeated = sorted({c for c in value if list(value).count(c) > 1})
            if repeated:
                raise ConfigError(f"features: {name} names {', '.join(map(repr, repeated))} "
                                  f"more than once ({list(value)!r}); list each column once")

    def _schema(self) -> FeatureSchema:
        features = []
        for source in self.sources_:
            features += [Feature(f"score_{source}", "numeric",
                                 f"{source}'s score (NaN: not proposed by it)"),
                         Feature(f"rank_{source}", "numeric",
                                 f"{source}'s rank, 1 = best ({self.n_per_source_ + 1}: not "
                                 "proposed)")]
        features += [Feature(f"similarity_{scorer}", "numeric",
                             f"{scorer}'s score of the pair (NaN: none)")
                     for scorer in self.scorers_]
        features += [
            Feature("n_sources", "numeric", "how many sources proposed the item"),
            Feature("item_log_count", "numeric", "log(1 + interactions with the item)"),
            Feature("item_recent", "numeric",
                    f"interactions with the item, each weighted 2^(-age / "
                    f"{self.half_life_days} days)"),
            Feature("item_age_days", "numeric", "days from the item's first interaction"),
            Feature("user_log_count", "numeric", "log(1 + the user's interactions)"),
            Feature("user_days_since", "numeric", "days since the user's last interaction"),
        ]
        for column in self.columns_:
            if column.role == "numeric":
                features.append(Feature(column.feature, "numeric",
                                        f"{column.table} table column {column.column!r}"))
            else:
                first = " (first listed value)" if column.role == "multi" else ""
                features.append(Feature(column.feature, "categorical",
                                        f"{column.table} table column {column.column!r}"
                                        f"{first}", cardinality=len(column.levels) + 1))
            if column.role == "multi":
                features.append(Feature(f"user_{column.column}_affinity", "numeric",
                                        f"mean share of the user's history in the item's "
                                        f"{column.column}"))
        # context features come last, so that build() can fill them in apart
        for column in self.context_:
            doc = f"context column {column.column!r} of the request (label row at training)"
            features.append(Feature(column.feature, "numeric", doc) if column.role == "numeric"
                            else Feature(column.feature, "categorical", doc,
                                         cardinality=len(column.levels) + 1))
        if self.context_time:
            features += [Feature("context_hour", "categorical", "hour of day of the event "
                                 "(UTC), 1 + hour; 0 unknown", cardinality=_HOURS + 1),
                         Feature("context_weekday", "categorical", "day of week of the event "
                                 "(UTC), 1 + day (Monday 0); 0 unknown",
                                 cardinality=_WEEKDAYS + 1)]
        return FeatureSchema(tuple(features))

    def _require_fitted(self) -> None:
        if not hasattr(self, "schema_"):
            raise RecstackError("features: call fit() before building features")

    # ------------------------------------------------------------------ history
    def statistics(self, history: Interactions, cutoff: int) -> HistoryState:
        """Summarise ``history`` for examples at ``cutoff`` (Unix seconds).

        Raises
        ------
        RecstackError
            If ``history`` has no timestamps, or any row at or after ``cutoff``: features
            are computed only from data before the cutoff of the example they belong to.
        """
        self._require_fitted()
        _require(history, Interactions, "history", "Interactions")
        if history.timestamp is None:
            raise RecstackError("features: the history has no timestamps; recency and "
                                "time-decayed features need them")
        cutoff = check_cutoff(cutoff, "features")
        if not FIRST_SECOND <= cutoff <= LAST_SECOND + 1:
            # a cutoff in milliseconds (1.7e12, the year 55,800 as seconds) passed: every
            # row was before it, and the recency features were those of a history tens of
            # thousands of years old, silently
            thousandth = cutoff / 1000
            hint = (" (milliseconds? divide by 1000)"
                    if FIRST_SECOND <= thousandth <= LAST_SECOND + 1 else "")
            raise RecstackError(f"features: cutoff {cutoff} is not a time: give Unix seconds "
                                f"between the years 1 and 9999 ({FIRST_SECOND} to "
                                f"{LAST_SECOND}), as the interactions' timestamps are{hint}")
        late = history.timestamp >= cutoff
        if late.any():
            raise RecstackError(
                f"features: the history holds {int(late.sum())} interaction(s) at or after "
                f"the cutoff {cutoff} (latest {int(history.timestamp.max())}); features may "
                "only see data before the cutoff: pass history.between(end=cutoff)")
        items = history.item_index.astype(np.int64)
        users = history.user_index.astype(np.int64)
        times = history.timestamp
        n_items, n_users = history.n_items, history.n_users
        age_days = (cutoff - times) / _SECONDS_PER_DAY
        decay = np.exp2(-age_days / float(self.half_life_days))
        item_first = np.full(n_items, np.iinfo(np.int64).max, np.int64)
        np.minimum.at(item_first, items, times)
        item_first[item_first == np.iinfo(np.int64).max] = NEVER
        user_last = np.full(n_users, NEVER, np.int64)
        np.maximum.at(user_last, users, times)
        user_count = np.bincount(users, minlength=n_users).astype(np.float32)
        self._warn_of_vanished_columns(history)
        tables = {"item": (history.item_table, n_items), "user": (history.user_table, n_users)}
        for column in self.columns_:
            _refuse_text_become_numbers(*tables[column.table], column)
        item_levels = self._item_levels(history)
        per_user = sp.csr_matrix((np.ones(len(users), np.float32), (users, items)),
                                 shape=(n_users, n_items))
        share = sp.diags(1.0 / np.maximum(user_count, 1.0)).astype(np.float32)
        user_levels = sp.csr_matrix(share @ per_user @ item_levels, dtype=np.float32)
        item_codes, item_numeric = self._table_values("item", history.item_table, n_items)
        user_codes, user_numeric = self._table_values("user", history.user_table, n_users)
        return HistoryState(
            cutoff=cutoff,
            item_count=np.bincount(items, minlength=n_items).astype(np.float32),
            item_recent=np.bincount(items, weights=decay, minlength=n_items).astype(np.float32),
            item_first=item_first, user_count=user_count, user_last=user_last,
            item_codes=item_codes, item_numeric=item_numeric, user_codes=user_codes,
            user_numeric=user_numeric, item_levels=item_levels, user_levels=user_levels)

    def _warn_of_vanished_columns(self, history: Interactions) -> None:
        """Warn when a table column the builder was fitted with is not in ``history``'s
        tables (or the table is gone): its features are then unknown for every row (code 0,
        NaN), which changed every candidate's score without a word."""
        for table_name, table in (("item", history.item_table), ("user", history.user_table)):
            gone = [c.column for c in self.columns_ if c.table == table_name
                    and (table is None or c.column not in table.columns)]
            if not gone:
                continue
            place = (f"the history has no {table_name} table" if table is None else
                     f"its {table_name} table has columns "
                     f"{', '.join(map(repr, map(str, table.columns[1:]))) or 'none'}")
            warnings.warn(
                f"features: the {table_name} table column(s) {', '.join(map(repr, gone))} "
                f"were used at fit, but {place}; their features are unknown (code 0, NaN) "
                f"for every {table_name}, which moves every score: give the history the "
                "tables of the fit, or fit the features again", UserWarning,
                stacklevel=caller_stacklevel())

    def visitor_state(self, state: HistoryState, histories: sp.csr_matrix) -> HistoryState:
        """``state`` with its user rows replaced by those of new users known only by their
        histories (``n x n_items`` in the model's item order; row ``j`` is user index
        ``j``): their history length as the interaction count, their last interaction at
        the cutoff (the items are what they just chose), the user table's columns unknown
        and their share of history in each level of the multi-valued item columns, as
        :meth:`statistics` computes it for a training user. The item rows are unchanged."""
        self._require_fitted()
        # unchecked, a state of another kind failed with "'str' object has no attribute
        # 'cutoff'", histories of another width inside scipy ("matmul: dimension
        # mismatch"), and a NaN or negative value was read as an item chosen, silently
        _require(state, HistoryState, "state", "a HistoryState (FeatureBuilder.statistics)")
        where = "features: visitor_state"
        matrix = history_matrix(histories, len(state.item_count), where)
        if matrix.nnz and float(matrix.data.min()) < 0:
            at = int(np.flatnonzero(matrix.data < 0)[0])
            row = int(np.searchsorted(matrix.indptr, at, side="right")) - 1
            raise RecstackError(
                f"{where}: histories must be >= 0 (an item the user chose: a value > 0, "
                f"none: 0), row {row}, column {int(matrix.indices[at])} is "
                f"{float(matrix.data[at]):g}")
        chosen = sp.csr_matrix(matrix, dtype=np.float32, copy=True)
        chosen.sum_duplicates()
        chosen.eliminate_zeros()
        chosen.data[:] = 1.0
        n = chosen.shape[0]
        count = np.diff(chosen.indptr).astype(np.float32)
        share = sp.diags(1.0 / np.maximum(count, 1.0)).astype(np.float32)
        user_codes, user_numeric = self._table_values("user", None, n)
        return replace(
            state, user_count=count, user_last=np.full(n, state.cutoff, np.int64),
            user_codes=user_codes, user_numeric=user_numeric,
            user_levels=sp.csr_matrix(share @ chosen @ state.item_levels, dtype=np.float32))

    def _item_levels(self, data: Interactions) -> sp.csr_matrix:
        blocks = []
        for column in self.columns_:
            if column.role != "multi":
                continue
            rows, labels = self._labels(_column(data.item_table, column, data.n_items))
            codes = _level_codes(column.levels, labels.to_numpy(object))
            known = codes >= 0
            blocks.append(sp.csr_matrix((np.ones(int(known.sum()), np.float32),
                                         (rows[known], codes[known])),
                                        shape=(data.n_items, len(column.levels))))
        if not blocks:
            return sp.csr_matrix((data.n_items, 0), dtype=np.float32)
        levels = sp.hstack(blocks, format="csr", dtype=np.float32)
        levels.data[:] = 1.0  # a level listed twice for one item still counts once
        return levels

    def _labels(self, values: np.ndarray) -> tuple[np.ndarray, pd.Series]:
        """The (row, label) pairs of a multi-valued column's values (lists, or text split
        at the label separator)."""
        return label_pairs(pd.Series(values, dtype=object), "features",
                           separator=self.label_separator or LABEL_SEPARATOR,
                           text_only=False)

    def _table_values(self, table_name: str, table: pd.DataFrame | None, n: int
                      ) -> tuple[np.ndarray, np.ndarray]:
        mine = [c for c in self.columns_ if c.table == table_name]
        codes = [_encode(_column(table, c, n), c, self._labels) for c in mine
                 if c.role != "numeric"]
        ids = table.iloc[:, 0].to_numpy(dtype=object) if table is not None else None
        numbers = [_numbers(_column(table, c, n), c, ids) for c in mine
                   if c.role == "numeric"]
        return (np.column_stack(codes).astype(np.int32) if codes
                else np.zeros((n, 0), np.int32),
                np.column_stack(numbers).astype(np.float32) if numbers
                else np.zeros((n, 0), np.float32))

    # ------------------------------------------------------------------ frames
    def build(self, candidates: Candidates, state: HistoryState,
              context: pd.DataFrame | None = None) -> FeatureFrame:
        """The feature frame of ``candidates`` at ``state``'s cutoff (one group per user).

        ``context`` gives the context features: a frame with one row per candidate and
        the context columns (plus ``timestamp``, Unix seconds, for ``context_time``);
        None, or a column it lacks, leaves them at the unknown level (module docstring).
        """
        self._require_fitted()
        _require(candidates, Candidates, "candidates", "Candidates (generate_candidates)")
        _require(state, HistoryState, "state", "a HistoryState (FeatureBuilder.statistics)")
        if candidates.sources != self.sources_:
            missing = [s for s in self.sources_ if s not in candidates.sources]
            extra = [s for s in candidates.sources if s not in self.sources_]
            raise RecstackError(
                "features: the candidates come from other sources than the builder was "
                f"fitted with (missing {missing or 'none'}, unexpected {extra or 'none'}): the "
                f"features score_/rank_ of {missing or extra} would be missing or unknown; "
                f"build candidates from {list(self.sources_)}")
        if candidates.n_per_source != self.n_per_source_:
            raise RecstackError(
                f"features: the candidates hold {candidates.n_per_source} items per source, "
                f"the builder was fitted with {self.n_per_source_} (their rank features "
                "would mean something else); generate the same number")
        if candidates.scorers != self.scorers_:
            raise RecstackError(
                f"features: the candidates are scored by {list(candidates.scorers)}, the "
                f"builder was fitted with scorers {list(self.scorers_)}: their similarity "
                "features would be missing or unknown; score them with the same models")
        users, items = candidates.users, candidates.items
        for name, indices, size in (("users", users, len(state.user_count)),
                                    ("items", items, len(state.item_count))):
            outside = (indices < 0) | (indices >= size)
            if outside.any():
                # a negative index would silently read the last user's or item's statistics
                row = int(np.argmax(outside))
                raise RecstackError(f"features: candidate row {row} has {name[:-1]} index "
                                    f"{int(indices[row])}, outside the state's 0..{size - 1}; "
                                    "build candidates and state from the same data")
        cutoff = state.cutoff
        columns: list[np.ndarray] = []
        for j in range(len(self.sources_)):
            columns += [candidates.scores[:, j], candidates.ranks[:, j]]
        similarity = np.asarray(candidates.similarity)
        columns += [similarity[:, j] for j in range(len(self.scorers_))]
        item_first = state.item_first[items]
        user_last = state.user_last[users]
        columns += [
            # proposed by its rank (in 1..n): a proposal to a user the source knows nothing
            # of has a rank but no score (NaN; see generate_candidates)
            (candidates.ranks <= candidates.n_per_source).sum(axis=1),
            np.log1p(state.item_count[items]),
            state.item_recent[items],
            np.where(item_first == NEVER, np.nan, (cutoff - item_first) / _SECONDS_PER_DAY),
            np.log1p(state.user_count[users]),
            np.where(user_last == NEVER, np.nan, (cutoff - user_last) / _SECONDS_PER_DAY),
        ]
        categorical: list[np.ndarray] = []
        item_numeric = iter(state.item_numeric[items].T)
        user_numeric = iter(state.user_numeric[users].T)
        item_codes = iter(state.item_codes[items].T)
        user_codes = iter(state.user_codes[users].T)
        offset = 0
        for column in self.columns_:
            if column.role == "numeric":
                columns.append(next(item_numeric if column.table == "item" else user_numeric))
                continue
            categorical.append(next(item_codes if column.table == "item" else user_codes))
            if column.role == "multi":
                width = len(column.levels)
                columns.append(_affinity(state, users, items, slice(offset, offset + width)))
                offset += width
        n = len(users)
        context_numeric, context_codes = self.context_features(context, n)
        columns += list(context_numeric.T)
        categorical += list(context_codes.T)
        return FeatureFrame(
            self.schema_,
            np.column_stack(columns).astype(np.float32) if columns
            else np.zeros((n, 0), np.float32),
            np.column_stack(categorical).astype(np.int32) if categorical
            else np.zeros((n, 0), np.int32),
            users, items, users.copy())

    def context_features(self, context: pd.DataFrame | None, n: int
                         ) -> tuple[np.ndarray, np.ndarray]:
        """The context features of ``n`` rows: ``(numeric (n, a), codes (n, b))``, in the
        schema's order (the last numeric and last categorical columns of a frame)."""
        self._require_fitted()
        if context is not None:
            if not isinstance(context, pd.DataFrame) or len(context) != n:
                raise RecstackError(
                    f"features: context must be a DataFrame with one row per candidate "
                    f"({n}), got {type(context).__name__} of {len(context)} rows")
            context = context.reset_index(drop=True)
            self.check_context(context)
        numbers, codes = [], []
        for column in self.context_:
            if context is not None and column.column in context.columns:
                values = context[column.column].to_numpy(dtype=object)
            else:
                values = np.full(n, None, dtype=object)
            if column.role == "numeric":
                numbers.append(_numbers(values, column))
            else:
                codes.append(_encode(values, column))
        if self.context_time:
            codes += list(_time_codes(None if context is None or CONTEXT_TIME not in context
                                      else context[CONTEXT_TIME], n))
        return (np.column_stack(numbers).astype(np.float32) if numbers
                else np.zeros((n, 0), np.float32),
                np.column_stack(codes).astype(np.int32) if codes else np.zeros((n, 0), np.int32))

    def check_context(self, context: pd.DataFrame, rows: str = "row") -> None:
        """Refuse a value of a context column (one the schema reads) that the feature
        cannot take, naming the column, the value and its row (``rows`` says what a row
        is: one per candidate, or per request): text or a list where the column was numeric
        in the training log, a list, set or mapping where it was categorical, and only
        numbers (or true/false flags), none a level it knew, where it held text (named
        like a table column whose type changed, both types said). The first failed inside
        pandas ("Unable to parse string 'abc' at position 11", a position of the rows
        repeated per candidate) and numpy ("setting an array element with a sequence"); a
        mapping, and numbers for a column of text, became the unknown level without a
        word."""
        self._require_fitted()
        # two columns of one name (a request's context joined twice) failed inside pandas
        # ("Data must be 1-dimensional"), as the training log's context is refused at fit
        _refuse_repeated_names([str(c) for c in context.columns], "the context")
        for column in self.context_:
            if column.column not in context.columns:
                continue
            series = pd.Series(context[column.column].to_numpy(dtype=object), dtype=object)
            nested = series.map(lambda v: isinstance(v, list | tuple | set | dict | Mapping
                                                     | np.ndarray | pd.Series)).to_numpy(bool)
            bad = nested.copy()
            huge = np.zeros(len(series), bool)
            if column.role == "numeric":
                flags = series.map(lambda v: isinstance(v, bool | np.bool_)).to_numpy(bool)
                plain = series.mask(nested | flags)
                coerced = _context_numbers(plain)
                given = plain.notna().to_numpy()
                bad |= given & np.isnan(coerced)
                # an integer past float64's range (pandas' OverflowError "int too large to
                # convert to float" was the message), or a number past float32's, the type
                # the features are kept in: refused here, by its row, not as a frame row
                with np.errstate(invalid="ignore"):
                    huge = given & (np.abs(coerced) > _FLOAT32_LARGEST)
            else:
                changed = _text_become_numbers(
                    series.mask(nested).to_numpy(dtype=object), column)
                if changed is not None and not nested.any():
                    now, example = changed
                    row = int(np.flatnonzero(series.notna().to_numpy())[0])
                    said = _type_changed(f"context column {column.column!r}", "text", now,
                                         f"{echoed(shown(example))}, {rows} {row}",
                                         _text_levels_shown(column))
                    raise RecstackError(
                        f"{said}, none of them a level it knew: every {rows} would have "
                        "the unknown level (code 0). Give the column its text as in the "
                        "training log, or fit the features again on a log of numbers")
            if not (bad | huge).any():
                continue
            row = int(np.flatnonzero(bad | huge)[0])
            value = series.iloc[row]
            value = value.item() if isinstance(value, np.generic) else value
            if column.role == "numeric" and not huge[row] and isinstance(value, str | bytes):
                said = _type_changed(f"context column {column.column!r}", "numbers",
                                     "text", f"{echoed(shown(value))}, {rows} {row}")
                raise RecstackError(
                    f"{said}; give a number as in the training log, or leave it out "
                    "(missing: the unknown level)")
            if huge[row]:
                raise RecstackError(
                    f"context column {column.column!r}: {rows} {row} holds "
                    f"{_huge_shown(value)}, beyond the range of the features (float32: "
                    f"finite, at most {_FLOAT32_LARGEST:.3g} in size); scale the column "
                    "(e.g. a logarithm) as in the training log, or leave it out (missing: "
                    "the unknown level)")
            expected = ("a number (the column was numeric in the training log)"
                        if column.role == "numeric" else
                        "one level, a text or a number (the column was categorical in the "
                        "training log), not a collection")
            raise RecstackError(f"context column {column.column!r}: {rows} {row} holds "
                                f"{echoed(shown(value))} ({type(value).__name__}); give "
                                f"{expected}, or leave it out (missing: the unknown level)")
        if self.context_time and CONTEXT_TIME in context.columns:
            _unix_seconds(pd.Series(context[CONTEXT_TIME]).reset_index(drop=True), rows)

    def with_context(self, frame: FeatureFrame, context: pd.DataFrame | None) -> FeatureFrame:
        """``frame`` (built by this builder) with its context features computed from
        ``context`` (one row per frame row), the other features unchanged."""
        self._require_fitted()
        self.schema_.require_same(frame.schema, "features: with_context")
        numbers, codes = self.context_features(context, len(frame))
        numeric, categorical = frame.numeric.copy(), frame.categorical.copy()
        if numbers.shape[1]:
            numeric[:, -numbers.shape[1]:] = numbers
        if codes.shape[1]:
            categorical[:, -codes.shape[1]:] = codes
        return FeatureFrame(frame.schema, numeric, categorical, frame.users, frame.items,
                            frame.groups, dict(frame.extra))

    @property
    def uses_context(self) -> bool:
        """Whether the fitted schema has context features."""
        self._require_fitted()
        return bool(self.context_) or bool(self.context_time)

    # ------------------------------------------------------------------ persistence
    def to_json(self) -> str:
        """The fitted builder (options, sources, columns and vocabularies) as JSON text."""
        self._require_fitted()
        return json.dumps({
            "options": self.get_options(), "sources": list(self.sources_),
            "n_per_source": self.n_per_source_, "scorers": list(self.scorers_),
            "columns": [{"table": c.table, "column": c.column, "role": c.role,
                         "levels": list(c.levels)} for c in self.columns_],
            "context": [{"column": c.column, "role": c.role, "levels": list(c.levels)}
                        for c in self.context_],
        }, ensure_ascii=True, allow_nan=False)

    @classmethod
    def from_json(cls, text: str) -> FeatureBuilder:
        """The builder :meth:`to_json` wrote; a malformed text is a RecstackError naming the
        field (a value of another JSON type is refused, never coerced: ``"sources":
        "ab"`` read letter by letter made the sources ``a`` and ``b``, and an
        ``n_per_source`` of 2.7 or -3 was taken as 2 and -3)."""
        try:
            raw = strict_json.loads(text)
            if not isinstance(raw, dict):
                raise _Malformed(f"expected a JSON object, got {_json_type(raw)}")
            missing = sorted({"options", "sources", "n_per_source", "scorers", "columns"}
                             - set(raw))
            if missing:
                raise _Malformed(f"missing field(s) {missing}")
            unknown = sorted(set(raw) - _SAVED_FIELDS)
            if unknown:
                # a field to_json never writes (a misspelt "context" was ignored, and the
                # builder loaded without its context features, silently)
                raise _Malformed(f"unknown field(s) {unknown}"
                                 f"{did_you_mean(unknown[0], sorted(_SAVED_FIELDS))}; the "
                                 f"fields are {sorted(_SAVED_FIELDS)}")
            if not isinstance(raw["options"], dict):
                raise _Malformed(f"'options' must be an object, got "
                                 f"{_json_type(raw['options'])}")
            builder = cls.from_options(raw["options"], "features: the saved feature builder")
            builder._validate()
            builder.sources_ = _saved_names(raw["sources"], "sources")
            builder.n_per_source_ = _saved_count(raw["n_per_source"])
            builder.scorers_ = _saved_names(raw["scorers"], "scorers")
            builder.columns_ = _saved_columns(raw["columns"], "columns",
                                              ("numeric", "categorical", "multi"))
            # absent in builders saved before it
            builder.context_ = _saved_columns(raw.get("context", []), "context",
                                              ("numeric", "categorical"))
            builder.schema_ = builder._schema()
        except _Malformed as error:
            raise RecstackError(f"features: the saved feature builder is malformed: "
                                f"{error}") from None
        except RecstackError:
            raise
        except (ValueError, KeyError, TypeError, AttributeError, RecursionError) as error:
            # RecursionError: JSON nested thousands deep exhausts Python's reader
            raise RecstackError(f"features: the saved feature builder is malformed "
                                f"({type(error).__name__}: {error})") from None
        return builder


#: the fields :meth:`FeatureBuilder.to_json` writes ("context" absent in older builders)
_SAVED_FIELDS = frozenset({"options", "sources", "n_per_source", "scorers", "columns",
                           "context"})


class _Malformed(Exception):
    """A field of a saved feature builder that is not what :meth:`FeatureBuilder.to_json`
    writes (turned into a RecstackError by :meth:`FeatureBuilder.from_json`)."""


def _json_type(value: Any) -> str:
    """The JSON name of a parsed value's type, for messages."""
    for kind, name in ((bool, "true/false"), (str, "a string"), (int, "an integer"),
                       (float, "a number"), (list, "a list"), (dict, "an object")):
        if isinstance(value, kind):
            return f"{name} ({json.dumps(value)[:60]})"
    return "null"


def _saved_names(value: Any, field: str) -> tuple[str, ...]:
    """A saved list of distinct non-empty names (one string is refused, not split)."""
    if not isinstance(value, list) or not all(
            isinstance(v, str) and v for v in value):
        raise _Malformed(f"'{field}' must be a list of non-empty names, got "
                         f"{_json_type(value)}")
    if len(set(value)) != len(value):
        raise _Malformed(f"'{field}' names {sorted({v for v in value if value.count(v) > 1})} "
                         "more than once")
    return tuple(value)


def _saved_count(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise _Malformed(f"'n_per_source' must be a positive integer, got {_json_type(value)}")
    problem = too_many_per_source("'n_per_source'", value)
    if problem is not None:
        raise _Malformed(problem)
    return value


def _saved_columns(value: Any, field: str, roles: tuple[str, ...]) -> tuple[TableColumn, ...]:
    """Saved table (or context) columns: a list of objects with a table, a column name, a
    role among ``roles`` and a list of text levels."""
    if not isinstance(value, list):
        raise _Malformed(f"'{field}' must be a list of columns, got {_json_type(value)}")
    columns = []
    for position, entry in enumerate(value):
        where = f"'{field}'[{position}]"
        keys = {"column", "role", "levels"} | ({"table"} if field == "columns" else set())
        if not isinstance(entry, dict) or set(entry) != keys:
            raise _Malformed(f"{where} must be an object with exactly {sorted(keys)}, got "
                             f"{_json_type(entry)}")
        table = entry.get("table", "context")
        if field == "columns" and table not in ("item", "user"):
            raise _Malformed(f"{where}: table must be 'item' or 'user', got "
                             f"{_json_type(table)}{did_you_mean(table, ('item', 'user'))}")
        if not isinstance(entry["column"], str):
            raise _Malformed(f"{where}: column must be a column's name (a string), got "
                             f"{_json_type(entry['column'])}")
        if entry["role"] not in roles:
            raise _Malformed(f"{where}: role must be one of {list(roles)}, got "
                             f"{_json_type(entry['role'])}"
                             f"{did_you_mean(entry['role'], list(roles))}")
        levels = entry["levels"]
        if not isinstance(levels, list) or not all(isinstance(v, str) for v in levels):
            raise _Malformed(f"{where}: levels must be a list of strings, got "
                             f"{_json_type(levels)}")
        if len(set(levels)) != len(levels):
            # the codes are the levels' positions: with one listed twice, loading passed and
            # every build failed inside pandas ("Reindexing only valid with uniquely valued
            # Index objects"), naming neither the file nor the column
            twice = sorted({v for v in levels if levels.count(v) > 1})
            raise _Malformed(f"{where}: levels lists {twice[0]!r} more than once; each level "
                             "is listed once, as fit writes them")
        columns.append(TableColumn(table, entry["column"], entry["role"], tuple(levels)))
    return tuple(columns)


# --------------------------------------------------------------------------- context
def label_context(users: np.ndarray, items: np.ndarray, labels: np.ndarray,
                  window: Interactions, *, seed: int = 0) -> pd.DataFrame:
    """The context of training examples, one row per ``(users[r], items[r])``: the label
    row's own (module docstring).

    A positive (``labels > 0``) takes the context and time of its user's earliest
    interaction with the item in ``window``; any other row those of one of its user's
    ``window`` interactions, drawn uniformly (seeded). Nothing outside ``window`` (the
    history before it, rows after it) is ever read.

    Returns
    -------
    DataFrame
        The window's context columns (none when it has no context) and ``timestamp``
        (when it has timestamps).

    Raises
    ------
    RecstackError
        A row whose user has no interaction in ``window``.
    """
    where = "label_context"
    # the one seed rule: numpy's own refusal ("expected non-negative integer") was the
    # message of a negative seed, and a seed of 1.5 a TypeError from SeedSequence
    seed = check_count(where, "seed", seed, low=0, high=SEED_MAX, error=ConfigError)
    if not isinstance(window, Interactions):
        raise RecstackError(f"{where}: window must be the label window's Interactions, got "
                            f"{type(window).__name__}")
    # pandas rows in two orders were paired by position: an example took another's label
    # the feature builder's refusal of an argument (ConfigError, a ValueError as before),
    # not the shared checks' default, the bandits' BanditInputError
    check_aligned(("users", users), ("items", items), ("labels", labels),
                  error=ConfigError, where=f"{where}: ")
    # indices as everywhere: floats were cut (1.5 read as 1) and an item past the catalog
    # met another user's key (users * n_items + items), taking that user's context
    users = as_index_array(where, "users", users, ndim=1, size=window.n_users, what="user",
                           error=ConfigError)
    items = as_index_array(where, "items", items, ndim=1, size=window.n_items, what="item",
                           error=ConfigError)
    # labels as the rankers' pointwise losses read them (> 0: positive); a -1/+1 labelling
    # read each -1 as a negative, silently, and took a random context for it
    positive = positive_labels(where, labels, error=ConfigError)
    check_same_length(where, per="labelled example (one user, item and label)",
                      error=ConfigError, users=users, items=items, labels=positive)
    n_items = window.n_items
    wu = window.user_index.astype(np.int64)
    times = (window.timestamp if window.timestamp is not None
             else np.zeros(len(window), np.int64))
    # the window's rows by user, then item, then time: a user's rows are contiguous and
    # a pair's earliest row comes first
    order = np.lexsort((np.arange(len(window)), times, window.item_index, wu))
    keys = wu[order] * n_items + window.item_index[order]
    row_keys = users * n_items + items
    at = np.minimum(np.searchsorted(keys, row_keys), max(len(keys) - 1, 0))
    own = positive & (len(keys) > 0) & (keys[at] == row_keys)
    sorted_users = wu[order]
    first = np.searchsorted(sorted_users, users, side="left")
    count = np.searchsorted(sorted_users, users, side="right") - first
    if (count == 0).any():
        # the row and the user's id too: the index alone left the user to be looked up
        row = int(np.flatnonzero(count == 0)[0])
        missing = int(users[row])
        external = window.users.to_external([missing]).tolist()[0]
        raise RecstackError(f"{where}: user index {missing} (user {external!r}, row {row} of "
                            "users) has no interaction in the label window, so its examples "
                            "have no context to take; give examples of the window's users "
                            "only")
    drawn = first + np.floor(np.random.default_rng(seed).random(len(users)) * count
                             ).astype(np.int64)
    source = order[np.where(own, at, drawn)]
    frame = (pd.DataFrame(index=pd.RangeIndex(len(users))) if window.context is None
             else window.context.iloc[source].reset_index(drop=True))
    if window.timestamp is not None:
        frame[CONTEXT_TIME] = window.timestamp[source]
    return frame


#: the largest magnitude a numeric feature holds (the frames keep float32)
_FLOAT32_LARGEST = float(np.finfo(np.float32).max)


def _context_numbers(values: pd.Series) -> np.ndarray:
    """``values`` (objects; missing: None or NaN) as float64: NaN where a value is not a
    number (or missing), +-inf where it is one past float64's range (an integer of 400
    digits, text of one, ``Decimal("1e400")``), a complex number as its magnitude (refused
    as complex later). ``pd.to_numeric`` raised OverflowError ("int too large to convert
    to float") for such an integer; the values it cannot read are read one by one."""
    try:
        coerced = np.asarray(pd.to_numeric(values, errors="coerce"))
    except (TypeError, ValueError, OverflowError):  # an object pandas cannot read at all
        coerced = np.full(len(values), np.nan)
    if coerced.dtype.kind == "c":
        coerced = np.abs(coerced)
    out = np.array(coerced, dtype=np.float64)
    objects = values.to_numpy(dtype=object)
    for row in np.flatnonzero(np.isnan(out) & values.notna().to_numpy()):
        value = objects[row]
        if value is None or isinstance(value, bool | np.bool_ | bytes):
            continue
        try:
            if isinstance(value, numbers.Real):  # an exact number pandas does not read
                out[row] = float(value)
            else:
                out[row] = float(pd.to_numeric(pd.Series([value], dtype=object),
                                               errors="coerce").iloc[0])
        except OverflowError:  # an integer (or a number naming one) past float64's range
            out[row] = -math.inf if isinstance(value, numbers.Real) and value < 0 \
                else math.inf
        except (TypeError, ValueError, ArithmeticError):
            continue
    return out


def _huge_shown(value: Any) -> str:
    """A number past the features' range as a message names it: a long integer by its
    digit count (``a 401-digit integer``), anything else as written, cut if long."""
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return shown_number(value)
    return echoed(shown(value))


def request_context(context: Any, n_requests: int) -> pd.DataFrame:
    """A serving call's ``context`` as one row per request: a mapping of column -> value,
    the same for every request; or a DataFrame or pyarrow Table (or a mapping of column ->
    sequence) with one row per request, in the order of the users asked for."""
    n_requests = exact_as_int(n_requests)  # a whole Decimal or Fraction: its int
    if isinstance(n_requests, bool) or not isinstance(n_requests, int | np.integer) \
            or n_requests < 0:
        raise ConfigError(f"context: n_requests must be a whole number >= 0, got "
                          f"{n_requests!r}")
    # a pyarrow Table (a notebook's parquet read) was refused as "got Table", where the
    # same columns as a DataFrame serve
    context = arrow_table_as_pandas(context)
    if isinstance(context, pd.DataFrame):
        frame = context.reset_index(drop=True)
    elif isinstance(context, dict):
        lengths = {str(k): len(v) for k, v in context.items()
                   if isinstance(v, list | tuple | np.ndarray | pd.Series)}
        if len(set(lengths.values())) > 1:
            raise RecstackError("context: its columns have different lengths ("
                                + ", ".join(f"{k!r}: {n}" for k, n in lengths.items())
                                + f"); give one value per user asked for ({n_requests}), or "
                                "a single value for all")
        if lengths:
            frame = pd.DataFrame({k: list(v) if isinstance(v, list | tuple | np.ndarray
                                                           | pd.Series) else [v] * n_requests
                                  for k, v in context.items()})
        else:
            frame = pd.DataFrame({k: [v] * n_requests for k, v in context.items()},
                                 index=pd.RangeIndex(n_requests))
    else:
        raise RecstackError(f"context must be a dict (column -> value) or a DataFrame with one "
                            f"row per user asked for, got {type(context).__name__}")
    if len(frame) != n_requests:
        raise RecstackError(f"context has {counted(len(frame), 'row')} for "
                            f"{counted(n_requests, 'user')} asked for; "
                            "give one row per user, or a dict of single values for all")
    repeated = frame.columns[frame.columns.duplicated()]
    if len(repeated):
        # frame[name] would be a table, not a column: which one counts is ambiguous
        raise RecstackError(f"context: column {str(repeated[0])!r} appears more than once; "
                            "give each context column once")
    return frame


def _time_codes(times: Any, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Hour-of-day and weekday codes (``1 + hour``, ``1 + day`` with Monday 0; 0 where the
    time is missing) of Unix seconds, in UTC."""
    if times is None:
        return np.zeros(n, np.int32), np.zeros(n, np.int32)
    seconds = _unix_seconds(pd.Series(times).reset_index(drop=True))
    known = np.isfinite(seconds)
    whole = np.where(known, np.floor(seconds), 0).astype(np.int64)
    hour = (whole // 3600) % _HOURS
    weekday = (whole // 86_400 + _EPOCH_WEEKDAY) % _WEEKDAYS
    return (np.where(known, hour + 1, 0).astype(np.int32),
            np.where(known, weekday + 1, 0).astype(np.int32))


def check_cutoff(cutoff: Any, where: str) -> int:
    """A cutoff time as an int: a whole number of Unix seconds that fits int64 (not
    true/false or NaN), or a time in another form every time argument takes
    (:func:`recstack.data.dates.to_unix_seconds`: ISO-8601 text, a date, a datetime, a
    pandas Timestamp, a numpy.datetime64), as ``temporal_split``'s cutoff is."""
    if isinstance(cutoff, str | dt.date | np.datetime64) or is_nat(cutoff):
        # "2020-01-01" and pd.Timestamp("2020-01-01") were refused as "must be a whole
        # number of Unix seconds" where the split that made the data took them
        return int(to_unix_seconds(cutoff, f"{where}: cutoff"))  # type: ignore[arg-type]
    number = isinstance(cutoff, int | np.integer | float | np.floating) \
        and not isinstance(cutoff, bool | np.bool_)
    if not number or not np.isfinite(float(cutoff)) or cutoff != int(cutoff) \
            or not -2**63 <= int(cutoff) < 2**63:
        raise ConfigError(f"{where}: cutoff must be a whole number of Unix seconds, got "
                          f"{cutoff!r}; a time given as ISO-8601 text, a date, datetime, "
                          "pandas Timestamp or numpy.datetime64 is read too")
    return int(cutoff)


def _require(value: Any, kind: type, name: str, what: str) -> None:
    """Refuse an argument of another type than the documented one, by name."""
    if not isinstance(value, kind):
        raise RecstackError(f"features: {name} must be {what}, got {type(value).__name__}")


def _names(values: Any, name: str) -> tuple[str, ...]:
    """Source or scorer names: a list of distinct non-empty strings (a single string would
    otherwise be read letter by letter)."""
    if isinstance(values, str | bytes) or not isinstance(values, Sequence) or not all(
            isinstance(v, str) and v for v in values):
        raise ConfigError(f"features: {name} must be a list of non-empty names, got "
                          f"{values!r}")
    # a name given twice was refused as "feature schema names rank_a, score_a more than
    # once", which named neither this argument nor the name
    repeated = sorted({v for v in values if list(values).count(v) > 1})
    if repeated:
        raise ConfigError(f"features: {name} lists {', '.join(map(repr, repeated))} more "
                          f"than once ({list(values)!r}); give each name once")
    return tuple(values)


def _unix_seconds(values: pd.Series, rows: str = "row") -> np.ndarray:
    """Times as Unix seconds (float64, NaN where missing): numbers as they are, datetimes
    (naive ones read as UTC) converted; anything else (text, true/false) is refused with
    its row, where coercing it to "missing" would silently drop the time features."""
    _refuse_other_kinds_of_time(values, rows)
    if pd.api.types.is_bool_dtype(values):
        values = values.astype(object)
    elif pd.api.types.is_numeric_dtype(values):  # the training examples' own timestamps
        seconds = values.to_numpy(np.float64, na_value=np.nan)
        _refuse_out_of_range_times(seconds, values, rows)
        return seconds
    elif pd.api.types.is_datetime64_any_dtype(values):
        stamps = values.dt.tz_localize("UTC") if values.dt.tz is None else values
        return (stamps - pd.Timestamp(0, tz="UTC")).dt.total_seconds().to_numpy(
            np.float64, na_value=np.nan)
    # mixed values (a serving request's context): checked one by one
    is_time = values.map(lambda v: isinstance(v, dt.datetime | np.datetime64)).to_numpy(bool)
    if is_time.any():
        stamps = pd.to_datetime(values[is_time], utc=True)
        values = values.copy()
        values[is_time] = (stamps - pd.Timestamp(0, tz="UTC")).dt.total_seconds()
    # text, bytes and dates by the rule of every time argument (to_unix_seconds): ISO-8601
    # text ("2020" is 2020-01-01, as pd.Timestamp("2020") is), a date its midnight; text
    # was read as a number of seconds ("2020": 1970-01-01 00:33:40) and ISO text refused
    is_text = values.map(lambda v: isinstance(v, str | bytes | dt.date)
                         and not isinstance(v, dt.datetime)).to_numpy(bool)
    if is_text.any():
        values = values.astype(object)
        for index in np.flatnonzero(is_text):
            values.iloc[index] = _text_time_seconds(values.iloc[index], int(index), rows)
    is_bool = values.map(lambda v: isinstance(v, bool | np.bool_)).to_numpy(bool)
    seconds = pd.to_numeric(values.mask(is_bool), errors="coerce").to_numpy(np.float64,
                                                                             na_value=np.nan)
    bad = np.isnan(seconds) & values.notna().to_numpy()
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise RecstackError(f"context column {CONTEXT_TIME!r}: {rows} {row} holds "
                            f"{values.iloc[row]!r}; give Unix seconds or a datetime (or "
                            "ISO-8601 text such as 2020-01-31T12:00:00; a missing value is the "
                            "unknown level)")
    _refuse_out_of_range_times(seconds, values, rows)
    return seconds


def _text_time_seconds(value: Any, row: int, rows: str) -> int:
    """The Unix seconds of a time written as text (or bytes of UTF-8 text; surrounding
    whitespace trimmed, as the loaders trim it) or a date, by
    :func:`~recstack.data.dates.to_unix_seconds`' rule, or the refusal naming its row and
    why (a number in quotes, a day its month lacks, text that is no time)."""
    text = value.decode("utf-8", "replace") if isinstance(value, bytes) else value
    detail = ""
    if not (isinstance(value, bytes) and "\ufffd" in text):
        trimmed = text.strip() if isinstance(text, str) else text
        try:
            return int(to_unix_seconds(trimmed, "time"))  # type: ignore[arg-type]
        except ConfigError:
            pass
        if isinstance(trimmed, str) and (impossible := impossible_date(trimmed)):
            detail = f", which is not a real date: {impossible}"
        elif isinstance(trimmed, str) and (quoted := quoted_number(trimmed)):
            number = quoted.rpartition(" ")[2]
            detail = (f", a number written as text, which is no ISO-8601 time (Unix seconds "
                      f"are a number: {number}, without quotes)")
    else:
        detail = ", bytes that are not UTF-8 text"
    raise RecstackError(f"context column {CONTEXT_TIME!r}: {rows} {row} holds "
                        f"{echoed(shown(value))}{detail}; give Unix seconds or a datetime "
                        f"(or ISO-8601 text such as 2020-01-31T12:00:00; a missing value is "
                        "the unknown level)")


def _refuse_other_kinds_of_time(values: pd.Series, rows: str = "row") -> None:
    """Refuse durations, periods and complex numbers as event times, naming the first row
    that holds one: numbers as they were, a duration became its nanoseconds, a period its
    count of periods since 1970 and a complex number its real part, each read as seconds,
    so the hour and weekday features were those of another time, silently."""
    dtype = values.dtype
    if not (pd.api.types.is_object_dtype(dtype) or pd.api.types.is_timedelta64_dtype(dtype)
            or pd.api.types.is_complex_dtype(dtype) or isinstance(dtype, pd.PeriodDtype)):
        return
    kinds = ((dt.timedelta | np.timedelta64, "a duration, not a time (add it to the start "
              "time it counts from)"),
             (pd.Period, "a period, not a time (its start is period.to_timestamp())"),
             (complex | np.complexfloating, "a complex number"))
    for row, value in enumerate(values.to_numpy(dtype=object)):
        for kind, what in kinds:
            if isinstance(value, kind) and not pd.isna(value):
                raise RecstackError(f"context column {CONTEXT_TIME!r}: {rows} {row} holds "
                                    f"{value!r}, {what}; give Unix seconds or a datetime (a "
                                    "missing value is the unknown level)")


def _refuse_out_of_range_times(seconds: np.ndarray, values: pd.Series,
                               rows: str = "row") -> None:
    """Refuse infinite times and times outside the years 1 to 9999, as the loaders do:
    their hour and weekday would silently be the unknown level, garbage from an int64
    overflow, or (a time in milliseconds, 1.7e12) the hour of a year 50,000 years ahead."""
    with np.errstate(invalid="ignore"):
        bad = np.isinf(seconds) | (seconds < FIRST_SECOND) | (seconds > LAST_SECOND)
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        value = values.iloc[row]
        value = value.item() if isinstance(value, np.generic) else value
        thousandth = seconds[row] / 1000
        hint = (" (milliseconds? divide by 1000)"
                if np.isfinite(thousandth) and FIRST_SECOND <= thousandth <= LAST_SECOND
                else "")
        raise RecstackError(f"context column {CONTEXT_TIME!r}: {rows} {row} holds {value!r}, "
                            "not a time; give Unix seconds between the years 1 and 9999 "
                            f"({FIRST_SECOND} to {LAST_SECOND}) or a datetime{hint}")


def _context_columns(context: pd.DataFrame | None, wanted: str | Sequence[str],
                     max_levels: int, left_out: list[_LeftOut] | None = None
                     ) -> tuple[TableColumn, ...]:
    """The context columns to use, as :func:`_table_columns` chooses table columns; a
    column holding lists is not a context feature (left out by ``"auto"``)."""
    if context is None:
        if wanted != "auto" and len(wanted):
            raise ConfigError(f"features: context_columns = {list(wanted)}, but the "
                              "interactions have no context (load them with context columns)")
        return ()
    columns = []
    _refuse_repeated_names([str(c) for c in context.columns], "the context")
    for name in _chosen_columns([str(c) for c in context.columns], wanted,
                                "context_columns", "context"):
        series = context[name]
        if pd.api.types.is_bool_dtype(series) or pd.api.types.is_numeric_dtype(series):
            columns.append(TableColumn("context", name, "numeric"))
            continue
        present = series.dropna()
        if _refuse_times(present, series, f"context column {name!r}", "context_columns",
                         wanted):
            continue
        if len(present) and any(_is_list(v) for v in present.iloc[:1000]):
            if wanted != "auto":
                raise ConfigError(f"features: context column {name!r} holds lists; a context "
                                  "feature takes one value per interaction")
            continue
        _refuse_values_of_no_level(present, f"context column {name!r}")
        levels = sorted({_level_key(v) for v in present.unique()})
        id_like = _id_like(levels, present, max_levels)
        what = f"context column {name!r}"
        if wanted == "auto" and (id_like or not levels):
            _note_numbers_left_out(left_out, present, series, what, levels)
            continue
        if left_out is not None:
            _warn_of_numbers_as_text(present, series, what, _CONTEXT_TO_NUMBERS)
        columns.append(TableColumn("context", name, "categorical", tuple(levels)))
    return tuple(columns)


# --------------------------------------------------------------------------- helpers
def _affinity(state: HistoryState, users: np.ndarray, items: np.ndarray, block: slice
              ) -> np.ndarray:
    """Mean, over the item's levels of one multi-valued column, of the user's share of
    history in that level; 0 for an item without levels, NaN for a user without history."""
    item_levels = state.item_levels[:, block]
    user_levels = state.user_levels[:, block]
    per_item = np.asarray(item_levels.sum(axis=1)).ravel()
    overlap = np.asarray(item_levels[items].multiply(user_levels[users]).sum(axis=1)).ravel()
    value = overlap / np.maximum(per_item[items], 1.0)
    return np.where(state.user_count[users] > 0, value, np.nan)


def _refuse_repeated_names(names: list[str], holder: str) -> None:
    """Refuse two columns of one name: reading it would give a table of both."""
    repeated = pd.Index(names)[pd.Index(names).duplicated()]
    if len(repeated):
        raise RecstackError(f"features: {holder} has more than one column named "
                            f"{repeated[0]!r}; rename or drop the copies")


def _chosen_columns(names: list[str], wanted: str | Sequence[str], setting: str,
                    holder: str) -> list[str]:
    """Every column for ``"auto"``, else the ``wanted`` ones, each of which must exist."""
    if wanted == "auto":
        return names
    unknown = [c for c in wanted if c not in names]
    if unknown:
        raise ConfigError(f"features: {setting} names {unknown}, which the {holder} does not "
                          f"have{did_you_mean(unknown[0], [str(n) for n in names])}; its "
                          f"columns: {names}")
    return list(wanted)


#: what pandas infers for a column of times: the words for it in messages, and a number
#: made from it that could be a feature instead
_TIME_KINDS = {
    "datetime64": ("datetimes", "its year, or its age in days"),
    "datetime": ("datetimes", "its year, or its age in days"),
    "date": ("dates", "its year, or its age in days"),
    "period": ("periods", "its year, or its age in days"),
    "timedelta64": ("durations", "its length in days, .dt.total_seconds() / 86400"),
    "timedelta": ("durations", "its length in days, .dt.total_seconds() / 86400"),
    "time": ("times of day", "its hour"),
}


def _refuse_times(present: pd.Series, series: pd.Series, what: str, setting: str,
                  wanted: str | Sequence[str]) -> bool:
    """Whether a column (its non-missing values ``present``) holds times (datetimes, dates,
    durations, periods, times of day, also as Python objects): left out by ``"auto"``
    (True), refused, naming the column, when listed. Read as categorical levels, each
    moment was a level of its own, so every later item's (or request's) time was the
    unknown level, silently; and a time is no number of the frame before a unit and an
    origin are chosen, which is the user's to do."""
    if pd.api.types.is_datetime64_any_dtype(series):
        kind = "datetime64"
    elif pd.api.types.is_timedelta64_dtype(series):
        kind = "timedelta64"
    elif isinstance(series.dtype, pd.PeriodDtype):
        kind = "period"
    elif len(present):
        kind = pd.api.types.infer_dtype(present, skipna=True)
    else:
        return False
    if kind not in _TIME_KINDS:
        return False
    if wanted == "auto":
        return True
    words, instead = _TIME_KINDS[kind]
    example = f" (such as {echoed(str(present.iloc[0]))})" if len(present) else ""
    raise ConfigError(
        f"features: {what} holds {words}{example}; a time is no feature as it is: as "
        "categories each value would be a level of its own, unknown for every later one. "
        f"Give a number made from it as a column of its own ({instead}), or leave the "
        f"column out of {setting}")


def _id_like(levels: Sequence[str], present: pd.Series, max_levels: int) -> bool:
    """Whether a text column names its rows rather than grouping them: more distinct values
    than ``max_levels``, or than half of the rows that hold a value. Counted against every
    row, a table missing half of its items' rows (their values NaN) took its titles, one
    per item, as a categorical feature of a level per item, where the whole table left
    them out."""
    return len(levels) > max_levels or (len(levels) > 1
                                         and len(levels) > 0.5 * len(present))


def _is_list(value: Any) -> bool:
    return isinstance(value, list | tuple | np.ndarray)


#: what pandas infers for a column whose every present value is one number, text or flag
_SCALAR_KINDS = frozenset({"string", "bytes", "integer", "floating", "mixed-integer-float",
                           "decimal", "boolean", "empty", "complex"})


def _refuse_values_of_no_level(present: pd.Series, what: str, ids: pd.Series | None = None,
                               table_name: str = "") -> None:
    """Refuse a column (``what``: "item table column 'tags'") holding a value that is no
    number, text or list of them: a dict or a set, or a list, dict or set inside a list
    of labels (a table's list is its labels; a context column's lists were refused
    before). A dict or set was a TypeError ("unhashable type: 'set'") from inside pandas,
    and a label that is itself a list became a level named by its repr (``"['a']"``).
    The row is named by its id in ``ids`` (the table's first column) when given."""
    if pd.api.types.infer_dtype(present, skipna=True) in _SCALAR_KINDS:
        return  # no Python loop over a column of plain values
    # A categorical or mixed column (ints beside texts) is judged by its distinct values:
    # looping over its rows took 1.5 s on 2M rows. Only an unhashable value (a list, a
    # dict) or a wrong distinct value sends us to the row loop, which names the row.
    try:
        distinct = (present.cat.remove_unused_categories().cat.categories
                    if isinstance(present.dtype, pd.CategoricalDtype) else present.unique())
    except TypeError:
        distinct = None
    if distinct is not None and all(_label_of_no_level(value) is None for value in distinct):
        return
    for position, value in enumerate(present.to_numpy(dtype=object)):
        wrong = _label_of_no_level(value)
        if wrong is None:
            continue
        row = present.index[position]
        key = ids.loc[row] if ids is not None and table_name else None
        key = key.item() if isinstance(key, np.generic) else key
        where = f"{table_name} {key!r}" if key is not None else f"row {row}"
        inside = "" if wrong is value else f" inside the list {echoed(repr(value))}"
        raise DataFormatError(
            f"features: {what} holds {echoed(repr(wrong))} ({type(wrong).__name__}{inside}, "
            f"{where}); a feature's value is a number, a text, or a list of labels (texts "
            "or numbers): make each such value a list of its labels (sorted(labels) for a "
            "set), or leave the column out")


def _label_of_no_level(value: Any) -> Any:
    """The first label of ``value`` (one label, or a list of them) that can be no level: a
    dict or a set, or a list inside a list; None when there is none."""
    labels = value if _is_list(value) else (value,)
    return next((label for label in labels
                 if isinstance(label, dict | set | frozenset)
                 or (label is not value and _is_list(label))), None)


def _table_columns(table_name: Literal["item", "user"], table: pd.DataFrame | None,
                   wanted: str | Sequence[str], max_levels: int,
                   separator: str | None = None, left_out: list[_LeftOut] | None = None
                   ) -> tuple[TableColumn, ...]:
    if table is None:
        if wanted != "auto" and len(wanted):
            raise ConfigError(f"features: {table_name}_columns = {list(wanted)}, but the data "
                              f"have no {table_name} table")
        return ()
    columns = []
    names = [str(c) for c in table.columns[1:]]  # the first column is the id
    _refuse_repeated_names(names, f"the {table_name} table")
    for name in _chosen_columns(names, wanted, f"{table_name}_columns", f"{table_name} table"):
        series = table[name]
        if pd.api.types.is_bool_dtype(series) or pd.api.types.is_numeric_dtype(series):
            columns.append(TableColumn(table_name, name, "numeric"))
            continue
        present = series.dropna()
        if _refuse_times(present, series, f"{table_name} table column {name!r}",
                         f"{table_name}_columns", wanted):
            continue
        _refuse_values_of_no_level(present, f"{table_name} table column {name!r}",
                                   table.iloc[:, 0], table_name)
        # a column of lists where some rows hold their one label as text ("Drama" beside
        # ["Action", "Comedy"]) is read as label_pairs reads it, each text split at the
        # separator: it was a TypeError ("unhashable type: 'list'") from inside pandas
        if len(present) and any(_is_list(v) for v in present):
            columns.append(_multi_column(table_name, name, present, separator))
            continue
        levels = sorted({_level_key(v) for v in present})
        id_like = _id_like(levels, present, max_levels)
        what = f"{table_name} table column {name!r}"
        if wanted == "auto" and (id_like or not levels):
            grouping = _labels_grouping_rows(table_name, name, present, separator,
                                             max_levels) if id_like else None
            if grouping is not None:
                columns.append(grouping)
                continue
            # titles, zip codes: they name rows, even when one holds the separator
            _note_numbers_left_out(left_out, present, series, what, levels)
            continue
        if len(present) and _joins_labels(present, separator):
            columns.append(_multi_column(table_name, name, present, separator))
            continue
        if left_out is not None:
            _warn_of_numbers_as_text(
                present, series, what,
                f"{table_name}_table[{name!r}] = pd.to_numeric({table_name}_table[{name!r}])")
        columns.append(TableColumn(table_name, name, "categorical", tuple(levels)))
    return tuple(columns)


#: how a context column becomes numeric: it is read from the frame the log was loaded from
_CONTEXT_TO_NUMBERS = ("frame[column] = pd.to_numeric(frame[column]) in the frame the "
                       "interactions are loaded from")


def _warn_of_numbers_as_text(present: pd.Series, series: pd.Series, what: str,
                             to_numbers: str) -> None:
    """Warn when a column (``what``: "user table column 'age'", "context column 'slot'")
    about to be categorical holds only numbers that pandas keeps as objects
    (:func:`_numbers_kept_as_objects`): written as text (``"1.5"``, ``"2"``: a CSV read
    with ``dtype=str``), or Python numbers such as ``Decimal`` prices from a database.
    Each distinct value became a level of its own, a price or an age never seen at fit
    the unknown level, without a word. ``to_numbers`` is the code that makes it numeric.
    Texts with a leading zero (``"02139"``) are codes, and a ``pd.Categorical`` says the
    user chose categories: neither is warned of."""
    kept = _numbers_kept_as_objects(present, series)
    if kept is None:
        return
    example = kept.example
    warnings.warn(
        f"features: the {what} holds {kept.words} (such as {echoed(repr(example))}), so it "
        "becomes a categorical feature: each distinct value a level of its own, and a "
        "value not seen at fit the unknown level (code 0). If they are quantities, make "
        f"the column numeric before fitting ({to_numbers}{_fraction_hint(kept)}); if they "
        "are codes, make it a pd.Categorical (.astype('category')) to say so",
        UserWarning, stacklevel=caller_stacklevel())


@dataclass(frozen=True)
class _KeptNumbers:
    """How a column of numbers is held as objects: ``words`` for a message ("numbers
    written as text", "numbers held as Python objects (Decimal)"), the first such value,
    whether one is a ``Fraction`` (which pd.to_numeric cannot read), and the types of
    the numbers when they are no text."""

    words: str
    example: Any
    fractions: bool
    kinds: str  # the types of the numbers ("Decimal"), "" for text


def _numbers_kept_as_objects(present: pd.Series, series: pd.Series) -> _KeptNumbers | None:
    """How the present values of a column that is not a ``pd.Categorical`` hold numbers
    when every one of them is a number that pandas keeps as an object: text of a number
    (:func:`_written_number`), or a finite Python or numpy number (``Decimal``,
    ``Fraction``, ``np.float32``, an integer beside ``pd.NA``), true/false not counted.
    None otherwise. Such a column is no numeric dtype, so it was read as text: a column
    of distinct ``Decimal`` prices was left out by ``"auto"`` as identifiers, and listed,
    became a level per price, both without a word."""
    if not len(present) or isinstance(series.dtype, pd.CategoricalDtype):
        return None
    # each distinct value once: a context column has a row per interaction, and a call per
    # row cost 0.8 s a column at 2M rows (its distinct values are few)
    distinct = pd.unique(present.to_numpy(dtype=object))
    # numbers among texts (a year column of 1999 and "2001", as a spreadsheet's cells can
    # be) still make a column of quantities
    if not all(_written_number(value) if isinstance(value, str) else _object_number(value)
               for value in distinct):
        return None
    texts = [value for value in distinct if isinstance(value, str)]
    has_fractions = any(isinstance(value, Fraction) for value in distinct)
    if texts:
        return _KeptNumbers("numbers written as text", texts[0], has_fractions, "")
    kinds = ", ".join(sorted({type(value).__name__ for value in distinct}))
    return _KeptNumbers(f"numbers held as Python objects ({kinds}), not a numeric dtype",
                        distinct[0], has_fractions, kinds)


def _object_number(value: Any) -> bool:
    """Whether ``value`` is a finite real number, a ``Decimal`` too, true/false not
    counted."""
    if isinstance(value, Decimal):
        return value.is_finite()
    return _plain_number(value)


def _fraction_hint(kept: _KeptNumbers) -> str:
    return ("; a column holding Fractions: .astype(float), since pd.to_numeric does not "
            "read them" if kept.fractions else "")


def _plain_number(value: Any) -> bool:
    """Whether ``value`` is a finite real number, true/false not counted."""
    return (isinstance(value, numbers.Real) and not isinstance(value, bool | np.bool_)
            and math.isfinite(value))


@dataclass(frozen=True)
class _LeftOut:
    """A column of numbers kept as objects that ``"auto"`` left out: what it is (``"user
    table column 'price'"``), how it holds them, and its numbers of distinct values and of
    rows."""

    what: str
    kept: _KeptNumbers
    n_levels: int
    n_rows: int


def _note_numbers_left_out(left_out: list[_LeftOut] | None, present: pd.Series,
                           series: pd.Series, what: str, levels: Sequence[str]) -> None:
    """Note (in ``left_out``, when fitting) a column ``"auto"`` leaves out for its many
    distinct values that holds only numbers kept as objects (text of numbers, ``Decimal``
    prices): a price or an age read with ``dtype=str``, or from a database's NUMERIC
    column, looked like an identifier and vanished from the features silently."""
    if left_out is None:
        return
    kept = _numbers_kept_as_objects(present, series)
    if kept is not None:
        left_out.append(_LeftOut(what, kept, len(levels), len(present)))


def _warn_of_numbers_left_out(left_out: Sequence[_LeftOut], max_levels: int) -> None:
    """One warning naming every column of numbers kept as objects that ``"auto"`` left
    out, with why (its distinct values against ``max_levels`` and half of its rows) and
    what to do: a quantity made numeric is taken as a number, whatever its values."""
    if not left_out:
        return
    reasons = []
    for column in left_out:
        why = (f"more than max_levels = {max_levels:,}" if column.n_levels > max_levels
               else f"more than half of its {column.n_rows:,} rows")
        held = f"numbers ({column.kept.kinds})" if column.kept.kinds else "texts"
        reasons.append(f"the {column.what} (such as {echoed(repr(column.kept.example))}: "
                       f"{column.n_levels:,} distinct {held}, {why})")
    fractions_hint = next((_fraction_hint(c.kept) for c in left_out if c.kept.fractions), "")
    warnings.warn(
        "features: \"auto\" left out " + "; ".join(reasons) + ": columns of numbers "
        "written as text or held as Python objects with that many distinct values are "
        "read as identifiers, not features. If they are quantities, make them numeric "
        f"before fitting (pd.to_numeric{fractions_hint}) and \"auto\" takes them as "
        "numbers; if they identify rows, list the columns to use (item_columns, "
        "user_columns, context_columns) to leave them out without this warning",
        UserWarning, stacklevel=caller_stacklevel())


def _written_number(text: str) -> bool:
    """Whether ``text`` is a finite number as a person writes one (``"1.5"``, ``"-2"``,
    ``"1e3"``), not a code that only parses as one: ``"02139"`` (a leading zero),
    ``"nan"``, ``"inf"``, ``"1_000"`` or text padded with spaces."""
    if not text or text != text.strip() or "_" in text:
        return False
    try:
        number = float(text)
    except ValueError:
        return False
    digits = text.lstrip("+-")
    leading_zero = len(digits) > 1 and digits[0] == "0" and digits[1].isdigit()
    return math.isfinite(number) and not leading_zero


#: what :func:`pandas.api.types.infer_dtype` calls values that are all numbers, or flags
_NUMBER_KINDS = {"integer", "floating", "mixed-integer-float", "decimal", "complex"}


def _type_changed(what: str, was: str, now: str, example: str, levels: str = "") -> str:
    """The words shared by every column whose type changed between fit and use, in either
    direction and for a table or a context column alike: ``"the user table column 'age'
    held numbers at fit and holds text now (such as 'old', user 1)"``; ``levels`` shows
    what a text column held (``" (levels such as 'chef')"``)."""
    return f"{what} held {was} at fit{levels} and holds {now} now (such as {example})"


def _text_become_numbers(values: np.ndarray, column: TableColumn) -> tuple[str, Any] | None:
    """``(what the values are now, the first of them)`` when ``column`` held text at fit
    (every level a name, not a number) and ``values`` (objects; missing: None or NaN) hold
    only numbers, or only true/false flags, none of them a level it knew: each would be
    the unknown level (code 0), silently, where the opposite change (numbers at fit, text
    now) is refused. None otherwise: a column whose levels are numbers stored as
    categories (``pd.Categorical([1, 2])``, text ``"1"``) reads numbers as its levels, and
    values missing everywhere are the unknown level as any missing value is."""
    if column.role == "numeric" or not column.levels:
        return None
    if any(_written_number(level) or _number_text(level) != level
           for level in column.levels):
        return None
    present = values[pd.notna(values)] if values.ndim == 1 else values
    if not len(present):
        return None
    kind = pd.api.types.infer_dtype(present, skipna=True)
    if kind not in _NUMBER_KINDS | {"boolean"}:
        return None
    if (_level_codes(column.levels, present) >= 0).any():
        return None
    return ("true/false flags" if kind == "boolean" else "numbers"), present[0]


def _text_levels_shown(column: TableColumn) -> str:
    return f" (levels such as {echoed(repr(column.levels[0]))})"


def _refuse_text_become_numbers(table: pd.DataFrame | None, n: int,
                                column: TableColumn) -> None:
    """Refuse a table column that held text at fit and holds only numbers (or flags) now,
    none a level it knew (:func:`_text_become_numbers`)."""
    changed = _text_become_numbers(_column(table, column, n), column)
    if changed is None:
        return
    now, example = changed
    said = _type_changed(f"the {column.table} table column {column.column!r}", "text", now,
                         echoed(shown(example)), _text_levels_shown(column))
    raise RecstackError(
        f"features: {said}, none of them a level it knew: every {column.table} would have "
        "the unknown level (code 0). Give the column its text as at fit, or fit the "
        "features again on the new table")


def _column(table: pd.DataFrame | None, column: TableColumn, n: int) -> np.ndarray:
    if table is None or column.column not in table.columns:
        # a table or column that disappeared since fit: every value unknown (code 0, NaN)
        return np.full(n, None, dtype=object)
    return table[column.column].to_numpy(dtype=object)


def _multi_column(table_name: Literal["item", "user"], name: str, present: pd.Series,
                  separator: str | None) -> TableColumn:
    """A multi-valued column with its labels (of lists, or text split at ``separator``)
    as its levels."""
    _, labels = label_pairs(present, "features", column=name, text_only=False,
                            separator=separator or LABEL_SEPARATOR)
    return TableColumn(table_name, name, "multi",
                       tuple(sorted({_level_key(v) for v in labels})))


def _labels_grouping_rows(table_name: Literal["item", "user"], name: str, present: pd.Series,
                          separator: str | None, max_levels: int) -> TableColumn | None:
    """The multi-valued column of a text column joining labels whose joined values are
    many (each combination of genres a value: 5 of 8 items) but whose labels are few, so
    that they group rows: judged on the joined values, a small catalog's genres were left
    out by ``"auto"`` as if they named their items, without a word. None for a column
    whose labels still name rows (titles holding the separator, ``"Heat | Redux"``)."""
    if not len(present) or not _joins_labels(present, separator):
        return None
    column = _multi_column(table_name, name, present, separator)
    return None if _id_like(column.levels, present, max_levels) else column


def _joins_labels(present: pd.Series, separator: str | None) -> bool:
    """Whether a column's present values are text of which some join labels with
    ``separator`` (and none is a list: a mix is read as its lists)."""
    if separator is None or pd.api.types.infer_dtype(present, skipna=True) != "string":
        return False
    return bool(present.astype(object).str.contains(separator, regex=False).any())


def _encode(values: np.ndarray, column: TableColumn,
            labels_of: Any = None) -> np.ndarray:
    """Codes ``1..len(levels)`` of the known levels, 0 for unseen or missing ones (the first
    listed value of a multi-valued column, its labels read by ``labels_of``)."""
    if column.role == "multi":
        rows, labels = labels_of(values)
        first = np.full(len(values), None, dtype=object)
        # pairs come row by row in listed order: each row's first pair is its first label
        distinct, at = np.unique(rows, return_index=True)
        first[distinct] = labels.to_numpy(dtype=object)[at]
        values = first
    present = pd.notna(values)
    codes = _level_codes(column.levels, np.where(present, values, "")) + 1
    return np.where(present, codes, 0)


def _level_key(value: Any) -> str:
    """The text a categorical level is known by: ``str`` of the value (``b"Drama"`` is
    ``"b'Drama'"``: numpy's and pandas' ``astype(str)`` decode bytes, and such a column was
    the unknown level in every row), but a whole number by its digits, whatever its type:
    ``1``, ``1.0``, ``np.float64(1.0)``, ``Decimal("1.0")`` and the text ``"1.0"`` are one
    level ``"1"`` (``-0.0`` is ``"0"``). A level of a number was keyed by its ``str``, so an
    item table read with its ids as floats at serving (a column of 1 at fit, of 1.0 now,
    as a missing value or a Categorical of another dtype makes it) had every numbered
    level unknown, silently. Flags keep their names (``True`` is not the level ``1``)."""
    if isinstance(value, bool | np.bool_):
        return str(value)
    if isinstance(value, numbers.Integral):
        return _digits(int(value))
    if isinstance(value, Fraction | Decimal):
        return _exact_level_key(value)
    if isinstance(value, numbers.Real):
        number: Any = value
        try:
            if not math.isfinite(number):
                return str(value)
            if number == int(number):
                return _digits(int(number))
        except (ValueError, OverflowError, TypeError, ArithmeticError):
            return str(value)
        # a float by its str (np.float32(0.1) is "0.1"), another real number as the float
        return str(value) if isinstance(value, float | np.floating) else repr(float(number))
    text = str(value)
    return _number_text(text) if isinstance(value, str) else text


#: digits of an integer written per step by :func:`_digits`, under every limit Python may
#: set on writing integers as text (at least 640 digits)
_DIGITS_PER_STEP = 600


def _digits(value: int) -> str:
    """``str(value)``, also for an integer of more than 4,300 digits, which Python refuses
    to write as text (its ValueError "Exceeds the limit (4300 digits) for integer string
    conversion" was the message of a categorical level such as ``10**5000``): written
    600 digits at a time, so that such a level is keyed by its digits as any other whole
    number is, and its text (a value given as text of those digits) is the same level."""
    try:
        return str(value)
    except ValueError:
        pass
    magnitude, step, parts = abs(value), 10**_DIGITS_PER_STEP, []
    while magnitude:
        magnitude, part = divmod(magnitude, step)
        parts.append(part)
    head, *rest = reversed(parts)
    return ("-" if value < 0 else "") + str(head) + "".join(
        str(part).zfill(_DIGITS_PER_STEP) for part in rest)


#: the most digits of a whole Decimal keyed by its digits (``Decimal("1e5000")`` as
#: ``10**5000`` is); a longer one (``Decimal("1e999999999")``, whose int would take
#: gigabytes) keeps its own text
_LONGEST_DECIMAL_LEVEL = 100_000


def _exact_level_key(value: Fraction | Decimal) -> str:
    """:func:`_level_key` of an exact number: a whole one by its digits, however many
    (``Fraction(10**5000, 1)`` failed with Python's "Exceeds the limit (4300 digits) for
    integer string conversion", and ``Decimal("1e5000")`` was the level ``"1E+5000"``, not
    the one ``10**5000`` is), any other as the float it names, or, past the float range,
    its exact terms (``n/d`` for a Fraction)."""
    if isinstance(value, Decimal):
        if not value.is_finite():
            return str(value)  # NaN, a signalling NaN, Infinity
        if value == value.to_integral_value():
            if value.adjusted() < _LONGEST_DECIMAL_LEVEL:
                return _digits(int(value))
            return str(value)
    elif value.denominator == 1:
        return _digits(value.numerator)
    try:
        return repr(float(value))
    except OverflowError:  # past the float range
        if isinstance(value, Fraction):
            return f"{_digits(value.numerator)}/{_digits(value.denominator)}"
        return str(value)


def _safe_str(value: Any) -> str:
    """``str(value)``, an integer (or a number naming one) too long for Python to write by
    its digits (:func:`_digits`): a level's text as :func:`_level_codes` first reads it."""
    try:
        return str(value)
    except ValueError:
        return _level_key(value)


def _number_text(text: str) -> str:
    """``text`` as :func:`_level_key` keys it: the text of a whole float as ``str`` writes
    it (``"1.0"``, ``"-3.0"``, ``"1e+20"``; levels saved before the digits rule, and a
    value given as text) becomes its digits; any other text (``"01"``, ``"1.50"``,
    ``"1e5"``) stays as it is, a name rather than a number."""
    if not text or text[-1] not in "0123456789":
        return text
    try:
        number = float(text)
    except ValueError:
        return text
    if math.isfinite(number) and number.is_integer() and repr(number) == text:
        return str(int(number))
    return text


_KEY = np.frompyfunc(_level_key, 1, 1)


def _level_text(values: np.ndarray) -> np.ndarray:
    """The key (:func:`_level_key`) of each value."""
    return np.asarray(_KEY(np.asarray(values, dtype=object)), dtype=object)


def _level_codes(levels: Sequence[str], values: np.ndarray) -> np.ndarray:
    """Positions in ``levels`` of the values, -1 for an unknown one: a value whose ``str``
    is a level takes it (as builders saved before the digits rule of :func:`_level_key`
    read every value they knew), any other is read by its key, as is each saved level
    (a builder saved with ``"1.0"`` now finds ``1`` there too; of two saved levels of one
    key, ``"1"`` and ``"1.0"``, the first takes the values named by neither)."""
    values = np.asarray(values, dtype=object)
    index = pd.Index(list(levels), dtype=object)
    codes = index.get_indexer(pd.Index(_STR(values), dtype=object))
    missed = codes < 0
    if missed.any():
        keys = pd.Index([_number_text(level) for level in levels], dtype=object)
        positions = pd.Series(np.arange(len(keys)), index=keys)[~keys.duplicated()]
        found = positions.reindex(pd.Index(_level_text(values[missed]), dtype=object))
        codes[missed] = found.fillna(-1).to_numpy(np.int64)
    return codes


_STR = np.frompyfunc(_safe_str, 1, 1)


def _numbers(values: np.ndarray, column: TableColumn, ids: np.ndarray | None = None
             ) -> np.ndarray:
    """A numeric column's values as float64 (NaN: missing), refused, naming the column and
    the row's id (``ids``, a table's first column) or row, when one is not a finite number
    within float32's range: the frame holds float32, where it became infinite and was
    refused as a feature of a frame row the user never wrote (or, complex, lost its
    imaginary part)."""
    try:
        numbers = pd.to_numeric(pd.Series(values), errors="raise")
    except (ValueError, TypeError, OverflowError):
        # an exact number pandas does not read (Fraction(1, 2)) or an integer past
        # float64's range (pandas' OverflowError was the message): read one by one, the
        # latter as infinite, and refused below by its value
        series = pd.Series(np.asarray(values, dtype=object), dtype=object)
        read = _context_numbers(series)
        unread = np.isnan(read) & series.notna().to_numpy()
        if unread.any():
            # named like the opposite change (text at fit, numbers now), with the value and
            # its row, where pandas' words ("Unable to parse string ...") named neither type
            row = int(np.flatnonzero(unread)[0])
            value = series.iloc[row]
            now = "text" if isinstance(value, str | bytes) else type(value).__name__
            where = (f"{column.table} {shown(ids[row])}"
                     if ids is not None and len(ids) == len(series) else f"row {row}")
            said = _type_changed(f"the {column.table} table column {column.column!r}",
                                 "numbers", now, f"{echoed(shown(value))}, {where}")
            raise RecstackError(
                f"features: {said}; give the column its numbers as at fit (pd.to_numeric), "
                "or fit the features again on the new table") from None
        numbers = pd.Series(read)
    what = ("context column" if column.table == "context"
            else f"{column.table} table column")
    if numbers.dtype.kind == "c":
        raise RecstackError(f"features: {what} {column.column!r} holds "
                            "complex numbers; a feature is a real number (give the real "
                            "part, or the magnitude, as its own column)")
    array = numbers.to_numpy(np.float64, na_value=np.nan)
    with np.errstate(invalid="ignore"):
        bad = np.isinf(array) | (np.abs(array) > np.finfo(np.float32).max)
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        where = (f"{column.table} {ids[row]!r}" if ids is not None and len(ids) == len(array)
                 else f"row {row}")
        raise RecstackError(
            f"features: {what} {column.column!r} holds "
            f"{_huge_shown(np.asarray(values, dtype=object)[row])} ({where}); "
            "numeric features must be finite and within float32's range (at most "
            f"{float(np.finfo(np.float32).max):.3g} in size): scale the column (e.g. a "
            "logarithm), or leave the value empty (missing)")
    # the frame holds float32: an id or a count past 2**24 became another whole number
    # (16777217 a feature of 16777216), silently; integers read exactly, not as float64
    raw = numbers.to_numpy() if numbers.dtype.kind in "iu" else array
    given = np.asarray(values, dtype=object)
    to_float32_values(
        raw, column.column,
        lambda row: (f"{column.table} {ids[row]!r}" if ids is not None
                     and len(ids) == len(raw) else f"row {row}")
        + f" holds {shown(given[row])}",
        lambda: f"features: {what.rsplit(' ', 1)[0]}",
        exact=given if raw.dtype.kind == "f" else None, kept_in=FEATURES_KEPT_IN)
    return array

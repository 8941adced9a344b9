"""`Interactions`: the one object that carries interaction data through recstack."""

from __future__ import annotations

import inspect
import numbers
import os
import re
import sys
import unicodedata
import warnings
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from decimal import Decimal
from fractions import Fraction
from functools import cached_property
from typing import Any, Literal

import numpy as np
import pandas as pd
import scipy.sparse as sp

from recstack.data.dates import (
    held_scalar,
    refuse_a_range_within_one_second,
    to_unix_seconds,
)
from recstack.data.idmap import (
    IdMap,
    arrow_text_ids,
    id_values,
    mixed_id_kinds_error,
    not_a_selection,
    sequence_array,
    trim_text_ids,
    warn_of_ids_merged_by_trimming,
)
from recstack.errors import (
    ConfigError,
    DataFormatError,
    EmptyResultError,
    RecstackError,
    UnknownColumnError,
    counted,
    digit_count,
    shown,
    shown_given,
    shown_number,
)
from recstack.specs import SEED_MAX, SEED_RULE, arguments_named, did_you_mean

# Column names used whenever interactions become a table.
USER_ID = "user_id"
ITEM_ID = "item_id"
VALUE = "value"
TIMESTAMP = "timestamp"

DuplicatePolicy = Literal["keep", "sum", "last", "first", "max", "mean", "error"]
DUPLICATE_POLICIES: tuple[str, ...] = ("keep", "sum", "last", "first", "max", "mean", "error")

RowSelector = slice | np.ndarray | Sequence[int]

# Times that a calendar date can show: 0001-01-01T00:00:00 .. 9999-12-31T23:59:59 (UTC).
FIRST_SECOND, LAST_SECOND = -62_135_596_800, 253_402_300_799


class DuplicateRowsError(RecstackError, ValueError):
    """``duplicates="error"`` met a repeated (user, item) pair; ``rows`` are the (0-based)
    row numbers of its first two occurrences, for a loader to turn into file lines."""

    def __init__(self, message: str, rows: tuple[int, int], pair: str, count: int) -> None:
        super().__init__(message)
        self.rows, self.pair, self.count = rows, pair, count


class MissingValueIdWarning(UserWarning):
    """Ids spelled as other tools write a missing value (``NA``, ``null``, ``nan``,
    ``None``, ``#N/A``...) were read as text ids; see
    :data:`recstack.data.files.MISSING_VALUE_SPELLINGS`."""


class LookalikeIdWarning(UserWarning):
    """Text ids of one column that differ only in how they are written were kept as
    different ids: the same integer written another way (``"007"`` and ``"7"``, ``"+7"``,
    ``"1_000"`` and ``"1000"``, full-width ``"１２３"`` or Arabic-Indic ``"١٢٣"`` beside
    ``"123"``), or the same text in another Unicode normalisation (``"é"`` as one
    character and as ``e`` with a combining accent). Ids that differ only in surrounding
    whitespace (``" a"`` and ``"a"``, ``"\u2028x"`` and ``"x\x85"``) are one id by the id
    rule that trims them, and the same warning says so, naming two spellings."""


class MisreadTextWarning(UserWarning):
    """A text file read in the ``encoding`` given (``"latin-1"``, ``"cp1252"``...) is valid
    UTF-8 holding characters beyond ASCII: read in that encoding, each such character
    became two or three others (``"café"`` read as ``"cafÃ©"``), in ids that then match
    nothing. The message names the line and the text both ways."""


class InexactValueWarning(UserWarning):
    """Values that float32, the type :class:`Interactions` keeps values in, cannot hold:
    whole numbers beyond 2**24 = 16,777,216 in size (16777217 is kept as 16777216) and
    non-zero values too small for it (kept as 0), whether numpy integers or exact Python
    numbers (``int``, ``Decimal``, ``Fraction``: ``Decimal("1e30")`` too), or numbers a file
    holds exactly (a CSV's text, a Parquet decimal column). Fractions rounded (0.1) are
    not warned of, nor float64 numbers beyond 2**53, which float64 itself holds only
    roughly. Also times stored as float32 or float16 numbers (:func:`warn_of_coarse_times`),
    which hold the Unix time of any recent date only to within minutes."""


class MergedTimesWarning(UserWarning):
    """Times read in a unit finer than the second (``timestamp_unit="ms"``, ``"us"``,
    ``"ns"``) or with fractions of a second were floored to whole seconds, the unit
    :class:`Interactions` keeps, and at least half of the distinct times became one with
    another: their order is lost (three clicks at 100, 200 and 300 ms are all second 0).
    The message names how many distinct times became how many seconds. Interactions keep
    int64 whole seconds, so the fractions themselves cannot be kept: ties within a second
    follow row order."""


class EmptyTimeRangeWarning(UserWarning):
    """:func:`recstack.data.partitioned.read_partitioned` read no row in the time range it
    was given, though the dataset holds rows: the range lies before, after or between the
    data's times (the message names both)."""


#: the folder of the recstack package: a warning points at the first frame outside it
_PACKAGE_FOLDER = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep
_COMMAND_LINE = _PACKAGE_FOLDER + "cli.py"


def caller_stacklevel() -> int:
    """The ``stacklevel`` for :func:`warnings.warn`, called in the function that warns, that
    points the warning at the first line outside recstack: the user's call, however deep in
    the data layer the warning is raised (fixed stacklevels pointed at recstack's own
    lines when one loader called another, e.g. ``from_arrays`` through a file reader).
    The ``__init__`` Python writes for a recstack dataclass (its file is ``<string>``) is
    recstack's too: a warning of its ``__post_init__`` pointed at ``<string>``. Under the
    command line the user's call is the command: the warning points at ``recstack/cli.py``,
    where the command shows it as ``recstack: warning: ...`` (past it, at the program that
    ran the command, a plain ``UserWarning`` was no longer recognised as recstack's)."""
    frame, level = sys._getframe(1), 1
    while frame.f_back is not None and (frame.f_code.co_filename.startswith(_PACKAGE_FOLDER)
                                        or _generated_for_recstack(frame)):
        if frame.f_code.co_filename == _COMMAND_LINE:
            break
        frame, level = frame.f_back, level + 1
    return level


def _generated_for_recstack(frame: Any) -> bool:
    """Whether ``frame`` runs a method Python generated (no file: a dataclass's
    ``__init__``) on an instance of a recstack class; a user's own ``exec`` code or
    ``python -c`` script (also ``<string>``) is not one."""
    code = frame.f_code
    if not code.co_filename.startswith("<") or not code.co_argcount:
        return False
    owner = frame.f_locals.get(code.co_varnames[0])
    return owner is not None and any(
        getattr(kind, "__module__", "").partition(".")[0] == "recstack"
        for kind in type(owner).__mro__)


#: float32 holds every whole number up to this size exactly, and not every one beyond
FLOAT32_EXACT_INTEGERS = 2**24


def to_float32_values(raw: np.ndarray, column: str,
                      where: Callable[[int], str] | None = None,
                      file: Callable[[], str | None] | None = None, *,
                      exact: np.ndarray | None = None,
                      kept_in: str = "the type interactions keep values in") -> np.ndarray:
    """``raw`` numbers as float32 (the type of :attr:`Interactions.value`), with an
    :class:`InexactValueWarning` when some change beyond the rounding of a fraction.

    ``where(row)`` says where row ``row`` (0-based) is and what it holds, as the caller's
    errors do ("line 3 holds 16777217"); by default "row 2 holds 16777217". ``file()``, if
    given, names the file that begins the message (asked only when there is one).
    Values beyond float32's range become infinite and are left to the callers' checks
    of finite values, which refuse them. ``exact``, if given, holds the numbers ``raw``
    (float64) was made of as the user gave them (Python ints, ``Decimal``, ``Fraction``):
    a whole one among them that float32 changes is warned of at any size, as a uint64 is
    (float64 itself would have rounded ``Decimal("1e30")`` before the check). ``kept_in``
    says in the message what keeps the float32 values (the ranking pipeline's features).
    """
    with np.errstate(over="ignore"):  # beyond float32's range: inf, refused by the callers
        converted = raw.astype(np.float32, copy=False)
    if (not raw.size or converted is raw or raw.dtype.kind not in "iuf"
            or raw.dtype.itemsize < 4):
        return converted  # float32 itself, or a type whose every value it holds
    limit = float(FLOAT32_EXACT_INTEGERS)
    large = not (abs(float(raw.min())) <= limit and abs(float(raw.max())) <= limit)
    vanished = raw.dtype.kind == "f" and np.count_nonzero(converted) != np.count_nonzero(raw)
    if not (large or vanished):
        return converted  # the common case: two passes, no temporary array
    if raw.dtype.kind in "iu":
        # exactly (float64 itself rounds integers beyond 2**53): an integer is a float32
        # when, its trailing zero bits dropped, it is below 2**24
        size = raw.astype(np.uint64)
        if raw.dtype.kind == "i":
            size = np.where(raw < 0, ~size + np.uint64(1), size)
        lowest_bit = size & (~size + np.uint64(1))
        odd = size // np.maximum(lowest_bit, np.uint64(1))
        lost = odd >= np.uint64(FLOAT32_EXACT_INTEGERS)
    else:
        wide = raw.astype(np.float64, copy=False)
        back = converted.astype(np.float64)
        with np.errstate(invalid="ignore"):
            # whole numbers (below 2**53, where a float64 still counts exactly) and
            # non-zero values that float32 rounds to 0; not fractions rounded
            lost = np.isfinite(back) & np.isfinite(wide) & (back != wide) & (
                ((np.floor(wide) == wide) & (np.abs(wide) < 2.0**53)) | (back == 0))
            if exact is not None:
                lost |= _exact_whole_numbers_changed(exact, wide, converted)
    count = int(np.count_nonzero(lost))
    if not count:
        return converted
    row = int(np.argmax(lost))
    given = exact[row] if exact is not None and exact[row] is not None else raw[row]
    holding = where(row) if where is not None else f"row {row} holds {shown(given)}"
    warn_of_inexact_values(column, count, holding, float(converted[row]),
                           file() if file is not None else None, kept_in=kept_in)
    return converted


def _exact_whole_numbers_changed(exact: np.ndarray, wide: np.ndarray,
                                 converted: np.ndarray) -> np.ndarray:
    """Which of the exact numbers ``exact`` (objects), beyond 2**53 in size (``wide``:
    them as float64), are whole and not held by float32 (``converted``)."""
    changed = np.zeros(len(exact), bool)
    with np.errstate(invalid="ignore"):
        beyond = np.flatnonzero(np.isfinite(wide) & (np.abs(wide) >= 2.0**53)
                                & np.isfinite(converted))
    for row in beyond:
        value = exact[row]
        if isinstance(value, (bool, float, np.floating)) or not isinstance(
                value, numbers.Number):
            continue  # a float was already rounded where the user made it
        try:
            whole = Fraction(exact[row])
        except (TypeError, ValueError):
            continue
        if whole.denominator == 1 and Fraction(float(converted[row])) != whole:
            changed[row] = True
    return changed


def warn_of_inexact_values(column: str, count: int, holding: str, kept: float,
                           file: str | None = None, *, stacklevel: int | None = None,
                           kept_in: str = "the type interactions keep values in") -> None:
    """The :class:`InexactValueWarning` of :func:`to_float32_values`, for a backend that
    finds the values itself (the Spark loader): ``count`` values of ``column`` change, the
    first where ``holding`` says ("row 2 holds 16777217"), kept as ``kept``."""
    warnings.warn(
        f"{file + ': ' if file else ''}column {column!r}: {count:,} value(s) change on "
        f"becoming float32, {kept_in} ({holding}, kept as "
        f"{kept:.9g}): "
        f"float32 holds whole numbers exactly only up to {FLOAT32_EXACT_INTEGERS:,} (2**24) "
        "and no non-zero number closer to 0 than 1.4e-45; scale the values (counts in "
        "thousands, say) if their exact size matters", InexactValueWarning,
        stacklevel=caller_stacklevel() if stacklevel is None else stacklevel)


class SumBeyondFloat32Error(DataFormatError):
    """``duplicates="sum"`` added a (user, item) pair's values past float32's range;
    ``row`` is the (0-based) row of its last occurrence, for a loader to name its line."""

    def __init__(self, message: str, row: int, expected: str) -> None:
        super().__init__(message, column=VALUE, expected=expected)
        self.row = row


def _frozen(array: np.ndarray) -> np.ndarray:
    """A read-only view, so that arrays shared between slices cannot be changed under them."""
    view = array.view()
    view.flags.writeable = False
    return view


@dataclass(frozen=True, eq=False)
class Interactions:
    """User-item interactions with their id vocabularies and optional side tables.

    Rows are events: ``user_index[r]`` interacted with ``item_index[r]`` with
    ``value[r]`` (an explicit rating, or an implicit weight such as a count) at
    ``timestamp[r]`` (Unix seconds, optional). Indices are dense and index into
    ``users`` and ``items``, the :class:`IdMap` vocabularies to external ids.

    ``item_table`` / ``user_table``, when present, have exactly one row per index
    (row ``i`` describes index ``i``) and a first column ``item_id`` / ``user_id``
    holding the external id; any other columns (title, genres, text...) are free.

    ``rating_range`` is ``(low, high)`` for explicit ratings and ``None`` for
    implicit data.

    ``context``, when present, has exactly one row per interaction (row ``r`` describes
    the circumstances of event ``r``: a device, a page, a country...) and free columns
    (none named ``user_id``, ``item_id``, ``value`` or ``timestamp``). Every operation
    that selects, reorders, merges or concatenates rows keeps it aligned; without it
    (``None``, the default) nothing is stored or copied for it.

    The arrays are read-only. Slicing (:meth:`select`, :meth:`for_users`,
    :meth:`between`...) keeps the vocabularies and tables *shared*, so train and
    test splits index the same users and items; contiguous slices are views.
    Filters that remove users or items call :meth:`compact` to renumber.
    """

    user_index: np.ndarray
    item_index: np.ndarray
    value: np.ndarray
    timestamp: np.ndarray | None
    users: IdMap
    items: IdMap
    item_table: pd.DataFrame | None = field(default=None, repr=False)
    user_table: pd.DataFrame | None = field(default=None, repr=False)
    rating_range: tuple[float, float] | None = None
    context: pd.DataFrame | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        n = len(self.user_index)
        for name, arr, kind in (("user_index", self.user_index, np.int32),
                                ("item_index", self.item_index, np.int32),
                                ("value", self.value, np.float32)):
            if not isinstance(arr, np.ndarray) or arr.dtype != kind or arr.ndim != 1:
                raise TypeError(f"{name} must be a 1-d {np.dtype(kind).name} array")
            if len(arr) != n:
                raise ValueError(f"{name} has {len(arr)} rows, user_index has {n}")
            object.__setattr__(self, name, _frozen(arr))
        for name, vocab in (("users", self.users), ("items", self.items)):
            if not isinstance(vocab, IdMap):
                raise TypeError(f"{name} must be an IdMap (the vocabulary of external ids), "
                                f"got {type(vocab).__name__}; Interactions.from_arrays "
                                "builds one from the ids")
        for name, arr, vocab in (("user_index", self.user_index, self.users),
                                 ("item_index", self.item_index, self.items)):
            # an index past the vocabulary (or negative) was taken: to_csr failed in scipy
            # and user_counts in numpy, far from the cause, or a count was silently wrong
            if n and (int(arr.min()) < 0 or int(arr.max()) >= len(vocab)):
                bad = np.flatnonzero((arr < 0) | (arr >= len(vocab)))
                raise ValueError(f"{name} holds {len(bad):,} index(es) outside 0..{len(vocab) - 1}"
                                 f" (the {len(vocab):,} ids of {name.removesuffix('_index')}s"
                                 f"), first at row {int(bad[0])}: {int(arr[bad[0]])}")
        _check_finite(self.value, VALUE)
        if self.rating_range is not None:
            _check_rating_range(self.rating_range, None)
            object.__setattr__(self, "rating_range", plain_rating_range(self.rating_range))
        if self.timestamp is not None:
            ts = self.timestamp
            if not isinstance(ts, np.ndarray) or ts.dtype != np.int64 or ts.shape != (n,):
                raise TypeError(f"timestamp must be a 1-d int64 array of {n} rows or None")
            object.__setattr__(self, "timestamp", _frozen(ts))
        for name, table, vocab in (("item_table", self.item_table, self.items),
                                   ("user_table", self.user_table, self.users)):
            if table is not None and len(table) != len(vocab):
                raise ValueError(f"{name} has {len(table)} rows for {len(vocab)} ids")
        if self.context is not None:
            object.__setattr__(self, "context", _context_frame(self.context, n))

    # ------------------------------------------------------------------ construction
    @classmethod
    @arguments_named
    def from_arrays(
        cls,
        user_ids: Any,
        item_ids: Any,
        values: Any = None,
        timestamps: Any = None,
        *,
        duplicates: DuplicatePolicy = "keep",
        rating_range: tuple[float, float] | None = None,
        item_table: pd.DataFrame | None = None,
        user_table: pd.DataFrame | None = None,
        keep_unseen_items: bool = False,
        context: pd.DataFrame | None = None,
    ) -> Interactions:
        """Build from columns of external ids (values default to 1.0, an implicit event).

        ``context`` (optional) is a frame with one row per interaction, in the order of
        the ids (see the class docstring); duplicates resolved by ``duplicates`` keep the
        context of the row whose value they keep (:meth:`deduplicate`).

        ``item_table`` / ``user_table`` are keyed by their first column (or a column
        named ``item_id`` / ``user_id``) and aligned to the vocabulary; rows for ids
        without interactions are dropped unless ``keep_unseen_items`` (the catalog
        then includes items nobody has interacted with yet, e.g. for content models).
        """
        keep_unseen_items = check_flag(keep_unseen_items, "keep_unseen_items")
        if any(isinstance(c, pd.Series) for c in (user_ids, item_ids, values, timestamps)):
            # deferred: the metrics package is large, and only pandas columns need the check
            from recstack.metrics._validation import check_aligned

            # columns are paired by position: a sorted copy of one went to other rows
            check_aligned(("user_ids", user_ids), ("item_ids", item_ids), ("values", values),
                          ("timestamps", timestamps), error=DataFormatError,
                          where="from_arrays: ")
        user_ids = _id_column(user_ids, USER_ID)
        item_ids = _id_column(item_ids, ITEM_ID)
        n = len(user_ids)
        if len(item_ids) != n:
            raise DataFormatError(f"{counted(n, 'user id')} but "
                                  f"{counted(len(item_ids), 'item id')}",
                                  expected="one user id and one item id per interaction")
        value = (np.ones(n, np.float32) if values is None
                 else _number_column(values, np.float32, VALUE, n))
        _check_finite(value, VALUE)
        ts = None if timestamps is None else _timestamp_column(timestamps, n)
        if ts is not None:
            _check_calendar(ts)
        if rating_range is not None:
            _check_rating_range(rating_range, value)
        item_table = _check_side_table(item_table, ITEM_ID)
        user_table = _check_side_table(user_table, USER_ID)
        if context is not None:
            context = _context_frame(context, n)
            # refused here, where the row is known, as the ids' text is: it was built, and
            # refused only when the interactions were saved
            _refuse_context_text_not_utf8(context)
        if keep_unseen_items and item_table is not None:
            table_ids = _unseen_item_keys(_key_column(item_table, ITEM_ID), item_ids)
            item_column, n_item_rows = np.concatenate([item_ids, table_ids]), n
        else:
            item_column, n_item_rows = item_ids, None
        # text trimmed already (_id_column, _table_keys): not a second time
        users, u_idx = IdMap._encode(user_ids, trim=False)
        items, i_idx = IdMap._encode(item_column, trim=False)
        if n_item_rows is not None:
            # a key only the table has that is an item of the interactions written another
            # way ("01" for item 1) became a second item beside it, holding its features
            seen = np.zeros(len(items), dtype=bool)
            seen[i_idx[:n_item_rows]] = True
            _refuse_lookalike_keys(_key_column(item_table, ITEM_ID), table_ids,
                                   ~seen[i_idx[n_item_rows:]], items.external_ids[seen],
                                   ITEM_ID)
            i_idx = i_idx[:n_item_rows]
        data = cls(
            u_idx, i_idx, value, ts, users, items,
            item_table=_align_table(item_table, items, ITEM_ID),
            user_table=_align_table(user_table, users, USER_ID),
            rating_range=rating_range,
            context=context,
        )
        return data.deduplicate(duplicates)

    @classmethod
    @arguments_named
    def from_frame(
        cls,
        frame: pd.DataFrame,
        *,
        user_col: str = USER_ID,
        item_col: str = ITEM_ID,
        value_col: str | None = VALUE,
        timestamp_col: str | None = TIMESTAMP,
        context_cols: Sequence[str] = (),
        **kwargs: Any,
    ) -> Interactions:
        """Build from a DataFrame. ``value_col`` / ``timestamp_col`` are optional: a
        default name that is absent is skipped, an explicitly given one must exist.
        ``context_cols`` are columns kept as the per-row ``context``."""
        if not isinstance(frame, pd.DataFrame):
            raise ConfigError(f"from_frame needs a pandas DataFrame, not "
                              f"{_frame_kind(frame)}; {_frame_remedy(frame)}")
        if isinstance(frame.columns, pd.MultiIndex) and not any(
                isinstance(name, tuple) for name in (user_col, item_col)):
            # its names are tuples: "no column 'user_id'" listed ('a', 'user_id') among them
            raise ConfigError(
                f"from_frame: the frame's columns have {frame.columns.nlevels} levels (e.g. "
                f"{shown(frame.columns[0])}), so no column is named {user_col!r}: flatten "
                "them first, e.g. frame.droplevel(0, axis=1), or name each column by its "
                f"tuple (user_col={shown(frame.columns[0])}, ...)")
        _check_column_arguments({"user_col": user_col, "item_col": item_col,
                                 "value_col": value_col, "timestamp_col": timestamp_col})
        _refuse_unknown_keywords(kwargs)
        columns = list(frame.columns)
        context_cols = _context_column_names(context_cols, frame)
        # column names lose surrounding spaces, as a CSV header's and a Parquet file's do
        # (' user_id' from pd.read_csv of "user_id, item_id" is the user_id column)
        frame = _frame_with_trimmed_names(frame, (user_col, item_col, value_col,
                                                  timestamp_col, *context_cols))
        for name in context_cols:
            if name not in frame.columns:
                raise unknown_column(name, columns, role="context")

        def pick(name: str | None, default: str | None, role: str) -> Any:
            if name is None:
                return None
            if name not in frame.columns and name in frame.index.names:
                # a frame grouped or indexed by the column (set_index('user_id')): the
                # level is that column, as a Parquet file of the frame holds it
                if list(frame.index.names).count(name) > 1:
                    raise DataFormatError(f"the frame's index names level {name!r} twice",
                                          column=name, expected=f"one level of {role}")
                return pd.Series(frame.index.get_level_values(name), index=frame.index)
            if name not in frame.columns:
                if name == default and role in ("values", "timestamps"):
                    _refuse_dropping_a_known_column(columns, role, taken)
                    return None
                if name == default:
                    raise missing_id_column(name, columns, role, taken=taken)
                raise unknown_column(name, columns, role=role)
            if columns.count(name) > 1:
                first, second = [i + 1 for i, c in enumerate(columns) if c == name][:2]
                raise DataFormatError(f"the frame names column {name!r} twice (columns "
                                      f"{first} and {second})", column=name,
                                      expected=f"one column of {role}")
            return frame[name]

        taken = {user_col, item_col, value_col, timestamp_col, *context_cols}
        _refuse_a_column_for_two_roles(frame, {"user ids": ("user_col", user_col),
                                               "item ids": ("item_col", item_col),
                                               "values": ("value_col", value_col),
                                               "timestamps": ("timestamp_col", timestamp_col)})
        # pandas' nullable columns (Int64, float64[pyarrow]...) before to_numpy, which
        # makes their missing entries NaN: named as the pd.NA they are, as a text column's
        # is (an Int64 id column's gap was "is NaN", a Float64 value's "non-finite: nan")
        users = pick(user_col, USER_ID, "user ids")
        items = pick(item_col, ITEM_ID, "item ids")
        _refuse_nullable_missing(users, user_col, "an empty id")
        _refuse_nullable_missing(items, item_col, "an empty id")
        users, items = users.to_numpy(), items.to_numpy()
        values = pick(value_col, VALUE, "values")
        if values is not None:
            _refuse_nullable_missing(values, str(values.name))
        values = None if values is None else values.to_numpy()
        # the Series itself: its to_numpy() would turn time-zone aware times into objects
        ts = pick(timestamp_col, TIMESTAMP, "timestamps")
        context = frame[list(context_cols)].reset_index(drop=True) if context_cols else None
        # a problem in a column is named by the frame's column, not by its role
        # (column 'value' for a frame's 'rating')
        users, items = _id_column(users, user_col), _id_column(items, item_col)
        try:
            with ids_already_warned_of():  # warned of above, by the frame's column names
                return cls.from_arrays(users, items, values, ts, context=context, **kwargs)
        except DataFormatError as error:
            named = {VALUE: value_col, TIMESTAMP: timestamp_col}.get(error.column or "")
            if named is None or named == error.column:
                raise
            raise DataFormatError(error.detail, file=error.file, line=error.line,
                                  column=named, expected=error.expected) from None

    # ------------------------------------------------------------------ basic facts
    def __len__(self) -> int:
        return len(self.user_index)

    @property
    def n_users(self) -> int:
        return len(self.users)

    @property
    def n_items(self) -> int:
        return len(self.items)

    @property
    def shape(self) -> tuple[int, int]:
        return (self.n_users, self.n_items)

    @cached_property
    def density(self) -> float:
        """The share of user-item cells with at least one row. Repeated rows of a pair
        (kept by ``duplicates="keep"``: an event log's views) are one cell: counted as rows,
        a log whose users repeat items had a density above 100%."""
        cells = self.n_users * self.n_items
        if not cells:
            return 0.0
        pairs = self.user_index.astype(np.int64) * self.n_items + self.item_index
        return len(np.unique(pairs)) / cells

    @property
    def is_explicit(self) -> bool:
        return self.rating_range is not None

    @cached_property
    def is_time_sorted(self) -> bool:
        """Whether rows are in non-decreasing time order (then time slices are views)."""
        return self.timestamp is not None and bool(np.all(np.diff(self.timestamp) >= 0))

    def user_counts(self) -> np.ndarray:
        """Rows per user index (``n_users`` long)."""
        return np.bincount(self.user_index, minlength=self.n_users)

    def item_counts(self) -> np.ndarray:
        """Rows per item index (``n_items`` long)."""
        return np.bincount(self.item_index, minlength=self.n_items)

    def __repr__(self) -> str:
        kind = f"explicit {self.rating_range}" if self.is_explicit else "implicit"
        ts = "with" if self.timestamp is not None else "without"
        return (f"Interactions({counted(len(self), 'row')}, {counted(self.n_users, 'user')} "
                f"x {counted(self.n_items, 'item')}, {kind}, {ts} timestamps)")

    # ------------------------------------------------------------------ conversions
    def to_csr(self, dtype: Any = np.float32) -> sp.csr_matrix:
        """The ``n_users x n_items`` matrix of values; repeated (user, item) rows are summed.

        Its stored cells are the interactions: every pair with a row is stored, a value of
        0 (or values summing to 0) included, so the seen items of a user are the stored
        columns of its row, whatever their values. ``dtype=bool`` is that pattern: True at
        every such pair (a value of 0 is no False cell, which scipy's arithmetic drops and
        ``matrix[u, i]`` reads as not seen).

        ``dtype`` is a real type (bool, integers, floats; not float16, which scipy.sparse
        cannot hold). An integer matrix takes only the (summed) values it holds exactly: a
        rating of 3.5 or a sum of 300 in ``int8`` is refused, naming the pair (numpy
        truncated 3.5 to 3 and wrapped 300 round to 44)."""
        wanted = _matrix_dtype(dtype)
        if wanted in (np.float32, np.float64, np.bool_):
            values = self.value.astype(wanted, copy=False)
        else:
            values = self.value.astype(np.float64)
        matrix = sp.csr_matrix((values, (self.user_index, self.item_index)),
                               shape=self.shape)
        matrix.sum_duplicates()
        if wanted == np.bool_:
            # the cast made a value of 0 a stored False: seen in the structure, not seen in
            # its values, and gone after any sum with another matrix
            matrix.data = np.ones(matrix.nnz, dtype=np.bool_)
            return matrix
        if wanted == np.float32 and not np.isfinite(matrix.data).all():
            # repeated rows summed past float32's range were inf without a word (the
            # values are finite): the sums again in float64, to name the pair
            exact = sp.csr_matrix((self.value.astype(np.float64),
                                   (self.user_index, self.item_index)), shape=self.shape)
            exact.sum_duplicates()
            _refuse_sums_beyond_float32(self, exact)
            matrix = exact.astype(np.float32)  # an overflow on the way, not in the sum
        if matrix.dtype != wanted:
            _refuse_inexact_cells(self, matrix, wanted)
            if wanted == np.float16:
                # scipy.sparse has no float16 matrix (its ValueError was a traceback); the
                # cells were checked first, so a value float16 cannot hold is still named
                raise ConfigError("to_csr: dtype float16: scipy.sparse matrices cannot hold "
                                  "float16; use np.float32 (it holds every float16 value "
                                  "exactly) and convert the dense rows you need")
            matrix = matrix.astype(wanted)
        return matrix

    def to_frame(self, *, external_ids: bool = True) -> pd.DataFrame:
        """One row per interaction: ``user_id, item_id, value[, timestamp]`` (external ids
        by default, dense indices with ``external_ids=False``), then the context columns."""
        if check_flag(external_ids, "to_frame: external_ids"):
            columns: dict[str, Any] = {
                USER_ID: self.users.to_external(self.user_index),
                ITEM_ID: self.items.to_external(self.item_index),
            }
        else:
            columns = {USER_ID: self.user_index, ITEM_ID: self.item_index}
        columns[VALUE] = self.value
        if self.timestamp is not None:
            columns[TIMESTAMP] = self.timestamp
        frame = pd.DataFrame(columns)
        if self.context is not None:
            frame = pd.concat([frame, self.context], axis=1)
        return frame

    # ------------------------------------------------------------------ slicing
    def select(self, rows: RowSelector) -> Interactions:
        """Rows chosen by a slice (views), a boolean mask or an index array; the
        vocabularies and tables are shared, not copied."""
        if not isinstance(rows, slice):
            problem = reordered_rows(rows, len(self)) if isinstance(rows, pd.Series) and \
                pd.api.types.is_bool_dtype(rows.dtype) else None
            if problem is not None:  # a mask of a sorted to_frame() chose other rows
                raise ConfigError(f"select: rows {problem}")
            try:
                rows = _checked_positions(rows, len(self), "rows")
            except ConfigError as error:
                # the message names the method called, as for_users' and concat's do
                raise ConfigError(f"select: {error}") from None
        ts = None if self.timestamp is None else self.timestamp[rows]
        context = None if self.context is None else _context_rows(self.context, rows)
        return replace(self, user_index=self.user_index[rows], item_index=self.item_index[rows],
                       value=self.value[rows], timestamp=ts, context=context)

    def for_users(self, user_indices: Any) -> Interactions:
        """Rows of the given user indices (an index array or a boolean mask over users)."""
        return self.select(_membership(user_indices, self.n_users, "user")[self.user_index])

    def for_items(self, item_indices: Any) -> Interactions:
        """Rows of the given item indices (an index array or a boolean mask over items)."""
        return self.select(_membership(item_indices, self.n_items, "item")[self.item_index])

    def between(self, start: Any = None, end: Any = None) -> Interactions:
        """Rows with ``start <= timestamp < end`` (either bound optional), each bound a time
        as every time argument of the data layer takes one (``time_window``,
        ``temporal_split``'s cutoff, ``read_partitioned``): Unix seconds, ISO-8601 text, a
        date, ``datetime``, pandas ``Timestamp`` or ``numpy.datetime64`` (naive ones UTC)."""
        if self.timestamp is None:
            raise RecstackError("these interactions have no timestamps to slice by")
        low, high = to_unix_seconds(start, "between: start"), to_unix_seconds(end, "between: end")
        # a start after the year 9999 (milliseconds, most often) gave no row, and such an
        # end every row, without a word: read_partitioned's rule
        refuse_bound_beyond_the_calendar("start", start, low, "between: ")
        refuse_bound_beyond_the_calendar("end", end, high, "between: ")
        refuse_a_range_within_one_second(low, high, start, end, "between: ")
        lo = np.iinfo(np.int64).min if low is None else low
        hi = np.iinfo(np.int64).max if high is None else high
        if lo > hi:  # swapped bounds gave no row without a word
            raise ConfigError(f"between: start ({lo}) is after end ({hi}); the range is "
                              "[start, end)")
        if low is not None and low == high:
            # between(t, t) gave empty data without a word; time_window refuses it
            raise ConfigError(f"between: start and end are one time ({lo}); the range "
                              f"[start, end) holds none: end later (end={lo + 1} keeps "
                              "the rows of that second)")
        if self.is_time_sorted:
            first, last = np.searchsorted(self.timestamp, [lo, hi], side="left")
            return self.select(slice(int(first), int(last)))
        return self.select((self.timestamp >= lo) & (self.timestamp < hi))

    def sort_by_user_time(self) -> Interactions:
        """Rows ordered by user, then time (then original order): the layout that
        sequence models and leave-last-out splits read."""
        keys = [self.user_index] if self.timestamp is None else [self.timestamp, self.user_index]
        return self.select(np.lexsort(keys))

    def sort_by_time(self) -> Interactions:
        if self.timestamp is None:
            raise RecstackError("these interactions have no timestamps to sort by")
        return self.select(np.argsort(self.timestamp, kind="stable"))

    def compact(self) -> Interactions:
        """Renumber users and items so that only those with rows remain (and their table rows)."""
        used_users = np.flatnonzero(self.user_counts())
        used_items = np.flatnonzero(self.item_counts())
        if len(used_users) == self.n_users and len(used_items) == self.n_items:
            return self
        user_remap = np.full(self.n_users, -1, np.int32)
        user_remap[used_users] = np.arange(len(used_users), dtype=np.int32)
        item_remap = np.full(self.n_items, -1, np.int32)
        item_remap[used_items] = np.arange(len(used_items), dtype=np.int32)

        def table(t: pd.DataFrame | None, keep: np.ndarray) -> pd.DataFrame | None:
            return None if t is None else t.iloc[keep].reset_index(drop=True)

        return replace(
            self,
            user_index=user_remap[self.user_index], item_index=item_remap[self.item_index],
            users=self.users.subset(used_users), items=self.items.subset(used_items),
            user_table=table(self.user_table, used_users),
            item_table=table(self.item_table, used_items),
        )

    # ------------------------------------------------------------------ transformations
    def deduplicate(self, policy: DuplicatePolicy = "last") -> Interactions:
        """Resolve repeated (user, item) rows.

        ``keep`` leaves them (sequence models want re-watches); ``sum``, ``max`` and
        ``mean`` combine values; ``first`` / ``last`` keep the earliest / latest row
        (by timestamp, then by row order); ``error`` refuses duplicates. A combined row
        carries the latest timestamp of its group. Output rows are ordered by (user, item).

        The context of a kept row is that of the row whose value it keeps: the first or
        last row for ``first`` / ``last``, the first row holding the largest value for
        ``max``, and the latest row (the one whose timestamp it carries) for ``sum`` and
        ``mean``.

        ``sum`` is for implicit feedback (counts, plays): on explicit ratings (a
        ``rating_range``) it is refused, whether or not a pair repeats, since two ratings
        of 5 would sum to 10, outside the scale; ``mean``, ``max``, ``first`` and ``last``
        keep the scale, or make the data implicit first (:meth:`implicit`).
        """
        policy = held_scalar(policy)  # np.array("last") is the name it holds
        if not is_one_of(policy, DUPLICATE_POLICIES):
            # an array of names was numpy's "truth value of an array ... is ambiguous"
            hint = ("; 'keep' leaves repeated rows as they are" if policy is None else "")
            raise ConfigError(
                f"unknown duplicate policy {shown(policy)}"
                f"{did_you_mean(policy, DUPLICATE_POLICIES) if isinstance(policy, str) else ''}"
                f"; use one of {', '.join(DUPLICATE_POLICIES)}{hint}")
        if policy == "sum" and self.rating_range is not None:
            _refuse_summed_ratings(self, self.rating_range)
        if policy == "keep" or len(self) == 0:
            return self
        keys = [np.arange(len(self))]
        if self.timestamp is not None:
            keys.append(self.timestamp)
        order = np.lexsort(keys + [self.item_index, self.user_index])
        u, i = self.user_index[order], self.item_index[order]
        starts = np.flatnonzero(np.r_[True, (u[1:] != u[:-1]) | (i[1:] != i[:-1])])
        if len(starts) == len(self):
            return self.select(order)
        if policy == "error":
            group = np.flatnonzero(np.diff(np.r_[starts, len(self)]) > 1)[0]
            first, second = np.sort(order[starts[group]:starts[group] + 2]).tolist()
            # .tolist(): plain Python ids in the message, not np.int64(...)
            user = self.users.to_external([self.user_index[first]]).tolist()[0]
            item = self.items.to_external([self.item_index[first]]).tolist()[0]
            pair, count = f"user {user!r} and item {item!r}", len(self) - len(starts)
            raise DuplicateRowsError(
                f"{count:,} duplicate (user, item) rows, e.g. {pair} in rows {first + 1} and "
                f"{second + 1}; choose a policy: "
                + ", ".join(p for p in DUPLICATE_POLICIES if p != "error"),
                (first, second), pair, count)
        ends = np.r_[starts[1:], len(self)] - 1
        if policy in ("first", "last"):
            return self.select(order[starts if policy == "first" else ends])
        values = self.value[order].astype(np.float64)
        if policy == "sum":
            combined = np.add.reduceat(values, starts)
            beyond = np.flatnonzero(np.abs(combined) > np.finfo(np.float32).max)
            if len(beyond):
                # as float32 the sum would be inf: every score built on it NaN or inf
                row = int(order[ends[beyond[0]]])
                user = self.users.to_external([self.user_index[row]]).tolist()[0]
                item = self.items.to_external([self.item_index[row]]).tolist()[0]
                raise SumBeyondFloat32Error(
                    f"the values of user {user!r} and item {item!r} sum to "
                    f"{combined[beyond[0]]:.3g}, beyond float32's range "
                    f"(±{np.finfo(np.float32).max:.3g}); {len(beyond):,} (user, item) pair(s) "
                    "in all", row,
                    expected="sums within float32's range; scale the values down, or choose "
                             "another duplicate policy (max, mean, last)")
        elif policy == "max":
            combined = np.maximum.reduceat(values, starts)
        else:
            combined = np.add.reduceat(values, starts) / (ends - starts + 1)
        ts = None if self.timestamp is None else np.maximum.reduceat(
            self.timestamp[order], starts)
        context = None
        if self.context is not None:
            source = ends
            if policy == "max":
                # the first row of each group that holds the group's largest value
                holds_max = values == np.repeat(combined, ends - starts + 1)
                position = np.flatnonzero(holds_max)
                source = position[np.searchsorted(position, starts)]
            context = _context_rows(self.context, order[source])
        return replace(self, user_index=u[starts], item_index=i[starts],
                       value=combined.astype(np.float32), timestamp=ts, context=context)

    def implicit(self, threshold: float | None = None, alpha: float | None = None
                 ) -> Interactions:
        """An implicit-feedback view.

        Rows with ``value >= threshold`` are positives (all rows when ``threshold`` is
        None), compared in float32, the values' type (:func:`at_least`); ``threshold``
        may be any real number (``Decimal``, ``Fraction`` too). A threshold above every
        value is an error; one at or below every value of data whose values differ keeps
        every row, with a :class:`ThresholdKeepsEveryRowWarning`. Their value becomes
        1.0, or the confidence weight ``1 + alpha * value`` when ``alpha`` is given (Hu,
        Koren & Volinsky 2008).
        """
        threshold = check_threshold(threshold, "threshold")
        alpha = check_threshold(alpha, "alpha")
        data = self if threshold is None else self.select(at_least(self.value, threshold))
        if threshold is not None and len(self) and not len(data):
            raise EmptyResultError(_why_no_positive(self.value, threshold))
        if threshold is not None and len(data) == len(self):
            warn_of_a_threshold_keeping_every_row(
                self.value, threshold, f"implicit(threshold={threshold:g}) keeps every row",
                "values", "every row is a positive")
        if alpha is not None and alpha < 0:
            raise ConfigError(f"alpha must be >= 0, got {alpha}")
        if alpha is None:
            return replace(data, value=np.ones(len(data), np.float32), rating_range=None)
        weight = 1.0 + alpha * data.value.astype(np.float64)
        if len(weight) and np.abs(weight).max() > np.finfo(np.float32).max:
            # float32 weights would be inf, and every model fitted on them NaN
            raise ConfigError(f"alpha = {alpha:g} makes weights up to {np.abs(weight).max():.3g}"
                              f", beyond float32's range ({np.finfo(np.float32).max:.3g}); "
                              "choose a smaller alpha")
        return replace(data, value=weight.astype(np.float32), rating_range=None)

    def with_values(self, values: np.ndarray) -> Interactions:
        """Same rows with other values (e.g. weights computed by a caller): value ``r`` for
        row ``r``. A pandas Series whose index holds the row numbers in another order (a
        column of a sorted :meth:`to_frame`) is refused: its values were taken in the
        Series' order, each on another row's interaction."""
        problem = reordered_rows(values, len(self))
        if problem is not None:
            raise DataFormatError(problem, column=VALUE,
                                  expected="one number per row, in row order")
        values = _number_column(values, np.float32, VALUE, len(self))
        _check_finite(values, VALUE)
        if self.rating_range is not None:
            # the rule of from_arrays and load_table: a rating outside the range is refused
            _check_rating_range(self.rating_range, values)
        return replace(self, value=values)

    def with_item_table(self, table: pd.DataFrame | None) -> Interactions:
        """The same interactions with ``table`` as their item table (``None``: without one).

        ``table`` is keyed by its column ``item_id`` (or its first column, or an index named
        ``item_id``) and checked and aligned to the items exactly as
        ``from_arrays(item_table=...)`` aligns it: one row per item, in index order, with
        the key column first and named ``item_id``; a row for an id the interactions do not
        hold is dropped, and an item the table lacks gets a row of missing values, each
        column keeping its kind (integers as pandas' nullable ``Int64``, floats with NaN,
        flags as ``boolean``, categories with their categories, text as None). A table
        that is not a frame, repeats a key, or shares no id with the items is refused
        naming the table. The rows, vocabularies and other tables are shared, not copied.

        Examples
        --------
        >>> import pandas as pd
        >>> data = Interactions.from_arrays(["u1", "u2"], ["a", "b"])
        >>> titles = pd.DataFrame({"item_id": ["b", "a"], "title": ["Bee", "Ant"]})
        >>> data.with_item_table(titles).item_table["title"].tolist()
        ['Ant', 'Bee']
        """
        return replace(self, item_table=_align_table(_check_side_table(table, ITEM_ID),
                                                     self.items, ITEM_ID))

    def with_user_table(self, table: pd.DataFrame | None) -> Interactions:
        """The same interactions with ``table`` as their user table (``None``: without one),
        keyed by its column ``user_id`` (or its first column, or an index named
        ``user_id``), checked and aligned to the users as :meth:`with_item_table` aligns an
        item table to the items."""
        return replace(self, user_table=_align_table(_check_side_table(table, USER_ID),
                                                     self.users, USER_ID))


def _refuse_summed_ratings(data: Interactions, rating_range: tuple[Any, Any]) -> None:
    """Refuse the duplicate policy ``sum`` on explicit ratings: the sum of two ratings of
    one pair is no rating (two 5-star rows of a 1-to-5 scale made 10) and the data still
    claimed the scale. Named with a repeated pair when there is one."""
    example = ""
    if len(data):
        pairs = data.user_index.astype(np.int64) * max(data.n_items, 1) + data.item_index
        _, first, counts = np.unique(pairs, return_index=True, return_counts=True)
        if (counts > 1).any():
            # the repeated pair met first, at its first two rows
            row = int(first[counts > 1].min())
            second = int(np.flatnonzero(pairs == pairs[row])[1])
            # .tolist(): plain Python ids in the message, not np.int64(...)
            user = data.users.to_external([data.user_index[row]]).tolist()[0]
            item = data.items.to_external([data.item_index[row]]).tolist()[0]
            example = (f" ({counted(int((counts - 1).sum()), 'repeated row')}, e.g. user "
                       f"{user!r} and item {item!r} in rows {row + 1} and {second + 1})")
    raise summed_ratings_error(rating_range, example)


def summed_ratings_error(rating_range: tuple[Any, Any], example: str = "") -> ConfigError:
    """The refusal of the duplicate policy ``sum`` on explicit ratings of ``rating_range``
    (the one wording, for every backend that deduplicates); ``example``: `` (N repeated
    rows, e.g. ...)``, a repeated pair where one is known."""
    high = rating_range[1]
    return ConfigError(
        f"duplicate policy 'sum' adds up the values of a repeated (user, item) pair, but "
        f"these are explicit ratings, rating_range = {rating_range_shown(rating_range)}"
        f"{example}: two ratings of {shown_number(high)} would make "
        f"{shown_number(high + high)}, outside the scale; choose 'mean', 'max', 'first' or "
        "'last', which keep the scale, or make the data implicit first to sum counts "
        "(data.implicit(), or load it without rating_range)")


def reordered_rows(values: Any, n: int) -> str | None:
    """What is wrong with ``values`` when it is a pandas Series of ``n`` entries whose
    index holds the row numbers ``0..n-1`` out of order (a column of a sorted or shuffled
    :meth:`Interactions.to_frame`): it is read by position, so each entry lands on another
    row. None for anything else (any other index says nothing of rows)."""
    if not isinstance(values, pd.Series) or len(values) != n:
        return None
    index = values.index
    if index.dtype.kind not in "iu" or index.is_monotonic_increasing or not index.is_unique:
        return None
    labels = index.to_numpy()
    if labels.min() != 0 or labels.max() != n - 1:
        return None
    first = int(np.flatnonzero(labels != np.arange(n))[0])
    return (f"is a pandas Series whose index holds the row numbers 0..{n - 1} in another "
            f"order (position {first} holds row {int(labels[first])}'s entry), but it is "
            "read by position; pass series.sort_index() to match it by row number, or "
            "series.to_numpy() to take it as it stands")


def require_interactions(data: Any, what: str) -> Interactions:
    """``data`` when it is :class:`Interactions`; anything else (most often the DataFrame of
    a log, or a sparse matrix) is refused naming ``what`` and how to make one, where a
    split, a filter or a writer failed on a missing attribute (``'DataFrame' object has no
    attribute 'user_index'``)."""
    if isinstance(data, Interactions):
        return data
    if isinstance(data, pd.DataFrame):
        got, how = "a pandas DataFrame", "Interactions.from_frame(frame)"
    else:
        got = "None" if data is None else type(data).__name__
        how = "Interactions.from_frame or load_table, or take a split's train or test"
    raise ConfigError(f"{what} takes recstack Interactions, got {got}; make one with {how}")


def concat(parts: Sequence[Interactions], *, caller: str = "concat") -> Interactions:
    """Rows of several interaction sets that share the same vocabularies. ``caller`` is
    the function the user called, for messages (``union`` calls this one: its errors said
    "concat:")."""
    if isinstance(parts, Interactions | pd.DataFrame) or not isinstance(parts, Sequence):
        raise ConfigError(f"{caller} takes a list of Interactions, got {type(parts).__name__}")
    if not parts:
        raise ConfigError(f"{caller}: nothing to concatenate (an empty list of parts)")
    for number, part in enumerate(parts, start=1):
        require_interactions(part, f"{caller}: part {number}")
    first = parts[0]
    for number, p in enumerate(parts[1:], start=2):
        for role, mine, theirs in (("user", p.users, first.users),
                                   ("item", p.items, first.items)):
            if mine != theirs:
                raise ConfigError(f"{caller}: part {number}'s {role} ids are not those of "
                                  f"part 1 ({_vocabulary_difference(theirs, mine)}); parts "
                                  "concatenate when they share id vocabularies (a split's "
                                  "train and test do); to join other logs, build one from "
                                  "their rows: Interactions.from_frame(pandas.concat(["
                                  "a.to_frame(), b.to_frame()]))")
    _refuse_parts_of_other_kinds(parts, caller)
    # empty parts hold no time or value to lose (an empty set-apart part, say)
    has_ts = all(p.timestamp is not None or not len(p) for p in parts) and any(
        p.timestamp is not None for p in parts)
    kinds = [p for p in parts if len(p)]
    context = None
    if any(p.context is not None for p in parts):
        # a part without context contributes rows whose context is missing (NaN)
        context = pd.concat([p.context if p.context is not None
                             else pd.DataFrame(index=pd.RangeIndex(len(p))) for p in parts],
                            ignore_index=True)
    return replace(
        first,
        user_index=np.concatenate([p.user_index for p in parts]),
        item_index=np.concatenate([p.item_index for p in parts]),
        value=np.concatenate([p.value for p in parts]),
        timestamp=np.concatenate([np.zeros(0, np.int64) if p.timestamp is None
                                  else p.timestamp for p in parts]) if has_ts else None,
        rating_range=(kinds[0] if kinds else first).rating_range,
        context=context,
    )


def _refuse_parts_of_other_kinds(parts: Sequence[Interactions], caller: str) -> None:
    """Refuse parts (with rows) whose rows would lose their meaning once joined: some with
    timestamps and some without (every timestamp was dropped without a word), or values of
    another kind (ratings on 1-5 beside implicit 1.0s, or another rating range: the first
    part's range was kept, so a 1.0 of implicit feedback became the lowest rating)."""
    full = [(number, p) for number, p in enumerate(parts, start=1) if len(p)]
    if not full:
        return
    timed = [number for number, p in full if p.timestamp is not None]
    untimed = [number for number, p in full if p.timestamp is None]
    if timed and untimed:
        raise ConfigError(
            f"{caller}: part {timed[0]} has timestamps and part {untimed[0]} has none; joined, "
            "every timestamp would be dropped; give every part timestamps, or none (e.g. "
            "dataclasses.replace(part, timestamp=None) to drop them knowingly)")
    number, first = full[0]
    for other, part in full[1:]:
        if part.rating_range != first.rating_range:
            raise ConfigError(
                f"{caller}: part {number}'s values are {_value_kind(first)} and part "
                f"{other}'s are {_value_kind(part)}; joined, all would be read as "
                f"{_value_kind(first)}; give parts with values of one kind (e.g. "
                "part.implicit() of every part, for implicit feedback)")


def _value_kind(part: Interactions) -> str:
    """The kind of a part's values, for a message."""
    if part.rating_range is None:
        return "implicit feedback (no rating range)"
    low, high = part.rating_range
    return f"ratings on {low:g}-{high:g}"


def _vocabulary_difference(first: Any, other: Any) -> str:
    """How two id vocabularies differ, for a message: the kind of their ids (numbers and
    text never match), or their sizes, or an id of one that the other lacks."""
    def kind(ids: np.ndarray) -> str:
        return "integers" if ids.dtype.kind in "iu" else \
            "numbers" if ids.dtype.kind == "f" else "text"

    a, b = first.external_ids, other.external_ids
    if kind(a) != kind(b):
        return f"part 1's are {kind(a)}, these are {kind(b)}"
    if len(a) != len(b):
        return f"{counted(len(a), 'id')} in part 1, {len(b):,} here"
    extra = np.setdiff1d(b, a)
    shown = extra[0].item() if extra.size and isinstance(extra[0], np.generic) else \
        extra[0] if extra.size else None
    return f"e.g. {shown!r} is not in part 1" if extra.size else "the same ids in another order"


#: names the context may not use: they are the columns of :meth:`Interactions.to_frame`
RESERVED_COLUMNS = (USER_ID, ITEM_ID, VALUE, TIMESTAMP)


def _context_frame(context: Any, n: int) -> pd.DataFrame:
    """``context`` checked (a DataFrame of ``n`` rows, no reserved column name) and with a
    plain 0..n-1 index, so that positions and labels agree."""
    if not isinstance(context, pd.DataFrame):
        raise DataFormatError(f"context is a {type(context).__name__}", column="context",
                              expected="a pandas DataFrame with one row per interaction")
    if len(context) != n:
        raise DataFormatError(f"context has {counted(len(context), 'row')} for "
                              f"{counted(n, 'interaction')}",
                              column="context", expected="one context row per interaction")
    _refuse_repeated_columns(context, "context")
    clash = [c for c in context.columns if c in RESERVED_COLUMNS]
    if clash:
        raise DataFormatError(f"context has a column named {clash[0]!r}", column=str(clash[0]),
                              expected="context columns other than "
                                       + ", ".join(RESERVED_COLUMNS))
    if not isinstance(context.index, pd.RangeIndex) or context.index.start != 0 \
            or context.index.step != 1:
        context = context.reset_index(drop=True)
    return context


def _refuse_context_text_not_utf8(context: pd.DataFrame) -> None:
    """Refuse a context column holding text that UTF-8 cannot encode (a lone surrogate such
    as ``'\\ud800'``, which ``errors='surrogateescape'`` and some JSON readers leave), naming
    the column, the first row holding such text (from 0, as the ids' rows) and the
    character; in a categorical column, a category no row holds too, which a file's
    dictionary would still hold. No file can hold such text, and no id can."""
    for position, name in enumerate(context.columns):
        column = context.iloc[:, position]
        if isinstance(column.dtype, pd.CategoricalDtype):
            categories = column.cat.categories
            if not (_holds_python_text(categories.dtype) and _arrow_refuses(categories)):
                continue
            half = first_lone_surrogate(categories.tolist())
            if half is not None:
                code, value, character = half
                held = np.flatnonzero(column.cat.codes.to_numpy() == code)
                where = (f"row {int(held[0])} holds {shown(value)}" if held.size else
                         f"its categories hold {shown(value)} (category number "
                         f"{code + 1}, which no row holds)")
                raise _unencodable_context_error(name, where, character)
            continue
        if not (_holds_python_text(column.dtype) and _arrow_refuses(column)):
            continue
        values = column.tolist()
        if _plain_text_encodes(values):
            continue
        half = first_lone_surrogate(values)
        if half is not None:
            row, value, character = half
            raise _unencodable_context_error(name, f"row {row} holds {shown(value)}",
                                             character)


def _plain_text_encodes(values: list[Any]) -> bool:
    """Whether ``values`` hold no list, tuple, dict or array and all their text encodes in
    UTF-8, found in passes at C speed: a column mixing kinds (numbers and text), which
    Arrow refuses as such, was looked at value by value (3 s per 10M rows)."""
    kinds = set(map(type, values))
    if any(issubclass(kind, list | tuple | dict | np.ndarray) for kind in kinds):
        return False
    try:
        "".join([value for value in values if isinstance(value, str)]).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _holds_python_text(dtype: Any) -> bool:
    """Whether values of ``dtype`` may be Python text, which can hold what UTF-8 cannot
    encode: objects, or pandas' Python-backed text (Arrow-backed text cannot hold it)."""
    return (isinstance(dtype, np.dtype) and dtype.kind == "O") or (
        isinstance(dtype, pd.StringDtype) and dtype.storage == "python")


def _arrow_refuses(values: pd.Series | pd.Index) -> bool:
    """Whether Arrow, which encodes all text in UTF-8 in one pass, refuses ``values``:
    for text it cannot encode, or for values of mixed kinds (each is then looked at in
    turn)."""
    import pyarrow as pa

    try:
        pa.array(values.to_numpy(dtype=object), from_pandas=True)
    except (UnicodeEncodeError, pa.ArrowException):
        return True
    return False


def _unencodable_context_error(name: Any, where: str, character: str) -> DataFormatError:
    return DataFormatError(
        f"{where}, text holding a lone surrogate ({character!r}), which is not UTF-8 text "
        "and no file can hold", column=str(name),
        expected="text in UTF-8: decode the values without errors='surrogateescape', in "
                 "their true encoding")


def first_lone_surrogate(values: Sequence[Any]) -> tuple[int, Any, str] | None:
    """The position of the first value among ``values`` that is or holds (in a list, tuple
    or dict, as Arrow stores them) text that UTF-8 cannot encode, the value and the lone
    surrogate that stops it; None where every text can be encoded."""
    for position, value in enumerate(values):
        character = lone_surrogate_in(value)
        if character is not None:
            return position, value, character
    return None


def lone_surrogate_in(value: Any) -> str | None:
    """The first lone surrogate of text in ``value`` (or in its items, keys and values)."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as error:
            return value[error.start]
        return None
    if isinstance(value, dict):
        value = [*value.keys(), *value.values()]
    if isinstance(value, list | tuple | np.ndarray):
        for item in value:
            character = lone_surrogate_in(item)
            if character is not None:
                return character
    return None


def _context_rows(context: pd.DataFrame, rows: Any) -> pd.DataFrame:
    """The context rows at positions (or a mask, or a slice), re-indexed 0..k-1."""
    return context.iloc[rows].reset_index(drop=True)


def _membership(selector: Any, n: int, kind: str) -> np.ndarray:
    """A mask over the ``n`` ids of ``kind`` ("user", "item") from indices or a mask; the
    error of anything else says that these are indices, not external ids (``for_users([3])``
    with 3 a user id was "positions out of range", ``for_users(["a"])`` "a <U1 array")."""
    try:
        selector = _checked_positions(selector, n, "ids")
    except ConfigError as error:
        raise ConfigError(f"for_{kind}s: {error}; for_{kind}s takes {kind} indices in "
                          f"0..{n - 1} or a mask over the {n:,} {kind}s, not external ids "
                          f"(data.{kind}s.to_index(ids) gives the indices of ids)") from None
    if selector.dtype == bool:
        return selector
    mask = np.zeros(n, bool)
    mask[selector] = True
    return mask


def flag_values(mask: Any, what: str) -> np.ndarray:
    """``mask`` read as true/false flags by the one rule of the data layer's masks: booleans
    (numpy's, Python's in a list or an object column, pandas' nullable ``boolean`` without a
    missing value) or numbers that are each exactly 0 or 1, integers or floats (``(x > 3) *
    1.0`` gives 0.0 and 1.0; they were refused by ``given_split``, whose message asked for
    0/1). A missing flag (NaN, None, ``pd.NA``) or any other value (2, 0.5, ``"1"``) is
    refused naming ``what``, the first row and the value, as it would have counted as true.
    The shape is the caller's to check."""
    array = np.asarray(mask)
    if array.dtype == bool:
        return array
    if array.dtype.kind in "iuf":
        bad = ~np.isin(array, (0, 1))  # NaN is neither
    elif array.dtype == object:
        bad = np.array([not (isinstance(value, bool | np.bool_) or (
            isinstance(value, int | float | np.integer | np.floating) and value in (0, 1)))
            for value in array.ravel()], dtype=bool).reshape(array.shape)
    else:
        bad = np.ones(array.shape, bool)
    if bad.any():
        first = int(np.flatnonzero(bad.ravel())[0])
        value = array.ravel()[first]
        missing = value is None or value is pd.NA or (
            isinstance(value, float | np.floating) and value != value)
        raise ConfigError(f"{what} holds {shown(value)} at row {first}"
                          f"{' (a missing flag)' if missing else ''} of its {array.dtype} values; "
                          "expected one true/false (or 0/1) flag per row: booleans, or the "
                          "numbers 0 and 1")
    return array.astype(bool)


def _checked_positions(selector: Any, n: int, what: str) -> np.ndarray:
    """A boolean mask of ``n`` entries or an array of positions in ``0..n-1``; a negative
    position (numpy would count it from the end) or one past the end is refused."""
    given = selector
    problem = not_a_selection(given)
    if problem is not None:
        # numpy wraps None, a set, a dict, a generator or one number in an array of shape
        # (), which was named as "a object array of shape ()"
        raise ConfigError(f"got {problem}; expected a boolean mask of {n} entries or a "
                          f"list or array of integer positions of {what} in 0..{n - 1}")
    selector = np.asarray(selector)
    if selector.dtype == object and selector.size and all(
            isinstance(value, bool | np.bool_) for value in selector.ravel()):
        # Python booleans in an object column (a pandas column built row by row) are a mask,
        # as a list of them is; they were "a object array"
        selector = selector.astype(bool)
    if selector.dtype == bool:
        if selector.shape != (n,):
            raise ConfigError(f"mask has {selector.shape} entries for {n} {what}")
        return selector
    if selector.dtype.kind not in "iu" or selector.ndim != 1:
        if selector.size == 0:  # [] has dtype float64
            return selector.astype(np.int64).ravel()
        if selector.dtype.kind == "f" and selector.shape == (n,) and bool(
                np.isin(selector, (0, 1)).all()):
            # 0.0/1.0 flags ((rating > 3) * 1.0): a mask, whose form is booleans here, as
            # integer zeros and ones are refused below
            raise ConfigError(f"got {n} float zeros and ones for {n} {what}: a mask? Pass "
                              "it as booleans (np.asarray(mask, dtype=bool)), or positions "
                              "as np.flatnonzero(mask)")
        if selector.ndim != 1:
            raise ConfigError(f"expected a boolean mask or integer positions of {what} in one "
                              f"flat list, got a {selector.ndim}-D array of shape "
                              f"{selector.shape}")
        values = selector.tolist()
        # the first value that is no whole number (text, a missing value, 1.5), else the
        # first one (a whole float such as 2.0)
        first = next((k for k, value in enumerate(values) if isinstance(value, bool) or not (
            (isinstance(value, int) and 0 <= value < n)
            or (isinstance(value, float) and value.is_integer()))), 0)
        value = values[first]
        kind = "text" if isinstance(value, str | bytes) else "a missing value" if (
            value is None or value is pd.NA or value is pd.NaT or (
                isinstance(value, float) and value != value)) else \
            f"outside 0..{n - 1}" if isinstance(value, int) and not isinstance(value, bool) \
            else type(value).__name__
        hint = ("; whole-number floats: pass them as integers, np.asarray(positions, "
                "dtype=int)" if isinstance(value, float) and value.is_integer() else "")
        raise ConfigError(f"expected a boolean mask or integer positions of {what}, got "
                          f"{shown(value)} ({kind}) at index {first} of a "
                          f"{selector.dtype} array{hint}")
    if selector.size and (selector.min() < 0 or selector.max() >= n):
        bad = selector[(selector < 0) | (selector >= n)][:5].tolist()
        raise ConfigError(f"positions out of range 0..{n - 1} for {n} {what}, e.g. {bad}")
    if n >= 3 and selector.shape == (n,) and selector.max() <= 1:
        # a 0/1 mask ((rating > 3).astype(int)) read as positions took the first two
        # entries over and over: as positions it would choose nothing else
        raise ConfigError(f"got {n} integer zeros and ones for {n} {what}: a mask? As "
                          f"positions they would take the first two {what} again and again; "
                          "pass a mask as booleans (np.asarray(mask, dtype=bool)), or "
                          "positions as np.flatnonzero(mask)")
    return selector


def _flat_array(values: Any, column: str, expected: str,
                read: Callable[[Any], np.ndarray] = np.asarray) -> np.ndarray:
    """``read(values)`` (``np.asarray``), refusing a ragged nested list (``[[1], [2, 3]]``)
    by its column: numpy's own error names neither the column nor what was wrong with it."""
    if sp.issparse(values):
        raise _sparse_matrix_error(values, column)
    try:
        array = read(values)
    except ValueError:
        raise DataFormatError("holds lists of different lengths (a nested list, not one value "
                              "per row)", column=column, expected=expected) from None
    if isinstance(array, np.ndarray) and array.dtype.names:
        # a whole table given as one column: its rows were read as ids or numbers one by one
        field = column if column in array.dtype.names else array.dtype.names[0]
        raise DataFormatError(f"is a numpy structured array of fields "
                              f"{list(array.dtype.names)}, not one column", column=column,
                              expected=f"{expected}: one field, e.g. array[{field!r}], or "
                                       "Interactions.from_frame(pandas.DataFrame(array))")
    return array


def _id_column(ids: Any, column: str) -> np.ndarray:
    """A column of external ids as a 1-D array. A column mixing numbers and text is
    refused (see ``_refuse_text_among_numbers``)."""
    _refuse_arrow_nulls(ids, column, "an empty id")
    if np.ma.isMaskedArray(ids):  # np.asarray would read the masked entries as ids
        ids = id_values(ids, f"column {column!r}")
    # sequence_array: a list's booleans stay booleans for the id rule to refuse ([0, True]
    # became users 0 and 1)
    array = _flat_array(ids, column, "one id per interaction", read=sequence_array)
    if isinstance(ids, list | tuple) and array.dtype.kind in "US" and array.ndim == 1:
        # numpy wrote a float NaN among text as the text id 'nan' (missing, not an id), and
        # its fixed-width text dropped a trailing NUL ('a\x00' became the id 'a'): the
        # list's own values are read
        array = np.array(ids, dtype=object)
    if array.ndim == 0:
        # numpy wraps a generator, a set, a dict or one text in an array of shape (), which
        # the message below named as though an array had been given
        raise DataFormatError(
            f"ids must be a list, array or column, got {type(ids).__name__} {ids!r:.60}",
            column=column, expected="one id per interaction, in a list or array in the "
                                    "order of the other columns (a set or dict has no such "
                                    "order; give list(...) of a generator)")
    if array.ndim != 1:
        raise DataFormatError(f"ids must be a flat list, got an array of shape {array.shape}",
                              column=column, expected="one id per interaction")
    _refuse_text_among_numbers(ids, array, column)
    if array.dtype.kind == "S" or (array.dtype.kind == "O" and array.size and
                                   pd.api.types.infer_dtype(array, skipna=True) == "bytes"):
        # bytes are UTF-8 text (as a Parquet column of binary ids): decoded here so that
        # the text rule below applies to them too (b"" and b" " were real ids, b" a" not
        # b"a", and b"NA" passed without the warning)
        try:
            array = id_values(array)
        except DataFormatError as error:
            raise DataFormatError(error.detail.removeprefix("ids: "), column=column,
                                  expected=error.expected) from None
    if array.dtype.kind == "U" or (
            array.dtype.kind == "O" and pd.api.types.infer_dtype(array) == "string"):
        # the id rule of every loader (recstack.data.files): text is trimmed, so " a" read
        # here is the "a" a CSV file would give
        # missing first: pyarrow, which trims, takes None but not pandas' NA (a pandas
        # "string" column with a gap was an ArrowTypeError)
        missing = pd.isna(array)
        given = array
        if missing.any():
            array = array.astype(object)  # a copy: the caller's array stays as it was
            array[missing] = None
        try:
            # NUL characters and lone surrogates refused here, where the row is known:
            # 'a\x00' was built, then refused (or read back as 'a') when a model was saved
            array = trim_text_ids(arrow_text_ids(array, "ids"))
        except DataFormatError as error:
            raise DataFormatError(error.detail.removeprefix("ids: "), column=column,
                                  expected=error.expected) from None
        empty = pd.isna(array) | (array == "")
        if empty.any():
            row = int(np.argmax(empty))
            # which empty: a missing value (None, pandas' NA, NaN) or blank text
            what = (f"a missing value ({_missing_name(given[row])})" if missing[row]
                    else f"blank text {shown(given[row])}")
            raise DataFormatError(f"row {row} holds an empty id, {what} ({int(empty.sum())} "
                                  "in all)", column=column, expected="a non-empty id in every row")
        if not _IDS_WARNED_OF.get():
            # " a" beside "a" became one id without a word, where "007" beside "7" is
            # warned of (a side table's keys so merged are refused as repeated keys)
            warn_of_ids_merged_by_trimming(given, array, f"column {column!r}")
            # the loaders' rule (recstack.data.files): "NA", "null", "nan"... are kept as
            # text ids, with a MissingValueIdWarning (a frame's "NA" passed without a word)
            import pyarrow as pa

            from recstack.data.files import warn_of_missing_value_ids

            def at(row: int, name: str, message: str, expected: str) -> DataFormatError:
                # "row 0 holds NA", 0-based as this function's other messages
                return DataFormatError(f"row {row}: " + message.format(text=array[row]),
                                       column=name, expected=expected)

            warn_of_missing_value_ids(pa.array(array, pa.string()), column, at)
    try:
        # the id rule of the vocabulary, applied here where the column is known (its own
        # message said only "ids: ..."); the vocabulary then finds the ids already read
        read = id_values(array)
    except DataFormatError as error:
        raise DataFormatError(error.detail.removeprefix("ids: "), column=column,
                              expected=error.expected) from None
    if read.dtype.kind == "O" and pd.api.types.infer_dtype(read) != "string":
        # integers beyond int64 became their digits beside integers that fit: then every
        # id of the column is text, as a file of these ids is read ([2**70, 4] was refused
        # as mixing text with numbers). Lookups (id_values) keep reading each id alone.
        read = np.array([str(value) for value in read.tolist()], dtype=object)
    return read


#: True while a loader builds :class:`Interactions` of ids it has already warned of (with
#: the file and line): ``_id_column`` then does not warn of them a second time.
_IDS_WARNED_OF: ContextVar[bool] = ContextVar("recstack_ids_warned_of", default=False)


@contextmanager
def ids_already_warned_of() -> Iterator[None]:
    """Within it, :meth:`Interactions.from_arrays` does not warn of text ids spelled as a
    missing value: for loaders that warned of them already, naming the file and line."""
    token = _IDS_WARNED_OF.set(True)
    try:
        yield
    finally:
        _IDS_WARNED_OF.reset(token)


#: What ``pandas.api.types.infer_dtype`` calls an object column of one kind of value: such a
#: column cannot mix text with numbers, so it is not read one value at a time.
_ONE_KIND_OF_IDS = frozenset({"string", "bytes", "integer", "floating", "decimal", "empty"})


def _refuse_text_among_numbers(ids: Any, array: np.ndarray, column: str) -> None:
    """Refuse ids that mix text with numbers, or text with bytes, whatever holds them
    (:func:`~recstack.data.idmap.mixed_id_kinds_error`; ``IdMap`` refuses only the ids
    such a mix would merge, reading the others as text). As one column they are all
    text: numpy turns the list ``[1, "1"]`` into two equal strings, and the vocabulary
    reads the integers of an object column (a pandas column of both kinds) as their
    digits, so user 1 and user "1" became one user; ``b"a"`` beside ``"a"`` were one
    user as well, bytes being read as their UTF-8 text.
    Missing values are left to ``id_values``, which refuses them by position."""
    if array.dtype.kind in "US" and not isinstance(ids, np.ndarray | pd.Series | pd.Index):
        values = list(ids)  # what the list held, before numpy made all of it text
    elif array.dtype.kind == "O" and pd.api.types.infer_dtype(
            array, skipna=True) not in _ONE_KIND_OF_IDS:
        values = array.tolist()
    else:
        return  # numpy or pandas text, or numbers, throughout
    mixed = mixed_id_kinds_error(values, column=column)
    if mixed is not None:
        raise mixed


#: the way out for true/false where ratings or weights belong, one wording for every reader
TRUE_FALSE_AS_VALUES = ("true/false is no rating or weight: read the rows that are true as "
                        "implicit feedback, without values, or write 1 for true and 0 for "
                        "false")


def true_false_error(column: str, example: str, **place: Any) -> DataFormatError:
    """The one refusal of true/false where values or times belong, whatever brings them
    (``from_arrays``, ``from_frame``, a Parquet boolean column, ``true`` in a CSV file):
    ``example`` says where (``"row 0 holds True"``), ``place`` is ``file=``/``line=``."""
    if column == TIMESTAMP:
        return DataFormatError(f"holds true/false values, {example}", column=column,
                               expected="Unix seconds (numbers)", **place)
    return DataFormatError(
        f"holds true/false values, {example}", column=column,
        expected=f"numbers; {TRUE_FALSE_AS_VALUES}", **place)


def _missing_name(value: Any) -> str:
    """How the user wrote a missing value: None, pd.NA, NaN or NaT."""
    if value is None:
        return "None"
    if value is pd.NA:
        return "pd.NA"
    if value is pd.NaT or isinstance(value, np.datetime64):
        return "NaT"
    return "NaN"


def _conversion_advice(column: str, is_bytes: bool) -> str:
    """What to do with a column of text (or bytes) where numbers belong: dates written as
    text are times to parse, not numbers; bytes are decoded to text first."""
    convert = ("pandas.to_datetime(..., utc=True)" if column == TIMESTAMP
               else "pandas.to_numeric")
    if is_bytes:
        return (f"numbers (decode the bytes to text first, e.g. value.decode('utf-8') or "
                f"Series.str.decode('utf-8'), then convert it, e.g. with {convert})")
    return f"numbers (convert text first, e.g. with {convert})"

def _refuse_nullable_missing(values: Any, column: str, what: str = "") -> None:
    """Refuse a missing entry (pd.NA) of a pandas nullable column (``Float64``, ``Int64``,
    ``float64[pyarrow]``...) as the missing value it is: numpy reads it as NaN, so it was
    said to "hold nan" among "NaN or infinite" numbers, which the user never wrote.
    ``what``: "an empty id" for an id column (worded as a text id column's gap is)."""
    _refuse_arrow_nulls(values, column, what)
    dtype = getattr(values, "dtype", None)
    if not isinstance(dtype, pd.api.extensions.ExtensionDtype) or dtype.na_value is not pd.NA \
            or pd.api.types.is_bool_dtype(dtype):
        return  # a column of true/false is refused as such, gaps or not
    missing = np.asarray(pd.isna(values), dtype=bool).ravel()
    if not missing.any():
        return
    row = int(np.argmax(missing))
    if what:
        raise DataFormatError(
            f"row {row} holds {what}, a missing value (pd.NA, of the nullable type {dtype}) "
            f"({int(missing.sum())} in all)", column=column,
            expected="a non-empty id in every row")
    raise DataFormatError(
        f"row {row} holds a missing value (pd.NA, of the nullable type {dtype}; "
        f"{int(missing.sum())} in all)", column=column,
        expected=f"{'a time' if column == TIMESTAMP else 'a number'} in every row: "
                 "drop the rows without one first, or fill them")


def _refuse_arrow_nulls(values: Any, column: str, what: str = "") -> None:
    """Refuse a null of a pyarrow Array or ChunkedArray as the missing value it is: numpy
    reads it as NaN, so an id was "NaN (a missing id)" and a value "non-finite: nan", a
    NaN the user never wrote."""
    null_count = getattr(values, "null_count", 0)
    if not isinstance(null_count, int) or not null_count or not hasattr(values, "is_null"):
        return
    missing = np.asarray(values.is_null().to_numpy(zero_copy_only=False), dtype=bool)
    row = int(np.argmax(missing))
    held = f"{what}, a missing value" if what else "a missing value"
    expected = ("a non-empty id in every row" if what else
                f"{'a time' if column == TIMESTAMP else 'a number'} in every row: drop the "
                "rows without one first (e.g. pyarrow.compute.drop_null on the table), "
                "or fill them (pyarrow.compute.fill_null)")
    raise DataFormatError(f"row {row} holds {held} (null, of the pyarrow column of type "
                          f"{values.type}; {null_count:,} in all)", column=column,
                          expected=expected)


def _sparse_matrix_error(matrix: Any, column: str) -> DataFormatError:
    """The refusal of a scipy.sparse matrix or array given as a column (or as the frame),
    with the conversion that keeps what the matrix means: numpy wrapped it in an array of
    shape () ("ids must be a list ... a set or dict has no such order")."""
    return DataFormatError(
        f"is a scipy.sparse {type(matrix).__name__} of shape {matrix.shape}, not one column",
        column=column, expected="one value per interaction; " + _sparse_matrix_remedy())


def _sparse_matrix_remedy() -> str:
    """How to make interactions of a user x item sparse matrix. Its stored cells are the
    interactions: repeated coordinates are summed by scipy first, and a stored 0 would
    otherwise become an interaction of value 0."""
    return ("for a user x item matrix take its stored cells: "
            "cells = matrix.tocoo(); cells.sum_duplicates(), which sums repeated "
            "coordinates as scipy does; cells.eliminate_zeros() unless a stored 0 is an "
            "interaction; then Interactions.from_arrays(user_ids[cells.row], "
            "item_ids[cells.col], cells.data) with the ids of the rows and columns "
            "(cells.row and cells.col themselves without them)")


def _number_column(values: Any, dtype: Any, column: str, n: int) -> np.ndarray:
    """``values`` as a 1-D array of ``dtype`` with ``n`` rows, or a DataFormatError naming the
    column (text, NaN or out-of-range times would otherwise be numpy's own errors)."""
    if np.ma.isMaskedArray(values):
        # np.asarray reads a masked entry's hidden number as a value or a time, as the id
        # columns refuse it (a masked rating was kept as whatever lay under the mask)
        mask = np.ma.getmaskarray(values)
        if mask.any():
            row = int(np.argmax(mask.ravel()))
            raise DataFormatError(f"row {row} holds a masked entry (a missing value; "
                                  f"{int(mask.sum())} in all)", column=column,
                                  expected="a number in every row: drop the masked rows "
                                           "first, or fill them (array.filled(...))")
        values = np.ma.getdata(values)
    _refuse_nullable_missing(values, column)
    raw = _flat_array(values, column, "one number per interaction")
    if isinstance(values, list | tuple) and raw.dtype.kind in "iuf":
        # numpy made [True, 2.0] the numbers 1.0 and 2.0
        truth = next((row for row, value in enumerate(values)
                      if isinstance(value, bool | np.bool_)), None)
        if truth is not None:
            raise true_false_error(column, f"row {truth} holds {shown(values[truth])}")
    if raw.shape != (n,):
        raise DataFormatError(f"has shape {raw.shape} for {n} interactions", column=column,
                              expected=f"one number per interaction, shape ({n},)")
    if raw.dtype.kind == "O":  # numbers held as Python objects (e.g. a pandas column)
        # the one check of numbers that numpy would misread: it parses the text '1_0' as
        # 10 and '\u0663' as 3, and drops the imaginary part of 1+2j (imported here:
        # only object columns need it)
        from recstack.metrics._validation import not_numbers

        problem = not_numbers(raw)
        if problem is not None:
            raise DataFormatError(f"holds {problem}", column=column,
                                  expected=_conversion_advice(column, problem.startswith(
                                      "bytes")))
        truth = next((row for row, value in enumerate(raw) if isinstance(value, bool | np.bool_)),
                     None)
        if truth is not None:  # float64 would make True 1.0 (and a time of 1970) unasked
            raise true_false_error(column, f"row {truth} holds {shown(raw[truth])}")
        missing = np.fromiter((value is None or value is pd.NA
                               for value in raw.tolist()), dtype=bool, count=len(raw))
        if missing.any():
            # None became NaN ("1 non-finite value(s), first at row 0: nan") and pandas' NA
            # was "holds object values, e.g. [<NA>, 1]"; named as written, as ids are
            row = int(np.argmax(missing))
            raise DataFormatError(
                f"row {row} holds a missing value ({_missing_name(raw[row])}; "
                f"{int(missing.sum())} in all)", column=column,
                expected=f"{'a time' if column == TIMESTAMP else 'a number'} in every row: "
                         "drop the rows without one first, or fill them")
        exact = raw  # Python ints, Decimals, Fractions: float64 may round them
        try:
            raw = raw.astype(np.float64)
        except OverflowError:
            # an integer (or Fraction) past the float range: numpy's OverflowError came out
            # of from_arrays; as an infinity of its sign it is refused below, by its row, as
            # beyond the range of values or of times
            from recstack.specs import finite_or_infinite

            raw = np.array([finite_or_infinite(value) for value in raw.tolist()],
                           dtype=np.float64)
        except (TypeError, ValueError):
            pass
    else:
        exact = None
    # numbers given finite that float64 made infinite (10**400, Decimal("1e400")): beyond
    # the range, not "non-finite" or "NaN or infinite" as the user's own inf is
    overflowed = np.zeros(raw.shape, bool)
    if exact is not None and raw.dtype.kind == "f" and raw.size and not np.isfinite(
            raw).all():
        overflowed = np.isinf(raw) & np.array([_finite_number(value)
                                               for value in exact.tolist()], dtype=bool)

    def as_given(row: int) -> str:
        """Row ``row``'s value as the user gave it (a Python int, a Decimal), not as the
        float64 it became (10**20 is not 1e+20); an integer of hundreds of digits by its
        digit count."""
        if exact is not None and isinstance(exact[row], numbers.Integral) and digit_count(
                int(exact[row])) > 100:
            return f"a {digit_count(int(exact[row])):,}-digit integer"
        return shown(exact[row] if exact is not None else raw[row])

    if raw.dtype.kind in "US" and raw.size:
        # numpy text (a list of str): with the conversion that reads it, as an object
        # column of text is (it was "expected numbers", and no word of how)
        kind = "bytes" if raw.dtype.kind == "S" else "text"
        raise DataFormatError(f"holds {raw.dtype} values, {kind} such as {shown(raw[0])}",
                              column=column,
                              expected=_conversion_advice(column, kind == "bytes"))
    if raw.dtype.kind not in "biuf":
        raise DataFormatError(f"holds {raw.dtype} values, e.g. {raw[:3].tolist()}",
                              column=column, expected="numbers")
    if raw.dtype.kind == "b":
        # True is no moment (numpy would make it the second 1 of 1970) and no rating
        raise true_false_error(column, f"e.g. {raw[:3].tolist()}")
    if np.dtype(dtype).kind == "i":
        if raw.dtype.kind == "f" and raw.size and (~np.isfinite(raw) & ~overflowed).any():
            bad = ~np.isfinite(raw) & ~overflowed
            row = int(np.argmax(bad))
            raise DataFormatError(f"holds NaN or infinite times: row {row} holds "
                                  f"{as_given(row)} ({int(bad.sum())} in all)",
                                  column=column, expected="Unix seconds (finite numbers)")
        # compared as Python numbers: numpy cast 2**62 to float16 (inf) with an overflow
        # RuntimeWarning for float16 times; said as the calendar check says it, with the
        # value as given (10**20 was shown as 1e+20, float64's rounding of it)
        if raw.size and raw.dtype.kind in "fiu" and (overflowed.any() or float(
                raw.min()) < -2**62 or float(raw.max()) > 2**62):
            outside = (raw < FIRST_SECOND) | (raw > LAST_SECOND) | overflowed
            row = int(np.argmax(outside))
            raise DataFormatError(f"holds times out of range: {int(outside.sum())} time(s) "
                                  f"outside the years 1 to 9999, first at row {row}: "
                                  f"{as_given(row)}",
                                  column=column,
                                  expected="Unix seconds between the years 1 and 9999")
        warn_of_coarse_times(raw, column)
        floored = floor_seconds(raw)
        if raw.dtype.kind == "f" and (raw != floored).any():  # whole floats lose nothing
            warn_of_merged_times(raw, floored, column, "seconds with fractions", "")
        raw = floored
    if np.dtype(dtype) == np.float32 and raw.dtype.kind == "f" and raw.size:
        finite_beyond = (np.isfinite(raw) & (np.abs(raw) > np.finfo(np.float32).max)
                         ) | overflowed
        if finite_beyond.any():  # as float32 it would be inf
            row = int(np.argmax(finite_beyond))
            raise DataFormatError(
                f"{int(finite_beyond.sum())} value(s) beyond float32's range, first at row "
                f"{row}: {as_given(row)}", column=column,
                expected=f"numbers within ±{np.finfo(np.float32).max:.3g}")
    if np.dtype(dtype) == np.float32:
        return to_float32_values(raw, column, exact=exact if raw.dtype.kind == "f" else None)
    return raw.astype(dtype, copy=False)


def _finite_number(value: Any) -> bool:
    """Whether ``value`` (one entry of an object column of numbers) is a finite number as
    given: an int or a Fraction always is, a float or Decimal unless NaN or infinite."""
    if isinstance(value, numbers.Rational):
        return True
    if isinstance(value, Decimal):
        return value.is_finite()
    try:
        return bool(np.isfinite(value))
    except (TypeError, ValueError):
        return False


def _frame_kind(frame: Any) -> str:
    """What ``frame`` is, for the refusal of :meth:`Interactions.from_frame`."""
    if isinstance(frame, np.ndarray) and frame.dtype.names:
        return f"a numpy structured array (fields {list(frame.dtype.names)})"
    return type(frame).__name__


def _frame_remedy(frame: Any) -> str:
    """How to make the DataFrame that :meth:`Interactions.from_frame` takes of ``frame``:
    the conversion of a table of named columns, else from_arrays for separate columns."""
    if isinstance(frame, np.ndarray) and frame.dtype.names:
        return "pass pandas.DataFrame(array), whose columns are its fields"
    if isinstance(frame, Mapping):
        return "pass pandas.DataFrame(columns) for a dict of columns"
    if callable(getattr(frame, "to_pandas", None)):  # a pyarrow or polars table
        return "pass table.to_pandas()"
    if callable(getattr(frame, "read_pandas", None)):  # a pyarrow RecordBatchReader
        return "pass reader.read_pandas() (it reads every batch left)"
    if sp.issparse(frame):
        return _sparse_matrix_remedy()
    return "use from_arrays for separate columns"


def _timestamp_column(timestamps: Any, n: int) -> np.ndarray:
    """Unix seconds (int64) from numbers (see :func:`_number_column`) or from date-times:
    numpy ``datetime64`` and pandas date-times, naive ones being UTC and time-zone aware
    ones their UTC instant (``pandas.to_datetime(..., utc=True)`` gives these), floored to
    the second. A missing time (NaT) is refused by row: cast, it was the int64 minimum,
    named as a time 'out of range'."""
    _refuse_arrow_nulls(timestamps, TIMESTAMP)
    if isinstance(getattr(timestamps, "dtype", None), pd.DatetimeTZDtype):
        timestamps = pd.DatetimeIndex(timestamps).tz_convert("UTC").tz_localize(None)
    dtype = getattr(timestamps, "dtype", None)
    if isinstance(dtype, pd.ArrowDtype):
        import pyarrow as pa
        import pyarrow.compute as pc

        kind = dtype.pyarrow_dtype
        if pa.types.is_timestamp(kind) and kind.tz is not None:
            # Arrow keeps the UTC instant: the same moment without its zone (it was read
            # as objects and refused as "dates or times such as '2024-01-01 00:00:00+00:00'")
            timestamps = pc.cast(pa.array(timestamps), pa.timestamp(kind.unit)).to_numpy(
                zero_copy_only=False)
    raw = _flat_array(timestamps, TIMESTAMP, "one time per interaction")
    if raw.dtype.kind == "O":
        raw = _dates_as_midnights(raw)
    if raw.dtype.kind == "O":
        raw = _date_times_as_moments(raw)
    if raw.dtype.kind == "m" and raw.size:
        # a duration is no moment: numpy made it a number of its unit (or it was "holds
        # timedelta64[s] values (expected numbers)" with no word of what was meant)
        raise DataFormatError(f"holds durations, not points in time ({raw.dtype}), such "
                              f"as {shown(raw.ravel()[0])}", column=TIMESTAMP,
                              expected=_MOMENTS_EXPECTED)
    if raw.dtype.kind == "O":
        _refuse_mixed_time_kinds(raw)
    if raw.dtype.kind != "M":
        return _number_column(timestamps, np.int64, TIMESTAMP, n)
    missing = np.isnat(raw)
    if missing.any():
        row = int(np.argmax(missing.ravel()))
        raise DataFormatError(f"row {row} has no time (NaT; {int(missing.sum())} in all)",
                              column=TIMESTAMP, expected="a date-time in every row")
    seconds = raw.astype("datetime64[s]").astype(np.int64)
    if np.datetime_data(raw.dtype)[0] not in ("Y", "M", "W", "D", "h", "m", "s") and (
            raw != seconds.astype("datetime64[s]")).any():
        # date-times finer than the second lose their order within it as numbers do
        # (pandas keeps whole seconds as nanoseconds too: those lose nothing)
        warn_of_merged_times(raw.ravel(), seconds.ravel(), TIMESTAMP,
                             f"date-times ({raw.dtype}) floored to the second", "")
    return _number_column(seconds, np.int64, TIMESTAMP, n)


def _dates_as_midnights(raw: np.ndarray) -> np.ndarray:
    """A column of calendar dates (``datetime.date``, what Spark's DateType and a pandas
    ``date32[pyarrow]`` column give) as ``datetime64[D]``: each date is its midnight UTC,
    as a Parquet date column is read. Missing dates (None, NaT, NaN) become NaT, which the
    caller refuses by row. Any other column is returned as it was (a date-time among the
    dates is a time, not a date, so such a column is left to the numbers' check)."""
    import datetime

    if not raw.size or raw.ndim != 1:
        return raw
    dates = 0
    for value in raw.tolist():
        missing = value is None or value is pd.NaT or value is pd.NA or (
            isinstance(value, float | np.floating) and value != value)
        if missing:  # pd.NaT first: it is a datetime.datetime
            continue
        if isinstance(value, datetime.datetime) or not isinstance(value, datetime.date):
            return raw
        dates += 1
    if not dates:
        return raw
    return np.array([np.datetime64(value, "D") if isinstance(value, datetime.date)
                     and value is not pd.NaT else np.datetime64("NaT")
                     for value in raw.tolist()],
                    dtype="datetime64[D]")


def _date_times_as_moments(raw: np.ndarray) -> np.ndarray:
    """A column of Python ``datetime`` or pandas ``Timestamp`` objects (a list of them, or
    a frame's object column mixing zones) as ``datetime64[us]``: naive ones UTC, aware
    ones their UTC instant, as a datetime64 or zoned pandas column is read (such a list
    was refused as "dates or times ... convert text first", though it held no text).
    Dates among them are their midnight UTC.
    Missing ones (None, NaT, NaN) become NaT, which the caller refuses by row. Any other
    column is returned as it was."""
    import datetime

    if not raw.size or raw.ndim != 1:
        return raw
    moments: list[np.datetime64] = []
    for value in raw.tolist():
        if value is None or value is pd.NaT or value is pd.NA or (
                isinstance(value, float | np.floating) and value != value):
            moments.append(np.datetime64("NaT", "us"))
            continue
        if isinstance(value, np.datetime64) and np.datetime_data(value.dtype)[0] != "generic":
            # a numpy moment among Python ones (an object column): the same moment
            moments.append(value.astype("datetime64[us]"))
            continue
        if not isinstance(value, datetime.datetime):
            if not isinstance(value, datetime.date):
                return raw
            # a date among date-times is its midnight UTC, as a column of dates alone is
            # and as load_table reads '2020-01-01' beside '2020-01-02T03:00:00' (the mix
            # was refused as "dates or times ... convert text first", holding no text)
            value = datetime.datetime.combine(value, datetime.time())
        if value.tzinfo is not None:
            value = value.astimezone(datetime.UTC).replace(tzinfo=None)
        if isinstance(value, pd.Timestamp):
            value = value.floor("us").to_pydatetime()
        moments.append(np.datetime64(value, "us"))
    if all(np.isnat(moment) for moment in moments):
        return raw
    return np.array(moments, dtype="datetime64[us]")


def _time_kind(value: Any) -> str:
    """What a value of a times column is, for a message: a date, a date-time, a number,
    text, or a missing value."""
    import datetime

    if value is None or value is pd.NaT or value is pd.NA or (
            isinstance(value, float | np.floating) and value != value):
        return "missing"
    if isinstance(value, datetime.timedelta | np.timedelta64):
        return "a duration"
    if isinstance(value, datetime.time):
        return "a time of day"
    if isinstance(value, pd.Period):
        return "a period"
    if isinstance(value, datetime.datetime | np.datetime64):
        return "a date-time"
    if isinstance(value, datetime.date):
        return "a date"
    if isinstance(value, str | bytes):
        return "text"
    if isinstance(value, numbers.Number | np.number) and not isinstance(value, bool | np.bool_):
        return "a number"
    return type(value).__name__


#: kinds of value a times column may not hold, none a point in time (worded as the
#: Parquet reader words its time-of-day and duration columns)
_NOT_MOMENTS = {"a duration": "a duration, not a point in time",
                "a time of day": "a time of day without a date",
                "a period": "a period, not a point in time"}
_MOMENTS_EXPECTED = ("date-times, dates or Unix time (e.g. a start moment plus the "
                     "duration, or pandas' Period.to_timestamp())")


def _refuse_mixed_time_kinds(raw: np.ndarray) -> None:
    """A times column of Python objects holding dates or date-times beside values of
    another kind (a Unix number, text): each is a time by its own rule, but not in one
    column (as load_table refuses numbers among ISO-8601 text), and the numbers' check
    named them "dates or times ... convert text first" though the column may hold no
    text. The message names the first row of each kind. (Dates beside date-times are
    one kind, calendar times: :func:`_date_times_as_moments` reads them.)"""
    if not raw.size or raw.ndim != 1:
        return
    first: dict[str, int] = {}
    for row, value in enumerate(raw.tolist()):
        kind = _time_kind(value)
        if kind in _NOT_MOMENTS:
            # a duration, a time of day without a date, a month: no moment to order rows
            # by (it was "holds dates or times ... convert text first", or "holds object
            # values (expected numbers)")
            raise DataFormatError(f"row {row} holds {_NOT_MOMENTS[kind]}, {shown(value)}",
                                  column=TIMESTAMP, expected=_MOMENTS_EXPECTED)
        if kind != "missing":
            first.setdefault(kind, row)
    calendar = {"a date", "a date-time"}
    if not calendar & set(first) or not set(first) - calendar:
        return
    if set(first) & calendar == calendar:  # one calendar kind named, with the stranger
        first.pop("a date" if first["a date"] > first["a date-time"] else "a date-time")
    (kind_a, row_a), (kind_b, row_b) = sorted(first.items(), key=lambda pair: pair[1])[:2]
    raise DataFormatError(
        f"mixes kinds of time: row {row_a} holds {kind_a} ({shown(raw[row_a])}) and row "
        f"{row_b} {kind_b} ({shown(raw[row_b])})", column=TIMESTAMP,
        expected="one kind in every row: dates and date-times (a date is its midnight "
                 "UTC), or Unix seconds, or ISO-8601 text to convert with "
                 "pandas.to_datetime(..., utc=True)")


def first_time_out_of_range(seconds: np.ndarray) -> int | None:
    """Index of the first Unix time outside the years 1..9999, or None."""
    if not seconds.size:
        return None
    low, high = seconds.min(), seconds.max()
    if low >= FIRST_SECOND and high <= LAST_SECOND:
        return None
    return int(np.argmax((seconds < FIRST_SECOND) | (seconds > LAST_SECOND)))


def finer_unit(seconds: int) -> tuple[str, int] | None:
    """The finer unit a time outside the years 1..9999 read as Unix seconds has the
    magnitude of, by the rule of load_table's ``timestamp_unit="auto"`` (1e11 and up
    milliseconds, 1e14 microseconds, 1e17 nanoseconds), with its factor (``("ms",
    1000)``), where the time read in that unit is within the years 1..9999; None for a time
    of no finer unit's magnitude (a year past 9999 by a little, one before the year 1) or
    at or past int64's limits (``np.iinfo(np.int64).max``, ``10**20``, which stand for
    "no bound")."""
    # deferred: files imports this module; the bands are the one "auto" rule
    from recstack.data.files import _unit_of_magnitude

    if FIRST_SECOND <= seconds <= LAST_SECOND or not abs(seconds) < 2**63 - 1:
        # past int64, as no count of a finer unit is (numpy's datetime64 and Arrow's
        # timestamps are int64): 10**20 stands for "no bound", not the year 5138 in ns;
        # so do int64's own limits (np.iinfo(np.int64).max, the usual "no end")
        return None
    unit = _unit_of_magnitude(abs(float(seconds)))
    factor = {"s": 1, "ms": 10**3, "us": 10**6, "ns": 10**9}[unit]
    if factor == 1 or not FIRST_SECOND <= seconds // factor <= LAST_SECOND:
        return None
    return unit, factor


def _moment(seconds: int) -> str:
    return f"{np.datetime64(seconds, 's').astype(str)}Z"


def finer_unit_hint(seconds: np.ndarray, index: int, remedy: str, *,
                    mixed_remedy: str = "one unit for the whole column") -> str:
    """Words for the end of the refusal of ``seconds[index]``, a time outside the years
    1..9999 read as Unix seconds, where it has a finer unit's magnitude
    (:func:`finer_unit`): ``"; read as milliseconds it is 2020-09-13T12:26:40Z: ..."``
    then ``remedy`` (how the caller's data take that unit, e.g. ``"divide them by {factor}
    first"``, formatted with ``factor`` and ``unit``) when every other non-zero time has that
    magnitude too, else that the column mixes units and ``mixed_remedy`` (formatted alike);
    '' for a time of no finer unit. A time in milliseconds was refused as "expected Unix
    seconds between the years 1 and 9999", naming no unit."""
    from recstack.data.files import _AUTO_UNIT_BOUNDS, _UNIT_WORDS

    value = int(seconds[index])
    finer = finer_unit(value)
    if finer is None:
        return ""
    unit, factor = finer
    magnitude = np.abs(np.asarray(seconds), dtype=np.float64)
    band = np.searchsorted(_AUTO_UNIT_BOUNDS, magnitude, side="right")
    # zero is the same instant in every unit: no evidence of another
    others = int(np.count_nonzero((magnitude != 0) & (band != band[index])))
    read = f"; read as {_UNIT_WORDS[unit]} it is {_moment(value // factor)}"
    words = {"factor": f"{factor:,}", "unit": unit}
    if others:
        return (f"{read}, but {others:,} other time(s) of the column have the magnitude of "
                "another unit: " + mixed_remedy.format(**words))
    return f"{read}: the times look like {_UNIT_WORDS[unit]}; " + remedy.format(**words)


def refuse_bound_beyond_the_calendar(name: str, given: Any, seconds: int | None,
                                     where: str = "", *, leaving_nothing: bool = True
                                     ) -> None:
    """Refuse a bound ``name`` (``"start"`` or ``"end"``) of a time range ``[start, end)``
    (``given``, read as ``seconds``) past the years 1..9999: on the side that leaves no
    time a row can have (a start after the year 9999, an end before the year 1), always;
    on the side where it bounds nothing (an end after the year 9999, a start before the
    year 1) when it has a finer unit's magnitude (:func:`finer_unit`): ``end=`` 2020 in
    milliseconds read every row, without a word, where the same start was refused.
    ``10**20`` as an end (past int64, no unit's time) stays "no bound". ``where`` starts
    the message. The one rule of ``read_partitioned``, ``Interactions.between`` and Spark's reader;
    ``time_window`` checks the second side alone (``leaving_nothing=False``): a window
    that keeps no row is refused by ``apply_filters``, naming the bound."""
    from recstack.data.files import _UNIT_WORDS

    if seconds is None:
        return
    closed = seconds > LAST_SECOND if name == "start" else seconds <= FIRST_SECOND
    if closed and leaving_nothing:
        # most often milliseconds given where seconds are read, and it read nothing
        beyond = "after the year 9999" if name == "start" else "before the year 1"
        raise ConfigError(
            f"{where}{name}={shown(given)} is {beyond} read as Unix seconds, so no row can be "
            "in [start, end); a number is a time in seconds (one in milliseconds is 1000 "
            "times too large), or give a datetime or an ISO-8601 string")
    finer = None if closed else finer_unit(seconds)
    if finer is None:
        return
    unit, factor = finer
    meant = seconds // factor
    beyond = "after the year 9999" if seconds > 0 else "before the year 1"
    raise ConfigError(
        f"{where}{name}={shown(given)} is {beyond} read as Unix seconds, so it would bound "
        f"nothing; read as {_UNIT_WORDS[unit]} it is {_moment(meant)}: a number is a time in "
        f"seconds (one in {_UNIT_WORDS[unit]} is {factor:,} times too large): give {meant} "
        f"or an ISO date such as {_moment(meant)[:-1]}")


#: how times given as a column in a finer unit become Unix seconds (finer_unit_hint)
_FROM_ARRAYS_UNIT_REMEDY = ("divide them by {factor} first, or give them as datetime64 values "
                            "of that unit (np.asarray(times, 'datetime64[{unit}]'))")


def _check_calendar(seconds: np.ndarray) -> None:
    """The loaders' rule for times given as columns: a calendar must be able to show each
    (describe, time splits and reports print them as dates)."""
    late = first_time_out_of_range(seconds)
    if late is not None:
        outside = int(np.count_nonzero((seconds < FIRST_SECOND) | (seconds > LAST_SECOND)))
        raise DataFormatError(f"{outside} time(s) outside the years 1 to 9999, first at row "
                              f"{late}: {int(seconds[late])}", column=TIMESTAMP,
                              expected="Unix seconds between the years 1 and 9999"
                                       + finer_unit_hint(seconds, late,
                                                         _FROM_ARRAYS_UNIT_REMEDY))


def warn_of_merged_times(raw: np.ndarray, seconds: np.ndarray, column: str, read_as: str,
                         remedy: str) -> None:
    """Warn (:class:`MergedTimesWarning`) when ``seconds``, ``raw`` floored to whole
    seconds, holds at most half as many distinct times as ``raw``: most times then share
    their second with another and their order is lost without a word. A finer log whose
    times mostly keep a second of their own is not warned of. ``read_as`` says how the
    numbers were read (``"timestamp_unit='ms'"``), ``remedy`` what to do instead."""
    if raw.size < 2:
        return
    after = int(pd.unique(seconds).size)
    if after == raw.size:  # every row kept a second of its own: no order was lost
        return
    # the half rule counts distinct times only where it can hold (counting is a hash pass)
    before = int(pd.unique(raw).size) if after * 2 <= raw.size else raw.size
    if after * 2 > before:
        # fewer merges are not warned of: which of them reverse an order depends on the
        # user of each row, which this column alone does not say (rows of two users in one
        # second, each user's in time order, are no reversal)
        return
    warnings.warn(f"column {column!r}: read as {read_as}, the {before:,} distinct times "
                  f"of {raw.size:,} rows became {after:,} distinct whole second(s) (the unit "
                  "interactions keep), so times within one second are no longer ordered; "
                  f"{remedy + '; otherwise ' if remedy else ''}rows of one second keep "
                  "their order in the data, so sort the data by time first to keep it",
                  MergedTimesWarning, stacklevel=caller_stacklevel())


def warn_of_coarse_times(times: np.ndarray, column: str, unit: str = "seconds",
                         factor: int = 1) -> None:
    """Warn (:class:`InexactValueWarning`) where times are floats narrower than float64
    (``factor`` of them to the second, counted in ``unit``) whose spacing at the largest
    time is more than a second: float32 holds 24 bits, so a Unix time of 2024 is one of
    the multiples of 128 s, and the times of a pandas column downcast to save memory were
    read as stored, a click and the next at one second apart one time, without a word."""
    if times.dtype.kind != "f" or times.dtype.itemsize >= 8 or not times.size:
        return
    finite = times[np.isfinite(times)]
    if not finite.size:
        return
    largest = float(np.abs(finite).max())
    step = float(np.spacing(times.dtype.type(largest))) / factor
    if step <= 1:
        return
    warnings.warn(
        f"column {column!r}: the times are stored as {times.dtype} numbers ({unit}), which "
        f"hold times near the largest, {largest:.0f}, only to within {step:,.0f} seconds: "
        "times closer than that were stored as one, and each may be off by up to that "
        "much; they are read as stored. Write the column as int64 Unix time (or float64, "
        "or a date-time type) to keep the seconds", InexactValueWarning,
        stacklevel=caller_stacklevel())


def floor_seconds(times: np.ndarray) -> np.ndarray:
    """Times in seconds rounded down to whole seconds (floor, so -1.5 is -2: the second the
    moment falls in, also before 1970): the one rule of every loader and of
    :meth:`Interactions.from_arrays`. Integers are returned as they are."""
    return np.floor(times) if times.dtype.kind == "f" else times


def _check_rating_range(rating_range: Any, value: np.ndarray | None) -> None:
    """A usable ``(low, high)``, holding every one of ``value`` (None: the range alone):
    the rule of ``load_table``, which refuses a rating outside the range it is given, for
    :meth:`Interactions.from_arrays`, ``from_frame`` and :meth:`Interactions.with_values`
    too (they took a 7 on a 1-5 scale, which a model then refused, or a file saved could
    not be read back). Interactions built field by field are not checked here; the
    models that read ratings refuse such values naming the count."""
    try:
        low, high = rating_range_ends(rating_range)
    except (TypeError, ValueError):
        raise DataFormatError(f"rating_range = {shown(rating_range)}", column=VALUE,
                              expected="(low, high), two numbers") from None
    if not (np.isfinite(low) and np.isfinite(high) and low < high):
        raise DataFormatError(f"rating_range = {rating_range_shown(rating_range)}", column=VALUE,
                              expected="(low, high), finite numbers with low < high")
    if value is None or not value.size or (value.min() >= low and value.max() <= high):
        return
    outside = (value < low) | (value > high)
    row = int(np.flatnonzero(outside)[0])
    raise DataFormatError(
        f"{int(outside.sum()):,} value(s) outside rating_range = "
        f"{rating_range_shown(rating_range)}, first at row {row}: {shown(value[row])}",
        column=VALUE,
        expected=f"ratings between {low:g} and {high:g}: drop the rows outside the range "
                 "first, or give a rating_range that holds them")


def rating_range_shown(rating_range: Any) -> str:
    """``rating_range`` for a message, an integer end of more than 20 digits shortened."""
    return f"({', '.join(shown_number(end) for end in rating_range)})"


def plain_rating_range(rating_range: Any) -> tuple[Any, Any] | None:
    """A checked ``rating_range`` as Python numbers, as :class:`Interactions` keeps it: an
    integer end stays an ``int`` (``(1, 5)``), any other becomes a ``float`` (a ``Decimal``
    or numpy end was kept as given, and JSON could not write it)."""
    if rating_range is None:
        return None
    low, high = rating_range
    return tuple(int(end) if isinstance(end, numbers.Integral) else float(end)
                 for end in (low, high))  # type: ignore[return-value]


def rating_range_ends(rating_range: Any) -> tuple[float, float]:
    """``(low, high)`` as floats; ValueError for anything but two real numbers. True, text
    and complex ends are refused (float() read ('1', '5') and (True, 5) as (1.0, 5.0))."""
    if isinstance(rating_range, str | bytes | Mapping):
        raise ValueError("rating_range")
    low, high = rating_range
    for end in (low, high):
        if isinstance(end, bool | np.bool_) or not isinstance(end, numbers.Real | Decimal):
            raise ValueError("rating_range")
    from recstack.specs import finite_or_infinite

    # exact ends (Decimal, Fraction) are numbers too; an integer past the float range
    # (10**400) was an OverflowError traceback: infinite, refused as not finite
    return finite_or_infinite(low), finite_or_infinite(high)


def _check_finite(values: np.ndarray, column: str) -> None:
    # min and max are finite exactly when every value is: no temporary array in the
    # common case
    if not values.size or (np.isfinite(values.min()) and np.isfinite(values.max())):
        return
    bad = ~np.isfinite(values)
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise DataFormatError(
            f"{int(bad.sum())} non-finite value(s), first at row {row}: "
            f"{shown(values[row])}",
            column=column, expected="a finite number")


def trimmed_column_name(name: str) -> str:
    """``name`` as every format reads a column name: without surrounding spaces and without
    a byte-order mark (U+FEFF, invisible) at its start, which an editor's or a writer's
    mark leaves on a first column's name (``'\\ufeffuser_id'``) in a CSV header, a
    Parquet schema, a partition file or a frame alike."""
    return name.strip().lstrip("\ufeff").strip()


def and_marks(*names: str) -> str:
    """' and a byte-order mark' where one of ``names`` has one, for the messages that say
    what dropping made two names one (``"once surrounding spaces are dropped"``)."""
    return " and a byte-order mark" if any("\ufeff" in name for name in names) else ""


def _frame_with_trimmed_names(frame: pd.DataFrame, wanted: Sequence[Any]) -> pd.DataFrame:
    """``frame`` with each column that is a name in ``wanted`` once its surrounding spaces
    and a leading byte-order mark are dropped (``' user_id'``, ``'\\ufeffuser_id'``, see
    :func:`trimmed_column_name`) renamed to that name, where no column has the name itself
    and only one column trims to it: column names follow the one rule of every format."""
    names = list(frame.columns)
    renames: dict[Any, str] = {}
    for name in wanted:
        if not isinstance(name, str) or name in names or name in renames.values():
            continue
        spaced = [c for c in names
                  if isinstance(c, str) and c != name and trimmed_column_name(c) == name]
        if len(spaced) == 1 and names.count(spaced[0]) == 1:
            renames[spaced[0]] = name
    return frame.rename(columns=renames) if renames else frame


def first_repeated_name(names: Sequence[Any]) -> tuple[Any, int, int] | None:
    """The first column name that appears twice, with both positions (1-based), or None."""
    seen: dict[Any, int] = {}
    for position, name in enumerate(names, start=1):
        if name in seen:
            return name, seen[name], position
        seen[name] = position
    return None


def _refuse_repeated_columns(table: pd.DataFrame, what: str) -> None:
    """pandas lets a frame name a column twice; every reader would then get a frame where
    it expects one column, or the first of two that may disagree."""
    repeated = first_repeated_name(list(table.columns))
    if repeated is not None:
        name, first, second = repeated
        raise DataFormatError(f"the {what} names column {name!r} twice (columns {first} and "
                              f"{second})", column=str(name),
                              expected=f"distinct column names in the {what}")


def _check_column_arguments(options: dict[str, Any]) -> None:
    """Refuse a ``from_frame`` column argument that cannot name one column: a list (or other
    unhashable value), whose lookup was Python's "unhashable type: 'list'", and None for
    the user or item column, which has no default to fall back on (an AttributeError)."""
    for option, name in options.items():
        if name is None and option in ("user_col", "item_col"):
            raise ConfigError(f"from_frame: {option} must name the column of "
                              f"{option.removesuffix('_col')} ids, got None")
        if isinstance(name, bool | np.bool_):
            # value_col=False for "no values": the column named False was looked for
            none = (f"; {option}=None reads none" if option in ("value_col", "timestamp_col")
                    else "")
            raise ConfigError(f"from_frame: {option} must be a column name, got the boolean "
                              f"{name!r}{none}")
        try:
            hash(name)
        except TypeError:
            single = (f"; for one column write {option}={next(iter(name))!r}"
                      if isinstance(name, list | tuple) and len(name) == 1 else "")
            example = {"user_col": USER_ID, "item_col": ITEM_ID, "value_col": "rating",
                       "timestamp_col": TIMESTAMP}.get(option, "name")
            raise ConfigError(f"from_frame: {option} must be one column name such as "
                              f"{example!r}, got the "
                              f"{type(name).__name__} {name!r}{single}") from None


def _context_column_names(context_cols: Any, frame: pd.DataFrame) -> list[Any]:
    """``from_frame``'s ``context_cols`` checked as a list of column names: None is none (it
    was a TypeError, "Value after * must be an iterable", as was a number), and a name that
    is not text is taken where the frame has a column of that name (the numbered columns of
    a frame read with ``header=None``, which ``user_col=0`` already found; ``[2]`` was
    refused as no list of names)."""
    if context_cols is None:
        return []
    if isinstance(context_cols, str | bytes) or not isinstance(context_cols, Iterable):
        return check_name_list(context_cols, "context_cols", example="['device']")
    names = list(context_cols)

    def frames_own(name: Any) -> bool:
        if isinstance(name, str | bool | np.bool_):
            return False
        try:
            return name in frame.columns
        except TypeError:  # unhashable: check_name_list names it
            return False

    check_name_list([str(name) if frames_own(name) else name for name in names],
                    "context_cols", example="['device']")
    return names


def _refuse_unknown_keywords(kwargs: dict[str, Any]) -> None:
    """Refuse a keyword of ``from_frame`` that neither it nor ``from_arrays`` takes (a
    misspelt ``user_column=``), naming it and the near name: Python's TypeError named
    ``from_arrays()``, which the caller never called."""
    # context= is what from_frame makes of context_cols (given twice, Python's TypeError)
    known = [name for name, parameter in inspect.signature(
        Interactions.from_arrays).parameters.items()
        if parameter.kind == parameter.KEYWORD_ONLY and name != "context"]
    takes = ["user_col", "item_col", "value_col", "timestamp_col", "context_cols", *known]
    for key in kwargs:
        if key == "context":
            raise ConfigError("from_frame() takes no context=: name the frame's columns of "
                              "context with context_cols=['device', ...]")
        if key not in known:
            raise ConfigError(f"from_frame() has no argument {key!r}"
                              f"{did_you_mean(key, takes)}; it takes the frame and "
                              f"{', '.join(f'{name}=' for name in takes)}")


def _refuse_a_column_for_two_roles(frame: pd.DataFrame,
                                   roles: dict[str, tuple[str, str | None]]) -> None:
    """One column holds one role, as in load_table: ``user_col="item_id"`` read the items
    as the users too, and ``timestamp_col="value"`` the ratings as times, without a word.
    A default name the frame lacks (``value``, ``timestamp``) plays no role."""
    holder: dict[str, str] = {}
    for role, (option, name) in roles.items():
        if name is None or (name not in frame.columns and name not in frame.index.names):
            continue
        if name in holder:
            first = holder[name]
            raise ConfigError(
                f"from_frame: column {name!r} would hold both the {first} "
                f"({roles[first][0]}={roles[first][1]!r}) and the {role} ({option}="
                f"{name!r}); one column cannot hold two roles: name another column for one "
                f"of them" + ("" if role in ("user ids", "item ids")
                              else f" ({option}=None for none)"))
        holder[name] = role


def _check_side_table(table: Any, key: str) -> pd.DataFrame | None:
    """Refuse an item or user table that is not a frame, or names a column twice, before
    any of its columns is read; a table whose index is named ``key``
    (``items.set_index('item_id')``) has it as its key column (its first column, 'title',
    was taken for the key: no title matched an id, and the titles were lost)."""
    if table is None:
        return None
    what = f"{key.removesuffix('_id')} table"
    if not isinstance(table, pd.DataFrame):
        raise ConfigError(f"the {what} must be a pandas DataFrame keyed by {key}, not "
                          f"{type(table).__name__}")
    if key not in table.columns and key in table.index.names:
        table = table.reset_index(level=key)
    if not len(table.columns):
        # its key column was looked up by position: pandas' "single positional indexer is
        # out-of-bounds" IndexError, naming neither the table nor what it lacked
        raise DataFormatError(
            f"the {what} has no columns, so no key column holding the ids it describes",
            column=key,
            expected=f"a table with the ids in a column named {key} (or its first column, or "
                     f"an index named {key}), any other columns describing them")
    other = USER_ID if key == ITEM_ID else ITEM_ID
    if key not in table.columns and table.columns[0] == other:
        # keyed by the other kind of id: its first column was taken as the key, and where
        # the user and item ids overlap (both 1..n) rows described the wrong ids unnoticed
        raise DataFormatError(
            f"the {what} has no column {key!r}, and its first column, the key it would be "
            f"keyed by, is {other!r}: {other.removesuffix('_id')} ids, not "
            f"{key.removesuffix('_id')} ids", column=key,
            expected=f"a {what} keyed by {key} (is it the {other.removesuffix('_id')} table, "
                     "given in the other's place?)")
    _refuse_repeated_columns(table, what)
    return table


def _key_column(table: pd.DataFrame, default: str) -> pd.Series:
    return table[default] if default in table.columns else table.iloc[:, 0]


def _table_keys(keys: pd.Series, key: str) -> np.ndarray:
    """The keys of a side table by the id rule of the interactions' own ids
    (``_id_column``): text trimmed, an empty or blank key (``""``, ``" "``), a missing one
    or keys mixing text and numbers refused naming the table, column and row. A blank key
    was a row silently dropped (it matched no id), and a missing one was refused naming
    neither the table nor the column."""
    try:
        # not warned of: a key spelled "NA" is either an id of the interactions, warned of
        # with them, or one that matches none (its row is dropped as any such row is)
        with ids_already_warned_of():
            return _id_column(keys.to_numpy(), str(keys.name))
    except DataFormatError as error:
        raise DataFormatError(f"in the {key.removesuffix('_id')} table, {error.detail}",
                              column=error.column, expected=error.expected) from None


def _repeated_key(keys: pd.Series, key: str, first: Any, rows: np.ndarray, sharing: int
                  ) -> DataFormatError:
    """The refusal of a side table whose key column ``keys`` gives one id (``first``) to
    several ``rows`` (``sharing`` rows in all share a key with another), in the words of
    the side-table loaders (:mod:`recstack.data.side_table`, Spark's ``read_table``): the
    table, its key column, the key, the rows (from 0) and how they wrote it where they
    differ (``" 7"`` and ``"7"`` are one key once trimmed)."""
    written = list(dict.fromkeys(keys.iloc[rows[:3]].tolist()))
    as_written = (f", written {', '.join(map(shown, written))}: the same id once trimmed"
                  if len(written) > 1 else "")
    return DataFormatError(
        f"in the {key.removesuffix('_id')} table, {keys.name!r} repeats the key "
        f"{shown(first)} at rows {', '.join(map(str, rows[:3].tolist()))}"
        f"{' ...' if len(rows) > 3 else ''}{as_written} ({sharing:,} rows share a key with "
        "another)", column=key, expected="one row per id")


def _unseen_item_keys(keys: pd.Series, item_ids: np.ndarray) -> np.ndarray:
    """The item table's keys as items of the catalog (``keep_unseen_items``), by the id
    rule: for integer item ids, text keys spelling an integer plainly (``"7"``) are that
    integer, and a key that is no integer is refused naming it. A text-keyed table (read
    from a CSV as text) turned every item id of the interactions into text (item ``1``
    came back as ``'1'``), and a key such as ``'x'`` did the same without a word."""
    table_ids = _table_keys(keys, ITEM_ID)
    if item_ids.dtype.kind not in "iu" or table_ids.dtype.kind in "iu" or not len(table_ids):
        return table_ids
    from recstack.data.idmap import PLAIN_INTEGER

    plain = pd.Series(table_ids, dtype=object).astype(str).str.fullmatch(PLAIN_INTEGER)
    if not plain.all():
        row = int(np.argmin(plain.to_numpy()))
        raise DataFormatError(
            f"in the item table, the key {shown(keys.iloc[row])} at row {row} of column "
            f"{keys.name!r} is not an integer in plain digits, as the item ids of the "
            "interactions are: with keep_unseen_items it would be an item of the catalog, "
            "and every item id would become text", column=ITEM_ID,
            expected="keys written as the item ids are (integers in plain digits), or the "
                     "item ids given as text")
    try:
        return np.array([int(v) for v in table_ids.tolist()], dtype=np.int64)
    except OverflowError:  # past 64 bits: kept as text, as the ids of such a column are
        return table_ids


def _lookalike_forms(values: np.ndarray) -> Any:
    """Each id's text in the form the loaders' look-alike rule compares ids by
    (:func:`recstack.data.files.warn_of_lookalike_ids`): NFKC-normalised, an integer
    however written as its plain digits (``"007"``, ``"+7"``, ``"7.0"``, ``7`` are all
    ``"7"``). Only the ids that may differ from their form (not ASCII, or digits not
    written plainly) are transformed: the others are their own form."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from recstack.data.files import _LOOSE_NUMBER, _lookalike_keys
    from recstack.data.idmap import PLAIN_INTEGER

    if values.dtype.kind in "iu":
        return pa.array(values).cast(pa.string())  # plain digits already
    try:  # text ids: one pass in arrow
        text = pa.array(values, pa.string())
    except (pa.ArrowInvalid, pa.ArrowTypeError):  # integers past 64 bits, say
        text = pa.array([str(v) for v in values.tolist()], pa.string())
    loose = pc.fill_null(pc.or_(
        pc.invert(pc.string_is_ascii(text)),
        # the loaders' own spellings too ("1,000", "1e3"), which this rule missed
        pc.and_(pc.or_(pc.match_substring_regex(text, r"^[+-]?[0-9][0-9_]*(\.0*)?$"),
                       pc.match_substring_regex(text, _LOOSE_NUMBER)),
                pc.invert(pc.match_substring_regex(text, PLAIN_INTEGER)))), False)
    if not pc.any(loose).as_py():
        return text
    # a whole number written with a decimal point ("1.0", as a spreadsheet writes ids) is
    # that integer, as the float 1.0 is for the id rule
    subset = pc.replace_substring_regex(pc.utf8_normalize(pc.filter(text, loose), "NFKC"),
                                        r"^([+-]?[0-9]+(_[0-9]+)*)\.0*$", r"\1")
    return pc.replace_with_mask(text, loose, _lookalike_keys(subset))


def _refuse_lookalike_keys(keys: pd.Series, key_ids: np.ndarray, unmatched: np.ndarray,
                           ids: np.ndarray, key: str) -> None:
    """Refuse a side-table key that is none of the ``ids`` but one of them written another
    way, by the look-alike rule of the loaders (``"01"`` or ``"+1"`` for item 1, ``1`` for
    the text id ``"001"``, ``"é"`` in another Unicode form). Its row matched no id: that
    id's features became None (or, with ``keep_unseen_items``, a second item beside it
    held them), without a word. ``unmatched`` marks the keys (``key_ids``, as the id rule
    read them) that are no id; ``keys`` is the column as written."""
    import pyarrow.compute as pc

    candidates = np.flatnonzero(unmatched)
    if not len(candidates) or not len(ids):
        return
    # the few unmatched keys are the set each id is looked up in (not the reverse: a hash
    # of millions of ids)
    key_of_id = pc.fill_null(pc.index_in(_lookalike_forms(ids),
                                         value_set=_lookalike_forms(key_ids[candidates])),
                             -1).to_numpy(zero_copy_only=False)
    matching = np.flatnonzero(key_of_id >= 0)
    if not len(matching):
        return
    hits = np.unique(key_of_id[matching])  # the keys found, in row order
    first = int(hits[0])
    row = int(candidates[first])
    written = keys.iloc[row]
    meant = ids[int(matching[np.argmax(key_of_id[matching] == first)])]
    what = key.removesuffix("_id")
    more = (f"; {len(hits) - 1:,} more key(s) are ids written another way" if len(hits) > 1
            else "")
    if isinstance(written, str) and isinstance(meant, str) and (
            unicodedata.normalize("NFKC", written) == unicodedata.normalize("NFKC", meant)):
        # the same text once normalised: both are shown as the same glyphs
        more = (f" (the same text in another Unicode form: {ascii(written)} and "
                f"{ascii(meant)}){more}")
    raise DataFormatError(
        f"in the {what} table, the key {shown(written)} at row {row} of column "
        f"{keys.name!r} is no {what} id of the interactions, but is {what} {shown(meant)} "
        f"written another way{more}; its row would have described no {what} and {what} "
        f"{shown(meant)} none of its columns", column=key,
        expected=f"each key written as the interactions write the id ({shown(meant)}), or "
                 f"the ids written as the table writes them")


def _align_table(table: pd.DataFrame | None, ids: IdMap, key: str) -> pd.DataFrame | None:
    """One row per id, in index order, with the key column first and named ``key``."""
    if table is None:
        return None
    keys = _key_column(table, key)
    rest = table.drop(columns=[keys.name])
    # keys are compared by the id rule of the vocabulary (trimmed text; "7" is 7 for
    # integer ids), so a table read as text still finds its ids
    key_ids = _table_keys(keys, key)
    # repeats by that rule too, after missing keys were refused by row (NaN twice was
    # "repeats: [nan]"), naming the rows (" 7" and "7" are one key)
    repeated = pd.Index(key_ids).duplicated(keep=False)
    if repeated.any():
        first = key_ids[int(np.argmax(repeated))]
        raise _repeated_key(keys, key, first, np.flatnonzero(pd.Index(key_ids) == first),
                            int(repeated.sum()))
    try:
        id_of_row = ids.to_index(key_ids, missing="ignore")
    except TypeError as error:
        raise DataFormatError(f"holds a key that is not an id ({error})", column=key,
                              expected="a number or a string per row") from None
    _refuse_lookalike_keys(keys, key_ids, id_of_row < 0, ids.external_ids, key)
    if len(ids) and len(keys) and not (id_of_row >= 0).any():
        # a table keyed by other ids (or by a column that holds no ids) gave every id an
        # empty row without a word
        raise DataFormatError(
            f"none of the side table's {counted(len(keys), 'key')} in column {keys.name!r} "
            f"(e.g. {keys.iloc[:3].tolist()}) is "
            f"{'the one id' if len(ids) == 1 else f'one of the {len(ids):,} ids'} of the "
            f"interactions "
            f"(e.g. {ids.external_ids[:3].tolist()})", column=key,
            expected=f"a table keyed by the same ids, in a column named {key} (or its first "
                     "column)")
    taken = np.bincount(id_of_row[id_of_row >= 0], minlength=len(ids))
    if (taken > 1).any():
        # keys the id rule told apart that the lookup finds as one id: in the same words
        # (it was "item_id repeats in the side table: [...] are the same id", naming
        # neither the table nor the rows)
        index = int(np.argmax(taken > 1))
        raise _repeated_key(keys, key, ids.external_ids[index:index + 1].tolist()[0],
                            np.flatnonzero(id_of_row == index),
                            int(taken[taken > 1].sum()))
    positions = np.full(len(ids), -1, dtype=np.intp)
    positions[id_of_row[id_of_row >= 0]] = np.flatnonzero(id_of_row >= 0)
    # column by column, each in its own kind: an id without a row made every column an
    # object column of None, so an age of numbers was read as categories (or left out as
    # id-like) by the feature builder, without a word
    aligned = pd.DataFrame({at: _column_at(rest.iloc[:, at], positions)
                            for at in range(len(rest.columns))}, index=pd.RangeIndex(len(ids)))
    aligned.columns = rest.columns  # as named (a dict of tuple names made two levels)
    aligned.insert(0, key, ids.external_ids)
    return aligned


def _column_at(column: pd.Series, positions: np.ndarray) -> pd.Series:
    """The values of a side-table ``column`` at ``positions`` (-1: an id the table has no
    row for, whose value is missing), in the column's own kind of values, as the
    side-table readers (:mod:`recstack.data.side_table`) hold gaps: integers as pandas'
    nullable integers of the same width (``Int64``: an integer column with a gap made
    floats, or objects), flags as the nullable ``boolean``, floats with NaN, times with
    NaT, categories keeping their categories, pandas' own nullable kinds with ``<NA>``;
    text (an object or ``str`` column) as objects with ``None``."""
    dtype, index = column.dtype, pd.RangeIndex(len(positions))
    if not (positions < 0).any():  # every id has a row: the column as it is
        return column.iloc[positions].set_axis(index)
    if isinstance(dtype, np.dtype) and dtype.kind in "iu":
        column = column.astype(f"{'U' if dtype.kind == 'u' else ''}Int{8 * dtype.itemsize}")
    elif isinstance(dtype, np.dtype) and dtype.kind == "b":
        column = column.astype("boolean")
    elif pd.api.types.is_object_dtype(dtype) or (isinstance(dtype, pd.StringDtype)
                                                 and dtype.na_value is not pd.NA):
        # numpy's take would fill NaN where the text columns of recstack hold None
        values = column.to_numpy(dtype=object)
        out = np.full(len(positions), None, dtype=object)
        out[positions >= 0] = values[positions[positions >= 0]]
        # a Series of objects: given as an array, pandas would read text as str (NaN)
        return pd.Series(out, index=index, dtype=object, name=column.name)
    return pd.Series(column.array.take(positions, allow_fill=True), index=index,
                     name=column.name)


def _refuse_dropping_a_known_column(columns: Sequence[Any], role: str, taken: set[Any]
                                    ) -> None:
    """Refuse a frame without the default column of ``role`` ('value', 'timestamp') that
    has a column named as ``load_table`` finds that role by ('rating', 'time'...): the
    rating column was dropped without a word (every value 1.0) and the times with it."""
    option = "value_col" if role == "values" else "timestamp_col"
    # by name but for case and word separators ('Rating', 'Timestamp', 'TIME'), as
    # load_table matches them: an exact match alone dropped a frame's 'Rating' without a word
    found = _lookalike_columns(columns, role, taken)
    if not found:
        return
    from recstack.data.files import WELL_KNOWN_COLUMNS

    none = ("value_col=None to read every row as 1.0 (implicit feedback)" if role == "values"
            else "timestamp_col=None to read no times")
    raise ConfigError(f"from_frame: the frame has no column {WELL_KNOWN_COLUMNS[role][0]!r} "
                      f"but has {', '.join(map(repr, found))}, which by its name holds the "
                      f"{role} (load_table reads it so); name it with {option}={found[0]!r}, "
                      f"or pass {none}")


def unknown_column(column: Any, available: Sequence[Any], *, role: str | None = None,
                   file: str | None = None) -> UnknownColumnError:
    """The error for a column named by the user that is not there, with the nearest of
    ``available`` when one is close (another case, a letter off): the list alone left the
    user to spot that 'Rating' is 'rating' or 'userid' is 'user_id'."""
    error = UnknownColumnError(column, available, role=role, file=file)
    hint = did_you_mean(column, [c for c in available if isinstance(c, str)]) or \
        _name_of_another_type(column, available)
    if hint:
        error.args = (f"{error.args[0]}{hint}",)
    return error


def missing_id_column(name: str, columns: Sequence[Any], role: str, *,
                      taken: Collection[Any] = (), file: str | None = None,
                      renaming: Callable[[Any], str] | None = None) -> UnknownColumnError:
    """The error for a frame or file without its default id column ``name`` of ``role``
    ('user ids', 'item ids'), with the column that by its name seems to hold those ids
    ('UserID', 'userId', 'Item ID', as ``load_table`` finds them; none of ``taken``) and how
    to use it: the option (``user_col='userId'``) or, for a caller without one (Spark's
    ``encode``), ``renaming(column)``. One wording for :meth:`Interactions.from_frame` and
    the Spark loaders (Spark's said "no column 'user_id' for ids" with no hint)."""
    found = _lookalike_columns(columns, role, set(taken))
    if not found:
        return unknown_column(name, columns, role=role, file=file)
    error = UnknownColumnError(name, columns, role=role, file=file)
    option = "user_col" if role == "user ids" else "item_col"
    use = renaming(found[0]) if renaming is not None else \
        f"name it with {option}={found[0]!r}"
    error.args = (f"{error}; {found[0]!r} seems to hold the {role}: {use}",)
    return error


def _name_of_another_type(column: Any, available: Sequence[Any]) -> str:
    """The hint for a frame's column named by a number where the text was given, or the
    reverse (``user_col="0"`` for the column ``0`` of a frame read with ``header=None``):
    the list of columns showed ``0, 1`` and the name ``'0'``, as if the column were there.
    A frame whose columns are all numbered, asked for a named one, is told to name them
    by their numbers."""
    def kind(name: Any) -> str:
        return "text" if isinstance(name, str) else type(name).__name__.removeprefix("numpy.")

    same = next((c for c in available if type(c) is not type(column) and not isinstance(
        c, bool | np.bool_) and str(c).strip() == str(column).strip()), None)
    if same is not None and not isinstance(column, bool | np.bool_):
        return (f"; the column {shown(same)} is named by the {kind(same)} {shown(same)}, "
                f"not the {kind(column)} {shown(column)}: give {shown(same)}")
    numbered = [c for c in available
                if isinstance(c, numbers.Integral) and not isinstance(c, bool | np.bool_)]
    if isinstance(column, str) and available and len(numbered) == len(available):
        return ("; the frame's columns are numbered, as pandas names them when a file is "
                "read without a header (header=None): name each column by its number "
                "(e.g. user_col=0, item_col=1), or give the names when reading it "
                "(names=[...])")
    return ""


def _lookalike_columns(columns: Sequence[Any], role: str, taken: set[Any]) -> list[Any]:
    """The columns (not in ``taken``) whose name, but for case and word separators, is one
    by which ``load_table`` finds ``role`` (``'UserID'``, ``'Rating'``, ``'Timestamp'``)."""
    from recstack.data.files import WELL_KNOWN_COLUMNS

    def loose(name: str) -> str:
        return re.sub(r"[\s_\-.]", "", name).casefold()

    known = {loose(name) for name in WELL_KNOWN_COLUMNS[role]}
    return [c for c in columns if isinstance(c, str) and c not in taken and loose(c) in known]


def undeclared_rating_range_hint(data: Interactions) -> str:
    """Where interactions without a rating range hold values that look like ratings (not
    all one value, as implicit feedback is), the option that declares them: a ratings CSV
    read by ``load_table`` without ``rating_range`` is implicit, and the errors of the
    rating models and metrics only said "rating_range is None". Empty otherwise."""
    if data.rating_range is not None or not len(data):
        return ""
    low, high = float(data.value.min()), float(data.value.max())
    if low == high:
        return ""
    # the scale is the user's to give: the values seen (4 to 5, say) need not span it
    return (f"; their values run from {low:g} to {high:g}: if these are ratings, declare "
            "the rating scale when loading, load_table(..., rating_range=(LOW, HIGH)) or "
            "[data] rating_range = [LOW, HIGH] in an experiment file (e.g. (1, 5) for 1 to "
            "5 stars)")


def _matrix_dtype(dtype: Any) -> np.dtype:
    """``dtype`` as a numpy type a value matrix can have, or an error naming it."""
    try:
        wanted = np.dtype(dtype)
    except (TypeError, ValueError):  # a pandas Categorical or a ragged list: ValueError
        wanted = None
    if wanted is None or wanted.kind not in "biuf":
        raise ConfigError(f"to_csr: dtype must be a real number type such as np.float32, "
                          f"np.float64, np.int32 or bool, got {shown_given(dtype)}")
    return wanted


def _refuse_inexact_cells(data: Interactions, matrix: sp.csr_matrix, wanted: np.dtype
                          ) -> None:
    """Refuse a cell of ``matrix`` (float64 sums) that ``wanted`` cannot hold exactly."""
    cells = matrix.data
    if wanted.kind in "iu":
        info = np.iinfo(wanted)
        bad = (cells != np.floor(cells)) | (cells < info.min) | (cells > info.max)
        holds = f"whole numbers from {info.min:,} to {info.max:,}"
    else:
        with np.errstate(over="ignore"):  # a cell too large is what is looked for
            bad = cells.astype(wanted) != cells
        holds = f"{wanted.name} values (largest {float(np.finfo(wanted).max):g})"
    if not bad.any():
        return
    at = int(np.argmax(bad))
    row = int(np.searchsorted(matrix.indptr, at, side="right") - 1)
    user = data.users.to_external([row]).tolist()[0]
    item = data.items.to_external([int(matrix.indices[at])]).tolist()[0]
    raise DataFormatError(
        f"to_csr(dtype={wanted.name}): the value of user {user!r} and item {item!r} is "
        f"{cells[at]:g} (repeated rows summed), which {wanted.name} cannot hold; "
        f"{int(bad.sum()):,} cell(s) in all", column=VALUE,
        expected=f"{holds}, or a float dtype such as np.float32")


def _refuse_sums_beyond_float32(data: Interactions, exact: sp.csr_matrix) -> None:
    """Refuse a cell of ``exact`` (the float64 sums of repeated rows) beyond float32's
    range, naming its pair, as ``deduplicate("sum")`` does."""
    limit = float(np.finfo(np.float32).max)
    beyond = np.abs(exact.data) > limit
    if not beyond.any():
        return
    at = int(np.argmax(beyond))
    row = int(np.searchsorted(exact.indptr, at, side="right") - 1)
    user = data.users.to_external([row]).tolist()[0]
    item = data.items.to_external([int(exact.indices[at])]).tolist()[0]
    raise DataFormatError(
        f"to_csr(dtype=float32): the values of user {user!r} and item {item!r} sum to "
        f"{exact.data[at]:.3g} (repeated rows are summed), beyond float32's range "
        f"(±{limit:.3g}); {int(beyond.sum()):,} cell(s) in all", column=VALUE,
        expected="sums within float32's range: to_csr(dtype=np.float64), or resolve the "
                 "repeated rows first (deduplicate('max'), 'mean' or 'last')")


class ThresholdKeepsEveryRowWarning(UserWarning):
    """A threshold (:meth:`Interactions.implicit`'s ``threshold``) at or below every value
    of data whose values differ: every row was kept as a positive, as without a threshold
    (``implicit(0.4)`` meant for ``4`` on a 1-5 scale)."""


def warn_of_a_threshold_keeping_every_row(values: np.ndarray, threshold: float, said: str,
                                          what: str, effect: str) -> None:
    """Warn (:class:`ThresholdKeepsEveryRowWarning`) when ``threshold`` is at or below
    every one of ``values`` and they differ (a threshold meant to set some apart): the rule
    of :meth:`Interactions.implicit` and of the evaluator's ``relevance_threshold``.
    ``said`` opens the message, ``what`` names the values, ``effect`` what came of it."""
    if not len(values):
        return
    low, high = float(values.min()), float(values.max())
    if low == high or not at_least(values, threshold).all():
        return
    warnings.warn(
        f"{said}: the {len(values):,} {what} run from {low:g} to {high:g}, all at least the "
        f"threshold, so {effect}, as without one; give a threshold within the values (e.g. "
        "4 on a 1-5 scale), or leave it out",
        ThresholdKeepsEveryRowWarning, stacklevel=caller_stacklevel())


def check_threshold(threshold: Any, name: str) -> float | int | None:
    """``threshold`` (a value compared with :attr:`Interactions.value`) checked: None, or a
    finite real number of any kind (``int``, ``float``, numpy, ``Decimal``, ``Fraction``;
    not ``bool``), returned as Python's ``int`` (an integer) or ``float``. Exact numbers
    were refused as "not a finite number", and an integer past the float range (10**400)
    was numpy's TypeError. A number spelt as text (``"4"``) or bytes is refused with how
    to write it (``threshold = 4``), as the evaluator's other settings are; a spelt number
    that would be refused as well (``"inf"``) gets no hint. A 0-d numpy array
    (``np.array(4.0)``) is the number it holds (:func:`held_scalar`)."""
    threshold = held_scalar(threshold)  # was "got array(4.)" where np.float64(4.0) was taken
    if threshold is None:
        return None
    if isinstance(threshold, bool | np.bool_) or not isinstance(threshold,
                                                                numbers.Real | Decimal):
        from recstack.metrics._validation import how_to_write

        hint = how_to_write(threshold, float, name, _finite_spelt)
        # a list or array of thresholds was written whole, thousands of numbers
        raise ConfigError(f"{name} must be a finite number or None, got "
                          f"{shown_given(threshold)}{hint}")
    from recstack.specs import finite_or_infinite

    number = finite_or_infinite(threshold)
    if not np.isfinite(number):
        raise ConfigError(f"{name} must be a finite number or None, got "
                          f"{shown_number(threshold)}")
    if isinstance(threshold, numbers.Integral):
        return int(threshold)
    if isinstance(threshold, np.floating) and threshold.itemsize < 8:
        # as written: np.float32(3.6) is 3.6 (its shortest form; float32 compares alike),
        # not 3.5999999046325684 in a result's settings
        return float(str(threshold))
    return number


def _finite_spelt(meant: Any) -> bool:
    """Whether the number a quoted threshold spells is one :func:`check_threshold` takes."""
    return bool(np.isfinite(meant))


def at_least(values: np.ndarray, threshold: float) -> np.ndarray:
    """``values >= threshold`` for values kept as float32 (:attr:`Interactions.value`),
    compared in float32, the values' type, as :class:`~recstack.data.filters.MinValue`
    compares them: the rating 3.6, kept as float32(3.6) = 3.5999999, is at least the
    threshold 3.6 (in float64 it was not, so ``Evaluator(relevance_threshold=3.6)`` found
    such a rating not relevant and ``implicit(np.float64(3.6))`` dropped it). A threshold
    beyond float32's range lies above (below) every finite value."""
    if abs(threshold) > float(np.finfo(np.float32).max):
        return np.full(len(values), threshold < 0)
    return np.asarray(values, np.float32) >= np.float32(threshold)


def _why_no_positive(values: np.ndarray, threshold: float) -> str:
    """Why ``implicit(threshold)`` kept no row: a threshold above every value (6 on a 1-5
    scale), or data implicit already (every value 1.0, which a rating threshold of 4 drops
    whole), returned empty interactions that failed later, far from the cause."""
    low, high = float(values.min()), float(values.max())
    # "the 1 values run from 3 to 3": one value is one value
    message = (f"implicit(threshold={threshold:g}) keeps no row: " + (
        f"the {len(values):,} values run from {low:g} to {high:g}" if len(values) > 1 else
        f"the one value is {low:g}"))
    if low == high == 1.0:
        return (message + "; every value is 1.0, so these interactions are implicit "
                "already (a file without a rating column): leave the threshold out")
    return message + f"; choose a threshold of at most {high:g}"


def ragged_rows(value: Any, name: str) -> str | None:
    """How the nested lists of ``value`` differ in length (``ks[0] has 2 entries and ks[1]
    has 1``), or None when ``value`` is no list or tuple, or its rows are alike. numpy's
    own words for such a value are "setting an array element with a sequence", and
    pandas' "unhashable type: 'list'", naming no argument; an array row counts by its
    first dimension."""
    if not isinstance(value, list | tuple):
        return None
    lengths = [len(entry) if _is_row(entry) else None for entry in value]
    if all(length is None for length in lengths):
        return None
    differs = next((at for at, length in enumerate(lengths) if length != lengths[0]), None)
    if differs is not None:
        return (f"{name}[0] holds {_entries(lengths[0])} and {name}[{differs}] "
                f"{_entries(lengths[differs])}")
    for at, entry in enumerate(value):
        inner = ragged_rows(entry, f"{name}[{at}]")
        if inner is not None:
            return inner
    return None


def _is_row(entry: Any) -> bool:
    return isinstance(entry, list | tuple) or (isinstance(entry, np.ndarray)
                                               and entry.ndim > 0)


def _entries(length: int | None) -> str:
    return "a single value" if length is None else counted(length, "entry", "entries")


def refuse_ragged(value: Any, *, name: str, wanted: str,
                  error: type[Exception] = ConfigError, where: str = "",
                  advice: str = "") -> None:
    """Refuse ``value``, given as ``name`` (to ``where``, a prefix such as ``"ease:
    score_users: "``), when its nested lists differ in length (:func:`ragged_rows`),
    saying that ``name`` must be ``wanted`` (then ``advice``, the fix, when given): the
    check before a user's list reaches numpy or pandas, where it fails in their words.

    Everything after ``value`` is given by keyword: a second helper of this name took
    ``(where, name, value, error)``, and either order passed to the other checked the
    text ``where`` and let every ragged list through, silently."""
    if not (isinstance(name, str) and name and isinstance(wanted, str) and wanted):
        raise TypeError("refuse_ragged(value, *, name=..., wanted=...) needs the argument's "
                        f"name and what it must be as text, got name={name!r}, "
                        f"wanted={wanted!r}")
    problem = ragged_rows(value, name)
    if problem is not None:
        fix = f"; {advice}" if advice else ""
        raise error(f"{where}{name} must be {wanted}, got nested lists of different "
                    f"lengths ({problem}){fix}")


def is_one_of(name: Any, known: Sequence[str]) -> bool:
    """Whether ``name`` is text naming one of ``known`` (a policy, a mode). ``name in known``
    alone was numpy's "truth value of an array ... is ambiguous" for an array of names, a
    traceback where the caller's message names the choices; ``np.str_`` is text."""
    return isinstance(name, str) and name in known


def check_flag(value: Any, option: str) -> bool:
    """``value`` if it is True or False, else an error naming ``option``. Python reads any
    non-empty text as true, so ``overwrite="false"`` replaced a dataset and
    ``keep_unseen_items="no"`` kept every unseen item without a word. A 0-d array
    (``np.array(True)``) is the flag it holds."""
    value = held_scalar(value)
    if isinstance(value, bool | np.bool_):
        return bool(value)
    raise ConfigError(f"{option} must be True or False, got {value!r}")


def _seed_text_hint(seed: str) -> str:
    """The hint for a seed given as text, by the settings' one rule for numbers spelt as
    text: ``"1,000"`` and ``"\u0663"`` (an Arabic-Indic 3, which ``str.isdigit`` takes)
    were told nothing, or to write the very text refused."""
    from recstack.specs import number_spelling_hint  # specs imports the data layer

    digits = seed.strip()
    if digits.isascii() and digits.isdigit():
        return f" (text is not a number; give seed={digits})"
    return number_spelling_hint(seed, int, "seed").replace(" = ", "=")


def seed_value(seed: Any, where: str) -> int:
    """``seed`` as an int by the one seed rule of the data layer (the splits and the
    synthetic generator): a whole number in ``[0, SEED_MAX]``, given as an integer
    (Python's or numpy's) or as a whole number of another type (``3.0``, ``Decimal(3)``,
    ``Fraction(3)``), as every count of the data settings is; ``None``, true/false, text
    and fractions are refused. ``where`` starts the message (``"random: seed"``): the
    splits refused ``seed=3.0`` that ``SyntheticConfig`` took, and said of ``seed=None``
    only "expected an integer"."""
    rule = f"a seed is {SEED_RULE}"
    seed = held_scalar(seed)  # seed=np.array(3), a 0-d array, is the seed 3
    if isinstance(seed, np.random.Generator | np.random.RandomState | np.random.BitGenerator):
        # it was "seed = Generator(PCG64) at 0x7F...: expected a whole number", which did
        # not say why a generator, which numpy takes as a seed, is no seed here
        raise ConfigError(
            f"{where} = a numpy {type(seed).__name__}: expected a whole number; {rule} "
            "(a generator is not stored or repeated, a seed is: give the seed the generator "
            "was made from, e.g. seed=0)")
    if isinstance(seed, bool | np.bool_) or not isinstance(seed, numbers.Real | Decimal):
        hint = (" (None is no seed: every split and generator is seeded, so that a run "
                "repeats; give one, e.g. seed=0)" if seed is None else
                _seed_text_hint(seed) if isinstance(seed, str) else "")
        raise ConfigError(f"{where} = {shown(seed)}: expected a whole number; {rule}{hint}")
    number: Any = seed
    try:
        whole = int(number)
    except (ValueError, OverflowError):  # NaN, infinity
        whole = None
    if whole is None or number != whole:  # exactly: float() of a 30-digit Decimal rounds
        raise ConfigError(f"{where} = {shown(seed)}: not a whole number; {rule}")
    if not 0 <= whole <= SEED_MAX:
        raise ConfigError(f"{where} = {shown(seed)}: must be in [0, {SEED_MAX}]; {rule}")
    return whole


def check_name_list(names: Any, option: str, *, allow_empty: bool = True,
                    example: str = "['user_id', 'item_id']") -> list[str]:
    """``names`` as a list of distinct, non-empty column names, or an error naming
    ``option``. A lone string is refused rather than read as a list of its characters."""
    if isinstance(names, str | bytes) or not isinstance(names, Iterable):
        raise ConfigError(f"{option} must be a list of names such as {example}, not "
                          f"{names!r}")
    names = list(names)
    bad = [n for n in names if not isinstance(n, str) or not n]
    if bad or (not names and not allow_empty):
        raise ConfigError(f"{option} must be a list of non-empty names, got {names!r}")
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise ConfigError(f"{option} names {', '.join(map(repr, repeated))} twice")
    return names


# a misspelt field (Interactions(user_idx=...)) was the dataclass's TypeError naming
# __init__(), as from_arrays and from_frame say it
Interactions.__init__ = arguments_named(Interactions.__init__)  # type: ignore[method-assign]
# and so every public method (implicit(treshold=4), between(start, end, extra)): Python's
# TypeError named neither the method nor what it takes
for _method in ("user_counts", "item_counts", "to_csr", "to_frame", "select", "for_users",
                "for_items", "between", "sort_by_user_time", "sort_by_time", "compact",
                "deduplicate", "implicit", "with_values"):
    setattr(Interactions, _method, arguments_named(getattr(Interactions, _method)))
del _method

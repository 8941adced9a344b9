"""Interaction data as Spark DataFrames: reading, the id-to-index encoding, k-core filtering
and the splits, with the semantics and reports of :mod:`recstack.data.filters` and
:mod:`recstack.data.splits`.

The encoding is the single-machine one: indices ``0..n-1`` follow the sorted external ids
(:meth:`recstack.data.idmap.IdMap.encode`), so the same data get the same indices on both
paths. Every row carries a ``row`` number (its position in the source; files: Spark's
``monotonically_increasing_id`` in file order), used where the single-machine code uses the
row order: the tie-break of leave-last-N and the seed of the random split.

Seeds of the random split. The single-machine split orders each user's rows by numpy's
``default_rng(seed).random``; a stream like that cannot be reproduced across executors, so
here the order is ``xxhash64(seed, row)``: the same for every partitioning and cluster, and
uniform, but not the numpy order. The same seed therefore gives the same number of test
rows per user as :func:`recstack.data.splits.random_split`, drawn from the same
distribution, not the same rows.
"""

from __future__ import annotations

import functools
import json
import math
import os
import warnings
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from recstack.data.files import (
    _EXTENSION_DELIMITERS,
    _PARQUET_EXTENSIONS,
    FINITE_VALUE,
    MISSING_VALUE_SPELLINGS,
    _base_suffix,
    range_text,
    reading,
    warn_of_missing_value_id_count,
)
from recstack.data.filters import (
    FilterSpec,
    FilterStep,
    KCore,
    KCoreRound,
    MinValue,
    TimeWindow,
    removed_every_row,
    to_unix_seconds,
)
from recstack.data.idmap import IdMap
from recstack.data.interactions import (
    ITEM_ID,
    TIMESTAMP,
    TRUE_FALSE_AS_VALUES,
    USER_ID,
    VALUE,
    Interactions,
    MergedTimesWarning,
    ThresholdKeepsEveryRowWarning,
    at_least,
    caller_stacklevel,
    check_flag,
    is_one_of,
    missing_id_column,
    warn_of_inexact_values,
)
from recstack.data.partitioned import bounded_time_range
from recstack.data.splits import (
    LeaveLastOut,
    RandomSplit,
    SplitReport,
    TemporalSplit,
    _exact_as_read,
    _shown,
    refuse_a_count_for_a_share,
    refuse_cutoff_beyond_the_years,
    share_count,
)
from recstack.errors import (
    ConfigError,
    DataFormatError,
    EmptyResultError,
    RecstackError,
    UnknownColumnError,
    counted,
)
from recstack.errors import shown as shown_value
from recstack.specs import SEED_MAX, SEED_RULE, arguments_named, home_problem

USER_INDEX = "user_index"
ITEM_INDEX = "item_index"
ROW = "row"
#: the part of a second that flooring took from a fractional time (``1.7`` keeps ``0.7``),
#: carried only by data where two distinct times of one user share a second: there it
#: orders the user's rows of that second in leave_last_out and the time-ordered user split,
#: as the data say (Spark has no row order in the source to fall back on, as one machine has).
#: It shows in ``data.frame.columns`` because a Spark DataFrame has no hidden columns and the
#: filters' joins and the splits' windows must carry it with each row; the leading
#: underscore marks it as recstack's own: :meth:`SparkInteractions.to_interactions` and
#: :func:`write_parquet` leave it out, and :func:`encode` reads no such column of its input
TIME_FRACTION = "_time_fraction"
_LEVELS = ("year", "month", "day")
_DAY = 86_400
#: the largest index Spark's ALS and the int index columns hold (a Java int)
JAVA_INT_MAX = 2**31 - 1
JAVA_LONG_MAX = 2**63 - 1


def as_count_bound(n: int) -> int:
    """A row-count bound (``user_min``, ``n``) as a Spark literal: one past Java's long
    (``user_min = 10**20``, which Python and the single-machine code take) was a Py4J
    ``NumberFormatException``; no count reaches 2**63 - 1, so the comparison is the same."""
    return min(int(n), JAVA_LONG_MAX)


@dataclass(frozen=True)
class SparkInteractions:
    """Interactions as a DataFrame (``user_index, item_index, value[, timestamp], row``,
    and :data:`TIME_FRACTION`, ``_time_fraction``, where fractions of a second order some
    user's rows: a column of recstack's own, visible since Spark hides none, which
    :meth:`to_interactions` and :func:`write_parquet` leave out; select the named columns
    for a frame of your own)
    with the two vocabularies as DataFrames (``user_id, user_index`` and ``item_id,
    item_index``). Splits share the vocabularies, as on a single machine.

    ``item_table`` / ``user_table``, when present, are the side tables of
    :class:`Interactions` as DataFrames with the index added: ``item_index, item_id, ...``
    with exactly one row per index (see :func:`with_side_tables`); filters that compact
    the data renumber them with the vocabularies, splits share them.

    ``context_cols`` names the per-row context columns the frame carries (those
    :func:`read_partitioned` reads back, as one machine's reader keeps them in
    :attr:`Interactions.context`); a step whose frame drops them drops their names.

    ``rating_range`` is ``(low, high)`` for explicit ratings, as
    :attr:`Interactions.rating_range` (kept by every step, and by :meth:`to_interactions`),
    and None for implicit data."""

    frame: Any
    users: Any
    items: Any
    n_users: int
    n_items: int
    has_timestamps: bool
    item_table: Any = None
    user_table: Any = None
    context_cols: tuple[str, ...] = ()
    rating_range: tuple[float, float] | None = None

    def with_frame(self, frame: Any) -> SparkInteractions:
        kept = self.context_cols
        if kept:
            # a step that selected its own columns left the context behind: names of
            # columns the frame no longer holds would fail the collection
            present = set(frame.columns)
            kept = tuple(name for name in kept if name in present)
        return replace(self, frame=frame, context_cols=kept)

    def to_interactions(self) -> Interactions:
        """The rows on the driver as :class:`Interactions` in ``row`` order, with the side
        tables (for exports and checks; it collects everything). Context and side-table
        columns made of pandas ones by :func:`from_pandas` (as :func:`from_interactions`
        makes them) come back in their pandas types: times with their zone, nullable
        floats, categories."""
        users = _ids_in_index_order(self.users, USER_ID, USER_INDEX, self.n_users)
        items = _ids_in_index_order(self.items, ITEM_ID, ITEM_INDEX, self.n_items)
        columns = [USER_INDEX, ITEM_INDEX, VALUE] + ([TIMESTAMP] if self.has_timestamps else [])
        frame = _collected(self.frame, [ROW, *columns, *self.context_cols], ROW)
        timestamp = frame[TIMESTAMP].to_numpy(np.int64) if self.has_timestamps else None
        context = (frame[list(self.context_cols)].reset_index(drop=True)
                   if self.context_cols else None)
        return Interactions(frame[USER_INDEX].to_numpy(np.int32),
                            frame[ITEM_INDEX].to_numpy(np.int32),
                            frame[VALUE].to_numpy(np.float32), timestamp, users, items,
                            item_table=_table_on_driver(self.item_table, ITEM_INDEX),
                            user_table=_table_on_driver(self.user_table, USER_INDEX),
                            rating_range=self.rating_range, context=context)


@dataclass(frozen=True)
class SparkSplit:
    """``train``, ``test`` and ``set_apart`` (test rows no model could rank), the
    :class:`~recstack.data.splits.SplitReport` counting them, and ``fold_in`` (the
    revealed history of held-out users; None for splits without held-out users)."""

    train: SparkInteractions
    test: SparkInteractions
    set_apart: SparkInteractions
    report: SplitReport
    fold_in: SparkInteractions | None = None


# --------------------------------------------------------------------------- argument checks
def check_data(data: Any, where: str) -> SparkInteractions:
    """``data`` when it is :class:`SparkInteractions`; a Spark or pandas DataFrame,
    single-machine :class:`Interactions` or None is refused naming the function and how to
    make one (each failed on a missing attribute: "Attribute `frame` is not supported")."""
    if isinstance(data, SparkInteractions):
        _refuse_stopped(getattr(data.frame, "sparkSession", None), where)
        return data
    if isinstance(data, Interactions):
        hint = "; recstack.spark.data.from_interactions(spark, data) makes one of Interactions"
    elif hasattr(data, "sparkSession"):
        hint = ("; recstack.spark.data.encode(frame) indexes a Spark DataFrame of user_id, "
                "item_id[, value][, timestamp]")
    elif hasattr(data, "columns"):
        hint = ("; encode(spark.createDataFrame(table)) makes one of a pandas table of "
                "user_id, item_id[, value][, timestamp]")
    else:
        hint = ""
    raise ConfigError(f"{where}: expected SparkInteractions (from recstack.spark.data: encode, "
                      "read_table, read_partitioned, from_interactions, or a split's train), "
                      f"got {type(data).__name__}{hint}")


def check_session(spark: Any, where: str) -> None:
    """Refuse a ``spark`` argument that is no Spark session (None, a path given first, a
    DataFrame): each failed on a missing ``read`` or ``createDataFrame`` attribute."""
    if hasattr(spark, "read") and hasattr(spark, "createDataFrame") \
            and hasattr(spark, "sparkContext"):
        _refuse_stopped(spark, where)
        return
    got = repr(spark) if isinstance(spark, str | Path) else type(spark).__name__
    raise ConfigError(f"{where}: the first argument must be the SparkSession (from "
                      "recstack.spark.session.spark_session), got "
                      f"{got}; call it as {where.split('(')[0]}(spark, ...)")


def _refuse_stopped(spark: Any, where: str) -> None:
    """Refuse a session after ``spark.stop()`` (pyspark then drops the context's Java
    side): every job failed with py4j's "'NoneType' object has no attribute 'sc'" or
    "Cannot call methods on a stopped SparkContext"."""
    context = getattr(spark, "sparkContext", None)
    if context is not None and getattr(context, "_jsc", True) is None:
        raise ConfigError(f"{where}: the Spark session was stopped (spark.stop()); start "
                          "another with recstack.spark.session.spark_session() and read the "
                          "data again with it")


def check_spark_frame(frame: Any, name: str) -> Any:
    """``frame`` when it is a Spark DataFrame; a pandas table, :class:`Interactions` or
    :class:`SparkInteractions` is refused naming the argument and the conversion."""
    if hasattr(frame, "sparkSession") and isinstance(getattr(frame, "columns", None), list):
        _refuse_stopped(frame.sparkSession, name)
        return frame
    hint = ("; its .frame is the DataFrame of indices" if isinstance(frame, SparkInteractions)
            else "; from_interactions(spark, data) turns Interactions into SparkInteractions"
            if isinstance(frame, Interactions)
            else "; spark.createDataFrame(table) makes one of a pandas table"
            if hasattr(frame, "columns") else "")
    raise ConfigError(f"{name}: expected a Spark DataFrame, got {type(frame).__name__}{hint}")


def check_index_columns(frame: Any, name: str, columns: Sequence[str], *,
                        low: Mapping[str, int] | None = None) -> Any:
    """``frame`` (a Spark DataFrame) when ``columns`` are there, of an integer type, with
    no null and none below ``low[column]`` (default 0) on any row. Index frames given by
    the user (pairs to score, users to rank, top-K lists) otherwise failed inside Spark
    ("Column user_index must be of type numeric", "Ids MUST NOT be Null", CAST_OVERFLOW,
    a division by a rank of 0) or, with text, after a cast."""
    from pyspark.sql import functions as F
    from pyspark.sql import types as T

    frame = check_spark_frame(frame, name)
    for column in columns:
        if column not in frame.columns:
            raise UnknownColumnError(column, frame.columns, role=name)
        kind = frame.schema[column].dataType
        if not isinstance(kind, T.IntegralType):
            raise DataFormatError(f"{name} holds {kind.simpleString()}", column=column,
                                  expected="whole-number indices (int or long)")
    bounds = {column: (low or {}).get(column, 0) for column in columns}
    condition = F.lit(False)
    for column, bound in bounds.items():
        condition = condition | F.col(column).isNull() | (F.col(column) < bound)
        if not isinstance(frame.schema[column].dataType, T.IntegerType | T.ShortType
                          | T.ByteType):
            condition = condition | (F.col(column) > JAVA_INT_MAX)
    found = frame.filter(condition).select(*columns).limit(1).collect()
    if found:
        row = found[0].asDict()
        column = next(c for c in columns if row[c] is None or not
                      bounds[c] <= row[c] <= JAVA_INT_MAX)
        what = "a missing (null) index" if row[column] is None else f"{row[column]}"
        raise DataFormatError(f"{what} in {name}, on the row {_preview_row(row)}",
                              column=column,
                              expected=f"an integer from {bounds[column]} to {JAVA_INT_MAX} "
                                       "on every row")
    return frame


# --------------------------------------------------------------------------- reading
@arguments_named
def from_interactions(spark: Any, data: Interactions) -> SparkInteractions:
    """The same interactions as a Spark DataFrame (same indices; ``row`` = position)."""
    import pandas as pd

    from recstack.models.base import check_interactions

    check_session(spark, "from_interactions(spark, data)")
    check_interactions(data, "from_interactions(spark, data)")
    columns = {USER_INDEX: data.user_index, ITEM_INDEX: data.item_index,
               VALUE: data.value.astype(np.float64), ROW: np.arange(len(data), dtype=np.int64)}
    if data.timestamp is not None:
        columns[TIMESTAMP] = data.timestamp
    table = pd.DataFrame(columns)
    context: tuple[str, ...] = ()
    if data.context is not None and len(data.context.columns):
        # the per-row context one machine keeps (Interactions.context): it was dropped here,
        # as the rating range was (both now collected back by to_interactions)
        context = tuple(str(name) for name in data.context.columns)
        for name in context:
            _refuse_context_named_like_ours(name, "from_interactions(spark, data)")
        table = pd.concat([table, data.context.reset_index(drop=True)], axis=1)
    frame = from_pandas(spark, table)
    users = spark.createDataFrame(pd.DataFrame({USER_ID: data.users.external_ids,
                                                USER_INDEX: np.arange(data.n_users)}))
    items = spark.createDataFrame(pd.DataFrame({ITEM_ID: data.items.external_ids,
                                                ITEM_INDEX: np.arange(data.n_items)}))
    result = SparkInteractions(frame, users, items, data.n_users, data.n_items,
                               data.timestamp is not None, context_cols=context,
                               rating_range=data.rating_range)
    return with_side_tables(
        result,
        item_table=None if data.item_table is None else from_pandas(spark, data.item_table),
        user_table=None if data.user_table is None else from_pandas(spark, data.user_table))


@arguments_named
def with_side_tables(data: SparkInteractions, *, item_table: Any = None,
                     user_table: Any = None) -> SparkInteractions:
    """``data`` carrying item and/or user side tables (Spark DataFrames), aligned to its
    vocabularies as :meth:`Interactions.from_arrays` aligns them: the key is the column
    named ``item_id`` / ``user_id``, else the first column; a key that repeats is refused;
    rows of ids without interactions are dropped, ids without a row get nulls; the result
    has one row per index, ``item_index, item_id, <the other columns>``. A distributed
    join, so a catalog of millions of items never passes through the driver."""
    check_data(data, "with_side_tables(data)")
    changes = {}
    if item_table is not None:
        changes["item_table"] = _align_side_table(item_table, data.items, ITEM_ID, ITEM_INDEX)
    if user_table is not None:
        changes["user_table"] = _align_side_table(user_table, data.users, USER_ID, USER_INDEX)
    return replace(data, **changes)


@arguments_named
def from_pandas(spark: Any, table: Any) -> Any:
    """``table`` (a pandas DataFrame, e.g. a side table for :func:`with_side_tables`) as a
    Spark DataFrame that comes back to the driver (:meth:`SparkInteractions.to_interactions`)
    with the pandas types it went in with, where ``spark.createDataFrame(table)`` loses them:

    * times with a time zone come back as the same instants in the same zone
      (``datetime64[ns, UTC]`` as ``datetime64[ns, UTC]``); a zone pandas cannot name again
      from its text (a ``datetime.timezone`` offset) comes back as the same instants in UTC.
      Spark holds them as instants (its ``timestamp``);
    * naive times come back naive, as the same wall-clock times whatever the session's time
      zone: Spark holds them as those wall-clock times in UTC (one machine's readers take a
      time without a zone as UTC too), so a Spark session in UTC shows them unchanged;
    * nullable floats (``Float32``, ``Float64``) come back nullable, a missing value
      (``<NA>``) apart from a NaN; Spark holds them as ``float`` / ``double`` with nulls;
    * categories come back as categories with the same categories (unused ones too), their
      order and whether they are ordered; Spark holds their values (text or numbers).

    The pandas type of each such column is recorded as JSON in the column's metadata (under
    :data:`PANDAS_TYPE_KEY`), which Spark keeps through selections, joins and Parquet
    files; a column whose metadata records none comes back as Spark's type gives it."""
    import pandas as pd
    from pyspark.sql import functions as F

    check_session(spark, "from_pandas(spark, table)")
    if not isinstance(table, pd.DataFrame):
        hint = (" (its .to_frame() makes one of a Series)" if isinstance(table, pd.Series)
                else "")
        raise ConfigError("from_pandas(spark, table): table must be a pandas DataFrame, got "
                          f"{type(table).__name__}{hint}")
    repeated = table.columns[table.columns.duplicated()]
    if len(repeated):
        raise DataFormatError(f"the table names the column {shown_value(repeated[0])} more than "
                              "once; Spark refuses a table whose columns share a name",
                              column=str(repeated[0]), expected="one column per name")
    from recstack.data.interactions import _refuse_text_among_numbers

    for name in (USER_ID, ITEM_ID):
        if name in table.columns and table[name].dtype == object:
            # pyspark made the numbers of such a column text without a word, and encode
            # then merged user 1 and user "1"; one machine's from_frame refuses them
            _refuse_text_among_numbers(table[name], table[name].to_numpy(), name)
    sent = table.copy(deep=False)
    records: dict[str, str] = {}
    masked = False
    for name in table.columns:
        masked = masked or _is_nullable_type(table[name].dtype)
        record = _pandas_type_record(table[name].dtype)
        if record is None:
            continue
        records[str(name)] = json.dumps(record)
        if record["kind"] == "datetime":
            # as UTC instants: pyspark reads a naive time in the session's zone with Arrow
            # and in the Python process's zone without it, so only an aware time is exact;
            # to the microsecond, Spark's resolution
            times = table[name].dt
            utc = times.tz_convert("UTC") if times.tz is not None else times.tz_localize("UTC")
            sent[name] = utc.dt.floor("us")
    if not records and not masked:
        return spark.createDataFrame(sent)
    frame = _through_arrow(spark, sent)
    return frame.select(*[
        F.col(_quoted(name)).alias(name, metadata={PANDAS_TYPE_KEY: records[name]})
        if name in records else F.col(_quoted(name)) for name in frame.columns])


def _through_arrow(spark: Any, table: Any) -> Any:
    """``table`` as a Spark DataFrame by way of a pyarrow table, whatever the session's
    ``spark.sql.execution.arrow.pyspark.enabled``: without Arrow pyspark took a missing
    value of a nullable float for a number, and failed on one of a nullable flag
    (CANNOT_MERGE_TYPE); with it, it kept them. Categories go as their values. A table
    pyarrow cannot convert (objects of mixed types) is left to pyspark's own rules."""
    import pyarrow as pa
    import pyarrow.compute as pc

    try:
        arrow = pa.Table.from_pandas(table, preserve_index=False)
        columns = [pc.cast(column, column.type.value_type)
                   if pa.types.is_dictionary(column.type) else column
                   for column in arrow.columns]
        arrow = pa.table(columns, names=arrow.column_names)
        return spark.createDataFrame(arrow)
    except (pa.ArrowException, TypeError, ValueError):
        return spark.createDataFrame(table)


def _is_nullable_type(dtype: Any) -> bool:
    """Whether ``dtype`` is one of pandas' nullable numbers or flags (``Int32``,
    ``boolean``, ``Float32``...), whose missing values pyspark reads wrongly without Arrow."""
    import pandas as pd

    return isinstance(dtype, pd.BooleanDtype | pd.Float32Dtype | pd.Float64Dtype
                      | pd.Int8Dtype | pd.Int16Dtype | pd.Int32Dtype | pd.Int64Dtype
                      | pd.UInt8Dtype | pd.UInt16Dtype | pd.UInt32Dtype | pd.UInt64Dtype)


#: the key of a Spark column's metadata under which :func:`from_pandas` records the pandas
#: type of a column Spark's own type does not tell (JSON: ``{"kind": ..., ...}``)
PANDAS_TYPE_KEY = "recstack.pandas_type"


def _pandas_type_record(dtype: Any) -> dict[str, Any] | None:
    """What :func:`_collected` needs to give a column of pandas type ``dtype`` back, or
    None where Spark's own type tells it (numbers, text, flags, nullable integers)."""
    import pandas as pd

    if isinstance(dtype, pd.DatetimeTZDtype):
        try:
            named_again = pd.api.types.pandas_dtype(str(dtype)) == dtype
        except (TypeError, ValueError):
            named_again = False
        unit = dtype.unit
        return {"kind": "datetime", "dtype": str(dtype) if named_again
                else str(pd.DatetimeTZDtype(unit, "UTC"))}
    if isinstance(dtype, np.dtype) and dtype.kind == "M":
        return {"kind": "datetime", "dtype": str(dtype)}
    if isinstance(dtype, pd.Float32Dtype | pd.Float64Dtype):
        return {"kind": "nullable float", "dtype": str(dtype)}
    if isinstance(dtype, pd.CategoricalDtype):
        categories = dtype.categories.tolist()
        if not all(isinstance(value, str | int | float) for value in categories):
            return None  # no JSON for them (dates, intervals): they come back as values
        return {"kind": "category", "categories": categories, "ordered": bool(dtype.ordered),
                "categories_dtype": str(dtype.categories.dtype)}
    return None


def _quoted(name: str) -> str:
    """``name`` as Spark reads a column name literally (``a.b`` is no field ``b`` of ``a``)."""
    return "`" + name.replace("`", "``") + "`"


@arguments_named
def read_movielens(spark: Any, folder: str | Path) -> SparkInteractions:
    """MovieLens 100K from its extracted folder, as
    :func:`recstack.data.movielens.load_movielens` reads it: the ratings of ``u.data``
    (read by Spark, ``row`` = line order) and the side tables of ``u.item`` and ``u.user``
    (parsed by the single-machine reader: their genres, years and titles are the same
    values; they are small), aligned with :func:`with_side_tables`. Other releases: read
    their ratings with :func:`read_table` and add the tables with :func:`with_side_tables`.
    """
    from recstack.data import movielens

    check_session(spark, "read_movielens(spark, folder)")
    folder = Path(_location(folder, "read_movielens folder"))
    variant = movielens.detect_variant(folder) if folder.is_dir() else None
    if variant != "100k":
        raise RecstackError(f"{folder}: read_movielens reads MovieLens 100K (a folder holding "
                            f"u.data, u.item and u.user), got {variant or 'no MovieLens folder'}; "
                            "read other releases with read_table and with_side_tables")
    # the single-machine reader's checks first, with its words: a malformed line, a rating
    # off the release's whole stars or outside 1-5, a (user, movie) pair on two lines, an
    # age outside 1-120, a movie or user the side files do not list, each named by file
    # and line (Spark read a damaged line as nulls, and kept the others without a word);
    # the files are small
    chosen = movielens.release("100k")
    with reading(folder):
        users, items, _, _ = movielens._read_ratings(folder, "100k", chosen)
        item_table, user_table = movielens._read_side_tables(folder, "100k")
        movielens._refuse_unlisted(folder, "100k", items, item_table, "movie")
        if user_table is not None:
            movielens._refuse_unlisted(folder, "100k", users, user_table, "user")
    frame = (spark.read.options(sep="\t", header="false")
             .schema(f"{USER_ID} int, {ITEM_ID} int, {VALUE} double, {TIMESTAMP} long")
             .csv(str(folder / "u.data")))
    # explicit ratings on the release's scale, as load_movielens returns them
    data = replace(encode(frame, where=str(folder / "u.data")),
                   rating_range=chosen.rating_range)
    return with_side_tables(
        data, item_table=from_pandas(spark, item_table),
        user_table=None if user_table is None else from_pandas(spark, user_table))


@arguments_named
def encode(frame: Any, *, where: str = "data") -> SparkInteractions:
    """Index a DataFrame of ``user_id, item_id[, value][, timestamp]`` (a ``row`` column is
    kept if present, else numbered in the frame's order): indices follow the sorted external
    ids, as :meth:`IdMap.encode` does."""
    return _encode(frame, where, ())


def _encode(frame: Any, where: str, context: Sequence[str]) -> SparkInteractions:
    """:func:`encode`, keeping the per-row ``context`` columns of ``frame``."""
    from pyspark.sql import functions as F

    frame = _checked_columns(check_spark_frame(frame, "encode(frame)"), where, keep=context)
    if ROW not in frame.columns:
        frame = frame.withColumn(ROW, F.monotonically_increasing_id())
    if VALUE not in frame.columns:
        frame = frame.withColumn(VALUE, F.lit(1.0))
    users, n_users = _vocabulary(frame, USER_ID, USER_INDEX)
    items, n_items = _vocabulary(frame, ITEM_ID, ITEM_INDEX)
    has_time = TIMESTAMP in frame.columns
    columns = [USER_INDEX, ITEM_INDEX, F.col(VALUE).cast("double").alias(VALUE), ROW]
    if has_time:
        columns.append(F.col(TIMESTAMP).cast("long").alias(TIMESTAMP))
        if TIME_FRACTION in frame.columns:
            columns.append(TIME_FRACTION)
    indexed = (frame.join(F.broadcast(users) if n_users < 1_000_000 else users, USER_ID)
               .join(F.broadcast(items) if n_items < 1_000_000 else items, ITEM_ID)
               .select(*columns, *context))
    return SparkInteractions(indexed, users, items, n_users, n_items, has_time,
                             context_cols=tuple(context))


#: why an id holding a NUL character is refused, in the words of one machine's loaders
#: (:func:`recstack.data.idmap.arrow_text_ids`)
NUL_ID_WORDS = ("text holding a NUL character ('\\x00'), which no id can hold (no text file "
                "carries one, and a saved model would drop it); strip NUL characters from "
                "the ids")


def _such_values(count: int) -> str:
    """How many values share the refused one's problem, as one machine's loaders say it."""
    return f" ({count:,} such values in all)" if count > 1 else ""


def _renaming_hint(found: str, *, to: str) -> str:
    """How to give a frame's column ``found`` the name ``to`` that encode reads."""
    return f"rename it, frame.withColumnRenamed({found!r}, {to!r})"


def _checked_columns(frame: Any, where: str, keep: Sequence[str] = ()) -> Any:
    """``frame`` with its id, value and timestamp columns checked, text numbers cast.

    Ids must be present on every row and plain values (numbers or text); values numbers
    (or text that reads as numbers), finite; timestamps whole Unix seconds (integers, a
    timestamp or date type, or text that reads as an integer). One pass over the data
    finds the first offending row; Spark would otherwise fail later, deep in a job, or
    (NaN, infinity) give NaN results."""
    from pyspark.sql import functions as F
    from pyspark.sql import types as T

    _refuse_repeated_columns(frame, where)
    given = list(frame.columns)
    # only the columns of a role: others are dropped anyway, and one named like an output
    # column (user_index, item_index) made the joins below fail as AMBIGUOUS_REFERENCE
    # (and the context columns asked to be kept: read_partitioned's)
    frame = frame.select(*[c for c in frame.columns if c in _INPUT_COLUMNS or c in keep])
    for column in (USER_ID, ITEM_ID):
        if column not in frame.columns:
            # the frame's own columns: those left after the selection above hid the one
            # meant ('User_Id' was not listed beside "no column 'user_id'")
            # one machine's words and hint (from_frame's): encode has no user_col, so the
            # hint is the rename
            raise missing_id_column(
                column, given, "user ids" if column == USER_ID else "item ids",
                taken=(USER_ID, ITEM_ID, VALUE, TIMESTAMP, ROW), file=where,
                renaming=functools.partial(_renaming_hint, to=column))
        kind = frame.schema[column].dataType
        if not isinstance(kind, T.IntegralType | T.StringType | T.FractionalType):
            # the single-machine rule (recstack.data.files): booleans, dates and binary
            # values are no ids (True and False were two users)
            raise DataFormatError(f"holds {kind.simpleString()}", file=where, column=column,
                                  expected="ids: integers or text")
        if isinstance(kind, T.FractionalType):
            # float and decimal ids: whole numbers below 2**53 are those integers, as on
            # one machine (2.5 was a user, and 1.0 an id unlike the integer 1)
            value = F.col(column).cast("double")
            fraction = frame.filter(F.col(column).isNotNull() & (
                F.isnan(value) | (F.abs(value) >= float(2**53)) | (value != F.floor(value))
            )).limit(1).collect()
            if fraction:
                row = fraction[0].asDict()
                raise DataFormatError(f"{row[column]!r} is not a whole number below 2**53, "
                                      f"on the row {_preview_row(row)}", file=where,
                                      column=column, expected="integer or text ids")
            frame = frame.withColumn(column, F.col(column).cast("long"))
    if TIMESTAMP in frame.columns:
        frame = _times_as_unix_seconds(frame)
        if isinstance(frame.schema[TIMESTAMP].dataType, T.StringType):
            frame = _text_times_as_unix_seconds(frame, where)
    if VALUE in frame.columns and isinstance(frame.schema[VALUE].dataType, T.BooleanType):
        # one machine's rule (recstack.data.interactions): True and False were read as
        # ratings 1.0 and 0.0 here, and a false row counted as an interaction
        raise DataFormatError("holds true/false values", file=where, column=VALUE,
                              expected=f"numbers; {TRUE_FALSE_AS_VALUES}")
    wanted = {VALUE: ("double", (T.NumericType,), "numbers"),
              TIMESTAMP: ("long", (T.IntegralType, T.TimestampType, T.DoubleType),
                          "whole Unix seconds")}
    problems = [F.col(USER_ID).isNull(), F.col(ITEM_ID).isNull()]
    if ROW in frame.columns:
        if not isinstance(frame.schema[ROW].dataType, T.IntegralType):
            raise DataFormatError(f"holds {frame.schema[ROW].dataType.simpleString()}",
                                  file=where, column=ROW, expected=_ROW_WORDS)
        problems.append(F.col(ROW).isNull())
    # the ids as written, for the warning of those trimming merged (after the refusals)
    untrimmed = frame
    for column in (USER_ID, ITEM_ID):
        if isinstance(frame.schema[column].dataType, T.StringType):
            # text ids are trimmed as every single-machine loader trims them (Unicode
            # whitespace, as arrow's utf8_trim_whitespace), so " a" is "a" here too
            frame = frame.withColumn(column, F.regexp_replace(F.col(column),
                                                              _SURROUNDING_WHITESPACE, ""))
            problems.append(F.col(column) == "")
            # one machine's rule (recstack.data.idmap.arrow_text_ids): 'a\x00' was an id
            # here, refused only when a model was saved or its ids read on one machine
            problems.append(F.col(column).contains("\x00"))
    for column, (target, accepted, words) in wanted.items():
        if column not in frame.columns:
            continue
        kind = frame.schema[column].dataType
        if isinstance(kind, T.StringType):
            cast = F.col(column).try_cast(target)
            unreadable = frame.filter(F.col(column).isNotNull() & cast.isNull()).limit(1)
            example = unreadable.collect()
            if example:
                raise DataFormatError(f"cannot read {example[0][column]!r} as {words}",
                                      file=where, column=column, expected=words)
            frame = frame.withColumn(column, cast)
        elif not isinstance(kind, accepted):
            raise DataFormatError(f"holds {kind.simpleString()}", file=where, column=column,
                                  expected=words)
        values = F.col(column).cast("double")
        problems.append(values.isNull())
        if column == VALUE:
            # values are float32 on one machine (recstack.data.files refuses 1e39 as it
            # refuses inf); here 1e300 became inf in the graded metrics and in ALS
            problems += [F.isnan(values), F.abs(values) > _FLOAT32_MAX]
        else:
            problems.append(F.abs(values) >= _SECONDS_BELOW)
    condition = problems[0]
    for problem in problems[1:]:
        condition = condition | problem
    offending = frame.filter(condition).limit(1).collect()
    if offending:
        row = offending[0].asDict()
        expected = {USER_ID: "an id on every row", ITEM_ID: "an id on every row",
                    VALUE: "a finite number on every row",
                    TIMESTAMP: "whole Unix seconds on every row", ROW: _ROW_WORDS}
        for column, words in expected.items():
            value = row.get(column, 0.0)
            if value == "" and column in (USER_ID, ITEM_ID):
                raise DataFormatError(f"an empty id on the row {_preview_row(row)}",
                                      file=where, column=column, expected=words)
            if isinstance(value, str) and "\x00" in value:
                count = frame.filter(F.col(column).contains("\x00")).count()
                raise DataFormatError(f"{shown_value(value)} on the row {_preview_row(row)} "
                                      f"is {NUL_ID_WORDS}{_such_values(count)}", file=where,
                                      column=column, expected="integer or text ids")
            if value is None:
                raise DataFormatError(f"a missing (null) value on the row "
                                      f"{_preview_row(row)}", file=where, column=column,
                                      expected=words)
            if isinstance(value, float) and not math.isfinite(value):
                raise DataFormatError(f"{value} on the row {_preview_row(row)}", file=where,
                                      column=column, expected=words)
            if column == VALUE and abs(float(value)) > _FLOAT32_MAX:
                raise DataFormatError(f"{value} on the row {_preview_row(row)} is beyond "
                                      "float32's range (values are float32, as on one "
                                      "machine)", file=where, column=column,
                                      expected=FINITE_VALUE)
        time = row.get(TIMESTAMP)
        if isinstance(time, int | float) and abs(time) >= _SECONDS_BELOW:
            raise DataFormatError(
                f"{time} on the row {_preview_row(row)} is past the year 5138 as Unix "
                "seconds: it looks like milliseconds or a finer unit (one machine reads "
                "such a column in that unit); divide the column to seconds before reading "
                "it here (e.g. F.col('timestamp') / 1000 for milliseconds)", file=where,
                column=TIMESTAMP, expected="whole Unix seconds, below 1e11")
    if TIME_FRACTION in frame.columns:
        frame = _with_fractions_that_order(frame, where)
    if ROW in frame.columns:
        _refuse_repeated_rows(frame, where)
    _warn_of_ids_merged_by_trimming(untrimmed, where)
    _warn_of_lookalike_ids(frame, where)
    _warn_of_missing_value_ids(frame, where)
    if VALUE in frame.columns:
        _warn_of_inexact_values(frame, where)
    return frame


#: Spark's spelling of the trimming of every single-machine loader (arrow's
#: utf8_trim_whitespace: Unicode whitespace at either end)
_SURROUNDING_WHITESPACE = r"(?U)^\s+|\s+$"
#: the counts in one machine's words of a merge shown by two spellings of one id
_EXAMPLE_COUNTS = "1 id(s) were written in 2 ways"


def _warn_of_ids_merged_by_trimming(frame: Any, where: str) -> None:
    """Warn (:class:`~recstack.data.LookalikeIdWarning`, in the words of one machine's
    loaders, :func:`recstack.data.idmap.warn_of_ids_merged_by_trimming`) where text ids of
    ``frame`` (as written, before trimming) that differ only in surrounding whitespace
    (``" a"`` and ``"a"``) became one id by trimming: Spark merged them without a word.
    One aggregate finds whether any id of a column changes by trimming (a pass over the
    data, a reading of the source where it is not cached; the usual answer, no, costs
    nothing beyond it); only then are the spellings of the ids trimming touched
    counted in Spark, and two spellings of the first merged id (in row order) brought to
    the driver with their rows."""
    from pyspark.sql import functions as F
    from pyspark.sql import types as T

    from recstack.data.idmap import warn_of_ids_merged_by_trimming
    from recstack.data.interactions import LookalikeIdWarning, caller_stacklevel

    text = [c for c in (USER_ID, ITEM_ID) if isinstance(frame.schema[c].dataType, T.StringType)]
    if not text:
        return
    trimmed = {c: F.regexp_replace(F.col(c), _SURROUNDING_WHITESPACE, "") for c in text}
    changed = frame.agg(*[F.max((F.col(c) != trimmed[c]).cast("int")).alias(c)
                          for c in text]).first()
    # without a row column, the frame's order (encode numbers the rows the same way)
    order = F.col(ROW) if ROW in frame.columns else F.monotonically_increasing_id()
    for column in text:
        if not changed[column]:  # None: no rows; 0: nothing trimmed
            continue
        rows = (frame.select(trimmed[column].alias("trimmed"), F.col(column).alias("given"),
                             order.alias("order"), F.struct(*frame.columns).alias("row"))
                .where(F.col("given").isNotNull()))
        touched = rows.where(F.col("given") != F.col("trimmed")).select("trimmed").distinct()
        spellings = (rows.join(touched, "trimmed", "left_semi")
                     .groupBy("trimmed", "given")
                     .agg(F.min("order").alias("order"),
                          F.min_by("row", "order").alias("row")))
        merged = (spellings.groupBy("trimmed")
                  .agg(F.count(F.lit(1)).alias("ways"), F.min("order").alias("order"))
                  .where(F.col("ways") > 1))
        found = merged.agg(F.count(F.lit(1)), F.sum("ways"),
                           F.min_by("trimmed", "order")).first()
        n_ids, n_ways, first_id = found
        if not n_ids:
            continue  # " a" alone: trimmed, and no other id was joined to it
        examples = (spellings.where(F.col("trimmed") == first_id).orderBy("order")
                    .limit(2).collect())
        shown = [f"the row {_preview_row(example['row'].asDict())}" for example in examples]
        # one machine's own words (not a copy): its function counts only the rows handed
        # to it, here the two examples, so the counts Spark found take their place
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            warn_of_ids_merged_by_trimming([example["given"] for example in examples],
                                           [first_id] * len(examples), f"column {column!r}",
                                           place=shown.__getitem__, file=where)
        if not caught:
            continue  # two spellings Spark merged that one machine's rule would not warn of
        message = str(caught[0].message).replace(
            _EXAMPLE_COUNTS, f"{n_ids:,} id(s) were written in {n_ways:,} ways", 1)
        warnings.warn(message, LookalikeIdWarning, stacklevel=caller_stacklevel())


#: the most non-ASCII (or exponent-form) ids of one column brought to the driver for the
#: lookalike check
_LOOKALIKE_NON_ASCII_MOST = 1_000_000


def _plain_integer_key(column: Any) -> Any:
    """The plain form of an ASCII integer written loosely (a Spark column matching
    :data:`recstack.data.files._LOOSE_INTEGER`), step by step as
    :func:`recstack.data.files._lookalike_keys` writes it: ``"+007"``, ``"1_000"``,
    ``"1,000"`` and ``"7.0"`` become ``"7"``, ``"1000"``, ``"1000"`` and ``"7"`` (the
    thousands groups were left in, so ``"1,000"`` beside ``"1000"`` was no pair here)."""
    from pyspark.sql import functions as F

    for pattern, replacement in ((r"\.0*$", ""), ("[_,]", ""), (r"^\+", ""),
                                 ("^(-?)0+([0-9])", "$1$2"), ("^-0$", "0")):
        column = F.regexp_replace(column, pattern, replacement)
    return column


def _warn_of_lookalike_ids(frame: Any, where: str) -> None:
    """Warn (:class:`~recstack.data.LookalikeIdWarning`, as one machine's loaders do) where
    text ids of one column differ only in how they are written (``"007"`` beside ``"7"``,
    full-width digits, two Unicode forms of an accent): the Spark loader kept them as
    different ids without a word. The rule is one machine's own
    (:func:`recstack.data.files.warn_of_lookalike_ids`), applied on the driver to the
    ids that can take part in a pair, which Spark selects: every non-ASCII or exponent-form
    id (at most :data:`_LOOKALIKE_NON_ASCII_MOST`), the integers written loosely whose plain form is
    another id or shared with another such id, and those plain forms."""
    import pyarrow as pa
    import pyarrow.compute as pc
    from pyspark.sql import functions as F
    from pyspark.sql import types as T

    # one machine's rule itself (not a copy, which missed "1.0" beside "1" when that rule
    # learnt float-spelt whole numbers)
    from recstack.data.files import (
        _EXPONENT_NUMBER,
        _LOOSE_INTEGER,
        _lookalike_keys,
        warn_of_lookalike_ids,
    )
    from recstack.data.idmap import PLAIN_INTEGER

    text = [c for c in (USER_ID, ITEM_ID) if isinstance(frame.schema[c].dataType, T.StringType)]
    for column in text:
        ids = frame.select(F.col(column).alias("id")).where(F.col("id").isNotNull()).distinct()
        ascii_only = F.col("id").rlike(r"^[\x00-\x7F]*$")
        # exponent forms ("1e3") too: their plain digits are one machine's text rule
        # (_whole_number_digits), which Spark's regular expressions cannot write
        others = [row[0] for row in ids.where(~ascii_only | F.col("id").rlike(
            _EXPONENT_NUMBER)).limit(_LOOKALIKE_NON_ASCII_MOST).collect()]
        other_keys = (_lookalike_keys(pc.utf8_normalize(pa.array(others, pa.string()), "NFKC"))
                      .to_pylist() if others else [])
        loose = (ids.where(ascii_only & F.col("id").rlike(_LOOSE_INTEGER)
                           & ~F.col("id").rlike(PLAIN_INTEGER))
                 .select("id", _plain_integer_key(F.col("id")).alias("key")))
        shared = loose.groupBy("key").count().where(F.col("count") > 1).select("key")
        present = ids.select(F.col("id").alias("key"))
        wanted = present.join(loose.select("key"), "key", "left_semi")
        if other_keys:
            keys = frame.sparkSession.createDataFrame([(k,) for k in set(other_keys)], "key string")
            wanted = wanted.unionByName(present.join(keys, "key", "left_semi"))
            shared = shared.unionByName(keys)
        paired = (loose.join(wanted.unionByName(shared).distinct(), "key", "left_semi")
                  .select("id"))
        kept = paired.unionByName(present.join(paired.join(loose, "id").select("key"), "key",
                                               "left_semi").select(F.col("key").alias("id")))
        if other_keys:
            kept = kept.unionByName(present.join(keys, "key", "left_semi")
                                    .select(F.col("key").alias("id")))
        subset = sorted({row[0] for row in kept.distinct().collect()} | set(others))
        if len(subset) < 2:
            continue

        def fail_at(index: int, name: str, detail: str, expected: str,
                    subset: list[str] = subset, column: str = column) -> DataFormatError:
            holding = frame.where(F.col(column) == subset[index])
            if ROW in frame.columns:
                holding = holding.orderBy(ROW)
            return DataFormatError(f"the row {_preview_row(holding.first().asDict())}: "
                                   f"{detail}", file=where)

        warn_of_lookalike_ids(pa.array(subset, pa.string()), column, fail_at, where)


def _warn_of_missing_value_ids(frame: Any, where: str) -> None:
    """Warn (:class:`~recstack.data.MissingValueIdWarning`, as one machine's loaders
    and ``from_frame`` do) of text ids spelled as other tools write a missing value
    (``NA``, ``null``, ``nan``...): kept as the text ids they spell. One job for both."""
    from pyspark.sql import functions as F
    from pyspark.sql import types as T

    from recstack.data.idmap import PLAIN_INTEGER

    text = [c for c in (USER_ID, ITEM_ID) if isinstance(frame.schema[c].dataType, T.StringType)]
    if not text:
        return
    spelled = {c: F.lower(F.col(c)).isin(sorted(MISSING_VALUE_SPELLINGS)) for c in text}
    aggregates = []
    for column in text:
        marked, plain = spelled[column], F.col(column).rlike(PLAIN_INTEGER)
        row = F.when(marked, F.struct(*frame.columns))
        aggregates += [
            F.sum(marked.cast("long")),
            F.min_by(row, F.when(marked, F.col(ROW))) if ROW in frame.columns
            else F.first(row, ignorenulls=True),
            F.collect_set(F.when(marked, F.col(column))),
            F.min((plain | marked).cast("int")), F.max(plain.cast("int"))]
    found = frame.agg(*aggregates).first()
    for at, column in enumerate(text):
        count, example, spellings, all_plain, any_plain = found[5 * at: 5 * at + 5]
        if not count:
            continue
        example = example.asDict()
        warn_of_missing_value_id_count(
            column, count, spellings,
            f"the row {_preview_row(example)}", file=where,
            others_integers=bool(all_plain) and bool(any_plain), stacklevel=5)


def _warn_of_inexact_values(frame: Any, where: str) -> None:
    """Warn (:class:`~recstack.data.interactions.InexactValueWarning`, as one machine's
    loaders and ``from_arrays`` do) of values float32 cannot hold: whole numbers it rounds
    (16777217 is kept as 16777216) and non-zero values it makes 0; not rounded fractions.
    The frame keeps its doubles; :meth:`SparkInteractions.to_interactions` and Spark's ALS
    (float ratings) hold them as float32."""
    from pyspark.sql import functions as F
    from pyspark.sql import types as T

    kind = frame.schema[VALUE].dataType
    if isinstance(kind, T.BooleanType | T.ByteType | T.ShortType | T.FloatType):
        return  # every value float32 itself, or one it holds exactly
    if isinstance(kind, T.IntegralType):
        exact = F.col(VALUE).cast("decimal(38,0)")  # a long beyond 2**53 is exact here
        lost = F.col(VALUE).cast("float").cast("decimal(38,0)") != exact
    else:
        wide, back = F.col(VALUE).cast("double"), F.col(VALUE).cast("float").cast("double")
        # floor only below 2**53: beyond it floor's long overflowed (an ANSI error)
        whole = F.when(F.abs(wide) < float(2**53), F.floor(wide) == wide).otherwise(False)
        lost = (back != wide) & (whole | (back == 0.0))
    row = F.struct(*frame.columns)
    first = F.min_by(row, F.col(ROW)) if ROW in frame.columns else F.first(row)
    count, example = frame.filter(lost).agg(F.count(F.lit(1)), first).first()
    if not count:
        return
    example = example.asDict()
    warn_of_inexact_values(VALUE, count, f"the row {_preview_row(example)}",
                           float(np.float32(example[VALUE])), where, stacklevel=5)


#: the largest value a float32 holds (larger values are refused, as one machine does)
_FLOAT32_MAX = float(np.finfo(np.float32).max)
#: the columns encode reads (any other is dropped)
_INPUT_COLUMNS = (USER_ID, ITEM_ID, VALUE, TIMESTAMP, ROW)
_ROW_WORDS = ("a distinct integer on every row (the row's position; leave the column out "
              "and encode numbers the rows)")


def _refuse_repeated_rows(frame: Any, where: str) -> None:
    """Refuse a given ``row`` column that numbers two rows alike: the row number breaks the
    ties of leave-last-N, deduplicate's first/last and the random splits' order, which
    were then left to Spark's partitioning (another result on each run)."""
    from pyspark.sql import functions as F

    repeated = (frame.groupBy(ROW).count().filter(F.col("count") > 1)
                .orderBy(ROW).limit(1).collect())
    if repeated:
        raise DataFormatError(f"the row number {repeated[0][ROW]} is on "
                              f"{repeated[0]['count']} rows", file=where, column=ROW,
                              expected=_ROW_WORDS)


#: timestamps at least this large are not seconds (the year 5138): the single-machine
#: readers' bound for telling seconds from milliseconds (recstack.data.files)
_SECONDS_BELOW = 1e11


def _times_as_unix_seconds(frame: Any) -> Any:
    """``frame`` with a date or zone-less date-time ``timestamp`` column as Unix seconds
    (float or decimal seconds floored, as one machine floors them),
    read as UTC as one machine reads them (Spark cannot cast either to a number: a date
    was an AnalysisException traceback, and pandas' date-times written to Parquet, read as
    ``timestamp_ntz``, were refused). Date-times with a zone (``timestamp``) are instants
    and cast to seconds as they are."""
    from pyspark.sql import functions as F
    from pyspark.sql import types as T

    kind = frame.schema[TIMESTAMP].dataType
    time = F.col(TIMESTAMP)
    if isinstance(kind, T.FractionalType):
        # float and decimal seconds are floored to whole seconds, as one machine floors
        # them (recstack.data.files; 1577836800.7 is 1577836800, -1.5 is -2); they were
        # refused here. NaN and infinity stay, for the checks to name the row.
        seconds = time.cast("double")
        # floor is taken of finite seconds only: of infinity it is an ANSI overflow error
        # (a Java traceback) before the checks could name the row
        finite = ~(F.isnan(seconds) | (F.abs(seconds) == float("inf")))
        floored = F.floor(seconds).cast("double")
        return (frame.withColumn(TIME_FRACTION, F.when(finite, seconds - floored)
                                 .otherwise(F.lit(0.0)))
                .withColumn(TIMESTAMP, F.when(finite, floored).otherwise(seconds)))
    if isinstance(kind, T.DateType):
        return frame.withColumn(TIMESTAMP, F.unix_date(time).cast("long") * _DAY)
    if isinstance(kind, T.TimestampType | T.TimestampNTZType):
        # the microseconds the whole seconds below drop (a zone's offset is whole seconds,
        # so the session's zone, which the cast to an instant reads, leaves them alone)
        micros = F.pmod(F.unix_micros(time.cast("timestamp")), F.lit(1_000_000))
        frame = frame.withColumn(TIME_FRACTION, micros.cast("double") / 1e6)
    if isinstance(kind, T.TimestampNTZType):
        # from the wall-clock fields, which no session time zone shifts
        seconds = (F.unix_date(F.to_date(time)).cast("long") * _DAY + F.hour(time) * 3600
                   + F.minute(time) * 60 + F.second(time))
        return frame.withColumn(TIMESTAMP, seconds)
    return frame


def _with_fractions_that_order(frame: Any, where: str) -> Any:
    """``frame`` keeping :data:`TIME_FRACTION` only where it orders something: when two
    distinct times of one user fall in one whole second (1.2 and 1.7), which is warned of
    with one machine's :class:`~recstack.data.interactions.MergedTimesWarning`; otherwise
    the column is dropped (no user's order rests on it). Spark floored such times silently
    and, with no row order of the source to break the tie, held out either of the two.

    Cost: for times of a type that can hold fractions (floats, decimals, numbers as text,
    date-times), a scan that stops at the first fraction, and where there is one, an
    aggregation job by user and second; integer and date columns cost nothing."""
    from pyspark.sql import functions as F

    fraction = F.col(TIME_FRACTION)
    if not frame.filter(fraction != 0).limit(1).collect():
        # whole seconds everywhere (date-times of whole seconds, whole floats): nothing to
        # order, and no grouping of every row by user and second to find that out
        return frame.drop(TIME_FRACTION)
    # whole seconds (a date-time column is cast to them only at encoding)
    merged = (frame.groupBy(USER_ID, F.col(TIMESTAMP).cast("long").alias(TIMESTAMP))
              .agg(F.min(fraction).alias("_low"), F.max(fraction).alias("_high"))
              .filter(F.col("_low") < F.col("_high")))
    found = merged.agg(F.count(F.lit(1)).alias("count"),
                       F.min(F.struct(TIMESTAMP, USER_ID, "_low", "_high")).alias("first")
                       ).collect()[0]
    if not found["count"]:
        return frame.drop(TIME_FRACTION)
    first = found["first"]
    second = int(first[TIMESTAMP])
    earlier, later = second + float(first["_low"]), second + float(first["_high"])
    where_words = "" if where == "data" else f"{where}: "
    warnings.warn(
        f"{where_words}column {TIMESTAMP!r}: read as seconds with fractions, user "
        f"{first[USER_ID]!r} has the times {earlier!r} and {later!r} in one whole second "
        f"({second}, the unit interactions keep; {found['count']:,} such user-second(s) in "
        "all); the Spark splits keep the fraction to order them (leave_last_out and "
        "user_split(by_time=True) hold out the later), but the timestamp column holds whole "
        "seconds, so time filters, temporal splits, deduplication and to_interactions see "
        "one time; on one machine ties within a second follow row order, so sort the data "
        "by time first (a stable sort keeps the order within each second)",
        MergedTimesWarning, stacklevel=caller_stacklevel())
    return frame


def _text_times_as_unix_seconds(frame: Any, where: str) -> Any:
    """``frame`` with a text ``timestamp`` column as Unix seconds, read as one machine
    reads a Parquet text column (recstack.data.files): numbers (``1700000000.5``, ``1e9``)
    are seconds, floored; other text is an ISO-8601 date-time, UTC unless it gives an
    offset. Only integer text was read here (a Parquet file of ISO text, which one machine
    reads, was refused). The first text that reads as neither is refused by its value."""
    from pyspark.sql import functions as F

    text = F.regexp_replace(F.col(TIMESTAMP), r"(?U)^\s+|\s+$", "")
    # a number as one machine tells one (no 'nan', 'Infinity' or Java's '5d')
    is_number = text.rlike(_NUMBER_TEXT)
    number = F.when(is_number, text.try_cast("double"))
    finite = number.isNotNull() & (F.abs(number) < float("inf"))
    # an offset or Z names the instant; a zone-less time is read in UTC from its fields
    # (a cast to timestamp would read it in the session's time zone, the machine's)
    zoned = text.rlike(r"(?i)(z|[+-][0-9]{2}(:?[0-9]{2})?)$") & ~text.rlike(
        r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
    instant = text.try_cast("timestamp").cast("long").cast("double")
    wall = text.try_cast("timestamp_ntz")
    fields = (F.unix_date(F.to_date(wall)).cast("long") * _DAY + F.hour(wall) * 3600
              + F.minute(wall) * 60 + F.second(wall)).cast("double")
    seconds = (F.when(finite, F.floor(number).cast("double"))
               .when(zoned, instant).otherwise(fields))
    converted = frame.withColumn("_recstack_seconds", seconds)
    # the part of the second the flooring drops, kept to order a user's rows within it as
    # numbers and typed date-times keep it: ISO text kept none, so one file's times
    # 10:00:00.7 and 10:00:00.2 (written in that order) were ordered by time when Spark
    # inferred date-times from a CSV, and by row order when the same text came from
    # Parquet (a zone's offset is whole seconds, so reading the zone-less time as an
    # instant leaves its microseconds alone)
    iso_instant = F.when(zoned, text.try_cast("timestamp")).otherwise(wall.cast("timestamp"))
    iso_fraction = F.pmod(F.unix_micros(iso_instant), F.lit(1_000_000)).cast("double") / 1e6
    converted = converted.withColumn(TIME_FRACTION, F.when(finite, number - F.floor(number))
                                     .when(iso_instant.isNotNull(), iso_fraction)
                                     .otherwise(F.lit(0.0)))
    unreadable = converted.filter(F.col(TIMESTAMP).isNotNull()
                                  & F.col("_recstack_seconds").isNull()).limit(1).collect()
    if unreadable:
        row = unreadable[0].asDict()
        row.pop("_recstack_seconds")
        raise DataFormatError(
            f"cannot read {row[TIMESTAMP]!r} as whole Unix seconds or an ISO-8601 "
            f"date-time, on the row {_preview_row(row)}",
            file=where, column=TIMESTAMP,
            expected="Unix seconds (a number) or an ISO-8601 date-time such as "
                     "2024-01-31T12:00:00")
    # one form per column, as one machine reads it: 2024 and 2024-01-01 mixed were read
    # here, and refused there
    forms = [converted.filter(condition).limit(1).collect()
             for condition in (is_number, F.col(TIMESTAMP).isNotNull() & ~is_number)]
    if all(forms):
        numeric, textual = (form[0].asDict() for form in forms)
        for row in (numeric, textual):
            row.pop("_recstack_seconds")
        raise DataFormatError(
            f"holds both Unix times, such as {numeric[TIMESTAMP]!r} on the row "
            f"{_preview_row(numeric)}, and date-time text, such as {textual[TIMESTAMP]!r} on "
            f"the row {_preview_row(textual)}", file=where, column=TIMESTAMP,
            expected="one form for the whole column: Unix timestamps (numbers) or ISO-8601 "
                     "text such as 2024-01-31T12:00:00, not both; rewrite the rows in the other "
                     "form")
    return converted.withColumn(TIMESTAMP, F.col("_recstack_seconds")).drop(
        "_recstack_seconds")


#: a number written as text (the single-machine reader's test, recstack.data.files)
_NUMBER_TEXT = r"^[+-]?([0-9]+\.?[0-9]*([eE][+-]?[0-9]+)?|\.[0-9]+([eE][+-]?[0-9]+)?)$"


def _refuse_repeated_columns(frame: Any, where: str) -> None:
    """Refuse a frame naming a column twice (a join that kept both sides' ``user_id``):
    Spark cannot tell them apart and failed with an AMBIGUOUS_REFERENCE traceback, as the
    single-machine loaders refuse repeated columns. Names are compared as Spark resolves
    them (ignoring case unless ``spark.sql.caseSensitive`` is on)."""
    sensitive = str(frame.sparkSession.conf.get("spark.sql.caseSensitive", "false")).lower()
    fold = (lambda name: name) if sensitive == "true" else str.lower
    positions: dict[str, list[int]] = {}
    for position, name in enumerate(frame.columns):
        positions.setdefault(fold(name), []).append(position)
    repeated = {frame.columns[p[0]]: p for p in positions.values() if len(p) > 1}
    if repeated:
        listed = "; ".join(f"{name!r} at positions {', '.join(map(str, at))}"
                           for name, at in repeated.items())
        raise DataFormatError(f"columns named twice: {listed} (Spark cannot tell them apart; "
                              "drop or rename one, e.g. select the columns wanted after a "
                              "join)", file=where)


def _preview_row(row: dict[str, Any]) -> str:
    text = "(" + ", ".join(f"{key}={value!r}" for key, value in row.items()
                           if key != TIME_FRACTION) + ")"
    return text if len(text) <= 120 else text[:116] + "...)"


@arguments_named
def read_table(spark: Any, path: str | Path, *, user_col: str = USER_ID,
               item_col: str = ITEM_ID, value_col: str | None = None,
               timestamp_col: str | None = None, file_format: str | None = None,
               options: dict[str, str] | None = None) -> SparkInteractions:
    """A CSV or Parquet file (or folder of them) with its columns' roles named.

    ``file_format`` is ``"csv"`` or ``"parquet"`` (default: from the suffix). CSV files have
    a header line; other reader options go in ``options`` (e.g. ``{"sep": "\\t"}``).
    """
    from pyspark.sql import functions as F

    check_session(spark, "read_table(spark, path)")
    path = _location(path, "read_table path")
    # the suffixes of one machine's load_table: '.pq' is Parquet (it was read as CSV, the
    # header "PAR1\x15..."), '.tsv' and '.tab' are tab-separated (they needed options)
    suffix = _base_suffix(Path(path.rstrip("/")))
    if file_format is not None and not is_one_of(file_format, ("csv", "parquet")):
        # an array of names was numpy's "truth value of an array ... is ambiguous" (or, of
        # one name, read as that name); 'Parquet' is told the spelling
        from recstack.specs import did_you_mean

        near = (did_you_mean(file_format, ("csv", "parquet"))
                if isinstance(file_format, str) else "")
        raise ConfigError(f"{path}: file_format must be 'csv', 'parquet' or None (from the "
                          f"suffix), got {shown_value(file_format)}{near}")
    kind = (str(file_format) if file_format is not None
            else "parquet" if suffix in _PARQUET_EXTENSIONS else "csv")
    if options is not None and not (isinstance(options, Mapping) and all(
            isinstance(key, str) and isinstance(value, str | int | float | bool)
            for key, value in options.items())):
        raise ConfigError(f"{path}: options must map reader option names to values, such as "
                          f'{{"sep": "\\t"}}, got {options!r}')
    _check_reader_options(options or {}, kind, path)
    for option, column in (("user_col", user_col), ("item_col", item_col),
                           ("value_col", value_col), ("timestamp_col", timestamp_col)):
        if not (isinstance(column, str) and column.strip()) and not (
                column is None and option in ("value_col", "timestamp_col")):
            # None for the ids failed with PySparkKeyError "Key `user_id` does not exist"
            optional = " or None" if option in ("value_col", "timestamp_col") else ""
            raise ConfigError(f"{path}: {option} must name a column of the file (text)"
                              f"{optional}, got {column!r}")
    if kind == "csv" and _EXTENSION_DELIMITERS.get(suffix, ",") != "," and not any(
            key.lower() in ("sep", "delimiter") for key in (options or {})):
        options = {**(options or {}), "sep": _EXTENSION_DELIMITERS[suffix]}
    options = _with_utc_times(options) if kind == "csv" else dict(options or {})
    reader = spark.read.options(**options)
    try:
        frame = (reader.option("header", "true").option("inferSchema", "true").csv(path)
                 if kind == "csv" else reader.parquet(path))
    except Exception as error:  # Spark's AnalysisException: no such path, no data files
        raise RecstackError(f"{path}: cannot read it as {kind} "
                            f"({_spark_reason(error)})") from None
    roles = {USER_ID: (user_col, "user ids", "user_col"),
             ITEM_ID: (item_col, "item ids", "item_col"),
             VALUE: (value_col, "values", "value_col"),
             TIMESTAMP: (timestamp_col, "timestamps", "timestamp_col")}
    # the CSV row-width check rides on the pass that decides the ids' type (one read of
    # the file, not one more): the rows are read with a corrupt-record column beside
    malformed: str | None = None
    read = frame
    if kind == "csv":
        read, malformed = _ids_read_as_text(spark, frame, path, options, (user_col, item_col))
        read = _trimmed_header(read, path)
        frame = read.drop(malformed) if malformed is not None else read
    holder: dict[Any, str] = {}
    chosen = []
    for role, (column, what, option) in roles.items():
        if column is None:
            continue
        if column not in frame.columns:
            if kind == "csv":
                _refuse_undecoded_header(frame.columns, path)
                _explain_missing_csv_column(column, frame.columns, path, options)
            else:
                _explain_column_of_some_files(reader, column, what, path)
            if role in (USER_ID, ITEM_ID) and column == role:
                # the default name missing: the column that seems to hold the ids, and the
                # option to name it with, as one machine's load_table and from_frame say
                raise missing_id_column(column, frame.columns, what, file=path,
                                        taken=[c for c in (user_col, item_col, value_col,
                                                           timestamp_col) if c is not None])
            raise UnknownColumnError(column, frame.columns, role=what, file=path)
        if column in holder:
            # both roles were read from one column (user == item on every row, or the
            # times taken as values): a slip in naming the columns, as on one machine
            raise ConfigError(f"{path}: column {column!r} would hold both the "
                              f"{holder[column]} and the {what} ({option}); one column "
                              "cannot hold two roles: name another column")
        holder[column] = f"{what} ({option})"
        chosen.append(F.col(_quoted(column)).alias(role))
    selected = read.select(*chosen)
    with _file_read_errors(path, kind):
        if kind == "csv":
            _refuse_undecoded_ids(selected, path)
            # every column of the file goes into the struct: Spark finds a row of another
            # width only while it parses all of them (a read pruned to the selected ones
            # saw none)
            widths = None if malformed is None else _RowWidths(
                read.select(*chosen, F.struct(*[F.col(_quoted(name)) for name in read.columns])
                            .alias(malformed)), malformed, path, options, len(frame.columns))
            selected = _integer_ids_as_written(selected, widths)
        encoded = encode(selected, where=path)
    if encoded.n_users == 0:
        # as one machine's load_table; here the empty data reached the first split or
        # model ("cannot split: the data have no rows"), the file no longer named
        raise DataFormatError("holds no interactions (no data rows)", file=path,
                              expected="one row per interaction")
    if kind == "parquet" and value_col is not None:
        # the rating range save_table records for its value column, kept and checked as
        # one machine's load_table keeps and checks it (explicit ratings came back implicit)
        recorded = _recorded_roles(frame, path)
        if recorded is not None and recorded.rating_range is not None \
                and recorded.value == value_col:
            _refuse_values_outside_range(selected, path, (), recorded.rating_range)
            encoded = replace(encoded, rating_range=recorded.rating_range)
    return encoded


def _explain_column_of_some_files(reader: Any, column: str, what: str, path: str) -> None:
    """Refuse, saying so, a column that only some Parquet files of a folder hold: Spark
    takes the folder's columns from one file, so ``timestamp_col`` was "no column" when
    that file lacked it, and a column of every other file (read as nulls where missing
    when the chosen file had it). Only on this error path: the footers are read again,
    merged."""
    try:
        merged = reader.option("mergeSchema", "true").parquet(path).columns
    except Exception:  # noqa: BLE001 (conflicting types: the plain error below stands)
        return
    if column in merged:
        raise DataFormatError(f"only some of the folder's Parquet files have this column "
                              f"(the {what}); Spark took the columns of one that has not",
                              file=path, column=column,
                              expected="the same columns in every file of the folder")


@contextmanager
def _file_read_errors(path: str, kind: str) -> Iterator[None]:
    """Name the file when a job fails reading it (Spark's FAILED_READ_FILE): Spark takes a
    folder's schema from one of its files, so a file whose column has another type
    (``user_id`` as text in one part, integers in the others; int in one, long in
    another) failed inside the first job with a Py4JJavaError traceback."""
    from py4j.protocol import Py4JJavaError

    try:
        yield
    except Py4JJavaError as error:
        reason = _spark_reason(error)
        if "FAILED_READ_FILE" not in reason:
            raise
        hint = ("; the files of a folder must share one schema (Spark takes the column "
                "types of one file): rewrite that file with the others' types, or read the "
                "files apart" if "DATA_TYPE_MISMATCH" in reason else "")
        raise RecstackError(f"{path}: cannot read it as {kind} ({reason}){hint}") from None


#: the reader options of Spark's CSV and Parquet sources (DataFrameReader.csv's keywords,
#: their aliases, the generic file-source options, and Parquet's own); Spark ignores any
#: other name without a word, so a misspelt "seperator" read the file with commas
_FILE_OPTIONS = ("pathGlobFilter", "recursiveFileLookup", "modifiedBefore", "modifiedAfter",
                 "ignoreCorruptFiles", "ignoreMissingFiles", "basePath", "compression")
_READER_OPTIONS = {
    "csv": _FILE_OPTIONS + (
        "sep", "delimiter", "encoding", "charset", "quote", "escape", "comment",
        "ignoreLeadingWhiteSpace", "ignoreTrailingWhiteSpace", "nullValue", "nanValue",
        "positiveInf", "negativeInf", "dateFormat", "timestampFormat", "timestampNTZFormat",
        "enableDateTimeParsingFallback", "preferDate", "maxColumns", "maxCharsPerColumn",
        "maxMalformedLogPerPartition", "mode", "columnNameOfCorruptRecord", "multiLine",
        "charToEscapeQuoteEscaping", "samplingRatio", "enforceSchema", "emptyValue",
        "locale", "lineSep", "unescapedQuoteHandling", "timeZone"),
    "parquet": _FILE_OPTIONS + ("mergeSchema", "datetimeRebaseMode", "int96RebaseMode")}
#: options read_table sets itself: the file has a header line, the columns' types are read
_FIXED_OPTIONS = ("header", "inferSchema", "schema")


def _check_reader_options(options: Mapping[str, Any], kind: str, path: str) -> None:
    """Refuse an option name Spark's reader does not know (compared ignoring case, as Spark
    compares them), with the nearest known one, and the options read_table sets itself."""
    from recstack.specs import did_you_mean

    known = _READER_OPTIONS[kind]
    folded = {name.lower(): name for name in known}
    for name in options:
        if name.lower() in (fixed.lower() for fixed in _FIXED_OPTIONS):
            raise ConfigError(f"{path}: option {name!r} is set by read_table: {kind} files are "
                              "read with their header line and the column types Spark infers "
                              "(name the columns with user_col=, item_col=, ...)")
        if name.lower() not in folded:
            raise ConfigError(f"{path}: unknown {kind} reader option {name!r}"
                              f"{did_you_mean(name, known)}; Spark would ignore it (known: "
                              f"{', '.join(known)})")


def _with_utc_times(options: Mapping[str, Any] | None) -> dict[str, Any]:
    """The reader options, CSV date-times read as UTC unless ``timeZone`` is given: Spark
    reads a date-time without a zone (``2020-01-01 10:00:00``) in the session's time zone,
    the machine's, so the same file gave other Unix seconds on a cluster in Tokyo than on
    one machine, which reads such times as UTC."""
    given = dict(options or {})
    if not any(str(key).lower() == "timezone" for key in given):
        given["timeZone"] = "UTC"
    return given


def _ids_read_as_text(spark: Any, frame: Any, path: str, options: Mapping[str, Any] | None,
                      id_columns: Sequence[Any]) -> tuple[Any, str | None]:
    """``frame`` read again with its id columns as text (the other columns keep the types
    Spark inferred): inference read ``007``, ``+7`` and ``7.0`` as the number 7 (three users
    made one, where every single-machine reader keeps them apart as text), ``true`` and
    ``2020-01-01`` as a boolean and a date (refused as no ids), and integers past int64 as
    decimals (refused). :func:`_integer_ids_as_written` then applies the id rule of
    :mod:`recstack.data.files`. Header names are compared trimmed, as they are matched.

    The same read carries a corrupt-record column (its name is returned beside the frame;
    None where the caller's own ``mode`` or ``columnNameOfCorruptRecord`` option decides
    what becomes of malformed rows): Spark's permissive reader dropped the extra fields of
    a long row (``1,3,4,9`` under ``user_id,item_id,rating`` read as rating 4) and filled a
    short one with nulls, without a word, where one machine's readers refuse such a row;
    :class:`_RowWidths` reads the column in the job that decides the ids' type, so the
    check costs no pass of its own over the files (a separate read cost a fifth of
    read_table's time on a 2M-row CSV)."""
    from pyspark.sql import types as T

    wanted = {column for column in id_columns if isinstance(column, str)}
    fields = frame.schema.fields
    if not any(field.name.strip() in wanted for field in fields):
        return frame, None  # no id column found: the missing-column errors below say why
    columns = [T.StructField(field.name, T.StringType(), True)
               if field.name.strip() in wanted else field for field in fields]
    malformed = None
    if not any(str(key).lower() in ("mode", "columnnameofcorruptrecord") for key in options or {}):
        # unused among the trimmed header names too, which the frame takes next
        malformed = _unused_name("_corrupt_record",
                                 [*frame.columns, *(name.strip() for name in frame.columns)])
        columns.append(T.StructField(malformed, T.StringType(), True))
    # the schema applies by position, the header line is skipped (enforceSchema)
    reader = (spark.read.options(**(options or {})).option("header", "true")
              .schema(T.StructType(columns)))
    if malformed is not None:
        reader = (reader.option("mode", "PERMISSIVE")
                  .option("columnNameOfCorruptRecord", malformed))
    try:
        return reader.csv(path), malformed
    except Exception as error:  # read a moment ago with the same options
        raise RecstackError(f"{path}: cannot read it as csv ({_spark_reason(error)})") from None


@dataclass(frozen=True)
class _RowWidths:
    """What the row-width check of a CSV file needs: ``frame``, the selected columns and,
    named ``malformed``, a struct of every column of the file with the corrupt-record
    column of that name, and what the error names (the file, the reader options, the
    header's width)."""

    frame: Any
    malformed: str
    path: str
    options: Mapping[str, Any]
    width: int

    def first_malformed(self) -> Any:
        """An aggregate of the first malformed row (null where every row is whole), to be
        computed in a job that reads the file anyway. The whole struct is its value, so no
        column of it can be pruned from the read."""
        from pyspark.sql import functions as F

        row = F.col(_quoted(self.malformed))
        return F.min(F.when(row[self.malformed].isNotNull(), row)).alias(self.malformed)

    def refuse(self, row: Any) -> None:
        """Refuse the file for ``row``, whose text has more or fewer fields than the header
        names, as one machine's readers refuse it (nothing when ``row`` is None)."""
        if row is None:
            return
        record = str(row[self.malformed]).rstrip("\r\n")
        separator = next((str(value) for key, value in self.options.items()
                          if str(key).lower() in ("sep", "delimiter")), ",")
        fields = ""
        if len(separator) == 1:
            import csv

            parsed = next(csv.reader([record], delimiter=separator), [])
            fields = f" has {len(parsed)} field(s)"
        shown_record = record if len(record) <= 80 else record[:77] + "..."
        raise DataFormatError(f"the row {shown_record!r}{fields}", file=self.path,
                              expected=f"{self.width} fields separated by {separator!r}, as "
                              "the header names, on every row")


def _integer_ids_as_written(frame: Any, widths: _RowWidths | None = None) -> Any:
    """Text id columns of a CSV file as integers when every id is an integer written
    plainly (``-?[1-9][0-9]*`` or ``0``, surrounding blanks ignored) that fits int64, else
    kept as text, the rule of the single-machine readers (one Spark job for both, which
    also finds a row of another width than the header when ``widths`` is given)."""
    from pyspark.sql import functions as F
    from pyspark.sql import types as T

    from recstack.data.idmap import PLAIN_INTEGER

    text = [column for column in (USER_ID, ITEM_ID)
            if isinstance(frame.schema[column].dataType, T.StringType)]
    if not text and widths is None:
        return frame
    trimmed = {column: F.regexp_replace(F.col(column), _SURROUNDING_WHITESPACE, "")
               for column in text}
    not_integer = [F.max((F.col(column).isNotNull() & (
        ~trimmed[column].rlike(PLAIN_INTEGER) | trimmed[column].try_cast("long").isNull()
    )).cast("int")).alias(column) for column in text]
    if widths is None:
        found = frame.agg(*not_integer).collect()[0].asDict()
    else:
        found = widths.frame.agg(*not_integer, widths.first_malformed()).collect()[0].asDict()
        widths.refuse(found[widths.malformed])
    for column in text:
        if found[column] == 0:  # None when the file has no rows: nothing to decide
            frame = frame.withColumn(column, trimmed[column].cast("long"))
    return frame


def _location(path: Any, what: str) -> str:
    """``path`` as the text Spark reads: a local path (a leading ``~`` is the home folder)
    or a URL such as ``s3a://bucket/x``, kept as given (a Path would fold its ``//``).
    None, a number or a list were read as a file named ``None`` or failed with Py4J's
    "An error occurred while calling o123.csv"."""
    from recstack.atomic import checked_path

    checked_path(path, what)
    text = str(path) if isinstance(path, str) else str(Path(path))
    homeless = home_problem(text)
    if homeless is not None:
        # '~nosuchuser/x.csv' was pathlib's RuntimeError; '~/x.csv' with HOME set empty
        # was read as /x.csv (the single-machine readers' rule)
        raise ConfigError(f"{what} = {text!r:.200} {homeless}")
    text = str(Path(text).expanduser()) if text.startswith("~") else text
    if "://" not in text and not text.startswith("file:"):
        _refuse_local_path_of_no_use(Path(text), what)
    return text


def _refuse_local_path_of_no_use(path: Path, what: str) -> None:
    """Refuse a local path that Spark can neither read nor write: a symbolic link that
    loops or leads nowhere (Spark said "[PATH_NOT_FOUND] Path does not exist"), and a
    named pipe, socket or device (a pipe was read as a CSV file "with no columns at all"),
    as the single-machine readers refuse them."""
    from recstack.atomic import broken_link

    broken = broken_link(path)
    if broken is not None and (not what.startswith("write") or "loops" in broken):
        raise ConfigError(f"{what} {str(path)!r}: is {broken}")
    if os.path.exists(path) and not path.is_dir() and not path.is_file():
        raise ConfigError(f"{what} {str(path)!r}: is a pipe, socket or device, not a file or "
                          "a folder of files")


def _spark_reason(error: Exception) -> str:
    """The line of a Spark error that says what went wrong: an AnalysisException's first
    line, or for a Py4J error (whose first line is only "An error occurred while calling
    o123.parquet.") the Java exception's message below it."""
    lines = [line.strip() for line in str(error).strip().splitlines() if line.strip()]
    if not lines:
        return type(error).__name__
    if lines[0].startswith("An error occurred while calling") and len(lines) > 1:
        java = lines[1].lstrip(": ")
        # "org.apache.spark.SparkException: [CODE] message": the message, without the class
        head, _, message = java.partition(": ")
        return (message or head)[:300]
    return lines[0][:300]


#: what Spark's CSV reader makes of bytes that are not text in its encoding (UTF-8 unless
#: the ``encoding`` option says otherwise): U+FFFD; a UTF-16 file also reads as NULs
_UNDECODED = ("\ufffd", "\x00")
_ENCODING_FIX = ("the file is not UTF-8 text: pass its encoding in options, e.g. "
                 "options={\"encoding\": \"iso-8859-1\"} (Latin-1; or \"utf-16\"), or "
                 "re-save it as UTF-8")


def _trimmed_header(frame: Any, path: str) -> Any:
    """``frame`` with its CSV header names trimmed, as every single-machine reader trims
    them: ``user_id, item_id`` (a space after each comma) named the column ' item_id', and
    item_col="item_id" was "no column"."""
    names = [name.strip() for name in frame.columns]
    if names == list(frame.columns):
        return frame
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise DataFormatError(f"the header names {', '.join(map(repr, repeated))} twice (once "
                              "its names are trimmed of spaces)", file=path,
                              expected="distinct column names; rename one of them")
    return frame.toDF(*names)


def _explain_missing_csv_column(column: Any, columns: Sequence[str], path: str,
                                options: Mapping[str, Any] | None = None) -> None:
    """Say why a named column is missing from a CSV header when Spark's reading hid it:
    a header naming it twice (Spark renames the two to ``name`` + their positions:
    ``item_id1``, ``item_id2``), or a header read as one column because the file uses
    another separator (the single-machine readers name both), saying which separator the
    reader was given (``options={"sep": 5}`` was told to pass the very option it had)."""
    if not isinstance(column, str):
        return
    renamed = [name for position, name in enumerate(columns)
               if name == f"{column}{position}"]
    if len(renamed) > 1:
        raise DataFormatError(f"the header names column {column!r} twice (Spark read them as "
                              f"{', '.join(map(repr, renamed))})", file=path,
                              expected="distinct column names; rename one of them")
    if len(columns) == 1:
        import json

        given = next((value for name, value in (options or {}).items()
                      if str(name).lower() in ("sep", "delimiter")), None)
        read_with = ("" if given is None else
                     f", but it was read with sep = {given!r} (Spark reads "
                     f"{str(given).lower() if isinstance(given, bool) else str(given)!r})")
        for separator, shown in ((";", "';'"), ("\t", "a tab ('\\t')"), ("|", "'|'"),
                                 (",", "',' (a comma)")):
            if separator in columns[0] and column in columns[0].split(separator):
                raise DataFormatError(
                    f"the header is one column, {columns[0][:80]!r}: its fields seem to be "
                    f"separated by {shown}{read_with}; pass "
                    f"options={{\"sep\": {json.dumps(separator)}}}",
                    file=path, expected="the file's separator in options")


def _refuse_undecoded_header(columns: Sequence[str], path: str) -> None:
    if any(mark in name for name in columns for mark in _UNDECODED):
        shown = ", ".join(repr(name[:40]) for name in columns[:4])
        raise DataFormatError(f"the header reads as {shown}: {_ENCODING_FIX}", file=path)


def _refuse_undecoded_ids(frame: Any, path: str) -> None:
    """Refuse text ids holding U+FFFD, the mark of bytes Spark could not decode: a Latin-1
    file read as UTF-8 made 'José' the id 'Jos' and U+FFFD, and the accented names that
    differed only there one user."""
    from pyspark.sql import functions as F
    from pyspark.sql import types as T

    text = [c for c in (USER_ID, ITEM_ID)
            if isinstance(frame.schema[c].dataType, T.StringType)]
    if not text:
        return
    condition = F.lit(False)
    for column in text:
        condition = condition | F.col(column).contains("\ufffd")
    found = frame.filter(condition).limit(1).collect()
    if found:
        row = found[0].asDict()
        column = next(c for c in text if row[c] is not None and "\ufffd" in row[c])
        raise DataFormatError(f"{row[column]!r} holds bytes that are not UTF-8 (shown as "
                              f"\\ufffd), on the row {_preview_row(row)}; {_ENCODING_FIX}",
                              file=path, column=column)


@arguments_named
def read_partitioned(spark: Any, root: str | Path, *, start: Any = None, end: Any = None
                     ) -> SparkInteractions:
    """Rows with ``start <= timestamp < end`` of a dataset written by
    :func:`recstack.data.partitioned.write_partitioned` (``root/year=YYYY/month=MM/...``).

    The bounds become predicates on the ``year``/``month``/``day`` partition columns, which
    Spark uses to skip folders that cannot hold such rows (see :func:`input_files`); the
    exact bound then applies to the timestamps.
    """
    with _file_read_errors(str(root), "a partitioned Parquet dataset"):
        frame = partitioned_frame(spark, root, start=start, end=end)
        levels = [level for level in _LEVELS if level in frame.columns]
        # the context columns write_partitioned recorded, kept as one machine's reader
        # keeps them (Interactions.context): they were dropped here
        roles = _recorded_roles(frame, str(root))
        recorded = roles.context if roles is not None else ()
        context = [name for name in recorded
                   if name in frame.columns and name not in (*_INPUT_COLUMNS, *levels)]
        for name in context:
            _refuse_context_named_like_ours(name, str(root))
        frame = _with_written_pandas_types(frame, context)
        data = _encode(frame.drop(*levels), str(root), context)
        # the rating range the metadata records, as one machine's reader keeps it (explicit
        # ratings came back as implicit data); only for a value column that was read
        if roles is not None and roles.rating_range is not None and VALUE in frame.columns:
            _refuse_values_outside_range(frame, str(root), levels, roles.rating_range)
            data = replace(data, rating_range=roles.rating_range)
        return data


def _refuse_values_outside_range(frame: Any, root: str, levels: Sequence[str],
                                 rating_range: tuple[float, float]) -> None:
    """Refuse values outside the rating range the data's metadata records, as
    :func:`recstack.data.partitioned.read_partitioned` and
    :func:`recstack.data.files.load_table` refuse them (a 7 on a 1-5 scale, written there
    by hand or by another tool, was read here as a rating and kept the range).
    One aggregate over the rows read (values compared in float32, as one machine holds
    them); the file of the first such value is looked up only when there is one."""
    from pyspark.sql import functions as F

    low, high = (float(np.float32(bound)) for bound in rating_range)
    value = F.col(VALUE).cast("double").cast("float")
    outside = value.isNotNull() & ((value < F.lit(low)) | (value > F.lit(high)))
    count = frame.agg(F.sum(F.when(outside, 1).otherwise(0))).first()[0]
    if not count:
        return
    row = (frame.filter(outside)
           .select(USER_ID, ITEM_ID, value.alias(VALUE), F.input_file_name().alias("_file"))
           .limit(1).collect()[0])
    file = "/".join(row["_file"].split("/")[-len(levels) - 1:])
    # the file under a folder read; not a file read on its own, which root names already
    named = "" if file == root.rstrip("/").rsplit("/", 1)[-1] else f"{file}: "
    raise DataFormatError(
        f"{named}found {float(row[VALUE]):g} (user {row[USER_ID]!r}, item "
        f"{row[ITEM_ID]!r}){_such_values(int(count))}, outside the rating range "
        f"{rating_range[0]:g} to {rating_range[1]:g} the data's metadata records", file=root,
        column=VALUE, expected=range_text(rating_range))


def _refuse_context_named_like_ours(name: str, where: str) -> None:
    """A context column named like a column of the Spark frame would replace it."""
    if name in (USER_INDEX, ITEM_INDEX, ROW):
        raise DataFormatError(
            f"{where}: a context column is named like a column the Spark backend makes",
            column=name,
            expected="context columns named otherwise than user_index, item_index and row")


def _recorded_roles(frame: Any, root: str) -> Any:
    """The recstack metadata (:class:`TableRoles`: the context columns, the rating range)
    of the first data file of ``frame``, read by Spark's own Parquet reader (any filesystem
    Spark reads); None when no file is read or the metadata records none."""
    from recstack.data.files import RATING_RANGE_KEY, ROLES_KEY, TableRoles

    files, texts = _footer_texts(frame, (ROLES_KEY, RATING_RANGE_KEY))
    if not files:
        return None
    return TableRoles.from_metadata({key: text.encode() for key, text in texts.items()},
                                    files[0])


def _footer_texts(frame: Any, keys: Sequence[bytes]) -> tuple[list[str], dict[bytes, str]]:
    """The input files of ``frame`` and the values of ``keys`` in the key-value metadata of
    the first one's footer, read by Spark's own Parquet reader (any filesystem Spark
    reads); no values where the footer cannot be read (the data files' own errors follow)."""
    files = sorted(frame.inputFiles())
    if not files:
        return files, {}
    context = frame.sparkSession.sparkContext
    jvm = context._jvm
    try:
        found = jvm.org.apache.parquet.hadoop.util.HadoopInputFile.fromPath(
            jvm.org.apache.hadoop.fs.Path(files[0]), context._jsc.hadoopConfiguration())
        reader = jvm.org.apache.parquet.hadoop.ParquetFileReader.open(found)
        try:
            recorded = reader.getFooter().getFileMetaData().getKeyValueMetaData()
            texts = {key: recorded.get(key.decode()) for key in keys}
        finally:
            reader.close()
    except Exception:  # noqa: BLE001 (no footer to read: the data files' own errors follow)
        return files, {}
    return files, {key: str(text) for key, text in texts.items() if text is not None}


def _with_written_pandas_types(frame: Any, context: Sequence[str]) -> Any:
    """``frame`` with the pandas type of each ``context`` column that pyarrow recorded in
    the files' ``pandas`` metadata, and that Spark's type does not tell, recorded in the
    column's metadata as :func:`from_pandas` records it, so that
    :meth:`SparkInteractions.to_interactions` gives the types one machine's
    :func:`recstack.data.partitioned.read_partitioned` gives: a time with its zone, pandas'
    nullable integers, floats and flags (a missing value as ``<NA>``), unsigned integers
    (Spark has none: ``uint8`` read as its ``short``) and pandas' ``string``. Categories
    stay their values: the categories live in each file's dictionary pages, which Spark
    does not read."""
    from pyspark.sql import functions as F

    _, texts = _footer_texts(frame, (b"pandas",))
    try:
        described = json.loads(texts.get(b"pandas", "{}")).get("columns", [])
    except (ValueError, AttributeError):
        return frame
    records: dict[str, str] = {}
    for column in described if isinstance(described, list) else []:
        if not isinstance(column, dict) or column.get("name") not in context:
            continue
        record = _written_type_record(column)
        if record is not None and PANDAS_TYPE_KEY not in frame.schema[column["name"]].metadata:
            records[column["name"]] = json.dumps(record)
    if not records:
        return frame
    return frame.select(*[
        F.col(_quoted(name)).alias(name, metadata={PANDAS_TYPE_KEY: records[name]})
        if name in records else F.col(_quoted(name)) for name in frame.columns])


#: pyarrow's ``numpy_type`` of the pandas types Spark's types do not give back
_WRITTEN_KINDS = {**{name: "integer" for name in (
    "Int8", "Int16", "Int32", "Int64", "UInt8", "UInt16", "UInt32", "uint8", "uint16",
    "uint32")}, "Float32": "nullable float", "Float64": "nullable float", "boolean": "flag",
    "string": "text"}


def _written_type_record(column: Mapping[str, Any]) -> dict[str, Any] | None:
    """The record of one column of pyarrow's ``pandas`` metadata, or None where Spark's
    type gives it back (``uint64`` and ``UInt64`` too: Spark reads them as decimals)."""
    numpy_type = str(column.get("numpy_type"))
    if column.get("pandas_type") == "datetimetz":
        zone = (column.get("metadata") or {}).get("timezone")
        unit = numpy_type.removeprefix("datetime64[").removesuffix("]")
        if not isinstance(zone, str) or unit not in ("s", "ms", "us", "ns"):
            return None
        return {"kind": "datetime", "dtype": f"datetime64[{unit}, {zone}]"}
    kind = _WRITTEN_KINDS.get(numpy_type)
    return None if kind is None else {"kind": kind, "dtype": numpy_type}


def partitioned_frame(spark: Any, root: str | Path, *, start: Any = None, end: Any = None
                      ) -> Any:
    """The pruned, bounded DataFrame :func:`read_partitioned` encodes."""
    from pyspark.sql import functions as F
    from pyspark.sql import types as T

    check_session(spark, "read_partitioned(spark, root)")
    root = _location(root, "read_partitioned root")
    try:
        frame = spark.read.option("basePath", root).parquet(root)
    except Exception as error:  # Spark's AnalysisException: no such path, no data files
        _explain_conflicting_folders(error, root)
        # a Py4J error's first line is only "An error occurred while calling o38.parquet."
        # (a CSV file in the folder): the reason, naming the file, is on the next line
        raise RecstackError(f"{root}: cannot read it as a partitioned Parquet dataset "
                            f"({_spark_reason(error)}); expected the Parquet files "
                            "write_partitioned writes, in year=/month=/day= folders") from None
    levels = [level for level in _LEVELS if level in frame.columns]
    if not levels:
        raise RecstackError(f"{root}: no year=/month=/day= partition folders; write it with "
                            "recstack.data.partitioned.write_partitioned")
    _check_partition_folders(frame, root, levels)
    if TIMESTAMP in frame.columns:
        # as encode reads them, before the bounds compare them with Unix seconds: typed
        # date-times and text were compared as they were, and failed in Spark
        # (DATATYPE_MISMATCH, CAST_INVALID_INPUT) once a time range was given
        frame = _times_as_unix_seconds(frame)
        kind = frame.schema[TIMESTAMP].dataType
        if isinstance(kind, T.StringType):
            frame = _text_times_as_unix_seconds(frame, root)
        elif isinstance(kind, T.TimestampType):
            frame = frame.withColumn(TIMESTAMP, F.col(TIMESTAMP).cast("long"))
    low, high = bounded_time_range(to_unix_seconds(_seconds(start, "start"), "start"),
                                   to_unix_seconds(_seconds(end, "end"), "end"), start, end)
    folders = times = None
    if low is not None:
        folders = _lexicographic(levels, _calendar(low), upper=False)
        times = F.col(TIMESTAMP) >= low
    if high is not None:
        # the last folder that can hold a row before `end` is that of `end - 1`
        upper = _lexicographic(levels, _calendar(high - 1), upper=True)
        folders = upper if folders is None else folders & upper
        times = (F.col(TIMESTAMP) < high) if times is None else times & (F.col(TIMESTAMP) < high)
    opened = frame if folders is None else frame.filter(folders)
    _refuse_rows_outside_their_folder(opened, root, levels)
    return opened if times is None else opened.filter(times)


_FOLDER_FORMS = ("folders such as year=2024/month=03 that name a date (year 1 to 9999, "
                 "month 1 to 12, a day of that month), as write_partitioned writes them")


def _check_partition_folders(frame: Any, root: str, levels: Sequence[str]) -> None:
    """Refuse partition folders :func:`recstack.data.partitioned.read_partitioned` refuses:
    levels that are not a leading run of year, month, day (``year=/day=``), and a folder
    whose value is no whole number (``month=ab``: Spark read the level as text, and a time
    range failed with CAST_INVALID_INPUT) or names no date (``month=13``, ``year=-5``: read
    silently, and skipped or kept by a time range without a word). From the paths of
    Spark's file listing (no data file is opened), on any filesystem."""
    from recstack.data.partitioned import _not_a_date

    if list(levels) != list(_LEVELS[:len(levels)]):
        raise DataFormatError(f"the partition levels are {', '.join(levels)}", file=root,
                              expected="a leading run of year, month, day (year; year, "
                                       "month; or all three), as write_partitioned writes")
    checked: set[tuple[str, ...]] = set()
    named: dict[tuple[int, ...], str] = {}
    for path in sorted(frame.inputFiles()):
        parts = path.rstrip("/").split("/")
        if parts[-1].startswith(("_", ".")):
            continue
        folder = tuple(parts[-1 - len(levels):-1])
        if folder in checked:
            continue
        checked.add(folder)
        shown = "/".join(folder)
        values: dict[str, int] = {}
        for level, part in zip(levels, folder, strict=True):
            name, _, value = part.partition("=")
            if name != level or not (value.isascii() and value.isdigit()):
                problem = (f"{level}={value!r} is not a whole number" if name == level
                           else f"{part!r} is not named {level}=..")
                raise DataFormatError(f"partition folder {shown!r}: {problem}", file=root,
                                      expected=_FOLDER_FORMS)
            values[level] = int(value)
        no_date = _not_a_date(values)
        if no_date is not None:
            raise DataFormatError(f"partition folder {shown!r}: {no_date}", file=root,
                                  expected=_FOLDER_FORMS)
        # month=4 beside month=04 named one period twice, and Spark read both (a
        # re-exported month counted each row twice); refused as read_partitioned does
        other = named.setdefault(tuple(values[level] for level in levels), shown)
        if other != shown:
            raise DataFormatError(
                f"partition folders {other!r} and {shown!r} name one period (a leading "
                "zero apart): move the files of one into the other, one folder per period",
                file=root, expected="one folder per period, written as write_partitioned "
                                    "writes them (e.g. month=04)")


def _refuse_rows_outside_their_folder(frame: Any, root: str, levels: Sequence[str]) -> None:
    """Refuse a row whose time (UTC) is not in the year / month / day its folder names, as
    :func:`recstack.data.partitioned.read_partitioned` does: a time range that leaves its
    folder out lost it without a word (and one that opens the folder kept a row of another
    period). Checked on the folders read, in one job; timestamps that are not integer
    seconds are left to :func:`encode` to name."""
    from pyspark.sql import functions as F
    from pyspark.sql import types as T

    if TIMESTAMP not in frame.columns or not isinstance(frame.schema[TIMESTAMP].dataType,
                                                        T.IntegralType | T.DoubleType):
        return  # (fractional seconds are floored to whole doubles by then)
    time = F.col(TIMESTAMP)
    day = F.date_from_unix_date(F.floor(time / _DAY).cast("int"))
    parts = {"year": F.year(day), "month": F.month(day), "day": F.dayofmonth(day)}
    outside = F.lit(False)
    for level in levels:
        outside = outside | (parts[level] != F.col(level))
    found = (frame.filter(time.isNotNull() & (F.abs(time) < _SECONDS_BELOW) & outside)
             .select(TIMESTAMP, *levels, F.input_file_name().alias("_file"))
             .limit(1).collect())
    if found:
        row = found[0]
        folder = "/".join(f"{level}={row[level]:0{2 if level != 'year' else 4}d}"
                          for level in levels)
        moment = np.datetime64(int(row[TIMESTAMP]), "s")
        file = "/".join(row["_file"].split("/")[-len(levels) - 1:])
        raise DataFormatError(
            f"{file}: the time {int(row[TIMESTAMP])} ({moment}Z) is outside its folder "
            f"{folder}", file=root, column=TIMESTAMP,
            expected="each row in the folder of its own UTC date, as write_partitioned files "
                     "it (a read whose time range leaves a folder out never sees its rows)")


def _explain_conflicting_folders(error: Exception, root: str) -> None:
    """Say which folders disagree when Spark finds partition folders of different levels
    (``mnth=01`` beside ``month=02``, or a data file in a ``year=`` folder of a dataset
    of months): its reason's first line, "Conflicting partition column names detected:",
    named neither the levels nor the folders, which follow on the next lines."""
    text = str(error)
    if "CONFLICTING_PARTITION_COLUMN_NAMES" not in text:
        return
    lines = [line.strip() for line in text.splitlines()]
    # sorted: Spark lists them in the order its file listing met them, which varies
    lists = sorted(line.partition(": ")[2] for line in lines
                   if line.startswith("Partition column name list"))
    folders = sorted(line.split(" SQLSTATE")[0] for line in lines if "://" in line or
                     line.startswith("file:"))
    shown = ", ".join(folders[:5]) + (f" and {len(folders) - 5} more" if len(folders) > 5
                                      else "")
    raise DataFormatError(
        "the partition folders disagree on their levels ("
        + "; ".join(repr(names) for names in lists) + f"): check {shown}", file=root,
        expected="every data file in a folder of each level, named year=../month=.. as "
                 "write_partitioned writes them; rename the odd folder or move the stray "
                 "file out of the dataset") from None


def input_files(frame: Any) -> list[str]:
    """The data files Spark's own file index selects for the partition filters of
    ``frame``'s scan (partition pruning, made visible; ``DataFrame.inputFiles`` lists every
    file of the dataset instead)."""
    plan = frame._jdf.queryExecution().executedPlan()
    leaves = plan.collectLeaves()
    files: list[str] = []
    for position in range(leaves.size()):
        scan = leaves.apply(position)
        if not scan.nodeName().startswith("Scan parquet"):
            continue
        folders = scan.relation().location().listFiles(scan.partitionFilters(),
                                                       scan.dataFilters())
        for i in range(folders.size()):
            listed = folders.apply(i).files()
            files += [str(listed.apply(j).getPath().toString()) for j in range(listed.size())]
    return sorted(files)


@arguments_named
def write_parquet(frame: Any, path: str | Path, *, overwrite: bool = False) -> str:
    """Write ``frame`` as a folder of Parquet files at ``path`` and return ``path``.

    A local ``path`` is refused, before Spark writes anything, where ``recstack ... --out``
    refuses it: ``.``, ``..``, ``sub/..``, ``~`` (:func:`recstack.atomic.folder_place_problem`),
    a folder that is the home folder or is or holds the working folder, and a name that
    starts or ends with a space or ends with a dot (``"out."`` is another folder than
    ``out``). Spark writes into a staging folder beside ``path``, which then replaces
    ``path`` in one rename (:func:`recstack.atomic.atomic_directory`): a failed or
    interrupted write leaves ``path`` as it was, the old output whole where
    ``overwrite=True`` was to replace it. On other filesystems (``s3a://``, ``hdfs://``)
    Spark's own output commit protocol applies: only a job that succeeds moves its files to
    ``path``, but ``overwrite=True`` deletes the old output before the job starts."""
    check_spark_frame(frame, "write_parquet(frame)")
    if TIME_FRACTION in frame.columns:
        # an ordering aid of recstack's own splits, not the user's data: the readers
        # take no such column, so it stays out of what the user's files hold
        frame = frame.drop(TIME_FRACTION)
    given = os.fsdecode(os.fspath(path)) if isinstance(path, str | os.PathLike) else path
    path = _location(path, "write_parquet path")
    if not isinstance(overwrite, bool | np.bool_):
        # a truthy "no" replaced the folder
        raise ConfigError("write_parquet overwrite: expected True or False, got "
                          f"{shown_value(overwrite)}")
    overwrite = bool(overwrite)
    local = "://" not in path.removeprefix("file://")
    if not local:
        _write_parquet_with_spark(frame, path, path, overwrite=overwrite)
        return path
    target = Path(path.removeprefix("file://").removeprefix("file:"))
    _refuse_folder_name(str(given), target)
    if overwrite:
        _refuse_replacing_other_files(path)
    elif os.path.lexists(target):
        raise RecstackError(f"{path} exists; pass overwrite=True to replace it")
    from recstack.atomic import atomic_directory

    kept = os.path.lexists(target)
    with atomic_directory(target, overwrite=overwrite) as staging:
        # the staging folder is new and empty: Spark's "overwrite" only replaces it
        _write_parquet_with_spark(frame, str(staging), path, overwrite=True, kept=kept)
    return path


def _refuse_folder_name(given: str, target: Path) -> None:
    """Refuse a local Parquet output named as ``--out`` refuses a folder to write (the
    shared rules of :mod:`recstack.atomic`), judged as typed, before Spark makes a folder:
    ``write_parquet(frame, ".", overwrite=True)`` deleted the working folder's files, ``~``
    made a folder named ``~`` (or, expanded, replaced the home folder), ``" out"`` and
    ``"out."`` wrote folders beside ``out`` that a reader of ``out`` never finds."""
    from recstack.atomic import (
        folder_place_problem,
        home_or_working_folder_problem,
        padded_name_problem,
    )

    text = given.removeprefix("file://").removeprefix("file:")
    problem = folder_place_problem(text, "out.parquet", "the Parquet output")
    if problem is None:
        problem = home_or_working_folder_problem(target)
    if problem is None:
        problem = padded_name_problem(text, "folder")
    if problem is None:
        head, _, name = text.rstrip("/").rpartition("/")
        bare = name.strip().rstrip(". ")
        if not bare and name not in (".", ".."):
            problem = ("is no folder name (only dots and spaces); give the Parquet output's "
                       f"name, e.g. {head + '/' if head else ''}out.parquet")
        elif name.endswith(".") and name not in (".", ".."):
            meant = repr(f"{head}/{bare}" if head else bare)
            problem = (f"ends with a dot, which makes it another folder than {meant}; write "
                       f"it without: {meant}")
    if problem is not None:
        raise RecstackError(f"write_parquet path: {given!r} {problem}")


def _write_parquet_with_spark(frame: Any, where: str, path: str, *, overwrite: bool,
                              kept: bool = False) -> None:
    """Spark's Parquet write of ``frame`` to ``where`` (``path``, or the staging folder
    that replaces it), its failure said in one line naming ``path`` (``kept``: an old
    output there stays as it was)."""
    try:
        frame.write.mode("overwrite" if overwrite else "errorifexists").parquet(where)
    except Exception as error:
        # the Java reason, not a Py4J error's first line ("An error occurred while calling")
        first = _spark_reason(error)
        if "already exists" in first:
            raise RecstackError(f"{path} exists; pass overwrite=True to replace it") from None
        if where == path:
            raise RecstackError(f"writing {path} failed: {first}") from None
        if kept:
            raise RecstackError(f"writing {path} failed, and the output already there was "
                                f"left as it was: {first}") from None
        raise RecstackError(f"writing {path} failed, and nothing was written there: {first}"
                            ) from None


def _refuse_replacing_other_files(path: str) -> None:
    """Refuse ``overwrite`` of a local folder holding files that no Parquet write made:
    Spark's overwrite deletes the whole folder first (a write to the data's own folder
    deleted the user's CSV files and notes), as ``--out`` refuses on the command line.
    A Parquet output holds ``*.parquet`` parts (in ``key=value`` folders when partitioned)
    and the committer's ``_SUCCESS``, ``.crc`` and hidden files."""
    local = Path(path.removeprefix("file:"))
    if "://" in path.removeprefix("file://"):
        return
    if local.is_file() or (local.exists() and not local.is_dir()):
        # Spark deletes whatever is at the path: the user's own file was lost
        raise RecstackError(f"{path}: is a file, not a Parquet output folder, which "
                            "overwrite=True would delete; write to a folder path")
    if not local.is_dir() or local.is_symlink():
        return
    others = sorted(str(p.relative_to(local)) for p in local.rglob("*")
                    if p.is_file() and not p.name.startswith(("_", "."))
                    and not p.name.endswith((".parquet", ".crc")))
    if others:
        shown = ", ".join(others[:5]) + (f" and {len(others) - 5} more"
                                         if len(others) > 5 else "")
        raise RecstackError(f"{path}: is a folder of other files ({shown}), not a Parquet "
                            "output, which overwrite=True would delete; write to another "
                            "folder, or an empty or new one")


# --------------------------------------------------------------------------- filters
@arguments_named
def k_core(data: SparkInteractions, user_min: int = 5, item_min: int = 5, *,
           refuse_empty: bool = True) -> tuple[SparkInteractions, FilterStep]:
    """:class:`recstack.data.filters.KCore` as rounds of distributed counts and anti-joins:
    each round drops the rows of users with fewer than ``user_min`` rows and items with
    fewer than ``item_min``, until a round drops nothing; the result is compacted. An
    empty result is refused, saying why (``refuse_empty=False``: returned, for
    :func:`recstack.spark.filters.apply_filters`, which refuses it naming the step)."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    spec = KCore(user_min, item_min)
    # as the spec read them: a whole Decimal(5) or Fraction(5) is the int 5
    user_min, item_min = spec.user_min, spec.item_min
    # refuse_empty=None (false to Python) returned an empty result without a word
    refuse_empty = check_flag(refuse_empty, "k_core: refuse_empty")
    check_data(data, "k_core(data)")
    frame = data.frame
    rows_before = rows = frame.count()
    rounds: list[KCoreRound] = []
    previous = None
    while True:
        # one pass per round: both counts as windows, the round's report in one aggregation
        counted = _materialise(frame
                               .withColumn("_user_rows", F.count(F.lit(1)).over(
                                   Window.partitionBy(USER_INDEX)))
                               .withColumn("_item_rows", F.count(F.lit(1)).over(
                                   Window.partitionBy(ITEM_INDEX))))
        weak_user = F.col("_user_rows") < as_count_bound(user_min)
        weak_item = F.col("_item_rows") < as_count_bound(item_min)
        found = counted.agg(
            F.countDistinct(F.when(weak_user, F.col(USER_INDEX))).alias("users"),
            F.countDistinct(F.when(weak_item, F.col(ITEM_INDEX))).alias("items"),
            F.sum((weak_user | weak_item).cast("long")).alias("rows")).first()
        if previous is not None:
            previous.unpersist()  # this round is materialised now; the last one is not needed
        previous = counted
        if not (found["users"] or found["items"]):
            frame = counted.drop("_user_rows", "_item_rows")  # the cached copy
            break
        rounds.append(KCoreRound(len(rounds) + 1, int(found["users"]), int(found["items"]),
                                 int(found["rows"])))
        rows -= int(found["rows"])
        frame = counted.filter(~weak_user & ~weak_item).drop("_user_rows", "_item_rows")
    result = compact(data.with_frame(frame))
    step = FilterStep(spec.name, rows_before, rows, data.n_users, result.n_users, data.n_items,
                      result.n_items, {"rounds": rounds})
    if rows == 0 and refuse_empty:
        why = why_nothing_is_left(spec, data, rounds)
        raise EmptyResultError(f"{spec.name} {removed_every_row(rows_before, why)}; loosen it")
    return result, step


def why_nothing_is_left(spec: FilterSpec, data: SparkInteractions,
                        rounds: Sequence[KCoreRound] | None = None) -> str:
    """What about ``data`` (before ``spec``) made the filter remove every row: what
    :meth:`~recstack.data.filters.FilterSpec.why_nothing_is_left` says on one machine,
    from the same figures computed here (the message said only that all rows went);
    ``rounds``: a k-core's passes, as :func:`k_core` reports them (left out: recomputed)."""
    from pyspark.sql import functions as F

    frame = data.frame
    if isinstance(spec, KCore):
        most = [frame.groupBy(column).count().agg(F.max("count")).first()[0] or 0
                for column in (USER_INDEX, ITEM_INDEX)]
        if rounds is None:
            rounds = k_core(data, spec.user_min, spec.item_min,
                            refuse_empty=False)[1].details["rounds"]
        # which pass emptied it, in the words one machine uses
        return spec.emptied_after(rounds, frame.count(), int(most[0]), int(most[1]))
    if isinstance(spec, MinValue):
        # float32, as the filter compares (and as one machine holds the values)
        low, high = frame.agg(F.min(F.col(VALUE).cast("float")),
                              F.max(F.col(VALUE).cast("float"))).first()
        if low == high == 1.0:
            # the usual cause: the file's rating column was not read
            return ("every value is 1.0: the data are implicit (read with no value column; "
                    "name the ratings with value_col / --value-col)")
        return f"the largest value is {float(high):g}"
    if isinstance(spec, TimeWindow) and data.has_timestamps:
        earliest, latest = frame.agg(F.min(TIMESTAMP), F.max(TIMESTAMP)).first()
        why = f"the data's times run from {_iso(int(earliest))} to {_iso(int(latest))}"
        for name, bound in (("start", spec.start), ("end", spec.end)):
            if isinstance(bound, int) and abs(bound) >= 10**11:
                # the loaders' rule for 'auto': 1e11 seconds is after the year 5000
                why += (f"; {name}={bound} is after the year 5000 in Unix seconds: "
                        "milliseconds? give seconds or an ISO date")
                break
        return why
    return ""


def warn_of_a_threshold_keeping_every_row(data: SparkInteractions, threshold: float,
                                          said: str, what: str, effect: str) -> None:
    """:func:`recstack.data.interactions.warn_of_a_threshold_keeping_every_row` on Spark
    rows: warn (:class:`~recstack.data.interactions.ThresholdKeepsEveryRowWarning`), in one
    machine's words, when ``threshold`` is at or below every value of ``data`` and the
    values differ. The values are compared in float32, as one machine holds and compares
    them; the Spark ``min_value`` filter and the evaluation's ``relevance_threshold`` kept
    every row without a word where their one-machine twins warn (0.4 written for 4 stars)."""
    from pyspark.sql import functions as F

    value = F.col(VALUE).cast("float")
    count, low, high = data.frame.agg(F.count(F.lit(1)), F.min(value), F.max(value)).first()
    if not count or low == high or not at_least(np.array([low], np.float32), threshold)[0]:
        return
    warnings.warn(
        f"{said}: the {int(count):,} {what} run from {float(low):g} to {float(high):g}, all "
        f"at least the threshold, so {effect}, as without one; give a threshold within the "
        "values (e.g. 4 on a 1-5 scale), or leave it out",
        ThresholdKeepsEveryRowWarning, stacklevel=caller_stacklevel())


def _iso(seconds: int) -> str:
    """Unix seconds as an ISO-8601 UTC time, as the single-machine messages write it."""
    return f"{np.datetime64(seconds, 's').astype(str)}Z"


def compact(data: SparkInteractions) -> SparkInteractions:
    """Renumber so that only users and items with rows remain, in their old order (as
    :meth:`Interactions.compact`)."""
    frame = check_data(data, "compact(data)").frame
    users, n_users = _renumber(frame, data.users, USER_ID, USER_INDEX)
    items, n_items = _renumber(frame, data.items, ITEM_ID, ITEM_INDEX)
    remapped = (frame.join(users.select(USER_INDEX, "_new_" + USER_INDEX), USER_INDEX)
                .join(items.select(ITEM_INDEX, "_new_" + ITEM_INDEX), ITEM_INDEX)
                .drop(USER_INDEX, ITEM_INDEX)
                .withColumnRenamed("_new_" + USER_INDEX, USER_INDEX)
                .withColumnRenamed("_new_" + ITEM_INDEX, ITEM_INDEX))
    columns = [USER_INDEX, ITEM_INDEX] + [c for c in frame.columns
                                          if c not in (USER_INDEX, ITEM_INDEX)]
    return SparkInteractions(remapped.select(*columns),
                             users.select(USER_ID, F_col("_new_" + USER_INDEX, USER_INDEX)),
                             items.select(ITEM_ID, F_col("_new_" + ITEM_INDEX, ITEM_INDEX)),
                             n_users, n_items, data.has_timestamps,
                             item_table=_renumbered_table(data.item_table, items, ITEM_INDEX),
                             user_table=_renumbered_table(data.user_table, users, USER_INDEX),
                             context_cols=data.context_cols, rating_range=data.rating_range)


def _renumbered_table(table: Any, mapping: Any, index_column: str) -> Any:
    """The side table rows of the indices that remain, under their new numbers."""
    if table is None:
        return None
    new = "_new_" + index_column
    columns = [F_col(new, index_column)] + [c for c in table.columns if c != index_column]
    return table.join(mapping.select(index_column, new), index_column).select(*columns)


# --------------------------------------------------------------------------- splits
#: the largest seed of the splits' hashes: the one rule of seeds
#: (:data:`recstack.specs.SEED_MAX`, 32 bits), well within the Java long that Spark's
#: xxhash64 takes as a literal (a larger one failed in py4j: "An error occurred while
#: calling ...functions.lit"); it was 2**63 - 1 here while experiment files stopped at
#: 2**32 - 1
SEED_LIMIT = SEED_MAX


def split_seed(seed: int, method: str) -> int:
    """``seed`` (already checked by the split's spec: an integer >= 0) as the literal of
    the split's hash, or a :class:`ConfigError` naming the rule."""
    if int(seed) > SEED_LIMIT:
        raise ConfigError(f"{method}: seed = {seed}: expected {SEED_RULE}")
    return int(seed)


def require_rows(data: SparkInteractions) -> None:
    """Refuse to split data without rows, saying so (a split of nothing said it "left no
    training rows", and the temporal split by fraction failed with an IndexError)."""
    check_data(data, "split data")
    if data.frame.limit(1).count() == 0:
        raise EmptyResultError("cannot split: the data have no rows")


#: the columns :func:`shares_of_sizes` reads and adds: a user's row count, and its share
SIZE, SHARE = "_size", "_share"


def shares_of_sizes(frame: Any, fraction: Any) -> Any:
    """``frame`` (holding each row's user size in :data:`SIZE`) with :data:`SHARE`, that
    size's share by :func:`recstack.data.splits.share_count`, the one rounding rule of
    every split: exact, a half up. A float product in Spark (``floor(f x n + 0.5)``)
    rounded 0.9 x 15 = 13.499999999999998 down where one machine rounds the half up. The
    distinct sizes are few (one per history length), so their shares are worked out here
    and joined."""
    from pyspark.sql import functions as F

    sizes = np.array(sorted(int(row[0]) for row in
                            frame.select(SIZE).distinct().collect()), dtype=np.int64)
    if not len(sizes):
        return frame.withColumn(SHARE, F.lit(0).cast("long"))
    counts = share_count(fraction, sizes)
    table = frame.sparkSession.createDataFrame(
        [(int(n), int(c)) for n, c in zip(sizes, counts, strict=True)],
        f"{SIZE} long, {SHARE} long")
    return frame.join(F.broadcast(table), SIZE, "left")


@arguments_named
def random_split(data: SparkInteractions, test_fraction: float = 0.2, *, seed: int = 0
                 ) -> SparkSplit:
    """Per-user random holdout with :func:`recstack.data.splits.random_split`'s counts:
    ``min(share_count(test_fraction, n), n - 1)`` of each user's ``n`` rows go to test (a
    half rounded up), chosen by
    the order of ``xxhash64(seed, row)`` (see the module notes on seeds).

    The counts drawn are one machine's; the test rows kept need not be. Test rows set
    apart afterwards (one repeating a training (user, item) pair, or one of a user left
    without training rows) depend on which rows were drawn, and the rows drawn are
    not numpy's: with repeated pairs the test sizes after setting apart can differ from
    one machine's by a few rows per user (the report counts them on both paths)."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    spec = RandomSplit(test_fraction, seed)
    # an exact number as the spec read it, as one machine reads and reports it
    test_fraction, seed = _exact_as_read(test_fraction, spec.test_fraction), spec.seed
    check_data(data, "random_split(data)")
    key = F.xxhash64(F.lit(split_seed(seed, "random")), F.col(ROW))
    require_rows(data)
    by_user = Window.partitionBy(USER_INDEX)
    position = F.row_number().over(by_user.orderBy(key, F.col(ROW))) - 1
    size = F.count(F.lit(1)).over(by_user)
    sized = shares_of_sizes(data.frame.withColumn(SIZE, size), test_fraction)
    n_test = F.least(F.col(SHARE), F.col(SIZE) - 1)
    flagged = sized.withColumn("_is_test", position < n_test).drop(SIZE, SHARE)

    def none_chosen() -> str:
        # the single-machine split's words: the generic "0 rows were chosen for test and 0
        # of them set apart" said nothing of why
        from recstack.data.splits import random_split_chose_none

        return random_split_chose_none(test_fraction, _most_rows_of_a_user(data))

    return _finish(data, flagged, "random", {"test_fraction": test_fraction, "seed": seed},
                   none_chosen=none_chosen)


@arguments_named
def temporal_split(data: SparkInteractions, cutoff: int | str | None = None, *,
                   test_fraction: float | None = None) -> SparkSplit:
    """Global temporal split (:func:`recstack.data.splits.temporal_split`): rows at or after
    ``cutoff`` test; with ``test_fraction`` the cutoff is the time of the row at the sorted
    position :func:`recstack.data.splits.temporal_cutoff_position` gives (one machine's
    rule: ``share_count(test_fraction, n)`` rows, a half up, at most ``n - 1``; rows tied
    at that time go to test as well, as on one machine), found from per-day counts and
    then the counts of one day, never by sorting all rows. (This said numpy's
    ``method="higher"`` quantile, one machine's former rule, which kept
    ``1 + floor(f (n - 1))`` rows: not what either computes.)"""
    from pyspark.sql import functions as F

    if (cutoff is None) == (test_fraction is None):
        raise ConfigError("temporal split: give exactly one of cutoff or test_fraction")
    # a count given for the share: the share it is of these rows, as on one machine
    refuse_a_count_for_a_share(
        test_fraction, "test_fraction", "temporal split",
        "the share of all rows, the latest, held out for test", "rows",
        lambda: int(check_data(data, "temporal_split(data)").frame.count()))
    spec = TemporalSplit(cutoff, test_fraction)
    # test_fraction=Decimal("0.2") was a TypeError of 1.0 - Decimal: as the spec read it
    test_fraction = _exact_as_read(test_fraction, spec.test_fraction)
    check_data(data, "temporal_split(data)")
    _require_timestamps(data)
    require_rows(data)
    if test_fraction is not None:
        cutoff_s = int(_cutoff_time(data.frame, test_fraction))
    else:
        seconds = to_unix_seconds(cutoff, "cutoff")
        assert seconds is not None  # None only for a cutoff of None, refused above
        cutoff_s = seconds
        # the single-machine split's words; here it was "int too big to convert" (an
        # OverflowError from the Spark literal)
        refuse_cutoff_beyond_the_years(cutoff, cutoff_s)
    _refuse_cutoff_outside(data, cutoff_s, test_fraction)
    params: dict[str, Any] = {"cutoff": cutoff_s}
    if test_fraction is not None:
        params["test_fraction"] = test_fraction
        _warn_of_a_tied_cutoff(data, cutoff_s, test_fraction)
    flagged = data.frame.withColumn("_is_test", F.col(TIMESTAMP) >= F.lit(cutoff_s))
    return _finish(data, flagged, "temporal", params)


def _warn_of_a_tied_cutoff(data: SparkInteractions, cutoff_s: int,
                           test_fraction: float) -> None:
    """One machine's :class:`~recstack.data.splits.TiedCutoffWarning`, in its words: a
    cutoff time many rows share made the test part far larger than ``test_fraction``,
    and the Spark split said nothing. One job (three counts)."""
    from pyspark.sql import functions as F

    from recstack.data.splits import warn_of_a_tied_cutoff

    time = F.col(TIMESTAMP)
    row = data.frame.agg(F.count(F.lit(1)).alias("n"),
                         F.sum(F.when(time >= F.lit(cutoff_s), 1).otherwise(0)).alias("chosen"),
                         F.sum(F.when(time == F.lit(cutoff_s), 1).otherwise(0)).alias("tied")
                         ).collect()[0]
    warn_of_a_tied_cutoff(int(row["n"]), int(row["chosen"] or 0), lambda: int(row["tied"] or 0),
                          cutoff_s, test_fraction)


def _refuse_cutoff_outside(data: SparkInteractions, cutoff_s: int,
                           test_fraction: float | None) -> None:
    """Say why a temporal cutoff leaves one side empty, in the words of the single-machine
    split (:func:`recstack.data.splits.refuse_cutoff_outside`): it said only "left no test
    rows ({'cutoff': 1000}): 0 rows were chosen", without the data's time range."""
    from pyspark.sql import functions as F

    from recstack.data.splits import refuse_cutoff_outside

    row = data.frame.agg(F.min(TIMESTAMP).alias("lo"), F.max(TIMESTAMP).alias("hi"),
                         F.count(F.lit(1)).alias("n")).collect()[0]
    refuse_cutoff_outside(
        int(row["lo"]), int(row["hi"]), int(row["n"]),
        lambda time: data.frame.filter(F.col(TIMESTAMP) == F.lit(time)).count(),
        cutoff_s, test_fraction)


def _most_rows_of_a_user(data: SparkInteractions) -> int:
    from pyspark.sql import functions as F

    counts = data.frame.groupBy(USER_INDEX).count()
    return int(counts.agg(F.max("count")).collect()[0][0] or 0)


@arguments_named
def leave_last_out(data: SparkInteractions, n: int = 1) -> SparkSplit:
    """Each user's last ``n`` rows by time (and the fraction of a second the data keep,
    :data:`TIME_FRACTION`), later ``row`` first among equal times, go to test; users with
    ``n`` rows or fewer keep them all (as :func:`recstack.data.splits.leave_last_out`)."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    n = LeaveLastOut(n).n  # as the spec read it: Decimal(2) is 2
    check_data(data, "leave_last_out(data)")
    _require_timestamps(data)
    require_rows(data)
    by_user = Window.partitionBy(USER_INDEX)
    position = F.row_number().over(by_user.orderBy(*latest_first(data)))
    size = F.count(F.lit(1)).over(by_user)
    bound = as_count_bound(n)
    # with its 0-based position, for the tie warning: one materialised frame serves both
    flagged = (data.frame.withColumn("_is_test", (position <= bound) & (size > bound))
               .withColumn("_position", position - 1))

    def none_chosen() -> str:  # the single-machine split's words
        from recstack.data.splits import leave_last_out_chose_none

        return leave_last_out_chose_none(n, _most_rows_of_a_user(data))

    split = _finish(data, flagged, "leave_last_out", {"n": n}, none_chosen=none_chosen)
    warn_of_tied_last_rows(data, flagged, F.lit(bound), "leave_last_out", "training")
    return split


def latest_first(data: SparkInteractions) -> list[Any]:
    """The order of a user's rows, latest first: by time, the fraction of the second where
    the data keep one (:data:`TIME_FRACTION`), then the later row first."""
    from pyspark.sql import functions as F

    keys = [F.col(TIMESTAMP).desc()]
    if TIME_FRACTION in data.frame.columns:
        keys.append(F.col(TIME_FRACTION).desc())
    return [*keys, F.col(ROW).desc()]


def warn_of_tied_last_rows(data: SparkInteractions, flagged: Any, n_test: Any, method: str,
                           before: str) -> None:
    """One machine's :class:`~recstack.data.splits.TiedLastRowsWarning`, in its words
    (``recstack.data.splits._warn_of_tied_last_rows``): a user's earliest test row (at
    0-based ``_position`` ``n_test - 1``, rows ranked latest first) has the time of their
    latest row kept (at ``n_test``), so which of the tied rows was held out followed row
    order, not time; the Spark ``leave_last_out`` and ``user_split(by_time=True)`` said
    nothing of it. ``flagged`` holds ``_is_test`` and ``_position``; ``n_test`` is a column
    (a user's number of test rows). One job over the two boundary rows of each user, and
    one lookup of the example's ids."""
    from pyspark.sql import functions as F

    from recstack.data.splits import tie_order, tied_last_rows_warning

    if not data.has_timestamps:
        return
    position, is_test = F.col("_position"), F.col("_is_test")
    # rows a fraction of a second apart are ordered by it, not tied
    fraction = (F.col(TIME_FRACTION) if TIME_FRACTION in flagged.columns
                else F.lit(0.0))
    last_test = is_test & (position == n_test - 1)
    first_kept = ~is_test & (position == n_test)
    per_user = (flagged.groupBy(USER_INDEX).agg(
        F.max(is_test.cast("int")).alias("_tested"),
        F.max(F.when(last_test, F.col(TIMESTAMP))).alias("_test_time"),
        F.max(F.when(first_kept, F.col(TIMESTAMP))).alias("_kept_time"),
        F.max(F.when(last_test, fraction)).alias("_test_fraction"),
        F.max(F.when(first_kept, fraction)).alias("_kept_fraction"),
        F.max(F.when(last_test, F.col(ITEM_INDEX))).alias("_test_item"),
        F.max(F.when(first_kept, F.col(ITEM_INDEX))).alias("_kept_item"),
        F.max(F.when(last_test, F.col(VALUE))).alias("_test_value"),
        F.max(F.when(first_kept, F.col(VALUE))).alias("_kept_value"))
        .filter(F.col("_tested") == 1))
    # a held-out user may keep no row (no fold-in): no kept time, no tie
    tied = ((F.col("_test_time") == F.col("_kept_time"))
            & (F.col("_test_fraction") == F.col("_kept_fraction")))
    example = F.min(F.when(tied, F.struct(USER_INDEX, "_test_time", "_test_item",
                                          "_kept_item")))
    # the order the tied rows stand in, judged by one machine's rule (tie_order)
    order_counts = [F.sum(F.when(tied & (F.col(f"_test_{key}") != F.col(f"_kept_{key}")), 1)
                          .otherwise(0)).alias(f"_{key}_differ") for key in ("item", "value")]
    order_counts += [F.sum(F.when(tied & (F.col(f"_test_{key}") > F.col(f"_kept_{key}")), 1)
                           .otherwise(0)).alias(f"_{key}_after") for key in ("item", "value")]
    row = per_user.agg(F.count(F.lit(1)).alias("tested"),
                       F.sum(F.when(tied, 1).otherwise(0)).alias("tied"),
                       example.alias("example"), *order_counts).collect()[0]
    count = int(row["tied"] or 0)
    if not count:
        return
    sorted_by = tie_order(count, [(name, int(row[f"_{key}_differ"] or 0),
                                   int(row[f"_{key}_after"] or 0))
                                  for name, key in (("item id", "item"), ("value", "value"))])
    if sorted_by is None:
        return
    first = row["example"]
    user = _external_id(data.users, USER_ID, USER_INDEX, int(first[USER_INDEX]))
    test_item = _external_id(data.items, ITEM_ID, ITEM_INDEX, int(first["_test_item"]))
    kept_item = _external_id(data.items, ITEM_ID, ITEM_INDEX, int(first["_kept_item"]))
    warnings.warn(tied_last_rows_warning(method, before, count, int(row["tested"]), user,
                                         test_item, kept_item, int(first["_test_time"]),
                                         sorted_by=sorted_by),
                  stacklevel=caller_stacklevel())


def _external_id(vocabulary: Any, id_column: str, index_column: str, index: int) -> Any:
    """The external id of one index of a vocabulary frame (``user_id, user_index``)."""
    from pyspark.sql import functions as F

    return (vocabulary.filter(F.col(index_column) == F.lit(index)).select(id_column)
            .collect()[0][0])


def _finish(data: SparkInteractions, flagged: Any, method: str, params: dict[str, Any],
            *, fold_in: bool = False, none_chosen: Any = None) -> SparkSplit:
    """Set apart test rows no model could rank and count everything, as the single-machine
    splits do (cold item, then cold user, then a repeated training pair). ``flagged`` has
    ``_is_test`` and, with ``fold_in``, ``_is_fold_in`` (held-out users' revealed rows:
    neither train nor test; those whose item never occurs in train are set apart, and no
    test row of a held-out user counts as a cold user, as in
    :func:`recstack.data.splits.user_split`)."""
    from pyspark.sql import functions as F

    if not fold_in:
        flagged = flagged.withColumn("_is_fold_in", F.lit(False))
    flagged = _materialise(flagged)
    columns = data.frame.columns
    train = flagged.filter(~F.col("_is_test") & ~F.col("_is_fold_in")).select(*columns)
    candidates = flagged.filter(F.col("_is_test") | F.col("_is_fold_in"))
    train_items = train.select(ITEM_INDEX).distinct().withColumn("_item_known", F.lit(True))
    train_users = train.select(USER_INDEX).distinct().withColumn("_user_known", F.lit(True))
    train_pairs = (train.select(USER_INDEX, ITEM_INDEX).distinct()
                   .withColumn("_pair_known", F.lit(True)))
    is_test = F.col("_is_test")
    cold_item = F.col("_item_known").isNull()
    cold_user = F.lit(False) if fold_in else ~cold_item & F.col("_user_known").isNull()
    repeated = ~cold_item & ~cold_user & F.col("_pair_known").isNotNull()
    reason = (F.when(is_test & cold_item, "cold_item").when(is_test & cold_user, "cold_user")
              .when(is_test & repeated, "repeated")
              .when(~is_test & cold_item, "cold_fold_in").otherwise(None))
    judged = (candidates.join(train_items, ITEM_INDEX, "left")
              .join(train_users, USER_INDEX, "left")
              .join(train_pairs, [USER_INDEX, ITEM_INDEX], "left")
              .withColumn("_reason", reason))
    judged = _materialise(judged)
    kept_rows = judged.filter(F.col("_reason").isNull())
    kept = kept_rows.filter(is_test).select(*columns)
    revealed = kept_rows.filter(~is_test).select(*columns)
    set_apart = judged.filter(F.col("_reason").isNotNull()).select(*columns)
    counts = {(row["_is_test"], row["_reason"]): row["count"]
              for row in judged.groupBy("_is_test", "_reason").count().collect()}
    reasons = {reason: count for (test, reason), count in counts.items() if test}
    train_rows = train.count()
    test_rows = reasons.get(None, 0)
    chosen = sum(reasons.values())
    # the single-machine split's messages (recstack.data.splits._finish): the parameters
    # as (n=1), not a dict, and why the chosen test rows were set apart
    if train_rows == 0:
        bounds = flagged.agg(F.min(TIMESTAMP), F.max(TIMESTAMP), F.count(F.lit(1))).collect()[0] \
            if TIMESTAMP in columns else None
        tied = (f"; all {bounds[2]:,} rows share the time {int(bounds[0])}"
                if bounds is not None and bounds[2] and bounds[0] == bounds[1] else "")
        raise EmptyResultError(f"{method} split left no training rows{_shown(params)}{tied}")
    if test_rows == 0:
        if chosen == 0 and none_chosen is not None:
            raise EmptyResultError(none_chosen())
        words = {"cold_item": "whose item is never seen in training",
                 "cold_user": "whose user has no training rows",
                 "repeated": ("repeating a training or fold-in (user, item) pair" if fold_in
                              else "repeating a training (user, item) pair")}
        why = "; ".join(f"{reasons[key]:,} {text}" for key, text in words.items()
                        if reasons.get(key))
        raise EmptyResultError(
            f"{method} split left no test rows{_shown(params)}: {counted(chosen, 'row')} "
            f"{'was' if chosen == 1 else 'were'} chosen for test and "
            f"{chosen - test_rows:,} of them set apart"
            + (f" ({why})" if why else ""))
    test_users = kept.select(USER_INDEX).distinct().count()
    eligible = (candidates if fold_in else flagged).select(USER_INDEX).distinct().count()
    # every user with a row chosen for test is eligible; those without a kept test row had
    # all of theirs set apart
    chosen_users = judged.filter(is_test).select(USER_INDEX).distinct().count()
    report = SplitReport(
        method=method, params=params, train_rows=train_rows, test_rows=test_rows,
        fold_in_rows=counts.get((False, None), 0), test_users=test_users,
        cold_item_rows=reasons.get("cold_item", 0),
        cold_user_rows=reasons.get("cold_user", 0),
        repeated_pair_rows=reasons.get("repeated", 0),
        cold_fold_in_rows=counts.get((False, "cold_fold_in"), 0),
        users_without_test=eligible - test_users,
        users_test_set_apart=chosen_users - test_users)
    return SparkSplit(data.with_frame(train), data.with_frame(kept),
                      data.with_frame(set_apart), report,
                      data.with_frame(revealed) if fold_in else None)


# --------------------------------------------------------------------------- machinery
def F_col(name: str, alias: str) -> Any:  # noqa: N802 (reads like pyspark's F.col)
    from pyspark.sql import functions as F

    return F.col(name).alias(alias)


def _vocabulary(frame: Any, id_column: str, index_column: str) -> tuple[Any, int]:
    """Distinct ids numbered in sorted order, without collecting them on the driver."""
    spark = frame.sparkSession
    distinct = frame.select(id_column).distinct().orderBy(id_column)
    pairs = distinct.rdd.zipWithIndex().map(lambda pair: (pair[0][0], int(pair[1])))
    schema = f"{id_column} {distinct.schema[id_column].dataType.simpleString()}, " \
             f"{index_column} int"
    vocabulary = _materialise(spark.createDataFrame(pairs, schema))
    return vocabulary, vocabulary.count()


def _renumber(frame: Any, vocabulary: Any, id_column: str, index_column: str
              ) -> tuple[Any, int]:
    spark = frame.sparkSession
    used = frame.select(index_column).distinct().orderBy(index_column)
    pairs = used.rdd.zipWithIndex().map(lambda pair: (int(pair[0][0]), int(pair[1])))
    mapping = spark.createDataFrame(pairs, f"{index_column} int, _new_{index_column} int")
    renumbered = _materialise(vocabulary.join(mapping, index_column))
    return renumbered, renumbered.count()


def _materialise(frame: Any) -> Any:
    """Cut the lineage of an iterative job: a reliable checkpoint when the session has a
    checkpoint directory (survives a lost executor), else a cached copy."""
    context = frame.sparkSession.sparkContext
    if context.getCheckpointDir():
        return frame.checkpoint(eager=True)
    return frame.cache()


def _cutoff_time(frame: Any, test_fraction: Any) -> int:
    """The cutoff time of a temporal split by ``test_fraction``: the time at the sorted
    position :func:`recstack.data.splits.temporal_cutoff_position` gives (one machine's
    rule), found from per-day counts and then the distinct times of that day."""
    from pyspark.sql import functions as F

    from recstack.data.splits import temporal_cutoff_position

    days = frame.groupBy(F.floor(F.col(TIMESTAMP) / _DAY).alias("_day")).count().toPandas()
    days = days.sort_values("_day")
    n = int(days["count"].sum())
    position = temporal_cutoff_position(test_fraction, n)
    ends = np.cumsum(days["count"].to_numpy())
    day_at = int(np.searchsorted(ends, position, side="right"))
    before = int(ends[day_at - 1]) if day_at else 0
    day = int(days["_day"].iloc[day_at])
    times = (frame.filter(F.floor(F.col(TIMESTAMP) / _DAY) == day).groupBy(TIMESTAMP).count()
             .toPandas().sort_values(TIMESTAMP))
    within = np.cumsum(times["count"].to_numpy())
    return int(times[TIMESTAMP].iloc[int(np.searchsorted(within, position - before,
                                                          side="right"))])


def _lexicographic(levels: Sequence[str], values: tuple[int, ...], *, upper: bool) -> Any:
    """``(year, month, day) >= values`` (or ``<=`` when ``upper``) on the partition columns."""
    from pyspark.sql import functions as F

    levels = list(levels)[:len(values)]
    result = None
    for depth in range(len(levels) - 1, -1, -1):
        column, value = F.col(levels[depth]), values[depth]
        if result is None:
            result = column <= value if upper else column >= value
        else:
            strict = column < value if upper else column > value
            result = strict | ((column == value) & result)
    return result


def _calendar(seconds: int) -> tuple[int, int, int]:
    moment = np.datetime64(int(seconds), "s").astype(object)
    return moment.year, moment.month, moment.day


def _seconds(bound: Any, name: str) -> Any:
    """Dates and datetimes as ISO text (what :func:`to_unix_seconds` reads); anything else
    is left to it to read or refuse (a float was an AttributeError on ``isoformat``)."""
    if isinstance(bound, bool | np.bool_):
        raise ConfigError(f"{name}: {shown_value(bound)} is not a time; use Unix seconds or an "
                          "ISO date such as 2020-01-31")
    if isinstance(bound, np.datetime64):
        return int(bound.astype("datetime64[s]").astype(np.int64))
    if hasattr(bound, "isoformat") and not isinstance(bound, str):
        return bound.isoformat()
    return bound


def _ids_in_index_order(vocabulary: Any, id_column: str, index_column: str, n: int) -> IdMap:
    frame = vocabulary.toPandas().sort_values(index_column)
    if len(frame) != n or not np.array_equal(frame[index_column].to_numpy(), np.arange(n)):
        raise RecstackError(f"the {id_column} vocabulary is not a dense 0..{n - 1} numbering")
    return IdMap.restore(frame[id_column].to_numpy())


def _align_side_table(table: Any, vocabulary: Any, key: str, index_column: str) -> Any:
    from pyspark.sql import DataFrame
    from pyspark.sql import functions as F

    if not isinstance(table, DataFrame):
        hint = (" (recstack.spark.data.from_pandas(spark, table) makes one of a pandas "
                "table, keeping its types)" if hasattr(table, "columns") else "")
        raise RecstackError(f"with_side_tables: the {key.removesuffix('_id')} table must be a "
                            f"Spark DataFrame, got {type(table).__name__}{hint}")
    if not table.columns:
        raise DataFormatError(f"the {key.removesuffix('_id')} table has no columns",
                              expected=f"a key column {key!r}")
    source = key if key in table.columns else table.columns[0]
    key_column = _side_table_key(table, source)
    # after the id rule: " a" and "a", or 1.0 and 1, are one key
    duplicated = (table.select(key_column.alias("_key")).groupBy("_key").count()
                  .filter(F.col("count") > 1).select("_key").limit(3).collect())
    if duplicated:
        raise _repeated_key(table, source, key)
    id_type = vocabulary.schema[key].dataType
    rest = [c for c in table.columns if c != source]
    keyed = table.select(key_column.try_cast(id_type).alias(key), *rest)
    _refuse_unmatched_side_table(table, keyed, vocabulary, key, source)
    return (vocabulary.join(keyed, key, "left")
            .select(index_column, key, *rest))


def _refuse_unmatched_side_table(table: Any, keyed: Any, vocabulary: Any, key: str,
                                 source: str) -> None:
    """Refuse a side table none of whose keys is an id of the data, as the single-machine
    :meth:`Interactions.from_arrays` does: a table keyed by other ids (text keys against
    integer ids, a column of something else taken as the key) gave every id an empty row
    without a word."""
    if not table.limit(1).collect() or not vocabulary.limit(1).collect():
        return  # an empty table (or data) gives empty rows, as on one machine
    if keyed.select(key).join(vocabulary.select(key), key, "inner").limit(1).collect():
        return
    n_keys = table.count()
    examples = [row[0] for row in table.select(source).limit(3).collect()]
    # the first ids in index order (ids are numbered in sorted order), as on one machine
    ids = [row[0] for row in vocabulary.select(key).orderBy(key).limit(3).collect()]
    raise DataFormatError(
        f"none of the side table's {n_keys:,} keys in column {source!r} (e.g. {examples}) is "
        f"one of the {vocabulary.count():,} ids of the interactions (e.g. {ids})", column=key,
        expected=f"a table keyed by the same ids, in a column named {key} (or its first "
                 "column)")


def _repeated_key(table: Any, source: str, key: str) -> DataFormatError:
    """The refusal of a side table that repeats a key, in the single-machine loader's words
    (:meth:`Interactions.from_arrays`): the table, its key column, the first repeated key
    and the rows (counted from 0 in the table's order) holding it, how those rows wrote it
    when they differ (" 7" and "7" are one key once trimmed), and how many rows share a key.
    It was "item_id repeats in the side table: [7]", naming neither rows nor spellings."""
    from pyspark.sql import functions as F
    from pyspark.sql import types as T

    # the rows numbered in the table's order (a CSV file's line order), on this error path
    # only: a Spark table has no row numbers of its own
    row = "_recstack_row"
    schema = T.StructType([*table.schema.fields, T.StructField(row, T.LongType(), False)])
    numbered = table.sparkSession.createDataFrame(
        table.rdd.zipWithIndex().map(lambda pair: (*pair[0], pair[1])), schema)
    keyed = numbered.select(_side_table_key(numbered, source).alias("_key"),
                            F.col(source).alias("_written"), row)
    counts = keyed.groupBy("_key").agg(F.count(F.lit(1)).alias("_n"), F.min(row).alias("_at"))
    repeated = counts.filter(F.col("_n") > 1)
    totals = repeated.agg(F.sum("_n").alias("_rows")).first()
    first = repeated.orderBy("_at").limit(1).collect()[0]["_key"]
    found = keyed.filter(F.col("_key") == F.lit(first)).orderBy(row).limit(4).collect()
    rows = [r[row] for r in found]
    written = list(dict.fromkeys(r["_written"] for r in found[:3]))
    as_written = (f", written {', '.join(map(shown_value, written))}: the same id once "
                  "trimmed" if len(written) > 1 else "")
    table_name = key.removesuffix("_id")
    return DataFormatError(
        f"in the {table_name} table, {source!r} repeats the key {shown_value(first)} at rows "
        f"{', '.join(map(str, rows[:3]))}{' ...' if len(rows) > 3 else ''}{as_written} "
        f"({int(totals['_rows']):,} rows share a key with another)", column=key,
        expected="one row per id")


def _side_table_key(table: Any, source: str) -> Any:
    """The key column of a side table read by the id rule of :func:`encode` (as
    :meth:`Interactions.from_arrays` reads a side table's keys): a missing or empty key,
    a fraction and a boolean or date are refused naming the row (a null key's row was
    dropped silently, 1.5 was cast to item 1, True to item 1); whole floats are those
    integers and text is trimmed. A key that cannot be an id of the data's type (text
    ``"x"`` against integer ids) matches no id, as any id without interactions (it was
    Spark's CAST_INVALID_INPUT traceback)."""
    from pyspark.sql import functions as F
    from pyspark.sql import types as T

    kind = table.schema[source].dataType
    if not isinstance(kind, T.IntegralType | T.StringType | T.FractionalType):
        raise DataFormatError(f"the side table's key holds {kind.simpleString()}",
                              column=source, expected="ids: integers or text")
    column = F.col(source)
    if isinstance(kind, T.StringType):
        column = F.regexp_replace(column, r"(?U)^\s+|\s+$", "")
    problem = column.isNull() | (((column == "") | column.contains("\x00"))
                                 if isinstance(kind, T.StringType) else F.lit(False))
    if isinstance(kind, T.FractionalType):
        value = column.cast("double")
        problem = problem | F.isnan(value) | (F.abs(value) >= float(2**53)) \
            | (value != F.floor(value))
    offending = table.filter(problem).limit(1).collect()
    if offending:
        row = offending[0].asDict()
        found = row[source]
        if isinstance(found, str) and "\x00" in found:
            count = table.filter(F.col(source).contains("\x00")).count()
            raise DataFormatError(f"{shown_value(found)} on the side table's row "
                                  f"{_preview_row(row)} is {NUL_ID_WORDS}"
                                  f"{_such_values(count)}", column=source,
                                  expected="an integer or text id on every row")
        what = ("a missing (null) key" if found is None else
                "an empty key" if isinstance(found, str) and not found.strip() else
                f"{found!r}, not a whole number below 2**53,")
        raise DataFormatError(f"{what} on the side table's row {_preview_row(row)}",
                              column=source, expected="an integer or text id on every row")
    return column.cast("long") if isinstance(kind, T.FractionalType) else column


def _table_on_driver(table: Any, index_column: str) -> Any:
    """A side table as :class:`Interactions` holds it: rows in index order, the index
    dropped, arrays as lists, and the columns with nulls as one machine reads them from a
    Parquet file (:mod:`recstack.data.side_table`): integers as pandas' nullable integers
    of the same width (``Int32`` for Spark's int) holding the integers the table holds,
    true/false flags as pandas' nullable ``boolean``; and the columns of a pandas table
    made by :func:`from_pandas` in the pandas types they went in with."""
    if table is None:
        return None
    from pyspark.sql.types import BooleanType, IntegralType

    frame = _collected(table, table.columns, index_column).reset_index(drop=True)
    frame = frame.drop(columns=[index_column])
    for field in table.schema.fields:
        if field.name == index_column or _recorded_type(field) is not None:
            continue
        column = frame[field.name]
        if isinstance(field.dataType, IntegralType) and column.dtype.kind == "f":
            # toPandas carries an integer column with nulls as float64, so an integer past
            # 2**53 came back changed without a word (2**53 + 1 as 2**53): such a column is
            # collected again as text, to the exact integers
            nullable = _NULLABLE_WIDTHS.get(field.dataType.typeName(), "Int64")
            rounded = column.abs() >= _FLOAT_EXACT_UP_TO
            frame[field.name] = (_exact_integers(table, field.name, index_column, nullable)
                                 if rounded.any() else column.astype(nullable))
        elif isinstance(field.dataType, BooleanType) and column.dtype == object:
            # toPandas carries flags with nulls as objects (True, None), which the feature
            # builder read as categories where one machine's boolean is a flag
            frame[field.name] = column.astype("boolean")
        elif field.dataType.typeName() == "array":
            frame[field.name] = _object_series([None if v is None else list(v) for v in column])
    return frame


#: Spark's integer types -> pandas' nullable integers of their width, as one machine reads
#: a Parquet integer column with nulls
_NULLABLE_WIDTHS = {"byte": "Int8", "short": "Int16", "integer": "Int32", "long": "Int64"}

#: the magnitude from which a float64 no longer holds every integer
_FLOAT_EXACT_UP_TO = 2.0 ** 53


def _exact_integers(table: Any, column: str, index_column: str, nullable: str, *,
                    values: Any = None) -> Any:
    """``column`` of a side table (integers with nulls; or the integer expression
    ``values``) in ``index_column`` order as pandas' ``nullable`` integers, read as text so
    that no integer passes through a float."""
    import pandas as pd
    from pyspark.sql import functions as F

    if values is None:
        values = F.col(_quoted(column))
    rows = (table.select(F.col(_quoted(index_column)).alias("_order"),
                         values.cast("string").alias("_values"))
            .toPandas().sort_values("_order", kind="stable")["_values"])
    return pd.array([None if value is None or value != value else int(value)
                     for value in rows], dtype=nullable)


def _recorded_type(field: Any) -> dict[str, Any] | None:
    """The pandas type :func:`from_pandas` recorded in a Spark field's metadata, or None."""
    text = field.metadata.get(PANDAS_TYPE_KEY)
    if not isinstance(text, str):
        return None
    try:
        record = json.loads(text)
    except ValueError:
        return None
    if not isinstance(record, dict):
        return None
    wanted = _RECORD_FIELDS.get(str(record.get("kind")))
    return record if wanted is not None and wanted <= record.keys() else None


#: what :func:`_pandas_type_record` writes for each kind of column
_RECORD_FIELDS = {"datetime": {"dtype"}, "nullable float": {"dtype"},
                  "category": {"categories", "ordered", "categories_dtype"},
                  "integer": {"dtype"}, "flag": {"dtype"}, "text": {"dtype"}}


def _collected(frame: Any, columns: Sequence[str], order: str) -> Any:
    """``columns`` of the Spark ``frame`` on the driver (pandas), sorted by ``order`` (one of
    them), each column :func:`from_pandas` made back in its pandas type: ``toPandas`` gave
    times without their zone (as wall-clock times of the session's zone), nullable floats
    as floats whose NaN stood for a missing value too, categories as their values."""
    import pandas as pd
    from pyspark.sql import functions as F
    from pyspark.sql.types import TimestampType

    schema = {field.name: field for field in frame.schema.fields}
    records: dict[str, dict[str, Any]] = {}
    for name in columns:
        record = _recorded_type(schema[name])
        # a time whose record is kept, but which a step made another Spark type, is left
        # as that type gives it
        if record is not None and (record["kind"] != "datetime"
                                   or isinstance(schema[name].dataType, TimestampType)):
            records[name] = record
    selected: list[Any] = []
    missing_flags: dict[str, str] = {}
    for name in columns:
        column = F.col(_quoted(name))
        kind = records[name].get("kind") if name in records else None
        # a time as its microseconds since 1970 (UTC): exact, whatever the session's zone
        selected.append(F.unix_micros(column).alias(name) if kind == "datetime" else column)
        if kind == "nullable float":
            flag = _unused_name(f"_recstack_missing_{len(missing_flags)}", frame.columns)
            missing_flags[name] = flag
            selected.append(column.isNull().alias(flag))
    table = frame.select(*selected).toPandas().sort_values(order, kind="stable")
    for name, record in records.items():
        kind, values = record.get("kind"), table[name]
        if kind == "datetime":
            if values.dtype.kind == "f" and (values.abs() >= _FLOAT_EXACT_UP_TO).any():
                # past 2**53 microseconds (the year 2255) a float no longer holds them
                values = pd.Series(_exact_integers(frame, name, order, "Int64",
                                                   values=F.unix_micros(F.col(_quoted(name)))),
                                   index=values.index)
            times = pd.to_datetime(values.astype("Int64"), unit="us", utc=True)
            dtype = pd.api.types.pandas_dtype(record["dtype"])
            table[name] = (times.astype(dtype) if isinstance(dtype, pd.DatetimeTZDtype)
                           else times.dt.tz_localize(None).astype(dtype))
        elif kind == "nullable float":
            dtype = pd.api.types.pandas_dtype(record["dtype"])
            table[name] = pd.arrays.FloatingArray(
                values.to_numpy(dtype.numpy_dtype, na_value=np.nan),
                table[missing_flags[name]].to_numpy(bool))
        elif kind == "category":
            categories = pd.Index(record["categories"], dtype=record["categories_dtype"])
            restored = pd.Categorical(values, categories=categories,
                                      ordered=bool(record["ordered"]))
            lost = values.notna().to_numpy() & (restored.codes == -1)
            if lost.any():
                # a value a Spark step wrote into the column: as a category it would be
                # missing without a word
                raise DataFormatError(
                    f"{shown_value(values[lost].iloc[0])} is none of the column's "
                    f"{len(categories):,} categories, which from_pandas recorded (e.g. "
                    f"{', '.join(map(shown_value, categories[:5].tolist()))})", column=name,
                    expected="values among the recorded categories, or a column made anew "
                             f"(without the metadata key {PANDAS_TYPE_KEY!r})")
            table[name] = restored
        elif kind == "integer":
            dtype = pd.api.types.pandas_dtype(record["dtype"])
            if values.dtype.kind == "f" and (values.abs() >= _FLOAT_EXACT_UP_TO).any():
                # toPandas carried the integers with nulls as floats, past 2**53 inexact
                values = pd.Series(_exact_integers(frame, name, order, "Int64"),
                                   index=values.index)
            table[name] = values.astype("Int64").astype(dtype)
        elif kind in ("flag", "text"):
            table[name] = values.astype(record["dtype"])
    return table.drop(columns=list(missing_flags.values()))


def _unused_name(name: str, taken: Sequence[str]) -> str:
    while name in taken:
        name = "_" + name
    return name


def _object_series(values: list[Any]) -> Any:
    import pandas as pd

    return pd.Series(values, dtype=object)


def _require_timestamps(data: SparkInteractions) -> None:
    if not data.has_timestamps:
        raise RecstackError("this split orders rows by time, but the data have no timestamps")

"""Interactions from generic CSV / TSV / Parquet files, and back to the same formats.

Reading is built for tens of millions of rows: :mod:`pyarrow.csv` parses on all cores
into typed columns that go straight to numpy. Nothing loops over rows in Python until
something is wrong; then a slow diagnostic pass (the :mod:`csv` module) re-reads the
file to name the exact line, column and offending text in a :class:`DataFormatError`.
No bad input (undecodable bytes, a damaged ``.gz``, an unterminated quote, a damaged
Parquet file...) surfaces as anything but a :class:`~recstack.errors.RecstackError`.
Bytes that are not valid text in the file's encoding are refused, with their line, in
the header and in the columns read; columns that are not read are not checked, but for
their quotes: a quote never closed (which swallowed the lines after it, or ran from the
last line to the end) is refused in any column, naming its line. A log's ids and values
are one line each (a line break in a column read is refused); a closed quoted value with
line breaks in a column not read (a review, a comment) is valid CSV and read as such.

What recstack writes it reads back without being told: :func:`save_table` stores the
column roles (user, item, value and timestamp columns), the kind of values (explicit
ratings or implicit weights), the rating range and the timestamp unit in the Parquet
schema metadata under the key ``recstack`` (JSON), and :func:`load_table` picks them up.
A CSV/TSV file has no room for metadata: it is written with the column names that
:func:`load_table` reads by default (``user_id, item_id, value, timestamp``), so ids,
values and timestamps come back, but the rating range must be passed again.

Ids
    A column of ids becomes integers (int64, exact) only when every id in it is an
    integer written plainly (``-?[1-9][0-9]*`` or ``0``, blanks around it ignored) and
    fits in int64. Otherwise every id is kept as text exactly as written (trimmed of
    surrounding blanks), so ``123456789012345678901234567`` stays that string rather than
    becoming ``1.2345678901234568e+26``, and ``"1.0"`` and ``"1"`` are two different ids.
    Parquet columns keep their type (text is trimmed of surrounding blanks, as in CSV);
    float ids are accepted only when every value is a whole number below 2**53 (they
    become int64), anything else is refused. Ids given as columns
    (:meth:`Interactions.from_arrays`, :meth:`~Interactions.from_frame`) follow the Parquet
    rule (one kind per column: ids mixing text and numbers are refused, whatever holds
    them, since as one column ``1`` and ``"1"`` would be one id), and lookups
    (:meth:`IdMap.to_index`) compare ids by these rules whatever the container: ``" a"``
    is ``"a"``, and ``"7"`` is ``7`` for integer ids. A text id spelled as other tools
    write a missing value (``NA``, ``nan``, ``null``, ``None``...: see
    :data:`MISSING_VALUE_SPELLINGS`) is kept, with a :class:`MissingValueIdWarning` naming
    its line or row; an empty id is refused.

Timestamps
    Stored as int64 Unix seconds. Numbers are Unix time in ``timestamp_unit``; under
    ``"auto"`` the unit is chosen by magnitude: an absolute value below 1e11 looks like
    seconds (up to the year 5138), below 1e14 milliseconds, below 1e17 microseconds, else
    nanoseconds. Every non-zero value of the column must look like the same unit; a column
    where some look like seconds and others like milliseconds (say) is refused, naming a
    row of each, rather than read all in the larger unit. (So milliseconds from before
    March 1973 look like seconds: set the unit for such data.) A column whose every value
    is a date written as digits, ``YYYY``, ``YYYYMMDD`` or ``YYYYMMDDhhmmss`` (years 1900
    to 2100), is refused under ``"auto"``, pointing to its ``timestamp_format`` such as
    ``'%Y%m%d'`` (read as Unix time, ``20200131`` is a second of August 1970). A unit set
    by hand that puts every time before March 1973 where the numbers' magnitude puts them
    later (seconds read as milliseconds) is read as told, with a warning. Text is ISO-8601
    or a strptime pattern; ISO-8601 text without a UTC offset is UTC, and a column where
    some times of day give an offset and others none is read so with a warning (the ones
    without may be local times). A time outside the years 1 to 9999 is an error naming
    file, line and column.

Numbers in text files are decimal: a hexadecimal ``0x10`` in a column of integers (Unix
times, the integer ids of MovieLens files) is refused naming file, line and column, as it
is among ratings, rather than read as 16. A text id that looks hexadecimal (a hash such as
``0x1f``) stays that text.

The delimited-text machinery here (:class:`DelimitedLayout`, :func:`read_delimited`,
:func:`line_of_record`) is shared with the MovieLens loaders.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import decimal
import enum
import functools
import io
import itertools
import json
import logging
import math
import mmap
import numbers
import os
import re
import unicodedata
import warnings
import zipfile
import zlib
from collections.abc import Callable, Collection, Generator, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from recstack.atomic import (
    broken_link,
    file_name_problem,
    name_too_long,
    shortened,
    write_with,
)
from recstack.data.dates import impossible_date
from recstack.data.idmap import arrow_text_ids, trim_text_ids, warn_of_ids_merged_by_trimming
from recstack.data.interactions import (
    DUPLICATE_POLICIES,
    FIRST_SECOND,
    ITEM_ID,
    LAST_SECOND,
    TIMESTAMP,
    USER_ID,
    VALUE,
    DuplicatePolicy,
    DuplicateRowsError,
    Interactions,
    LookalikeIdWarning,
    MisreadTextWarning,
    MissingValueIdWarning,
    SumBeyondFloat32Error,
    and_marks,
    caller_stacklevel,
    check_flag,
    check_name_list,
    first_lone_surrogate,
    first_repeated_name,
    first_time_out_of_range,
    floor_seconds,
    ids_already_warned_of,
    rating_range_ends,
    rating_range_shown,
    require_interactions,
    to_float32_values,
    trimmed_column_name,
    true_false_error,
    unknown_column,
    warn_of_coarse_times,
    warn_of_merged_times,
)
from recstack.errors import (
    ConfigError,
    DataFormatError,
    RecstackError,
    UnknownColumnError,
    counted,
    echoed,
    shown,
)
from recstack.progress import Progress, resolve
from recstack.specs import arguments_named, closest, did_you_mean
from recstack.strict_json import loads as strict_loads

__all__ = ["load_table", "save_table", "TableRoles", "MissingValueIdWarning",
           "OnePartWarning", "TIMESTAMP_UNITS", "WELL_KNOWN_COLUMNS", "DETECT"]

PathLike = str | os.PathLike[str]


def as_path(value: Any, what: str = "path") -> Path:
    """``value`` as a :class:`~pathlib.Path`, or a RecstackError naming ``what``: a number
    or None was os.fspath's TypeError, and an empty string the current folder (a loader
    then read, and ``write_partitioned(overwrite=True)`` would replace, the folder the
    program runs in)."""
    if isinstance(value, str) and not value.strip():
        raise ConfigError(f"{what} is empty; give the path of a file or folder")
    if not isinstance(value, str | os.PathLike):
        raise ConfigError(f"{what} must be a path (text or a pathlib.Path), got {value!r}")
    path = Path(value)
    if not str(path).strip():  # an os.PathLike whose text is empty
        raise ConfigError(f"{what} is empty; give the path of a file or folder")
    too_long = name_too_long(path)
    if too_long is not None:  # every look at it was the system's OSError
        raise ConfigError(f"{what} {shortened(path)}: is {too_long}; check the path")
    return path

_log = logging.getLogger(__name__)


class _Detect(enum.Enum):
    """The type of :data:`DETECT`."""

    DETECT = "detect"

    def __repr__(self) -> str:
        return "DETECT"


#: The default of ``value_col`` / ``timestamp_col``: find the column by its name (see
#: :data:`WELL_KNOWN_COLUMNS`). ``None`` instead means that the file has no such column.
DETECT = _Detect.DETECT

#: The column names :func:`load_table` recognises for each role when it is not told
#: which column to read, the default name first (exact spelling, case included; a name
#: that differs only in case or word separators, 'Rating', 'UserID', is refused, naming
#: the option that reads it).
WELL_KNOWN_COLUMNS: dict[str, tuple[str, ...]] = {
    "user ids": (USER_ID, "userId", "user", "userid", "uid"),
    "item ids": (ITEM_ID, "itemId", "movieId", "item", "itemid", "iid", "product_id"),
    "values": (VALUE, "rating", "ratings", "score", "weight", "count"),
    "timestamps": (TIMESTAMP, "time", "ts", "datetime", "date"),
}
# role -> the column the caller named, None (no such column) or DETECT
_GivenRoles = Mapping[str, "str | None | _Detect"]
#: separators a header that reads as one column is tried with, to name the file's own
_USUAL_SEPARATORS = (",", ";", "\t", "|")
_ROLE_OPTIONS = {"user ids": "user_col", "item ids": "item_col", "values": "value_col",
                 "timestamps": "timestamp_col"}

# Column kinds understood by read_delimited:
#   int32 / int64 / float32 / float64: strictly typed, a bad value is a DataFormatError;
#   text: any string; id: a non-empty string (converted by ids_from_text);
#   auto: whatever pyarrow infers, falling back to text (timestamps in generic files).
ColumnKind = Literal["int32", "int64", "float32", "float64", "text", "id", "auto"]

_ARROW_TYPES: dict[str, pa.DataType] = {
    "int32": pa.int32(),
    "int64": pa.int64(),
    "float32": pa.float32(),
    "float64": pa.float64(),
    "text": pa.string(),
    "id": pa.string(),
}
_INT_BOUNDS = {"int32": (-(2**31), 2**31 - 1), "int64": (-(2**63), 2**63 - 1)}
# What an integer / a float may look like (pyarrow trims only spaces and tabs and knows
# only ASCII digits: Python's \s and \d would let through text int() refuses). pyarrow
# also reads hex (0x10 as 16); no interaction format writes numbers so, so a hex field is
# refused as a rating's is (see _refuse_hex_integers).
_INT_TEXT = re.compile(r"[ \t]*-?[0-9]+[ \t]*")
_HEX_TEXT = r"^[ \t]*[+-]?0[xX]"
_FLOAT_TEXT = re.compile(r"[ \t]*[+-]?([0-9]+\.?[0-9]*([eE][+-]?[0-9]+)?|\.[0-9]+([eE][+-]?"
                         r"[0-9]+)?|inf|infinity|nan)[ \t]*", re.IGNORECASE)
# An id read as an integer: written plainly, so that no two spellings become one id.
# Stricter than a lookup's PLAIN_INTEGER (where "-0" finds the user 0): a column read with
# "-0" as the integer 0 merged the ids "-0" and "0" without a word, where "-00" and "0"
# stayed two ids with a LookalikeIdWarning (the fast reader never took "-0" as plain).
_PLAIN_INTEGER = r"^(0|-?[1-9][0-9]*)$"
_EXPECTED_TEXT = {
    "int32": "an integer",
    "int64": "an integer",
    "float32": "a number",
    "float64": "a number",
    "text": "a value",
    "id": "an id",
    "auto": "a value",
}
# Bytes per parse block: pyarrow parses blocks in parallel, inferring types per block.
_BLOCK_SIZE = 16 << 20
_EXTENSION_DELIMITERS = {".csv": ",", ".tsv": "\t", ".tab": "\t"}
_PARQUET_EXTENSIONS = (".parquet", ".pq")
_COMPRESSION_EXTENSIONS = (".gz", ".bz2", ".zst", ".lz4")
#: the extensions save_table writes, Parquet first (the one suggested)
_TABLE_SUFFIXES = (*_PARQUET_EXTENSIONS, *_EXTENSION_DELIMITERS,
                   *(f"{text}.gz" for text in _EXTENSION_DELIMITERS))
_ISO_EXAMPLE = "an ISO-8601 date-time such as 2024-01-31T12:00:00"
TIMESTAMP_UNITS = ("s", "ms", "us", "ns", "auto")
_UNIT_FACTORS = {"s": 1, "ms": 1_000, "us": 1_000_000, "ns": 1_000_000_000}
_UNIT_WORDS = {"s": "seconds", "ms": "milliseconds", "us": "microseconds", "ns": "nanoseconds"}
# "auto": an absolute value below the n-th bound (and not below the one before) looks like
# the n-th unit; at or above the last, the last unit (see the docstring)
_AUTO_UNIT_BOUNDS = (1e11, 1e14, 1e17)
_AUTO_UNITS = ("s", "ms", "us", "ns")
# Exceptions that bad bytes can raise while reading; each becomes a DataFormatError.
_READ_ERRORS = (pa.ArrowException, OSError, EOFError, zlib.error, UnicodeError, csv.Error)
# Parquet schema metadata: the column roles (JSON) and, in files written before it, the
# rating range alone.
ROLES_KEY = b"recstack"
RATING_RANGE_KEY = b"recstack.rating_range"
_ROLES_VERSION = 1


# ---------------------------------------------------------------------------- layouts
@dataclass(frozen=True)
class DelimitedLayout:
    """How a delimited text file is laid out.

    Parameters
    ----------
    delimiter
        One character, or ``"::"`` (MovieLens 1M/10M ``.dat`` files). ``"::"`` is read
        by pyarrow as ``':'`` with empty fields in between, which costs no copy of the
        file; so it only suits files whose fields never contain ``':'``.
    names
        Column names when the file has no header line; ``None`` reads them from line 1.
    encoding
        Text encoding handed to pyarrow (it transcodes to UTF-8 on the fly).
    quoted
        Whether fields may be wrapped in double quotes (CSV); off for formats such as
        ``u.item`` where a quote is just a character.
    newlines_in_values
        Whether a quoted field may span lines (slower; small metadata files only).
    """

    delimiter: str
    names: tuple[str, ...] | None = None
    encoding: str = "utf-8"
    quoted: bool = True
    newlines_in_values: bool = False

    @property
    def has_header(self) -> bool:
        return self.names is None

    def describe(self) -> str:
        return {"\t": "tabs", ",": "','", "|": "'|'"}.get(self.delimiter, repr(self.delimiter))


def read_delimited(
    path: PathLike,
    layout: DelimitedLayout,
    columns: Mapping[str, ColumnKind],
    *,
    expected: Mapping[str, str] | None = None,
    optional: Collection[str] = (),
) -> pa.Table:
    """Read the named columns of a delimited file into a pyarrow table.

    Parameters
    ----------
    path
        The file; ``.gz``/``.bz2``/``.zst`` are decompressed on the fly.
    layout
        Delimiter, header and quoting rules.
    columns
        Column name -> kind (see ``ColumnKind``). Only these columns are converted.
    expected
        Column name -> what a valid value looks like, for error messages
        (default: derived from the kind).
    optional
        Columns (of ``columns``) whose fields may be empty: an empty field (or, for
        ``"id"`` columns, one of only whitespace) is a null there, whatever the kind,
        where any other column refuses it by line. For logs with optional fields, read
        once with their types checked.

    Returns
    -------
    pyarrow.Table
        The requested columns, in the order given, without nulls outside ``optional``.

    Raises
    ------
    DataFormatError
        Naming the file, line, column and expected value of the first bad row, or the
        file and line of undecodable bytes, an unterminated quote or damaged compression.
    UnknownColumnError
        When a requested column is not in the header.
    """
    path = Path(path)
    optional = _optional_columns(optional, columns)
    check_file(path)
    check_content(path, parquet=False, encoding=layout.encoding)
    names = file_column_names(path, layout)
    missing = [c for c in columns if c not in names]
    if missing:
        raise unknown_column(missing[0], names, file=str(path))
    expected = {**{c: _EXPECTED_TEXT[k] for c, k in columns.items()}, **(expected or {})}
    soft = [c for c, kind in columns.items() if kind == "auto"]
    try:
        table = _arrow_read(path, layout, names, columns, as_text=())
    except PermissionError as error:
        raise RecstackError(f"{path}: cannot read it ({error.strerror or error})") from None
    except _READ_ERRORS as first_error:
        # Inferred columns (timestamps) may change type half-way through a file.
        # pyarrow usually re-infers across blocks by itself; where it gives up, read them
        # as text before deciding that the file is broken.
        table = None
        if soft and isinstance(first_error, pa.ArrowInvalid):
            try:
                table = _arrow_read(path, layout, names, columns, as_text=soft)
            except _READ_ERRORS:
                pass
        if table is None:
            raise _diagnose(path, layout, names, columns, expected, str(first_error),
                            optional) from None
    table = table.select(list(columns))
    for name, kind in columns.items():
        column = table.column(name)
        if pa.types.is_binary(column.type) or pa.types.is_large_binary(column.type):
            # what pyarrow infers for bytes that are not valid text
            raise _diagnose(path, layout, names, columns, expected,
                            f"column {name!r} is not valid {layout.encoding} text", optional)
        if name in optional:
            if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
                # text reads an empty field as "": missing here, as in numbers
                blank = pc.utf8_trim_whitespace(column) if kind == "id" else column
                column = pc.if_else(pc.equal(pc.utf8_length(blank), 0),
                                    pa.scalar(None, column.type), column)
                table = table.set_column(table.column_names.index(name), name, column)
            empty = 0
        else:
            empty = column.null_count
        if kind == "id" and not empty and name not in optional:
            empty = pc.sum(pc.equal(pc.utf8_length(pc.utf8_trim_whitespace(column)), 0)
                           ).as_py() or 0
        if empty:
            raise _diagnose(path, layout, names, columns, expected,
                            f"column {name!r} has {empty} empty field(s)", optional)
        if kind in ("text", "id") and layout.quoted and pc.any(
                pc.match_substring_regex(column, "[\r\n]")).as_py():
            # A line break inside a value: legitimate only in a quoted multi-line field;
            # otherwise a quote that never closes has swallowed the lines after it.
            if _breaks_only_in_unread_values(path, layout, columns):
                # pyarrow's blocks, cut at every line end, split such a record
                return _read_multiline(path, layout, columns, expected, optional)
            problem = _unterminated_quote(path, layout)
            if problem is not None:
                raise problem
            if not layout.newlines_in_values:
                raise _diagnose(path, layout, names, columns, expected,
                                f"column {name!r} holds a line break", optional)
    if layout.quoted and not layout.newlines_in_values and layout.delimiter != "::" and \
            _records_span_lines(path, layout, columns, table.num_rows):
        return _read_multiline(path, layout, columns, expected, optional)
    if layout.has_header:
        _refuse_repeated_header(path, layout, table)
    _refuse_inner_byte_order_marks(path, layout, names, table, columns)
    _refuse_hex_integers(path, layout, names, table, columns, expected)
    _refuse_backslash_escaped_quotes(path, layout, names, columns)
    return table


#: bytes of the file read at a time to count its lines
_COUNT_CHUNK = 16 << 20
#: a blank line (spaces and tabs only) ended by LF or CRLF, which no reader takes for a row
_BLANK_LINE_BYTES = re.compile(rb"(?m)^[ \t]*\r?\n")


def _read_multiline(path: Path, layout: DelimitedLayout, columns: Mapping[str, ColumnKind],
                    expected: Mapping[str, str] | None, optional: Collection[str]
                    ) -> pa.Table:
    """The file read again as one whose quoted values may span lines (slower: pyarrow
    cannot cut it into blocks at any line end), for a log whose columns not read (a review,
    a comment) hold closed quoted values with line breaks: valid CSV, which blocks cut at
    line ends read wrongly or not at all, depending on where the blocks end."""
    return read_delimited(path, replace(layout, newlines_in_values=True), columns,
                          expected=expected, optional=optional)


def _breaks_only_in_unread_values(path: Path, layout: DelimitedLayout,
                                  columns: Mapping[str, ColumnKind]) -> bool:
    """Whether the records of the file that span lines are all whole (their quotes closed,
    the header's count of fields) and hold their line breaks only in columns not read,
    with at least one such record. A line break in a column read (an id, a rating) stays
    refused (ids and values are one line each), as do stray and unclosed quotes."""
    names = layout.names if layout.names is not None else file_column_names(path, layout)
    read = {names.index(name) for name in columns if name in names}
    spanning = None  # the line of the last record spanning lines
    with reading(path, layout.encoding):
        last = None  # the last record's line, where it is one line
        for start, end, fields in _record_spans(path, layout):
            last = start if end == start else None
            if end == start:
                continue
            broken = {i for i, field in enumerate(fields) if "\n" in field or "\r" in field}
            if len(fields) != len(names) or not broken or broken & read:
                return False
            spanning = start
        if last is not None and _open_to_the_end(path, layout, last):
            return False
        # a quote never closed runs to the end of the file: only the last such record
        # can be one (the reader, not strict, closes it there)
        return spanning is not None and not _opens_for_good(path, layout, spanning)


def _records_span_lines(path: Path, layout: DelimitedLayout,
                        columns: Mapping[str, ColumnKind], rows: int) -> bool:
    """Whether a file of one record per line, whose rows are fewer than its lines, holds
    records spanning lines that are valid CSV (quoted values with line breaks in columns
    not read: :func:`_breaks_only_in_unread_values`), to be read again as such. Else refuse
    it: a quote opened in a column that was not read (a title, a comment) swallowed the
    lines after it (a quote never closed: every later row was lost without a word; one
    opened on the last line was read as if it closed there). The lines are counted only in
    a file holding a quote, its blank lines only where the rows are fewer than the lines;
    the records are then found one by one to name the line."""
    lines = quotes = 0
    ends_open = False
    previous = b""
    try:
        with pa.input_stream(str(path), compression="detect") as stream:
            while chunk := stream.read(_COUNT_CHUNK):
                quotes += chunk.count(b'"')
                returns = chunk.count(b"\r")
                # a CR ending one chunk and an LF starting the next are one line end
                lines += chunk.count(b"\n") + returns - (
                    (chunk.count(b"\r\n") if returns else 0)
                    + (previous.endswith(b"\r") and chunk.startswith(b"\n")))
                ends_open = not chunk.endswith((b"\n", b"\r"))
                previous = chunk[-1:]
        if not quotes:
            return False
        records = lines + ends_open - layout.has_header
        # quotes come in pairs ('""' in a value too): an odd count may be one never closed
        if rows >= records and quotes % 2 == 0:
            return False
        if rows < records:
            records -= _blank_line_count(path)
    except _READ_ERRORS:
        return False  # the reading of the file itself names what is wrong with it
    if rows >= records and quotes % 2 == 0:
        return False
    if _breaks_only_in_unread_values(path, layout, columns):
        return True
    problem = _unterminated_quote(path, layout)
    if problem is not None:
        raise problem
    return False


def _blank_line_count(path: Path) -> int:
    """The lines of spaces and tabs only (or none) ended by LF or CRLF in the file."""
    blank = 0
    tail = b""
    with pa.input_stream(str(path), compression="detect") as stream:
        while chunk := stream.read(_COUNT_CHUNK):
            text = tail + chunk
            cut = text.rfind(b"\n") + 1
            blank += len(_BLANK_LINE_BYTES.findall(text, 0, cut))
            tail = text[cut:]
    return blank


def _optional_columns(optional: Any, columns: Mapping[str, ColumnKind]) -> frozenset[str]:
    """``read_delimited``'s ``optional``: names among ``columns`` (a lone name is one name,
    not its letters)."""
    if isinstance(optional, str):
        optional = (optional,)
    try:
        names = list(optional)
    except TypeError:
        raise ConfigError(f"read_delimited: optional must be a list of column names, got "
                          f"{type(optional).__name__} {optional!r:.60}") from None
    for name in names:
        if name not in columns:
            raise ConfigError(f"read_delimited: optional names {name!r}, which is not one of "
                              f"the columns read ({', '.join(map(repr, columns))})")
    return frozenset(names)


def _refuse_inner_byte_order_marks(path: Path, layout: DelimitedLayout, names: list[str],
                                   table: pa.Table, columns: Mapping[str, ColumnKind]) -> None:
    """Refuse an id starting with a byte-order mark (U+FEFF, invisible): the mark that
    opens a file, found inside one where files were joined (``cat a.csv b.csv``). Read, it
    made the id '\ufeff3' of a user other than 3, and every integer id of the column text."""
    for name, kind in columns.items():
        column = table.column(name)
        if kind != "id" or not pa.types.is_string(column.type):
            continue
        marked = pc.starts_with(column, "\ufeff")
        if not pc.any(marked).as_py():
            continue
        with reading(path, layout.encoding):
            line, fields = line_of_record(path, layout, _first_false(pc.invert(marked)))
        position = names.index(name)
        shown = fields[position].strip() if position < len(fields) else "?"
        raise DataFormatError(
            f"found {shown!r}, which starts with a byte-order mark (U+FEFF), the invisible "
            "mark that opens a text file: files joined into one?", file=str(path), line=line,
            column=name, expected="ids without it: remove the mark (or join the files "
                                  "saved without one)")


def _refuse_hex_integers(path: Path, layout: DelimitedLayout, names: list[str],
                         table: pa.Table, columns: Mapping[str, ColumnKind],
                         expected: Mapping[str, str]) -> None:
    """Refuse a field that pyarrow read as a hexadecimal integer (0x10 as 16) in a column
    of integers (ids, Unix times): no interaction format writes numbers so, ratings refuse
    them, and '0x10' and '16' would silently become one id or one moment. The text of those
    columns is read again only when the file holds a '0x' at all."""
    integers = [name for name, kind in columns.items() if kind in ("int32", "int64") or (
        kind == "auto" and pa.types.is_integer(table.column(name).type))]
    if not integers or not _may_hold_hex(path, layout.encoding):
        return
    text = _arrow_read(path, layout, names, {name: "text" for name in integers}, as_text=())
    for name in integers:
        is_hex = pc.match_substring_regex(text.column(name), _HEX_TEXT)
        if pc.any(is_hex).as_py():
            with reading(path, layout.encoding):
                line, fields = line_of_record(path, layout, _first_false(pc.invert(is_hex)))
            position = names.index(name)
            shown = fields[position].strip() if position < len(fields) else "?"
            raise DataFormatError(f"found {shown!r}, a hexadecimal number (numbers are read "
                                  "in decimal digits only)", file=str(path), line=line,
                                  column=name, expected=expected[name])


def _may_hold_hex(path: Path, encoding: str) -> bool:
    """Whether the (decompressed) bytes of ``path`` hold '0x' or '0X' anywhere: a scan far
    cheaper than parsing, that spares clean files a second read. It looks for the letter
    first: '0' is in nearly every field of a numeric log, 'x' in almost none."""
    def holds_hex(data: Any) -> bool:
        return any(data.find(letter) >= 0 and data.find(b"0" + letter) >= 0
                   for letter in (b"x", b"X"))

    return _scan_bytes(path, encoding, holds_hex, overlap=1)


def _scan_bytes(path: Path, encoding: str, holds: Callable[[Any], bool], overlap: int
                ) -> bool:
    """Whether ``holds`` is true of the (decompressed) bytes of ``path``: of the whole file
    mapped (no copies: searched in the page cache), or, in a compressed one, of each chunk
    with the last ``overlap`` bytes of the one before (so that a needle across two chunks
    is found). True in an encoding that is not ASCII-compatible, where the exact check
    decides; False for an empty file. The one scan :func:`_may_hold_hex` and
    :func:`_may_hold_bytes` share."""
    try:
        if codecs.lookup(encoding).name not in _ASCII_COMPATIBLE:
            return True  # ASCII needles are other bytes there: let the exact check decide
    except LookupError:
        return True
    with reading(path, encoding):
        if path.suffix.lower() not in _COMPRESSION_EXTENSIONS:
            with open(path, "rb") as handle:
                if os.fstat(handle.fileno()).st_size == 0:
                    return False
                with mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as mapped:
                    return holds(mapped)
        previous = b""
        with pa.input_stream(str(path), compression="detect") as stream:
            while chunk := stream.read(1 << 22):
                if holds(previous + chunk):
                    return True
                previous = chunk[-overlap:] if overlap > 0 else b""
    return False


def _refuse_backslash_escaped_quotes(path: Path, layout: DelimitedLayout, names: list[str],
                                     columns: Mapping[str, ColumnKind]) -> None:
    """Refuse a quoted value of a column read whose quotes are escaped with a backslash
    (``"a \\"great\\" film"``), as Spark's CSV writer (by default), MySQL and PostgreSQL's
    text exports write them: CSV doubles a quote inside a quoted value, so the first
    ``\\"`` closed the value and the rest was read as it stood (``a \\great\\" film"``), an
    id or context value that matched nothing, without a word. Only the lines holding a
    backslash before a quote are looked at (the file is scanned for one first), and a line
    that is valid CSV with one (a value ending in a backslash, ``"C:\\dir\\"``; JSON with its
    quotes doubled) passes. Files whose quoted values span lines are not looked at."""
    if not layout.quoted or layout.newlines_in_values or layout.delimiter == "::" \
            or not _may_hold_bytes(path, layout.encoding, b'\\"'):
        return
    read = {names.index(name) for name in columns if name in names}
    valid = 0
    with reading(path, layout.encoding), _open_text(path, layout.encoding) as handle:
        for number, line in enumerate(handle, start=1):
            if '\\"' not in line or (number == 1 and layout.has_header):
                continue
            if _valid_csv_line(line, layout.delimiter):
                valid += 1
                if valid >= _VALID_BACKSLASH_LINES:
                    return  # a writer that doubles quotes (JSON values, say): no need to go on
                continue
            problem = _backslash_quote_error(path, layout, names, line, number, read)
            if problem is not None:
                raise problem


#: lines holding a backslash before a quote that are valid CSV after which
#: :func:`_refuse_backslash_escaped_quotes` stops looking: their writer doubles quotes
_VALID_BACKSLASH_LINES = 1000


def _valid_csv_line(line: str, delimiter: str) -> bool:
    """Whether ``line`` is one valid CSV record (every quoted value closed by a quote that
    a separator or the line's end follows)."""
    try:
        for _ in csv.reader([line.rstrip("\r\n")], delimiter=delimiter, strict=True):
            pass
    except csv.Error:
        return False
    return True


def _backslash_quote_error(path: Path, layout: DelimitedLayout, names: Sequence[str],
                           line: str, number: int, read: Collection[int] | None
                           ) -> DataFormatError | None:
    """The error for line ``number`` (its ``line`` of text) of a value whose quotes are
    escaped with a backslash (see :func:`_refuse_backslash_escaped_quotes`), in one of the
    field positions ``read`` (None: any, for a row of the wrong field count, whose
    separators inside such a value were read as field ends); None for a line that is valid
    CSV or has no such value."""
    if '\\"' not in line or _valid_csv_line(line, layout.delimiter):
        return None  # valid CSV: the backslash is a character of its value
    text = line.rstrip("\r\n")
    meant = next(csv.reader([text], delimiter=layout.delimiter, escapechar="\\",
                            doublequote=False), [])
    got = next(csv.reader([text], delimiter=layout.delimiter), [])
    for position, value in enumerate(meant):
        if '"' not in value or (read is not None and position not in read):
            continue
        if read is None:
            outcome = (f"the row was read as {len(got)} fields, not {len(names)}"
                       if len(got) != len(names) else "it was read otherwise")
        else:
            outcome = f"it was read as {echoed(got[position] if position < len(got) else '')!r}"
        return DataFormatError(
            f"the quoted value {echoed(value)!r} escapes its quotes with a backslash (\\\"), "
            "as Spark's CSV writer and database exports do; a quote inside a quoted CSV value "
            f"is written twice (\"\"), so {outcome}", file=str(path), line=number,
            column=names[position] if position < len(names) else None,
            expected="quotes inside a quoted value doubled: write the file with Spark's "
                     ".option('escape', '\"'), pandas' to_csv or Python's csv module, or as "
                     "Parquet")
    return None


def _backslash_quote_on_line(path: Path, layout: DelimitedLayout, names: Sequence[str],
                             number: int) -> DataFormatError | None:
    """:func:`_backslash_quote_error` for line ``number`` of a row of the wrong field count
    (an error path: the file is read to that line)."""
    if not layout.quoted or layout.delimiter == "::":
        return None
    with _open_text(path, layout.encoding) as handle:
        for current, line in enumerate(handle, start=1):
            if current == number:
                return _backslash_quote_error(path, layout, names, line, number, None)
    return None


def _may_hold_bytes(path: Path, encoding: str, needle: bytes) -> bool:
    """Whether the (decompressed) bytes of ``path`` hold ``needle`` (ASCII) anywhere: a
    scan far cheaper than parsing (see :func:`_scan_bytes`); True in an encoding that
    is not ASCII-compatible, where the exact check decides."""
    return _scan_bytes(path, encoding, lambda data: data.find(needle) >= 0,
                       overlap=len(needle) - 1)


def _refuse_repeated_header(path: Path, layout: DelimitedLayout, table: pa.Table) -> None:
    """A data row spelling the column names is a second header (files joined with their
    headers), not the interaction of user 'user_id' with item 'item_id', in any case or
    word separators ('USER_ID') or with another well-known name of the column's role
    ('userId,movieId' below 'user_id,item_id'; see :func:`_header_spellings`). Only a table of
    text columns can hold one: a number column would have refused the name already."""
    if not table.num_columns or not all(pa.types.is_string(t) for t in table.schema.types):
        return
    # rows that may still repeat it, narrowed column by column; a cheap length test first,
    # as trimming every value of a big log costs more than the rest of this check
    rows = pa.array(np.arange(table.num_rows))
    for name in table.column_names:
        column = table.column(name).take(rows)
        # one pass of a regular expression: any case, word separators anywhere, and a
        # byte-order mark before it too (files joined, each saved with its own mark)
        separators = f"{_HEADER_SEPARATORS}*"
        either = "|".join(separators.join(re.escape(char) for char in word)
                          for word in sorted(_header_spellings(name)))
        rows = rows.filter(pc.match_substring_regex(
            column, rf"^\s*\x{{FEFF}}*{separators}(?:{either}){separators}$",
            ignore_case=True))
        if not len(rows):
            return
    with reading(path, layout.encoding):
        line, _ = line_of_record(path, layout, rows[0].as_py())
    raise _repeated_header_error(path, line)


#: what a header word is compared without: word separators ('User ID', 'user-id')
_HEADER_SEPARATORS = r"[\s_.\-]"


def _header_word(text: str) -> str:
    """``text`` as a repeated header is compared: trimmed, without word separators, in
    lower case ('USER_ID', 'User ID' and 'userId' are all 'userid')."""
    return re.sub(_HEADER_SEPARATORS, "", trimmed_column_name(text)).lower()


@functools.lru_cache(maxsize=256)
def _header_spellings(name: str) -> frozenset[str]:
    """The words a repeated header may write column ``name`` as (see :func:`_header_word`):
    its own in any case or word separators and, for a well-known name of a role, the role's
    other well-known names (a log of ``userId,movieId`` joined below one of
    ``user_id,item_id`` repeats the header as surely as one of ``USER_ID,ITEM_ID``)."""
    word = _header_word(name)
    spellings = {word}
    for names in WELL_KNOWN_COLUMNS.values():
        words = {_header_word(known) for known in names}
        if word in words:
            spellings |= words
    return frozenset(spellings)


def _repeats_header(fields: Sequence[str], names: Sequence[str]) -> bool:
    """Whether a record's ``fields`` spell the header ``names`` (see
    :func:`_header_spellings`)."""
    return len(fields) == len(names) and all(
        _header_word(field) in _header_spellings(name)
        for field, name in zip(fields, names, strict=True))


def _repeated_header_error(path: Path, line: int | None) -> DataFormatError:
    return DataFormatError("the header line is repeated here (files joined with their "
                           "headers?)", file=str(path), line=line,
                           expected="one header line, at the top of the file; remove this one")


def check_file(path: Path) -> None:
    """Refuse a path that is not a readable file, saying what it is instead."""
    problem = not_a_file(path)
    if problem is not None:
        parts = sorted(path.glob("part-*")) if path.is_dir() else []
        partitions = [entry for entry in path.iterdir()
                      if "=" in entry.name and entry.is_dir()] if parts else []
        if parts and partitions:
            # a folder of parts is read (is_part_folder) unless key=value subfolders beside
            # them make it a partitioned layout too: one part alone is not the table
            problem += (f", and this one holds {len(parts)} part file(s) such as "
                        f"{parts[0].name} beside partition folders (key=value, such as "
                        f"{partitions[0].name}): a folder of parts is read as one table, "
                        "but not one that is partitioned as well; move the parts or the "
                        "partition folders out")
        elif parts:
            # a reader of one file (a MovieLens release's ratings.csv, a side table's
            # columns): one part is not the table, so no part is advised
            problem += (f", and this one holds {len(parts)} part file(s) such as "
                        f"{parts[0].name}, one table as Spark, Polars or pyarrow write it: "
                        "join the parts into one file first (e.g. pyarrow.parquet."
                        "write_table(pyarrow.parquet.read_table(folder), 'log.parquet'))")
        raise RecstackError(f"{path}: {problem}")
    try:
        str(path).encode("utf-8")
    except UnicodeEncodeError:
        # pyarrow opens files by UTF-8 names only; without this, the bytes of the *name*
        # were reported as the file's content not being utf-8 text
        shown = os.fsencode(path).decode("utf-8", "backslashreplace")
        raise RecstackError(f"{shown}: the file's name (or its folder's) holds bytes that are "
                            "not UTF-8 text, which the readers cannot open; rename it with "
                            "UTF-8 characters") from None


def not_a_file(path: Path) -> str | None:
    """What ``path`` is when it is not a regular file (None when it is one): a folder, a
    symbolic link that loops or leads nowhere, nothing, or a pipe, socket or device."""
    if path.is_file():
        return None
    if path.is_dir():
        return "is a folder; expected a file"
    broken = broken_link(path)
    if broken is not None:
        return f"is {broken}"
    if not path.exists():
        return "no such file" + near_miss(path)
    return "not a regular file (a pipe, socket or device); expected a file"


def near_miss(path: PathLike, written: str | None = None) -> str:
    """`` (did you mean 'x'?)`` for a path that does not exist beside one whose name is
    close to its own ('ratigns.csv', 'ratings.cvs', 'ml-100K'), or the path without the
    spaces around its name ('ratings.csv '); empty otherwise. ``written``: the path as the
    user wrote it (relative to an experiment file's folder), which the suggestion follows.
    A misspelt name was only "no such file", where every other misspelt name gets the
    near one."""
    path = Path(path)
    name, parent = path.name, path.parent
    shown_parent = os.path.dirname(str(path) if written is None else written)
    if name.strip() and name.strip() != name and (parent / name.strip()).exists():
        meant = os.path.join(shown_parent, name.strip())
        return f" (its name has spaces around it: did you mean {meant!r}?)"
    try:
        with os.scandir(parent) as entries:
            siblings = [entry.name for entry in itertools.islice(entries, 10_000)]
    except OSError:
        return ""
    # closer than the usual 0.6, which the shared extension alone nearly reaches
    # ('zzzzz.csv' and 'gz.csv')
    # the path itself, when it is there but is no file or folder (a pipe, a link that
    # loops), was suggested as its own near miss
    near = closest(name, [sibling for sibling in siblings if sibling != name], cutoff=0.8)
    return f" (did you mean {os.path.join(shown_parent, near)!r}?)" if near else ""


# The first bytes of what a user may hand over instead of the file recstack reads: the
# compressions pyarrow decompresses (by extension), archives it does not, byte-order marks.
# (bzip2: "BZh", the block size 1-9, then the magic of a first block or of the end, so
# that a text file starting "BZh" is not taken for one)
_COMPRESSED_MAGIC = {re.compile(rb"\x1f\x8b"): ("gzip", ".gz"),
                     re.compile(rb"BZh[1-9](1AY&|\x17rE8)"): ("bzip2", ".bz2"),
                     re.compile(rb"\x28\xb5\x2f\xfd"): ("zstd", ".zst"),
                     re.compile(rb"\x04\x22\x4d\x18"): ("lz4", ".lz4")}
_ARCHIVE_MAGIC = {b"PK\x03\x04": "a zip archive", b"PK\x05\x06": "an empty zip archive",
                  b"\xfd7zXZ\x00": "xz-compressed data", b"7z\xbc\xaf\x27\x1c": "a 7-Zip archive",
                  b"Rar!\x1a\x07": "a RAR archive"}
# UTF-32 first: its little-endian mark begins with UTF-16's
# UTF-8's mark too: read as latin-1 it became 'ï»¿' at the start of the first column's
# name, and that column was not found (a first column 'rating' was dropped without a word)
_TEXT_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
              (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
              (codecs.BOM_UTF8, "utf-8"))
_PARQUET_MAGIC = b"PAR1"
# the compound file of the old Office formats (.xls, .doc)
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# how much of a file's start check_content looks at
_HEAD_BYTES = 4096


def check_content(path: Path, *, parquet: bool, encoding: str | None = None,
                  decompresses: bool = True) -> None:
    """Refuse a file whose first bytes show it is not what its name says: compressed data
    without the compression's extension (any compressed data where the reader does not
    ``decompresses``), an archive, Parquet named as text (or the reverse), or text in
    UTF-16/32 read in another ``encoding`` (None: not checked). Each of these otherwise
    fails later as undecodable bytes or a damaged file, which hides the simple remedy."""
    file = str(path)
    with reading(path):
        with open(path, "rb") as stream:
            head = stream.read(_HEAD_BYTES)
    refuse_pointer_file(path, head)
    suffix = path.suffix.lower()
    for magic, (name, extension) in _COMPRESSED_MAGIC.items():
        if magic.match(head) and (parquet or not decompresses or suffix != extension):
            if parquet or not decompresses:
                raise DataFormatError(
                    f"holds {name}-compressed data, not {'Parquet' if parquet else 'text'}",
                    file=file, expected="the file decompressed" + (
                        " (Parquet compresses its columns itself)" if parquet else ""))
            # under another compression's extension ('log.csv.gz' holding bzip2 data) the
            # name to give replaces that extension: 'log.csv.gz.bz2' was advised, which
            # decompressed to a '.gz' name no reader takes
            renamed = (path.stem if suffix in _COMPRESSION_EXTENSIONS else path.name) + extension
            raise DataFormatError(
                f"holds {name}-compressed data, but its name does not end in {extension}",
                file=file, expected=f"the name {renamed}, which is read "
                                    "compressed, or the file decompressed")
    spreadsheet = _spreadsheet_kind(head)
    if spreadsheet is not None:
        raise DataFormatError(
            f"is {spreadsheet}, not {'Parquet' if parquet else 'delimited text'}", file=file,
            expected="the sheet saved as CSV: Save As, CSV UTF-8, in the spreadsheet program")
    archive = _archive_kind(head)
    if archive is not None:
        raise DataFormatError(
            f"is {archive}, which recstack does not unpack"
            f"{_zip_members(path) if archive == 'a zip archive' else ''}", file=file,
            expected="the file unpacked first" + (
                " (recstack reads plain files and .gz, .bz2, .zst or .lz4 ones)"
                if decompresses and not parquet else ""))
    if suffix in _COMPRESSION_EXTENSIONS and head.startswith(_PARQUET_MAGIC):
        # read as compressed, it was "damaged gzip", which hides the simple remedy
        plain = path.stem if _base_suffix(path) in _PARQUET_EXTENSIONS else \
            f"{Path(path.stem).stem}.parquet"
        raise DataFormatError(
            f"holds plain Parquet data, not {suffix}-compressed data as its name says",
            file=file, expected=f"the name {plain}: rename the file; Parquet compresses its "
                                "columns itself")
    if decompresses and suffix in _COMPRESSION_EXTENSIONS and head and _looks_like_text(
            head[:8]) and not any(magic.match(head) for magic in _COMPRESSED_MAGIC):
        # plain text named 'log.csv.gz' was "an intact .gz file (it seems damaged or cut
        # short)", where the file is whole and only its name is wrong
        raise DataFormatError(
            f"holds plain text, not {suffix}-compressed data as its name says", file=file,
            expected=f"the name {path.stem}: rename the file (or compress it)")
    if decompresses and suffix in _COMPRESSION_EXTENSIONS and path.suffix != suffix:
        # pyarrow knows compressions by their lowercase extension only: 'log.csv.GZ' was
        # read as plain text, and refused for the NUL bytes of its compressed data
        raise DataFormatError(
            f"its name ends in {path.suffix!r}, which is read as a compressed file only "
            "when written in lowercase", file=file,
            expected=f"the name {path.stem}{suffix}: rename the file")
    if decompresses and suffix in _COMPRESSION_EXTENSIONS:
        with reading(path), pa.input_stream(file, compression="detect") as stream:
            head = stream.read(_HEAD_BYTES)
        _refuse_inner_kind(path, head, parquet)
    markup = _markup_kind(head)
    if markup is not None:
        # a web page saved in the data's place (a download link that answered with an error
        # or a sign-in page): read as CSV its one "column" was the page's first line, "no
        # column 'user_id'", and as Parquet "holds text", advising a .csv name
        raise DataFormatError(
            f"holds {markup}, not {'Parquet data' if parquet else 'delimited text'} (it "
            f"opens with {_first_line(head.removeprefix(codecs.BOM_UTF8).lstrip())!r})",
            file=file, line=1,
            expected=("a CSV, TSV or Parquet file: recstack does not read XML; convert it, "
                      "e.g. pandas.read_xml(path).to_parquet('data.parquet')")
            if markup == "an XML document" else
            "the data file itself: a page saved in its place is what a download link "
            "gives when it answers with an error or a sign-in page; download the raw file "
            "again")
    if parquet:
        if head and not head.startswith(_PARQUET_MAGIC) and _looks_like_text(head[:8]):
            raise DataFormatError("holds text, not Parquet data", file=file,
                                  expected="a .csv or .tsv name for a text file")
        return
    if head.startswith(_PARQUET_MAGIC):
        raise DataFormatError("holds Parquet data, not delimited text", file=file,
                              expected="the extension .parquet; rename the file")
    json_kind = _json_kind(head)
    if json_kind is not None:
        # read as CSV, its "header" was '{"user_id":1', '"item_id":2', ...: "no column
        # 'user_id'" named columns that were never there
        raise DataFormatError(
            f"holds {json_kind}, not delimited text (its first line is "
            f"{_first_line(head)!r})", file=file, line=1,
            expected="a CSV, TSV or Parquet file: recstack does not read JSON; convert it, "
                     "e.g. pandas.read_json(path"
                     + (", lines=True" if json_kind == "JSON lines" else "")
                     + ").to_parquet('data.parquet')")
    if not (decompresses and suffix in _COMPRESSION_EXTENSIONS):
        _refuse_end_of_file_mark(path, head, encoding)
    if encoding is None:
        return
    try:
        family = codecs.lookup(encoding).name
    except LookupError:
        return
    for bom, name in _TEXT_BOMS:
        if head.startswith(bom):
            if not family.startswith(name):
                raise DataFormatError(
                    f"is {name.upper()} text (it starts with a {name.upper()} byte-order "
                    f"mark), not {encoding}", file=file,
                    expected=f"encoding={name!r}" + (
                        " (the default: leave encoding out)" if name == "utf-8"
                        else ", or the file saved as UTF-8"))
            if name != "utf-8":
                return
            # UTF-8 text is looked at for a NUL as text without the mark is: past the mark
            # a NUL in the header line was read into a column name ("no column 'user_id';
            # the columns are: 'us\x00er_id'"), naming no line
            head = head[len(bom):]
            break
    if family.startswith(("utf-16", "utf-32")):
        _refuse_other_than_wide_text(file, head, encoding, family)
        return
    if b"\x00" not in head:
        return
    # no text in a one-byte encoding holds a NUL: UTF-16 without its mark, or not text
    even, odd = head[0::2], head[1::2]
    for zeros, other, order in ((odd, even, "le"), (even, odd, "be")):
        if zeros.count(0) > 0.9 * len(zeros) and other.count(0) < 0.1 * len(other):
            raise DataFormatError(
                f"looks like UTF-16 text without a byte-order mark (every other byte is 0), "
                f"not {encoding}", file=file,
                expected=f"encoding='utf-16-{order}', or the file saved as UTF-8")
    position = head.index(b"\x00")
    # lines end at LF, CRLF or a lone CR, as the readers count them: counted at LF alone, a
    # NUL in an old Mac file (CR only) was on line 1, at a character past the line's end
    before = head[:position].decode(encoding, errors="replace")
    line_start = max(before.rfind("\n"), before.rfind("\r")) + 1
    raise DataFormatError(
        f"holds a NUL byte (code 0) at character {len(before) - line_start + 1}, which no "
        "text file does", file=file, line=_line_ends(before) + 1,
        expected="a text file (a NUL is a sign of binary data, or of text in UTF-16 or "
                 "UTF-32: pass its encoding=)")


#: the byte old DOS and Windows programs (COPY, EDLIN, some exports) write at the end of a
#: text file as its end-of-file mark, Ctrl-Z
_END_OF_FILE_MARK = b"\x1a"
#: bytes read from the end of a file to find the mark behind any closing line ends
_TAIL_BYTES = 64


def _refuse_end_of_file_mark(path: Path, head: bytes, encoding: str | None) -> None:
    """Refuse a text file that ends with the byte 0x1A (Ctrl-Z), the end-of-file mark of
    old DOS and Windows programs, alone or before closing line ends and blanks: it was the
    text of a last row ("the row has 1 field(s)", or ``'4\\x1a'`` "expected a number"),
    naming no byte, or the end of the last id (``'b\\x1a'``, an id no other file holds),
    without a word. UTF-16 and UTF-32 text (which writes the byte otherwise) is left to
    its own checks. ``head``: the file's first bytes, already read."""
    if head.startswith(tuple(bom for bom, name in _TEXT_BOMS if name != "utf-8")):
        return
    if encoding is not None:
        try:
            if codecs.lookup(encoding).name.startswith(("utf-16", "utf-32")):
                return
        except LookupError:
            return
    with reading(path), open(path, "rb") as stream:
        size = stream.seek(0, os.SEEK_END)
        start = max(0, size - _TAIL_BYTES)
        stream.seek(start)
        tail = stream.read()
    body = tail.rstrip(b" \t\r\n")
    if not body.endswith(_END_OF_FILE_MARK):
        return
    raise _end_of_file_mark_error(path, _line_ends_before(path, start + len(body) - 1) + 1)


def _end_of_file_mark_error(path: Path, line: int) -> DataFormatError:
    """The error for the end-of-file mark 0x1A on ``line`` of the text file ``path``."""
    return DataFormatError(
        "ends with the byte 0x1A (Ctrl-Z), the end-of-file mark old DOS and Windows "
        "programs write, which is no text of a row", file=str(path), line=line,
        expected="the file without that byte: delete it in a text editor, or with Python, "
                 "path.write_bytes(path.read_bytes().rstrip(b'\\x1a\\r\\n') + b'\\n')"
                 + (" (decompressed first)" if path.suffix.lower() in _COMPRESSION_EXTENSIONS
                    else ""))


def _line_ends_before(path: Path, position: int) -> int:
    """:func:`line_ends_in_bytes` of the file's first ``position`` bytes, read in chunks
    (a CRLF split between two chunks counted once)."""
    count, previous = 0, b""
    with reading(path), open(path, "rb") as stream:
        while position > 0:
            chunk = stream.read(min(_COUNT_CHUNK, position))
            if not chunk:
                break
            position -= len(chunk)
            count += line_ends_in_bytes(chunk)
            if previous.endswith(b"\r") and chunk.startswith(b"\n"):
                count -= 1  # counted as a lone CR and again as an LF
            previous = chunk
    return count


def _line_ends(text: str) -> int:
    """The line ends in ``text``: LF, CRLF or a lone CR, one each, as every reader of
    delimited text counts them (Python's universal newlines, pyarrow's CSV reader)."""
    return text.count("\n") + text.count("\r") - text.count("\r\n")


def line_ends_in_bytes(data: bytes) -> int:
    """:func:`_line_ends` of text in UTF-8 or a one-byte encoding, counted in its bytes
    (where a byte 10 or 13 is always that character)."""
    return data.count(b"\n") + data.count(b"\r") - data.count(b"\r\n")


def _refuse_other_than_wide_text(file: str, head: bytes, encoding: str, family: str) -> None:
    """Refuse text read as UTF-16 or UTF-32 (``family``, without a byte-order mark at the
    start of ``head``) that its bytes show is not, or is of the other width or byte order.
    Read so, a UTF-8 file's header became one column of CJK characters ("no column
    'user_id'; the columns are: '獵牥楟...'"), and UTF-16-LE read as BE likewise."""
    if not head:
        return
    if b"\x00" not in head:
        # the separators and line ends of a CSV are ASCII, 0 bytes beside each in UTF-16
        try:
            head.decode("utf-8")
            utf8 = True
        except UnicodeDecodeError as error:
            utf8 = error.start >= len(head) - 3  # a character cut at the end of the head
        raise DataFormatError(
            f"cannot be read as {encoding} text: it holds no byte 0, which "
            f"{family[:6].upper()} text of commas, tabs or line ends does"
            + ("; it is UTF-8 (or ASCII) text" if utf8 else ""), file=file,
            expected="encoding='utf-8' (the default: leave encoding out)" if utf8 else
            "the file's real encoding as encoding=, e.g. 'latin-1' or 'cp1252'")
    found = _wide_text_kind(head)
    # 'utf-16' without its mark is refused on reading, naming both byte orders
    if found is None or found == family or found[:6] == family:
        return
    endian = "little-endian" if found.endswith("le") else "big-endian"
    raise DataFormatError(
        f"cannot be read as {encoding} text: it looks like {endian} {found[:6].upper()} "
        "text (its 0 bytes stand where that encoding puts them)", file=file,
        expected=f"encoding={found!r}")


def _wide_text_kind(head: bytes) -> str | None:
    """``"utf-32-le"``, ``"utf-32-be"``, ``"utf-16-le"`` or ``"utf-16-be"``: where nine in
    ten of the bytes that one of them leaves 0 in ASCII text are 0, and nine in ten of those
    holding the ASCII code are not; None where no pattern holds (text mostly beyond ASCII,
    or no such text)."""
    def mostly(values: bytes, zero: bool) -> bool:
        zeros = values.count(0)
        return zeros > 0.9 * len(values) if zero else zeros < 0.1 * len(values)

    lanes = [head[lane::4] for lane in range(4)]
    if mostly(lanes[0], False) and all(mostly(lane, True) for lane in lanes[1:]):
        return "utf-32-le"
    if mostly(lanes[3], False) and all(mostly(lane, True) for lane in lanes[:3]):
        return "utf-32-be"
    even, odd = head[0::2], head[1::2]
    if mostly(even, False) and mostly(odd, True):
        return "utf-16-le"
    if mostly(odd, False) and mostly(even, True):
        return "utf-16-be"
    return None


def _archive_kind(head: bytes) -> str | None:
    """What archive the first bytes of a file are (:data:`_ARCHIVE_MAGIC`, or a tar
    archive, whose mark ``ustar`` stands at byte 257), if any."""
    for signature, what in _ARCHIVE_MAGIC.items():
        if head.startswith(signature):
            return what
    # POSIX "ustar\0" or GNU "ustar ", after a NUL-padded name no text holds ('custard'
    # at byte 257 of a CSV is no archive)
    if head[257:263] in (b"ustar\x00", b"ustar ") and b"\x00" in head[:257]:
        return "a tar archive"
    return None


def _zip_members(path: Path, most: int = 3) -> str:
    """``; it holds 'r.csv' and 's.csv'``: the files in a zip archive (folders aside, the
    first ``most`` named), so that a refused archive says which file to unpack; ``; it holds
    no files`` for one of folders only; ``; it is damaged or cut short (...)`` for one that
    cannot be opened. A zip of one CSV, of two, of none and a truncated one were all "a zip
    archive" alike."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = [info.filename for info in archive.infolist() if not info.is_dir()]
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as error:
        return f"; it is damaged or cut short ({_short(error)})"
    if not names:
        return "; it holds no files"
    shown = [repr(echoed(name)) for name in names[:most]]
    if len(names) > most:
        return f"; it holds {counted(len(names), 'file')}, such as {', '.join(shown)}"
    listed = shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]
    return f"; it holds {listed}"


def _refuse_inner_kind(path: Path, head: bytes, parquet: bool) -> None:
    """Refuse a compressed file whose decompressed first bytes (``head``) are no text:
    compressed data again (a .gz compressed twice, as a download served gzipped may be),
    an archive (a ``.tar.gz`` named ``.csv.gz``) or a spreadsheet. Each was "holds a NUL
    byte ... or text in UTF-16", which pointed at an encoding; Parquet inside one was told
    to be renamed .parquet, which left it compressed."""
    file, suffix = str(path), path.suffix.lower()
    inside = f"inside its {suffix} compression"
    for magic, (name, extension) in _COMPRESSED_MAGIC.items():
        if magic.match(head):
            raise DataFormatError(
                f"holds {name}-compressed data {inside}: the data were compressed twice",
                file=file, expected=f"data compressed once: decompress it once and name "
                f"the result {path.stem}{extension} (it is {name}-compressed)")
    spreadsheet = _spreadsheet_kind(head)  # first: a workbook is a zip archive too
    if spreadsheet is not None:
        raise DataFormatError(
            f"holds {spreadsheet} {inside}, not delimited text", file=file,
            expected="the sheet saved as CSV: Save As, CSV UTF-8, in the spreadsheet program")
    archive = _archive_kind(head)
    if archive is not None:
        raise DataFormatError(
            f"holds {archive} {inside}, which recstack does not unpack", file=file,
            expected="the data file unpacked from the archive first (recstack reads plain "
                     "files and .gz, .bz2, .zst or .lz4 ones)")
    if not parquet and head.startswith(_PARQUET_MAGIC):
        plain = f"{Path(path.stem).stem}.parquet"
        raise DataFormatError(
            f"holds Parquet data {inside}, not delimited text", file=file,
            expected=f"the Parquet file decompressed and named {plain} (Parquet compresses "
                     "its columns itself)")


def _first_line(head: bytes, most: int = 60) -> str:
    """The first line of ``head`` as a message shows it (cut after ``most`` characters)."""
    line = head.split(b"\n", 1)[0].decode("utf-8", "replace").lstrip("\ufeff").rstrip("\r")
    return line if len(line) <= most else line[:most] + "..."


def _json_kind(head: bytes) -> str | None:
    """"JSON lines" when the first line of a text file is a JSON object (pandas'
    ``to_json(orient='records', lines=True)``, a service's event log), "a JSON array of
    records" when the file opens with one (``orient='records'``); else None."""
    text = head.decode("utf-8", "replace").lstrip("\ufeff \t\r\n")
    if text.startswith("["):
        return "a JSON array of records" if re.match(r"\[\s*\{\s*\"", text) else None
    if not text.startswith("{"):
        return None
    line = text.partition("\n")[0]
    # an object's opening is enough: the first line may be longer than the bytes looked at,
    # or cut short in a truncated file
    if re.match(r'\{\s*"[^"\n]*"\s*:', line):
        return "JSON lines"
    try:
        return "JSON lines" if isinstance(json.loads(line), dict) else None  # {} alone
    except ValueError:
        return None


#: a Git LFS pointer: the text git keeps in a large file's place until ``git lfs pull``
#: fetches it (the spec's first line; "hawser" is the spec's first name)
_LFS_POINTER = re.compile(rb"version https://(?:git-lfs\.github\.com|hawser\.github\.com)"
                          rb"/spec/v\d+\r?\n")
_LFS_SIZE = re.compile(rb"^size (\d+)\r?$", re.MULTILINE)
#: a git-annex pointer file: the path of the content in the annex, on one line
_ANNEX_POINTER = re.compile(rb"/annex/objects/\S+\r?\n?$")


def refuse_pointer_file(path: Path, head: bytes) -> None:
    """Refuse a file whose first bytes ``head`` are a Git LFS or git-annex pointer held in
    place of its data (a repository cloned without fetching its large files): read as CSV,
    its "header" was 'version https://git-lfs.github.com/spec/v1' and the error "no column
    'user_id'", and the MovieLens, adjacency and NCF readers named a malformed first line."""
    pointer = _pointer(head)
    if pointer is not None:
        problem, remedy = pointer
        raise DataFormatError(problem, file=str(path), line=1,
                              expected=f"the file's content: {remedy}")


def _pointer(head: bytes) -> tuple[str, str] | None:
    """What the pointer file of first bytes ``head`` is, and how to get its data; None when
    ``head`` is no pointer."""
    head = head.removeprefix(codecs.BOM_UTF8)
    if _LFS_POINTER.match(head):
        size = _LFS_SIZE.search(head)
        of = f" to a file of {int(size.group(1)):,} bytes" if size else ""
        return (f"is a Git LFS pointer{of}, not the data itself (the repository was cloned "
                "without its large files)",
                "fetch it with 'git lfs pull' in the repository, or download the file "
                "itself")
    if len(head) < 1024 and _ANNEX_POINTER.match(head):
        return ("is a git-annex pointer, not the data itself (its content is not in this "
                "clone)", "fetch it with 'git annex get' in the repository, or download "
                "the file itself")
    return None


#: the opening of a web page or an XML document: a doctype, an <html> tag or an XML
#: declaration (case aside); a CSV file's first field never opens so
_MARKUP = re.compile(rb"\s*(<!doctype\s+html|<html[\s>]|<\?xml\s)", re.IGNORECASE)


def _markup_kind(head: bytes) -> str | None:
    """"an HTML page" or "an XML document" when the first bytes of a file (after a UTF-8
    byte-order mark) open one, else None."""
    match = _MARKUP.match(head.removeprefix(codecs.BOM_UTF8))
    if match is None:
        return None
    return "an XML document" if match.group(1).startswith(b"<?") else "an HTML page"


def _spreadsheet_kind(head: bytes) -> str | None:
    """What spreadsheet the first bytes of a file are, if any: a workbook saved from Excel
    or LibreOffice (a log 'exported' by renaming it .csv) was called a zip archive to
    unpack, or text with a NUL byte, which pointed away from saving it as CSV."""
    if head.startswith(_OLE2_MAGIC):
        return "an Excel 97-2003 workbook (.xls) or another old Office document"
    if not head.startswith(b"PK\x03\x04"):
        return None
    # the names of a zip's first entries are stored uncompressed in its first bytes
    if b"opendocument.spreadsheet" in head:
        return "an OpenDocument spreadsheet (.ods)"
    if b"xl/" in head or b"[Content_Types].xml" in head:
        return "an Excel workbook (.xlsx)"
    return None


def _looks_like_text(head: bytes) -> bool:
    """Whether the first bytes of a file are printable ASCII or UTF-8 text."""
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        text = head[:-3].decode("utf-8", errors="replace")  # a character cut at 8 bytes
    return "\ufffd" not in text and all(c.isprintable() or c in "\t\r\n\ufeff" for c in text)


@contextmanager
def reading(path: PathLike, encoding: str | None = None) -> Iterator[None]:
    """Turn the exceptions that bad bytes raise into a DataFormatError naming ``path``
    (and ``encoding``, the text encoding the file is read in, where one is)."""
    try:
        yield
    except RecstackError:
        raise
    except PermissionError as error:
        raise RecstackError(f"{path}: cannot read it ({error.strerror or error})") from None
    except UnicodeDecodeError as error:
        raise DataFormatError(f"holds bytes that are not valid {error.encoding} text "
                              f"({error.reason})", file=str(path),
                              expected="UTF-8 text, or the file's encoding as encoding="
                              ) from None
    except UnicodeError as error:
        # A codec's refusal that is not about particular bytes, e.g. "UTF-16 stream does
        # not start with BOM": the file is not text in this encoding at all.
        raise DataFormatError(
            f"cannot be read as {f'{encoding} text' if encoding else 'text'} "
            f"({_short(error)})", file=str(path),
            expected=_encoding_hint(encoding)) from None
    except (OSError, EOFError, zlib.error) as error:
        raise DataFormatError(f"cannot be read: {_short(error)}", file=str(path),
                              expected=_intact(path)) from None
    except (pa.ArrowException, csv.Error) as error:
        raise DataFormatError(f"cannot be read: {_short(error)}", file=str(path)) from None


def _encoding_hint(encoding: str | None) -> str:
    """What to do about a file that a codec refuses as a whole."""
    try:
        name = codecs.lookup(encoding).name if encoding else ""
    except LookupError:
        name = ""
    if name in ("utf-16", "utf-32"):
        # the codecs without a byte order need a byte-order mark to know it
        return (f"the file's real encoding as encoding=; without a byte-order mark, "
                f"{name} text needs its byte order spelt out, e.g. '{name}-le' or '{name}-be'")
    return "the file's real encoding as encoding= (e.g. 'utf-8' or 'latin-1')"


def parquet_damage(path: PathLike, error: BaseException) -> str:
    """Why the Parquet file ``path`` cannot be read, in words that name no path (the caller
    names the file first): empty, not Parquet at all, cut short before its footer, or
    damaged inside, with pyarrow's reason for the last. Its words hid a truncated file
    behind "magic bytes not found in footer", after the path it was opened by."""
    try:
        with open(path, "rb") as stream:
            head = stream.read(len(_PARQUET_MAGIC))
            size = stream.seek(0, os.SEEK_END)
            stream.seek(max(size - len(_PARQUET_MAGIC), 0))
            tail = stream.read()
    except OSError:
        head = tail = b""
        size = -1
    if size == 0:
        return "the file is empty: 0 bytes"
    if size > 0 and head != _PARQUET_MAGIC:
        return "it does not begin as Parquet data does (with 'PAR1'): it is not Parquet"
    if size > 0 and tail != _PARQUET_MAGIC:
        return (f"truncated or damaged: its {size:,} bytes end before the footer that "
                "closes a Parquet file")
    detail = re.sub(r"^Could not open Parquet input source '.*?': ", "", _short(error))
    return f"damaged: {detail}"


def _short(error: BaseException) -> str:
    text = str(error).split("\n")[0].removeprefix("CSV parse error: ").strip()
    return text or type(error).__name__


def _intact(path: PathLike) -> str:
    suffix = Path(path).suffix.lower()
    if suffix in _COMPRESSION_EXTENSIONS:
        return f"an intact {suffix} file (it seems damaged or cut short)"
    return "a complete, readable file"


def file_column_names(path: PathLike, layout: DelimitedLayout) -> list[str]:
    """The column names of a delimited file: ``layout.names`` or its header line."""
    if layout.names is not None:
        return list(layout.names)
    check_file(Path(path))
    # names=() makes the reader return the header line as the first record
    with reading(path, layout.encoding):
        for line, fields in iter_records(path, replace(layout, names=()), limit=1):
            if any("\ufffd" in f for f in fields) and first_undecodable(
                    path, layout.encoding, stop_at_line=line + 1) is not None:
                raise DataFormatError(
                    f"the header holds bytes that are not valid {layout.encoding} text",
                    file=str(path), line=line,
                    expected="column names in the file's encoding, given as encoding=")
            names = [trimmed_column_name(f) for f in fields]
            _refuse_separator_hint(path, layout, names, line)
            repeated = first_repeated_name(names)
            if repeated is not None:
                name, first, second = repeated
                raise DataFormatError(
                    f"the header names column {name!r} twice (columns {first} and {second})",
                    file=str(path), line=line,
                    expected="distinct column names; rename one of them")
            _refuse_other_separator(path, layout, names, line)
            _refuse_lines_above_header(path, layout, names, line)
            _refuse_space_separated(path, layout, names, line)
            return names
    raise DataFormatError("the file is empty", file=str(path), line=1,
                          expected="a header line naming the columns")


def _refuse_separator_hint(path: PathLike, layout: DelimitedLayout, names: Sequence[str],
                           line: int) -> None:
    """A first line ``sep=,`` (the hint Excel writes and reads) is no header: its columns
    were 'sep=' and '', and the columns the file names were reported missing."""
    first_line = layout.delimiter.join(names)
    if re.fullmatch(r"sep=.?", first_line, re.IGNORECASE | re.DOTALL) is None:
        return
    separator = first_line[4:] if len(first_line) > 4 else layout.delimiter
    advice = ("" if separator == layout.delimiter
              else f" (its fields are separated by {separator!r}: pass separator={separator!r})")
    raise DataFormatError(
        f"the first line, {first_line!r}, is a spreadsheet's separator hint, not a header",
        file=str(path), line=line,
        expected=f"the header line naming the columns first: delete the {first_line!r} "
                 f"line{advice}")


def _refuse_other_separator(path: PathLike, layout: DelimitedLayout, names: Sequence[str],
                            line: int) -> None:
    """A header read as one column that another usual separator would split: every reader
    here needs two columns or more, so say which separator the file seems to use rather
    than that the columns are missing."""
    if len(names) != 1:
        return
    for candidate in _USUAL_SEPARATORS:
        if candidate != layout.delimiter and candidate in names[0]:
            raise DataFormatError(
                f"the header is one column, {names[0]!r}: its fields seem to be separated by "
                f"{candidate!r}, not {layout.delimiter!r}", file=str(path), line=line,
                expected=f"fields separated by {layout.delimiter!r} (for a log of your own, "
                         f"pass separator={candidate!r})")


def _refuse_space_separated(path: PathLike, layout: DelimitedLayout, names: Sequence[str],
                            line: int) -> None:
    """A header read as one column whose words are column names separated by spaces (or
    aligned with runs of them, a printed table): every reader here needs two columns or
    more, and "no column 'user_id'; the columns are: 'user_id  item_id'" hid the cause."""
    if len(names) != 1:
        return
    words = names[0].split()
    runs = re.search(r"\S {2,}\S", names[0]) is not None
    known = {name for role in WELL_KNOWN_COLUMNS.values() for name in role}
    # "user id" alone may be one column's name; "user_id item_id" or aligned columns not;
    # and words that are no column names ('<!DOCTYPE html>', a page saved as .csv) neither
    names_alike = all(re.fullmatch(r"[\w.\-]+", word) for word in words)
    if layout.delimiter != " " and len(words) > 1 and names_alike and (
            runs or len(words) > 2 or any(word in known for word in words)):
        # columns aligned with spaces (a printed table, `column -t`): no separator option
        # reads runs of them, so the advice depends on the runs
        raise DataFormatError(
            f"the header is one column, {names[0]!r}: its fields seem to be separated by "
            f"{'runs of spaces' if runs else 'spaces'}, not {layout.delimiter!r}",
            file=str(path), line=line,
            expected=f"fields separated by {layout.delimiter!r} ("
                     + ("one separator character is read between fields: replace each run "
                        "of spaces with one tab or comma" if runs else
                        "for a log of your own, pass separator=' '") + ")")


def _refuse_lines_above_header(path: PathLike, layout: DelimitedLayout,
                               names: Sequence[str], line: int) -> None:
    """A title or comment line above the header ('Ratings export', '# from the shop') was
    read as the header: the error said the file had no user column and listed the title as
    its only column. Refuse a first line of one field (or one starting with '#') followed
    by a record of more fields, naming both lines."""
    if len(names) != 1 and not names[0].startswith("#"):
        return
    records = iter_records(path, replace(layout, names=()), limit=2)
    following = [(number, fields) for number, fields in records if number != line]
    if not following or len(following[0][1]) <= len(names):
        return
    number, fields = following[0]
    first_line = layout.delimiter.join(names)
    raise DataFormatError(
        f"the first line, {first_line!r}, has {len(names)} field(s) but line {number} has "
        f"{len(fields)}: a title or comment above the header?", file=str(path), line=line,
        expected="the header line naming the columns first: delete the line(s) above the "
                 "header")


def iter_records(
    path: PathLike, layout: DelimitedLayout, *, limit: int | None = None
) -> Iterator[tuple[int, list[str]]]:
    """``(line number where the record starts, fields)`` for each non-empty record.

    The slow, exact reader behind error messages: it never runs on the fast path.
    The header (if the layout has one) is skipped; line numbers are 1-based and count
    physical lines, so they match what an editor shows.
    """
    for start, _, fields in _record_spans(path, layout, limit=limit):
        yield start, fields


def _record_spans(
    path: PathLike, layout: DelimitedLayout, *, limit: int | None = None
) -> Generator[tuple[int, int, list[str]], None, None]:
    """``(first line, last line, fields)`` of each non-empty record (see iter_records)."""
    skip_header = layout.has_header
    yielded = 0
    with _open_text(path, layout.encoding) as handle:
        if layout.delimiter == "::" or not layout.quoted:
            for number, raw in enumerate(handle, start=1):
                text = raw.rstrip("\r\n")
                if not text.strip(_BLANKS):
                    continue  # a blank line: empty, or spaces and tabs only
                if skip_header:
                    skip_header = False
                    continue
                yield number, number, text.split(layout.delimiter)
                yielded += 1
                if limit is not None and yielded >= limit:
                    return
        else:
            # a blank line (spaces and tabs only) is skipped as an empty one, where a record
            # is one line (pyarrow reads it so, see _arrow_read)
            lines = handle if layout.newlines_in_values else (
                "\n" if not raw.strip(_BLANKS + "\r\n") else raw for raw in handle)
            reader = csv.reader(lines, delimiter=layout.delimiter, quotechar='"',
                                doublequote=True, strict=False)
            last_line = 0
            for fields in reader:
                start, last_line = last_line + 1, reader.line_num
                if not fields:
                    continue
                if skip_header:
                    skip_header = False
                    continue
                yield start, last_line, fields
                yielded += 1
                if limit is not None and yielded >= limit:
                    return


def line_of_record(path: PathLike, layout: DelimitedLayout, index: int
                   ) -> tuple[int | None, list[str]]:
    """Line number and fields of the ``index``-th data record (0-based, as pyarrow counts);
    ``(None, [])`` in the unlikely case that the two readers disagree on the records."""
    for position, (line, fields) in enumerate(iter_records(path, layout)):
        if position == index:
            return line, fields
    return None, []


def cut_last_time(path: Path, layout: DelimitedLayout, times: np.ndarray
                  ) -> tuple[int | None, str, int] | None:
    """Where a file seems cut short inside the time of its last line: ``(line, the time as
    written, the fewest digits of every other line's time)``, else None.

    ``times`` are the whole-number times of every data record, in file order, read from
    the last column of each line. A copy or download that stopped inside that column left
    a time such as ``16`` for ``1600000000``: a valid number, read without a word as a
    moment of 1970. It is taken as cut when the file ends without a line end (every
    writer of a log ends its lines) and the last time has fewer digits than every other
    line's; a line cut anywhere before the time lacks fields, and is refused as such.
    A plain (not compressed) file in an encoding that writes a line end as one byte is
    looked at; a compressed one cut short fails to decompress."""
    if len(times) < 2 or path.suffix.lower() in _COMPRESSION_EXTENSIONS:
        return None
    try:
        if "\n".encode(layout.encoding) != b"\n":
            return None
    except LookupError:
        return None
    with path.open("rb") as file:
        file.seek(0, os.SEEK_END)
        if file.tell() == 0:
            return None
        file.seek(-1, os.SEEK_END)
        if file.read(1) in (b"\n", b"\r"):
            return None
    earlier = times[:-1]
    if earlier.min() < 0 or times[-1] < 0:
        return None
    shortest = len(str(int(earlier.min())))
    if int(times[-1]) >= 10 ** (shortest - 1):
        return None
    with reading(path, layout.encoding):
        line, fields = line_of_record(path, layout, len(times) - 1)
    text = fields[-1].strip() if fields else str(int(times[-1]))
    return line, text, shortest


def refuse_cut_last_time(path: Path, layout: DelimitedLayout, times: np.ndarray,
                         column: str, remedy: str) -> None:
    """Refuse the file :func:`cut_last_time` finds cut short, naming the file, the line and
    the ``column`` of the times; ``remedy`` says how to get the whole file again."""
    cut = cut_last_time(path, layout, times)
    if cut is None:
        return
    line, text, shortest = cut
    raise DataFormatError(
        f"found {text!r} on the last line, which ends without a line end and whose time has "
        f"fewer digits than every other line's ({shortest} or more): the file seems cut "
        "short (a download or copy that stopped)", file=str(path), line=line, column=column,
        expected=f"the whole file: {remedy}, or end the line with a line break if it is "
                 "whole as it is")


def _open_text(path: PathLike, encoding: str) -> io.TextIOBase:
    stream = pa.input_stream(str(path), compression="detect")
    # utf-8-sig drops an editor's byte-order mark, as pyarrow does: a mark alone on a
    # blank first line would otherwise be read as a header of one empty name
    if codecs.lookup(encoding).name == "utf-8":
        encoding = "utf-8-sig"
    # errors="replace": the diagnostic reader must never fail on the bytes it explains
    return io.TextIOWrapper(stream, encoding=encoding, errors="replace", newline="")


def first_undecodable(path: PathLike, encoding: str, stop_at_line: int | None = None
                       ) -> tuple[int, bytes] | None:
    """Line number and bytes of the first sequence that is not valid ``encoding`` (looking
    no further than about ``stop_at_line`` when given). Lines end at LF, CRLF or a lone CR,
    counted in the decoded text, as the readers count them: counted as LF bytes, every
    such error in an old Mac file (CR only) was on line 1."""
    line, carry, after_return = 1, b"", False
    with pa.input_stream(str(path), compression="detect") as stream:
        while chunk := stream.read(1 << 16 if stop_at_line else 1 << 22):
            data = carry + chunk
            carry = b""
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError as error:
                if error.end == len(data) and error.reason == "unexpected end of data":
                    # a character cut by the chunk boundary: finish it with the next chunk
                    carry, data = data[error.start:], data[:error.start]
                    text = data.decode(encoding)
                else:
                    before = data[:error.start].decode(encoding)
                    joined = after_return and before.startswith("\n")  # a CRLF cut in two
                    return (line + _line_ends(before) - joined,
                            data[error.start:error.end])
            line += _line_ends(text) - (after_return and text.startswith("\n"))
            if text:
                after_return = text.endswith("\r")
            if stop_at_line is not None and line > stop_at_line:
                return None
    return (line, carry) if carry else None


#: how much of a file :func:`warn_of_utf8_read_as` reads (decompressed) at most
_UTF8_SCAN_BYTES = 64 << 20
#: a word of text around a character beyond ASCII, as the warning shows it
_WORD_BEYOND_ASCII = re.compile(r'[^\s,;|"]*[^\x00-\x7f][^\s,;|"]*')


def warn_of_utf8_read_as(path: PathLike, encoding: str) -> None:
    """Warn (:class:`MisreadTextWarning`) where a text file read in ``encoding``, not a
    UTF-8 one, is valid UTF-8 (its first :data:`_UTF8_SCAN_BYTES`) holding characters
    beyond ASCII: ``encoding="latin-1"`` read ``café`` as ``cafÃ©`` without a word, so
    ids and titles matched nothing. Names the first such line and the text both ways. A
    file of ASCII only, or with any byte sequence that is not UTF-8, passes silently."""
    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        return
    if name.startswith(("utf-8", "utf-16", "utf-32")):
        return
    line, carry, seen, after_return = 1, b"", 0, False
    found: tuple[int, bytes] | None = None

    def joined(data: bytes) -> bool:
        """Whether ``data`` starts with the LF of a CRLF the chunk before ended in."""
        return after_return and data.startswith(b"\n")

    with reading(path, encoding), pa.input_stream(str(path), compression="detect") as stream:
        while seen < _UTF8_SCAN_BYTES and (chunk := stream.read(1 << 22)):
            seen += len(chunk)
            data, carry = carry + chunk, b""
            if not data.isascii():
                try:
                    data.decode("utf-8")
                except UnicodeDecodeError as error:
                    if error.end != len(data) or error.reason != "unexpected end of data":
                        return  # not UTF-8: the encoding given may well be right
                    # a character cut by the chunk's end: finished with the next chunk
                    carry, data = data[error.start:], data[:error.start]
                if found is None and not data.isascii():
                    # lines end at LF, CRLF or a lone CR (an old Mac file's), as the readers
                    # count them: UTF-8 text, so these bytes are those characters
                    at = next(i for i, byte in enumerate(data) if byte > 0x7F)
                    start = max(data.rfind(b"\n", 0, at), data.rfind(b"\r", 0, at)) + 1
                    ends = [end for end in (data.find(b"\n", at), data.find(b"\r", at))
                            if end >= 0]
                    found = (line + line_ends_in_bytes(data[:at]) - joined(data),
                             data[start:min(ends, default=len(data))])
            line += line_ends_in_bytes(data) - joined(data)
            if data:
                after_return = data.endswith(b"\r")
        whole = not stream.read(1)
    if found is None or carry:
        return
    number, raw = found
    as_utf8, as_given = raw.decode("utf-8"), raw.decode(encoding, errors="replace")
    if as_utf8 == as_given:
        return
    word = _WORD_BEYOND_ASCII.search(as_utf8)
    shown_utf8 = word.group(0) if word else as_utf8
    shown_given = shown_utf8.encode("utf-8").decode(encoding, errors="replace")
    warnings.warn(
        f"{path}:{number}: {echoed(shown_utf8)!r} is written in UTF-8, but "
        f"encoding={encoding!r} reads it as {echoed(shown_given)!r}: the file is valid UTF-8"
        f"{'' if whole else ' as far as it was read'} and holds characters "
        "beyond ASCII, which that encoding reads as other characters; if it is UTF-8, leave "
        "encoding out (UTF-8 is the default)", MisreadTextWarning,
        stacklevel=caller_stacklevel())


def not_utf8_error(path: PathLike, what: str) -> DataFormatError | None:
    """The error naming the line of the first bytes of ``path`` that are not UTF-8, for a
    file that pandas reads (its UnicodeDecodeError gives only an offset into a buffer) and
    that takes no encoding= (saving it as UTF-8 is the remedy); ``what`` names the file
    (``"item table"``, ``"event log"``). None when every byte decodes."""
    found = first_undecodable(path, "utf-8")
    if found is None:
        return None
    line, raw = found
    return DataFormatError(f"not a readable CSV {what}: bytes that are not valid UTF-8 text "
                           f"({raw.hex()})", file=str(path), line=line,
                           expected="UTF-8 text (save the file as UTF-8)")


def _unterminated_quote(path: Path, layout: DelimitedLayout) -> DataFormatError | None:
    """The error for a quoted field that is never closed, or None when all are closed."""
    if not layout.quoted or layout.delimiter == "::":
        return None
    line = None
    with reading(path, layout.encoding):
        if layout.newlines_in_values:
            # a quoted field may span lines: only the end of the file can prove it open
            with _open_text(path, layout.encoding) as handle:
                reader = csv.reader(handle, delimiter=layout.delimiter, strict=True)
                start = 1
                try:
                    for _ in reader:
                        start = reader.line_num + 1
                except csv.Error as error:
                    if "unexpected end of data" in str(error):
                        line = start
        else:
            # one record per line: a record that spans lines was opened by a stray quote,
            # or is a closed quoted field holding a line break
            last = None
            for start, end, fields in _record_spans(path, layout):
                if end > start:
                    return _record_spanning_lines(path, layout, start, end, fields)
                last = start
            # a quote opened on the last line runs to the end of the file, spanning no
            # other line: its row was read short ("the row has 1 field(s)"), or with a
            # line break in its value, or (in a column not read) as if it were whole
            if last is not None and _open_to_the_end(path, layout, last):
                line = last
    if line is None:
        return None
    return DataFormatError(
        "unterminated quote: a field opened with '\"' is not closed before the end of "
        "the file", file=str(path), line=line,
        expected='a closing \" (a quote inside a quoted field is written "")')


def _open_to_the_end(path: Path, layout: DelimitedLayout, line: int) -> bool:
    """Whether line ``line`` (the file's last record) opens a quote that it does not
    close."""
    with _open_text(path, layout.encoding) as handle:
        raw = next(itertools.islice(handle, line - 1, None), "")
    try:
        for _ in csv.reader([raw], delimiter=layout.delimiter, strict=True):
            pass
    except csv.Error as error:
        return "unexpected end of data" in str(error)
    return False


def _record_spanning_lines(path: Path, layout: DelimitedLayout, start: int, end: int,
                           fields: list[str]) -> DataFormatError:
    """The error for a record of a one-record-per-line file that runs from line ``start``
    to ``end``: a quoted value holding a line break when its quotes close and its fields
    are the header's, else a quote opened by mistake."""
    names = layout.names if layout.names is not None else file_column_names(path, layout)
    broken = next((i for i, field in enumerate(fields) if "\n" in field or "\r" in field),
                  None)
    never_closed = _opens_for_good(path, layout, start)
    if len(fields) == len(names) and broken is not None and not never_closed:
        shown = fields[broken] if len(fields[broken]) <= 60 else fields[broken][:57] + "..."
        return DataFormatError(
            f"the quoted value {shown!r} holds a line break (the record runs on to line "
            f"{end})", file=str(path), line=start, column=names[broken],
            expected="each record on one line: take the line break out of the value")
    if never_closed:
        return DataFormatError(
            "unterminated quote: a field opened with '\"' is not closed before the end of "
            "the file", file=str(path), line=start,
            expected='a closing \" (a quote inside a quoted field is written "")')
    return DataFormatError(
        f"a field opened with '\"' closes only on line {end}, making one record of "
        f"{len(fields)} field(s) of lines {start} to {end} (a stray quote?)",
        file=str(path), line=start,
        expected='each record on one line, each quote closed on its line (a quote inside '
                 'a quoted field is written "")')


def _opens_for_good(path: Path, layout: DelimitedLayout, start: int) -> bool:
    """Whether the quote of the record starting on line ``start`` is never closed."""
    with _open_text(path, layout.encoding) as handle:
        reader = csv.reader(handle, delimiter=layout.delimiter, strict=True)
        try:
            for _ in reader:
                if reader.line_num >= start:
                    return False
        except csv.Error as error:
            return "unexpected end of data" in str(error)
    return False


def _arrow_read(path: Path, layout: DelimitedLayout, names: list[str],
                columns: Mapping[str, ColumnKind], as_text: Sequence[str],
                block_size: int = _BLOCK_SIZE) -> pa.Table:
    """The columns as pyarrow reads them; a file with blank lines of spaces or tabs (which
    pyarrow reads as rows of one field) is read again with those lines emptied, as pyarrow
    skips an empty line: one rule for every blank line."""
    read_options, parse_options, convert_options = _arrow_options(path, layout, names, columns,
                                                                  as_text, block_size)
    try:
        table = pacsv.read_csv(str(path), read_options=read_options,
                               parse_options=parse_options, convert_options=convert_options)
    except _READ_ERRORS as error:
        emptied = _blank_lines_emptied(path, layout)
        if emptied is None:
            raise
        try:
            return pacsv.read_csv(pa.BufferReader(emptied), read_options=read_options,
                                  parse_options=parse_options,
                                  convert_options=convert_options)
        except _READ_ERRORS:
            raise error from None  # the file's own error, which _diagnose explains
    if layout.delimiter in _BLANKS and _has_blank_fields(table, columns):
        # a line of tabs in a tab-separated file parses as a row of blank fields (in any
        # other file a blank line is one field, which pyarrow refused above)
        emptied = _blank_lines_emptied(path, layout)
        if emptied is not None:
            with contextlib.suppress(*_READ_ERRORS):
                return pacsv.read_csv(pa.BufferReader(emptied), read_options=read_options,
                                      parse_options=parse_options,
                                      convert_options=convert_options)
    return table


def _has_blank_fields(table: pa.Table, columns: Mapping[str, ColumnKind]) -> bool:
    """Whether a column read holds a missing value or an id of blanks only."""
    for name, kind in columns.items():
        if name not in table.column_names:
            continue
        column = table.column(name)
        if column.null_count:
            return True
        if kind == "id" and (pa.types.is_string(column.type)
                             or pa.types.is_large_string(column.type)):
            if pc.any(pc.equal(pc.utf8_length(pc.utf8_trim(column, _BLANKS)), 0)).as_py():
                return True
    return False


#: characters of a blank line, which every delimited reader skips as it skips an empty one
_BLANKS = " \t"
_BLANK_LINE = re.compile(r"^[ \t]+(?=\r?\n|\r?\Z)", re.MULTILINE)


def _blank_lines_emptied(path: Path, layout: DelimitedLayout) -> bytes | None:
    """The file's bytes (decompressed, in its encoding) with each line of only spaces and
    tabs made empty, keeping every line in its place; None when it has no such line, or
    where a quoted value may span lines (a blank line may then be part of a value)."""
    if layout.newlines_in_values:
        return None
    try:
        with pa.input_stream(str(path), compression="detect") as stream:
            text = stream.read().decode(layout.encoding)
    except (*_READ_ERRORS, LookupError):
        return None
    emptied, count = _BLANK_LINE.subn("", text)
    return emptied.encode(layout.encoding) if count else None


def _arrow_options(path: Path, layout: DelimitedLayout, names: list[str],
                   columns: Mapping[str, ColumnKind], as_text: Sequence[str], block_size: int
                   ) -> tuple[pacsv.ReadOptions, pacsv.ParseOptions, pacsv.ConvertOptions]:
    types = {c: _ARROW_TYPES[k] for c, k in columns.items() if k in _ARROW_TYPES}
    types.update({c: pa.string() for c in as_text})
    include = list(columns)
    delimiter, read_names = layout.delimiter, list(names)
    if delimiter == "::":
        # "a::b::c" read with ':' is "a", "", "b", "", "c": the spacer columns must stay
        # empty, which the null type enforces for free (no buffers are allocated).
        read_names = []
        for i, name in enumerate(names):
            if i:
                spacer = f"\x00spacer{i}"
                read_names.append(spacer)
                types[spacer] = pa.null()
                include.append(spacer)
            read_names.append(name)
        delimiter = ":"
    read_options = pacsv.ReadOptions(
        use_threads=True,
        column_names=read_names,
        skip_rows=_header_rows(path, layout),
        encoding=layout.encoding,
        block_size=block_size,
    )
    parse_options = pacsv.ParseOptions(
        delimiter=delimiter,
        quote_char='"' if layout.quoted else False,
        newlines_in_values=layout.newlines_in_values,
    )
    convert_options = pacsv.ConvertOptions(
        column_types=types,
        include_columns=include,
        # Only an empty field is missing: "NaN" must stay a (non-finite) number so that it
        # is reported as such, and "NA" or "null" in text stay text.
        null_values=[""],
        strings_can_be_null=False,
        quoted_strings_can_be_null=False,
    )
    return read_options, parse_options, convert_options


def _header_rows(path: Path, layout: DelimitedLayout) -> int:
    """How many rows pyarrow must skip to pass the header: blank lines before it count."""
    if not layout.has_header:
        return 0
    with reading(path, layout.encoding):
        for start, end, _ in _record_spans(path, replace(layout, names=()), limit=1):
            return start if layout.newlines_in_values else end
    return 0


# Bytes per parse block of the numeric fast path: small enough that both cores stay busy
# to the end of the file and that the text blocks in flight cost little memory.
_NUMERIC_BLOCK_SIZE = 4 << 20
_NUMPY_TYPES = {"int32": np.int32, "int64": np.int64, "float32": np.float32,
                "float64": np.float64}


def read_numeric_columns(
    path: PathLike,
    layout: DelimitedLayout,
    columns: Mapping[str, ColumnKind],
    *,
    expected: Mapping[str, str] | None = None,
    id_columns: Collection[str] = (),
) -> dict[str, np.ndarray]:
    """Read numeric columns of a large delimited file into numpy arrays.

    The fast path of the big ratings files. With numba installed, a file of plain
    numbers (see :mod:`recstack.data._fast_csv` for the exact grammar) of at least
    ``_COMPILED_MIN_BYTES`` is parsed by compiled kernels on all cores straight into the
    arrays. Any other file, or one that breaks that grammar anywhere, is read by
    pyarrow, with identical results: it parses blocks of the file on all cores into
    typed columns; each parsed block is then copied into the numpy arrays and its memory
    handed back at once, so the parsed table and the arrays never both exist in full
    (the peak is the table plus a few blocks). Errors are always found and reported by
    the pyarrow path.

    Parameters
    ----------
    path, layout, expected
        As for :func:`read_delimited`.
    columns
        Column name -> ``"int32"``, ``"int64"``, ``"float32"`` or ``"float64"``.
    id_columns
        Integer columns of ``columns`` that hold ids: where one id is written in two
        ways (``"007"`` and ``"7"``, ``"+7"``), which the integers make one id, a
        :class:`LookalikeIdWarning` says so, as :func:`load_table` warns of ids it
        keeps apart (see :func:`warn_of_lookalike_ids`).

    Returns
    -------
    dict
        Column name -> 1-d numpy array, in file order.

    Raises
    ------
    DataFormatError, UnknownColumnError
        As :func:`read_delimited`.
    """
    path = Path(path)
    check_file(path)
    check_content(path, parquet=False, encoding=layout.encoding)
    names = file_column_names(path, layout)
    missing = [c for c in columns if c not in names]
    if missing:
        raise unknown_column(missing[0], names, file=str(path))
    fast = _read_numeric_compiled(path, layout, names, columns)
    if fast is not None:
        return fast  # its grammar has no integer written with a sign or leading zeros
    arrays = _read_numeric_arrow(path, layout, names, columns, expected)
    if id_columns and _may_hold_loose_integers(path):
        _warn_of_integer_lookalikes(path, layout, id_columns)
    return arrays


#: bytes scanned at once for a loosely written integer (bounds the scan's temporary arrays)
_LOOSE_SCAN_BYTES = 16 << 20
_DIGITS = np.zeros(256, bool)
_DIGITS[ord("0"):ord("9") + 1] = True
#: bytes before a '0' that make it part of a number ("10", "0.05", "1e05")
_IN_NUMBER = _DIGITS.copy()
_IN_NUMBER[[ord("."), ord("e"), ord("E")]] = True


def _may_hold_loose_integers(path: Path) -> bool:
    """Whether a plain file's bytes may hold an integer written loosely: a '+', or a '0'
    that starts a number and is followed by a digit or is all of a negative one ("007",
    "-0"). One vectorised pass, no parse; a compressed file is read as text to see."""
    if path.suffix.lower() in _COMPRESSION_EXTENSIONS:
        return True
    try:
        with path.open("rb") as handle:
            if not os.fstat(handle.fileno()).st_size:
                return False
            with mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as mapped:
                data = np.frombuffer(mapped, np.uint8)
                try:
                    return any(_loose_integer_in(data[max(start - 1, 0):
                                                      start + _LOOSE_SCAN_BYTES + 1],
                                                 start == 0,
                                                 start + _LOOSE_SCAN_BYTES >= len(data))
                               for start in range(0, len(data), _LOOSE_SCAN_BYTES))
                finally:
                    del data  # the mapping closes only when no array views it
    except (OSError, ValueError):
        return True


def _loose_integer_in(chunk: np.ndarray, at_start: bool, at_end: bool) -> bool:
    """:func:`_may_hold_loose_integers` over ``chunk``, which holds one byte on each side
    of the bytes it stands for (none before the file's first, ``at_start``, nor after its
    last, ``at_end``)."""
    if (chunk == ord("+")).any():
        return True
    zeros = np.flatnonzero(chunk == ord("0"))
    # the bytes on the sides are seen by the chunks they stand for
    zeros = zeros[((zeros > 0) | at_start) & ((zeros < len(chunk) - 1) | at_end)]
    if not len(zeros):
        return False
    before = np.where(zeros > 0, chunk[np.maximum(zeros - 1, 0)], ord(" "))
    # the file's last byte has none after it: a field's end
    after = np.where(zeros + 1 < len(chunk), chunk[np.minimum(zeros + 1, len(chunk) - 1)],
                     ord(" "))
    starts = ~_IN_NUMBER[before]
    padded = starts & _DIGITS[after]
    negative_zero = (before == ord("-")) & ~_DIGITS[after] & (after != ord("."))
    return bool((padded | negative_zero).any())


def _warn_of_integer_lookalikes(path: Path, layout: DelimitedLayout,
                                id_columns: Collection[str]) -> None:
    """The :class:`LookalikeIdWarning` of ids read as integers: the id columns read again
    as text (only when the file's bytes hold a loosely written integer)."""
    table = read_delimited(path, layout, {name: "text" for name in id_columns})

    def fail_at(index: int, name: str, message: str, wanted: str) -> DataFormatError:
        line, fields = line_of_record(path, layout, index)
        position = table.column_names.index(name)
        text = table.column(position)[index].as_py()
        return DataFormatError(message.format(text=text), file=str(path), line=line,
                               column=name, expected=wanted or None)

    for name in id_columns:
        warn_of_lookalike_ids(pc.utf8_trim_whitespace(table.column(name)), name, fail_at,
                              str(path), read_as_integers=True)


def _read_numeric_arrow(path: Path, layout: DelimitedLayout, names: list[str],
                        columns: Mapping[str, ColumnKind],
                        expected: Mapping[str, str] | None) -> dict[str, np.ndarray]:
    """:func:`read_numeric_columns` by pyarrow, block by block."""
    expected = {**{c: _EXPECTED_TEXT[k] for c, k in columns.items()}, **(expected or {})}
    try:
        table = _arrow_read(path, layout, names, columns, (), _NUMERIC_BLOCK_SIZE)
    except PermissionError as error:
        raise RecstackError(f"{path}: cannot read it ({error.strerror or error})") from None
    except _READ_ERRORS as error:
        raise _diagnose(path, layout, names, columns, expected, str(error)) from None
    for name in columns:
        empty = table.column(name).null_count
        if empty:
            raise _diagnose(path, layout, names, columns, expected,
                            f"column {name!r} has {empty} empty field(s)")
    arrays = {name: np.empty(table.num_rows, _NUMPY_TYPES[kind])
              for name, kind in columns.items()}
    positions = [table.schema.get_field_index(name) for name in columns]
    # Batch by batch: each parsed block is copied out and let go at once, so the parsed
    # table and the arrays never both exist in full.
    batches = table.to_batches()
    del table
    pool, start = pa.default_memory_pool(), 0
    for number in range(len(batches)):
        batch, batches[number] = batches[number], None
        end = start + batch.num_rows
        for name, position in zip(columns, positions, strict=True):
            arrays[name][start:end] = batch.column(position).to_numpy()
        start = end
        del batch
        if number % 16 == 15:
            pool.release_unused()  # hand the copied blocks' memory back to the system
    pool.release_unused()
    return arrays


# Files smaller than this are read by pyarrow alone: they take milliseconds either way,
# and importing numba would cost more.
_COMPILED_MIN_BYTES = 16 << 20
# Encodings in which every ASCII byte is that ASCII character and no other character uses
# ASCII bytes: the compiled reader works on the bytes, and accepts only ASCII ones.
_ASCII_COMPATIBLE = frozenset({"utf-8", "utf-8-sig", "ascii", "iso8859-1", "cp1252"})
# Delimiters that cannot be part of a number (a '.', '-' or 'e' could).
_COMPILED_DELIMITERS = frozenset({",", "\t", ";", "|", ":", "::", " "})


def _read_numeric_compiled(path: Path, layout: DelimitedLayout, names: list[str],
                           columns: Mapping[str, ColumnKind]) -> dict[str, np.ndarray] | None:
    """The columns parsed by the compiled reader, or None where it does not apply (no
    numba, a small, compressed or quoted-multiline file, another encoding) or where the
    file breaks its strict grammar; pyarrow then reads the file and explains any error."""
    from recstack.data import _fast_csv

    try:
        size = path.stat().st_size
        encoding = codecs.lookup(layout.encoding).name
    except (OSError, LookupError):
        return None
    if (size < _COMPILED_MIN_BYTES or layout.newlines_in_values
            or path.suffix.lower() in _COMPRESSION_EXTENSIONS
            or encoding not in _ASCII_COMPATIBLE
            or any(kind not in _fast_csv.KINDS for kind in columns.values())
            or layout.delimiter not in _COMPILED_DELIMITERS
            or len(set(names)) != len(names)  # which "a" of "a,a" is meant is pyarrow's call
            or not _fast_csv.numba_available()):
        return None
    try:
        start = _fast_csv.data_offset(path, _header_rows(path, layout))
        if start is None:
            return None
        arrays = _fast_csv.read_columns(
            path, start, layout.delimiter.encode("ascii"), len(names),
            [(names.index(name), kind) for name, kind in columns.items()])
    except (OSError, RecstackError):
        return None  # the pyarrow path says what is wrong with the file
    if arrays is None:
        return None
    return dict(zip(columns, arrays, strict=True))


#: a decimal number written with a comma, as spreadsheets in many languages write them
_DECIMAL_COMMA = re.compile(r"\s*[+-]?[0-9]+,[0-9]+\s*", re.ASCII)
#: a number with its thousands grouped ('12,345', '1.234.567,5', '1 000', "1'000.5"): the
#: sign, the digits with the separator (group 3), and the decimals after a mark (group 5)
_GROUPED_NUMBER = re.compile(r"\s*([+-]?)([0-9]{1,3}(?:([,. '\u00a0\u202f])[0-9]{3})+)"
                             r"(?:([.,])([0-9]+))?\s*")


def _number_format_problem(text: str, file_separator: str | None = None) -> str | None:
    """What is wrong with a number written with thousands separators or a decimal comma,
    with the number as the readers want it; None for any other text. '1,000' was called a
    decimal comma, 1.000, where a count of a thousand is as likely. A decimal comma in a
    file separated by ``file_separator`` (not a comma) comes with the conversion that
    reads it."""
    grouped = _GROUPED_NUMBER.fullmatch(text)
    if grouped is not None and grouped[3] != grouped[4]:
        sign, digits, separator, _, decimals = grouped.groups()
        plain = sign + digits.replace(separator, "") + (f".{decimals}" if decimals else "")
        if separator == "," and digits.count(",") == 1 and not decimals:
            # one group after a comma: a thousand, or one with a decimal comma
            return (f"found {text!r}: a thousands separator ({plain}) or a decimal comma "
                    f"({text.strip().replace(',', '.')})? numbers here are written with a "
                    "point and no thousands separators")
        return (f"found {text!r}, a number with thousands separators ({separator!r}); "
                f"numbers here are written without them, {plain}")
    if _DECIMAL_COMMA.fullmatch(text):
        # a European spreadsheet's '3,5' (in a file separated by ';' or tabs)
        convert = (f" (convert the file once: pandas.read_csv(path, sep={file_separator!r}, "
                   "decimal=',').to_parquet('log.parquet'), then load that)"
                   if file_separator not in (None, ",") else "")
        return (f"found {text!r}, a number with a decimal comma; numbers here are "
                f"written with a point, {text.strip().replace(',', '.')}{convert}")
    return None


def _other_blank_problem(text: str, pattern: re.Pattern[str]) -> str | None:
    """What is wrong with a number that a blank other than a space or a tab stands beside
    (a spreadsheet's no-break space, U+00A0; a thin space): the readers take spaces and
    tabs around a number only, so ``'4\\xa0'`` was "found '4\\xa0'", naming no cause.
    None for any other text."""
    bare = text.strip()  # every Unicode blank
    if not bare or bare == text.strip(" \t") or not pattern.fullmatch(bare):
        return None
    blank = next(char for char in text if char.isspace() and char not in " \t")
    name = unicodedata.name(blank, "").lower() or "a blank"
    return (f"found {text!r}, a number with a blank other than a space or a tab beside it "
            f"({name}, U+{ord(blank):04X}); numbers here may have spaces and tabs around "
            f"them only: write {bare}")


def _field_problem(text: str, kind: ColumnKind, separator: str | None = None
                   ) -> str | None:
    """Why ``text`` is not a valid ``kind`` value, or None if it is."""
    if kind not in ("text", "id", "auto") and _END_OF_FILE_MARK.decode() in text:
        # inside the file (files joined after one that ends with it): "found '4\x1a'"
        # named no byte
        return (f"found {text!r}, which holds the byte 0x1A (Ctrl-Z), the end-of-file mark "
                "old DOS and Windows programs write, here inside the file (files joined "
                "after one that ends with it?): remove the byte")
    if kind in ("int32", "int64"):
        if not _INT_TEXT.fullmatch(text):
            return _other_blank_problem(text, _INT_TEXT) or (
                "found an empty field" if not text.strip() else f"found {text!r}")
        digits = text.strip(" \t")
        value = int(digits)
        low, high = _INT_BOUNDS[kind]
        if not low <= value <= high:
            return f"found {text.strip()}, outside the {kind} range"
        return None
    if kind in ("float32", "float64"):
        if text.strip().lower() in ("true", "false"):
            return (f"found {text!r}, a true/false value, which is no rating or weight: "
                    "read the rows that are true as implicit feedback, without values "
                    "(value_col=None), or write 1 for true and 0 for false")
        if not _FLOAT_TEXT.fullmatch(text):
            formatted = (_other_blank_problem(text, _FLOAT_TEXT)
                         or _number_format_problem(text, separator))
            if formatted is not None:
                return formatted
            return "found an empty field" if not text.strip() else f"found {text!r}"
        return None
    if kind in ("id", "auto") and not text.strip():
        return "found an empty field"
    return None  # text: anything goes, even nothing


def _diagnose(path: Path, layout: DelimitedLayout, names: list[str],
              columns: Mapping[str, ColumnKind], expected: Mapping[str, str],
              arrow_message: str, optional: Collection[str] = ()) -> DataFormatError:
    """The error for the first bad record of a file that the fast path rejected; an empty
    field of an ``optional`` column (see :func:`read_delimited`) is no problem."""
    with reading(path, layout.encoding):
        undecodable = first_undecodable(path, layout.encoding)
        if undecodable is not None:
            line, raw = undecodable
            shown = raw.hex(" ") if raw else "a cut-off character at the end"
            return DataFormatError(
                f"bytes that are not valid {layout.encoding} text ({shown})", file=str(path),
                line=line, expected=f"{layout.encoding} text, or the file's real encoding "
                                    "given as encoding= (e.g. 'latin-1')")
        quote = _unterminated_quote(path, layout)
        if quote is not None:
            return quote
        n_fields = len(names)
        positions = {c: names.index(c) for c in columns}
        for line, _, fields in _record_spans(path, layout):
            if len(fields) != n_fields:
                escaped = _backslash_quote_on_line(path, layout, names, line)
                if escaped is not None:
                    return escaped
                if "".join(fields).strip(" \t") == _END_OF_FILE_MARK.decode():
                    # a compressed file's last line (check_content reads no such file's
                    # end): "the row has 1 field(s)" named no byte
                    return _end_of_file_mark_error(path, line)
                column = names[len(fields)] if len(fields) < n_fields else None
                # the two shapes other tools' output takes, said as such
                why = ""
                if len(fields) == n_fields + 1 and not fields[-1].strip():
                    why = "the line ends with a separator, so "
                elif len(fields) == n_fields - 1 and names[-1] == "":
                    # the unnamed last column of lines that end with a separator: "column ''"
                    # said nothing of it
                    return DataFormatError(
                        f"the row has {len(fields)} field(s): the line does not end with a "
                        "separator, as the first line does", file=str(path), line=line,
                        expected="every line ending with a separator, or none")
                elif len(fields) == 1 and not fields[0].strip():
                    why = "a line of blanks only: "
                return DataFormatError(
                    f"{why}the row has {len(fields)} field(s)", file=str(path), line=line,
                    column=column,
                    expected=f"{n_fields} fields separated by {layout.describe()}")
            if layout.has_header and _repeats_header(fields, names):
                return _repeated_header_error(path, line)
            for column, kind in columns.items():
                if column in optional and not fields[positions[column]].strip():
                    continue
                problem = _field_problem(fields[positions[column]], kind,
                                         layout.delimiter)
                if problem is not None:
                    return DataFormatError(problem, file=str(path), line=line, column=column,
                                           expected=expected[column])
        if not any(True for _ in _record_spans(path, layout, limit=1)):
            return DataFormatError("holds no data rows", file=str(path),
                                   expected="one row per line after the header"
                                   if layout.has_header else "one row per line")
    # The exact reader found nothing the fast reader objected to: say what it said.
    detail = arrow_message.split("\n")[0].removeprefix("CSV parse error: ")
    return DataFormatError(f"could not be read: {detail}", file=str(path))


# ---------------------------------------------------------------------------- conversions
def column_to_numpy(table: pa.Table, name: str, dtype: Any | None = None) -> np.ndarray:
    """One column as a numpy array (one copy; chunks are concatenated)."""
    column = table.column(name)
    array = column.to_numpy() if column.num_chunks != 1 else column.chunk(0).to_numpy(
        zero_copy_only=False)
    return array if dtype is None else array.astype(dtype, copy=False)


# Called with (row index, column, message with {text}, what was expected) -> the error.
FailAt = Callable[[int, str, str, str], DataFormatError]


#: How other tools write a missing value (pandas' ``na_values``, R's NA, SQL's NULL,
#: Python's None, spreadsheets' #N/A), compared without case. In an id column such a cell
#: is read as the text id it spells, with a :class:`MissingValueIdWarning` (an empty id
#: cell is refused): "NA" may be a real id, a region code say.
MISSING_VALUE_SPELLINGS = frozenset({
    "nan", "-nan", "na", "n/a", "#n/a", "#n/a n/a", "#na", "null", "none", "<na>",
    "-1.#ind", "1.#ind", "-1.#qnan", "1.#qnan"})
_MISSING_VALUE_SET = pa.array(sorted(MISSING_VALUE_SPELLINGS), pa.string())


def warn_of_missing_value_ids(trimmed: pa.ChunkedArray | pa.Array, name: str,
                              fail_at: FailAt | None = None, file: str | None = None
                              ) -> None:
    """Warn (:class:`MissingValueIdWarning`) where text ids, trimmed, spell a missing value,
    naming the column, the first one's line or row and what became of the column; and
    (:class:`LookalikeIdWarning`, see :func:`warn_of_lookalike_ids`) where two of them
    differ only in how they are written. Every loader's text ids pass here."""
    warn_of_lookalike_ids(trimmed, name, fail_at, file)
    marked = pc.fill_null(pc.is_in(pc.utf8_lower(trimmed), value_set=_MISSING_VALUE_SET),
                          False)
    count = pc.sum(marked).as_py() or 0
    if not count:
        return
    row = _first_false(pc.invert(marked))
    spellings = sorted(set(pc.filter(trimmed, marked).unique().to_pylist()))
    if fail_at is not None:
        holding = _row_holding(fail_at, row, name)
        file = fail_at(row, name, "", "").file or file
    else:
        holding = f"data row {row + 1} holds {trimmed[row].as_py()}"
    plain = pc.fill_null(pc.match_substring_regex(trimmed, _PLAIN_INTEGER), False)
    others_integers = bool(pc.all(pc.or_(plain, marked)).as_py()) and bool(pc.any(plain).as_py())
    warn_of_missing_value_id_count(name, count, spellings, holding, file=file,
                                   others_integers=others_integers)


#: ASCII text that is an integer written otherwise than plainly: a sign, leading zeros,
#: digit groups, a decimal point followed by zeros only (``"+7"``, ``"007"``, ``"1_000"``,
#: ``"-0"``, ``"7.0"``: pandas writes an integer id column holding a missing value as
#: floats); Python's ``int()`` / ``float()`` and pandas read each as a number another id
#: of the column (or of another file) may be. Thousands groups too (``"1,000"``, as a
#: spreadsheet exports a number formatted so): ``"1,000"`` and ``"1000"`` were kept as two
#: ids without a word.
_LOOSE_INTEGER = r"^[+-]?([0-9]+(_[0-9]+)*|[0-9]{1,3}(,[0-9]{3})+)(\.0*)?$"
#: A number in exponent form (``"1e3"``, ``"1.5E+03"``): pandas writes a float id column
#: so from 1e16 on (a column of integer ids holding a missing value is floats), and
#: spreadsheets their large numbers, so an exported-and-reimported log holds ``"1e+16"``
#: beside ``"10000000000000000"``; they were kept as two ids without a word. Only a whole
#: number is an integer spelt otherwise (``"1e-3"`` and ``"1.25e1"`` are no integer): see
#: :func:`_whole_number_digits`.
_EXPONENT_NUMBER = r"^[+-]?[0-9]+(\.[0-9]*)?[eE][+-]?[0-9]+$"
#: either: the ids that may be an integer written otherwise than plainly
_LOOSE_NUMBER = f"{_LOOSE_INTEGER}|{_EXPONENT_NUMBER}"
#: the most digits an exponent form is spelt out to: no id of a column is written in more
#: plain digits ("1e999999999" would be a billion of them)
_EXPONENT_DIGITS_MOST = 400
#: the same in any script's digits (Arabic-Indic, Devanagari...), which ``int()`` reads
_ANY_DIGITS_INTEGER = r"^[+-]?\p{Nd}+(_\p{Nd}+)*$"


def _lookalike_keys(normalized: pa.Array) -> pa.Array:
    """Each NFKC-normalised id with an integer, however written, as its plain digits:
    ``"+007"``, ``"1_000"``, ``"1,000"``, ``"7.0"`` and ``"1e3"`` become ``"7"``,
    ``"1000"``, ``"1000"``, ``"7"`` and ``"1000"`` (vectorised for ASCII digits; other
    scripts' digits one by one, by ``int()``, and exponent forms one by one, by
    :func:`_whole_number_digits`)."""
    ascii_integer = pc.match_substring_regex(normalized, _LOOSE_INTEGER)
    plain = pc.replace_substring_regex(normalized, r"\.0*$", "")
    plain = pc.replace_substring_regex(plain, "[_,]", "")
    plain = pc.replace_substring_regex(plain, r"^\+", "")
    plain = pc.replace_substring_regex(plain, r"^(-?)0+([0-9])", r"\1\2")
    plain = pc.replace_substring_regex(plain, r"^-0$", "0")
    keys = pc.if_else(ascii_integer, plain, normalized)
    other = pc.and_(pc.match_substring_regex(normalized, _ANY_DIGITS_INTEGER),
                    pc.invert(ascii_integer))
    exponent = pc.match_substring_regex(normalized, _EXPONENT_NUMBER)
    if not pc.any(pc.or_(other, exponent)).as_py():
        return keys
    shown = keys.to_pylist()
    for position in np.flatnonzero(other.to_numpy(zero_copy_only=False)):
        with contextlib.suppress(ValueError):  # digits int() does not read
            shown[position] = str(int(shown[position]))
    for position in np.flatnonzero(exponent.to_numpy(zero_copy_only=False)):
        shown[position] = _whole_number_digits(shown[position]) or shown[position]
    return pa.array(shown, pa.string())


def _whole_number_digits(text: str) -> str | None:
    """The plain digits of a whole number written in exponent form (``"1e3"`` is
    ``"1000"``, ``"-1.5E+01"`` is ``"-15"``, ``"0e5"`` is ``"0"``); None for a number
    that is not whole (``"1e-3"``, ``"1.25e1"``) or past :data:`_EXPONENT_DIGITS_MOST`
    digits. Exact, in text: a float would turn ``"1.2345678901234567e+17"`` into
    another integer than the one it spells."""
    mantissa, _, exponent = text.lower().partition("e")
    sign = "-" if mantissa.startswith("-") else ""
    whole, _, fraction = mantissa.lstrip("+-").partition(".")
    digits = whole + fraction
    if not digits.strip("0"):
        return "0"  # "-0e3" is the integer 0, as "-0" is
    if len(exponent.lstrip("+-").lstrip("0")) > 6:
        return None  # a million digits, or a millionth: no plain id of the column
    shift = int(exponent) - len(fraction)  # the value is int(digits) x 10**shift
    if shift < 0:
        if digits[shift:].strip("0"):
            return None
        digits = digits[:shift]
    elif len(digits) + shift > _EXPONENT_DIGITS_MOST:
        return None
    else:
        digits += "0" * shift
    return sign + digits.lstrip("0")


def warn_of_lookalike_ids(trimmed: pa.ChunkedArray | pa.Array, name: str,
                          fail_at: FailAt | None = None, file: str | None = None, *,
                          read_as_integers: bool = False, subject: str | None = None,
                          kept: str | None = None) -> None:
    """Warn (:class:`LookalikeIdWarning`) where text ids of one column differ only in how
    they are written: their NFKC forms (one form of accents, full-width characters as
    ASCII) are one text, or one integer however written (``"007"``, ``"+7"``, ``"7.0"``,
    ``"7"``; ``"1_000"`` and ``"1000"``; ``"١٢٣"`` and ``"123"``). They are kept as different ids,
    as written, so the warning names a line or row of each. A column of ASCII ids none of
    which is an integer written loosely costs three vectorised passes and nothing more;
    only the other ids are compared.

    ``read_as_integers``: the loader reads the column as integers (a MovieLens ratings
    file), so such ids were not kept apart but became one id; the warning says so.
    ``subject`` (instead of "column 'name'") and ``kept`` (what became of the ids and what
    to do) are a loader's own words where a file has no columns and ``load_table`` could not
    read it (the graph-CF adjacency lists)."""
    if isinstance(trimmed, pa.ChunkedArray):
        trimmed = trimmed.combine_chunks() if trimmed.num_chunks != 1 else trimmed.chunk(0)
    loose = pc.fill_null(pc.or_(
        pc.invert(pc.string_is_ascii(trimmed)),
        pc.and_(pc.match_substring_regex(trimmed, _LOOSE_NUMBER),
                pc.invert(pc.match_substring_regex(trimmed, _PLAIN_INTEGER)))), False)
    if not pc.any(loose).as_py():
        return
    suspects = pc.unique(pc.filter(trimmed, loose))
    keys = _lookalike_keys(pc.utf8_normalize(suspects, "NFKC"))
    changed = pc.fill_null(pc.not_equal(keys, suspects), False)
    if not pc.any(changed).as_py():
        return  # each id is its own key, and the ids are distinct
    # a pair needs a changed key: one that is another id of the column (the plain "7" of
    # "007"), or the key of another changed id ("007" and "07")
    keys, texts = pc.filter(keys, changed), pc.filter(suspects, changed)
    elsewhere = pc.is_in(keys, value_set=trimmed)
    found = pc.any(elsewhere).as_py()
    if not found and len(pc.unique(keys)) == len(keys):
        return
    # only now one by one (zero-padded ids, say, are all changed and none pairs)
    is_elsewhere = elsewhere.to_numpy(zero_copy_only=False)
    repeated = pd.Index(keys.to_numpy(zero_copy_only=False)).duplicated(keep="first")
    repeated &= ~is_elsewhere
    count = int(is_elsewhere.sum() + repeated.sum())
    if found:
        at = int(np.argmax(is_elsewhere))
        pair = (keys[at].as_py(), texts[at].as_py())
    else:
        at = int(np.argmax(repeated))
        pair = (texts[pc.index(keys, keys[at]).as_py()].as_py(), texts[at].as_py())
    rows = sorted(pc.index(trimmed, text).as_py() for text in pair)
    if fail_at is not None:
        places = [_row_holding(fail_at, row, name).partition(" holds ")[0] for row in rows]
        file = fail_at(rows[0], name, "", "").file or file
    else:
        places = [f"data row {row + 1}" for row in rows]
    # ascii(): the two forms of an accent look alike on screen
    first, second = (ascii(trimmed[row].as_py()) for row in rows)
    if kept is None and read_as_integers:
        # the same words as below, for a loader whose ids are integers: "007" and "7" were
        # one id without a word, where load_table keeps them apart and warns
        kept = ("this loader reads ids as integers, so they were read as one id. If they "
                "are different ids, read the file with load_table, which keeps ids as "
                "written; if they are one id, write them one way (without leading zeros "
                "or a sign), or silence this with warnings.filterwarnings('ignore', "
                "category=recstack.data.LookalikeIdWarning)")
    elif kept is None:
        kept = ("they are kept as different ids, as written. If they are one id, write "
                "them one way before loading (e.g. without leading zeros or '.0', or "
                "unicodedata.normalize('NFC', id)); if they are different ids, silence "
                "this with warnings.filterwarnings('ignore', "
                "category=recstack.data.LookalikeIdWarning)")
    warnings.warn(
        f"{file + ': ' if file else ''}{subject or f'column {name!r}'}: {count:,} id(s) "
        f"differ from another id only in how they are written, e.g. {first} ({places[0]}) and "
        f"{second} ({places[1]}), the same number or the same text in another Unicode "
        f"form; {kept}", LookalikeIdWarning, stacklevel=caller_stacklevel())


def warn_of_missing_value_id_count(name: str, count: int, spellings: Sequence[str],
                                   holding: str, *, file: str | None = None,
                                   others_integers: bool = False,
                                   stacklevel: int | None = None) -> None:
    """The :class:`MissingValueIdWarning` of :func:`warn_of_missing_value_ids`, for a
    backend that counts the ids itself (the Spark loader): ``count`` ids of column ``name``
    spelled as ``spellings``, the first where ``holding`` says ("line 3 holds NA")."""
    became = (": every other id of the column is an integer, and because of them every id "
              "is read as text" if others_integers else "")
    warnings.warn(
        f"{file + ': ' if file else ''}column {name!r}: {count:,} id(s) spelled as other "
        f"tools write a missing value, {', '.join(map(repr, sorted(spellings)[:4]))} "
        f"({holding}), are read as text ids{became}; if they are missing ids, fill them in "
        "or drop those rows (an empty id is refused); if they are real ids, silence this "
        "with warnings.filterwarnings('ignore', category=recstack.data."
        "MissingValueIdWarning)", MissingValueIdWarning,
        stacklevel=caller_stacklevel() if stacklevel is None else stacklevel)


def ids_from_text(column: pa.ChunkedArray | pa.Array, name: str | None = None,
                  fail_at: FailAt | None = None, file: str | None = None) -> np.ndarray:
    """Text ids: int64 when every id is a plain integer that fits, else the trimmed text.

    See the module docstring for why "plain": ``"007"`` and ``"7"``, or ``"1.0"`` and
    ``"1"``, stay different ids because they are kept as text. With the column's
    ``name``, ids spelled as a missing value (``NA``, ``null``...) are warned of (see
    :func:`warn_of_missing_value_ids`; ``fail_at`` or ``file`` place the first), and an
    id holding a NUL character is refused, ``fail_at`` placing it.
    """
    trimmed = pc.utf8_trim_whitespace(column)
    if pc.all(pc.match_substring_regex(trimmed, _PLAIN_INTEGER)).as_py() is not False:
        try:
            return np.asarray(pc.cast(trimmed, pa.int64()).to_numpy(), dtype=np.int64)
        except pa.ArrowInvalid:
            pass  # beyond int64: exact only as text
    if name is not None:
        _refuse_nul_ids(column, name, fail_at)
        # only text ids: "5" and " 5" are the integer 5 however they are spaced
        _warn_of_text_ids_merged_by_trimming(column, trimmed, name, fail_at, file)
        warn_of_missing_value_ids(trimmed, name, fail_at, file)
    return np.asarray(trimmed.to_numpy(zero_copy_only=False), dtype=object)


def _warn_of_text_ids_merged_by_trimming(column: pa.ChunkedArray | pa.Array,
                                         trimmed: pa.ChunkedArray | pa.Array, name: str,
                                         fail_at: FailAt | None, file: str | None) -> None:
    """Warn where text ids of column ``name`` that differ only in surrounding whitespace
    (``" a"`` and ``"a"``) became one id by trimming, as
    :func:`recstack.data.idmap.warn_of_ids_merged_by_trimming` does, handing it only the
    rows whose trimmed id some trimmed spelling became: it compares Python objects, and
    the whole of two columns of millions of ids took seconds and gigabytes on every load
    of a file whose ids hold no surrounding whitespace at all."""
    differs = pc.fill_null(pc.not_equal(column, trimmed), False)
    if not pc.any(differs).as_py():
        return
    touched = pc.is_in(trimmed, value_set=pc.unique(pc.filter(trimmed, differs)))
    rows = np.flatnonzero(touched.to_numpy(zero_copy_only=False))
    place_in_file = _place_of_row(fail_at, name)

    def place(row: int) -> str:
        # ``row`` counts the rows handed over; the words name the row of the whole column
        # (by default as the idmap function names a row)
        whole_row = int(rows[row])
        return place_in_file(whole_row) if place_in_file else f"row {whole_row}"

    warn_of_ids_merged_by_trimming(pc.take(column, rows), pc.take(trimmed, rows),
                                   f"column {name!r}", place=place,
                                   file=file or _file_of(fail_at, name))


def ids_to_numpy(column: pa.ChunkedArray, name: str = "", fail_at: FailAt | None = None
                 ) -> np.ndarray:
    """External ids from a typed (Parquet) column: integers stay exact integers, text stays
    text, whole-number floats below 2**53 become int64; anything else is refused."""
    column = plain_column(column)
    kind = column.type
    if pa.types.is_decimal(kind):
        # a database's NUMERIC ids: exact integers when whole and within int64
        try:
            column, kind = pc.cast(column, pa.int64()), pa.int64()
        except pa.ArrowInvalid:
            # the error path only: find the first value that is not such an integer
            first = next(i for i, v in enumerate(column.to_pylist())
                         if v != int(v) or not -2**63 <= v < 2**63)
            raise _id_error(fail_at, first, name,
                            "found {text}, not a whole number within int64") from None
    if pa.types.is_integer(kind):
        values = column.to_numpy()
        if values.dtype == np.uint64 and values.size and values.max() > np.iinfo(np.int64).max:
            return values  # ids above the int64 range stay unsigned, exactly
        return values.astype(np.int64, copy=False)
    if pa.types.is_floating(kind):
        values = column.to_numpy().astype(np.float64, copy=False)
        whole = np.isfinite(values) & (np.floor(values) == values) & (np.abs(values) < 2**53)
        if not whole.all():
            raise _id_error(fail_at, int(np.argmin(whole)), name,
                            "found {text}, not a whole number")
        return values.astype(np.int64)
    if pa.types.is_binary(kind) or pa.types.is_large_binary(kind):
        try:
            column, kind = pc.cast(column, pa.string()), pa.string()
        except pa.ArrowInvalid:
            # the error path only: name the first such id by its row, as every other id
            # problem is (the message named the column alone)
            first = next(i for i, v in enumerate(column.to_pylist())
                         if v is not None and not _is_utf8(v))
            raise _id_error(fail_at, first, name, "found {text}, bytes that are not UTF-8 "
                            "text (ids are text or integers)") from None
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        # trimmed as CSV ids are, so that " a" is the same id in every format; a NUL
        # character, which no CSV file may hold, is refused in every format too
        try:
            column = arrow_text_ids(column, "ids")
        except DataFormatError:
            _refuse_nul_ids(column, name, fail_at)
            raise
        ids = trim_text_ids(column)
        empty = pd.isna(ids) | (ids == "")
        if empty.any():
            raise _id_error(fail_at, int(np.argmax(empty)), name, "found an empty id")
        trimmed = pa.array(ids, pa.string())
        # compared in arrow: Python objects of the whole column were built for each load
        _warn_of_text_ids_merged_by_trimming(column, trimmed, name, fail_at, None)
        warn_of_missing_value_ids(trimmed, name, fail_at)
        return ids
    raise DataFormatError(f"holds {arrow_kind_shown(kind)} values", column=name,
                          expected="integer or text ids")


def arrow_kind_shown(kind: pa.DataType) -> str:
    """A column type as a message names it: the types pandas writes for its own columns
    (a ``Period`` or ``Interval`` column of a frame saved with ``to_parquet``) in pandas'
    words, where pyarrow's name was ``extension<pandas.period<ArrowPeriodType>>``; any
    other extension type with what it stores; every other type by pyarrow's name."""
    name = getattr(kind, "extension_name", None)
    if name == "pandas.period":
        return f"pandas Period (freq {kind.freq!r})"  # type: ignore[attr-defined]
    if name == "pandas.interval":
        return (f"pandas Interval (of {kind.subtype}, "  # type: ignore[attr-defined]
                f"closed {kind.closed!r})")  # type: ignore[attr-defined]
    if isinstance(kind, pa.ExtensionType):
        return f"{name} (an extension type stored as {kind.storage_type})"
    return str(kind)


def _refuse_nul_ids(column: pa.ChunkedArray | pa.Array, name: str, fail_at: FailAt | None
                    ) -> None:
    """Refuse text ids holding a NUL character, naming the first by its row (its file and
    line through ``fail_at``). A CSV file's NUL past the bytes :func:`check_content` looks
    at, or in a file opening with a byte-order mark, reached the ids and was refused
    by :meth:`Interactions.from_arrays` at "position 1", naming no file or line."""
    nul = pc.fill_null(pc.match_substring(column, "\x00"), False)
    if not pc.any(nul).as_py():
        return
    row = int(np.argmax(np.asarray(nul)))
    # shown: {text} would put the NUL itself into the message
    held = shown(column[row].as_py()).replace("{", "{{").replace("}", "}}")
    raise _id_error(fail_at, row, name,
                    f"found {held}, text holding a NUL character ('\\x00'), which no id "
                    "can hold (no text file carries one, and a saved model would drop it); "
                    "strip NUL characters from the ids")


def _id_error(fail_at: FailAt | None, index: int, name: str, message: str) -> DataFormatError:
    if fail_at is None:
        return DataFormatError(f"row {index + 1}: " + message.format(text="?"), column=name,
                               expected="integer or text ids")
    return fail_at(index, name, message, "integer or text ids")


def first_nonfinite(values: np.ndarray) -> int | None:
    """Index of the first NaN or infinite value, or None."""
    # min and max are NaN or infinite exactly when some value is: the common case needs
    # no temporary array (which, on tens of millions of rows, costs more than the test)
    if not values.size or values.dtype.kind != "f" or (
            np.isfinite(values.min()) and np.isfinite(values.max())):
        return None
    return int(np.argmin(np.isfinite(values)))


def first_out_of_range(values: np.ndarray, rating_range: tuple[float, float]) -> int | None:
    """Index of the first value outside ``[low, high]`` (NaN included), or None."""
    low, high = rating_range
    if not values.size or (values.min() >= low and values.max() <= high):
        return None
    return int(np.argmin((values >= low) & (values <= high)))


def range_text(rating_range: tuple[float, float]) -> str:
    low, high = rating_range
    return f"a rating between {low:g} and {high:g}"


#: what a value (rating or weight) must be: values are float32, so 1e39 is as bad as inf
FINITE_VALUE = f"a finite number within ±{np.finfo(np.float32).max:.3g} (float32's range)"


def check_values(values: np.ndarray, column: str, rating_range: tuple[float, float] | None,
                 fail_at: FailAt,
                 exact_at: Callable[[np.ndarray], Sequence[Any]] | None = None) -> None:
    """Refuse, naming the first bad row, a value that is not finite or (with a
    ``rating_range``) outside it: the check every loader makes of its value column.
    ``exact_at`` (:func:`exact_decimals`, for a column of decimals): the bad value is
    shown as the file holds it, its digits, not as the float it became (``1e+50``)."""
    bad = first_nonfinite(values)
    if bad is not None:
        exact = exact_at(np.array([bad]))[0] if exact_at is not None else None
        if isinstance(exact, decimal.Decimal) and exact.is_finite():
            raise fail_at(bad, column, f"found {exact:f} (a decimal)", FINITE_VALUE)
        raise fail_at(bad, column, "found {text!r}", FINITE_VALUE)
    if rating_range is not None:
        bad = first_out_of_range(values, rating_range)
        if bad is not None:
            # "expected a rating between 1 and 2" alone did not say that the range was the
            # rating_range given, not the file's
            low, high = rating_range
            wanted = range_text(rating_range)
            if values[bad] == 0 and low > 0:
                # Book-Crossing's 0 is an implicit row and Goodreads' an unrated shelving,
                # not a rating: no range holds both kinds, and the refusal named no way on
                wanted += (f"; a 0 below the range marks a row without a rating in some "
                           f"datasets (Book-Crossing, Goodreads): load without rating_range "
                           f"to read the rows as implicit feedback, then .implicit() takes "
                           f"every row as a positive, .implicit(threshold={low:g}) the rated "
                           f"ones")
            raise fail_at(bad, column, f"outside rating_range = ({low:g}, {high:g}): found "
                          "{text}", wanted)


def values_as_float32(raw: np.ndarray, column: str, fail_at: FailAt,
                      exact_at: Callable[[np.ndarray], Sequence[Any]] | None = None
                      ) -> np.ndarray:
    """A loader's value column as float32, warning (with the file and the line or row of
    the first) of values float32 cannot hold, such as counts above 2**24. ``exact_at(rows)``,
    where the file holds numbers exactly (a CSV's text, a Parquet decimal column), gives
    them as Python numbers for the rows whose float64 is 2**53 or more in size, which
    float64 has already rounded: a whole number float32 changes is warned of at any size,
    as :meth:`Interactions.from_arrays` does for ``Decimal`` and Python ints."""
    exact = None
    if exact_at is not None and raw.dtype.kind == "f" and raw.size:
        with np.errstate(invalid="ignore"):
            rows = np.flatnonzero(np.isfinite(raw) & (np.abs(raw) >= 2.0**53))
        if len(rows):
            exact = np.full(raw.shape, None, object)
            for row, number in zip(rows.tolist(), exact_at(rows), strict=True):
                exact[row] = number
    return to_float32_values(raw, column, lambda row: _row_holding(fail_at, row, column),
                             lambda: fail_at(0, column, "", "").file, exact=exact)


def exact_decimals(column: pa.ChunkedArray) -> Callable[[np.ndarray], list[Any]] | None:
    """``exact_at`` of :func:`values_as_float32` for a column as the file typed it: a
    decimal column's values at the rows asked for (None for any other type)."""
    if not pa.types.is_decimal(column.type):
        return None
    return lambda rows: column.take(pa.array(rows, pa.int64())).to_pylist()


def _exact_text_numbers(path: Path, layout: DelimitedLayout, name: str
                        ) -> Callable[[np.ndarray], list[Any]]:
    """``exact_at`` of :func:`values_as_float32` for a delimited file: the column's text at
    the rows asked for, as ``Decimal`` (None where it is no decimal number). Read again as
    text only when asked, that is when a value is 2**53 or more in size."""
    def exact_at(rows: np.ndarray) -> list[Any]:
        text = read_delimited(path, layout, {name: "text"}).column(name)
        found: list[Any] = []
        for value in text.take(pa.array(rows, pa.int64())).to_pylist():
            try:
                found.append(decimal.Decimal(value.strip()))
            except (decimal.InvalidOperation, AttributeError):
                found.append(None)
        return found
    return exact_at


def clamp_to_time_range(seconds: int, *, exclusive_end: bool = False) -> int:
    """``seconds`` moved into the years 1..9999 (a bound beyond them means "no bound");
    an exclusive end stays one second past a time of that range."""
    shift = int(exclusive_end)
    return min(max(seconds, FIRST_SECOND + shift), LAST_SECOND + shift)


def time_range_expectation(unit: str) -> str:
    """What an in-range timestamp is, and which option fixes a wrong unit."""
    return (f"a time between the years 1 and 9999 read as {_UNIT_WORDS.get(unit, unit)}; "
            "if the numbers are in another unit, set timestamp_unit to 's', 'ms', 'us' or 'ns'")


def _unit_of_magnitude(magnitude: float) -> str:
    """The unit a Unix time of this absolute value looks like (see the module docstring)."""
    return _AUTO_UNITS[np.searchsorted(_AUTO_UNIT_BOUNDS, magnitude, side="right")]


def _auto_unit(values: np.ndarray, name: str, fail_at: FailAt) -> str:
    """The unit that the magnitude of Unix times suggests (see the module docstring), or
    the located error where rows of the column suggest different units."""
    if not values.size:
        return "s"
    # float64 for the magnitude: abs() of the lowest int64 would stay negative
    magnitude = np.abs(values, dtype=np.float64)
    largest = magnitude.max()
    # zero is the same instant in every unit: no evidence either way
    magnitude[magnitude == 0] = np.inf
    smallest = magnitude.min()
    unit = _unit_of_magnitude(largest)
    if smallest == np.inf or unit == _unit_of_magnitude(smallest):
        return unit
    # Two magnitudes in one column: reading all in the larger unit (as the largest value
    # alone would choose) silently moves every other row, by decades, to 1970.
    bands = np.searchsorted(_AUTO_UNIT_BOUNDS, magnitude, side="right")
    bands[magnitude == np.inf] = -1
    first = int(np.argmax(bands >= 0))
    other = int(np.argmax((bands >= 0) & (bands != bands[first])))
    first_unit, other_unit = _AUTO_UNITS[bands[first]], _AUTO_UNITS[bands[other]]
    units = " or ".join(repr(u) for u in _AUTO_UNITS if u in (first_unit, other_unit))
    # braces doubled: the message is a template for fail_at ({text})
    holding = _row_holding(fail_at, first, name).replace("{", "{{").replace("}", "}}")
    raise fail_at(other, name,
                  f"found {{text}}, which looks like {_UNIT_WORDS[other_unit]}, but "
                  f"{holding}, which looks like {_UNIT_WORDS[first_unit]}",
                  f"one unit for the whole column: correct the rows in the other unit, or "
                  f"set timestamp_unit to {units}")


def _place_of_row(fail_at: FailAt | None, column: str) -> Callable[[int], str] | None:
    """Row ``index`` as the loader's errors name it, without its text ("line 2"), for
    :func:`recstack.data.idmap.warn_of_ids_merged_by_trimming`; None without ``fail_at``."""
    if fail_at is None:
        return None
    return lambda index: _row_holding(fail_at, index, column).partition(" holds ")[0]


def _file_of(fail_at: FailAt | None, column: str) -> Callable[[], str | None] | None:
    """The file ``fail_at``'s errors name, asked only when wanted (it reads a line)."""
    if fail_at is None:
        return None
    return lambda: fail_at(0, column, "", "").file


def _row_holding(fail_at: FailAt, index: int, column: str) -> str:
    """Row ``index`` as the loader's errors name it, with its text ("line 2 holds 7" in a
    text file, "row 1 holds 7" in a table): a probe error from ``fail_at`` carries both."""
    probe = fail_at(index, column, "{text}", "")
    if probe.line is not None:
        return f"line {probe.line} holds {probe.detail}"
    place, _, text = probe.detail.partition(": ")
    return f"{place} holds {text}"


def timestamps_to_seconds(column: pa.ChunkedArray, name: str, timestamp_format: str | None,
                          timestamp_unit: str, fail_at: FailAt) -> np.ndarray:
    """Convert a timestamp column to int64 Unix seconds, or raise the located error.

    ``timestamp_format``: None (numbers are Unix time, text is ISO-8601), ``"unix"``,
    ``"iso"`` or a :func:`time.strptime` pattern such as ``"%d/%m/%Y %H:%M"``;
    ``timestamp_unit`` says what a number counts (``"auto"``: see the module docstring).
    Typed date-time and date columns (Parquet, Arrow) are used as they are. Text without
    a UTC offset is taken as UTC; fractional seconds are floored.
    """
    fmt = check_timestamp_options(timestamp_format, timestamp_unit)
    wanted = _timestamp_expectation(fmt, timestamp_unit)
    column = plain_column(column, decimals_as_floats=True)
    kind = column.type
    if pa.types.is_time(kind) or pa.types.is_duration(kind):
        what = "times of day without a date" if pa.types.is_time(kind) else \
            "durations, not points in time"
        raise fail_at(0, name, f"holds {what} ({kind}), such as {{text}}",
                      "date-times, dates, Unix time or text such as 2024-01-31T12:00:00")
    if pa.types.is_binary(kind) or pa.types.is_large_binary(kind) or \
            pa.types.is_fixed_size_binary(kind):
        # bytes are read as the text they hold, as byte ids are
        try:
            column, kind = pc.cast(column, pa.string()), pa.string()
        except pa.ArrowInvalid:
            row = next(i for i, v in enumerate(column.to_pylist())
                       if v is not None and not _is_utf8(v))
            raise fail_at(row, name, "holds bytes that are not UTF-8 text, such as {text}",
                          "date-times, dates, Unix time or text such as 2024-01-31T12:00:00"
                          ) from None
    if getattr(kind, "extension_name", None) == "pandas.period":
        # a frame's Period column written by pandas: its months were told "holds
        # extension<pandas.period<ArrowPeriodType>> values, such as 600" (their count since
        # 1970), where the same frame given to from_frame is told it holds periods
        row = _first_false(pc.is_null(column))
        held = str(pd.Period(ordinal=column[row].value.as_py(), freq=kind.freq))
        raise fail_at(row, name, f"holds {arrow_kind_shown(kind)} values, spans of time "
                                 f"rather than points in time, such as {held}",
                      "date-times, dates or Unix time (convert the column with pandas' "
                      "Period.to_timestamp() before writing the file)")
    if not (_is_time_type(kind) or _is_number(kind) or pa.types.is_boolean(kind)
            or pa.types.is_string(kind) or pa.types.is_large_string(kind)):
        # lists, structs, maps: no time to read (pyarrow's cast to text failed unnamed)
        raise fail_at(0, name, f"holds {arrow_kind_shown(kind)} values, such as {{text}}",
                      "date-times, dates, Unix time or text such as 2024-01-31T12:00:00")
    if pa.types.is_timestamp(kind) or pa.types.is_date(kind):
        if pa.types.is_date(kind):
            column = pc.cast(column, pa.timestamp("s"))
        elif kind.unit != "s":
            finer = np.asarray(column.cast(pa.int64()).fill_null(0).to_numpy(), np.int64)
            column = pc.floor_temporal(column, unit="second").cast(
                pa.timestamp("s", tz=kind.tz), safe=False)
            _warn_of_merged_fractions(finer, _UNIT_FACTORS[kind.unit], name,
                                      "date-times")
        seconds = np.asarray(column.cast(pa.int64()).to_numpy(), dtype=np.int64)
        bad = first_time_out_of_range(seconds)
        if bad is not None:
            raise fail_at(bad, name, "found {text}", "a time between the years 1 and 9999")
        return seconds
    is_text = pa.types.is_string(kind) or pa.types.is_large_string(kind)
    if is_text and fmt in (None, "unix"):
        trimmed = pc.utf8_trim_whitespace(column)
        numbers = pc.match_substring_regex(
            trimmed, r"^[+-]?(\d+\.?\d*([eE][+-]?\d+)?|\.\d+([eE][+-]?\d+)?)$")
        # a number with a blank other than a space or a tab beside it (a spreadsheet's
        # no-break space) is refused as in a value column: '\xa05' was read as the time 5
        # where the same cell under value was refused
        padded = pc.and_(pc.fill_null(numbers, False),
                         pc.not_equal(pc.utf8_trim(column, " \t"), trimmed))
        if pc.any(padded).as_py():
            bad = _first_false(pc.invert(padded))
            problem = _other_blank_problem(column[bad].as_py(), _NUMBER_TEXT)
            raise fail_at(bad, name, "found {text!r}" if problem is None
                          else problem.replace("{", "{{").replace("}", "}}"), wanted)
        if pc.all(numbers).as_py() is not False:
            integers = pc.all(pc.match_substring_regex(trimmed, r"^[+-]?\d{1,18}$")).as_py()
            column = pc.cast(trimmed, pa.int64() if integers is not False else pa.float64())
            kind = column.type
        elif fmt is not None or (len(column) and numbers[0].as_py()):
            # Unix time asked for, or begun with: the first non-number is the culprit
            bad = _first_false(numbers)
            if fmt is None and _reads_as_iso(trimmed[bad].as_py()):
                raise _two_time_forms(fail_at, name, bad, 0, "text", "Unix timestamps")
            raise fail_at(bad, name, _unread_time(trimmed[bad].as_py()), wanted)
    if fmt == "unix" or (fmt is None and _is_number(kind)):
        if not _is_number(kind):
            raise fail_at(0, name, "cannot read {text!r} as a time", wanted)
        return _unix_to_seconds(column.to_numpy(), name, timestamp_unit, fail_at)
    # Text: ISO-8601 or a strptime pattern, through pandas (vectorised; handles offsets).
    # pandas reads 'now' and 'today' as the moment of reading: every load other times
    clock = pc.match_substring_regex(pc.utf8_trim_whitespace(pc.cast(column, pa.string())),
                                     r"^(?i)(now|today)$")
    if pc.any(clock).as_py():
        raise fail_at(int(np.argmax(np.asarray(clock.to_numpy(zero_copy_only=False), bool))),
                      name, "found {text!r}, which is the moment of reading, not a time of "
                            "the data", wanted)
    pandas_format = "ISO8601" if fmt in (None, "iso") else fmt
    # trimmed as numbers and ids are: ' 2024-01-01 ' was "cannot read" where ' 1704067200 '
    # was read
    text = pd.Series(pc.utf8_trim_whitespace(pc.cast(column, pa.string())).to_numpy(
        zero_copy_only=False), dtype=object)
    try:
        parsed = pd.to_datetime(text, format=pandas_format, utc=True, errors="coerce")
    except (ValueError, TypeError, OverflowError):
        raise fail_at(0, name, "cannot read {text!r} as a time", wanted) from None
    bad_mask = parsed.isna().to_numpy()
    if bad_mask.any():
        bad = int(np.argmax(bad_mask))
        if fmt is None and not bad_mask.all() and _NUMBER_TEXT.fullmatch(str(text[bad]).strip()):
            raise _two_time_forms(fail_at, name, bad, int(np.argmin(bad_mask)), "a number",
                                  "ISO-8601 text")
        impossible = impossible_date(str(text[bad]), None if fmt in (None, "iso") else fmt)
        if impossible:
            raise fail_at(bad, name, "found {text!r}, which is not a real date: " + impossible,
                          wanted)
        swapped = (_day_and_month_swapped(str(text[bad]), fmt, text)
                   if fmt is not None and fmt != "iso" else None)
        if swapped:
            raise fail_at(bad, name, "found {text!r}, " + swapped.replace("{", "{{")
                          .replace("}", "}}"), wanted)
        local = (_local_time_problem(str(text[bad]), fmt)
                 if fmt is not None and fmt != "iso" else None)
        if local:
            raise fail_at(bad, name, "found {text!r}, " + local.replace("{", "{{")
                          .replace("}", "}}"), wanted)
        lower_case_utc = _lower_case_utc(str(text[bad])) if fmt == "iso" else None
        unread = (_unread_time(str(text[bad])) if fmt is None
                  else lower_case_utc or "cannot read {text!r} as a time")
        raise fail_at(bad, name, unread, wanted)
    if fmt in (None, "iso"):
        # only once every time is read: a column refused for one of its times was also
        # warned of as read, "those without are read as UTC", before the refusal
        _warn_of_offsets_in_part(pc.utf8_trim_whitespace(pc.cast(column, pa.string())), name,
                                 fail_at)
    times = parsed.dt.tz_localize(None).to_numpy()
    # text with fractions of a second was floored without a word, where the same times as
    # numbers (and Spark's reading of this text) warned by the half rule; read in the
    # unit pandas chose (nanoseconds, or coarser for years outside 1678-2261)
    unit = np.datetime_data(times.dtype)[0]
    if unit in _UNIT_FACTORS:
        _warn_of_merged_fractions(times.astype(np.int64), _UNIT_FACTORS[unit], name,
                                  "ISO-8601 text" if fmt in (None, "iso")
                                  else f"text in the pattern {fmt!r}")
    return times.astype("datetime64[s]").astype(np.int64)


def _warn_of_merged_fractions(finer: np.ndarray, per_second: int, name: str,
                              read_as: str) -> None:
    """:func:`warn_of_merged_times` for times counted ``per_second`` to the second (int64)
    and floored to whole seconds; a column without a fraction of a second costs one pass
    and is never counted."""
    if per_second <= 1 or not np.any(finer % per_second):
        return
    warn_of_merged_times(finer, finer // per_second, name,
                         f"{read_as} with fractions of a second", "")


def _unread_time(text: str | None) -> str:
    """The message (a template of ``fail_at``) for a time that cannot be read: a Unix time
    written with thousands separators or a decimal comma (``1,700,000,000``) says so, with
    the number as it is read, as a rating does; it was "cannot read ... as a time"."""
    lower_case_utc = _lower_case_utc(text) if text else None
    if lower_case_utc:
        return lower_case_utc
    formatted = _number_format_problem(text.strip()) if text else None
    zone = _ZONE_NAME_AT_END.search(text.strip()) if text and formatted is None else None
    if zone is not None and zone.group(1).upper() not in ("AM", "PM", "Z"):
        # 'UTC', 'GMT', 'CET' after the time, as databases and log tools print them, is no
        # ISO-8601; "cannot read" named neither the part at fault nor the two ways out. Z
        # is ISO-8601's own UTC: text ending in it fails for another reason (2024-001)
        return ("cannot read {text!r} as a time: it ends in the time-zone name "
                + repr(zone.group(1)).replace("{", "{{").replace("}", "}}")
                + ", which ISO-8601 does not write (it writes an offset, Z or +01:00); "
                "rewrite the times so, or pass timestamp_format='%Y-%m-%d %H:%M:%S %Z'")
    if formatted is None:
        return "cannot read {text!r} as a time"
    return formatted.replace("{", "{{").replace("}", "}}")


def _lower_case_utc(text: str) -> str | None:
    """The message (a template of ``fail_at``) for an ISO-8601 time that ends in a
    lower-case ``z`` ('2024-01-31T12:00:00z') and is read once it is an upper-case ``Z``,
    else None: ISO-8601 writes UTC as ``Z`` only, and the refusal said "cannot read" with
    no word of the one letter at fault."""
    text = text.strip()
    if not text.endswith("z"):
        return None
    as_utc = pd.to_datetime(pd.Series([text[:-1] + "Z"], dtype=object), format="ISO8601",
                            utc=True, errors="coerce")
    if as_utc.isna().all():
        return None  # it fails for another reason too (2024-001T12:00z): say nothing of z
    return ("cannot read {text!r} as a time: it ends in a lower-case 'z', which "
            "ISO-8601 does not write for UTC; write an upper-case 'Z' "
            "(2024-01-31T12:00:00Z) or an offset (2024-01-31T12:00:00+00:00)")


#: a time of day followed by a time-zone name ('12:00:00 UTC', '12:00 Europe/Paris')
_ZONE_NAME_AT_END = re.compile(r"\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)? ?([A-Za-z][A-Za-z_/+-]*)$")

#: an ISO-8601 time of day followed by its UTC offset ('...12:00Z', '...12:00:00+01:00')
_UTC_OFFSET_AT_END = r"\d{2}:\d{2}(:\d{2}([.,]\d+)?)?[ ]?([Zz]|[+-]\d{2}(:?\d{2})?)$"


def _warn_of_offsets_in_part(text: pa.ChunkedArray | pa.Array, name: str, fail_at: FailAt
                             ) -> None:
    """Warn of ISO-8601 times of day of which some give a UTC offset and others none: the
    ones without are read as UTC, as documented, but a column mixing the two was most
    likely written by two tools, the second perhaps in its local time, hours off. (Dates
    without a time of day are days, not local times: they do not count.)"""
    offset = pc.fill_null(pc.match_substring_regex(text, _UTC_OFFSET_AT_END), False)
    if not pc.any(offset).as_py() or pc.all(offset).as_py():
        return
    bare_time = pc.and_(pc.invert(offset), pc.fill_null(
        pc.match_substring_regex(text, r"\d{2}:\d{2}"), False))
    if not pc.any(bare_time).as_py():
        return
    bare, given = _first_false(pc.invert(bare_time)), _first_false(pc.invert(offset))
    count = pc.sum(bare_time).as_py()
    file = fail_at(bare, name, "", "").file
    warnings.warn(
        f"{file + ': ' if file else ''}column {name!r}: {count:,} time(s) without a UTC "
        f"offset among times with one ({_row_holding(fail_at, bare, name)}, "
        f"{_row_holding(fail_at, given, name)}): those without are read as UTC; if they are "
        "local times, write them with their offset (2024-01-31T12:00:00+01:00)",
        UserWarning, stacklevel=caller_stacklevel())


def _local_time_problem(value: str, pattern: str) -> str | None:
    """Why ``value``, read by a ``pattern`` ending in a time-zone name (``%Z``: 'CET',
    'Europe/Paris'), names no moment: a local time the clocks pass twice (summer time
    ending) or skip (summer time beginning) in that zone; None for any other failure. Only
    "cannot read" was said of a value that reads perfectly well an hour later."""
    if not pattern.rstrip().endswith("%Z"):
        return None
    head, _, zone = value.strip().rpartition(" ")
    try:
        naive = pd.Timestamp(datetime.strptime(head, pattern.rstrip()[:-2].rstrip()))
        naive.tz_localize(zone)
    except ValueError as error:
        text = str(error)
        if "infer dst" in text:
            return (f"a local time the clocks show twice in the time zone {zone!r} (when "
                    "summer time ends), so it names no one moment; write the times with "
                    "their UTC offset (%z, such as +0100) or in UTC")
        if "nonexistent" in text:
            return (f"a local time that does not exist in the time zone {zone!r} (the clocks "
                    "skip it when summer time begins); write the times with their UTC offset "
                    "(%z, such as +0100) or in UTC")
        return None
    except (KeyError, TypeError, OverflowError):
        return None
    return None


def _day_and_month_swapped(value: str, pattern: str, column: pd.Series) -> str | None:
    """Why ``value`` does not read as ``pattern`` when it reads with the pattern's day and
    month swapped and what was taken for its month is above 12 (``01/13/2020`` under
    ``%d/%m/%Y``), with the swapped pattern to use; else None. Only "cannot read" was said,
    which left the user to find that 13 is no month."""
    if pattern.count("%d") != 1 or pattern.count("%m") != 1:
        return None
    swapped = pattern.replace("%d", "\0").replace("%m", "%d").replace("\0", "%m")
    try:
        moment = datetime.strptime(value.strip(), swapped)
    except ValueError:
        return None
    if moment.day <= 12:
        return None  # its month was a month: unreadable for another reason
    reads = pd.to_datetime(column, format=swapped, utc=True, errors="coerce").notna().all()
    advice = (f"every date of the column reads as {swapped!r}: they put the month before "
              f"the day; use timestamp_format={swapped!r}" if reads else
              f"if the dates put the month before the day, use timestamp_format={swapped!r}")
    return (f"which does not read as {pattern!r}: there is no month {moment.day} (months run "
            f"from 01 to 12), so its day and month look swapped; {advice}")


#: a number written as text, as a Unix time in a text file is
_NUMBER_TEXT = re.compile(r"[+-]?(\d+\.?\d*([eE][+-]?\d+)?|\.\d+([eE][+-]?\d+)?)")


def _reads_as_iso(text: str | None) -> bool:
    """Whether ``text`` is a time in ISO-8601, as the text of a time column is read."""
    if not text:
        return False
    try:
        return not pd.isna(pd.to_datetime(text, format="ISO8601", utc=True))
    except (ValueError, TypeError, OverflowError):
        return False


def _two_time_forms(fail_at: FailAt, name: str, bad: int, good: int, found: str,
                    column_form: str) -> DataFormatError:
    """The error for a time column that mixes Unix numbers and ISO-8601 text: the row in
    the other form said it could not be read "as a Unix timestamp (a number) or an ISO-8601
    date-time", which it was."""
    holding = _row_holding(fail_at, good, name).replace("{", "{{").replace("}", "}}")
    return fail_at(bad, name, f"found {found}, {{text!r}}, in a column of {column_form} "
                              f"({holding})",
                   "one form for the whole column: Unix timestamps (numbers) or ISO-8601 "
                   "text such as 2024-01-31T12:00:00, not both; rewrite the rows in the other "
                   "form")


def _unix_to_seconds(values: np.ndarray, name: str, unit: str, fail_at: FailAt) -> np.ndarray:
    if values.dtype.kind == "f":
        bad = first_nonfinite(values)
        if bad is not None:
            raise fail_at(bad, name, "found {text!r}", "a finite number")
    if unit == "auto":
        _refuse_digit_dates(values, name, fail_at)
        _warn_of_spreadsheet_serials(values, name, fail_at)
    if unit == "auto":
        chosen = _auto_unit(values, name, fail_at)
    else:
        chosen = unit
        _warn_of_a_unit_too_large(values, name, unit)
    factor = _UNIT_FACTORS[chosen]
    warn_of_coarse_times(values, name, _UNIT_WORDS[chosen], factor)
    if values.dtype.kind == "f":
        seconds_float = floor_seconds(values.astype(np.float64) / factor)
        bad_mask = (seconds_float < FIRST_SECOND) | (seconds_float > LAST_SECOND)
        if bad_mask.any():
            raise _out_of_range(fail_at, int(np.argmax(bad_mask)), name, chosen)
        _warn_of_merged_times(values, seconds_float, name, unit, chosen)
        return seconds_float.astype(np.int64)
    if values.dtype == np.uint64 and values.size and values.max() > np.iinfo(np.int64).max:
        raise _out_of_range(fail_at, int(np.argmax(values > np.iinfo(np.int64).max)), name,
                            chosen)
    seconds = values.astype(np.int64, copy=False) // factor  # floor, also before 1970
    bad = first_time_out_of_range(seconds)
    if bad is not None:
        raise _out_of_range(fail_at, bad, name, chosen)
    if factor > 1:
        _warn_of_merged_times(values, seconds, name, unit, chosen)
    return seconds


def _warn_of_merged_times(values: np.ndarray, seconds: np.ndarray, name: str, unit: str,
                          chosen: str) -> None:
    """:func:`warn_of_merged_times` for numbers read in ``chosen``: where the unit was
    given, the numbers may count seconds after all (100, 200, 300 given as "ms")."""
    given = unit == chosen and chosen != "s"
    read_as = f"timestamp_unit={chosen!r}" + ("" if unit == chosen else " (from their size)")
    warn_of_merged_times(values, seconds, name, read_as,
                         "if the numbers count seconds, pass timestamp_unit='s'" if given
                         else "")


#: Unix seconds of 3 March 1973: an explicit unit that puts every time before it, where
#: the magnitude's own unit puts the times after it, is most likely the wrong unit
_EARLY_UNIX_SECONDS = 1e8


def _warn_of_a_unit_too_large(values: np.ndarray, name: str, unit: str) -> None:
    """Warn when ``unit`` (given, not chosen) is larger than the numbers' magnitude says
    and squeezes every time into the first three years of Unix time: seconds read as
    milliseconds land in January 1970 without an error, as no time leaves the calendar.
    The times are read as told; the other direction leaves the calendar and is refused."""
    if not values.size:
        return
    largest = float(np.abs(values, dtype=np.float64).max())
    looks_like = _unit_of_magnitude(largest)
    if _UNIT_FACTORS[unit] <= _UNIT_FACTORS[looks_like]:
        return
    as_told, as_looks = largest / _UNIT_FACTORS[unit], largest / _UNIT_FACTORS[looks_like]
    if as_told < _EARLY_UNIX_SECONDS <= as_looks:
        told_date = np.datetime64(int(as_told), "s").astype("datetime64[D]")
        looks_date = np.datetime64(int(as_looks), "s").astype("datetime64[D]")
        warnings.warn(f"column {name!r}: timestamp_unit={unit!r} puts every time on or "
                      f"before {told_date}, but the numbers look like "
                      f"{_UNIT_WORDS[looks_like]} (the largest, {largest:.0f}, is {looks_date} "
                      f"so); set timestamp_unit={looks_like!r} (or 'auto') if they are",
                      UserWarning, stacklevel=caller_stacklevel())


#: dates written as digits (20200131, 20200131235959), with the unit "auto" reads them in:
#: the first as seconds (August 1970), the second as milliseconds (the 27th century)
_DIGIT_DATES = {8: ("YYYYMMDD", "%Y%m%d", "s"), 14: ("YYYYMMDDhhmmss", "%Y%m%d%H%M%S", "ms")}


def _refuse_digit_dates(values: np.ndarray, name: str, fail_at: FailAt) -> None:
    """Refuse, under the unit "auto", an integer column whose every value is a year or a
    date written as digits between the years 1900 and 2100 (``20200131`` was read as Unix
    seconds: 1970-08-22, every row within a month; ``1995`` as 1970-01-01 00:33:15). Unix
    times that happen to spell such a date in every row are improbable;
    ``timestamp_unit`` reads them as they are."""
    if values.dtype.kind not in "iu" or not values.size:
        return
    if values.min() >= 1900 and values.max() <= 2100:
        # bare years: as Unix seconds, every row is within the first 35 minutes of 1970
        raise fail_at(0, name, "found {text}, which looks like a year, as does every row, "
                               "not Unix time (read as seconds it is "
                               f"{np.datetime64(int(values[0]), 's')})",
                      "timestamp_format='%Y' for years, or timestamp_unit='s' if they are "
                      "Unix time")
    for digits, (shape, pattern, unit) in _DIGIT_DATES.items():
        scale = 10 ** (digits - 8)
        low, high = 19000101 * scale, 21001231 * scale + (scale - 1)
        if values.min() < low or values.max() > high:
            continue
        dates = values.astype(np.int64)
        ok = np.ones(len(dates), bool)
        if digits == 14:
            clock, dates = dates % 1_000_000, dates // 1_000_000
            ok = (clock // 10_000 < 24) & (clock // 100 % 100 < 60) & (clock % 100 < 60)
        month, day = dates // 100 % 100, dates % 100
        if (ok & (month >= 1) & (month <= 12) & (day >= 1) & (day <= 31)).all():
            as_unix = np.datetime64(int(values[0]) // _UNIT_FACTORS[unit], "s")
            raise fail_at(0, name, f"found {{text}}, which looks like a date written as "
                                   f"digits ({shape}), as is every row, not Unix time (read as "
                                   f"{_UNIT_WORDS[unit]} it is {as_unix})",
                          f"timestamp_format={pattern!r} for dates written so, or "
                          f"timestamp_unit={unit!r} if they are Unix time")


#: spreadsheet date serials (days since 1899-12-30, 25569 being 1970-01-01) of the years
#: 1950 to 2099: read as Unix seconds, every one falls on 1 January 1970, 05:04 to 20:17
_SERIAL_DAYS = (18264, 73051)
_SERIAL_EPOCH_DAY = 25569


def _warn_of_spreadsheet_serials(values: np.ndarray, name: str, fail_at: FailAt) -> None:
    """Warn, under the unit "auto", when every time of the column is a spreadsheet date
    serial of the years 1950 to 2099 (Excel's 44927.5 is 2023-01-01 12:00; LibreOffice and
    Google Sheets count the same way): read as Unix seconds, the whole log falls within
    one day, 1 January 1970. A warning, not an error as for years written as digits: small
    counters used as times (say 20000 to 70000) fill the same band, and read as told."""
    if not values.size or values.dtype.kind not in "iuf":
        return
    low, high = float(values.min()), float(values.max())
    if not (_SERIAL_DAYS[0] <= low and high < _SERIAL_DAYS[1]):
        return
    holding = _row_holding(fail_at, 0, name)
    file = fail_at(0, name, "", "").file
    first = float(values[0])
    as_date = np.datetime64(round((first - _SERIAL_EPOCH_DAY) * 86400), "s")
    warnings.warn(f"{file + ': ' if file else ''}column {name!r}: every time lies between "
                  f"{low:.10g} and {high:.10g}, which read as Unix seconds all fall on "
                  f"1970-01-01 ({holding}, read as "
                  f"{np.datetime64(int(math.floor(first)), 's')}); if they are spreadsheet "
                  f"date serials ({first:.10g} is {as_date} so), save the column as dates "
                  "(e.g. yyyy-mm-dd hh:mm:ss) or as Unix seconds, (serial - 25569) * "
                  "86400; timestamp_unit='s' reads them as Unix seconds without this "
                  "warning", UserWarning, stacklevel=caller_stacklevel())


def _out_of_range(fail_at: FailAt, index: int, name: str, unit: str) -> DataFormatError:
    return fail_at(index, name, "found {text}, outside the years 1 to 9999",
                   time_range_expectation(unit))


#: Other names of the units (lower case, '.', '-' and ' ' dropped), for a "did you mean"
_UNIT_NAMES = {
    "s": ("sec", "secs", "second", "seconds", "unixs", "unixseconds", "epoch", "epochs",
          "unix", "unixtime", "posix", "1s"),
    "ms": ("msec", "msecs", "millis", "milli", "millisec", "millisecs", "millisecond",
           "milliseconds", "unixms", "epochms", "epochmillis", "1ms"),
    "us": ("usec", "usecs", "micros", "micro", "microsec", "microsecs", "microsecond",
           "microseconds", "\u00b5s", "\u03bcs", "unixus", "epochus", "epochmicros", "1us"),
    "ns": ("nsec", "nsecs", "nanos", "nano", "nanosec", "nanosecs", "nanosecond",
           "nanoseconds", "unixns", "epochns", "epochnanos", "1ns"),
    "auto": ("automatic", "detect", "guess", "default"),
}
#: Units that Unix time is never counted in (lower case, folded as above)
_NOT_UNIX_UNITS = {"m": "minutes", "min": "minutes", "mins": "minutes", "minute": "minutes",
                   "minutes": "minutes", "h": "hours", "hr": "hours", "hrs": "hours",
                   "hour": "hours", "hours": "hours", "d": "days", "day": "days",
                   "days": "days", "w": "weeks", "week": "weeks", "weeks": "weeks"}
_UNIT_BY_NAME = {name: unit for unit, names in _UNIT_NAMES.items() for name in names}


def timestamp_unit_hint(value: Any) -> str:
    """`` (did you mean 's'?)`` for a near miss of a timestamp unit: another name of a unit
    (``"sec"``, ``"seconds"``, ``"millis"``, ``"\u00b5s"``), one in another case or with
    spaces (``"MS"``, ``" s"``), or a misspelling of one; empty when nothing is near."""
    if not isinstance(value, str):
        return ""
    folded = re.sub(r"[\s._\-]", "", value.lower())
    if folded in _NOT_UNIX_UNITS:
        return (f" (Unix time is counted in seconds or a fraction of them, never in "
                f"{_NOT_UNIX_UNITS[folded]}: convert the column to seconds first)")
    if folded.endswith("s") and folded[:-1] in _UNIT_BY_NAME and folded not in _UNIT_BY_NAME:
        folded = folded[:-1]  # "millisecondss", "usecss"
    unit = folded if folded in TIMESTAMP_UNITS else _UNIT_BY_NAME.get(folded)
    if unit is None:
        near = closest(folded, [*TIMESTAMP_UNITS, *_UNIT_BY_NAME], cutoff=0.75)
        unit = _UNIT_BY_NAME.get(near, near) if near else None
    if unit is None:
        return ""
    return f" (did you mean {unit!r}?)"


def check_timestamp_options(timestamp_format: str | None, timestamp_unit: str = "auto"
                            ) -> str | None:
    """The format normalised (None for automatic), or an error for unknown options."""
    if not isinstance(timestamp_unit, str) or timestamp_unit not in TIMESTAMP_UNITS:
        raise ConfigError(f"unknown timestamp_unit {timestamp_unit!r}"
                          f"{timestamp_unit_hint(timestamp_unit)}; use one of "
                          + ", ".join(repr(u) for u in TIMESTAMP_UNITS))
    if timestamp_format in (None, "auto"):
        return None
    if not isinstance(timestamp_format, str):
        raise ConfigError(f"timestamp_format must be text, not {timestamp_format!r}")
    if timestamp_format in ("unix", "iso"):
        return timestamp_format
    if "%" in timestamp_format:
        _check_strptime_pattern(timestamp_format)
        return timestamp_format
    older = {"unix_s": "s", "unix_ms": "ms", "unix_us": "us", "unix_ns": "ns"}
    if timestamp_format in older:
        raise ConfigError(
            f"timestamp_format {timestamp_format!r} is spelt timestamp_format='unix', "
            f"timestamp_unit={older[timestamp_format]!r}")
    hint = " (write 'iso')" if timestamp_format.lower() in ("iso8601", "iso-8601") else ""
    raise ConfigError(
        f"unknown timestamp_format {timestamp_format!r}{hint}; use None (numbers are Unix "
        "time, text is ISO-8601), 'unix', 'iso' or a strptime pattern such as "
        "'%Y-%m-%d %H:%M:%S'")


def _check_strptime_pattern(pattern: str) -> None:
    """Refuse a pattern that cannot give a point in time: a directive strptime does not
    know (``%Q``, a lone ``%``: every row was refused as unreadable, blaming the data), or
    no year (strptime puts a date without one in 1900: ``%d/%m`` or ``%H:%M`` made every
    time one of 1900, silently)."""
    directives = set(re.findall(r"%(.)", pattern.replace("%%", "")))
    if "s" in directives:
        raise ConfigError(f"timestamp_format {pattern!r}: '%s' (seconds since 1970) is not "
                          "a strptime directive; for Unix time write "
                          "timestamp_format='unix'")
    try:
        datetime.strptime("", pattern)
    except ValueError as error:
        # the pattern's own fault ("'Q' is a bad directive", "stray %"), not the data's:
        # every row was refused as "cannot read '2020-01-01' as a time"
        bad = re.match(r"'(.)' is a bad directive", str(error))
        if bad or str(error).startswith("stray %"):
            what = f"'%{bad.group(1)}' is not" if bad else "a lone '%' at the end is not"
            raise ConfigError(
                f"timestamp_format {pattern!r}: {what} a strptime directive; use codes "
                "such as %Y (year), %m (month), %d (day), %H:%M:%S (time), and %% for a "
                "'%' sign") from None
    if not directives & _YEAR_DIRECTIVES:
        raise ConfigError(
            f"timestamp_format {pattern!r} names no year (%Y or %y): every time would be "
            "put in the year 1900; use a pattern with the date, such as '%Y-%m-%d %H:%M'")


#: strptime directives that carry the year (%c and %x: the locale's date and time)
_YEAR_DIRECTIVES = frozenset("YyGcx")


def _timestamp_expectation(timestamp_format: str | None, unit: str = "auto") -> str:
    """What a valid timestamp looks like under ``timestamp_format``, for messages."""
    in_unit = "" if unit == "auto" else f" in {_UNIT_WORDS[unit]}"
    if timestamp_format == "unix":
        return f"a Unix timestamp (a number){in_unit}"
    if timestamp_format == "iso":
        return _ISO_EXAMPLE
    if timestamp_format and "%" in timestamp_format:
        return f"a date-time in the format {timestamp_format!r}"
    return f"a Unix timestamp (a number){in_unit} or {_ISO_EXAMPLE}"


def _is_time_type(kind: pa.DataType) -> bool:
    return pa.types.is_timestamp(kind) or pa.types.is_date(kind)


def _is_number(kind: pa.DataType) -> bool:
    return pa.types.is_integer(kind) or pa.types.is_floating(kind)


def text_as_numbers_advice(name: str) -> str:
    """The way out for a value column ``name`` saved as text, one wording for load_table
    and read_partitioned."""
    return (f"write the column once as numbers, e.g. frame[{name!r}] = "
            f"pandas.to_numeric(frame[{name!r}]) before to_parquet")


def refuse_values_not_numbers(column: pa.ChunkedArray, name: str, file: str) -> None:
    """Refuse a typed value column that does not hold numbers, one rule for
    :func:`load_table` and :func:`~recstack.data.partitioned.read_partitioned`: true/false
    with the implicit-feedback advice, text naming its first row and the conversion (a
    frame whose ratings were read as text and saved with ``to_parquet``: the bare
    "holds string values" named no row and no way out), any other type by name."""
    kind = column.type
    if _is_number(kind):
        return
    if pa.types.is_boolean(kind):
        raise true_false_error(name, f"row 1 holds {scalar_text(column[0])}", file=file)
    if pa.types.is_string(kind) or pa.types.is_large_string(kind) or pa.types.is_string_view(kind):
        texts = pd.Series(column.to_pylist(), dtype=object)
        numbers = pd.to_numeric(texts.str.strip(), errors="coerce")
        unreadable = numbers.isna().to_numpy()
        if unreadable.any():
            row = int(np.argmax(unreadable))
            found = (f"row {row + 1} holds {shown(texts.iloc[row])}, which is not a number "
                     f"at all")
        else:
            found = f"row 1 holds {shown(texts.iloc[0])}"
        raise DataFormatError(
            f"holds text, not numbers ({arrow_kind_shown(kind)}); {found}",
            file=file, column=name,
            expected=f"numbers: {text_as_numbers_advice(name)}")
    raise DataFormatError(f"holds {arrow_kind_shown(kind)} values", file=file, column=name,
                          expected="numbers")


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def plain_column(column: pa.ChunkedArray, *, decimals_as_floats: bool = False
                 ) -> pa.ChunkedArray:
    """``column`` with its dictionary encoding undone (a pandas category column written to
    Parquet) and, with ``decimals_as_floats``, decimal numbers (a database's NUMERIC) as
    float64, so that each reader sees the values' own type. Text and bytes in arrow's
    "view" layouts (pyarrow and polars may write them) become plain text and bytes: they
    were refused as "string_view values" where text was expected."""
    if pa.types.is_dictionary(column.type):
        column = pc.cast(column, column.type.value_type)
    if pa.types.is_string_view(column.type):
        column = pc.cast(column, pa.large_string())
    elif pa.types.is_binary_view(column.type):
        column = pc.cast(column, pa.large_binary())
    if decimals_as_floats and pa.types.is_decimal(column.type):
        column = pc.cast(column, pa.float64())
    return column


def first_text_not_utf8(table: pa.Table) -> tuple[str, int | None, bytes] | None:
    """The first column of ``table`` typed as text (dictionary-encoded too) that holds bytes
    that are not UTF-8, the index of its first such row and those bytes; None where every
    text column is UTF-8. A Parquet file whose writer did not check its text (a latin-1
    export typed as strings) holds such bytes, which pyarrow reads unchecked: they failed
    later, in pyarrow, as "Wrapping caf\ufffd failed" or "Invalid UTF8 sequence in input",
    naming no column or row. The row is None for such a value of a column's dictionary
    that no row holds (pandas converts the whole dictionary, so it failed all the same)."""
    def is_text(kind: pa.DataType) -> bool:
        return pa.types.is_string(kind) or pa.types.is_large_string(kind)

    def raw_value(chunk: pa.Array, index: int) -> bytes:
        return chunk.slice(index, 1).view(
            pa.large_binary() if pa.types.is_large_string(chunk.type) else pa.binary()
        )[0].as_py()

    for name in table.column_names:
        column = table.column(name)
        unused: bytes | None = None
        if pa.types.is_dictionary(column.type):
            if not is_text(column.type.value_type):
                continue
            for chunk in column.chunks:  # (its values checked once each, not once per row)
                bad = _first_not_utf8(chunk.dictionary)
                if bad is not None:
                    unused = raw_value(chunk.dictionary, bad)
                    break
            if unused is None:
                continue
        column = plain_column(column)
        if not is_text(column.type):
            continue
        offset = 0
        for chunk in column.chunks:
            bad = _first_not_utf8(chunk)
            if bad is not None:
                return name, offset + bad, raw_value(chunk, bad)
            offset += len(chunk)
        if unused is not None:
            return name, None, unused
    return None


def unheld_text_not_utf8_message(raw: bytes) -> str:
    """:func:`text_not_utf8_message` for a value of a column's dictionary that no row
    holds."""
    return (f"its dictionary of values {text_not_utf8_message(raw)}; no row holds that "
            "value, but it is read with the column")


def _first_not_utf8(chunk: pa.Array) -> int | None:
    """The index of the first value of a text array that is not UTF-8 (None: all are),
    found by halving the array (pyarrow's full validation checks the UTF-8)."""
    def valid(part: pa.Array) -> bool:
        try:
            part.validate(full=True)
        except pa.ArrowInvalid:
            return False
        return True

    if valid(chunk):
        return None
    low, high = 0, len(chunk)  # the first bad value is in [low, high)
    while high - low > 1:
        middle = (low + high) // 2
        if valid(chunk.slice(low, middle - low)):
            low = middle
        else:
            high = middle
    return low


def text_not_utf8_message(raw: bytes) -> str:
    """What :func:`first_text_not_utf8` found, for an error's message."""
    return (f"holds the bytes {raw!r}, which are not UTF-8 text, in a column the file types "
            "as text (UTF-8 by Parquet's rules)")


def text_not_utf8_remedy(what: str = "") -> str:
    """What to do about a Parquet file holding text that is not UTF-8 (``what``: the kind
    of file, for the readers of side tables)."""
    return (f"UTF-8 text{f' in the {what}' if what else ''}: write the file again with its "
            "text decoded from its true encoding (e.g. latin-1) first")


def _first_false(mask: pa.ChunkedArray | pa.Array) -> int:
    return int(np.argmin(np.asarray(mask.to_numpy(zero_copy_only=False), dtype=bool)))


# ---------------------------------------------------------------------------- roles
@dataclass(frozen=True)
class TableRoles:
    """What each column of a table holds, as :func:`save_table` records it.

    Stored as JSON in the Parquet schema metadata under the key ``recstack``::

        {"version": 1, "user": "user_id", "item": "item_id", "value": "value",
         "timestamp": "timestamp", "value_kind": "explicit", "rating_range": [0.5, 5.0],
         "timestamp_unit": "s", "context": ["device"]}

    ``value`` / ``timestamp`` are None when the table has no such column;
    ``value_kind`` is ``"explicit"`` (ratings, with ``rating_range``) or ``"implicit"``;
    ``context`` lists the per-row context columns (absent when there are none).
    """

    user: str = USER_ID
    item: str = ITEM_ID
    value: str | None = None
    timestamp: str | None = None
    rating_range: tuple[float, float] | None = None
    timestamp_unit: str | None = None
    context: tuple[str, ...] = ()

    @property
    def value_kind(self) -> str:
        return "explicit" if self.rating_range is not None else "implicit"

    def to_metadata(self) -> dict[bytes, bytes]:
        document = {"version": _ROLES_VERSION, "user": self.user, "item": self.item,
                    "value": self.value, "timestamp": self.timestamp,
                    "value_kind": self.value_kind,
                    "rating_range": None if self.rating_range is None
                    else [float(v) for v in self.rating_range],
                    "timestamp_unit": self.timestamp_unit}
        if self.context:  # absent, not empty, without context: the document stays as it was
            document["context"] = list(self.context)
        return {ROLES_KEY: json.dumps(document).encode()}

    @classmethod
    def from_metadata(cls, metadata: Mapping[bytes, bytes] | None, file: str
                      ) -> TableRoles | None:
        """The roles recorded in a schema's metadata; None when it records none."""
        metadata = metadata or {}
        if ROLES_KEY not in metadata:
            legacy = rating_range_from_metadata(metadata.get(RATING_RANGE_KEY))
            if legacy is None:
                return None
            return cls(value=VALUE, timestamp=None, rating_range=legacy)
        try:
            # a key given twice or a bare NaN is damage, as in every JSON recstack reads
            document = strict_loads(metadata[ROLES_KEY].decode())
            roles = cls(
                user=_text(document["user"]), item=_text(document["item"]),
                value=_optional_text(document.get("value")),
                timestamp=_optional_text(document.get("timestamp")),
                rating_range=_checked_range(document.get("rating_range")),
                timestamp_unit=document.get("timestamp_unit"),
                context=tuple(_text(c) for c in document.get("context") or ()))
            if roles.timestamp_unit not in (None, *_UNIT_FACTORS):
                raise ValueError("timestamp_unit")
            if not isinstance(document.get("version"), int) or document["version"] < 1:
                raise ValueError("version")
        except (ValueError, KeyError, TypeError, AttributeError, UnicodeDecodeError):
            raise DataFormatError(
                "its recstack metadata (the column roles) is damaged", file=file,
                expected="the JSON that save_table writes; rewrite the file") from None
        if document["version"] > _ROLES_VERSION:
            raise DataFormatError(
                f"written by a newer recstack (column roles version {document['version']})",
                file=file, expected=f"version {_ROLES_VERSION}; upgrade recstack")
        return roles


def _text(value: Any) -> str:
    if not isinstance(value, str) or not value:
        raise ValueError("column name")
    return value


def _optional_text(value: Any) -> str | None:
    return None if value is None else _text(value)


def _checked_range(value: Any) -> tuple[float, float] | None:
    if value is None:
        return None
    low, high = (float(v) for v in value)
    if not (math.isfinite(low) and math.isfinite(high) and low < high):
        raise ValueError("rating_range")
    return (low, high)


def rating_range_from_metadata(raw: bytes | None) -> tuple[float, float] | None:
    """The rating range of files written before the column roles were recorded."""
    if not raw:
        return None
    try:
        return _checked_range(raw.decode().split(","))
    except (ValueError, UnicodeDecodeError):
        return None


# ---------------------------------------------------------------------------- load_table
@arguments_named
def load_table(
    path: PathLike,
    *,
    user_col: str | None = None,
    item_col: str | None = None,
    value_col: str | None | _Detect = DETECT,
    timestamp_col: str | None | _Detect = DETECT,
    separator: str | None = None,
    encoding: str = "utf-8",
    column_names: Sequence[str] | None = None,
    timestamp_format: str | None = None,
    timestamp_unit: str = "auto",
    rating_range: tuple[float, float] | None = None,
    duplicates: DuplicatePolicy = "keep",
    progress: Progress | None = None,
    context: Sequence[str] | None = None,
    quoting: bool = True,
) -> Interactions:
    """Load interactions from one CSV, TSV or Parquet file, or from a folder of Parquet
    part files that hold one table (Spark's, Polars', pyarrow's or Dask's ``part-*`` files).

    A part folder is read with :mod:`pyarrow.dataset`, its parts in natural name order
    (``part-2`` before ``part-10``), so that its rows come in one order everywhere. Files
    its writers leave beside the parts (``_SUCCESS``, ``_committed_*``, ``_started_*``,
    ``*.crc``, names starting with ``.`` or ``_``) are passed over; any other file that is
    not Parquet is refused by name, as is a folder of CSV parts (each part would be typed
    from its own text). The parts must hold the same columns; a column's types may differ
    only where one type holds both exactly (integers or floats of different widths, times
    in different units: read in the wider one; a dictionary-encoded column and a plain one
    of its values type: read plain); otherwise the two parts and the column are named.
    Date-times follow the time-zone rule of :func:`recstack.data.partitioned.read_partitioned`:
    parts in different zones are read as the instants they hold (in UTC), and parts with a
    zone beside parts without one are refused, naming one of each (alone, a time without a
    zone is read as UTC; beside zoned times it may be a local time). An empty part is read
    as no rows; a damaged one is named.

    With no column arguments, a file that :func:`save_table` wrote comes back as it was
    written (its column roles, rating range and timestamp unit travel in its metadata).
    In any other file each role's column is found by its name; arguments override what
    the file says. For a role whose column is not named, the column is

    1. the one the file's metadata records (files written by :func:`save_table`), else
    2. the column of the default name (``user_id``, ``item_id``, ``value``,
       ``timestamp``), else
    3. the only column with one of the well-known names of that role
       (:data:`WELL_KNOWN_COLUMNS`; the choice is logged at INFO level on the logger
       ``recstack.data.files``):

       ========== =============================================================
       user ids   user_id, userId, user, userid, uid
       item ids   item_id, itemId, movieId, item, itemid, iid, product_id
       values     value, rating, ratings, score, weight, count
       timestamps timestamp, time, ts, datetime, date
       ========== =============================================================

    Where several well-known names of a role are columns of the file (and the default
    name is not), the call is refused, naming them and the option that chooses. So a
    file with a ``rating`` or ``time`` column never loses it silently; nor one with a
    ``Rating`` or ``Timestamp`` column: where no column has a well-known name exactly, one
    that has it in another case or with other word separators (``UserID``, ``Movie ID``)
    is refused, naming the option that reads it. A file with no column for values is
    implicit feedback (every row 1.0); with none for timestamps it
    has no times. One column holds one role: naming a column for two roles is refused, and
    so is naming for one role the column another role finds by its name or the file's
    metadata (``item_col="user_id"`` where ``user_id`` holds the users).

    Parameters
    ----------
    path
        ``.csv`` / ``.tsv`` / ``.tab`` (optionally ``.gz``, ``.bz2``, ``.zst``) or
        ``.parquet`` / ``.pq``. Other extensions need ``separator``. Or a folder of
        Parquet part files (see above).
    user_col, item_col
        Columns with the user and item ids (see the module docstring for the id rule).
        None: found by name, as above.
    value_col
        Column with ratings or weights. :data:`DETECT` (the default): found by name, as
        above. None: the file has none, every row is an implicit event (1.0).
    timestamp_col
        Column with event times. :data:`DETECT` (the default): found by name, as above.
        None: read no times.
    separator
        Field delimiter of a text file (one character); default from the extension.
    encoding
        Text encoding of a delimited file, e.g. ``"latin-1"``. A file that is valid UTF-8
        holding characters beyond ASCII, read in another encoding, is read as asked with a
        :class:`~recstack.data.MisreadTextWarning` (``café`` would be ``cafÃ©``). Another
        encoding than UTF-8 given for Parquet, whose text is always UTF-8, is refused.
    column_names
        Header names for a text file without a header line.
    timestamp_format
        None (numbers are Unix time, text is ISO-8601), ``"unix"``, ``"iso"`` or a
        strptime pattern such as ``"%Y-%m-%d %H:%M"``.
    timestamp_unit
        What a numeric timestamp counts: ``"s"``, ``"ms"``, ``"us"``, ``"ns"`` or
        ``"auto"`` (the recorded unit, else chosen by magnitude: see the module docstring).
    rating_range
        ``(low, high)`` for explicit ratings; values outside are an error. None: the
        recorded range, else the values are implicit weights.
    duplicates
        Policy for repeated (user, item) rows, see :meth:`Interactions.deduplicate`.
    progress
        Progress reporter (None: silent).
    context
        Columns kept as the per-row context of the interactions (e.g. ``["device"]``;
        see :class:`~recstack.data.interactions.Interactions`), every other column being
        dropped. None: the context columns the file's metadata records (a Parquet file
        :func:`save_table` wrote), else none. In a text file a context column whose every
        value is a number (or empty) is read as numbers, any other as text; an empty
        field is a missing value. As in a CSV side table, integers with empty fields are
        nullable integers (``Int64``), and a column of codes with leading zeros
        (``02139``) or of integers too long for 64 bits stays text. In any file, a column
        of integers with missing values is read as nullable integers.
    quoting
        Whether a text file quotes its values as CSV does (``"a, b"``, a quote inside
        written ``""``). False reads every quote as a character of its value, for files
        written without quoting (Last.fm's TSV files, whose names hold quotes such as
        ``"Weird Al" Yankovic``); a value opened with a quote that closes before the
        value's end is refused under the default, naming this option, since CSV quoting
        would read it without its quotes.

    Returns
    -------
    Interactions

    Raises
    ------
    UnknownColumnError
        A named column is not in the file (the message lists those that are).
    DataFormatError
        A malformed row, undecodable bytes, an unterminated quote, a damaged file, a
        non-numeric / NaN / infinite / out-of-range value or timestamp, numeric timestamps
        that look like two units under ``timestamp_unit="auto"``, with file, line, column
        and what was expected.
    RecstackError
        A bad option, a path that is not a file, several columns that could hold one
        role or one column for two roles (see above).
    """
    path = as_path(path)
    # a folder of part files is one table, as pandas, pyarrow, Polars and Spark read it
    parts = is_part_folder(path)
    if not parts:
        check_file(path)
        # a part-00000-*.parquet of a folder holding the others was read as the whole log
        warn_of_one_part(path, "log of interactions")
    fmt = check_timestamp_options(timestamp_format, timestamp_unit)
    rating_range = _check_rating_range(rating_range)
    _check_encoding(encoding)
    if separator is not None:
        _check_separator(separator)
    if not isinstance(quoting, bool | np.bool_):
        # quoting="none" (csv.QUOTE_NONE's word) is truthy and read the quotes away
        raise ConfigError(f"quoting = {quoting!r}: expected True (values may be quoted as "
                          "in CSV) or False (a quote is a character of its value)")
    quoting = bool(quoting)
    if column_names is not None:
        column_names = check_name_list(column_names, "column_names", allow_empty=False)
    if context is not None:
        context = check_name_list(context, "context")
    given: dict[str, str | None | _Detect] = {
        "user ids": DETECT if user_col is None else user_col,
        "item ids": DETECT if item_col is None else item_col,
        "values": value_col, "timestamps": timestamp_col}
    for role, column in given.items():
        if column is not DETECT and column is not None and (
                not isinstance(column, str) or not column):
            raise ConfigError(f"{_ROLE_OPTIONS[role]} must be a column name, not "
                              f"{column!r}")
    parquet = parts or _base_suffix(path) in _PARQUET_EXTENSIONS
    text_only = [name for name, value in (("separator", separator),
                                          ("column_names", column_names),
                                          ("quoting", None if quoting else quoting))
                 if value is not None]
    if parquet and text_only:
        # silently ignored, column_names would leave the user wondering why no column fits
        several = len(text_only) > 1
        raise ConfigError(f"{path}: {' and '.join(text_only)} appl{'y' if several else 'ies'}"
                          " to CSV/TSV text files; a Parquet file records its own columns "
                          f"(leave {'them' if several else 'it'} out, or name the columns "
                          "with user_col=, item_col=...)")
    if parquet and codecs.lookup(encoding).name not in ("utf-8", "utf-8-sig"):
        # silently ignored: a Parquet file's text is UTF-8 by its format, so the encoding
        # given decoded nothing, and bytes ids written in it were refused as not UTF-8
        raise ConfigError(f"{path}: encoding={encoding!r} applies to CSV/TSV text files; "
                          "the text of a Parquet file is UTF-8 by its format (leave it "
                          "out)")
    part_table = _part_table(path) if parts else None
    for file in part_table.files if part_table is not None else [path]:
        check_content(file, parquet=parquet, encoding=encoding)
    if not parquet:
        warn_of_utf8_read_as(path, encoding)
    reporter = resolve(progress)
    size = (sum(file.stat().st_size for file in part_table.files)
            if part_table is not None else path.stat().st_size)
    # reading(): a safety net, so that any reading failure still names the file
    with reporter.task(f"Reading {path.name}", total=size) as task, \
            reading(path, encoding):
        if parquet:
            result = _load_parquet(path, given, rating_range, duplicates, fmt, timestamp_unit,
                                   context, part_table)
        else:
            result = _load_delimited(path, given, separator, column_names, encoding,
                                     rating_range, duplicates, fmt, timestamp_unit,
                                     context or (), quoting)
        task.advance(size)
    return result


def _check_rating_range(rating_range: Any) -> tuple[float, float] | None:
    if rating_range is None:
        return None
    try:
        # the ends as given must be numbers (text is the metadata's form, not an argument's)
        return _checked_range(rating_range_ends(rating_range))
    except (ValueError, TypeError):
        shown_range = (rating_range_shown(rating_range) if isinstance(rating_range, tuple | list)
                       and len(rating_range) == 2 else shown(rating_range))
        # DataFormatError, as Interactions.from_arrays raises for the same range: one
        # error class for one mistake across the data layer (this was a bare RecstackError,
        # so `except ValueError` caught the one and not the other)
        raise DataFormatError(f"rating_range must be two finite numbers (low, high) with "
                              f"low < high, got {shown_range}") from None


#: the text encodings a misspelt name is matched against
_COMMON_ENCODINGS = ("utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32",
                     "latin-1", "cp1252", "cp1251", "ascii", "iso-8859-15", "shift_jis",
                     "euc-jp", "gb18030", "big5", "euc-kr", "koi8-r", "mac-roman")

#: codecs Python knows that read no file's text: domain names, a codec that refuses all
_NOT_FILE_ENCODINGS = ("idna", "punycode", "undefined")


def _check_encoding(encoding: Any) -> None:
    """A text encoding Python knows: a misspelt name gets the nearest common one
    ('utf-9': 'utf-8'), and a codec that is no text encoding (``'base64'``, ``'zlib'``,
    ``'rot13'``) is refused as such (it was a raw LookupError when the file was opened;
    ``'idna'`` and ``'undefined'`` a refusal that named the file as unreadable)."""
    if not isinstance(encoding, str):
        raise ConfigError(f"encoding must be the name of a text encoding such as 'utf-8' "
                          f"or 'latin-1', got {shown(encoding)}")
    try:
        codec = codecs.lookup(encoding)
    except LookupError:
        raise ConfigError(f"unknown encoding {encoding!r}"
                          f"{did_you_mean(encoding.strip().lower(), _COMMON_ENCODINGS)}; "
                          "use e.g. 'utf-8' or 'latin-1'") from None
    if not getattr(codec, "_is_text_encoding", True) or codec.name in _NOT_FILE_ENCODINGS:
        purpose = ("bytes to bytes, not bytes to text"
                   if not getattr(codec, "_is_text_encoding", True)
                   else "domain names" if codec.name != "undefined" else "refusing all text")
        raise ConfigError(f"encoding {encoding!r} is not the encoding of a text file "
                          f"(Python's codec of that name is for {purpose}); use the "
                          "file's text encoding, e.g. 'utf-8' or 'latin-1'")


def _check_separator(separator: str) -> None:
    if not isinstance(separator, str) or len(separator) != 1 or separator in '"\r\n':
        # '::' is the separator of MovieLens 1M's and 10M's .dat files, which were told
        # only that a separator is one character
        movielens = ("; '::' separates the fields of MovieLens 1M and 10M's .dat files, "
                     "which load_movielens(folder) reads"
                     if isinstance(separator, str) and separator.strip() == "::" else "")
        raise ConfigError(f"separator must be one character such as ',', ';' or a tab, "
                          f"not {separator!r}{movielens}")


#: separators the first line of a file of an unknown extension is searched for, in order
_SEPARATORS_SEEN = (("\t", "'\\t'", "tabs"), (",", "','", "commas"),
                    (";", "';'", "semicolons"), ("|", "'|'", "'|'"))


def _separator_seen(path: Path) -> str:
    """The end of the advice "pass separator=" for a file whose extension does not name
    its format: the separator its first line holds (Last.fm's ``user_artists.dat`` is
    tab-separated), or that a ``::``-separated file is MovieLens's, which load_table does
    not read; nothing where the first line shows none (or the file is compressed)."""
    if any(s.lower() in _COMPRESSION_EXTENSIONS for s in _suffixes(path)):
        return ""
    try:
        with open(path, "rb") as handle:
            first = handle.read(65536).split(b"\n", 1)[0].decode("latin-1")
    except OSError:
        return ""
    if "::" in first:
        return (" (its fields are separated by '::', as MovieLens 1M and 10M write them: "
                "load_movielens(folder) reads those releases, and load_table one character "
                "between fields)")
    for separator, written, named in _SEPARATORS_SEEN:
        if separator in first:
            return f"{written} (the fields of its first line are separated by {named})"
    return ""


def _context_columns(context: Sequence[str], roles: dict[str, str], available: Sequence[str],
                     path: Path) -> list[str]:
    """The context columns, checked: present in the file and holding no other role."""
    for column in context:
        if column not in available:
            raise unknown_column(column, available, role="context", file=str(path))
        taken = [role for role, name in roles.items() if name == column]
        if taken:
            raise RecstackError(f"{path}: column {column!r} holds the {taken[0]}; it cannot "
                                "also be a context column")
    return list(context)


def _context_from_text(table: pa.Table, columns: Sequence[str]) -> pd.DataFrame | None:
    """Context columns read as text: numbers where every present value is one, text
    otherwise; an empty field is missing. As a CSV side table's columns are read: integers
    with empty fields are nullable integers (``Int64``; they were floats, and one past 2**53
    changed), a column of codes with leading zeros (``02139``, ``007``) stays text (it was
    read as 2139 and 7), and so does a column of integers too long for 64 bits (it was read
    as rounded floats)."""
    if not columns:
        return None
    frame = {}
    for name in columns:
        text = pd.Series(table.column(name).to_pandas(), dtype=object)
        text = text.where(text.str.len() > 0, None)
        numbers = pd.to_numeric(text, errors="coerce")
        frame[name] = (_context_numbers(text, numbers)
                       if numbers.notna().sum() == text.notna().sum() else text)
    return pd.DataFrame(frame)


def _context_numbers(text: pd.Series, numbers: pd.Series) -> pd.Series:
    """A text context column every present value of which is a number (``numbers``, as
    pandas read it), as the column to keep (see :func:`_context_from_text`)."""
    written = text.dropna().str.strip()
    if written.str.fullmatch(r"[+-]?0\d+").any():
        return text  # codes: their zeros are part of them
    if not len(written) or not written.str.fullmatch(r"[+-]?\d+").all():
        return numbers
    whole = [int(value) for value in written]
    for dtype, info in ((pd.Int64Dtype(), np.iinfo(np.int64)),
                        (pd.UInt64Dtype(), np.iinfo(np.uint64))):
        if info.min <= min(whole) and max(whole) <= info.max:
            exact = pd.Series(pd.array([None] * len(text), dtype=dtype), index=text.index)
            exact[written.index] = pd.array(whole, dtype=dtype)
            return exact if exact.isna().any() else exact.astype(dtype.numpy_dtype)
    return text  # no 64-bit integer holds them: floats would round them


def _suffixes(path: Path) -> list[str]:
    """``path.suffixes``, but of a name that is all extension (``.parquet``, ``.csv.gz``)
    too: pathlib reads such a name as a hidden file with no extension, so that a file named
    ``.csv`` was "of no extension" and a Parquet file named ``.parquet`` "not delimited
    text (expected the extension .parquet)"."""
    name = path.name
    if name.startswith(".") and name.strip("."):
        return Path("x." + name.lstrip(".")).suffixes
    return path.suffixes


def _base_suffix(path: Path) -> str:
    suffixes = [s.lower() for s in _suffixes(path)]
    if suffixes and suffixes[-1] in _COMPRESSION_EXTENSIONS:
        suffixes = suffixes[:-1]
    return suffixes[-1] if suffixes else ""


def _resolve_roles(given: _GivenRoles, stored: TableRoles | None,
                   available: Sequence[str], rating_range: tuple[float, float] | None,
                   path: Path
                   ) -> tuple[dict[str, str], tuple[float, float] | None, str | None]:
    """Role -> column, the rating range and the recorded timestamp unit, from the arguments,
    else the file's recorded roles, else the names of the columns (see :func:`load_table`).
    """
    recorded: dict[str, str | None] = {} if stored is None else {
        "user ids": stored.user, "item ids": stored.item, "values": stored.value,
        "timestamps": stored.timestamp}
    taken = {c for c in given.values() if isinstance(c, str)}
    roles: dict[str, str] = {}
    found: dict[str, str] = {}  # role -> how its column was found, where none was named
    for role, column in given.items():
        if column is DETECT:
            column, found[role] = recorded.get(role), "recorded in the file's metadata"
            if column is None:
                column = _detect_column(role, available, taken, path)
                found[role] = "found by its name"
        if column is not None:
            roles[role] = column
            taken.add(column)
    for role, column in roles.items():
        if column not in available and found.get(role) == "recorded in the file's metadata":
            # the user named no such column: the metadata (hand-edited, or copied from
            # another file) did
            raise DataFormatError(
                f"its recstack metadata records column {column!r} for the {role}, but the "
                f"file has no such column (its columns: {', '.join(map(repr, available))})",
                file=str(path), expected=f"the metadata save_table writes: rewrite the file, "
                                         f"or name the column with {_ROLE_OPTIONS[role]}")
        if column not in available:
            raise unknown_column(column, available, role=role, file=str(path))
    _check_one_role_per_column(roles, found, path)
    value, timestamp = roles.get("values"), roles.get("timestamps")
    if rating_range is None and stored is not None and value == stored.value:
        rating_range = stored.rating_range
    if rating_range is not None and value is None:
        raise ConfigError(f"{path}: rating_range needs a value column; name it with "
                          "value_col")
    unit = stored.timestamp_unit if stored is not None and timestamp == stored.timestamp \
        else None
    return roles, rating_range, unit


def _check_one_role_per_column(roles: Mapping[str, str], found: Mapping[str, str],
                               path: Path) -> None:
    """Refuse one column in two roles, naming the column, both roles and what to change.

    ``found``: how the column of each role not named by the caller was found.
    """
    holder: dict[str, str] = {}
    for role, column in roles.items():
        if column not in holder:
            holder[column] = role
            continue
        first, second = holder[column], role
        how = {r: found.get(r, f"named with {_ROLE_OPTIONS[r]}") for r in (first, second)}
        named = [r for r in (first, second) if r not in found]
        if len(named) == 2:
            fix = (f"name different columns with {_ROLE_OPTIONS[first]} and "
                   f"{_ROLE_OPTIONS[second]}")
        else:
            fix = " or ".join(_name_it(r) for r in (first, second) if r in found)
            if named:
                fix = f"name another column with {_ROLE_OPTIONS[named[0]]}, or {fix}"
        raise RecstackError(
            f"{path}: column {column!r} would hold both the {first} ({how[first]}) and the "
            f"{second} ({how[second]}); one column cannot hold two roles: {fix}")


def _name_it(role: str) -> str:
    """How to name the column of a role that was found, not named."""
    option = _ROLE_OPTIONS[role]
    none = "" if role in ("user ids", "item ids") else f" ({option}=None for none)"
    return f"name the column of the {role} with {option}{none}"


def _detect_column(role: str, available: Sequence[str], taken: set[str], path: Path
                   ) -> str | None:
    """The column of ``role`` found by its name (see :func:`load_table`): the default name,
    else the one well-known name present; a well-known name but for case and word
    separators is refused (:func:`_refuse_other_spellings`); None where the file has none
    (the default name for ids, which are required, so that the error lists the columns).
    A column in ``taken`` (named for another role) settles a choice between several
    well-known names; otherwise it is still returned, for the caller to refuse one column
    in two roles."""
    default, *others = WELL_KNOWN_COLUMNS[role]
    if default in available:
        return default
    candidates = [name for name in others if name in available]
    if len(candidates) > 1:
        candidates = [name for name in candidates if name not in taken]
    option = _ROLE_OPTIONS[role]
    if not candidates:
        _refuse_other_spellings(role, available, taken, path)
    if len(candidates) > 1:
        none = "" if role in ("user ids", "item ids") else f", or {option}=None for none"
        raise RecstackError(
            f"{path}: several columns could hold the {role}: "
            f"{', '.join(map(repr, candidates))}; name the one to read with {option}=" + none)
    if candidates:
        if candidates[0] not in taken:  # else it is refused: a note of the choice would mislead
            _log.info("%s: reading the %s from column %r (there is no column %r; %s= chooses "
                      "another)", path, role, candidates[0], default, option)
        return candidates[0]
    return default if role in ("user ids", "item ids") else None


def _refuse_other_spellings(role: str, available: Sequence[str], taken: set[str], path: Path
                            ) -> None:
    """Refuse a column that is a well-known name of ``role`` but for case and word
    separators ('Rating', 'Timestamp', 'UserID', 'Movie ID'), where no column has the exact
    name: names are matched exactly, so a rating or time column was dropped without a word
    (the file read as implicit feedback without times), and 'UserID' was reported as no
    user column. Say which column it seems to be and how to name it."""
    # the first name of a spelling wins: 'UserID' is shown as 'user_id', the default
    by_spelling = {_loose_name(name): name for name in reversed(WELL_KNOWN_COLUMNS[role])}
    lookalikes = [name for name in available
                  if _loose_name(name) in by_spelling and name not in taken]
    if not lookalikes:
        return
    option = _ROLE_OPTIONS[role]
    none = "" if role in ("user ids", "item ids") else f" ({option}=None to read none)"
    shown = " and ".join(f"{name!r} ({by_spelling[_loose_name(name)]!r} spelled otherwise)"
                         for name in lookalikes)
    raise RecstackError(
        f"{path}: column {shown} seems to hold the {role}, but column names are matched "
        f"exactly, case and separators included: name the column with "
        f"{option}={lookalikes[0]!r}{none}")


def _loose_name(name: str) -> str:
    """A column name without case and word separators: 'User ID' and 'user_id' are one."""
    return re.sub(r"[\s_\-.]", "", name).casefold()


#: a header field that is a number: no header names its columns so, a row of data does
_NUMBER_FIELD = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
#: a header field that is an ISO-8601 date or date-time (``2009-05-04T23:08:57Z``, as
#: Last.fm's and Yoochoose's headerless logs begin): a time of a row, not a column's name
_ISO_TIME_FIELD = re.compile(r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?"
                             r"(?:Z|[+-]\d{2}(?::?\d{2})?)?)?", re.ASCII)
#: the example names of the hint for a file without a header, by its number of fields
_EXAMPLE_NAMES = ("user_id", "item_id", "rating", "timestamp")


def _headerless_hint(names: Sequence[str]) -> str:
    """The advice for a file read with its first line as the header when that line holds
    numbers or ISO-8601 times, as a row of data does (the Amazon review CSVs, 100K's
    u.data, Last.fm's and Yoochoose's logs, a log written without a header): the missing
    column was reported among columns named '196' and '881250949', with no word of
    ``column_names``."""
    numbers = [name for name in names if _NUMBER_FIELD.fullmatch(name)]
    times = [name for name in names if _ISO_TIME_FIELD.fullmatch(name)]
    if not numbers and not times:
        return ""
    # the example puts the time last, where a line that begins with one has it elsewhere
    example = ", ".join(map(repr, _EXAMPLE_NAMES[:len(names)])) \
        if 2 <= len(names) <= len(_EXAMPLE_NAMES) and not times else ""
    data = numbers or times
    shown_data = ", ".join(repr(echoed(name)) for name in data[:2])
    plural = len(data) > 1
    what = ("numbers" if plural else "a number") if numbers else \
        ("times" if plural else "a time")
    return (f"; the first line, read as the header, holds "
            f"{what} ({shown_data}), as a row of "
            f"data does: for a file without a header, pass column_names= with one name per "
            f"field, in their order ({len(names)} here{', e.g. ' + example if example else ''})")


def _load_delimited(path: Path, given: _GivenRoles, separator: str | None,
                    column_names: Sequence[str] | None, encoding: str,
                    rating_range: tuple[float, float] | None, duplicates: DuplicatePolicy,
                    fmt: str | None, timestamp_unit: str, context: Sequence[str],
                    quoting: bool = True) -> Interactions:
    if separator is None:
        separator = _EXTENSION_DELIMITERS.get(_base_suffix(path))
        if separator is None:
            raise ConfigError(
                f"{path}: cannot tell the format from the extension "
                f"{''.join(_suffixes(path)) or '(none)'}; use .csv, .tsv or .parquet, "
                f"or pass separator={_separator_seen(path)}")
    layout = DelimitedLayout(delimiter=separator,
                             names=tuple(column_names) if column_names else None,
                             encoding=encoding, quoted=quoting)
    if column_names:
        _refuse_names_of_another_width(path, layout)
        layout = _names_for_trailing_separator(path, layout)
    available = file_column_names(path, layout)
    try:
        roles, rating_range, _ = _resolve_roles(given, None, available, rating_range, path)
        context = _context_columns(context, roles, available, path)
    except UnknownColumnError as error:
        if not column_names:
            error.args = (f"{error.args[0]}{_headerless_hint(available)}", *error.args[1:])
        raise
    if column_names:
        _refuse_header_given_names(path, layout)
    kinds: dict[str, ColumnKind] = {roles["user ids"]: "id", roles["item ids"]: "id"}
    if "values" in roles:
        # read as float64, so that a count float32 cannot hold is warned of (_build)
        kinds[roles["values"]] = "float64"
    expected = {}
    if "timestamps" in roles:
        kinds[roles["timestamps"]] = "auto" if fmt in (None, "unix") else "text"
        expected[roles["timestamps"]] = _timestamp_expectation(fmt, timestamp_unit)
    kinds |= {column: "text" for column in context}
    try:
        table = read_delimited(path, layout, kinds, expected=expected)
    except DataFormatError as error:
        raise _with_quoting_advice(error, layout) from None
    if layout.quoted:
        _refuse_text_after_closing_quote(path, layout, available, kinds)
    if table.num_rows == 0:
        raise DataFormatError("holds no interactions (no data rows)", file=str(path),
                              line=2 if layout.has_header else 1,
                              expected="one row per interaction")

    def fail_at(index: int, column: str, message: str, wanted: str) -> DataFormatError:
        with reading(path, layout.encoding):
            line, fields = line_of_record(path, layout, index)
        position = available.index(column)
        text = fields[position].strip() if position < len(fields) else ""
        where = "" if line is not None else f"data row {index + 1}: "
        return DataFormatError(where + message.format(text=text), file=str(path), line=line,
                               column=column, expected=wanted)

    if fmt == "unix" and "timestamps" in roles and _is_time_type(
            table.column(roles["timestamps"]).type):
        # the reader recognised dates in the text, but Unix time (numbers) was asked for
        raise fail_at(0, roles["timestamps"], "cannot read {text!r} as a time",
                      _timestamp_expectation(fmt, timestamp_unit))
    if column_names:
        _refuse_header_read_as_ids(path, layout, table, roles)
    if "timestamps" in roles and available[-1] == roles["timestamps"]:
        _refuse_a_cut_last_time(path, layout, table.column(roles["timestamps"]),
                                roles["timestamps"])
    users = ids_from_text(table.column(roles["user ids"]), roles["user ids"], fail_at)
    items = ids_from_text(table.column(roles["item ids"]), roles["item ids"], fail_at)
    frame = _context_from_text(table, context)
    table = table.drop_columns(list(dict.fromkeys([roles["user ids"], roles["item ids"],
                                                   *context])))
    exact_at = (_exact_text_numbers(path, layout, roles["values"]) if "values" in roles
                else None)
    return _build(table, users, items, roles, rating_range, duplicates, fmt, timestamp_unit,
                  fail_at, frame, exact_at)


#: the option, and why, that reads a file whose quotes are characters of its values
_QUOTING_ADVICE = ("quoting=False, if the file's quotes are characters of its values (a "
                   "TSV whose values are never put in quotes, as Last.fm's)")


def _with_quoting_advice(error: DataFormatError, layout: DelimitedLayout) -> DataFormatError:
    """``error`` with the advice of ``quoting=False`` where it is about a quote: an
    unterminated quote or one that closes lines later is, in a file written without
    quoting, a quote that belongs to its value, and the refusal named no way to read it.
    Not for a comma-separated file, whose quotes CSV's rules govern: tabs (Last.fm) and
    other separators are where files leave their values unquoted."""
    if not layout.quoted or layout.delimiter == "," or "quote" not in error.detail:
        return error
    expected = f"{error.expected}; or {_QUOTING_ADVICE}" if error.expected \
        else _QUOTING_ADVICE
    return DataFormatError(error.detail, file=error.file, line=error.line,
                           column=error.column, expected=expected)


def _refuse_text_after_closing_quote(path: Path, layout: DelimitedLayout,
                                     names: Sequence[str], columns: Collection[str]) -> None:
    """Refuse a value of a column read that opens with a quote closing before the value's
    end (``"Weird Al" Yankovic``, as Last.fm's TSV files write names): CSV readers drop
    such quotes and read on, so it became the id ``Weird Al Yankovic`` without a word, one
    with the unquoted name of another line. Only lines holding a quote with a character
    other than a separator, a quote or the line's end after it are looked at, once the
    bytes show one, and of those only lines that start a record (not the inside of a
    quoted value holding line breaks, such as a review's text): the exact reader finds the
    records' first lines in one pass beside this one, started at the first such line."""
    if layout.newlines_in_values or layout.delimiter == "::":
        return
    after = re.escape(layout.delimiter)
    # a quote between two characters of a value: a quote opening a value follows a
    # separator or a line's start, and one closing it comes before a separator or the end
    suspect = f'[^{after}\r\n]"[^{after}"\r\n]'
    found = re.compile(suspect.encode()).search if layout.delimiter.isascii() else None
    # find() first: a file of numbers holds no quote, and the regex is the slower scan
    if found is not None and not _scan_bytes(
            path, layout.encoding,
            lambda data: data.find(b'"') >= 0 and found(data) is not None, overlap=2):
        return
    read = {names.index(name) for name in columns if name in names}
    pattern = re.compile(suspect)
    # re-reading the file from line 1 for each suspect line took seconds for a few
    # thousand reviews whose inner lines begin with ""word"": the record starts are read
    # once, in step with the lines, since both go down the file
    record_starts: Iterator[int] | None = None
    next_start: float = 0
    with contextlib.ExitStack() as stack:
        stack.enter_context(reading(path, layout.encoding))
        handle = stack.enter_context(_open_text(path, layout.encoding))
        for number, line in enumerate(handle, start=1):
            if (number == 1 and layout.has_header) or not pattern.search(line):
                continue
            quoted = _text_after_closing_quote(line.rstrip("\r\n"), layout.delimiter)
            if quoted is None or quoted[0] not in read:
                continue
            if record_starts is None:
                spans = stack.enter_context(contextlib.closing(_record_spans(path, layout)))
                record_starts = (first for first, _, _ in spans)
            while next_start < number:
                next_start = next(record_starts, math.inf)
            if next_start != number:
                continue  # a line inside a quoted value that holds line breaks
            position, value = quoted
            read_as = next(csv.reader([value], delimiter=layout.delimiter), [""])[0]
            raise DataFormatError(
                f"the value {echoed(value)!r} opens with a quote that closes before its "
                f"end, so a CSV reader drops its quotes: {echoed(read_as)!r}", file=str(path),
                line=number, column=names[position] if position < len(names) else None,
                expected=f"a quoted value ending at its closing quote; or {_QUOTING_ADVICE}")


def _text_after_closing_quote(line: str, delimiter: str) -> tuple[int, str] | None:
    """``(field position, field text)`` of the first field of ``line`` (one record, its
    line end removed) that opens with a quote and holds more after the quote closing it;
    None where there is none, or where a quote never closes (refused otherwise)."""
    position = 0
    start = 0
    while True:
        index = start
        if line.startswith('"', start):
            index += 1
            while True:
                index = line.find('"', index)
                if index < 0:
                    return None
                if line.startswith('""', index):
                    index += 2
                    continue
                break
            index += 1
            if index < len(line) and line[index] != delimiter:
                end = line.find(delimiter, index)
                return position, line[start:end if end >= 0 else len(line)]
        end = line.find(delimiter, index)
        if end < 0:
            return None
        start = end + 1
        position += 1


def _refuse_a_cut_last_time(path: Path, layout: DelimitedLayout, column: pa.ChunkedArray,
                            name: str) -> None:
    """Refuse a file cut short inside the Unix time that ends it (``2,3,4,16`` for
    ``...,1600000000``): read as a moment of 1970 without a word (see
    :func:`cut_last_time`). Times written as text are not looked at: a date cut short
    is no date, and refused as such."""
    if not pa.types.is_integer(column.type) or column.null_count:
        return
    refuse_cut_last_time(path, layout, column.to_numpy(), name, "copy or download it again")


def _names_for_trailing_separator(path: Path, layout: DelimitedLayout) -> DelimitedLayout:
    """``layout`` whose ``column_names`` gain an unnamed last column when the first line
    ends with a separator (one empty field past the names): the rule of a file whose
    header ends with one, which reads as a last column named '' that no role takes. A
    headerless file whose every line ends with a tab was refused under ``column_names``
    while the same file with such a header was read; a line that does not end so is then
    refused by its field count, in both."""
    names = tuple(layout.names or ())
    with reading(path, layout.encoding):
        for _, fields in iter_records(path, replace(layout, names=()), limit=1):
            if len(fields) == len(names) + 1 and not fields[-1].strip():
                return replace(layout, names=(*names, ""))
    return layout


def _refuse_names_of_another_width(path: Path, layout: DelimitedLayout) -> None:
    """``column_names`` name one column per field: a list of another length than the first
    line's fields was "the row has 3 field(s) (expected 2 fields separated by ',')", which
    did not say that the 2 came from column_names (or, for a first line that is a header,
    that column_names is for a file without one)."""
    names = list(layout.names or ())
    with reading(path, layout.encoding):
        for line, fields in iter_records(path, replace(layout, names=()), limit=1):
            if len(fields) == len(names) or (len(fields) == len(names) + 1
                                             and not fields[-1].strip()):
                return  # a separator at each line's end is diagnosed as such later
            others = [c for c in _USUAL_SEPARATORS
                      if len(fields) == 1 and c != layout.delimiter and c in fields[0]]
            if others:
                # a separator that is not the file's: the count of names is not the mistake
                raise DataFormatError(
                    f"the line is one field, {fields[0].strip()!r}: its fields seem to be "
                    f"separated by {others[0]!r}, not {layout.delimiter!r}", file=str(path),
                    line=line, expected=f"separator={others[0]!r}, the file's separator")
            header = [trimmed_column_name(f) for f in fields]
            given = {n.lower() for n in names}
            if any(f.lower() in given for f in header):
                raise DataFormatError(
                    f"column_names gives {len(names)} name(s), {names}, but the first line "
                    f"is a header of {len(fields)} field(s) ({', '.join(header)})",
                    file=str(path), line=line,
                    expected="column_names only for a file without a header; leave it "
                             "out to read this header")
            raise DataFormatError(
                f"column_names gives {len(names)} name(s), {names}, but the line has "
                f"{len(fields)} field(s) separated by {layout.describe()}",
                file=str(path), line=line,
                expected=f"column_names with {len(fields)} name(s), one per field (or the "
                         "separator the file uses, as separator=)")


def _refuse_header_given_names(path: Path, layout: DelimitedLayout) -> None:
    """``column_names`` are for a file without a header: one whose first line spells those
    names has a header, which would otherwise be read as an interaction."""
    with reading(path, layout.encoding):
        for line, fields in iter_records(path, replace(layout, names=()), limit=1):
            if [trimmed_column_name(f).lower() for f in fields] == [
                    n.lower() for n in layout.names or ()]:
                raise DataFormatError(
                    "the first line is a header naming the columns given as column_names",
                    file=str(path), line=line,
                    expected="column_names only for a file without a header; leave it out "
                             "to read this header")


def _refuse_header_read_as_ids(path: Path, layout: DelimitedLayout, table: pa.Table,
                               roles: Mapping[str, str]) -> None:
    """Under ``column_names``, a first row whose user and item ids are the only ones that
    are not integers is a header of other names, not the interaction of users 'u' and 'i'."""
    if table.num_rows < 2:
        return
    for role in ("user ids", "item ids"):
        plain = pc.match_substring_regex(pc.utf8_trim_whitespace(table.column(roles[role])),
                                         _PLAIN_INTEGER)
        if plain[0].as_py() or not pc.all(plain.slice(1)).as_py():
            return
    with reading(path, layout.encoding):
        line, fields = line_of_record(path, layout, 0)
    raise DataFormatError(
        f"the first row, {', '.join(map(repr, fields))}, looks like a header: its ids are "
        "the only ones that are not integers", file=str(path), line=line,
        expected="column_names only for a file without a header; leave it out to read the "
                 "header, or name the columns with user_col=, item_col=...")


def _load_parquet(path: Path, given: _GivenRoles, rating_range: tuple[float, float] | None,
                  duplicates: DuplicatePolicy, fmt: str | None, timestamp_unit: str,
                  context: Sequence[str] | None, parts: _PartTable | None = None
                  ) -> Interactions:
    """One Parquet file, or with ``parts`` the part files of the folder ``path`` read as
    one table (a row's problem is named in its part, by its row there)."""
    if parts is not None:
        schema = parts.schema
    else:
        try:
            schema = pq.read_schema(path)
        except _READ_ERRORS as error:
            raise DataFormatError(f"not a readable Parquet file "
                                  f"({parquet_damage(path, error)})", file=str(path),
                                  expected="an intact Parquet file") from None
    # column names lose surrounding spaces and a leading byte-order mark, as a CSV
    # header's do: one rule in every format
    available = [trimmed_column_name(name) for name in schema.names]
    repeated = first_repeated_name(available)
    if repeated is not None:
        name, first, second = repeated
        one, other = schema.names[first - 1], schema.names[second - 1]
        spaced = ("" if one == other else
                  f", {one!r} and {other!r} once surrounding spaces{and_marks(one, other)} "
                  "are dropped")
        raise DataFormatError(
            f"its schema names column {name!r} twice (columns {first} and {second}{spaced})",
            file=str(path), expected="distinct column names: rewrite the file with one of "
                                     "them renamed")
    stored = TableRoles.from_metadata(schema.metadata, str(path))
    roles, rating_range, stored_unit = _resolve_roles(given, stored, available,
                                                      rating_range, path)
    if timestamp_unit == "auto" and stored_unit is not None:
        timestamp_unit = stored_unit
    if context is None:
        # trimmed as the names are: save_table keeps a frame's 'device ' as it was given
        context = ([trimmed_column_name(name) for name in stored.context]
                   if stored is not None else [])
    context = _context_columns(context, roles, available, path)
    as_stored = dict(zip(available, schema.names, strict=True))
    wanted = list(dict.fromkeys([*roles.values(), *context]))
    stored_names = [as_stored[name] for name in wanted]
    try:
        if parts is not None:
            table = parts.read(stored_names)
            declared = sum(parts.declared)
        else:
            table = pq.read_table(path, columns=stored_names)
            declared = pq.read_metadata(path).num_rows
        table = table.rename_columns(wanted)
    except _READ_ERRORS as error:
        raise DataFormatError(f"not a readable Parquet file ({parquet_damage(path, error)})",
                              file=str(path), expected="an intact Parquet file") from None
    if declared != table.num_rows:
        # pyarrow reads the row groups and trusts their own counts; a footer that disagrees
        # means the file was damaged or cut, and some rows may be missing
        if parts is not None:
            raise parts.counted_wrong(stored_names)
        raise _counted_wrong(path, declared, table.num_rows)

    def place(index: int) -> tuple[str, int]:
        """The file holding row ``index`` of the table, and the row's index there."""
        return parts.locate(index) if parts is not None else (str(path), index)
    not_utf8 = first_text_not_utf8(table)
    if not_utf8 is not None:
        column, index, raw = not_utf8
        if index is None:
            raise DataFormatError(unheld_text_not_utf8_message(raw), file=str(path),
                                  column=column, expected=text_not_utf8_remedy())
        file, row = place(index)
        raise DataFormatError(f"row {row + 1}: {text_not_utf8_message(raw)}", file=file,
                              column=column, expected=text_not_utf8_remedy())
    if table.num_rows == 0 and stored is None:
        raise DataFormatError("holds no interactions (no rows)", file=str(path),
                              expected="one row per interaction")
    for role, column in roles.items():
        nulls = table.column(column).null_count
        if nulls:
            file, row = place(_first_false(pc.is_valid(table.column(column))))
            raise DataFormatError(f"row {row + 1} is empty ({nulls} empty value(s) in all)",
                                  file=file, column=column, expected=f"{role} in every row")
    exact_at = None
    if "values" in roles:
        exact_at = exact_decimals(plain_column(table.column(roles["values"])))
        plain = plain_column(table.column(roles["values"]), decimals_as_floats=True)
        table = table.set_column(table.schema.get_field_index(roles["values"]),
                                 roles["values"], plain)
    if "values" in roles:
        refuse_values_not_numbers(table.column(roles["values"]), roles["values"], str(path))

    def fail_at(index: int, column: str, message: str, wanted: str) -> DataFormatError:
        text = scalar_text(table.column(column)[index])
        file, row = place(index)
        return DataFormatError(f"row {row + 1}: " + message.format(text=text), file=file,
                               column=column, expected=wanted)

    try:
        users = ids_to_numpy(table.column(roles["user ids"]), roles["user ids"], fail_at)
        items = ids_to_numpy(table.column(roles["item ids"]), roles["item ids"], fail_at)
    except DataFormatError as error:
        if error.file is not None:
            raise
        raise DataFormatError(error.detail, file=str(path), column=error.column,
                              expected=error.expected) from None
    # the schema's metadata: the pandas types and categories save_table recorded (the
    # table read lost it with its renamed and replaced columns)
    frame = (context_frame(table.select(context).replace_schema_metadata(schema.metadata),
                           str(path)) if context else None)
    return _build(table, users, items, roles, rating_range, duplicates, fmt, timestamp_unit,
                  fail_at, frame, exact_at, decimal_values=exact_at is not None)


# ---------------------------------------------------------------------------- part folders
#: how Spark, pyarrow.dataset and Dask name the data files of one table (part-00000-...,
#: part-0.parquet, part.0.parquet)
_PART_NAME = re.compile(r"part[-.]", re.IGNORECASE)
#: the file Spark and Hadoop leave in a folder whose write finished
_SUCCESS_MARKER = "_SUCCESS"
#: endings of the text files a Spark CSV write leaves as parts
_TEXT_PART_ENDINGS = (".csv", ".tsv", ".txt", ".csv.gz", ".tsv.gz", ".csv.bz2", ".csv.zst")


def is_bookkeeping_file(name: str) -> bool:
    """Whether ``name`` is a file that writers of a table's parts leave beside them, not
    data: Spark's and Hadoop's ``_SUCCESS``, ``_committed_*``, ``_started_*``, checksum
    ``*.crc`` files, summary ``_metadata`` files, and hidden files (pyarrow, pandas and Spark
    skip the same names)."""
    return name.startswith(("_", ".")) or name.lower().endswith(".crc")


def is_part_folder(path: Path) -> bool:
    """Whether ``path`` is a folder holding one table as part files, as Spark, Polars,
    pyarrow or Dask write it: a ``part-*`` or ``part.*`` file, or Spark's ``_SUCCESS``,
    directly in it, and no ``key=value`` subfolder (that is a partitioned layout, read by
    :mod:`recstack.data.partitioned`). A folder of independent exports (``a.parquet``,
    ``b.parquet``) is not one: each is a table of its own."""
    try:
        if not path.is_dir():
            return False
        entries = list(os.scandir(path))
    except OSError:
        return False
    marked = False
    for entry in entries:
        if entry.name.startswith(("_", ".")):
            marked = marked or entry.name == _SUCCESS_MARKER
            continue
        try:
            folder = entry.is_dir()
        except OSError:
            folder = False
        if folder and "=" in entry.name:
            return False
        marked = marked or bool(_PART_NAME.match(entry.name))
    return marked


def _natural_key(name: str) -> list[Any]:
    """``part-2`` before ``part-10``: pyarrow and Dask number their parts without zeros in
    front, and a plain sort would put a table's rows out of the order they were written in
    (re.split alternates text and digits, so the items compare with their own kind)."""
    return [int(piece) if index % 2 else piece.lower()
            for index, piece in enumerate(re.split(r"(\d+)", name))]


def part_files(folder: Path) -> list[Path]:
    """The Parquet data files of the part folder ``folder`` (:func:`is_part_folder`), in
    natural name order, so that the rows come in one order on every machine and a seeded
    split stays the same. Bookkeeping files (:func:`is_bookkeeping_file`) are passed over;
    anything else that is no Parquet part is refused by name."""
    from recstack.atomic import check_regular_file

    data: list[Path] = []
    for entry in sorted(os.scandir(folder), key=lambda e: _natural_key(e.name)):
        if is_bookkeeping_file(entry.name):
            continue
        path = Path(entry.path)
        if path.is_dir():
            raise DataFormatError(
                f"holds a subfolder {entry.name!r} among its part files", file=str(folder),
                expected="the part files of one table directly in the folder (a partitioned "
                         "layout is year=YYYY/month=MM/): move the subfolder out, or name it "
                         "with a leading '_' or '.'")
        check_regular_file(path, "a Parquet part file, or remove it from the folder")
        data.append(path)
    if not data:
        raise DataFormatError(
            "holds no data parts (only bookkeeping files such as _SUCCESS, or nothing)",
            file=str(folder), expected="part files holding the table's rows, e.g. "
                                       "part-00000.parquet; was the write finished?")
    text = [path for path in data if path.name.lower().endswith(_TEXT_PART_ENDINGS)]
    if len(text) == len(data):
        # decided against reading them: each text file is typed on its own (an id column of
        # digits in one part is integers, of letters in another text; 'auto' picks a time
        # unit per file by magnitude) and Spark writes CSV parts without a header by default,
        # so the rule that every part holds the same columns of the same types cannot be
        # checked as it is for Parquet, whose parts record their schema
        raise DataFormatError(
            f"holds {len(data)} CSV/TSV part file(s) such as {data[0].name}, the parts of "
            "one table as Spark writes it; recstack reads a folder of parts only as "
            "Parquet, whose parts record their columns and types, so that parts that "
            "disagree are found: CSV parts are each typed from their own text (digits in "
            "one part are numbers, in another text) and Spark writes them without a header "
            "unless told", file=str(folder),
            expected="the table written as Parquet (df.write.parquet(folder) in Spark), or "
                     "its parts joined into one CSV file with one header line, given by its "
                     "path")
    for path in data:
        if not path.name.lower().endswith(_PARQUET_EXTENSIONS):
            raise DataFormatError(
                f"{path.name} is {_file_kind(path)}, among the Parquet parts of one table",
                file=str(folder),
                expected="only the table's .parquet part files beside its bookkeeping files: "
                         "move other files out, or name them with a leading '_' or '.'")
    return data


class OnePartWarning(UserWarning):
    """One part file of a table written as parts (Spark's ``part-00000-*.parquet``,
    pyarrow's ``part-0.parquet``) was given on its own while its folder holds the other
    parts: it is read, but holds only a fraction of the table's rows. The message names
    the folder, how many parts it holds, and what to give instead."""


def warn_of_one_part(path: Path, what: str = "table") -> None:
    """Warn (:class:`OnePartWarning`) where ``path`` is one of several part files in a
    folder that :func:`is_part_folder` reads as one table: the part alone was read without
    a word, a fraction of the rows taken for all of them (and a split or an evaluation of
    it for the whole). ``what`` names the table (``"items file"``). A part that is the
    folder's only one is the whole table and passes silently."""
    if not _PART_NAME.match(path.name) or is_bookkeeping_file(path.name):
        return
    folder = path.parent
    if not is_part_folder(folder):
        return
    try:
        count = sum(1 for entry in os.scandir(folder) if _PART_NAME.match(entry.name)
                    and not is_bookkeeping_file(entry.name) and entry.is_file())
    except OSError:
        return
    if count < 2:
        return
    if not path.name.lower().endswith(_PARQUET_EXTENSIONS):
        # a folder of CSV parts is refused as a whole (part_files), so giving it is no cure
        remedy = ("join the parts into one CSV file with one header line, or write the "
                  "table as Parquet and give its folder")
    elif "=" in folder.name:
        # a partition's folder: the dataset above it holds still more of the table
        root = folder
        while "=" in root.name and root.parent != root:
            root = root.parent
        remedy = (f"the folder is one partition ({folder.name}) of the dataset in {root}: "
                  f"give that folder to read the whole table")
    else:
        remedy = f"give the folder, {folder}, to read all its parts as one table"
    warnings.warn(
        f"{path}: one of the {count} part files of one table in {folder} (as Spark, Polars, "
        f"pyarrow or Dask write a table), read alone as the {what}: it holds only a "
        f"fraction of the table's rows; {remedy} (if one part is meant, silence this with "
        "warnings.filterwarnings('ignore', category=recstack.data.files.OnePartWarning))",
        OnePartWarning, stacklevel=caller_stacklevel())


def _file_kind(path: Path) -> str:
    """What a stray file in a part folder is, as far as its name and first bytes tell."""
    try:
        with open(path, "rb") as stream:
            head = stream.read(len(_PARQUET_MAGIC))
    except OSError:
        head = b""
    if head == _PARQUET_MAGIC:
        return "Parquet data without the .parquet ending (rename it so if it is a part)"
    if path.name.lower().endswith(_TEXT_PART_ENDINGS):
        return "a text file, not Parquet"
    return "not a Parquet file"


def _lossless_type(one: pa.DataType, other: pa.DataType) -> pa.DataType | None:
    """The type two parts' columns of types ``one`` and ``other`` are read as together,
    where it holds every value of both exactly (None where no type does): integers widened
    (a uint64 with a signed type has none), floats widened, text and binary to their large
    forms, timestamps of one time zone to the finer unit (a time that does not fit it is
    refused when read); a dictionary-encoded column (pandas' categories, Polars'
    categoricals) beside a plain one or one of other index widths by the type of its
    values (it was refused as "dictionary<values=string, ...>" against "string")."""
    if one == other:
        return one
    types = pa.types
    if types.is_dictionary(one) or types.is_dictionary(other):
        return _lossless_type(*(kind.value_type if types.is_dictionary(kind) else kind
                                for kind in (one, other)))
    if types.is_integer(one) and types.is_integer(other):
        signed = [t for t in (one, other) if types.is_signed_integer(t)]
        if len(signed) != 1:
            return one if one.bit_width >= other.bit_width else other
        unsigned = other if signed[0] is one else one
        if unsigned.bit_width < signed[0].bit_width:
            return signed[0]
        return pa.int64() if unsigned.bit_width < 64 else None
    if types.is_floating(one) and types.is_floating(other):
        return one if one.bit_width >= other.bit_width else other
    for small, large in ((pa.string(), pa.large_string()), (pa.binary(), pa.large_binary())):
        if {one, other} == {small, large}:
            return large
    if types.is_timestamp(one) and types.is_timestamp(other) and (
            one.tz == other.tz or None not in (one.tz, other.tz)):
        # instants of two zones are held by either: read in UTC (as read_partitioned reads
        # them), where they were refused as parts that "disagree"
        finer = max(one.unit, other.unit, key=("s", "ms", "us", "ns").index)
        return pa.timestamp(finer, one.tz if one.tz == other.tz else "UTC")
    return None


def zone_mix_problem(one: pa.DataType, other: pa.DataType, first: str, second: str
                     ) -> str | None:
    """What is wrong with date-times of type ``one`` (in the file ``first``) beside those of
    type ``other`` (in ``second``) where one type has a time zone and the other none; None
    for any other two types. The one rule of part folders and partitioned datasets."""
    types = pa.types
    if not (types.is_timestamp(one) and types.is_timestamp(other)) or (
            (one.tz is None) == (other.tz is None)):
        return None
    zoned, zoned_file, plain_file = (one, first, second) if one.tz else (other, second, first)
    return (f"{zoned_file} holds date-times in the time zone {zoned.tz}, {plain_file} "
            "date-times without a zone; read alone, times without a zone are UTC, but beside "
            f"times in {zoned.tz} they may be local times, so they are not merged as UTC")


#: what to do about parts whose date-times have a zone beside parts whose have none
ZONE_MIX_REMEDY = ("date-times with a time zone in every part, or in none: write the part "
                   "without one again with its zone (in pandas, "
                   "times.dt.tz_localize('UTC') for UTC times)")


@dataclass
class _PartTable:
    """The Parquet part files of one table, read as one with :mod:`pyarrow.dataset`."""

    folder: Path
    files: list[Path]
    schema: pa.Schema
    #: the rows each part's footer declares, in the order of ``files``
    declared: list[int]

    def read(self, columns: Sequence[str]) -> pa.Table:
        import pyarrow.dataset as ds

        dataset = ds.dataset([str(f) for f in self.files], schema=self.schema,
                             format="parquet")
        try:
            # the fragments come back in the order of the files given
            return dataset.to_table(columns=list(columns))
        except _READ_ERRORS as error:
            raise self._read_failure(columns, error) from None

    def _read_failure(self, columns: Sequence[str], error: BaseException) -> DataFormatError:
        """The part that could not be read, or whose values do not fit the common type."""
        for file in self.files:
            try:
                table = pq.read_table(file, columns=list(columns))
            except _READ_ERRORS as own:
                return DataFormatError(f"not a readable Parquet file "
                                       f"({parquet_damage(file, own)})", file=str(file),
                                       expected="an intact Parquet file (write it again)")
            try:
                table.cast(self.schema.select(list(columns)))
            except _READ_ERRORS as cast:
                return DataFormatError(
                    f"a value does not fit the type the other parts give its column "
                    f"({_short(cast)})", file=str(file),
                    expected="parts whose values fit one type: write the parts again with "
                             "one schema")
        return DataFormatError(f"its parts cannot be read as one table ({_short(error)})",
                               file=str(self.folder), expected="intact Parquet part files")

    def locate(self, index: int) -> tuple[str, int]:
        """The part file holding row ``index`` (from 0) of the table, and the row's index
        within it."""
        for file, rows in zip(self.files, self.declared, strict=True):
            if index < rows:
                return str(file), index
            index -= rows
        return str(self.folder), index

    def counted_wrong(self, columns: Sequence[str]) -> DataFormatError:
        """For a table whose rows are not the sum the footers declare: the part whose row
        groups disagree with its footer."""
        for file, rows in zip(self.files, self.declared, strict=True):
            try:
                found = pq.read_table(file, columns=list(columns)).num_rows
            except _READ_ERRORS as error:
                return DataFormatError(f"not a readable Parquet file "
                                       f"({parquet_damage(file, error)})", file=str(file),
                                       expected="an intact Parquet file (write it again)")
            if found != rows:
                return _counted_wrong(file, rows, found)
        return DataFormatError("its parts hold another number of rows than their footers "
                               "declare: a part is damaged", file=str(self.folder),
                               expected="intact Parquet part files (write them again)")


def _counted_wrong(file: PathLike, declared: int, found: int) -> DataFormatError:
    return DataFormatError(f"its footer declares {declared} rows but its row groups hold "
                           f"{found}: the file is damaged", file=str(file),
                           expected="an intact Parquet file (write it again)")


def _part_table(folder: Path) -> _PartTable:
    """The parts of ``folder`` with the schema they are read as together: each column in
    every part, of one type or of types that :func:`_lossless_type` merges; a part that
    lacks a column another has, or holds it as another kind of value, is refused naming
    both parts and the column (pyarrow would fill the missing column with nulls, or cast
    text to numbers, and Spark reads such parts by one part's schema alone)."""
    files = part_files(folder)
    schemas: list[pa.Schema] = []
    declared: list[int] = []
    for file in files:
        try:
            opened = pq.ParquetFile(file)
            schemas.append(opened.schema_arrow)
            declared.append(opened.metadata.num_rows)
        except _READ_ERRORS as error:
            raise DataFormatError(f"not a readable Parquet file ({parquet_damage(file, error)})",
                                  file=str(file), expected="an intact Parquet file (write "
                                  "it again), or the part removed from the folder") from None
    first, base = files[0], schemas[0]
    merged = {field.name: field.type for field in base}
    for file, schema in zip(files[1:], schemas[1:], strict=True):
        names = set(schema.names)
        for name in merged:
            if name not in names:
                raise _parts_disagree(folder, first, file, name, f"{first.name} has a column "
                                      f"{name!r}, {file.name} has none")
        for field in schema:
            if field.name not in merged:
                raise _parts_disagree(folder, first, file, field.name, f"{file.name} has a "
                                      f"column {field.name!r}, {first.name} has none")
            common = _lossless_type(merged[field.name], field.type)
            holder, held = _holder(files, schemas, field.name, merged[field.name])
            mixed = zone_mix_problem(held, field.type, holder, file.name)
            if mixed is not None:
                raise DataFormatError(f"its parts disagree on column {field.name!r}: {mixed}",
                                      file=str(folder), column=field.name,
                                      expected=ZONE_MIX_REMEDY)
            if common is None:
                raise _parts_disagree(
                    folder, first, file, field.name,
                    f"{first.name} holds it as {arrow_kind_shown(base.field(field.name).type)}"
                    f" ({base.field(field.name).type}), {file.name} as "
                    f"{arrow_kind_shown(field.type)} ({field.type})")
            merged[field.name] = common
        roles = (schema.metadata or {}).get(ROLES_KEY)
        if roles != (base.metadata or {}).get(ROLES_KEY):
            raise DataFormatError(
                f"{first.name} and {file.name} record different column roles (recstack's "
                "metadata): they are not parts of one table", file=str(folder),
                expected="parts written together, as one table")
    schema = pa.schema([(name, kind) for name, kind in merged.items()],
                       metadata=base.metadata)
    return _PartTable(folder, files, schema, declared)


def _holder(files: Sequence[Path], schemas: Sequence[pa.Schema], name: str,
            kind: pa.DataType) -> tuple[str, pa.DataType]:
    """The name of the first of ``files`` whose date-time column ``name`` has a time zone
    where ``kind`` (the type merged so far) has one, and none where it has none, and its
    type there; ``kind`` itself in the first file where ``kind`` is no date-time."""
    if pa.types.is_timestamp(kind):
        for file, schema in zip(files, schemas, strict=False):
            stored = schema.field(name).type if name in schema.names else None
            if stored is not None and pa.types.is_timestamp(stored) and (
                    (stored.tz is None) == (kind.tz is None)):
                return file.name, stored
    return files[0].name, kind


def _parts_disagree(folder: Path, one: Path, other: Path, column: str, how: str
                    ) -> DataFormatError:
    return DataFormatError(
        f"its parts {one.name} and {other.name} disagree on column {column!r}: {how}",
        file=str(folder), column=column,
        expected="parts of one table, with the same columns of the same types (integers of "
                 "different widths, floats of different widths, and times in different units "
                 "or zones are merged): write the odd part again with the others' schema, or move "
                 "it out")


#: pyarrow's integer types -> pandas' nullable ones (a context column of integers with
#: gaps keeps its integers)
_NULLABLE_INTEGER_DTYPES = {pa.int8(): pd.Int8Dtype(), pa.int16(): pd.Int16Dtype(),
                            pa.int32(): pd.Int32Dtype(), pa.int64(): pd.Int64Dtype(),
                            pa.uint8(): pd.UInt8Dtype(), pa.uint16(): pd.UInt16Dtype(),
                            pa.uint32(): pd.UInt32Dtype(), pa.uint64(): pd.UInt64Dtype()}


def context_frame(table: pa.Table, file: str | None = None) -> pd.DataFrame:
    """The context columns of a file or dataset read back as a frame: an integer column with
    missing values becomes pandas' nullable integers (``Int64``), as the side tables' does,
    not the float64 pandas makes of it, which turned a written ``Int64`` column's counts into
    floats and changed every integer past 2**53 (``2**53 + 1`` read back ``2**53``) without
    a word."""
    metadata = table.schema.metadata or {}
    try:
        # pyarrow's record of the pandas types (save_table keeps it): nullable booleans,
        # Float64, string columns come back as written
        frame = table.to_pandas()
    except (ValueError, TypeError, KeyError, pa.ArrowException):
        # a record that does not fit the columns (written by another tool): the plain types
        frame = table.replace_schema_metadata(None).to_pandas()
    for position, column in enumerate(table.columns):
        if (pa.types.is_integer(column.type) and column.null_count
                and frame.dtypes.iloc[position].kind in "fO"):
            frame.isetitem(position, pd.Series(
                column.to_pandas(types_mapper=_NULLABLE_INTEGER_DTYPES.get).array,
                index=frame.index))
    if CATEGORIES_KEY in metadata:
        _restore_categories(frame, metadata[CATEGORIES_KEY], file)
    return frame


def _restore_categories(frame: pd.DataFrame, recorded: bytes, file: str | None) -> None:
    """Make the context columns that :func:`save_table` wrote as categories of numbers or
    true/false (:data:`CATEGORIES_KEY`) categorical again, with their categories and order
    as written; a record that does not fit the values (edited by hand) is refused."""
    try:
        document = strict_loads(recorded.decode())
        wanted = {}
        for name, entry in document.items():
            kind, values = entry["kind"], entry["categories"]
            if kind == "float":
                values = [float.fromhex(v) for v in values]
            elif kind not in ("int", "bool"):
                raise ValueError(kind)
            wanted[name] = pd.CategoricalDtype(pd.Index(values), ordered=bool(entry["ordered"]))
    except (ValueError, KeyError, TypeError, AttributeError, UnicodeDecodeError):
        raise DataFormatError(
            "its recstack metadata (the categories of the context columns) is damaged",
            file=file, expected="the JSON that save_table writes; rewrite the file") from None
    for name, dtype in wanted.items():
        if name not in frame.columns or isinstance(frame[name].dtype, pd.CategoricalDtype):
            continue
        column = frame[name]
        outside = column.notna() & ~column.isin(dtype.categories)
        if outside.any():
            row = int(np.argmax(outside.to_numpy()))
            raise DataFormatError(
                f"row {row + 1} holds {shown(column.iloc[row])}, none of the categories its "
                f"metadata records ({shown(list(dtype.categories)[:5])})",
                file=file, column=name,
                expected="a value among the column's categories; rewrite the file")
        frame[name] = column.astype(dtype)


def scalar_text(scalar: pa.Scalar) -> str:
    """A typed value as a message shows it; a time Python's datetime cannot hold (before
    the year 1, after 9999) as its stored number and type."""
    try:
        return str(scalar.as_py())
    except (OverflowError, ValueError):
        return f"{scalar.value} ({scalar.type}), outside the years 1 to 9999"


def _build(table: pa.Table, users: np.ndarray, items: np.ndarray, roles: dict[str, str],
           rating_range: tuple[float, float] | None, duplicates: DuplicatePolicy,
           fmt: str | None, timestamp_unit: str, fail_at: FailAt,
           context: pd.DataFrame | None = None,
           exact_at: Callable[[np.ndarray], Sequence[Any]] | None = None,
           decimal_values: bool = False) -> Interactions:
    """Typed columns -> checked numpy arrays -> Interactions (the shared tail of loaders);
    ``exact_at`` as for :func:`values_as_float32`; ``decimal_values``: it gives the
    values of a decimal column (:func:`exact_decimals`), which errors then show."""
    values = timestamps = None
    if "values" in roles:
        column = roles["values"]
        values = values_as_float32(column_to_numpy(table, column), column, fail_at,
                                   exact_at)
        # a Parquet decimal beyond float32's range is named by its digits (a text file's
        # value by its text, which fail_at shows)
        check_values(values, column, rating_range, fail_at,
                     exact_at if decimal_values else None)
    if "timestamps" in roles:
        column = roles["timestamps"]
        timestamps = timestamps_to_seconds(table.column(column), column, fmt, timestamp_unit,
                                           fail_at)
    del table
    try:
        with ids_already_warned_of():  # ids_from_text / ids_to_numpy named the lines
            return Interactions.from_arrays(users, items, values, timestamps,
                                            duplicates=duplicates, rating_range=rating_range,
                                            context=context)
    except DuplicateRowsError as error:
        # the second occurrence's line, and the first's row, in the file's own terms
        first, second = error.rows
        raise fail_at(second, roles["user ids"],
                      f"{error.pair} again, as in data row {first + 1} ({error.count:,} "
                      "repeated row(s) in all)",
                      "each (user, item) pair once under duplicates='error'; or another "
                      "policy: " + ", ".join(p for p in DUPLICATE_POLICIES if p != "error")
                      ) from None
    except SumBeyondFloat32Error as error:
        # named at the pair's last line (braces doubled: fail_at formats the message)
        raise fail_at(error.row, roles["values"],
                      error.detail.replace("{", "{{").replace("}", "}}"), error.expected or ""
                      ) from None


# ---------------------------------------------------------------------------- save_table
def _bytes_as_text(table: pa.Table, path: Path) -> pa.Table:
    """``table`` with its columns of bytes as the text a CSV or TSV file writes of them,
    refusing, naming the column and row, bytes that are not UTF-8 text: pyarrow's writer
    failed on them with ``ArrowInvalid: Invalid UTF8 payload``, and wrote bytes holding a
    line break into a record that :func:`load_table` then refused."""
    for position, name in enumerate(table.column_names):
        column = plain_column(table.column(name))
        if not (pa.types.is_binary(column.type) or pa.types.is_large_binary(column.type)):
            continue
        try:
            text = pc.cast(column, pa.large_string())
        except pa.ArrowInvalid:
            row, value = next((row, value) for row, value in enumerate(column.to_pylist())
                              if value is not None and not _is_utf8(value))
            raise DataFormatError(
                f"not written: the column holds the bytes {value!r} at row {row + 1}, which "
                "are not UTF-8 text, the encoding of the CSV and TSV files written here",
                file=str(path), column=name,
                expected="save as .parquet, which keeps bytes as they are, or decode the "
                         "values in their true encoding first "
                         "(e.g. data.context[name].str.decode('latin-1'))") from None
        table = table.set_column(position, table.field(name).with_type(text.type), text)
    return table


def _refuse_types_text_cannot_hold(table: pa.Table, path: Path) -> None:
    """Refuse, before a CSV or TSV file is written, a column of values that pyarrow's text
    writer cannot write (lists, dicts, pandas' periods and intervals), naming the column,
    its kind and its first value: the writer failed with ``ArrowInvalid: Unsupported
    Type:list<item: int64>``, naming no column."""
    for name in table.column_names:
        column = table.column(name)
        try:
            # one value, not none: an interval type (month_day_nano) writes when empty
            pacsv.write_csv(pa.table({name: column.drop_null().slice(0, 1)}), io.BytesIO())
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError):
            # an extension type's values are its storage's (600 for the month 2020-01)
            held = None if isinstance(column.type, pa.ExtensionType) else next(
                ((row, value) for row, value in enumerate(column.to_pylist())
                 if value is not None), None)
            example = (f", such as {shown(held[1])} at row {held[0] + 1}"
                       if held is not None else "")
            raise DataFormatError(
                f"not written: the column holds {arrow_kind_shown(column.type)} values"
                f"{example}, which a CSV or TSV file cannot hold", file=str(path),
                column=name,
                expected="save as .parquet, which keeps them, or convert the column to text "
                         f"first (e.g. data.context[{name!r}].astype(str))") from None


def _refuse_line_breaks(table: pa.Table, path: Path) -> None:
    """Refuse text holding a line break before writing a text file: pyarrow would quote it,
    and :func:`load_table` refuses such a record (a quote that never closes looks the
    same), so the file written could not be read back."""
    for name in table.column_names:
        column = plain_column(table.column(name))
        if not (pa.types.is_string(column.type) or pa.types.is_large_string(column.type)):
            continue
        breaks = pc.fill_null(pc.match_substring_regex(column, "[\r\n]"), False)
        if pc.any(breaks).as_py():
            row = int(np.argmax(np.asarray(breaks.to_numpy(zero_copy_only=False), bool)))
            raise RecstackError(
                f"{path}: column {name!r}, row {row + 1}: {column[row].as_py()!r} holds a line "
                "break, which a CSV or TSV file written here could not be read back with; "
                "save as .parquet, or take the line breaks out of the values")


def _refuse_ids_read_back_otherwise(table: pa.Table, path: Path) -> None:
    """Refuse, before a CSV/TSV file is written, ids that :func:`load_table` would read
    back as other ids or not at all: a text file has no column types, so text ids that
    are all plain integers (``"1"``, ``"-3"``) came back as the integers 1 and -3, and
    unsigned ids beyond int64 as the text ``"18446744073709551615"``; an id starting with
    a byte-order mark (U+FEFF) was written, and the file then refused on reading."""
    for name in (USER_ID, ITEM_ID):
        column = plain_column(table.column(name))
        kind = column.type
        what = "user" if name == USER_ID else "item"
        if pa.types.is_string(kind) or pa.types.is_large_string(kind):
            marked = pc.fill_null(pc.starts_with(column, "\ufeff"), False)
            if pc.any(marked).as_py():
                row = _first_false(pc.invert(marked))
                raise DataFormatError(
                    f"not written: the {what} id {column[row].as_py()!r} at row {row + 1} "
                    "starts with a byte-order mark (U+FEFF), which load_table refuses in a "
                    "text file (the mark that opens one)", file=str(path), column=name,
                    expected="save as .parquet, which keeps such ids, or take the mark out "
                             "of the ids")
            if len(column) and ids_from_text(column).dtype != object:
                raise DataFormatError(
                    f"not written: the {what} ids are text, but every one is written as an "
                    f"integer (the first, {column[0].as_py()!r}, at row 1), so load_table "
                    "would read them back as integers, not as the text ids they are",
                    file=str(path), column=name,
                    expected="save as .parquet, which keeps the ids' type; or, if the ids "
                             "are numbers, build the interactions with integer ids (e.g. "
                             "Interactions.from_arrays(users.astype('int64'), ...))")
        elif pa.types.is_unsigned_integer(kind) and len(column):
            largest = pc.max(column).as_py()
            if largest > np.iinfo(np.int64).max:
                raise DataFormatError(
                    f"not written: the {what} id {largest} is beyond the range of int64, so "
                    "load_table would read the column back as text ids, not as the "
                    "integers they are", file=str(path), column=name,
                    expected="save as .parquet, which keeps unsigned 64-bit ids")


def _missing_folder(path: Path) -> str:
    """Why the folder of ``path`` is not there: a file in its way, or simply missing."""
    for folder in path.parents:
        if folder.is_dir():
            break
        if folder.exists():
            return (f"{path}: cannot write it, {folder} is a file, not a folder; choose "
                    "another path or move that file")
    return f"{path.parent}: no such folder; create it first"


def interactions_to_arrow(data: Interactions) -> pa.Table:
    """``user_id, item_id, value[, timestamp]`` with external ids, then the context
    columns; the column roles, the rating range, the timestamp unit and the context columns
    in the schema metadata (see :class:`TableRoles`)."""
    columns: dict[str, Any] = {
        USER_ID: data.users.to_external(data.user_index),
        ITEM_ID: data.items.to_external(data.item_index),
        VALUE: data.value,
    }
    if data.timestamp is not None:
        columns[TIMESTAMP] = data.timestamp
    table = pa.table(columns)
    context: tuple[str, ...] = ()
    if data.context is not None:
        extra = _context_to_arrow(data.context)
        for name, column in zip(extra.column_names, extra.columns, strict=True):
            table = table.append_column(str(name), column)
        context = tuple(str(name) for name in extra.column_names)
    has_time = data.timestamp is not None
    roles = TableRoles(value=VALUE, timestamp=TIMESTAMP if has_time else None,
                       rating_range=data.rating_range, timestamp_unit="s" if has_time else None,
                       context=context)
    metadata = roles.to_metadata()
    if data.context is not None:
        metadata.update(_context_type_metadata(data.context, extra))
    return table.replace_schema_metadata(metadata)


#: the schema metadata key of the categories of context columns whose categories are
#: numbers or true/false (a Parquet file keeps a dictionary of text only)
CATEGORIES_KEY = b"recstack.categories"


def _context_type_metadata(context: pd.DataFrame, table: pa.Table) -> dict[bytes, bytes]:
    """What the context columns' pandas types need to come back from a file as written:
    pyarrow's own record of them (the ``pandas`` key, which :func:`context_frame` and
    ``pandas.read_parquet`` read; without it a nullable ``boolean`` column came back as
    objects, ``Float64`` as ``float64`` and ``string`` as ``str``), and the categories of
    a categorical column of numbers or true/false values (a Parquet file keeps the
    categories of text only: ``Categorical([1, 2])`` came back as plain int64), refusing,
    naming the column, categories of another kind (times, intervals...)."""
    metadata: dict[bytes, bytes] = {}
    recorded = (table.schema.metadata or {}).get(b"pandas")
    if recorded is not None:
        metadata[b"pandas"] = recorded
    categories: dict[str, Any] = {}
    for name in context.columns:
        dtype = context[name].dtype
        if not isinstance(dtype, pd.CategoricalDtype):
            continue
        kind = dtype.categories.dtype.kind
        if kind in "OUT" or pd.api.types.is_string_dtype(dtype.categories.dtype):
            continue  # text: the file keeps it as a dictionary
        if kind in "iu":
            values: list[Any] = [int(v) for v in dtype.categories]
        elif kind == "f":
            values = [float(v).hex() for v in dtype.categories]  # exact, infinity too
        elif kind == "b":
            values = [bool(v) for v in dtype.categories]
        else:
            raise DataFormatError(
                f"not written: the context column is categorical with categories of "
                f"{dtype.categories.dtype} (e.g. {shown(dtype.categories[0])}), which a "
                "file cannot keep as categories; it would be read back as a plain column",
                column=str(name),
                expected="categories of text, numbers or true/false: convert it first, "
                         "e.g. data.context[name].astype(str).astype('category'), or "
                         "data.context[name].astype(object)")
        categories[str(name)] = {"kind": {"i": "int", "u": "int", "f": "float",
                                          "b": "bool"}[kind],
                                 "categories": values, "ordered": bool(dtype.ordered)}
    if categories:
        metadata[CATEGORIES_KEY] = json.dumps(categories).encode()
    return metadata


#: the columns pyarrow's dataset reader adds to every row it reads: a column of the file
#: so named made the file unreadable ("Multiple matches for FieldRef.Name(__filename)")
_DATASET_FIELDS = ("__fragment_index", "__batch_index", "__last_in_fragment", "__filename")


def refuse_unwritable_context_names(data: Interactions, path: Path,
                                    levels: Sequence[str] = ()) -> None:
    """Refuse, before anything is written, context columns whose names a file cannot keep
    apart: a file names its columns by text, read without surrounding spaces, so the
    columns ``0`` and ``'0'`` (or ``' d'`` and ``'d'``), a column ``' user_id'`` beside
    the file's own ``user_id``, a blank name or one of pyarrow's reader columns
    (``__filename``...) gave a file that ``load_table`` refused or a dataset whose writer
    or reader failed in pyarrow (``ArrowInvalid: Multiple matches for FieldRef.Name(0)``,
    ``KeyError: 'Column d does not exist in schema'``), and a name holding a lone surrogate
    (``'\\ud800'``) failed with a UnicodeEncodeError. ``levels``: the partition levels
    the writer adds as columns."""
    if data.context is None:
        return
    own = {USER_ID: "the file's column of user ids", ITEM_ID: "the file's column of item ids",
           VALUE: "the file's column of values", TIMESTAMP: "the file's column of timestamps",
           **{level: "a partition level's column, made from the timestamps"
              for level in levels}}
    seen: dict[str, Any] = {}
    for name in data.context.columns:
        read = trimmed_column_name(str(name))
        half = first_lone_surrogate([read])
        if not read:
            problem = f"the context column {shown(name)} has no name once written"
        elif half is not None:
            # pyarrow failed on it with a UnicodeEncodeError (a file names its columns in
            # UTF-8)
            problem = (f"the context column {shown(name)} has a name holding a lone "
                       f"surrogate ({half[2]!r}), which is not UTF-8 text and no file can "
                       "hold")
        elif read in own:
            problem = (f"the context column {shown(name)} is read back as {read!r}, the "
                       f"name of {own[read]}")
        elif read in _DATASET_FIELDS:
            problem = (f"the context column {shown(name)} has the name of a column pyarrow "
                       "adds to every row it reads, so the file could not be read back")
        elif read in seen:
            problem = (f"the context columns {shown(seen[read])} and {shown(name)} are both "
                       f"written as the column {read!r} (a file names its columns by text, "
                       "read without surrounding spaces), so they could not be told apart")
        else:
            seen[read] = name
            continue
        raise DataFormatError(
            f"not written: {problem}", file=str(path), column=str(name),
            expected="distinct context column names of their own, as text without "
                     "surrounding spaces: rename the column in the frame the interactions "
                     "are made from, or with dataclasses.replace(data, "
                     "context=data.context.rename(columns={...}))")


def _context_to_arrow(context: pd.DataFrame) -> pa.Table:
    """The context columns as an Arrow table; a column Arrow cannot store (values of mixed
    kinds, such as 1 and 'a', lists beside dicts, Python objects, complex numbers) is
    refused naming the column, its first value that does not fit and its row, where
    save_table and write_partitioned failed with pyarrow's ArrowInvalid; so is text that
    UTF-8 cannot encode (a lone surrogate such as ``'\\ud800'``, which
    ``errors='surrogateescape'`` and some JSON readers leave), where they failed with
    Python's UnicodeEncodeError."""
    sparse = [name for name in context.columns
              if isinstance(context[name].dtype, pd.SparseDtype)]
    if sparse:
        # a sparse column is a way of keeping values, not other values: written as the
        # values it holds (pyarrow's TypeError "Sparse pandas data (column p) not
        # supported" came out)
        context = context.copy()
        for name in sparse:
            context[name] = context[name].sparse.to_dense()
    try:
        return pa.Table.from_pandas(context, preserve_index=False)
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError,
            UnicodeEncodeError):
        pass
    for name in context.columns:
        column = context[name]
        try:
            pa.array(column, from_pandas=True)
            continue
        except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError,
                UnicodeEncodeError):
            pass
        _refuse_lone_surrogates(column, str(name))
        row, kinds = _first_unstorable(column.tolist())
        raise DataFormatError(
            f"not written: the context column holds {shown(column.iloc[row])} at row "
            f"{row + 1}, which a Parquet column of its other values cannot store"
            + (f" (it mixes {' and '.join(sorted(kinds))} values)" if len(kinds) > 1 else ""),
            column=str(name),
            expected="one kind of value per context column: numbers, text, true/false or "
                     "times (convert it, e.g. data.context[name].astype(str))")
    return pa.Table.from_pandas(context, preserve_index=False)  # a whole-table problem


def _refuse_lone_surrogates(column: pd.Series, name: str) -> None:
    """Refuse a context column holding text that UTF-8 cannot encode, naming its first
    such value and row (in a categorical column where no row holds such text, the first
    such category, which the file's dictionary would still hold)."""
    where = "at row {}"
    half = first_lone_surrogate(column.astype(object).tolist())
    if half is None and isinstance(column.dtype, pd.CategoricalDtype):
        where = "as its category number {} (which no row holds)"
        half = first_lone_surrogate(column.cat.categories.tolist())
    if half is None:
        return
    position, value, character = half
    raise DataFormatError(
        f"not written: the context column holds {shown(value)} {where.format(position + 1)}"
        f", text holding a lone surrogate ({character!r}), which is not UTF-8 text and no "
        "file can hold", column=name,
        expected="text in UTF-8: decode the values without errors='surrogateescape', in "
                 "their true encoding")


def _first_unstorable(values: list[Any]) -> tuple[int, set[str]]:
    """The position of the first of ``values`` that Arrow cannot store, or of the first
    of a second kind (1 then 'a'), and the kinds seen up to it."""
    kinds: set[str] = set()
    for row, value in enumerate(values):
        try:
            pa.array([value], from_pandas=True)
        except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError,
                UnicodeEncodeError):
            return row, kinds
        if value is not None and not (isinstance(value, float) and value != value):
            # (None and NaN fit any column; ints and floats make a column of floats)
            kinds.add("number" if isinstance(value, numbers.Real) and not isinstance(
                value, bool | np.bool_) else type(value).__name__)
            if len(kinds) > 1:
                return row, kinds
    return 0, kinds


def refuse_values_outside_range(data: Interactions, path: Path) -> None:
    """Refuse to write a file that records ``data``'s rating range while values leave it:
    interactions may hold such values (the models that read ratings refuse them), but
    reading the file back refused it, so the file written was one recstack cannot read."""
    if data.rating_range is None:
        return
    bad = first_out_of_range(data.value, data.rating_range)
    if bad is None:
        return
    low, high = data.rating_range
    outside = int(np.count_nonzero((data.value < low) | (data.value > high)))
    user = data.users.to_external(data.user_index[bad:bad + 1])[0]
    item = data.items.to_external(data.item_index[bad:bad + 1])[0]
    raise DataFormatError(
        f"not written: {outside:,} value(s) outside the rating range {low:g} to {high:g} "
        f"the file would record, first at row {bad + 1} (user {_plain(user)!r}, item "
        f"{_plain(item)!r}): {float(data.value[bad]):g}; reading the file back would refuse "
        "it", file=str(path), column=VALUE,
        expected="values within the rating range: drop the rows outside it first, or build "
                 "the interactions with a range that holds them")


def _plain(value: Any) -> Any:
    """An id as the user wrote it: ``7``, not numpy's ``np.int64(7)``."""
    return value.item() if isinstance(value, np.generic) else value


def csv_quoting(frame: pd.DataFrame) -> int:
    """The ``quoting`` of ``frame.to_csv`` that keeps every text value one field:
    ``csv.QUOTE_NONNUMERIC`` where a text value, an index value or a column name holds a
    carriage return, else pandas' default. pandas quotes a value holding its line
    terminator ("\\n") but not one holding only "\\r", which every CSV reader takes for a
    line end: the id ``'c\\rd'`` was written bare and its row read back as two."""
    index = frame.index.to_frame(index=False)
    names = pd.Series([str(name) for name in (*frame.columns, *index.columns)], dtype=object)
    for values in (*(frame[name] for name in frame.columns),
                   *(index[name] for name in index.columns), names):
        dtype = values.dtype
        if pd.api.types.is_object_dtype(dtype) or pd.api.types.is_string_dtype(dtype) \
                or isinstance(dtype, pd.CategoricalDtype):
            text = values.astype(object).astype("string")  # ints among them hold no "\r"
            if bool(text.str.contains("\r", regex=False).fillna(False).any()):
                return csv.QUOTE_NONNUMERIC
    return csv.QUOTE_MINIMAL


@arguments_named
def save_table(data: Interactions, path: PathLike, *, overwrite: bool = False) -> Path:
    """Write interactions to one Parquet, CSV or TSV file (by its extension), atomically.

    Columns are ``user_id, item_id, value`` and ``timestamp`` (int64 Unix seconds) when
    present, with external ids, then the context columns. A Parquet file (``.parquet``,
    ``.pq``) also records the column roles, the kind of values, the rating range, the
    timestamp unit and the context columns (see :class:`TableRoles`), so
    :func:`load_table` restores them without being told (a text file: pass ``context=``),
    each context column with its pandas type (nullable ``boolean``/``Int64``/``Float64``,
    ``string``, categories with their order, numbers and true/false ones included; a
    categorical column of other categories, times say, is refused naming it). A
    ``.csv`` / ``.tsv`` / ``.tab`` file (optionally ``.gz``) is plain text with a header
    that :func:`load_table` reads by default; it cannot record the rating range (pass it
    again on loading), and it has no column types, so ids it would read back as other ids
    are refused before anything is written: text ids that are all plain integers (read
    back as integers), unsigned ids beyond int64 (read back as text) and ids starting with
    a byte-order mark; Parquet keeps them all. Ids are written as they are, quoted: a
    spreadsheet that opens the file may run an id starting with ``=``, ``+``, ``-`` or
    ``@`` as a formula (open it as text, or use Parquet). Side tables are not written.

    The file is written next to its destination under a temporary name and renamed
    into place, so a reader never sees half a file and a failure leaves no debris.

    Parameters
    ----------
    data
        The interactions.
    path
        Destination file; its folder must exist.
    overwrite
        Replace an existing file (the project's rule for a file a Python call writes, as
        ``EvaluationResult.to_csv`` and ``Model.save`` have it); without it an existing
        file is refused and left as it was.

    Returns
    -------
    Path
        ``path``.

    Raises
    ------
    RecstackError
        For a path that names no file as given (``"out/"``, ``"out/."``, ``"."``, ``"~"``,
        ``"a.csv."``, ``" a.csv"``, ``".csv"``: the rule of
        :func:`recstack.atomic.file_name_problem`), a missing folder (or a file where one
        of its folders should be), an extension that names no format recstack writes,
        (for a text file) an id or context value holding a line break or ids the file
        would give back as other ids (see above), or (for a Parquet
        file) a value outside the rating range it records: :func:`load_table` would refuse
        either.
    """
    require_interactions(data, "save_table")
    given = path
    path = as_path(path)
    # judged as given, by the one rule of every file writer (recstack.atomic): Path drops a
    # trailing '/' and '/.' ("out/." was refused as the folder "out"), a name ending in a
    # dot was told "cannot tell which format", and one starting with a space (" a.csv") or
    # only an extension (".csv", a hidden file) was written
    text = os.fsdecode(os.fspath(given))
    problem = file_name_problem(text, "interactions.parquet", "one table file",
                                _TABLE_SUFFIXES)
    if problem is not None:
        raise ConfigError(f"save_table: {text!r} {problem}")
    if not path.parent.is_dir():
        raise RecstackError(_missing_folder(path))
    if path.is_dir():
        raise ConfigError(f"{path}: is a folder; expected a file name")
    if not check_flag(overwrite, "save_table: overwrite") and os.path.lexists(path):
        # it replaced any file without a word (a second run over the first one's output)
        raise ConfigError(f"save_table: {path} already exists; pass overwrite=True to "
                          "replace it, or choose another name")
    suffix = _base_suffix(path)
    # _suffixes: a name of dots and an extension ("..parquet") is of that format, as
    # load_table reads such a name; it was "the extension (none)" (".parquet" alone, a
    # hidden file, is refused above)
    last = (_suffixes(path) or [""])[-1]
    compressed = last.lower() in _COMPRESSION_EXTENSIONS
    if compressed and last != last.lower():
        # written compressed, it could not be read back (load_table knows compressions by
        # their lowercase extension, as pyarrow does)
        raise ConfigError(f"{path}: its name ends in {last!r}, which is read as a "
                          "compressed file only when written in lowercase; name it "
                          f"{path.name[:-len(last)]}{last.lower()}")
    refuse_unwritable_context_names(data, path)
    table = interactions_to_arrow(data)
    if suffix in _PARQUET_EXTENSIONS and not compressed:
        refuse_values_outside_range(data, path)  # a text file records no range
        return write_with(path, lambda target: pq.write_table(table, target))
    if suffix in _EXTENSION_DELIMITERS and last.lower() in (suffix, ".gz"):
        table = _bytes_as_text(table, path)
        _refuse_types_text_cannot_hold(table, path)
        _refuse_line_breaks(table, path)
        _refuse_ids_read_back_otherwise(table, path)
        options = pacsv.WriteOptions(delimiter=_EXTENSION_DELIMITERS[suffix])

        def write_text(target: Path) -> None:
            codec = "gzip" if compressed else None
            sink = (pa.CompressedOutputStream(str(target), codec) if codec
                    else pa.OSFile(str(target), "wb"))
            with sink:
                pacsv.write_csv(table, sink, write_options=options)

        return write_with(path, write_text)
    raise ConfigError(
        f"{path}: cannot tell which format to write from the extension "
        f"{''.join(_suffixes(path)) or '(none)'}; use .parquet, .csv, .tsv or .csv.gz")

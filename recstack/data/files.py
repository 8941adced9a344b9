"""Interactions from generic CSV / TSV / Parquet files, and back to Parquet.

Reading is built for tens of millions of rows: :mod:`pyarrow.csv` parses on all cores
into typed columns that go straight to numpy. Nothing loops over rows in Python until
something is wrong; then a slow diagnostic pass (the :mod:`csv` module) re-reads the
file to name the exact line, column and offending text in a :class:`DataFormatError`.

The delimited-text machinery here (:class:`DelimitedLayout`, :func:`read_delimited`,
:func:`line_of_record`) is shared with the MovieLens loaders.
"""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from recstack.atomic import write_with
from recstack.data.interactions import (
    ITEM_ID,
    TIMESTAMP,
    USER_ID,
    VALUE,
    DuplicatePolicy,
    Interactions,
)
from recstack.errors import DataFormatError, RecstackError, UnknownColumnError
from recstack.progress import Progress, resolve

__all__ = ["load_table", "save_table"]

PathLike = str | os.PathLike[str]

# Column kinds understood by read_delimited:
#   int32 / int64 / float32 / float64: strictly typed, a bad value is a DataFormatError;
#   text: any string; id: whatever pyarrow infers (ints stay ints), falling back to text;
#   auto: inferred like "id" but converted later (timestamps in generic files).
ColumnKind = Literal["int32", "int64", "float32", "float64", "text", "id", "auto"]

_ARROW_TYPES: dict[str, pa.DataType] = {
    "int32": pa.int32(),
    "int64": pa.int64(),
    "float32": pa.float32(),
    "float64": pa.float64(),
    "text": pa.string(),
}
_INT_BOUNDS = {"int32": (-(2**31), 2**31 - 1), "int64": (-(2**63), 2**63 - 1)}
# What pyarrow accepts as an integer / a float (it trims surrounding blanks and takes hex).
_INT_TEXT = re.compile(r"\s*(-?\d+|0[xX][0-9a-fA-F]+)\s*")
_FLOAT_TEXT = re.compile(
    r"\s*[+-]?(\d+\.?\d*([eE][+-]?\d+)?|\.\d+([eE][+-]?\d+)?|inf|infinity|nan)\s*", re.IGNORECASE)
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
_UNIX_FORMATS = {"unix": 1, "unix_s": 1, "unix_ms": 1_000, "unix_us": 1_000_000}
_ISO_EXAMPLE = "an ISO-8601 date-time such as 2024-01-31T12:00:00"
# Parquet metadata key under which the rating range travels with the data.
RATING_RANGE_KEY = b"recstack.rating_range"


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

    Returns
    -------
    pyarrow.Table
        The requested columns, in the order given, without nulls.

    Raises
    ------
    DataFormatError
        Naming the file, line, column and expected value of the first bad row.
    UnknownColumnError
        When a requested column is not in the header.
    """
    path = Path(path)
    names = file_column_names(path, layout)
    missing = [c for c in columns if c not in names]
    if missing:
        raise UnknownColumnError(missing[0], names, file=str(path))
    expected = {**{c: _EXPECTED_TEXT[k] for c, k in columns.items()}, **(expected or {})}
    soft = [c for c, kind in columns.items() if kind in ("id", "auto")]
    try:
        table = _arrow_read(path, layout, names, columns, as_text=())
    except (FileNotFoundError, PermissionError, IsADirectoryError) as error:
        raise RecstackError(f"{path}: cannot read it ({error.strerror or error})") from None
    except pa.ArrowInvalid as first_error:
        # Inferred columns (ids, timestamps) may change type half-way through a file.
        # pyarrow usually re-infers across blocks by itself; where it gives up, read them
        # as text before deciding that the file is broken.
        table = None
        if soft:
            try:
                table = _arrow_read(path, layout, names, columns, as_text=soft)
            except pa.ArrowInvalid:
                pass
        if table is None:
            raise _diagnose(path, layout, names, columns, expected, str(first_error)) from None
    table = table.select(list(columns))
    for name, kind in columns.items():
        column = table.column(name)
        empty = column.null_count
        if kind == "id" and not empty and pa.types.is_string(column.type):
            empty = pc.sum(pc.equal(pc.utf8_length(column), 0)).as_py() or 0
        if empty:
            raise _diagnose(path, layout, names, columns, expected,
                            f"column {name!r} has {empty} empty field(s)")
    return table


def file_column_names(path: PathLike, layout: DelimitedLayout) -> list[str]:
    """The column names of a delimited file: ``layout.names`` or its header line."""
    if layout.names is not None:
        return list(layout.names)
    if not Path(path).is_file():
        raise RecstackError(f"{path}: no such file")
    # names=() makes the reader return the header line as the first record
    for _, fields in iter_records(path, replace(layout, names=()), limit=1):
        return [f.strip().lstrip("\ufeff") for f in fields]
    raise DataFormatError("the file is empty", file=str(path), line=1,
                          expected="a header line naming the columns")


def iter_records(
    path: PathLike, layout: DelimitedLayout, *, limit: int | None = None
) -> Iterator[tuple[int, list[str]]]:
    """``(line number where the record starts, fields)`` for each non-empty record.

    The slow, exact reader behind error messages: it never runs on the fast path.
    The header (if the layout has one) is skipped; line numbers are 1-based and count
    physical lines, so they match what an editor shows.
    """
    skip_header = layout.has_header
    yielded = 0
    with _open_text(path, layout.encoding) as handle:
        if layout.delimiter == "::" or not layout.quoted:
            for number, raw in enumerate(handle, start=1):
                text = raw.rstrip("\r\n")
                if not text:
                    continue
                if skip_header:
                    skip_header = False
                    continue
                yield number, text.split(layout.delimiter)
                yielded += 1
                if limit is not None and yielded >= limit:
                    return
        else:
            reader = csv.reader(handle, delimiter=layout.delimiter, quotechar='"',
                                doublequote=True, strict=False)
            last_line = 0
            for fields in reader:
                start, last_line = last_line + 1, reader.line_num
                if not fields:
                    continue
                if skip_header:
                    skip_header = False
                    continue
                yield start, fields
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


def _open_text(path: PathLike, encoding: str) -> io.TextIOBase:
    stream = pa.input_stream(str(path), compression="detect")
    # errors="replace": the diagnostic reader must never fail on the bytes it explains
    return io.TextIOWrapper(stream, encoding=encoding, errors="replace", newline="")


def _arrow_read(path: Path, layout: DelimitedLayout, names: list[str],
                columns: Mapping[str, ColumnKind], as_text: Sequence[str]) -> pa.Table:
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
        skip_rows=1 if layout.has_header else 0,
        encoding=layout.encoding,
        block_size=_BLOCK_SIZE,
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
    return pacsv.read_csv(str(path), read_options=read_options,
                          parse_options=parse_options, convert_options=convert_options)


def _field_problem(text: str, kind: ColumnKind) -> str | None:
    """Why ``text`` is not a valid ``kind`` value, or None if it is."""
    if kind in ("int32", "int64"):
        if not _INT_TEXT.fullmatch(text):
            return "found an empty field" if not text.strip() else f"found {text!r}"
        value = int(text, 0) if text.strip().lower().startswith("0x") else int(text)
        low, high = _INT_BOUNDS[kind]
        if not low <= value <= high:
            return f"found {text.strip()}, outside the {kind} range"
        return None
    if kind in ("float32", "float64"):
        if not _FLOAT_TEXT.fullmatch(text):
            return "found an empty field" if not text.strip() else f"found {text!r}"
        return None
    if kind in ("id", "auto") and not text.strip():
        return "found an empty field"
    return None  # text: anything goes, even nothing


def _diagnose(path: Path, layout: DelimitedLayout, names: list[str],
              columns: Mapping[str, ColumnKind], expected: Mapping[str, str],
              arrow_message: str) -> DataFormatError:
    """The error for the first bad record of a file that the fast path rejected."""
    n_fields = len(names)
    positions = {c: names.index(c) for c in columns}
    for line, fields in iter_records(path, layout):
        if len(fields) != n_fields:
            column = names[len(fields)] if len(fields) < n_fields else None
            return DataFormatError(
                f"the row has {len(fields)} field(s)", file=str(path), line=line,
                column=column, expected=f"{n_fields} fields separated by {layout.describe()}")
        for column, kind in columns.items():
            problem = _field_problem(fields[positions[column]], kind)
            if problem is not None:
                return DataFormatError(problem, file=str(path), line=line, column=column,
                                      expected=expected[column])
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


def ids_to_numpy(column: pa.ChunkedArray) -> np.ndarray:
    """External ids: integers stay integers (int64), anything else becomes text."""
    if pa.types.is_integer(column.type):
        return column.to_numpy().astype(np.int64, copy=False)
    if not pa.types.is_string(column.type) and not pa.types.is_large_string(column.type):
        column = pc.cast(column, pa.string())
    return column.to_numpy()


def first_nonfinite(values: np.ndarray) -> int | None:
    """Index of the first NaN or infinite value, or None."""
    bad = ~np.isfinite(values)
    return int(np.argmax(bad)) if bad.any() else None


def first_out_of_range(values: np.ndarray, rating_range: tuple[float, float]) -> int | None:
    """Index of the first value outside ``[low, high]``, or None."""
    low, high = rating_range
    bad = (values < low) | (values > high)
    return int(np.argmax(bad)) if bad.any() else None


def range_text(rating_range: tuple[float, float]) -> str:
    low, high = rating_range
    return f"a rating between {low:g} and {high:g}"


def timestamps_to_seconds(
    column: pa.ChunkedArray, timestamp_format: str | None
) -> tuple[np.ndarray, int | None]:
    """Convert a timestamp column to int64 Unix seconds.

    Returns the seconds and the index of the first value that could not be converted
    (None when all could; the seconds are then meaningless).

    ``timestamp_format``: None (integers are Unix seconds, text is ISO-8601),
    ``"unix"`` (seconds), ``"unix_ms"``, ``"unix_us"``, ``"iso8601"``, or a
    :func:`time.strptime` pattern such as ``"%d/%m/%Y %H:%M"``. Typed date-time and
    date columns (Parquet, Arrow) are used as they are. Text without a UTC offset is
    taken as UTC; fractional seconds are floored.
    """
    fmt = _check_timestamp_format(timestamp_format)
    kind = column.type
    failed = np.empty(0, np.int64)
    if pa.types.is_timestamp(kind) or pa.types.is_date(kind):
        if pa.types.is_date(kind):
            column = pc.cast(column, pa.timestamp("s"))
        elif kind.unit != "s":
            column = pc.floor_temporal(column, unit="second").cast(
                pa.timestamp("s", tz=kind.tz), safe=False)
        return column.cast(pa.int64()).to_numpy(), None
    is_text = pa.types.is_string(kind) or pa.types.is_large_string(kind)
    if is_text and fmt in (None, *_UNIX_FORMATS):
        integers = pc.match_substring_regex(column, r"^\s*-?\d+\s*$")
        if pc.all(integers).as_py():
            column, kind = pc.cast(pc.utf8_trim_whitespace(column), pa.int64()), pa.int64()
        elif fmt is not None or (len(column) and integers[0].as_py()):
            # Unix seconds asked for, or begun with: the first non-integer is the culprit
            return failed, _first_false(integers)
    if fmt in _UNIX_FORMATS or (fmt is None and _is_number(kind)):
        if not _is_number(kind):
            return failed, 0
        values = column.to_numpy()
        if values.dtype.kind == "f":
            bad = first_nonfinite(values)
            if bad is not None:
                return failed, bad
            values = np.floor(values)
        return values.astype(np.int64) // _UNIX_FORMATS.get(fmt or "unix", 1), None
    # Text: ISO-8601 or a strptime pattern, through pandas (vectorised; handles offsets).
    pandas_format = "ISO8601" if fmt in (None, "iso8601") else fmt
    text = pd.Series(pc.cast(column, pa.string()).to_numpy(zero_copy_only=False), dtype=object)
    parsed = pd.to_datetime(text, format=pandas_format, utc=True, errors="coerce")
    bad_mask = parsed.isna().to_numpy()
    if bad_mask.any():
        return failed, int(np.argmax(bad_mask))
    return parsed.dt.tz_localize(None).to_numpy().astype("datetime64[s]").astype(np.int64), None


def _check_timestamp_format(timestamp_format: str | None) -> str | None:
    """The format normalised (None for automatic), or an error for an unknown one."""
    if timestamp_format in (None, "auto"):
        return None
    if timestamp_format in _UNIX_FORMATS or timestamp_format == "iso8601" or (
            "%" in timestamp_format):
        return timestamp_format
    raise RecstackError(
        f"unknown timestamp_format {timestamp_format!r}; use None, 'unix', 'unix_ms', "
        "'unix_us', 'iso8601' or a strptime pattern such as '%Y-%m-%d %H:%M:%S'")


def _timestamp_expectation(timestamp_format: str | None) -> str:
    """What a valid timestamp looks like under ``timestamp_format``, for messages."""
    if timestamp_format in _UNIX_FORMATS:
        unit = {1: "seconds", 1_000: "milliseconds", 1_000_000: "microseconds"}
        return f"an integer Unix timestamp in {unit[_UNIX_FORMATS[timestamp_format]]}"
    if timestamp_format == "iso8601":
        return _ISO_EXAMPLE
    if timestamp_format and "%" in timestamp_format:
        return f"a date-time in the format {timestamp_format!r}"
    return f"a Unix timestamp (integer seconds) or {_ISO_EXAMPLE}"


def _is_number(kind: pa.DataType) -> bool:
    return pa.types.is_integer(kind) or pa.types.is_floating(kind)


def _first_false(mask: pa.ChunkedArray | pa.Array) -> int:
    return int(np.argmin(np.asarray(mask.to_numpy(zero_copy_only=False), dtype=bool)))


# ---------------------------------------------------------------------------- load_table
def load_table(
    path: PathLike,
    *,
    user_col: str = USER_ID,
    item_col: str = ITEM_ID,
    value_col: str | None = None,
    timestamp_col: str | None = None,
    sep: str | None = None,
    names: Sequence[str] | None = None,
    rating_range: tuple[float, float] | None = None,
    duplicates: DuplicatePolicy = "keep",
    timestamp_format: str | None = None,
    encoding: str = "utf-8",
    progress: Progress | None = None,
) -> Interactions:
    """Load interactions from one CSV, TSV or Parquet file, naming its columns.

    Parameters
    ----------
    path
        ``.csv`` / ``.tsv`` / ``.tab`` (optionally ``.gz``, ``.bz2``, ``.zst``) or
        ``.parquet`` / ``.pq``. Other extensions need ``sep``.
    user_col, item_col
        Columns with the user and item ids (ints stay ints; anything else is text).
    value_col
        Column with ratings or weights; None makes every row an implicit event (1.0).
    timestamp_col
        Column with event times; None loads no timestamps.
    sep
        Field delimiter of a text file; default from the extension.
    names
        Column names of a text file that has no header line.
    rating_range
        ``(low, high)`` for explicit ratings; values outside are an error. A Parquet
        file written by :func:`save_table` remembers its range.
    duplicates
        Policy for repeated (user, item) rows, see :meth:`Interactions.deduplicate`.
    timestamp_format
        None (integers are Unix seconds, text is ISO-8601), ``"unix"``, ``"unix_ms"``,
        ``"unix_us"``, ``"iso8601"`` or a strptime pattern such as ``"%Y-%m-%d %H:%M"``.
    encoding
        Text encoding of a delimited file.
    progress
        Progress reporter (None: silent).

    Returns
    -------
    Interactions

    Raises
    ------
    UnknownColumnError
        A named column is not in the file (the message lists those that are).
    DataFormatError
        A malformed row, a non-numeric / NaN / infinite / out-of-range value or an
        unparseable timestamp, with file, line, column and what was expected.
    """
    path = Path(path)
    if not path.is_file():
        raise RecstackError(f"{path}: no such file")
    if rating_range is not None and value_col is None:
        raise RecstackError("rating_range needs value_col: which column holds the ratings?")
    _check_timestamp_format(timestamp_format)
    roles = {"user ids": user_col, "item ids": item_col}
    if value_col is not None:
        roles["values"] = value_col
    if timestamp_col is not None:
        roles["timestamps"] = timestamp_col
    with resolve(progress).task(f"Reading {path.name}", total=path.stat().st_size) as task:
        if _base_suffix(path) in _PARQUET_EXTENSIONS:
            result = _load_parquet(path, roles, rating_range, duplicates, timestamp_format)
        else:
            result = _load_delimited(path, roles, sep, names, encoding, rating_range,
                                     duplicates, timestamp_format)
        task.advance(path.stat().st_size)
    return result


def _base_suffix(path: Path) -> str:
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] in _COMPRESSION_EXTENSIONS:
        suffixes = suffixes[:-1]
    return suffixes[-1] if suffixes else ""


def _load_delimited(path: Path, roles: dict[str, str], sep: str | None,
                    names: Sequence[str] | None, encoding: str,
                    rating_range: tuple[float, float] | None, duplicates: DuplicatePolicy,
                    timestamp_format: str | None) -> Interactions:
    if sep is None:
        sep = _EXTENSION_DELIMITERS.get(_base_suffix(path))
        if sep is None:
            raise RecstackError(
                f"{path}: cannot tell the format from the extension "
                f"{''.join(path.suffixes) or '(none)'}; use .csv, .tsv or .parquet, "
                "or pass sep=")
    layout = DelimitedLayout(delimiter=sep, names=tuple(names) if names else None,
                             encoding=encoding)
    available = file_column_names(path, layout)
    for role, column in roles.items():
        if column not in available:
            raise UnknownColumnError(column, available, role=role, file=str(path))
    kinds: dict[str, ColumnKind] = {roles["user ids"]: "id", roles["item ids"]: "id"}
    if "values" in roles:
        kinds[roles["values"]] = "float32"
    expected = {}
    if "timestamps" in roles:
        fmt = _check_timestamp_format(timestamp_format)
        # unix: strictly integers; None: let pyarrow infer (ints, ISO-8601); patterns: text
        kinds[roles["timestamps"]] = ("int64" if fmt in _UNIX_FORMATS
                                      else "auto" if fmt is None else "text")
        expected[roles["timestamps"]] = _timestamp_expectation(fmt)
    table = read_delimited(path, layout, kinds, expected=expected)

    def fail_at(index: int, column: str, message: str, wanted: str) -> DataFormatError:
        line, fields = line_of_record(path, layout, index)
        position = available.index(column)
        text = fields[position].strip() if position < len(fields) else ""
        where = "" if line is not None else f"data row {index + 1}: "
        return DataFormatError(where + message.format(text=text), file=str(path), line=line,
                               column=column, expected=wanted)

    return _build(table, roles, rating_range, duplicates, timestamp_format, fail_at)


def _load_parquet(path: Path, roles: dict[str, str], rating_range: tuple[float, float] | None,
                  duplicates: DuplicatePolicy, timestamp_format: str | None) -> Interactions:
    try:
        schema = pq.read_schema(path)
    except (pa.ArrowInvalid, OSError) as error:
        raise DataFormatError(f"not a readable Parquet file ({error})", file=str(path)) from None
    for role, column in roles.items():
        if column not in schema.names:
            raise UnknownColumnError(column, schema.names, role=role, file=str(path))
    if rating_range is None and "values" in roles and schema.metadata:
        rating_range = rating_range_from_metadata(schema.metadata.get(RATING_RANGE_KEY))
    table = pq.read_table(path, columns=list(dict.fromkeys(roles.values())))
    for role, column in roles.items():
        nulls = table.column(column).null_count
        if nulls:
            row = _first_false(pc.is_valid(table.column(column)))
            raise DataFormatError(f"row {row + 1} is empty ({nulls} empty value(s) in all)",
                                  file=str(path), column=column, expected=f"{role} in every row")
    if "values" in roles and not _is_number(table.column(roles["values"]).type):
        raise DataFormatError(f"holds {table.column(roles['values']).type} values",
                              file=str(path), column=roles["values"], expected="numbers")

    def fail_at(index: int, column: str, message: str, wanted: str) -> DataFormatError:
        text = str(table.column(column)[index].as_py())
        return DataFormatError(f"row {index + 1}: " + message.format(text=text), file=str(path),
                               column=column, expected=wanted)

    return _build(table, roles, rating_range, duplicates, timestamp_format, fail_at)


def _build(table: pa.Table, roles: dict[str, str], rating_range: tuple[float, float] | None,
           duplicates: DuplicatePolicy, timestamp_format: str | None, fail_at: Any
           ) -> Interactions:
    """Typed columns -> checked numpy arrays -> Interactions (the shared tail of loaders)."""
    values = timestamps = None
    if "values" in roles:
        column = roles["values"]
        values = column_to_numpy(table, column, np.float32)
        bad = first_nonfinite(values)
        if bad is not None:
            raise fail_at(bad, column, "found {text!r}", "a finite number")
        if rating_range is not None:
            bad = first_out_of_range(values, rating_range)
            if bad is not None:
                raise fail_at(bad, column, "found {text}", range_text(rating_range))
    if "timestamps" in roles:
        column = roles["timestamps"]
        timestamps, bad = timestamps_to_seconds(table.column(column), timestamp_format)
        if bad is not None:
            raise fail_at(bad, column, "cannot read {text!r} as a time",
                          _timestamp_expectation(timestamp_format))
    users = ids_to_numpy(table.column(roles["user ids"]))
    items = ids_to_numpy(table.column(roles["item ids"]))
    del table
    return Interactions.from_arrays(users, items, values, timestamps, duplicates=duplicates,
                                    rating_range=rating_range)


# ---------------------------------------------------------------------------- save_table
def interactions_to_arrow(data: Interactions) -> pa.Table:
    """``user_id, item_id, value[, timestamp]`` with external ids, the range in the metadata."""
    columns: dict[str, Any] = {
        USER_ID: data.users.to_external(data.user_index),
        ITEM_ID: data.items.to_external(data.item_index),
        VALUE: data.value,
    }
    if data.timestamp is not None:
        columns[TIMESTAMP] = data.timestamp
    table = pa.table(columns)
    if data.rating_range is not None:
        low, high = data.rating_range
        table = table.replace_schema_metadata(
            {RATING_RANGE_KEY: f"{float(low)!r},{float(high)!r}"})
    return table


def rating_range_from_metadata(raw: bytes | None) -> tuple[float, float] | None:
    if not raw:
        return None
    try:
        low, high = (float(x) for x in raw.decode().split(","))
    except ValueError:
        return None
    return (low, high)


def save_table(data: Interactions, path: PathLike) -> Path:
    """Write interactions to one Parquet file, atomically.

    Columns are ``user_id, item_id, value`` and ``timestamp`` (int64 Unix seconds) when
    present, with external ids; the rating range is kept in the file's metadata so
    that :func:`load_table` restores it. Side tables are not written.

    The file is written next to its destination under a temporary name and renamed
    into place, so a reader never sees half a file and a failure leaves no debris.

    Parameters
    ----------
    data
        The interactions.
    path
        Destination ``.parquet`` file; its folder must exist.

    Returns
    -------
    Path
        ``path``.
    """
    path = Path(path)
    if not path.parent.is_dir():
        raise RecstackError(f"{path.parent}: no such folder")
    table = interactions_to_arrow(data)
    return write_with(path, lambda target: pq.write_table(table, target))

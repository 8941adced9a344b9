"""Reading a side table (an items or users file, CSV or Parquet, or a folder of Parquet part
files holding one table) a user points recstack at, with one clear error for each way it
can be wrong."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from recstack.data.files import (
    DelimitedLayout,
    _part_table,
    _PartTable,
    _unterminated_quote,
    as_path,
    check_content,
    file_column_names,
    first_repeated_name,
    first_text_not_utf8,
    ids_from_text,
    ids_to_numpy,
    is_part_folder,
    line_of_record,
    not_a_file,
    not_utf8_error,
    read_delimited,
    reading,
    scalar_text,
    text_not_utf8_message,
    text_not_utf8_remedy,
    unheld_text_not_utf8_message,
    warn_of_one_part,
)
from recstack.data.interactions import (
    and_marks,
    check_flag,
    check_name_list,
    trimmed_column_name,
)
from recstack.errors import (
    ConfigError,
    DataFormatError,
    UnknownColumnError,
    counted,
    echoed,
)
from recstack.specs import arguments_named, home_problem

__all__ = ["read_side_table"]

_PARQUET = (".parquet", ".pq")
# quoted fields may span lines: descriptions often do
_CSV = DelimitedLayout(delimiter=",", newlines_in_values=True)

#: the file holding row ``index`` (from 0) of a Parquet table, and the row's index there:
#: in a folder of parts, the part and its own row, so that a bad value can be found
Locate = Callable[[int], tuple[str, int]]


@arguments_named
def read_side_table(path: str | Path, *, what: str = "items file", key: str = "item_id",
                    columns: Sequence[str] = (), key_as_text: bool = False,
                    require_rows: bool = False) -> pd.DataFrame:
    """The table at ``path`` (``.csv`` or ``.parquet``, or a folder of Parquet part files
    holding one table, read as :func:`~recstack.data.files.load_table` reads one: its
    bookkeeping files passed over, its parts in natural name order, parts that disagree
    refused naming both and the column), its ``key`` column first, then every other column;
    ``columns`` are further columns it must have. With ``key_as_text`` the ids are text (as
    the service's ids are); otherwise they keep the type the file gives them, to match the
    ids of interaction files read the same way. With ``require_rows``
    a file of a header only is refused (a catalog of nothing: the pipeline's checks took
    every item of the logs for an unknown one); without it, the caller judges an empty
    table (the service says what its items file lacks).

    Raises
    ------
    DataFormatError
        ``path`` does not exist, is no file (a folder other than one of part files, a pipe,
        a broken link) or has no CSV or Parquet name, as the other data readers refuse such
        a path; the file cannot be read as its kind, or lacks ``key`` or one of ``columns``
        (the message lists the columns it has, and the near name of each one missing). A
        bad value in a folder of parts is named in its part, by its row there.
    ConfigError
        ``key``, ``columns`` or a flag is no value of its kind.

    Warns
    -----
    OnePartWarning
        ``path`` is one of several part files of a folder that holds one table.
    """
    homeless = home_problem(os.fspath(path)) if isinstance(path, str | os.PathLike) else None
    if homeless is not None:
        # '~nosuchuser/items.csv' was "no such items file", the ~ unmentioned (with HOME
        # set empty, '~/items.csv' was read as /items.csv): the rule of every path
        raise DataFormatError(f"the {what}'s path {homeless}", file=repr(os.fspath(path)))
    # '~/items.csv' was looked for in a folder named '~'
    path = as_path(Path(path).expanduser() if isinstance(path, str | os.PathLike)
                   and str(os.fspath(path)).startswith("~") else path)
    if not isinstance(key, str) or not key.strip():
        # '' and 5 were "the items file needs the column(s) ''" (or 5), as if the file lacked it
        raise ConfigError(f"key must be the name of the {what}'s id column, such as "
                          f"'item_id', got {type(key).__name__} {key!r}")
    columns = check_name_list(columns, "columns", example="['title']")
    key_as_text = check_flag(key_as_text, "key_as_text")
    require_rows = check_flag(require_rows, "require_rows")
    if is_part_folder(path):
        # Spark's items.parquet/ of part-* files was "is a folder", where the logs' reader
        # reads it as one table: the same helpers, so that both readers take one layout
        return _finish(path, _read_parquet(path, what, _part_table(path)), key, columns,
                       what, "Parquet", require_rows, key_as_text, parts=True)
    suffix = path.suffix.lower()
    problem = not_a_file(path)
    if problem is not None and not problem.startswith("no such file"):
        # a folder (or a pipe, a broken link) is said to be one before its name is judged:
        # 'logs' is not a misnamed file
        wanted = (f"expected the {what}, a .csv or .parquet file, or a folder of "
                  "Parquet part files (part-*) holding one table")
        problem = (problem.replace("expected a file", wanted) if "expected a file" in problem
                   else f"{problem}; {wanted}")
        # DataFormatError, with the file, as the other data readers refuse a path that is
        # no file (the graph-CF and NCF splits, a JSON log): the base RecstackError was
        # caught by no `except DataFormatError` of a caller reading several files
        raise DataFormatError(problem, file=str(path))
    if problem is not None:
        # missing comes first: 'nosuch' (no suffix) was told only that the file must be a
        # .csv or .parquet file, as if it were there under another name
        problem = f"no such {what}" + problem.removeprefix("no such file")
        if suffix not in (*_PARQUET, ".csv"):
            problem += f" (and the {what} must be a .csv or .parquet file)"
        raise DataFormatError(problem, file=str(path))
    if suffix not in (*_PARQUET, ".csv"):
        raise DataFormatError(f"the {what} must be a .csv or .parquet file"
                              f"{_how_to_convert(path, suffix)}",
                              file=str(path))
    # a part-00000-*.parquet of a folder holding the others was read as the whole table
    warn_of_one_part(path, what)
    kind = "Parquet" if suffix in _PARQUET else "CSV"
    try:
        check_content(path, parquet=kind == "Parquet", encoding="utf-8", decompresses=False)
    except DataFormatError as error:
        raise _as_this_readers(error, what) from None
    if kind == "Parquet":
        return _finish(path, _read_parquet(path, what), key, columns, what, kind,
                       require_rows, key_as_text)
    csv_keys = _check_csv(path, key, what)
    try:
        table = _read_csv(path, key, what)
    except DataFormatError:
        raise  # (a ValueError too) already says what and where
    except (OSError, ValueError, UnicodeDecodeError, pd.errors.ParserError) as error:
        # an empty CSV is pandas' EmptyDataError; bytes that are not UTF-8 in a column
        # other than the key (the key's reader names its own)
        located = (not_utf8_error(path, what) if isinstance(error, UnicodeDecodeError)
                   else _open_quote(path, what) if isinstance(error, pd.errors.ParserError)
                   else None)
        raise located or DataFormatError(f"{path}: not a readable {kind} {what} ({error})"
                                         ) from None
    return _finish(path, (table, None, _in_one_file(path)), key, columns, what, kind,
                   require_rows, key_as_text, csv_keys=csv_keys)


def _in_one_file(path: Path) -> Locate:
    return lambda index: (str(path), index)


def _read_parquet(path: Path, what: str, parts: _PartTable | None = None
                  ) -> tuple[pd.DataFrame, pa.Table, Locate]:
    """The Parquet file ``path``, or with ``parts`` the part files of the folder ``path``
    read as one table: the table as pandas gives it (its names trimmed, a column without a
    name or values dropped), as pyarrow does, and where each row comes from."""
    locate: Locate = parts.locate if parts is not None else _in_one_file(path)
    if parts is not None:
        for file in parts.files:
            try:
                check_content(file, parquet=True, encoding="utf-8", decompresses=False)
            except DataFormatError as error:
                raise _as_this_readers(error, what) from None
    _check_parquet_names(path, what, parts.schema if parts is not None else None)

    def read() -> pa.Table:
        return parts.read(parts.schema.names) if parts is not None else pq.read_table(path)
    try:
        arrow = read()
        # a writer that did not check its text: pandas failed on it in pyarrow ("Wrapping
        # caf\ufffd failed", an ArrowException), naming no column or row
        not_utf8 = first_text_not_utf8(arrow)
        if not_utf8 is not None:
            name, index, raw = not_utf8
            if index is None:
                raise DataFormatError(unheld_text_not_utf8_message(raw), file=str(path),
                                      column=name, expected=text_not_utf8_remedy(what))
            holder, row = locate(index)
            raise DataFormatError(f"row {row + 1}: {text_not_utf8_message(raw)}",
                                  file=holder, column=name,
                                  expected=text_not_utf8_remedy(what))
        unnamed = _unnamed_parquet_columns(path, arrow, what, locate)
        table = _nullable_integers(arrow, arrow.to_pandas())
    except DataFormatError:
        raise  # (a ValueError too) already says what and where
    except (OSError, ValueError) as error:
        # pyarrow's ArrowInvalid is a ValueError
        located = _date_beyond_the_calendar(path, what, read, locate)
        raise located or DataFormatError(f"{path}: not a readable Parquet {what} ({error})"
                                         ) from None
    if any(name is not None for name in table.index.names):
        # a frame saved with its key as the index (set_index('item_id').to_parquet()):
        # the file holds it as a column, which the logs' reader reads as one
        table = table.reset_index(level=[n for n in table.index.names if n is not None])
    # the names by the rule of every format, as the logs' Parquet reader and a CSV
    # header read them: ' item_id' was no item_id here, where the CSV's was; a column
    # without a name and without values goes, as in a CSV (refused above if it holds
    # values: it was kept as '' or ' ' without a word)
    table = table.drop(columns=unnamed).rename(
        columns=lambda name: trimmed_column_name(name) if isinstance(name, str) else name)
    arrow = arrow.rename_columns([trimmed_column_name(name) for name in arrow.column_names])
    return table, arrow, locate


def _finish(path: Path, read: tuple[pd.DataFrame, pa.Table | None, Locate], key: str,
            columns: Sequence[str], what: str, kind: str, require_rows: bool,
            key_as_text: bool, *, csv_keys: np.ndarray | None = None, parts: bool = False
            ) -> pd.DataFrame:
    """The checks of every kind of side table once it is read: the columns it must have,
    its keys by the logs' id rule, each key once and none empty."""
    table, arrow, locate = read
    missing = [c for c in (key, *columns) if c not in table.columns]
    if missing:
        from recstack.specs import closest, did_you_mean

        # 'Item_ID' for item_id said nothing of the near name, as the logs' loaders do;
        # each missing column gets its own ('Item_ID,Title' named only 'Item_ID', and
        # 'Title' looked like another column the file had besides)
        others = [str(c) for c in table.columns if c not in (key, *columns)]
        needed: list[str] = []
        for name in missing:
            hint = did_you_mean(name, others)
            needed.append(f"{name!r}{hint}")
            near = closest(name, others)
            if near:
                others.remove(near)  # one column is the near name of one missing column
        raise DataFormatError(f"{path}: the {what} needs the column(s) "
                              f"{', '.join(needed)}; it has "
                              f"{', '.join(map(repr, map(str, table.columns))) or 'none'}")
    if csv_keys is not None:
        table[key] = _keys_by_the_id_rule(path, table, key, csv_keys)
    if arrow is not None:
        table[key] = _whole_number_keys(path, table[key], key, what, locate)
        _keys_by_the_parquet_rule(path, arrow, table, key, what, locate)
    if require_rows and table.empty:
        held = "its parts hold no rows" if parts else "it has no rows, only its header"
        raise DataFormatError(f"{path}: the {what} is empty: {held} (expected one row per "
                              f"{key})")
    _refuse_repeated_keys(path, table, key, what, kind, locate)
    if key_as_text:
        table[key] = table[key].astype(str)
    return table[[key, *[c for c in table.columns if c != key]]]


def _how_to_convert(path: Path, suffix: str) -> str:
    """How to make a table of another kind one this reader reads (empty for a kind with
    no usual conversion): a JSON export, or a tab-separated or compressed file, which the
    interaction logs' reader takes, was refused without a word of what to do."""
    if suffix in (".json", ".jsonl", ".ndjson"):
        lines = ", lines=True" if suffix != ".json" else ""
        return (f"; convert it, e.g. pandas.read_json({str(path)!r}{lines})"
                f".to_parquet({path.with_suffix('.parquet').name!r})")
    if suffix in (".tsv", ".tab"):
        return (f"; save it as CSV, e.g. pandas.read_csv({str(path)!r}, sep='\\t')"
                f".to_csv({path.with_suffix('.csv').name!r}, index=False)")
    if suffix in (".gz", ".bz2", ".xz", ".zst", ".zip"):
        return "; decompress it first (a side table is read uncompressed)"
    return ""


def _open_quote(path: Path, what: str) -> DataFormatError | None:
    """The logs' error for a quoted field never closed (a truncated file), naming its line,
    where pandas said "EOF inside string starting at row 2" (a row, not the line)."""
    error = _unterminated_quote(path, _CSV)
    if error is None:
        return None
    return DataFormatError(f"not a readable CSV {what}: {error.detail}", file=error.file,
                           line=error.line, expected=error.expected)


def _check_csv(path: Path, key: str, what: str) -> np.ndarray | None:
    """The CSV reader of the interaction logs over the file, for what pandas lets through
    without a word: a repeated column name (renamed 'title.1'), rows with more fields than
    the header (the extra ones silently became the index), empty keys; and to name the line
    of undecodable bytes or an unterminated quote. Returns the keys read by the id rule of
    the logs (None when there is no ``key`` column)."""
    def fail_at(index: int, column: str, message: str, wanted: str) -> DataFormatError:
        # the record's line, as the logs' reader names it ("line 3 holds NA", not the
        # "data row 2" of a table)
        with reading(path):
            line, fields = line_of_record(path, _CSV, index)
        names = [name.strip() for name in file_column_names(path, _CSV)]
        text = (fields[names.index(column)].strip()
                if column in names and names.index(column) < len(fields) else "")
        where = "" if line is not None else f"data row {index + 1}: "
        return DataFormatError(where + message.format(text=text), file=str(path), line=line,
                               column=column, expected=wanted)

    try:
        return ids_from_text(read_delimited(path, _CSV, {key: "id"}).column(key), key,
                             fail_at)
    except UnknownColumnError:
        return None  # the column check below lists the columns there are
    except DataFormatError as error:
        error = _as_this_readers(error, what)
        raise DataFormatError(f"not a readable CSV {what}: {error.detail}", file=error.file,
                              line=error.line, column=error.column,
                              expected=error.expected) from None


def _as_this_readers(error: DataFormatError, what: str) -> DataFormatError:
    """``error`` of the logs' readers with their advice to pass an option this reader does
    not have (``separator=``, ``encoding=``: "pass its encoding=" of a side table, which
    is read as UTF-8 with ',' between fields) turned into how to save the file instead."""
    expected = error.expected
    if expected is not None and ".tsv name" in expected:
        # text in a .parquet file: a side table is a .csv file or a Parquet one, never .tsv
        expected = expected.replace("a .csv or .tsv name", "a .csv name")
    if expected is None or not ("separator=" in expected or "encoding=" in expected):
        return error if expected == error.expected else DataFormatError(
            error.detail, file=error.file, line=error.line, column=error.column,
            expected=expected)
    if "pass separator=" in expected:
        # this reader has no separator option, so the file must change
        expected = re.sub(r" \((for a log of your own, )?pass separator=[^)]*\)|: pass "
                          r"separator=[^)]*", "", expected)
        expected += f" (the {what} is read with ',' between fields: save it so)"
    if "encoding=" in expected:
        # a NUL byte, UTF-16 or another encoding: the file must be saved as UTF-8
        expected = f"UTF-8 text (the {what} is read as UTF-8 only: save the file as UTF-8)"
    return DataFormatError(error.detail, file=error.file, line=error.line,
                           column=error.column, expected=expected)


def _read_csv(path: Path, key: str, what: str = "items file") -> pd.DataFrame:
    """The CSV as pandas reads it (numbers as numbers), with the header's names as the
    interaction logs read them (trimmed: ``item_id , title`` has an ``item_id``), without the
    empty column a separator at the end of every line adds, and with every text kept as
    written: pandas reads ``NA``, ``None``, ``null`` or ``nan`` as a missing value, so a
    title ``None`` or the region ``NA`` (North America) became null without a word. Only
    an empty field is missing, as in the logs, except in a column of numbers, where such
    markers stay missing numbers."""
    # the key as text: pandas' own guess would read 007 as 7 and 1e3 as 1000.0
    table = pd.read_csv(path, dtype={key: str})
    as_written = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
    for name in table.columns:
        column = table[name]
        if name == key:
            continue
        if _has_leading_zeros(column, as_written[name]):
            table[name] = as_written[name]
            continue
        if _integers_with_gaps(column, as_written[name]):
            # pandas holds a missing integer as NaN, making every other one a float (a year
            # 1999 shown as 1999.0): nullable integers keep them whole
            table[name] = as_written[name].where(column.notna()).str.strip().astype("Int64")
            continue
        if _flags_with_gaps(column):
            # True/False with an empty field: objects, read as categories where the same
            # column without the gap is a flag (a number) for the feature builder
            table[name] = column.astype("boolean")
            continue
        made_missing = column.isna() & as_written[name].notna()
        if not made_missing.any():
            continue
        if not (pd.api.types.is_numeric_dtype(column) and column.notna().any()):
            table[name] = as_written[name]
    header = file_column_names(path, _CSV)
    if len(header) == len(table.columns):
        # the header's names as the logs read them (trimmed); an empty one keeps pandas'
        # 'Unnamed: 2' until it is dropped (no values) or refused (values)
        table.columns = [name or shown for name, shown in zip(header, table.columns,
                                                             strict=True)]
        empty = [shown for name, shown in zip(header, table.columns, strict=True)
                 if not name and table[shown].isna().all()]
        for position, (name, shown) in enumerate(zip(header, table.columns, strict=True)):
            if not name and shown not in empty:
                # a column of values without a name (',' twice in the header, a blank or
                # a trailing name) was kept as pandas' 'Unnamed: 1' (or ' ') without a word
                raise _unnamed_column(path, table[shown], position, what)
        table = table.drop(columns=empty)
    return table


def _unnamed_column(path: Path, column: pd.Series, position: int, what: str
                    ) -> DataFormatError:
    """The refusal of the header's column ``position`` (0-based), which has no name but
    holds values: where, its first value and its line, and what would be right."""
    first = int(np.flatnonzero(column.notna().to_numpy())[0])
    with reading(path):
        line, fields = line_of_record(path, _CSV, first)
    value = (fields[position].strip() if line is not None and position < len(fields)
             else str(column.iloc[first]))
    at = f"line {line}" if line is not None else f"data row {first + 1}"
    index = (" (pandas' to_csv() writes its row numbers so: save the table with "
             "index=False)" if position == 0 else "")
    return DataFormatError(
        f"not a readable CSV {what}: the header's column {position + 1} has no name, but "
        f"its fields hold values ({echoed(repr(value))} on {at}){index}", file=str(path),
        line=1, expected="a name for every column that holds values: name it in the "
        "header, or remove the column")


def _integers_with_gaps(column: pd.Series, written: pd.Series) -> bool:
    """Whether pandas read a column of integers with missing values as floats: every value
    it kept is written as an integer that int64 holds."""
    if column.dtype.kind != "f" or not column.isna().any() or not column.notna().any():
        return False
    return bool(written[column.notna()].str.strip().str.fullmatch(r"[+-]?\d{1,18}").all())


def _flags_with_gaps(column: pd.Series) -> bool:
    """Whether pandas read a column of True/False with missing values as objects."""
    if column.dtype != object or not column.isna().any() or not column.notna().any():
        return False
    return all(isinstance(value, bool | np.bool_) for value in column.dropna().tolist())


def _nullable_integers(arrow: pa.Table, table: pd.DataFrame) -> pd.DataFrame:
    """``table`` (pandas' conversion of ``arrow``, a Parquet file's table) with the integer
    columns that hold nulls as nullable integers, not the floats pandas makes of them, and
    the true/false columns that hold nulls as pandas' nullable ``boolean``, not objects (a
    flag with a gap was read as categories by the feature builder, one without as a
    number)."""
    for name, column in zip(arrow.column_names, arrow.columns, strict=True):
        if not (column.null_count and name in table.columns and len(column) == len(table)):
            continue
        if pa.types.is_integer(column.type) and table[name].dtype.kind == "f":
            table[name] = column.to_pandas(types_mapper=_NULLABLE_INTEGERS.get).array
        elif pa.types.is_boolean(column.type) and table[name].dtype == object:
            table[name] = column.to_pandas(types_mapper={pa.bool_(): pd.BooleanDtype()}.get
                                           ).array
    return table


#: pyarrow's integer types -> pandas' nullable ones
_NULLABLE_INTEGERS = {pa.int8(): pd.Int8Dtype(), pa.int16(): pd.Int16Dtype(),
                      pa.int32(): pd.Int32Dtype(), pa.int64(): pd.Int64Dtype(),
                      pa.uint8(): pd.UInt8Dtype(), pa.uint16(): pd.UInt16Dtype(),
                      pa.uint32(): pd.UInt32Dtype(), pa.uint64(): pd.UInt64Dtype()}


def _has_leading_zeros(column: pd.Series, written: pd.Series) -> bool:
    """Whether pandas read a column of codes as numbers: a written ``02139`` (a zip code),
    ``007`` (a title) or ``-01`` is no number's spelling, and its zeros were lost."""
    if not pd.api.types.is_numeric_dtype(column) or pd.api.types.is_bool_dtype(column):
        return False
    return bool(written.str.strip().str.fullmatch(r"[+-]?0\d+").any())


def _keys_by_the_id_rule(path: Path, table: pd.DataFrame, key: str, keys: np.ndarray
                         ) -> np.ndarray:
    """The key column as an interaction log's reader gives it, so that a table's ``007``
    finds the log's ``"007"`` (pandas read it as the number 7, which no log id is)."""
    if len(keys) != len(table):  # both readers skip blank lines: never expected
        raise DataFormatError(f"{counted(len(table), 'row')}, but {len(keys):,} keys in column "
                              f"{key!r}", file=str(path), column=key,
                              expected="one key per row")
    return keys


def _whole_number_keys(path: Path, keys: pd.Series, key: str, what: str, locate: Locate
                       ) -> pd.Series:
    """Float keys of a Parquet table by the logs' Parquet rule (``recstack.data.files``):
    whole numbers below 2**53 are those integers (1.0 is the log's id 1); any other float
    (1.5, infinity) is refused naming its row: it was kept as a key no log id matches.
    Missing keys are left to the empty-key check."""
    if keys.dtype.kind != "f":
        return keys
    values = keys.to_numpy(dtype=np.float64)
    present = ~np.isnan(values)
    with np.errstate(invalid="ignore"):
        whole = np.isfinite(values) & (np.floor(values) == values) & (np.abs(values) < 2**53)
    odd = present & ~whole
    if odd.any():
        index = int(np.argmax(odd))
        file, row = locate(index)
        raise DataFormatError(f"row {row + 1}: found {float(values[index])!r}, not a whole "
                              "number", file=file, column=key,
                              expected=f"integer or text ids in the {what}; a float id must be "
                                       "a whole number below 2**53, as in the logs")
    if not present.all():
        return keys
    return pd.Series(values.astype(np.int64), index=keys.index, name=keys.name)


def _keys_by_the_parquet_rule(path: Path, arrow: pa.Table, table: pd.DataFrame, key: str,
                              what: str, locate: Locate) -> None:
    """Decimal and text keys by the logs' Parquet rule (``ids_to_numpy``). Decimal keys (a
    database's NUMERIC ids): whole numbers within int64 become those integers, any other is
    refused naming its row; they stayed Python Decimal objects, and 4.5 a key no log id
    matches, without a word. Text keys are trimmed, an empty one (``""``, ``" "``) is
    refused naming its row and ones spelled as a missing value (``NA``...) are warned of,
    as in an interactions file: ``" i1"`` stayed a key the log's ``"i1"`` never found,
    and ``""`` a real key."""
    if key not in arrow.column_names:
        return
    kind = arrow.schema.field(key).type
    if pa.types.is_dictionary(kind):  # a pandas category column
        kind = kind.value_type
    if pa.types.is_null(kind):
        return  # no key at all: left to the empty-key check
    if not (pa.types.is_integer(kind) or pa.types.is_floating(kind)
            or pa.types.is_decimal(kind) or pa.types.is_string(kind)
            or pa.types.is_large_string(kind) or pa.types.is_string_view(kind)
            or pa.types.is_binary(kind) or pa.types.is_large_binary(kind)
            or pa.types.is_binary_view(kind)):
        # the logs' rule (ids_to_numpy): booleans, dates and date-times, lists are no ids;
        # True and False, or a Timestamp, were kept as keys no log id matches
        raise DataFormatError(f"holds {kind} values", file=str(path), column=key,
                              expected=f"integer or text ids in the {what}, as in the logs")
    if not (pa.types.is_decimal(kind) or pa.types.is_string(kind)
            or pa.types.is_large_string(kind) or pa.types.is_string_view(kind)
            or pa.types.is_binary(kind) or pa.types.is_large_binary(kind)
            or pa.types.is_binary_view(kind)):
        return
    column = arrow.column(key)
    if len(column) != len(table):
        return  # never expected: pandas keeps every row
    if column.null_count:
        return  # left to the empty-key check

    def fail_at(index: int, name: str, message: str, expected: str) -> DataFormatError:
        file, row = locate(index)
        return DataFormatError(f"row {row + 1}: " + message.format(
            text=scalar_text(column[index])), file=file, column=name,
            expected=f"{expected} in the {what}")

    table[key] = ids_to_numpy(column, key, fail_at)


# Days from 1970-01-01 to 0001-01-01 and to 9999-12-31: the dates Python's datetime.date,
# which pandas turns a date column into, can hold.
_FIRST_DAY, _LAST_DAY = -719_162, 2_932_896


def _date_beyond_the_calendar(path: Path, what: str, read: Callable[[], pa.Table],
                              locate: Locate) -> DataFormatError | None:
    """The error naming the column and row of a date that pandas cannot hold (before the
    year 1 or after 9999: its read fails with only the year), or None if there is none."""
    try:
        table = read()
    except (OSError, ValueError):
        return None
    for name, column in zip(table.column_names, table.columns, strict=True):
        if not pa.types.is_date32(column.type):  # Parquet stores every date so
            continue
        days = pc.cast(column, pa.int32())
        outside = pc.fill_null(pc.or_(pc.less(days, _FIRST_DAY),
                                      pc.greater(days, _LAST_DAY)), False)
        if pc.any(outside).as_py():
            index = int(np.argmax(np.asarray(outside.to_numpy(zero_copy_only=False), bool)))
            file, row = locate(index)
            return DataFormatError(f"row {row + 1}: found {scalar_text(column[index])}",
                                   file=file, column=name,
                                   expected=f"dates between the years 1 and 9999 in the {what}")
    return None


def _check_parquet_names(path: Path, what: str, schema: pa.Schema | None = None) -> None:
    """The schema's names by the one rule of every format (``trimmed_column_name``): two
    that are one once surrounding spaces (or a byte-order mark) are dropped are refused
    as the logs' Parquet reader refuses them; a blank name is judged by its values
    (:func:`_unnamed_parquet_columns`). ``schema``: that of a folder's parts, read as one."""
    try:
        names = (schema if schema is not None else pq.read_schema(path)).names
    except (OSError, ValueError) as error:  # pyarrow's ArrowInvalid is a ValueError
        raise DataFormatError(f"{path}: not a readable Parquet {what} ({error})") from None
    # a blank name is never a repeat of another: each stands for itself here
    repeated = first_repeated_name([trimmed_column_name(name) or object() for name in names])
    if repeated is not None:
        name, first, second = repeated
        one, other = names[first - 1], names[second - 1]
        spaced = ("" if one == other else
                  f", {one!r} and {other!r} once surrounding spaces{and_marks(one, other)} "
                  "are dropped")
        raise DataFormatError(f"its schema names column {name!r} twice (columns {first} and "
                              f"{second}{spaced})", file=str(path),
                              expected=f"distinct column names in the {what}")


def _unnamed_parquet_columns(path: Path, arrow: pa.Table, what: str, locate: Locate
                             ) -> list[str]:
    """The names (as stored) of the columns whose name is empty or blank and which hold no
    value: dropped, as the CSV reader drops the empty column a ``,`` ending every line
    adds. One without a name that holds values is refused, naming its place, its first
    value and row, as the CSV reader refuses it: such a column was kept under the name
    ``''`` (or ``' '``), which no setting can name."""
    empty = []
    for position, (name, column) in enumerate(zip(arrow.column_names, arrow.columns,
                                                  strict=True), start=1):
        if trimmed_column_name(name):
            continue
        if column.null_count == len(column):
            empty.append(name)
            continue
        index = int(np.flatnonzero(np.asarray(
            pc.is_valid(column).to_numpy(zero_copy_only=False), bool))[0])
        value = column[index].as_py()
        shown = (echoed(repr(value)) if isinstance(value, str)
                 else scalar_text(column[index]))
        blank = f" (its name is {name!r}, blank)" if name else ""
        file, row = locate(index)
        raise DataFormatError(
            f"not a readable Parquet {what}: its schema's column {position} has no "
            f"name{blank}, but it holds values ({shown} in row {row + 1})", file=file,
            expected="a name for every column that holds values: rewrite the file with the "
            "column named, or without it")
    return empty


def _refuse_repeated_keys(path: Path, table: pd.DataFrame, key: str, what: str, kind: str,
                          locate: Locate) -> None:
    """A key that is empty or listed twice makes its row's attributes a guess."""
    keys = table[key]
    empty = keys.isna().to_numpy()
    if empty.any():
        file, row = locate(int(empty.argmax()))
        raise DataFormatError(f"row {row + 1} is empty", file=file,
                              column=key, expected=f"an id in every row of the {what}")
    repeated = keys.duplicated().to_numpy()
    if not repeated.any():
        return
    again = int(repeated.argmax())
    first = int((keys == keys.iloc[again]).to_numpy().argmax())
    file = str(path)
    if kind == "CSV":
        with reading(path):
            places = [f"line {line_of_record(path, _CSV, row)[0]}" for row in (first, again)]
    else:
        (one, row_one), (other, row_other) = locate(first), locate(again)
        if one == other:
            file, places = one, [f"row {row_one + 1}", f"row {row_other + 1}"]
        else:
            # in two parts of a folder: each row named in its part
            places = [f"row {row_one + 1} of {Path(one).name}",
                      f"row {row_other + 1} of {Path(other).name}"]
    value = keys.iloc[again]
    shown = value.item() if hasattr(value, "item") else value  # 7, not np.int64(7)
    raise DataFormatError(f"{key} {shown!r} is listed twice ({places[0]} and "
                          f"{places[1]})", file=file, column=key,
                          expected=f"each {key} once in the {what}")

"""Time-partitioned Parquet datasets: ``root/year=YYYY/month=MM/part-0.parquet``.

Logs that grow by the month are kept as a Hive-partitioned dataset so that a reader
asking for a time range opens only the folders that can hold it. :func:`write_partitioned`
writes one atomically; :func:`read_partitioned` prunes folders by their ``year``/``month``
(``day``) values and then applies the exact bound on the timestamps.

Each file holds ``user_id, item_id, value, timestamp`` (int64 Unix seconds, UTC), rows in
time order. ``root/_common_metadata`` (the Hive / Spark convention) holds the schema, the
partitioning and the rating range, so a reader learns them without opening a data file.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
import os
import re
import urllib.parse
import warnings
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from recstack.atomic import (
    atomic_directory,
    blocking_parent,
    check_regular_file,
    describe_path,
    padded_name_problem,
)
from recstack.data.dates import refuse_a_range_within_one_second, to_unix_seconds
from recstack.data.files import (
    ZONE_MIX_REMEDY,
    PathLike,
    TableRoles,
    arrow_kind_shown,
    as_path,
    check_name_list,
    check_values,
    clamp_to_time_range,
    context_frame,
    exact_decimals,
    first_repeated_name,
    first_text_not_utf8,
    first_time_out_of_range,
    ids_to_numpy,
    interactions_to_arrow,
    is_part_folder,
    near_miss,
    parquet_damage,
    plain_column,
    reading,
    refuse_pointer_file,
    refuse_unwritable_context_names,
    refuse_values_not_numbers,
    refuse_values_outside_range,
    scalar_text,
    text_as_numbers_advice,
    text_not_utf8_message,
    text_not_utf8_remedy,
    timestamps_to_seconds,
    unheld_text_not_utf8_message,
    values_as_float32,
    zone_mix_problem,
)
from recstack.data.interactions import (
    ITEM_ID,
    TIMESTAMP,
    TRUE_FALSE_AS_VALUES,
    USER_ID,
    VALUE,
    EmptyTimeRangeWarning,
    Interactions,
    and_marks,
    caller_stacklevel,
    check_flag,
    finer_unit_hint,
    ids_already_warned_of,
    refuse_bound_beyond_the_calendar,
    require_interactions,
    trimmed_column_name,
    unknown_column,
)
from recstack.errors import ConfigError, DataFormatError, RecstackError, shown
from recstack.progress import Progress, require_reporter, resolve
from recstack.specs import arguments_named, did_you_mean

__all__ = ["write_partitioned", "read_partitioned", "partition_files", "is_partitioned",
           "EmptyTimeRangeWarning"]

_LEVELS = ("year", "month", "day")
_LEVEL_TYPES = {"year": pa.int16(), "month": pa.int8(), "day": pa.int8()}
#: digits of each level's folder value: zero-padded, folders sort in time order
_WIDTH = {"year": 4, "month": 2, "day": 2}
_OPTIONAL_COLUMNS = (VALUE, TIMESTAMP)
_COMMON_METADATA = "_common_metadata"
#: bytes read from the start of a data file pyarrow could not read, to tell a pointer file
_POINTER_BYTES = 4096
_PARTITIONING_KEY = b"recstack.partitioning"
TimeBound = int | str | dt.datetime | dt.date | np.datetime64 | None


#: how a partition's times in a finer unit become the dataset's seconds (finer_unit_hint)
_PARTITION_UNIT_REMEDY = ("a partitioned dataset holds integer Unix seconds: rewrite the "
                          "partition with its times divided by {factor}")


#: extensions of one file of a format (text tables, compressions, JSON), refused as the name
#: of the dataset folder (``.parquet`` is not: Spark names its table folders so)
_FILE_EXTENSIONS = (".csv", ".tsv", ".tab", ".txt", ".dat", ".json", ".jsonl", ".gz",
                    ".bz2", ".zst", ".lz4", ".zip", ".xz")


@arguments_named
def write_partitioned(
    data: Interactions,
    root: PathLike,
    *,
    partitioning: Sequence[str] = ("year", "month"),
    overwrite: bool = False,
    progress: Progress | None = None,
) -> Path:
    """Write interactions as a Hive-partitioned Parquet dataset, atomically.

    Parameters
    ----------
    data
        Interactions with timestamps.
    root
        The dataset's folder; it must not exist unless ``overwrite``.
    partitioning
        A leading run of ``("year", "month", "day")``: ``("year",)``, ``("year", "month")``
        (folders ``year=2024/month=03``) or all three. Values are zero-padded so that
        folders sort in time order.
    overwrite
        Replace an existing dataset at ``root``.
    progress
        Progress reporter (None: silent).

    Returns
    -------
    Path
        ``root``.

    Notes
    -----
    The dataset is written into a fresh folder beside ``root`` and renamed into place,
    so readers see either the old dataset or the complete new one, never part of it.
    """
    require_interactions(data, "write_partitioned")
    root = as_path(root, "root")
    if root.suffix.lower() in _FILE_EXTENSIONS:
        # a folder of Parquet files was made under a file's name ('out.csv'), which every
        # reader then took for a file of that format
        raise ConfigError(
            f"write_partitioned: root {str(root)!r} ends with {root.suffix}, the extension "
            f"of a file, but a folder of Parquet files is written there; name the folder "
            f"without it (e.g. {root.with_suffix('')}), or write one file with "
            f"save_table(data, {str(root)!r})")
    overwrite = check_flag(overwrite, "overwrite")
    # before any folder is made: progress=True was refused after root's parents had been
    # created
    require_reporter(progress, "write_partitioned")
    levels = tuple(check_name_list(partitioning, "partitioning", allow_empty=False,
                                   example="('year', 'month')"))
    if levels != _LEVELS[:len(levels)]:
        unknown = next((level for level in levels if level not in _LEVELS), None)
        near = did_you_mean(unknown, _LEVELS) if unknown is not None else ""
        raise ConfigError(f"partitioning must be a leading run of {_LEVELS}, got {levels}"
                          + (f": {unknown!r} is no level{near}" if unknown else ""))
    if data.timestamp is None:
        raise RecstackError("cannot partition by time: these interactions have no timestamps")
    clash = [str(name) for name in (data.context.columns if data.context is not None else ())
             if str(name) in levels]
    if not clash:
        # ' month', 0 beside '0', '__filename', ' user_id': read back as another column
        refuse_unwritable_context_names(data, root, levels)
    if clash:
        # the folders' level columns and a context column of that name failed in pyarrow
        # ("Multiple matches for FieldRef.Name(month)")
        raise RecstackError(
            f"write_partitioned: the context column {clash[0]!r} has the name of a partition "
            f"level (partitioning={levels} makes the folders' columns "
            f"{', '.join(levels)} from the timestamps); rename that context column (e.g. "
            f"to '{clash[0]}_given') in the frame the interactions are made from")
    refuse_values_outside_range(data, root)  # _common_metadata records the range
    if root.exists() and not overwrite:
        if not root.is_dir():
            # a file there was told "pass overwrite=True", which then refused to replace it
            raise RecstackError(f"{root}: is {describe_path(root)}, not a dataset folder; "
                                "write_partitioned writes a folder: choose another path")
        raise ConfigError(f"{root} exists; pass overwrite=True to replace it")
    _refuse_replacing_other_things(root, levels)
    padded = None if root.exists() else padded_name_problem(str(root), "folder")
    if padded is not None:
        # atomic_directory refuses it too, but only after the parents below were made
        raise RecstackError(f"{str(root)!r} {padded}")
    try:
        root.parent.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        # a file where a folder above root belongs was Python's FileExistsError
        raise RecstackError(f"{root}: cannot write here: {blocking_parent(root)}") from None

    with resolve(progress).task(f"Writing {root.name}", total=len(data)) as task:
        ordered = data if data.is_time_sorted else data.sort_by_time()
        table = interactions_to_arrow(ordered)
        file_schema = table.schema.with_metadata(
            {**(table.schema.metadata or {}), _PARTITIONING_KEY: ",".join(levels).encode()})
        times = ordered.timestamp if ordered.timestamp is not None else np.empty(0, np.int64)
        for level, values in _partition_values(times, levels).items():
            table = table.append_column(level, values)
        # the project's folder swap (recstack.atomic): the old dataset stays whole under
        # its name until the new one is complete, and what a killed write leaves beside
        # it is removed by the next write. The swap of its own moved the old dataset into
        # a hidden ".NAME.writing-*" folder first: killed between its two renames, the
        # dataset was gone from its name and never put back, and every killed write left
        # such a folder (a whole copy of the data) behind for good.
        with atomic_directory(root, overwrite=overwrite) as built:
            ds.write_dataset(
                table, built, format="parquet",
                partitioning=ds.partitioning(
                    pa.schema([(level, pa.string()) for level in levels]), flavor="hive"),
                basename_template="part-{i}.parquet",
                existing_data_behavior="overwrite_or_ignore",  # the folder is new and empty
            )
            pq.write_metadata(file_schema, built / _COMMON_METADATA)
        task.advance(len(data))
    return root


def _refuse_replacing_other_things(root: Path, levels: Sequence[str]) -> None:
    """Refuse ``overwrite=True`` over anything but a partitioned dataset or an empty folder:
    the swap deletes what was there, so ``write_partitioned(data, "project",
    overwrite=True)`` deleted a whole folder of other files, and a file given for the
    dataset's folder was replaced by one. A dataset holds ``_common_metadata`` and the
    folders of its first level (``year=..``); names starting with ``_`` or ``.`` are the
    markers and staging of dataset tools."""
    if root.is_symlink() or not root.exists():
        return  # a link is never followed: the swap refuses it, naming where it leads
    if not root.is_dir():
        raise RecstackError(
            f"{root}: is {describe_path(root)}, not a partitioned dataset; overwrite=True "
            "replaces only a dataset's folder (written by write_partitioned), and would "
            "have deleted it: choose another path")
    try:
        with os.scandir(root) as entries:
            names = sorted(entry.name for entry in entries)
    except OSError:
        return  # the writer names what the system refuses
    first_level = f"{_LEVELS[0]}="
    foreign = [name for name in names
               if not name.startswith(("_", ".")) and not name.startswith(first_level)]
    if foreign:
        shown = ", ".join(repr(name) for name in foreign[:3])
        more = f" and {len(foreign) - 3:,} more" if len(foreign) > 3 else ""
        raise RecstackError(
            f"{root}: holds {shown}{more}, so it is not a partitioned dataset; overwrite=True "
            f"replaces only a dataset written by write_partitioned ({_COMMON_METADATA} and "
            f"{'/'.join(f'{level}=..' for level in levels)} folders) or an empty folder, and "
            "would have deleted them: choose another folder")


def _partition_values(timestamps: np.ndarray, levels: Sequence[str]) -> dict[str, pa.Array]:
    """Zero-padded year / month / day strings of each timestamp (UTC), vectorised."""
    numbers = _calendar_numbers(timestamps)
    return {level: pc.utf8_lpad(pa.array(numbers[level]).cast(pa.string()), _WIDTH[level],
                                "0")
            for level in levels}


def _calendar_numbers(timestamps: np.ndarray) -> dict[str, np.ndarray]:
    """The year, month and day (UTC) of each Unix time, vectorised."""
    seconds = timestamps.astype("datetime64[s]")
    years = seconds.astype("datetime64[Y]")
    months = seconds.astype("datetime64[M]")
    return {
        "year": years.astype(np.int64) + 1970,
        "month": (months - years.astype("datetime64[M]")).astype(np.int64) + 1,
        "day": (seconds.astype("datetime64[D]") - months.astype("datetime64[D]")
                ).astype(np.int64) + 1,
    }


# ---------------------------------------------------------------------------- reading
def _dataset(root: Path) -> tuple[ds.Dataset, tuple[str, ...]]:
    """The dataset at ``root`` and its partition levels, without opening any data file
    when ``_common_metadata`` is there (otherwise pyarrow infers the schema from one)."""
    if root.is_file():
        raise RecstackError(f"{root}: is a file; expected the folder of a partitioned dataset")
    if os.path.lexists(root) and not root.is_dir():
        # a pipe or a link that loops was "no such dataset folder", though it is there
        raise RecstackError(f"{root}: is {describe_path(root)}; expected the folder of a "
                            "partitioned dataset")
    if not root.is_dir():
        # a misspelt folder name gets the near one, as a misspelt file name does
        raise RecstackError(f"{root}: no such dataset folder{near_miss(root)}")
    schema = None
    levels: tuple[str, ...] = ()
    if (root / _COMMON_METADATA).is_file():
        with reading(root / _COMMON_METADATA):
            schema = pq.read_schema(root / _COMMON_METADATA)
        raw = (schema.metadata or {}).get(_PARTITIONING_KEY, b"")
        levels = tuple(raw.decode("utf-8", "replace").split(","))
    if not levels or not all(levels):
        levels = _levels_from_folders(root)
    if not levels or levels != _LEVELS[:len(levels)]:
        # folders of other levels (Spark's date=2024-01-31, or dt=...) were refused
        # without a word of what was found
        found = (f"; its folders are partitioned by {'/'.join(f'{x}=..' for x in levels)}, "
                 "which recstack does not read as time (rewrite the rows with "
                 "write_partitioned, or read them into one file)" if levels else "")
        raise RecstackError(
            f"{root} is not a time-partitioned dataset (expected folders such as "
            f"year=2024/month=03, as written by write_partitioned){found}")
    fields = [(level, _LEVEL_TYPES[level]) for level in levels]
    if schema is not None:
        schema = pa.schema([*schema, *fields], metadata=schema.metadata)
    partitioning = ds.partitioning(pa.schema(fields), flavor="hive")
    _refuse_special_files(root)
    with reading(root):
        try:
            dataset = ds.dataset(root, schema=schema, format="parquet",
                                 partitioning=partitioning, exclude_invalid_files=False)
        except (pa.ArrowInvalid, pa.ArrowTypeError) as error:
            # pyarrow says "duplicate field names", "error parsing 'x'" or "unable to
            # merge" without saying where: find the file or folder
            if "duplicate field" in str(error):
                _check_repeated_names(root)
            _check_folder_values(root, levels)
            # without _common_metadata the schema comes from the first file: a stray
            # notes.txt or a damaged part was "Error creating dataset" in pyarrow's words
            where = _first_unreadable_file(root)
            if where is not None:
                raise _unreadable(root, error, where) from None
            _refuse_level_columns(root, levels)
            raise
    return dataset, levels


def _refuse_special_files(root: Path) -> None:
    """Refuse a data file of the dataset that is a named pipe, socket or device, or a
    symbolic link that loops or leads nowhere: pyarrow's listing passed over each without
    a word, so a read returned the other partitions' rows as if they were all."""
    for folder, subfolders, names in os.walk(root):
        subfolders[:] = [d for d in subfolders if not d.startswith(("_", "."))]
        for name in names:
            if not name.startswith(("_", ".")):
                check_regular_file(Path(folder, name), "a Parquet data file in the "
                                   "dataset's folder, or remove it")


def _first_unreadable_file(root: Path) -> str | None:
    """The first data file under ``root`` (relative; pyarrow skips names starting with
    '_' or '.', as Spark's _SUCCESS and .crc files) that is no readable Parquet file."""
    for folder, subfolders, names in os.walk(root):
        subfolders[:] = sorted(d for d in subfolders if not d.startswith(("_", ".")))
        for name in sorted(names):
            if name.startswith(("_", ".")):
                continue
            where = _relative(root, os.path.join(folder, name))
            if not name.endswith((".parquet", ".pq")):
                return where
            try:
                pq.read_schema(os.path.join(folder, name))
            except (pa.ArrowException, OSError):
                return where
    return None


def _refuse_level_columns(root: Path, levels: Sequence[str]) -> None:
    """Raise for the first data file holding a column named as a partition level (a
    ``year`` column under ``year=2020/``): pyarrow said only "Unable to merge: Field year
    has incompatible types"."""
    for file in sorted(root.rglob("*")):
        relative = file.relative_to(root)
        if (any(part.startswith(("_", ".")) for part in relative.parts)
                or not file.is_file()):
            continue
        try:
            names = pq.read_schema(file).names
        except (pa.ArrowException, OSError):
            continue  # not for this check to explain
        clash = [trimmed_column_name(name) for name in names
                 if trimmed_column_name(name) in levels]
        if clash:
            raise _level_column(root, relative.as_posix(), clash[0])


def _level_column(root: Path, where: str, level: str) -> DataFormatError:
    return DataFormatError(
        f"{where} holds a column {level!r}, which its folder names already ({level}=..)",
        file=str(root), column=level,
        expected="the partition values in the folder names only: write the files without "
                 f"the column {level!r} (Spark's partitionBy and write_partitioned leave it "
                 "out)")


def _check_repeated_names(root: Path) -> None:
    """Raise for the first data file under ``root`` whose schema repeats a column name."""
    for file in sorted(root.rglob("*")):
        if not file.is_file() or file.name.startswith(("_", ".")):
            continue
        try:
            names = pq.read_schema(file).names
        except (pa.ArrowException, OSError):
            continue  # not for this check to explain
        _refuse_repeated_names(root, _relative(root, str(file)), names)


def _check_folder_values(root: Path, levels: Sequence[str]) -> None:
    """Raise for the first partition folder whose value is not a whole number
    (``year=abc``): pyarrow names the value but not the folder."""
    for folder in sorted(root.glob("/".join(["*"] * len(levels)))):
        for part in folder.relative_to(root).parts:
            level, _, value = part.partition("=")
            if level in levels and not (value.isascii() and value.isdigit()):
                # Spark and Hive put the rows whose partition value is null there
                spelled = _number_spelled_otherwise(level, value)
                why = (", the folder Spark and Hive give rows with no value (their "
                       "timestamps were empty)" if value == "__HIVE_DEFAULT_PARTITION__"
                       else _date_as_level(level, value) or spelled)
                # "-2020" and "2020.0" are whole numbers, but not as a folder writes one
                what = "not written in plain digits 0-9" if spelled else "not a whole number"
                raise DataFormatError(
                    f"partition folder {folder.relative_to(root).as_posix()!r}: {level}="
                    f"{shown(value)} is {what}{why}", file=str(root),
                    expected="folders such as year=2024/month=03, as write_partitioned "
                             "writes them")


def _number_spelled_otherwise(level: str, value: str) -> str:
    """Why a folder value that names a number in another spelling (``year=-2020``,
    ``year=2020.0``, ``month=%30%35``, ``month= 05``, digits of another script) is no value
    of ``level``, and the folder name that is; '' for a value that names no number. Each
    was "is not a whole number", which ``-2020`` and ``2020.0`` are."""
    decoded = urllib.parse.unquote(value)
    text = decoded.strip()
    if re.fullmatch(r"[+-]?\d+(\.0*)?", text) is None:
        return ""
    number = int(float(text)) if "." in text else int(text)
    if decoded != value:
        spelling = f"percent-encoded (it decodes to {decoded!r})"
    elif text != value:
        spelling = "written with spaces around it"
    elif not text.isascii():
        spelling = "written in the digits of another script"
    elif text[0] in "+-":
        spelling = "written with a sign"
    else:
        spelling = "written with a fraction"
    if number < 1 or len(str(number)) > _WIDTH[level]:
        return (f": it is {spelling}, and {number} is no {level} (a {level} folder holds "
                f"{_WIDTH[level]} digits from 1 up)")
    return f": it is {spelling}; name the folder {level}={number:0{_WIDTH[level]}d}"


def _date_as_level(level: str, value: str) -> str:
    """Why a folder value such as ``day=2023-02-30`` (a whole date, as Spark's ``date=``
    folders hold one) is no value of ``level``, and whether it names a date at all."""
    match = re.fullmatch(r"(\d{1,4})-(\d{1,2})(?:-(\d{1,2}))?", value)
    if match is None:
        return ""
    numbers = {name: int(text) for name, text in zip(("year", "month", "day"),
                                                     match.groups(), strict=True)
               if text is not None}
    problem = _not_a_date(numbers)
    named = f", and not a real one ({problem})" if problem is not None else ""
    number = numbers.get(level)
    example = f", e.g. {level}={number:02d}" if number is not None and problem is None else ""
    return (f": it is written as a date{named}, but a {level} folder names the {level} "
            f"alone, as a number{example}")


def _check_folder_dates(root: Path, levels: Sequence[str]) -> None:
    """Raise for the first partition folder that names no date (``month=13``, ``day=31``
    under ``month=02``, ``year=0``), and for a data file outside the folders of the last
    level (``year=2020/month=02/part.parquet`` in a dataset of days): no row can belong
    there, and a read with a time range would skip it without a word."""
    _check_folder_names(root, levels)
    # pyarrow reads Hive's month=__HIVE_DEFAULT_PARTITION__ as a null month, which the
    # checks of rows against their folder then met as a TypeError
    _check_folder_values(root, levels)
    for file in sorted(root.rglob("*")):
        relative = file.relative_to(root)
        # other files are named by the reader: "not a Parquet file", with the remedy
        if (file.suffix.lower() in (".parquet", ".pq") and len(relative.parts) != len(levels) + 1
                and not any(part.startswith(("_", ".")) for part in relative.parts)
                and file.is_file()):
            raise DataFormatError(
                f"{relative.as_posix()} is not in a folder of the last level, "
                f"{'/'.join(f'{level}=..' for level in levels)}", file=str(root),
                expected="every data file in a folder of each level, as write_partitioned "
                         "writes them (a read with a time range would skip it)")
    named: dict[tuple[int, ...], str] = {}
    for folder in sorted(root.glob("/".join(["*"] * len(levels)))):
        if not folder.is_dir():
            continue
        parts = folder.relative_to(root).parts
        values: dict[str, int] = {}
        for part in parts:
            level, _, value = part.partition("=")
            if level in levels and value.isascii() and value.isdigit():
                values[level] = int(value)
        problem = _not_a_date(values)
        if problem is not None:
            raise DataFormatError(
                f"partition folder {folder.relative_to(root).as_posix()!r}: {problem}",
                file=str(root), expected="folders that name a date (year 1 to 9999, month 1 to "
                                         "12, a day of that month), as write_partitioned "
                                         "writes them")
        # month=4 beside month=04 (a second export job's spelling) named one period
        # twice: both were read, so a re-exported month counted each row twice; the
        # pipeline's partitions (recstack.ops.partitions) refuse them as one rule
        shown = folder.relative_to(root).as_posix()
        other = named.setdefault(tuple(values.get(level, -1) for level in levels), shown)
        if other != shown:
            raise DataFormatError(
                f"partition folders {other!r} and {shown!r} name one period (a leading "
                "zero apart): move the files of one into the other, one folder per period",
                file=str(root), expected="one folder per period, written as write_partitioned "
                                         "writes them (e.g. month=04)")


def _check_folder_names(root: Path, levels: Sequence[str]) -> None:
    """Raise for the first folder of a partition level that is not named ``level=value``
    for its level (``month02``, ``mnth=02``, ``day=01`` where months are): the reader
    gave its rows no month, and failed on them with a TypeError. Folders whose names start
    with ``_`` or ``.`` (staging, ``_SUCCESS``-style markers) are not partitions."""
    for folder in sorted(root.rglob("*")):
        relative = folder.relative_to(root)
        depth = len(relative.parts)
        if (depth > len(levels) or any(part.startswith(("_", ".")) for part in relative.parts)
                or not folder.is_dir()):
            continue
        wanted = levels[depth - 1]
        level, equals, _ = relative.parts[-1].partition("=")
        if equals and level == wanted:
            continue
        above = "/".join(f"{name}=.." for name in levels[:depth - 1])
        where = f"the folders in {above}" if above else "the top folders"
        example = "/".join(f"{name}={'2024' if name == 'year' else '03'}" for name in levels)
        raise DataFormatError(
            f"partition folder {relative.as_posix()!r} is not named {wanted}=..; "
            f"{where} are the {wanted} partitions of this dataset (levels: "
            f"{', '.join(levels)}): rename the folder, or move what it holds out of the "
            "dataset", file=str(root),
            expected=f"folders such as {example}, as write_partitioned writes them")


def _not_a_date(values: Mapping[str, int]) -> str | None:
    year, month, day = (values.get(level) for level in _LEVELS)
    if year is not None and not 1 <= year <= 9999:
        return f"year={year} is not a year from 1 to 9999"
    if month is not None and not 1 <= month <= 12:
        return f"month={month} is not a month from 1 to 12"
    if day is not None and year is not None and month is not None:
        days = calendar.monthrange(year, month)[1]
        if not 1 <= day <= days:
            return f"day={day} is not a day of {year}-{month:02d} (1 to {days})"
    return None


def _refuse_rows_outside_their_folder(table: pa.Table, levels: Sequence[str], root: Path,
                                      locate: Callable[[int], str]) -> None:
    """Raise for the first row whose time is not in the year / month / day its folder
    names: a read whose time range leaves that folder out would silently lose it (and one
    that opens the folder would keep a row of another period)."""
    times = _seconds(table.column(TIMESTAMP))
    numbers = _calendar_numbers(times)
    outside = np.zeros(len(times), bool)
    for level in levels:
        outside |= numbers[level] != table.column(level).to_numpy().astype(np.int64)
    if not outside.any():
        return
    row = int(np.argmax(outside))
    folder = "/".join(f"{level}={int(table.column(level)[row].as_py()):0{_WIDTH[level]}d}"
                      for level in levels)
    raise DataFormatError(
        f"{locate(row)}: the time {int(times[row])} ({_iso(int(times[row]))}) is outside its "
        f"folder {folder} ({int(outside.sum()):,} such row(s) in what was read)",
        file=str(root), column=TIMESTAMP,
        expected="each row in the folder of its own UTC date, as write_partitioned files it "
                 "(a read whose time range leaves a folder out never sees its rows)")


def _refuse_repeated_names(root: Path, where: str, names: Sequence[str]) -> None:
    # names lose surrounding spaces and a leading byte-order mark, as load_table's do:
    # ' user_id' and 'user_id' are one
    repeated = first_repeated_name([trimmed_column_name(name) for name in names])
    if repeated is not None:
        name, first, second = repeated
        spaced = ("" if names[first - 1] == names[second - 1] else
                  f", {names[first - 1]!r} and {names[second - 1]!r} once surrounding "
                  f"spaces{and_marks(names[first - 1], names[second - 1])} are dropped")
        raise DataFormatError(
            f"{where} names column {name!r} twice (columns {first} and {second}{spaced})",
            file=str(root), expected="distinct column names in every data file")


def _refuse_other_spellings(root: Path, where: str, names: Sequence[str],
                            dataset: ds.Dataset, levels: Sequence[str]) -> None:
    """Refuse a data file that spells a column with other surrounding spaces than the
    dataset's schema (``' user_id'`` in one file, ``'user_id'`` in another: merged, the
    rows of one would have no value in that column), and one holding a column ``' year'``
    where its folder names the year."""
    spelt = {trimmed_column_name(name): name for name in dataset.schema.names
             if name not in levels}
    for name in names:
        trimmed = trimmed_column_name(name)
        if trimmed in levels:
            raise _level_column(root, where, trimmed)
        other = spelt.get(trimmed)
        if other is not None and other != name:
            schema = ("_common_metadata" if (root / _COMMON_METADATA).is_file() else
                      "the dataset's schema (its first data file's)")
            raise DataFormatError(
                f"{where} spells column {trimmed!r} as {name!r}, {schema} as "
                f"{other!r}; merged, the rows of one would have no {trimmed}",
                file=str(root), column=trimmed,
                expected="one spelling of each column name in every data file (surrounding "
                         "spaces and a leading byte-order mark are dropped from names, but the "
                         "same in every file): write "
                         "the odd partition again with its columns named as the others'")


@arguments_named
def is_partitioned(root: PathLike) -> bool:
    """Whether ``root`` looks like a time-partitioned dataset (``year=YYYY/...`` folders or
    the ``_common_metadata`` that :func:`write_partitioned` leaves). ``root`` that is no
    path (None, a number) or empty text is refused, naming it, as every reader refuses it."""
    root = as_path(root, "root")
    if not root.is_dir():
        return False
    if (root / _COMMON_METADATA).is_file():
        # Dask and pyarrow leave a _common_metadata beside a flat folder of parts too:
        # that is one table, read by load_table, not a dataset partitioned by time
        return not is_part_folder(root)
    levels = _levels_from_folders(root)
    return bool(levels) and levels == _LEVELS[:len(levels)]


def _levels_from_folders(root: Path) -> tuple[str, ...]:
    """``("year", "month")`` from folders such as ``root/year=2024/month=03``."""
    levels: list[str] = []
    folder: Path | None = root
    while folder is not None:
        folder = next((p for p in sorted(folder.iterdir()) if p.is_dir() and "=" in p.name),
                      None)
        if folder is not None:
            levels.append(folder.name.split("=", 1)[0])
    return tuple(levels)


def _to_seconds(bound: TimeBound, name: str) -> int | None:
    """``bound`` in Unix seconds by the rule and in the words of every other time argument
    (``between``, ``time_window``, ``temporal_split``'s cutoff): NaT, text that names no
    time and floats were refused here in words of their own."""
    return to_unix_seconds(bound, name)


def _time_range(start: TimeBound, end: TimeBound) -> tuple[int | None, int | None]:
    """``[start, end)`` in Unix seconds, refused when it holds no time at all."""
    return bounded_time_range(_to_seconds(start, "start"), _to_seconds(end, "end"), start,
                              end)


def bounded_time_range(low: int | None, high: int | None, start: object, end: object
                       ) -> tuple[int | None, int | None]:
    """The range ``[low, high)`` of Unix seconds (``start`` and ``end`` as the user gave
    them, for the messages) within the years 1..9999 that times can have; refused when it
    holds no time a row can have. Shared by the single-machine and Spark readers."""
    # a start after the year 9999 (or an end before the year 1) leaves no time a row can
    # have, and an end in milliseconds read every row: refused
    refuse_bound_beyond_the_calendar("start", start, low)
    refuse_bound_beyond_the_calendar("end", end, high)
    refuse_a_range_within_one_second(low, high, start, end)
    # a bound past the years 1..9999 on the other side bounds nothing: no bound (the
    # calendar of 10**30 seconds was a numpy overflow)
    low = None if low is None else clamp_to_time_range(low)
    high = None if high is None else clamp_to_time_range(high, exclusive_end=True)
    if low is not None and high is not None and low >= high:
        raise ConfigError(f"start={shown(start)} must come before end={shown(end)}: the range "
                          "[start, end) holds no time")
    return low, high


def _calendar(seconds: int) -> tuple[int, int, int]:
    day = np.datetime64(seconds, "s").astype("datetime64[D]").astype(dt.date)
    return day.year, day.month, day.day


def _partition_filter(levels: Sequence[str], start: int | None, end: int | None
                      ) -> ds.Expression | None:
    """An expression on the partition fields alone that keeps every folder that may hold
    a row in ``[start, end)``; pyarrow skips the other folders without opening them."""
    def key(level_count: int) -> list[ds.Expression]:
        return [ds.field(level) for level in levels[:level_count]]

    def lexicographic(values: tuple[int, ...], upper: bool) -> ds.Expression:
        # (year, month, day) >= values  (or <= values): a lexicographic tuple comparison
        fields = key(len(values))
        expression = (fields[-1] <= values[-1]) if upper else (fields[-1] >= values[-1])
        for field, value in zip(reversed(fields[:-1]), reversed(values[:-1]), strict=True):
            strict = (field < value) if upper else (field > value)
            expression = strict | ((field == value) & expression)
        return expression

    n = len(levels)
    parts = []
    if start is not None:
        parts.append(lexicographic(_calendar(start)[:n], upper=False))
    if end is not None:
        # the last folder that can hold a row before `end` is the one of `end - 1`
        parts.append(lexicographic(_calendar(end - 1)[:n], upper=True))
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else parts[0] & parts[1]


@arguments_named
def partition_files(root: PathLike, *, start: TimeBound = None, end: TimeBound = None
                    ) -> list[str]:
    """The files :func:`read_partitioned` opens for ``[start, end)`` (pruning, made visible)."""
    root = as_path(root, "root")
    # the arguments first, as read_partitioned checks them: a start after end was refused
    # only once the folder had been found and listed
    low, high = _time_range(start, end)
    dataset, levels = _dataset(root)
    expression = _partition_filter(levels, low, high)
    return sorted(f.path for f in dataset.get_fragments(filter=expression))


def _refuse_a_column_of_later_files(root: Path, dataset: ds.Dataset,
                                    folders: ds.Expression | None, name: str) -> None:
    """Refuse a dataset whose schema lacks ``name`` though some of its files hold it: without
    ``_common_metadata`` the schema is the first file's, so a value or timestamp column
    that only the later partitions hold was called absent from the whole dataset (and the
    advice, to read without it, dropped it from those partitions too)."""
    with reading(root):
        fragments = sorted(dataset.get_fragments(filter=folders), key=lambda f: f.path)
        holder = next((f for f in fragments if name in _trimmed(f.physical_schema).names),
                      None)
        if holder is None:
            return
        without = next((f for f in fragments
                        if name not in _trimmed(f.physical_schema).names), None)
    if without is None:
        # every file holds it: the schema that lacks it is _common_metadata's (a column
        # renamed there); next() raised StopIteration, a traceback
        raise DataFormatError(
            f"stores no column {name!r}, which every data file holds (e.g. "
            f"{_relative(root, holder.path)})", file=str(root / _COMMON_METADATA),
            column=name,
            expected="the schema of the data files, as write_partitioned writes it: write "
                     "the dataset again, or delete _common_metadata to read the files' own "
                     "schema")
    raise DataFormatError(
        f"{_relative(root, without.path)} has no column {name!r}, which "
        f"{_relative(root, holder.path)} holds; merged, the rows of one would have no "
        f"{name}", file=str(root), column=name,
        expected="the same columns in every partition, as write_partitioned writes them: "
                 "write the odd partition again")


def _refuse_column_choice(name: str, stored: list[str], dataset: ds.Dataset, root: Path
                          ) -> None:
    """Refuse ``name`` in ``read_partitioned(columns=...)``, which chooses among the
    optional columns: a column the dataset holds and reads in any case (the ids, the
    context columns) was called absent ("no column 'user_id'"), and a misspelt one was
    listed without the nearest."""
    optional = [c for c in stored if c in _OPTIONAL_COLUMNS]
    if name not in stored:
        raise unknown_column(name, optional, role="an optional column", file=str(root))
    roles = TableRoles.from_metadata(dataset.schema.metadata, str(root))
    always = name in (USER_ID, ITEM_ID) or (roles is not None and name in roles.context)
    raise ConfigError(
        f"{root}: columns names {name!r}, "
        + ("which is read in any case (the ids and the context columns write_partitioned "
           "recorded always are)" if always else
           "which the files hold but no role reads (only the ids, value, timestamp and "
           "the context columns write_partitioned records are read)")
        + f"; columns chooses among the optional columns {', '.join(map(repr, optional))} "
          "(None reads them all)")


@arguments_named
def read_partitioned(
    root: PathLike,
    *,
    start: TimeBound = None,
    end: TimeBound = None,
    columns: Sequence[str] | None = None,
    progress: Progress | None = None,
) -> Interactions:
    """Read the rows with ``start <= timestamp < end`` from a time-partitioned dataset.

    Only folders whose ``year``/``month``/``day`` can hold such rows are opened (see
    :func:`partition_files`); the exact bound is then applied to the timestamps.

    Parameters
    ----------
    root
        The dataset's folder.
    start, end
        Unix seconds, a ``datetime`` / ``date`` (naive means UTC), ``numpy.datetime64``
        or an ISO-8601 string as :meth:`datetime.datetime.fromisoformat` reads it (UTC
        unless it gives an offset; also ``'2024'`` and ``'2024-03'``); either may be None
        (unbounded).
    columns
        Which of the optional columns to read: ``"value"`` and/or ``"timestamp"``
        (default both). Without ``"value"`` every row is an implicit event (1.0).
    progress
        Progress reporter (None: silent).

    Returns
    -------
    Interactions
        Rows in time order. The id vocabularies hold only the users and items of the
        rows read.

    Raises
    ------
    RecstackError
        ``root`` is not a partitioned dataset, or holds no data files (the message lists
        the partition folders looked at, within the time range when one is given).
    DataFormatError
        A file that cannot be read; a file that names a column twice; files that store
        the ids of one column as numbers in one partition and as text in another (merged,
        ``1`` and ``"1"`` would become one id): ids of any integer width, or whole-number
        floats, merge; numbers and text are refused, naming both files and both kinds.
        Typed date-times follow one time-zone rule, :func:`recstack.data.files.load_table`'s
        for part folders: files in different zones are read as the instants they hold;
        files with a zone beside files without one are refused, naming one of each (alone,
        times without a zone are UTC; beside zoned times they may be local times).
        A problem with a value, naming the column and row. A partition folder that names
        no date (``month=13``), a data file above the last level's folders and a row whose
        time is not in its folder's period (a read with a time range would skip them
        without a word; rows are checked in the files read).
    """
    root = as_path(root, "root")
    # the arguments are checked before the folder is looked at: a start after end, a
    # time that is none or a progress that is no reporter were refused only once the
    # folder had been found and checked (a missing folder hid them, and a damaged one
    # was reported first)
    low, high = _time_range(start, end)
    # the example names what columns= chooses (['user_id', 'item_id'] are always read)
    wanted = check_name_list(_OPTIONAL_COLUMNS if columns is None else columns, "columns",
                             example="['value']")
    require_reporter(progress, "read_partitioned")
    dataset, levels = _dataset(root)
    _check_folder_dates(root, levels)
    folders = _partition_filter(levels, low, high)
    recorded = TableRoles.from_metadata(dataset.schema.metadata, str(root))
    context_names = [name for name in (recorded.context if recorded is not None else ())
                     if name not in (USER_ID, ITEM_ID, *_OPTIONAL_COLUMNS, *levels)]
    bounded = low is not None or high is not None
    # the timestamps bound the rows of a time range even when columns= leaves them out: a
    # partition without them lost its rows to the filter without a word
    read_columns = [*wanted, *([TIMESTAMP] if bounded and TIMESTAMP not in wanted else [])]
    value_type = _check_files(root, dataset, levels, folders, low, high,
                              [USER_ID, ITEM_ID, *(name for name in read_columns
                                                   if name in _OPTIONAL_COLUMNS
                                                   and name in _trimmed(
                                                       dataset.schema).names)],
                              context=context_names)
    # date-times of different units in different files (seconds in one, nanoseconds in
    # another, as Spark and pandas write them): read in one unit that holds both, not in
    # the first file's type, which refused valid times as values it "cannot hold exactly"
    time_type = (_common_time_type(root, dataset, folders)
                 if TIMESTAMP in wanted or low is not None or high is not None else None)
    number_types = _common_number_types(
        root, dataset, folders, [USER_ID, ITEM_ID, *context_names],
        [VALUE] if VALUE in wanted else [])
    if value_type is not None:
        number_types[VALUE] = value_type
    if time_type is not None:
        number_types[TIMESTAMP] = time_type
    if number_types:
        # values stored as integers in one partition and as floats or decimals in another:
        # read in float64, not in the first file's type (see _check_files); numbers of
        # other widths in a type that holds them all (see _common_number_types)
        schema = dataset.schema
        for name, kind in number_types.items():
            if kind is not None:
                spelt = _stored_name(dataset, name)
                schema = schema.set(schema.get_field_index(spelt), pa.field(spelt, kind))
        with reading(root):
            dataset = ds.dataset(root, schema=schema, format="parquet",
                                 partitioning=dataset.partitioning,
                                 exclude_invalid_files=False)
    # column names lose surrounding spaces, as load_table's and from_frame's do (a
    # hand-written partition's ' user_id' is user_id): read under their trimmed names
    stored = [name for name in _trimmed(dataset.schema).names if name not in levels]
    for name in (USER_ID, ITEM_ID):
        if name not in stored:
            # every file holds it (checked above): the schema of _common_metadata does not
            raise DataFormatError(
                f"stores no column {name!r} (its columns: {', '.join(map(repr, stored))})",
                file=str(root / _COMMON_METADATA), column=name,
                expected="the schema write_partitioned writes, which names user_id and "
                         "item_id: write the dataset again, or delete _common_metadata to "
                         "read the files' own schema")
    for name in wanted:
        if name in _OPTIONAL_COLUMNS and name not in stored:
            _refuse_a_column_of_later_files(root, dataset, folders, name)
        if columns is None and name not in stored:
            # not asked for by name: say how to read the dataset without it
            others = [c for c in _OPTIONAL_COLUMNS if c in stored]
            raise DataFormatError(
                f"stores no column {name!r} (its columns: "
                f"{', '.join(map(repr, stored))}), which a read without columns= reads",
                file=str(root), column=name,
                expected=f"the columns write_partitioned writes; or name those to read, "
                         f"e.g. columns={others!r}"
                         + (" (every row then counts 1.0)" if name == VALUE else ""))
        if name not in _OPTIONAL_COLUMNS or name not in stored:
            _refuse_column_choice(name, stored, dataset, root)
    if bounded and TIMESTAMP not in stored:
        _refuse_a_column_of_later_files(root, dataset, folders, TIMESTAMP)
        # no file holds one: pyarrow said only "No match for FieldRef.Name(timestamp)"
        raise DataFormatError(
            f"stores no column {TIMESTAMP!r} (its columns: {', '.join(map(repr, stored))}), "
            f"which start={shown(start)} and end={shown(end)} bound the rows by",
            file=str(root), column=TIMESTAMP,
            expected="timestamps in every data file, as write_partitioned writes them; or "
                     "read without start and end")
    roles = TableRoles.from_metadata(dataset.schema.metadata, str(root))
    # the context columns write_partitioned recorded, read back as load_table reads those
    # of a file save_table wrote (they were written, then dropped on reading)
    context = [name for name in (roles.context if roles is not None else ())
               if name in stored and name not in (USER_ID, ITEM_ID, *_OPTIONAL_COLUMNS)]
    # fractional seconds and text (ISO-8601 or digits), as load_table reads them from one
    # Parquet file: converted to Unix seconds after the read, then bounded exactly
    converted = TIMESTAMP in stored and _time_kind(
        _trimmed(dataset.schema).field(TIMESTAMP).type) in _CONVERTED_TIMES
    expression = folders
    if low is not None and not converted:
        expression = _and(expression, ds.field(_stored_name(dataset, TIMESTAMP))
                          >= _bound(low, dataset))
    if high is not None and not converted:
        expression = _and(expression, ds.field(_stored_name(dataset, TIMESTAMP))
                          < _bound(high, dataset))
    with resolve(progress).task(f"Reading {root.name}", total=None) as task:
        try:
            # the folder of each row too: a row outside it is refused (see below)
            bounding = [TIMESTAMP] if converted and TIMESTAMP not in wanted and (
                low is not None or high is not None) else []
            table = dataset.to_table(columns=_projection(
                dataset, [USER_ID, ITEM_ID, *wanted, *context, *levels, *bounding]),
                filter=expression)
        except (pa.ArrowException, OSError) as error:
            raise (_unmergeable_value(root, dataset, folders, [USER_ID, ITEM_ID, *wanted,
                                                                 *context])
                   or _unreadable(root, error, files=[
                       f.path for f in dataset.get_fragments(filter=folders)])) from None
        task.advance(table.num_rows)
    if converted and TIMESTAMP in table.column_names:
        table = _with_seconds(table, root, _row_locator(root, dataset, folders, None, None),
                              low, high)
        if TIMESTAMP not in wanted:  # read only to bound the rows
            table = table.drop_columns([TIMESTAMP])
    rating_range = roles.rating_range if roles is not None and VALUE in wanted else None
    locate = _row_locator(root, dataset, folders, low, high)
    data = _to_interactions(table.drop_columns(list(levels)), root, wanted, rating_range,
                            locate, context)
    if TIMESTAMP in wanted:  # checked in range by _to_interactions
        _refuse_rows_outside_their_folder(table, levels, root, locate)
    if not len(data) and (low is not None or high is not None):
        _warn_of_an_empty_range(root, dataset, levels, low, high)
    return data


def _warn_of_an_empty_range(root: Path, dataset: ds.Dataset, levels: Sequence[str],
                            low: int | None, high: int | None) -> None:
    """Warn that ``[low, high)`` holds no row, naming the times the dataset's rows cover
    (an empty read was returned without a word, as if the window had been read). The
    earliest and latest times are read from the first and last partition folders only."""
    values = []
    for fragment in dataset.get_fragments():
        known = ds.get_partition_keys(fragment.partition_expression)
        if all(level in known for level in levels):
            values.append(tuple(int(known[level]) for level in levels))
    if not values:
        return  # the dataset holds no data file: nothing to compare the range with
    span = f"[{_iso(low) if low is not None else '...'}, " \
           f"{_iso(high) if high is not None else '...'})"
    ends: list[int] = []
    for folder in (min(values), max(values)):
        expression = None
        for level, value in zip(levels, folder, strict=True):
            expression = _and(expression, ds.field(level) == value)
        column = dataset.to_table(columns=_projection(dataset, [TIMESTAMP]),
                                  filter=expression).column(TIMESTAMP) \
            if TIMESTAMP in _trimmed(dataset.schema).names else None
        try:
            seconds = _seconds(column) if column is not None and len(column) else None
        except (DataFormatError, pa.ArrowException, ValueError, OverflowError):
            seconds = None  # a value the read itself refuses when it meets it
        if seconds is None or not len(seconds):
            ends = []
            break
        ends.append(int(seconds.min()) if not ends else int(seconds.max()))
    if ends:
        covered = f"its rows' times run from {_iso(ends[0])} to {_iso(ends[1])}"
    else:
        names = ["/".join(f"{level}={value:02d}" for level, value in
                          zip(levels, folder, strict=True))
                 for folder in (min(values), max(values))]
        covered = f"its partition folders run from {names[0]} to {names[1]}"
    warnings.warn(
        f"{root}: no row has a time in {span}, the range read ({covered}); check the "
        "range (and its unit: Unix seconds, or an ISO date such as 2024-01-31)",
        EmptyTimeRangeWarning, stacklevel=caller_stacklevel())


def _check_files(root: Path, dataset: ds.Dataset, levels: Sequence[str],
                 expression: ds.Expression | None, low: int | None, high: int | None,
                 needed: Sequence[str], context: Sequence[str] = ()) -> pa.DataType | None:
    """Refuse a dataset without data files, and files whose columns cannot be merged: a
    repeated column name, a ``needed`` column missing (merged, its rows would be empty),
    values that are not numbers or timestamps that are not integers (a typed date-time
    would merge as its raw count of milliseconds, say), or ids stored as numbers in one
    file and as text in another (``1`` and ``"1"`` would silently become one user). Opens
    the footers of the files that the time range selects, not their data.

    Returns float64 when the value column is stored as numbers of different kinds
    (:func:`_value_kind`: integers in one file, floats or decimals in another, or
    decimals of another precision or scale), the type
    to read it in; None when every file's kind is the dataset's. Merged in the first
    file's type, the rating 1.5 of a file of doubles was refused, row by row, as a value
    "int64 cannot hold"; every value becomes float32 in the end, so float64 loses
    nothing that matters. Integers of other widths, and float32 beside float64, are read
    in a type that holds them all (:func:`_common_number_types`).

    The ``context`` columns the dataset records are compared likewise: each file must hold
    them (the rows of a file without one were read as missing values, and a column of the
    later files only was dropped when the first file had none), as numbers in every file
    or as text in every file (numbers were read as text, ``1`` as ``"1"``)."""
    with reading(root):
        selected = sorted(dataset.get_fragments(filter=expression), key=lambda f: f.path)
        if not selected and not (root / _COMMON_METADATA).is_file() and next(
                iter(dataset.get_fragments()), None) is None:
            # A dataset written by write_partitioned always has _common_metadata, even
            # when empty; a tree of folders without it or any file is not a dataset.
            raise RecstackError(_no_files_message(root, levels, low, high))
        # id column -> (first file, its kind of id); the timestamps' kind likewise
        seen: dict[str, tuple[str, str]] = {}
        kind_of = {USER_ID: _id_kind, ITEM_ID: _id_kind, TIMESTAMP: _time_kind}
        kind_of.update({name: _id_kind for name in context})
        common = _trimmed(dataset.schema)
        for name in kind_of:
            if name in common.names and (root / _COMMON_METADATA).is_file():
                seen[name] = (_COMMON_METADATA, kind_of[name](common.field(name).type))
        value_kinds = ({_value_kind(common.field(VALUE).type)}
                       if VALUE in needed and VALUE in common.names else set())
        # whether date-times have a zone -> the first file so, and its type
        zones: dict[bool, tuple[str, pa.DataType]] = {}
        for fragment in selected:
            try:
                schema = fragment.physical_schema
            except (pa.ArrowException, OSError) as error:
                raise _unreadable(root, error, _relative(root, fragment.path)) from None
            where = _relative(root, fragment.path)
            _refuse_repeated_names(root, where, schema.names)
            _refuse_other_spellings(root, where, schema.names, dataset, levels)
            schema = _trimmed(schema)
            _refuse_unmergeable_columns(root, where, schema, needed)
            missing = [name for name in context if name not in schema.names]
            if missing:
                holders = [_relative(root, f.path) for f in selected
                           if missing[0] in _trimmed(f.physical_schema).names][:2]
                held = (f"; {' and '.join(holders)} hold{'s' if len(holders) == 1 else ''} "
                        "it" if holders else "")
                raise DataFormatError(
                    f"{where} has no column {missing[0]!r}, a context column the dataset "
                    f"records{held}; merged, its rows would have no {missing[0]} (its "
                    f"columns: {', '.join(map(repr, schema.names))})", file=str(root),
                    column=missing[0],
                    expected="the same columns in every partition: write the partitions "
                             "again with write_partitioned from one Interactions")
            if VALUE in needed:
                value_kinds.add(_value_kind(schema.field(VALUE).type))
            for name in kind_of:
                if name not in schema.names or (name not in needed and name not in context):
                    continue
                kind = kind_of[name](schema.field(name).type)
                first_file, first_kind = seen.setdefault(name, (where, kind))
                if kind != first_kind and name == TIMESTAMP and not (
                        kind in _NUMBER_TIMES and first_kind in _NUMBER_TIMES):
                    # (whole and fractional Unix seconds merge: read as float64, see
                    # _common_time_type; the words were those of numbers beside
                    # date-times whatever the two kinds, text too)
                    kinds = {kind, first_kind}
                    why = ("the numbers would be read as counts of the date-times' unit"
                           if "date-times" in kinds and kinds & set(_NUMBER_TIMES) else
                           f"the {kind} would be read as {first_kind}, by the rules of "
                           "another type")
                    raise DataFormatError(
                        f"{where} holds {name} as {schema.field(name).type} ({kind}), "
                        f"{first_file} as {first_kind}; merged, {why}", file=str(root),
                        column=name,
                        expected="the same type of timestamp in every partition: rewrite "
                                 f"the odd partition with its timestamps as {first_kind}")
                if name == TIMESTAMP:
                    _refuse_zones_beside_none(root, zones, where,
                                              _plain_type(schema.field(name).type))
                    continue
                if kind != first_kind and name in context:
                    raise DataFormatError(
                        f"{first_file} holds {name} as {first_kind}, {where} as {kind}; "
                        f"merged, the {kind} would be read as {first_kind}",
                        file=str(root), column=name,
                        expected="the same type of context column in every partition: "
                                 f"rewrite the odd partition with its {name} as {first_kind}")
                if kind != first_kind:
                    raise DataFormatError(
                        f"{first_file} holds {name} as {first_kind}, {where} as {kind}; "
                        "merged, the number 1 and the text '1' would become one id",
                        file=str(root), column=name,
                        expected="the same type of id in every partition: rewrite the odd "
                                 "partition with its ids as "
                                 f"{first_kind}, or all as text")
    return pa.float64() if len(value_kinds) > 1 else None


def _refuse_zones_beside_none(root: Path, zones: dict[bool, tuple[str, pa.DataType]],
                              where: str, kind: pa.DataType) -> None:
    """Refuse the date-times of the file ``where`` (of type ``kind``) where they have a time
    zone and an earlier file's have none, or the reverse (``zones``: the first file of each,
    filled in here): merged, the times without a zone were read as UTC without a word
    (cast into the other file's zone), though beside zoned times they may be local times.
    Load_table refuses such parts of a part folder alike (:func:`zone_mix_problem`)."""
    if not pa.types.is_timestamp(kind):
        return
    zones.setdefault(kind.tz is not None, (where, kind))
    if len(zones) < 2:
        return
    (zoned_file, zoned), (plain_file, plain) = zones[True], zones[False]
    raise DataFormatError(f"its partitions disagree on the time zone of {TIMESTAMP!r}: "
                          f"{zone_mix_problem(zoned, plain, zoned_file, plain_file)}",
                          file=str(root), column=TIMESTAMP,
                          expected=ZONE_MIX_REMEDY.replace("part", "partition"))


#: the units of typed date-times, the coarsest first
_TIME_UNITS = ("s", "ms", "us", "ns")


def _common_time_type(root: Path, dataset: ds.Dataset, folders: ds.Expression | None
                      ) -> pa.DataType | None:
    """The type to read the timestamp column in, from the types the data files the read
    selects store it in; None when the dataset's type (the first file's, or
    ``_common_metadata``'s) reads them as they are.

    Merged in the dataset's type, the files' times were read by the rules of another
    file's type: a later file's date-times of a finer unit (nanoseconds beside seconds)
    or past the nanoseconds' range (2286 beside nanoseconds) were refused as values that
    type "cannot hold exactly"; a date file first dropped the times of day of the others;
    and where a time range left the first file unread, integer Unix seconds were read as
    milliseconds of its date-times (or its date-times' milliseconds as seconds). Now:

    - typed date-times (and dates) as the instants they hold, files in different time
      zones in the first file's zone (files with a zone beside files without one are
      refused by :func:`_check_files`: merged, the times without a zone were cast into
      the zone as UTC times), and in the finest unit of the files, which holds the
      coarser ones' exactly; where that is nanoseconds and a coarser file holds a time
      past their range (1677 to 2262), in microseconds (a nanosecond fraction is floored
      to the second on reading anyway);
    - Unix seconds as float64 when a file holds fractions (integers and fractions of
      seconds, the two number kinds, merge so), else as int64;
    - text as text.

    Files of kinds that do not merge (date-times beside numbers) are refused by
    :func:`_check_files` before this."""
    spelt = _stored_name(dataset, TIMESTAMP)
    if spelt not in dataset.schema.names:
        return None
    stored = dataset.schema.field(spelt).type
    kinds: dict[str, pa.DataType] = {}
    with reading(root):
        for fragment in sorted(dataset.get_fragments(filter=folders), key=lambda f: f.path):
            try:
                physical = fragment.physical_schema
            except (pa.ArrowException, OSError):
                continue  # refused, naming the file, where the read meets it
            if spelt in physical.names:
                kinds[fragment.path] = _plain_type(physical.field(spelt).type)
    read = {_time_kind(kind) for kind in kinds.values()}
    if not kinds or len(read - set(_NUMBER_TIMES)) + bool(read & set(_NUMBER_TIMES)) != 1:
        return None  # no file, or kinds that do not merge (refused by _check_files)
    target: pa.DataType
    if read <= set(_NUMBER_TIMES):
        plain = _plain_type(stored)
        if all(kind == plain for kind in kinds.values()):
            return None  # one type (float32's coarse seconds are warned of as stored);
            # integers of other widths are read as int64: in the first file's int32, a
            # later file's time past 2038 was refused as one int32 "cannot hold exactly"
        target = pa.float64() if "fractional Unix seconds" in read else pa.int64()
    elif read == {"text"}:
        if pa.types.is_string(stored) or pa.types.is_large_string(stored):
            return None
        target = pa.large_string()
    elif not any(pa.types.is_timestamp(kind) for kind in kinds.values()):
        # dates alone: date32 (days) and date64 (milliseconds) both hold whole days
        target = pa.date64() if len(set(kinds.values())) > 1 else next(iter(kinds.values()))
    else:
        stamps = [kind for kind in kinds.values() if pa.types.is_timestamp(kind)]
        finest = max((kind.unit for kind in stamps), key=_TIME_UNITS.index)
        zone = next((kind.tz for kind in stamps if kind.tz is not None), None)
        if finest == "ns":
            coarser = [path for path, kind in kinds.items()
                       if not (pa.types.is_timestamp(kind) and kind.unit == "ns")]
            for path in coarser:
                try:
                    with reading(root):
                        column = pq.ParquetFile(path).read(columns=[spelt]).column(spelt)
                    pc.cast(plain_column(column), pa.timestamp("ns", tz=zone))
                except (pa.ArrowException, OSError):
                    finest = "us"  # a time past 2262 (or before 1677): not in ns
                    break
        target = pa.timestamp(finest, tz=zone)
    if stored == target and all(kind == target for kind in kinds.values()):
        return None
    return target


def _common_number_types(root: Path, dataset: ds.Dataset, folders: ds.Expression | None,
                          whole: Sequence[str], measured: Sequence[str]
                          ) -> dict[str, pa.DataType]:
    """For each column that the data files the read selects store as numbers of different
    types, the type to read it in: the ``whole`` columns (ids, context) in int64, or
    uint64 where every file's integers are unsigned; the ``measured`` ones (values)
    likewise when every file holds integers, else in float64. Columns stored in one type
    everywhere are left out, and so are files that store a column as anything but numbers
    (refused, naming the files, by :func:`_check_files`).

    Merged in the dataset's type (the first file's), integers of another width were
    refused as values that type "cannot hold exactly": a user id 1000 of an int16 file
    beside an int8 file, a weight -1 of an int8 file beside a uint8 one, though every
    file was valid alone."""
    stored: dict[str, set[pa.DataType]] = {}
    with reading(root):
        for fragment in dataset.get_fragments(filter=folders):
            try:
                physical = _trimmed(fragment.physical_schema)
            except (pa.ArrowException, OSError):
                continue  # refused, naming the file, where the read meets it
            for name in (*whole, *measured):
                if name in physical.names:
                    stored.setdefault(name, set()).add(_plain_type(physical.field(name).type))
    types: dict[str, pa.DataType] = {}
    for name, kinds in stored.items():
        spelt = _stored_name(dataset, name)
        if spelt not in dataset.schema.names:
            continue  # a _common_metadata without the column: refused after this
        first = _plain_type(dataset.schema.field(spelt).type)
        if not all(_is_number(kind) for kind in kinds) or kinds == {first}:
            continue
        integers = all(pa.types.is_integer(kind) for kind in kinds)
        if integers and all(pa.types.is_unsigned_integer(kind) for kind in kinds):
            types[name] = pa.uint64()  # an unsigned number above int64's range
        elif name in whole or (integers and pa.uint64() not in kinds):
            types[name] = pa.int64()
        else:
            types[name] = pa.float64()
    return types


#: the kinds of timestamps stored as numbers of Unix seconds, which merge as float64
_NUMBER_TIMES = ("integer Unix seconds", "fractional Unix seconds")


def _value_kind(kind: pa.DataType) -> str:
    """What a value column of type ``kind`` holds, in the terms that decide whether files
    merge in one file's type: integers (of any width), floats (of any width) or decimals
    of one precision and scale (``decimal128(3, 1)`` cannot hold ``decimal128(5, 2)``'s
    values)."""
    if pa.types.is_dictionary(kind):
        kind = kind.value_type
    return ("integers" if pa.types.is_integer(kind) else str(kind)
            if pa.types.is_decimal(kind) else "floats")


def _refuse_unmergeable_columns(root: Path, where: str, schema: pa.Schema,
                                needed: Sequence[str]) -> None:
    """One data file's columns against what every file must hold (see :func:`_check_files`;
    the id columns' kinds are compared across files there)."""
    for name in needed:
        if name not in schema.names:
            raise DataFormatError(
                f"{where} has no column {name!r} (its columns: "
                f"{', '.join(map(repr, schema.names))})", file=str(root), column=name,
                expected="the columns user_id, item_id, value, timestamp in every data file, "
                         "as write_partitioned writes them")
        kind = schema.field(name).type
        wrong = {VALUE: not _is_number(_plain_type(kind)) and "numbers",
                 TIMESTAMP: _time_kind(kind) == "other" and "Unix seconds, date-times "
                                                            "or ISO-8601 text"
                 }.get(name)
        if wrong:
            raise DataFormatError(f"{where} holds {name} as {arrow_kind_shown(kind)}",
                                  file=str(root), column=name,
                                  expected=f"{wrong} in every data file"
                                           f"{_value_advice(name, _plain_type(kind))}")


def _value_advice(name: str, kind: pa.DataType) -> str:
    """The way out for values of a kind users really write, as load_table gives it for one
    file: true/false flags are feedback without values, and text is numbers once
    converted (the bare "expected numbers" said neither)."""
    if name != VALUE:
        return ""
    if pa.types.is_boolean(kind):
        return f"; {TRUE_FALSE_AS_VALUES}"
    if pa.types.is_string(kind) or pa.types.is_large_string(kind) or \
            pa.types.is_string_view(kind):
        return f": {text_as_numbers_advice(name)}"
    return ""


def _row_locator(root: Path, dataset: ds.Dataset, folders: ds.Expression | None,
                 low: int | None, high: int | None) -> Callable[[int], str]:
    """``locate(index)``: the file and the row in it of row ``index`` of the table read
    (the files' rows in the time range, file after file in the dataset's order). Counted
    only when a row is wrong, so a clean read pays nothing for it."""
    def locate(index: int) -> str:
        try:
            with reading(root):
                for fragment in dataset.get_fragments(filter=folders):
                    # compared as the read's filter compares them (a missing or
                    # unreadable time is no reason to lose the place of another problem)
                    times = fragment.to_table(
                        schema=dataset.schema, columns=_projection(dataset, [TIMESTAMP])
                    ).column(TIMESTAMP)
                    if (low is not None or high is not None) and _time_kind(
                            times.type) in _CONVERTED_TIMES:
                        times = pa.chunked_array([_seconds(times)], pa.int64())
                    kept = np.ones(len(times), bool)
                    if low is not None:
                        kept &= _true(pc.greater_equal(times, _bound(low, dataset)))
                    if high is not None:
                        kept &= _true(pc.less(times, _bound(high, dataset)))
                    rows = np.flatnonzero(kept)
                    if index < len(rows):
                        return f"{_relative(root, fragment.path)}, row {int(rows[index]) + 1}"
                    index -= len(rows)
        except (RecstackError, pa.ArrowException, OSError):
            pass  # the row's place is a courtesy: the error itself must still be raised
        return f"row {index + 1}"

    return locate


def _unreadable(root: Path, error: BaseException, where: str | None = None,
                files: Sequence[str] = ()) -> DataFormatError:
    """The error for a dataset pyarrow could not read: the data file at ``where`` (under
    ``root``), else the first of ``files`` (those the read took) that cannot be read alone,
    named first, and why; pyarrow's own words put the path in the middle of its reason."""
    detail = str(error).split("\n")[0]
    if where is not None and not where.endswith((".parquet", ".pq")):
        # every file under the root is read as data (but _* and .* ones)
        return DataFormatError(
            f"{where} is not a Parquet file ({detail})", file=str(root),
            expected="only the dataset's Parquet files under it: move other files out, or "
                     "name them with a leading '_' or '.'")
    if where is None:
        for path in sorted(files):
            try:
                pq.read_table(path)
            except (pa.ArrowException, OSError) as file_error:
                where, error = _relative(root, path), file_error
                break
    if where is not None:
        try:  # a Git LFS pointer in the file's place was told to write the partition again
            with open(root / where, "rb") as stream:
                refuse_pointer_file(root / where, stream.read(_POINTER_BYTES))
        except DataFormatError as pointer:
            return pointer
        except OSError:
            pass
        return DataFormatError(
            f"not a readable Parquet file ({parquet_damage(root / where, error)})",
            file=str(root / where),
            expected="the intact Parquet files that write_partitioned writes: write this "
                     "partition again")
    return DataFormatError(f"could not read the dataset: {detail}", file=str(root),
                           expected="the intact Parquet files that write_partitioned writes")


def _unmergeable_value(root: Path, dataset: ds.Dataset, folders: ds.Expression | None,
                       columns: Sequence[str]) -> DataFormatError | None:
    """After the merged read failed: the first value, by file and row, that the dataset's
    type of its column cannot hold (an id 2.5, NaN or 1e19 in a file of float ids where the
    ids are int64; an unsigned id or time beyond int64). pyarrow names none of these ("Float
    value 2.5 was truncated converting to int64"). None when no value is the cause."""
    with reading(root):
        for fragment in sorted(dataset.get_fragments(filter=folders), key=lambda f: f.path):
            physical = fragment.physical_schema
            for name in columns:
                spelt = _stored_name(dataset, name)  # as the files spell it
                target = dataset.schema.field(spelt).type
                if spelt not in physical.names or physical.field(spelt).type == target:
                    continue
                column = pq.ParquetFile(fragment.path).read(columns=[spelt]).column(spelt)
                row = _first_uncastable(column, target)
                if row is None:
                    continue
                ids = name in (USER_ID, ITEM_ID)
                value = column[row].as_py()
                if ids and isinstance(value, float) and not (math.isfinite(value)
                                                             and value.is_integer()):
                    # not a matter of the dataset's type: no id is 2.5 or NaN
                    return DataFormatError(
                        f"{_relative(root, fragment.path)}, row {row + 1}: found "
                        f"{scalar_text(column[row])} ({physical.field(spelt).type}), which "
                        "is not a whole number: ids must be whole numbers or text",
                        file=str(root), column=name,
                        expected="whole-number or text ids in every data file")
                return DataFormatError(
                    f"{_relative(root, fragment.path)}, row {row + 1}: found "
                    f"{scalar_text(column[row])} ({physical.field(spelt).type}), which "
                    f"{name} as the dataset stores it ({target}) cannot hold exactly",
                    file=str(root), column=name,
                    expected=(f"whole-number ids that {target} holds" if ids else
                              f"values that {target} holds") + " in every data file")
    return None


def _first_uncastable(column: pa.ChunkedArray, target: pa.DataType) -> int | None:
    """The first row of ``column`` that a safe cast to ``target`` refuses (by halving the
    rows, so about two casts' work), or None."""
    def casts(part: pa.ChunkedArray) -> bool:
        try:
            pc.cast(part, target)
        except pa.ArrowInvalid:
            return False
        return True

    try:
        if casts(column):
            return None
    except pa.ArrowNotImplementedError:
        return None  # not a value's fault: a type the merge cannot cast at all
    low, high = 0, len(column)  # the first refused row is in [low, high)
    while high - low > 1:
        middle = (low + high) // 2
        if casts(column.slice(low, middle - low)):
            low = middle
        else:
            high = middle
    return low


def _id_kind(kind: pa.DataType) -> str:
    """What an id column holds, in the terms that decide whether two files can merge:
    numbers of any width merge losslessly (as :func:`ids_to_numpy` reads them); numbers
    and text do not."""
    if pa.types.is_dictionary(kind):
        kind = kind.value_type
    if _is_number(kind):
        return "numbers"
    if pa.types.is_string(kind) or pa.types.is_large_string(kind) or pa.types.is_binary(
            kind) or pa.types.is_large_binary(kind) or pa.types.is_string_view(
            kind) or pa.types.is_binary_view(kind):
        return "text"
    return str(kind)


def _relative(root: Path, file: str) -> str:
    try:
        return Path(file).relative_to(root).as_posix()
    except ValueError:
        return file


def _no_files_message(root: Path, levels: Sequence[str], low: int | None, high: int | None
                      ) -> str:
    """No data files under ``root``: say so, and which partition folders were looked at."""
    depth = len(levels)
    folders = sorted(p.relative_to(root).as_posix()
                     for p in root.glob("/".join(["*"] * depth)) if p.is_dir())
    if low is not None or high is not None:
        bounds = (_calendar(low)[:depth] if low is not None else None,
                  _calendar(high - 1)[:depth] if high is not None else None)
        folders = [f for f in folders if _folder_in_range(f, bounds)]
        span = (f"[{_iso(low) if low is not None else '...'}, "
                f"{_iso(high) if high is not None else '...'})")
        looked = (f"looked in the {len(folders)} partition folder(s) that can hold times in "
                  f"{span}: " + _listing(folders)) if folders else (
                  f"no partition folder can hold times in {span}")
    else:
        looked = (f"looked in {len(folders)} partition folder(s): " + _listing(folders)
                  ) if folders else "there are no partition folders"
    return (f"{root}: no data files were found under it ({looked}); expected Parquet files "
            "such as year=2024/month=03/part-0.parquet, as write_partitioned writes")


def _folder_in_range(folder: str, bounds: tuple[tuple[int, ...] | None,
                                                 tuple[int, ...] | None]) -> bool:
    try:
        values = tuple(int(part.split("=", 1)[1]) for part in folder.split("/"))
    except (IndexError, ValueError):
        return True  # a folder whose name says no time: it may hold anything
    low, high = bounds
    return (low is None or values >= low) and (high is None or values <= high)


def _iso(seconds: int) -> str:
    return str(np.datetime64(seconds, "s"))


def _listing(folders: Sequence[str], most: int = 5) -> str:
    shown = ", ".join(folders[:most])
    return shown + (f" and {len(folders) - most} more" if len(folders) > most else "")


def _to_interactions(table: pa.Table, root: Path, wanted: Sequence[str],
                     rating_range: tuple[float, float] | None,
                     locate: Callable[[int], str], context: Sequence[str] = ()
                     ) -> Interactions:
    """Checked arrays from the table read, with its ``context`` columns (where a value may
    be missing); every problem named with the dataset, the file and the row."""
    def fail_at(index: int, column: str, message: str, expected: str) -> DataFormatError:
        text = scalar_text(table.column(column)[index])
        return DataFormatError(f"{locate(index)}: " + message.format(text=text),
                               file=str(root), column=column, expected=expected)

    not_utf8 = first_text_not_utf8(table)
    if not_utf8 is not None:
        # a writer that did not check its text: it failed later, in pyarrow, naming no row
        name, index, raw = not_utf8
        found = (unheld_text_not_utf8_message(raw) if index is None
                 else f"{locate(index)}: {text_not_utf8_message(raw)}")
        raise DataFormatError(found, file=str(root), column=name,
                              expected=text_not_utf8_remedy())
    for name in table.column_names:
        column = table.column(name)
        if column.null_count and name not in context:
            raise fail_at(_first_null(column), name, "is empty", "a value in every row")
    arrays: dict[str, np.ndarray] = {}
    for name in (USER_ID, ITEM_ID):
        try:
            arrays[name] = ids_to_numpy(table.column(name), name, fail_at)
        except DataFormatError as error:
            if error.file is not None:
                raise
            raise DataFormatError(error.detail, file=str(root), column=name,
                                  expected=error.expected) from None
    values = timestamps = None
    if VALUE in wanted:
        # as load_table reads a Parquet file's: decimals (a database's NUMERIC) as floats,
        # a dictionary-encoded column as its values
        column = plain_column(table.column(VALUE), decimals_as_floats=True)
        refuse_values_not_numbers(column, VALUE, str(root))
        exact_at = exact_decimals(plain_column(table.column(VALUE)))
        values = values_as_float32(column.to_numpy(), VALUE, fail_at, exact_at)
        check_values(values, VALUE, rating_range, fail_at, exact_at)
    if TIMESTAMP in wanted and _time_kind(table.column(TIMESTAMP).type) == "date-times":
        timestamps = _seconds(table.column(TIMESTAMP), fail_at)
    elif TIMESTAMP in wanted:
        column = plain_column(table.column(TIMESTAMP))
        if not pa.types.is_integer(column.type):
            raise DataFormatError(f"holds {arrow_kind_shown(column.type)} values",
                                  file=str(root), column=TIMESTAMP,
                                  expected="int64 Unix seconds")
        raw = column.to_numpy()
        bad: int | None
        hint = ""
        if raw.dtype == np.uint64 and raw.size and raw.max() > np.iinfo(np.int64).max:
            bad = int(np.argmax(raw > np.iinfo(np.int64).max))
        else:
            timestamps = raw.astype(np.int64, copy=False)
            bad = first_time_out_of_range(timestamps)
            if bad is not None:
                # a partition written in milliseconds (by another tool) is named so, and
                # how to make it the dataset's seconds
                hint = finer_unit_hint(timestamps, bad, _PARTITION_UNIT_REMEDY,
                                       mixed_remedy=_PARTITION_UNIT_REMEDY)
        if bad is not None:
            raise fail_at(bad, TIMESTAMP, "found {text}", "Unix seconds between the years "
                                                          "1 and 9999" + hint)
    frame = context_frame(table.select(list(context)), str(root)) if context else None
    with ids_already_warned_of():  # ids_to_numpy named the files of ids spelled "NA"
        data = Interactions.from_arrays(arrays[USER_ID], arrays[ITEM_ID], values, timestamps,
                                        rating_range=rating_range, context=frame)
    if timestamps is not None and not data.is_time_sorted:
        data = data.sort_by_time()
    return data


def _is_number(kind: pa.DataType) -> bool:
    return pa.types.is_integer(kind) or pa.types.is_floating(kind)


def _plain_type(kind: pa.DataType) -> pa.DataType:
    """The type :func:`plain_column` (as load_table uses it) gives a column of ``kind``."""
    return plain_column(pa.chunked_array([], kind), decimals_as_floats=True).type


def _time_kind(kind: pa.DataType) -> str:
    """How a timestamp column of ``kind`` is read: "integer Unix seconds", "date-times"
    (Spark's and Polars' typed date-times and dates, read as load_table reads them), or
    "other" (refused)."""
    kind = _plain_type(kind)
    if pa.types.is_integer(kind):
        return "integer Unix seconds"
    if pa.types.is_floating(kind):
        return "fractional Unix seconds"
    if pa.types.is_timestamp(kind) or pa.types.is_date(kind):
        return "date-times"
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        return "text"
    return "other"


#: timestamp kinds read as load_table reads them, then bounded after the read
_CONVERTED_TIMES = ("fractional Unix seconds", "text")


def _with_seconds(table: pa.Table, root: Path, locate: Callable[[int], str],
                  low: int | None, high: int | None) -> pa.Table:
    """``table`` with its fractional or text timestamps as int64 Unix seconds (as
    load_table converts them: fractions floored, text without an offset taken as UTC),
    keeping only the rows in ``[low, high)``; ``locate`` places a row of ``table``."""
    column = table.column(TIMESTAMP)

    def fail_at(index: int, name: str, message: str, expected: str) -> DataFormatError:
        text = scalar_text(column[index])
        return DataFormatError(f"{locate(index)}: " + message.format(text=text),
                               file=str(root), column=name, expected=expected)

    if column.null_count:
        raise fail_at(_first_null(column), TIMESTAMP, "is empty", "a value in every row")
    seconds = _seconds(column, fail_at)
    table = table.set_column(table.schema.get_field_index(TIMESTAMP), TIMESTAMP,
                             pa.array(seconds, pa.int64()))
    kept = np.ones(len(seconds), bool)
    if low is not None:
        kept &= seconds >= low
    if high is not None:
        kept &= seconds < high
    return table if kept.all() else table.filter(pa.array(kept))


def _seconds(column: pa.ChunkedArray, fail_at: Any = None) -> np.ndarray:
    """A timestamp column's Unix seconds: integers as stored; typed date-times and dates,
    fractional seconds and text through load_table's conversion (UTC; fractions of a
    second floored; numbers count seconds)."""
    if _time_kind(column.type) == "integer Unix seconds":
        return plain_column(column).to_numpy()

    def unplaced(index: int, name: str, message: str, expected: str) -> DataFormatError:
        return DataFormatError(f"row {index + 1}: " + message.format(text="?"), column=name,
                               expected=expected)

    return timestamps_to_seconds(column, TIMESTAMP, None, "s", fail_at or unplaced)


def _true(mask: pa.ChunkedArray) -> np.ndarray:
    """A boolean column as numpy, missing values false."""
    return np.asarray(pc.fill_null(mask, False).to_numpy(zero_copy_only=False), bool)


def _bound(seconds: int, dataset: ds.Dataset) -> Any:
    """A time bound comparable with the dataset's timestamp column: the number of seconds,
    or the instant as a date-time where the column holds date-times (in its zone, so that
    arrow compares them; a naive one counts as UTC, as load_table reads it)."""
    schema = _trimmed(dataset.schema)
    if TIMESTAMP not in schema.names:
        return seconds
    kind = _plain_type(schema.field(TIMESTAMP).type)
    if pa.types.is_timestamp(kind):
        return pa.scalar(seconds, pa.timestamp("s", tz=kind.tz))
    if pa.types.is_date(kind):
        return pa.scalar(seconds, pa.timestamp("s"))
    return seconds


def _first_null(column: pa.ChunkedArray) -> int:
    return int(np.argmin(np.asarray(pc.is_valid(column).to_numpy(zero_copy_only=False),
                                    dtype=bool)))


def _and(left: ds.Expression | None, right: ds.Expression) -> Any:
    return right if left is None else left & right


def _trimmed(schema: pa.Schema) -> pa.Schema:
    """``schema`` with its column names trimmed of surrounding spaces and a leading
    byte-order mark (the one rule of every format, :func:`trimmed_column_name`)."""
    if all(name == trimmed_column_name(name) for name in schema.names):
        return schema
    return pa.schema([field.with_name(trimmed_column_name(field.name)) for field in schema],
                     metadata=schema.metadata)


def _stored_name(dataset: ds.Dataset, name: str) -> str:
    """The column ``name`` as the dataset's files spell it (``' user_id'`` for
    ``'user_id'``; one spelling in every file, see :func:`_refuse_other_spellings`)."""
    return next((stored for stored in dataset.schema.names
                 if trimmed_column_name(stored) == name), name)


def _projection(dataset: ds.Dataset, names: Sequence[str]) -> dict[str, ds.Expression]:
    """Columns to read, by their trimmed ``names``, from the files' spellings of them."""
    return {name: ds.field(_stored_name(dataset, name)) for name in names}

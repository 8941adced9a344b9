"""The partitions of a time-partitioned Parquet folder, as a pipeline sees them.

A pipeline reads the folders ``year=YYYY[/month=MM[/day=DD]]`` that
:func:`recstack.data.partitioned.write_partitioned` writes (and that a log job appends to),
one leaf folder per partition. Unlike :func:`~recstack.data.partitioned.read_partitioned`,
which refuses a dataset with a broken file, this module lists every partition, even an
empty or malformed one, and reads each on its own, so that the quality checks can say
which partition is wrong and how.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from recstack.atomic import check_regular_file, checked_path
from recstack.data.interactions import (
    ITEM_ID,
    TIMESTAMP,
    USER_ID,
    VALUE,
    Interactions,
    check_flag,
)
from recstack.errors import DataFormatError, RecstackError
from recstack.specs import arguments_named

__all__ = ["Partition", "check_id_types", "list_partitions", "missing_periods", "read_table",
           "to_interactions"]

#: ASCII digits: "year=٢٠١٩" was read as 2019, a second folder for one partition
_LEVEL = re.compile(r"(year|month|day)=([0-9]+)")
_LEVELS = ("year", "month", "day")


@dataclass(frozen=True)
class Partition:
    """One leaf folder: its label (``2024-03``), its folder relative to the root, the
    period ``[start, end)`` it holds (Unix seconds), its data files, row count (from the
    Parquet footers; -1 when a footer cannot be read) and a fingerprint of its files
    (names, sizes, modification times)."""

    label: str
    folder: str
    start: int
    end: int
    files: tuple[str, ...]
    rows: int
    fingerprint: str

    def to_dict(self) -> dict[str, object]:
        return {"label": self.label, "folder": self.folder, "start": self.start,
                "end": self.end, "files": list(self.files), "rows": self.rows,
                "fingerprint": self.fingerprint}

    @classmethod
    def from_dict(cls, raw: dict) -> Partition:
        """From :meth:`to_dict`'s dictionary (a run's ``check/partitions.json`` entry); a
        missing field or one of the wrong type raises ValueError naming it: ``"start":
        "5"`` or ``5.7`` were read as 5, and a fingerprint written as a number never matched
        the partition's own, so it was checked again as new."""
        if not isinstance(raw, dict):
            raise ValueError(f"expected an object with the fields {', '.join(_FIELDS)}, got "
                             f"{type(raw).__name__} {raw!r:.60}")
        for key, (kinds, words) in _FIELDS.items():
            if key not in raw:
                raise ValueError(f"no field {key!r} ({words})")
            value: Any = raw[key]
            wrong_type = isinstance(value, bool) or not isinstance(value, kinds)
            if wrong_type or (key == "files" and not all(isinstance(name, str)
                                                         for name in raw[key])) or (
                    key == "rows" and raw[key] < -1):
                raise ValueError(f"field {key!r} is {value!r:.60}; expected {words}")
        if raw["end"] <= raw["start"]:
            raise ValueError(f"field 'end' ({raw['end']}) is not after 'start' "
                             f"({raw['start']})")
        return cls(raw["label"], raw["folder"], raw["start"], raw["end"],
                   tuple(raw["files"]), raw["rows"], raw["fingerprint"])


#: the fields of a partition's dictionary, their types and what they are
_FIELDS: dict[str, tuple[type | tuple[type, ...], str]] = {
    "label": (str, "the partition's name, text"),
    "folder": (str, "its folder under the partitions root, text"),
    "start": (int, "the period's first second, Unix seconds"),
    "end": (int, "the second after its period, Unix seconds"),
    "files": (list, "a list of its files' names"),
    "rows": (int, "its row count (-1 when unknown)"),
    "fingerprint": (str, "the digest of its files, text"),
}


@arguments_named
def list_partitions(root: str | Path) -> list[Partition]:
    """Every leaf partition folder under ``root``, oldest first.

    Raises
    ------
    RecstackError
        ``root`` is missing, or its folders are not ``year=/month=/day=`` levels of one
        depth, or an entry under it is a symbolic link that leads nowhere or loops (back
        to a folder that holds it), or a named pipe, socket or device. Links to folders
        and files elsewhere are followed, as the data readers follow them.
    """
    root = checked_path(root, "list_partitions(root)")
    if root.exists() and not root.is_dir():
        # a file (the catalog given as [data] partitions) was "no such ... folder"
        raise RecstackError(f"{root}: is a file, not a partitioned data folder (expected a "
                            "folder of year=2024/month=03 folders holding Parquet files)")
    if not root.is_dir():
        raise RecstackError(f"{root}: no such partitioned data folder (expected folders "
                            "such as year=2024/month=03 holding Parquet files)")
    try:
        leaves = _leaf_folders(root, {root.resolve()})
    except OSError as error:  # an unreadable folder below the root
        raise RecstackError(f"{root}: cannot list its partitions: {error}") from None
    found = []
    for folder in leaves:
        relative = folder.relative_to(root).as_posix()
        parts = relative.split("/")
        matches = [_LEVEL.fullmatch(part) for part in parts]
        levels = [m for m in matches if m is not None]
        if len(levels) != len(parts) or tuple(m.group(1) for m in levels) != _LEVELS[:len(levels)]:
            raise RecstackError(f"{root}: folder {relative!r} is not a time partition "
                                "(expected year=YYYY[/month=MM[/day=DD]])")
        values = [int(m.group(2)) for m in levels]
        found.append(_partition(root, folder, relative, values))
    depths = {len(p.folder.split("/")) for p in found}
    if len(depths) > 1:
        # one folder of each depth: "e.g. 'year=2019/month=01'" named a folder of the usual
        # depth, and the odd one (a day folder put in by hand) had to be searched for
        first_of: dict[int, str] = {}
        for partition in sorted(found, key=lambda p: p.folder):
            first_of.setdefault(len(partition.folder.split("/")), partition.folder)
        shown = " and ".join(repr(first_of[depth]) for depth in sorted(first_of))
        raise RecstackError(f"{root}: partitions of different depths ({shown}); use one of "
                            "year, year/month or year/month/day throughout")
    _refuse_one_period_twice(root, found)
    return sorted(found, key=lambda p: p.start)


def _leaf_folders(folder: Path, above: set[Path], *, top: bool = True) -> list[Path]:
    """The folders under ``folder`` that hold no folder of their own, sorted, following
    symbolic links to folders as the data readers (pyarrow) do; names starting with '.'
    or '_' (staging folders of atomic writes, ``_temporary``, ``.crc`` files) are passed
    over. ``above``: the real folders from the partitions' root down to ``folder``.

    Refused, naming the entry: a symbolic link that loops, leads nowhere or back to a
    folder above it, and a named pipe, socket or device. Each was passed over without a
    word: ``rglob`` does not go into a linked folder, so a ``year=2020`` link to another
    disk left the whole year out (which ``read_partitioned`` reads), a link back up was
    passed over as a folder of folders, and a data file whose link leads nowhere left its
    partition with the rows of its other files."""
    leaves: list[Path] = []
    inner = False
    for child in sorted(folder.iterdir()):
        if child.name.startswith((".", "_")):
            continue
        if not child.is_dir():
            check_regular_file(child, "a Parquet data file or a partition's folder there, "
                               "or remove it")
            continue
        inner = True
        real = child.resolve()
        if any(real == up or real in up.parents for up in above):
            # pyarrow went round such a loop, reading the same files again and again
            raise RecstackError(
                f"{child}: is a symbolic link to {os.readlink(child)!r}, a folder that holds "
                f"it (a loop); point it at a folder of partitions elsewhere, or remove it")
        leaves += _leaf_folders(child, above | {real}, top=False)
    return leaves if inner or top else [folder]


def _refuse_one_period_twice(root: Path, found: list[Partition]) -> None:
    """Two folders naming one period (``month=04`` beside a log job's ``month=4``) were two
    partitions with one label: a run trained on one copy and evaluated on the other, and
    the state (label -> fingerprint) kept only one of them."""
    first: dict[str, str] = {}
    for partition in sorted(found, key=lambda p: p.folder):
        other = first.setdefault(partition.label, partition.folder)
        if other != partition.folder:
            raise RecstackError(f"{root}: folders {other!r} and {partition.folder!r} both "
                                f"name the period {partition.label}; move the files of one "
                                "into the other (one folder per period, e.g. month=04)")


def _partition(root: Path, folder: Path, relative: str, values: list[int]) -> Partition:
    try:
        start_day = dt.date(values[0], values[1] if len(values) > 1 else 1,
                            values[2] if len(values) > 2 else 1)
    except ValueError:
        raise RecstackError(f"{root}: folder {relative!r} names no calendar date") from None
    try:
        if len(values) == 1:
            end_day = dt.date(values[0] + 1, 1, 1)
            label = f"{values[0]:04d}"
        elif len(values) == 2:
            end_day = dt.date(values[0] + values[1] // 12, values[1] % 12 + 1, 1)
            label = f"{values[0]:04d}-{values[1]:02d}"
        else:
            end_day = start_day + dt.timedelta(days=1)
            label = f"{values[0]:04d}-{values[1]:02d}-{values[2]:02d}"
    except (ValueError, OverflowError):
        # the last period of the year 9999: its end is past the calendar (a traceback)
        raise RecstackError(f"{root}: folder {relative!r} names a period that ends after "
                            "the year 9999, past the calendar; a partition must end before "
                            "10000-01-01") from None
    files = sorted(f for f in folder.iterdir() if f.is_file()
                   and not f.name.startswith((".", "_")))
    digest = hashlib.sha256()
    rows = 0
    for file in files:
        stat = file.stat()
        digest.update(f"{file.name}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
        try:
            rows += pq.ParquetFile(file).metadata.num_rows
        except (pa.ArrowException, OSError):
            rows = -1 if rows >= 0 else rows
    return Partition(label, relative, _seconds(start_day), _seconds(end_day),
                     tuple(f"{relative}/{f.name}" for f in files), rows, digest.hexdigest())


def _seconds(day: dt.date) -> int:
    return int(dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC).timestamp())


@arguments_named
def missing_periods(partitions: list[Partition]) -> list[str]:
    """Labels of the periods between the first and the last partition that have no folder
    (a month, day or year the log job did not write), oldest first.

    ``partitions`` are those :func:`list_partitions` gives, in any order: a list given
    newest first was read as having no gap at all, one holding a partition twice named
    each gap twice, and a root folder or ``Partition.to_dict`` dictionaries were an
    AttributeError or a TypeError.

    Raises
    ------
    RecstackError
        ``partitions`` is not a list or tuple of :class:`Partition`, or holds partitions
        of different depths (years beside months).
    """
    partitions = _partition_list(partitions, "missing_periods(partitions)")
    missing = []
    for before, after in zip(partitions, partitions[1:], strict=False):
        moment = before.end
        while moment < after.start:
            day = dt.datetime.fromtimestamp(moment, dt.UTC).date()
            depth = len(before.folder.split("/"))
            gap = _partition_label(day, depth)
            missing.append(gap)
            if depth == 1:
                day = dt.date(day.year + 1, 1, 1)
            elif depth == 2:
                day = dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)
            else:
                day = day + dt.timedelta(days=1)
            moment = _seconds(day)
    return missing


def _partition_list(partitions: Any, call: str) -> list[Partition]:
    """``partitions`` as a list of distinct :class:`Partition` of one depth, oldest first."""
    if isinstance(partitions, str | os.PathLike):
        raise RecstackError(f"{call}: expected the partitions of a folder, got the path "
                            f"{os.fspath(partitions)!r}; pass list_partitions(root)")
    if not isinstance(partitions, list | tuple):
        raise RecstackError(f"{call}: expected a list of Partition (as list_partitions "
                            f"gives), got {type(partitions).__name__}")
    others = sorted({type(p).__name__ for p in partitions if not isinstance(p, Partition)})
    if others:
        hint = (" (a dictionary is turned back into one with Partition.from_dict)"
                if "dict" in others else "")
        raise RecstackError(f"{call}: expected a list of Partition (as list_partitions "
                            f"gives), got a list holding {', '.join(others)}{hint}")
    unique = {p.label: p for p in sorted(partitions, key=lambda p: p.folder)}
    depths = {len(p.folder.split("/")) for p in unique.values()}
    if len(depths) > 1:
        shown = " and ".join(repr(min(p.folder for p in unique.values()
                                       if len(p.folder.split("/")) == depth))
                             for depth in sorted(depths))
        raise RecstackError(f"{call}: partitions of different depths ({shown}); use one of "
                            "year, year/month or year/month/day throughout")
    return sorted(unique.values(), key=lambda p: p.start)


def _partition_label(day: dt.date, depth: int) -> str:
    return [f"{day.year:04d}", f"{day.year:04d}-{day.month:02d}", day.isoformat()][depth - 1]


def read_schema(root: str | Path, partition: Partition) -> pa.Schema | None:
    """The columns of a partition's first file, from its footer (None: no readable file)."""
    for name in partition.files:
        try:
            schema = pq.read_schema(Path(root) / name)
        except (pa.ArrowException, OSError):
            continue
        return pa.schema([field.with_type(_plain_type(field.name, field.type))
                          for field in schema])
    return None


def _plain_type(name: str, kind: pa.DataType) -> pa.DataType:
    """The type a column is read as: dictionary-encoded columns (a pandas category written
    to Parquet) as their values, and decimal ratings as float64, as the data loaders read
    them; the schema check refused both ("column 'value' holds decimal128(4, 1) (expected
    numbers)")."""
    if pa.types.is_dictionary(kind):
        kind = kind.value_type
    if name == VALUE and pa.types.is_decimal(kind):
        return pa.float64()
    return kind


def _plain_columns(table: pa.Table) -> pa.Table:
    """``table`` with each column cast to :func:`_plain_type`."""
    for position, field in enumerate(table.schema):
        plain = _plain_type(field.name, field.type)
        if plain != field.type:
            table = table.set_column(position, field.with_type(plain),
                                     table.column(position).cast(plain))
    return table


def read_table(root: str | Path, partition: Partition) -> pa.Table:
    """The rows of one partition as stored, its files concatenated; only dictionary-encoded
    columns and decimal ratings are read as plain values (:func:`_plain_type`).

    Raises
    ------
    DataFormatError
        A file that is not readable Parquet, or files of one partition with different
        columns.
    """
    root = Path(root)
    tables = []
    for name in partition.files:
        try:
            tables.append(pq.read_table(root / name))
        except (pa.ArrowException, OSError) as error:
            repeated = _repeated_column(root / name)
            if repeated is not None:
                # pyarrow's "Multiple matches for FieldRef" came with the whole schema
                raise DataFormatError(f"column {repeated!r} appears more than once; write "
                                      "each column once", file=str(root / name)) from None
            raise DataFormatError(f"not a readable Parquet file ({error})",
                                  file=str(root / name)) from None
    if not tables:
        return pa.table({})
    _refuse_files_without_a_column(root, partition, tables)
    try:
        table = pa.concat_tables(tables, promote_options="permissive")
    except (pa.ArrowException, TypeError) as error:
        raise DataFormatError(f"its files have different columns ({error})",
                              file=str(root / partition.folder)) from None
    return _plain_columns(table)


def _refuse_files_without_a_column(root: Path, partition: Partition,
                                   tables: list[pa.Table]) -> None:
    """Refuse a file of the partition that lacks a column another of its files holds:
    the permissive concatenation filled the column with nulls for that file's rows, and
    the quality checks reported "N rows with an empty value" as if the log had written
    them, naming no file."""
    every = dict.fromkeys(name for table in tables for name in table.column_names)
    for column in every:
        holders = [name for name, table in zip(partition.files, tables, strict=True)
                   if column in table.column_names]
        if len(holders) == len(tables):
            continue
        lacking, columns = next((name, table.column_names) for name, table
                                in zip(partition.files, tables, strict=True)
                                if column not in table.column_names)
        raise DataFormatError(f"has no column {column!r}, which {holders[0]} of the same "
                              f"partition holds (this file's columns: "
                              f"{', '.join(columns) or 'none'}); every file of a partition "
                              "must hold the same columns: rewrite this file with them, or "
                              "move it out of the partition folder", file=str(root / lacking))


def _repeated_column(path: Path) -> str | None:
    """The first column name a Parquet file's footer holds twice, if any."""
    try:
        names = pq.read_schema(path).names
    except (pa.ArrowException, OSError):
        return None
    return next((name for position, name in enumerate(names) if name in names[:position]),
                None)


@arguments_named
def to_interactions(tables: list[pa.Table], *, explicit: bool,
                    rating_range: tuple[float, float] | None,
                    item_table: pd.DataFrame | None = None,
                    labels: list[str] | None = None) -> tuple[Interactions, np.ndarray]:
    """One :class:`Interactions` over the rows of several partitions (checked by the
    quality checks first), with one vocabulary; returns it and each row's partition number
    (the position in ``tables``), so that windows can be cut by partition.

    Raises
    ------
    DataFormatError
        The partitions (named by ``labels``) hold an id column as integers in some and as
        text in others: user 5 and user "5" would become two users.
    """
    # an empty list was pandas' "No objects to concatenate", a table alone or a text an
    # AttributeError on .schema, a missing column pyarrow's KeyError without the partition
    if not isinstance(tables, list | tuple) or not tables \
            or not all(isinstance(t, pa.Table) for t in tables):
        shown = (f"a list of {', '.join(sorted({type(t).__name__ for t in tables}))}"
                 if tables and isinstance(tables, list | tuple) else
                 "an empty list" if isinstance(tables, list | tuple) else
                 type(tables).__name__)
        raise RecstackError(f"to_interactions: tables must be a non-empty list of pyarrow "
                            f"Tables (one per partition, oldest first), got {shown}")
    if labels is not None and (not isinstance(labels, list | tuple)
                               or len(labels) != len(tables)):
        raise RecstackError(f"to_interactions: labels must name each of the {len(tables)} "
                            f"table(s) once, got {labels!r:.80}")
    names = list(labels) if labels is not None else [f"#{i}" for i in range(len(tables))]
    # explicit="no" (true to Python) read the value column as ratings
    explicit = check_flag(explicit, "to_interactions: explicit")
    if explicit != (rating_range is not None):
        # explicit without a range made implicit data of the ratings (every value kept as
        # a weight); a range without explicit dropped the ratings it bounds
        raise RecstackError(f"to_interactions: explicit={explicit} with rating_range="
                            f"{rating_range!r}: explicit ratings need their (low, high) "
                            "range and implicit events none; give both or neither")
    check_id_types([t.schema for t in tables], names)
    columns = [USER_ID, ITEM_ID, TIMESTAMP] + ([VALUE] if explicit else [])
    for name, table in zip(names, tables, strict=True):
        missing = [c for c in columns if c not in table.column_names]
        if missing:
            raise DataFormatError(f"to_interactions: partition {name} has no column "
                                  f"{', '.join(map(repr, missing))} (its columns: "
                                  f"{', '.join(table.column_names)}); the quality checks "
                                  "refuse such a partition first")
    frames = [t.select(columns).to_pandas() for t in tables]
    origin = np.repeat(np.arange(len(frames)), [len(f) for f in frames])
    frame = pd.concat(frames, ignore_index=True)
    data = Interactions.from_arrays(
        frame[USER_ID].to_numpy(), frame[ITEM_ID].to_numpy(),
        frame[VALUE].to_numpy() if explicit else None, frame[TIMESTAMP].to_numpy(),
        rating_range=rating_range, item_table=item_table, keep_unseen_items=False)
    return data, origin


@arguments_named
def check_id_types(schemas: list[pa.Schema], labels: list[str]) -> None:
    """Refuse partitions (their schemas, named by ``labels``) that hold an id column as
    integers in some and as text in others; a schema without the column is the schema
    check's to report, and so is an id column of another type (floats), which is named as
    what it is here: a float column was said to hold the ids "as text".

    Raises
    ------
    DataFormatError
        Naming the column and the partitions of each kind.
    RecstackError
        ``schemas`` and ``labels`` are not lists of one length, of pyarrow schemas and of
        partition names (a zip of unequal lengths was a ValueError, a table in place of
        its schema an AttributeError).
    """
    call = "check_id_types"
    for name, values, kind in (("schemas", schemas, pa.Schema), ("labels", labels, str)):
        if not isinstance(values, list | tuple) or not all(isinstance(v, kind)
                                                            for v in values):
            wanted = ("pyarrow schemas (a table's .schema)" if kind is pa.Schema else
                      "partition names (text)")
            got = (f"a list holding {', '.join(sorted({type(v).__name__ for v in values}))}"
                   if isinstance(values, list | tuple) else type(values).__name__)
            raise RecstackError(f"{call}: {name} must be a list of {wanted}, got {got}")
    if len(schemas) != len(labels):
        raise RecstackError(f"{call}: labels must name each of the {len(schemas)} "
                            f"schema(s) once, got {len(labels)}")
    for column in (USER_ID, ITEM_ID):
        kinds: dict[str, list[str]] = {}
        for schema, label in zip(schemas, labels, strict=True):
            if column not in schema.names:
                continue
            kinds.setdefault(_id_kind(schema.field(column).type), []).append(label)
        if len(kinds) > 1:
            if set(kinds) == {"text", "integers"}:
                raise DataFormatError(
                    f"partitions {', '.join(kinds['text'][:5])} hold it as text but "
                    f"partitions {', '.join(kinds['integers'][:5])} as integers: the same "
                    "id would count as two (5 and '5'); rewrite the partitions with one type",
                    column=column)
            held = "; ".join(f"partitions {', '.join(names[:5])} as {kind}"
                             for kind, names in kinds.items())
            raise DataFormatError(
                f"the partitions hold it as {len(kinds)} types ({held}); ids are integers or "
                "text, of one type in every partition: rewrite the partitions with one",
                column=column)


def _id_kind(kind: pa.DataType) -> str:
    """What an id column holds, as a message names it: integers, text or its type (a
    dictionary-encoded column by its values, as it is read)."""
    if pa.types.is_dictionary(kind):
        kind = kind.value_type
    if pa.types.is_integer(kind):
        return "integers"
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        return "text"
    return f"{kind} values"

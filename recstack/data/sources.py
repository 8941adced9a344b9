"""Resolve what a user names as a data source into `Interactions`.

A source is one of (tried in this order, each a spec in :data:`SOURCES`):

- ``synthetic`` or ``synthetic:n_users=5000,n_interactions=200000,seed=3``: the built-in
  generator with optional overrides of :class:`~recstack.data.synthetic.SyntheticConfig`;
- a registered dataset name such as ``movielens-100k``: read from the cache that
  ``recstack data fetch`` fills (it is not downloaded implicitly);
- a path: a MovieLens folder (detected from its files), a Hive-partitioned Parquet folder
  (``year=YYYY/month=MM/``), a folder written by ``recstack data synth``
  (``interactions.parquet`` and ``items.parquet``), one CSV / TSV / Parquet file, a folder
  of Parquet part files holding one table (``part-*``, as Spark, Polars, pyarrow or Dask
  write it), or a graph-CF split folder (``train.txt``, ``valid.txt``, ``test.txt``, read
  as one set of interactions; as ``[data] split = FOLDER`` its parts keep their roles).

How a file is read (column names, separator, encoding, timestamp format and unit, rating
range) is declared once, in :class:`LoaderOptions`: the CLI's flags and an experiment's
``[data]`` keys are made from it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from recstack.data.files import (
    TIMESTAMP_UNITS,
    WELL_KNOWN_COLUMNS,
    check_timestamp_options,
    timestamp_unit_hint,
)
from recstack.data.interactions import Interactions
from recstack.errors import ConfigError, DataFormatError, RecstackError, echoed
from recstack.progress import Progress
from recstack.specs import (
    DECIMAL_TEXT,
    INTEGER_TEXT,
    NUMBER_TEXT_RULE,
    Registry,
    Spec,
    arguments_named,
    build_spec,
    did_you_mean,
    endless_integer_problem,
    home_problem,
    option,
    toml_shown,
)

SYNTHETIC = "synthetic"
#: the interactions file of a dataset folder written by ``recstack data synth``
DATASET_INTERACTIONS = "interactions.parquet"
#: its item table
DATASET_ITEMS = "items.parquet"


#: the options of LoaderOptions that name a column for a role, and the role
_ROLES = {"user_col": "user ids", "item_col": "item ids", "value_col": "values",
          "timestamp_col": "timestamps"}


def _looked_for(role: str) -> str:
    """The names the loader reads a column of ``role`` from when none is named, from its
    own list (:data:`~recstack.data.files.WELL_KNOWN_COLUMNS`): the help said "default:
    1.0 each" of a file whose ``rating`` column the loader reads."""
    default, *others = WELL_KNOWN_COLUMNS[role]
    return f"default: {default}, else {', '.join(others[:-1])} or {others[-1]}"


@dataclass(frozen=True)
class LoaderOptions(Spec):
    """How to read a CSV, TSV or Parquet file; None leaves each choice to the file (its
    metadata, header or extension) or to :func:`~recstack.data.files.load_table`'s default."""

    user_col: str | None = option(None, f"column of user ids ({_looked_for('user ids')})")
    item_col: str | None = option(None, f"column of item ids ({_looked_for('item ids')})")
    value_col: str | None = option(None, f"column of ratings or weights "
                                   f"({_looked_for('values')}; none of them: 1.0 each)")
    timestamp_col: str | None = option(None, f"column of event times "
                                       f"({_looked_for('timestamps')}; none of them: no "
                                       "times)")
    separator: str | None = option(None, "field separator of a text file (default: from "
                                   "the extension)")
    encoding: str | None = option(None, "text encoding of a text file (default: utf-8)")
    column_names: tuple[str, ...] | None = option(None, "column names of a text file "
                                                  "without a header line")
    timestamp_format: str | None = option(None, "unix, iso or a strptime pattern such as "
                                          "%Y-%m-%d %H:%M (default: numbers are Unix time, "
                                          "text ISO-8601)")
    timestamp_unit: str | None = option(None, "what a numeric timestamp counts (default: "
                                        "auto, the unit the file records or one chosen by "
                                        "magnitude)", choices=TIMESTAMP_UNITS,
                                        near=timestamp_unit_hint)
    rating_range: tuple[float, float] | None = option(None, "lowest and highest valid "
                                                      "rating; others are an error")
    quoting: bool | None = option(None, "whether a text file quotes values as CSV does "
                                  "(default: yes; false: a quote is a character of its "
                                  "value, as in Last.fm's TSV files)")
    context: tuple[str, ...] | None = option(None, "columns kept as per-row context of the "
                                             "interactions, e.g. device (default: none, or "
                                             "those a Parquet file by recstack records)")

    def check(self) -> None:
        for role in ("user_col", "item_col", "value_col", "timestamp_col", "timestamp_format"):
            # an empty name would read as "not given" and silently fall back to the default
            if getattr(self, role) is not None and not getattr(self, role).strip():
                raise ConfigError(f"{role} = {getattr(self, role)!r}: expected a non-empty "
                                  "value (leave it out for the default)")
        if self.rating_range is not None and self.rating_range[0] >= self.rating_range[1]:
            raise ConfigError(f"rating_range = {list(self.rating_range)}: expected "
                              "[low, high] with low < high")
        if self.separator is not None and (len(self.separator) != 1
                                           or self.separator in '"\r\n'):
            hint = ("; that is a backslash and a 't': write the tab itself (\"\\t\" in a "
                    "double-quoted TOML string)" if self.separator == "\\t" else "")
            raise ConfigError(f"separator = {self.separator!r}: expected one character such "
                              f"as ',', ';' or a tab{hint}")
        if self.context is not None:
            repeated = sorted({n for n in self.context if self.context.count(n) > 1})
            if repeated or not all(name.strip() for name in self.context):
                raise ConfigError(f"context = {list(self.context)}: expected distinct, "
                                  "non-empty column names")
        named: dict[str, str] = {}
        for key, role in _ROLES.items():
            column = getattr(self, key)
            if column is not None and column in named:
                # refused here too, so that an experiment file fails before any data is read
                first = named[column]
                raise ConfigError(f"{first} and {key} are both {column!r}: one column cannot hold "
                                  f"both the {_ROLES[first]} and the {role}; name a different "
                                  f"column with {first} or {key}")
            if column is not None:
                named[column] = key
        if self.column_names is not None:
            repeated = sorted({n for n in self.column_names if self.column_names.count(n) > 1})
            if repeated or not all(self.column_names) or len(self.column_names) < 2:
                # [] passed here and failed only once the data loaded
                raise ConfigError(f"column_names = {list(self.column_names)}: expected "
                                  "distinct, non-empty names, at least two (user and item)")
            for key in (*_ROLES, "context"):
                named = getattr(self, key)
                absent = [n for n in ([named] if isinstance(named, str) else named or ())
                          if n not in self.column_names]
                if absent:
                    near = did_you_mean(absent[0], self.column_names)
                    # as the [data] table writes them
                    raise ConfigError(f"{key} = {toml_shown(absent[0])} is not one of "
                                      f"column_names = {toml_shown(list(self.column_names))}"
                                      f"{near}")
        try:
            check_timestamp_options(self.timestamp_format, self.timestamp_unit or "auto")
        except RecstackError as error:
            raise ConfigError(str(error)) from None
        if self.encoding is not None:
            import codecs

            try:
                codecs.lookup(self.encoding)
            except LookupError:
                raise ConfigError(f"encoding = {self.encoding!r}: not an encoding Python "
                                  "knows; e.g. utf-8, latin-1, cp1252") from None

    def given(self) -> dict[str, Any]:
        """The options that were set (not None)."""
        return {k: v for k, v in self.params().items() if v is not None}


#: every kind of data source, tried in order on what the user names
SOURCES: Registry[SourceSpec] = Registry("data source")


class SourceSpec(Spec):
    """One kind of data source; :meth:`recognise` claims a name, :meth:`load` reads it."""

    #: whether :class:`LoaderOptions` apply (only generic files)
    takes_loader_options = False

    @classmethod
    def recognise(cls, text: str, path: Path) -> SourceSpec | None:
        """The spec for ``text`` (``path`` is it as a path) if this kind claims it."""
        raise NotImplementedError

    def load(self, options: LoaderOptions, progress: Progress | None) -> Interactions:
        raise NotImplementedError


@SOURCES.register("synthetic")
@dataclass(frozen=True)
class SyntheticSource(SourceSpec):
    """The built-in generator; ``settings`` overrides fields of ``SyntheticConfig``."""

    settings: str = option("", "name=value,... overrides of the generator's settings")

    def check(self) -> None:
        from recstack.data.synthetic import SyntheticConfig, refuse_inexact_integers

        overrides = parse_synthetic_spec(SYNTHETIC + ":" + self.settings)
        known = [f.name for f in fields(SyntheticConfig)]
        for name in overrides:
            if name not in known:
                from recstack.specs import did_you_mean

                raise ConfigError(f"synthetic: no setting {name!r}{did_you_mean(name, known)};"
                                  f" settings: {', '.join(known)}")
        # each value as the user wrote it: n_users=5e3 was refused as "read 5000.0"
        written = _values_as_written(self.settings)
        refuse_inexact_integers(overrides, written)
        _refuse_unit_suffixes(overrides)
        try:
            SyntheticConfig(**overrides)
        except (TypeError, ValueError) as error:
            # n_users=1_000 was refused as "must be an integer, got '1_000'", the command
            # line's rule for writing a number unsaid
            # (start is a date, not a number: start=inf was given the number rule)
            misspelt = [name for name, value in overrides.items()
                        if name != "start"
                        and isinstance(value, str) and _python_reads_a_number(value)
                        and re.search(rf"\b{re.escape(name)}\b", str(error))]
            # (once: the generator's own refusal may say it already)
            rule = (f" (a number is written in {NUMBER_TEXT_RULE})"
                    if misspelt and NUMBER_TEXT_RULE not in str(error) else "")
            # noise=5e3 was refused as "got 5000.0" and n_users=-0 as "got 0": the
            # generator sees only the number, so the text the user typed is added
            retyped = [f"{name}={echoed(written[name])}" for name, value in overrides.items()
                       if isinstance(value, int | float) and not isinstance(value, bool)
                       and name in written and written[name] != str(value)
                       and re.search(rf"\b{re.escape(name)}\b", str(error))]
            typed = f" (written {', '.join(retyped)})" if retyped else ""
            raise ConfigError(f"synthetic: {error}{typed}{rule}") from None

    @classmethod
    def recognise(cls, text: str, path: Path) -> SourceSpec | None:
        if text == SYNTHETIC or text.startswith(SYNTHETIC + ":"):
            return cls(text.partition(":")[2])
        return None

    def load(self, options: LoaderOptions, progress: Progress | None) -> Interactions:
        from recstack.data.synthetic import generate

        return generate(progress=progress,
                        **parse_synthetic_spec(SYNTHETIC + ":" + self.settings))


@SOURCES.register("dataset")
@dataclass(frozen=True)
class FetchedDataset(SourceSpec):
    """A public dataset by name, read from the cache that ``recstack data fetch`` fills."""

    name: str = option(doc="e.g. movielens-100k (see recstack data fetch --list)")

    @classmethod
    def recognise(cls, text: str, path: Path) -> SourceSpec | None:
        from recstack.data import fetch

        return cls(text) if text in fetch.DATASETS and not path.exists() else None

    def load(self, options: LoaderOptions, progress: Progress | None) -> Interactions:
        from recstack.data import fetch, movielens

        cached = fetch.cached_path(self.name)
        if cached is None:
            raise RecstackError(f"{self.name} is not in the cache yet; run "
                                f"`recstack data fetch {self.name}` first")
        return movielens.load_movielens(cached, progress=progress)


@SOURCES.register("movielens")
@dataclass(frozen=True)
class MovieLensFolder(SourceSpec):
    """An unpacked MovieLens release (detected from its files)."""

    path: str = option(doc="the release's folder")

    @classmethod
    def recognise(cls, text: str, path: Path) -> SourceSpec | None:
        from recstack.data import movielens

        if path.is_dir() and movielens.detect_variant(path) is not None:
            return cls(str(path))
        return None

    def load(self, options: LoaderOptions, progress: Progress | None) -> Interactions:
        from recstack.data import movielens

        return movielens.load_movielens(Path(self.path), progress=progress)


@SOURCES.register("partitioned")
@dataclass(frozen=True)
class PartitionedFolder(SourceSpec):
    """A Hive-partitioned Parquet folder (``year=YYYY/month=MM/``)."""

    path: str = option(doc="the dataset's root folder")

    @classmethod
    def recognise(cls, text: str, path: Path) -> SourceSpec | None:
        from recstack.data.partitioned import is_partitioned

        return cls(str(path)) if path.is_dir() and is_partitioned(path) else None

    def load(self, options: LoaderOptions, progress: Progress | None) -> Interactions:
        from recstack.data.partitioned import read_partitioned

        return read_partitioned(Path(self.path))


@SOURCES.register("dataset_folder")
@dataclass(frozen=True)
class DatasetFolder(SourceSpec):
    """A folder written by ``recstack data synth``: interactions plus an item table."""

    path: str = option(doc="the folder")

    @classmethod
    def recognise(cls, text: str, path: Path) -> SourceSpec | None:
        from recstack.data.files import is_part_folder

        # a pipe or a broken link of that name too: the loader names it for what it is;
        # a folder of part files is one table (Spark names its output interactions.parquet)
        found = path / DATASET_INTERACTIONS
        return cls(str(path)) if path.is_dir() and os.path.lexists(found) \
            and (not found.is_dir() or is_part_folder(found)) else None

    def load(self, options: LoaderOptions, progress: Progress | None) -> Interactions:
        from recstack.data.side_table import read_side_table

        folder = Path(self.path)
        data = _load_file(folder / DATASET_INTERACTIONS, options, progress)
        items_path = folder / DATASET_ITEMS
        if not items_path.exists():
            return data
        # the shared reader: a damaged file, or one without item_id, is refused naming it
        items = read_side_table(items_path, what="item table", require_rows=True)
        try:
            return attach_item_table(data, items)
        except DataFormatError as error:
            if error.file is not None:
                raise
            raise DataFormatError(error.detail, file=str(items_path), column=error.column,
                                  expected=error.expected) from None


@SOURCES.register("file")
@dataclass(frozen=True)
class TableFile(SourceSpec):
    """One CSV, TSV or Parquet file, or a folder of Parquet part files holding one table
    (``part-*`` files as Spark, Polars, pyarrow or Dask write them), read as
    :class:`LoaderOptions` say."""

    path: str = option(doc="the file, or the folder of part files")
    takes_loader_options = True

    @classmethod
    def recognise(cls, text: str, path: Path) -> SourceSpec | None:
        from recstack.data.files import is_part_folder

        return cls(str(path)) if path.is_file() or is_part_folder(path) else None

    def load(self, options: LoaderOptions, progress: Progress | None) -> Interactions:
        return _load_file(Path(self.path), options, progress)


@SOURCES.register("adjacency")
@dataclass(frozen=True)
class AdjacencyFolder(SourceSpec):
    """A graph-CF split folder: ``train.txt``, optionally ``valid.txt``, and ``test.txt``,
    one ``user item item ...`` line per user (:mod:`recstack.data.adjacency`).

    As ``[data] split = FOLDER`` it is the graph-CF protocol (tune on valid, refit on train
    plus valid, test on test: :func:`recstack.experiment.run_experiment`); as a source to
    split anew, its parts are read as one set of interactions."""

    path: str = option(doc="the folder holding train.txt, test.txt and optionally valid.txt")

    @classmethod
    def recognise(cls, text: str, path: Path) -> SourceSpec | None:
        return cls(str(path)) if is_adjacency_folder(path) else None

    def load(self, options: LoaderOptions, progress: Progress | None) -> Interactions:
        from recstack.data.adjacency import union

        parts = self.load_parts()
        return union(*(p for p in (parts.train, parts.valid, parts.test) if p is not None))

    def load_parts(self) -> Any:
        """The parts with their report (:class:`~recstack.data.adjacency.AdjacencySplits`)."""
        from recstack.data.adjacency import load_adjacency_splits

        return load_adjacency_splits(Path(self.path))


def is_adjacency_folder(path: Path) -> bool:
    """Whether ``path`` is a folder laid out as a graph-CF split (train.txt and test.txt)."""
    from recstack.data.adjacency import FILE_NAMES

    # a pipe or a broken link of that name counts too: the split's reader names it for
    # what it is (it was "neither ... nor a graph-CF split (train.txt and test.txt)")
    return path.is_dir() and all(os.path.lexists(path / FILE_NAMES[part])
                                 and not (path / FILE_NAMES[part]).is_dir()
                                 for part in ("train", "test"))


#: endings of the files a source path reads as one log (compressed or not)
_LOG_ENDINGS = (".parquet", ".pq", ".csv", ".tsv", ".csv.gz", ".tsv.gz")


def _log_files_in(folder: Path) -> str:
    """For a folder that is no dataset: the log files directly in it, which a source names
    one at a time (a folder of exports given for one of them was refused without a word
    on what to give instead)."""
    try:
        names = sorted(entry.name for entry in folder.iterdir() if entry.is_file()
                       and not entry.name.startswith((".", "_"))
                       and entry.name.lower().endswith(_LOG_ENDINGS))
    except OSError:
        return ""
    if not names:
        return ""
    shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
    parts = [name for name in names if name.startswith("part-")]
    if parts:
        # a folder of parts is read as one table (files.is_part_folder), unless key=value
        # subfolders beside them make it a partitioned layout as well: one part's path, as
        # advised for a folder of exports, would read a fraction of the table
        return (f"; it holds {shown}, the parts of one table as Spark, Polars or pyarrow "
                "write it, beside partition folders (key=value): recstack reads a folder "
                "of parts, or a year=YYYY/month=MM/ dataset, not both in one folder: move "
                "the parts or the partition folders out")
    return f"; it holds {shown}: give one file's path, e.g. {folder / names[0]}"


def _sources_in(folder: Path) -> str:
    """For a folder that is no dataset: its subfolders that are (a folder of graph-CF
    splits, lightgcn-splits/ holding ml-1m/ and lastfm/, was refused without a word on
    what to give instead)."""
    try:
        found = sorted(entry.name for entry in folder.iterdir() if entry.is_dir() and
                       not entry.name.startswith((".", "_")) and
                       any(SOURCES.get(kind).recognise(str(entry), entry)  # type: ignore[attr-defined]
                           for kind in ("movielens", "partitioned", "adjacency")))
    except (OSError, RecstackError):
        return ""
    if not found:
        return ""
    shown = ", ".join(found[:4]) + (f" and {len(found) - 4} more" if len(found) > 4 else "")
    return (f"; its subfolder(s) {shown} are datasets: give one of them, e.g. "
            f"{folder / found[0]}")


def _part_of_a_folder_source(path: Path) -> str:
    """For a file that is part of a folder source (a MovieLens u.data, a graph-CF
    train.txt): the folder to give instead, or ''. Only the source's own files count:
    any other file beside a ratings.csv (``pic.png``, the experiment file itself) was
    called a file of the release."""
    from recstack.data.adjacency import FILE_NAMES
    from recstack.data.movielens import is_release_file

    folder = path.parent
    own = {"movielens": is_release_file(path.name),
           "adjacency": path.name in FILE_NAMES.values()}
    for kind in ("movielens", "adjacency"):
        if not own[kind]:
            continue
        try:
            if SOURCES.get(kind).recognise(str(folder), folder):  # type: ignore[attr-defined]
                what = "a MovieLens release" if kind == "movielens" else "a graph-CF split"
                return (f"{path}: a file of {what}, which is read as its folder: give "
                        f"the folder, {folder}")
        except (OSError, RecstackError):
            return ""
    return ""


def resolve_source(source: str, *, base: Path | None = None, where: str = "") -> SourceSpec:
    """The spec of what ``source`` names; a relative path is taken from ``base`` (the
    experiment file's folder) when given. Nothing is read yet.

    Raises
    ------
    ConfigError
        Nothing answers to ``source``; the message says where a path was looked for.
    """
    if not isinstance(source, str) or not source.strip():
        # blank as empty: '   ' was looked for as a file named by three spaces
        raise ConfigError(f"{where}expected a path, a dataset name or 'synthetic', "
                          f"got {source!r}")
    homeless = home_problem(source)
    if homeless is not None:
        # '~nosuchuser/x.csv' was pathlib's RuntimeError, '~/x.csv' with HOME empty /x.csv
        raise ConfigError(f"{where}{source!r} {homeless}")
    path = Path(source).expanduser()
    if base is not None and not path.is_absolute():
        path = base / path
    try:
        for kind in SOURCES.names():
            try:
                spec = SOURCES.get(kind).recognise(source, path)  # type: ignore[attr-defined]
            except ConfigError as error:
                raise ConfigError(f"{where}{error}") from None
            if spec is not None:
                return spec
        is_folder, found = path.is_dir(), path.exists() or path.is_symlink()
    except OSError as error:
        # a name too long for the file system, a folder on the way that cannot be read:
        # each look at the path (is it a folder? a file?) was the system's OSError,
        # raised as it is from load_source and from an experiment file
        raise ConfigError(f"{where}{_unreadable_path(source, path, error)}") from None
    from recstack.data import fetch

    if is_folder:
        raise ConfigError(f"{where}{path}: a folder, but neither a MovieLens release, a "
                          f"partitioned Parquet dataset (year=YYYY/month=MM/), a folder of "
                          f"Parquet part files holding one table (part-*, as Spark, Polars, "
                          f"pyarrow or Dask write it), a folder with {DATASET_INTERACTIONS} "
                          f"nor a graph-CF split (train.txt and test.txt)"
                          f"{_log_files_in(path) or _sources_in(path)}")
    if found:
        # a pipe or device; a symbolic link that loops or leads nowhere
        from recstack.data.files import not_a_file

        problem = not_a_file(path) or "neither a file nor a folder"
        raise ConfigError(f"{where}{path}: {problem.replace('; expected a file', '')}")
    # a near miss of a name ('movielens-1k', 'Synthetic', 'synthtic:n_users=50') was only
    # "no such file or folder"
    from recstack.specs import did_you_mean

    name, colon, settings = source.partition(":")
    if colon and name != SYNTHETIC and name.strip() == SYNTHETIC:
        # ' synthetic :n_users=5' was "no such file or folder": the spaces named, as
        # parse_synthetic_spec names them
        try:
            parse_synthetic_spec(source)
        except ConfigError as error:
            raise ConfigError(f"{where}{error}") from None
    near = did_you_mean(name, [SYNTHETIC]) if colon else did_you_mean(
        source, [SYNTHETIC, *sorted(fetch.DATASETS)])
    if colon and near:
        near = near.replace(f"{SYNTHETIC!r}", repr(f"{SYNTHETIC}:{settings}"))
    if not near and source.strip() != source and source.strip() \
            and os.path.lexists(source.strip()):
        # 'ratings.csv\n' (pasted with its line break) was said as "looked at
        # .../ratings.csv; )", the break turned into the one-line message's separator
        near = (f" (it starts or ends with a space or a line break; did you mean "
                f"{source.strip()!r}?)")
    if not near and re.match(r"[A-Za-z][A-Za-z0-9+.-]+:/", source):
        # 'https://host/log.csv' was looked for as a local path ('.../https:/host/log.csv')
        near = (" (a URL: a source is read from this machine's files, so download it "
                "first and give the file's path; a MovieLens release is fetched with "
                "recstack data fetch)")
    if not near and source.strip() == "-":
        # '-' was looked for as a file named '-', as if it meant nothing else
        near = ("; '-' does not read standard input here: save the data to a CSV, TSV or "
                "Parquet file and give its path")
    if not near:
        from recstack.data.files import near_miss

        near = near_miss(path, source)
    # abspath, not resolve(): it follows no links, so a looping one cannot stop it
    looked = os.path.abspath(path)
    near += relative_to_the_file(source, base)
    raise ConfigError(f"{where}no such file or folder: {source!r} (looked at "
                      f"{looked if looked.isprintable() else repr(looked)}){near};"
                      f" a source is a path, 'synthetic[:opts]', or one of: "
                      f"{', '.join(sorted(fetch.DATASETS))}")


def relative_to_the_file(written: str, base: Path | None) -> str:
    """For a relative path of an experiment file (``written``, read from ``base``, the
    file's folder) that is not there but is in the current folder: that a relative path is
    read from the file's folder, and how to name the one in the current folder. "no such
    file (looked at sub/log.csv)" left the user guessing why the ``log.csv`` beside them
    was not read. '' otherwise (no ``base``, an absolute path, the file's folder is the
    current one, or the current folder holds no such path either)."""
    path = Path(written).expanduser()
    if base is None or path.is_absolute() or written.strip() != written or not written:
        return ""
    try:
        here = Path.cwd()
        if Path(os.path.abspath(base)) == here:
            return ""
        if not os.path.lexists(here / path):
            return ""  # (the "looked at" path says where it was looked for)
        from_file = os.path.relpath(here / path, os.path.abspath(base))
    except (OSError, ValueError):  # no current folder; another drive (Windows)
        return ""
    return (f"; a relative path in an experiment file is read from the file's folder, "
            f"{base}, not the current folder, which holds {written}: write {from_file!r} "
            f"(its path from the file's folder) or {str(here / path)!r}")


def _unreadable_path(source: str, path: Path, error: OSError) -> str:
    """Why the path a source names could not be looked at (``error``, the system's)."""
    from recstack.atomic import name_too_long, shortened

    too_long = name_too_long(path)
    if too_long is not None:
        return (f"{shortened(source)}: is {too_long}; a source is a path, "
                "'synthetic[:opts]' or a dataset name: check the path")
    place = os.fsdecode(error.filename) if error.filename is not None else str(path)
    # a path is read whole up to 1,024 characters (recstack.errors.cut_long_values)
    return (f"{shortened(source, 1024)}: cannot look at {shortened(place, 1024)}: "
            f"{error.strerror or error}; check the path and its folders' permissions")


@arguments_named
def load_source(source: str | os.PathLike[str] | SourceSpec, *,
                options: LoaderOptions | Mapping[str, Any] | None = None,
                progress: Progress | None = None, base: Path | None = None) -> Interactions:
    """Load the interactions a source names (see the module docstring): a path (text or
    a ``pathlib.Path``), a dataset name, ``synthetic[:opts]`` or a :class:`SourceSpec`;
    ``options`` a :class:`LoaderOptions` or a mapping of its fields."""
    if isinstance(source, os.PathLike):
        source = os.fspath(source)  # type: ignore[assignment]
    # anything else that is no spec (None, a number) is refused by name there
    spec = source if isinstance(source, SourceSpec) else resolve_source(source, base=base)
    if isinstance(options, Mapping):
        options = loader_options(dict(options), "options: ")
    if options is not None and not isinstance(options, LoaderOptions):
        raise ConfigError(f"options must be LoaderOptions(...) or a mapping of its fields "
                          f"such as {{'user_col': 'userId'}}, not {type(options).__name__}")
    options = options or LoaderOptions()
    check_options_apply(spec, options)
    return spec.load(options, progress)


def check_options_apply(spec: SourceSpec, options: LoaderOptions, where: str = "") -> None:
    """Refuse loader options given for a source they do not apply to."""
    given = options.given()
    if given and not (spec.takes_loader_options or isinstance(spec, DatasetFolder)):
        raise ConfigError(f"{where}{', '.join(given)}: loader options apply to CSV, TSV and "
                          f"Parquet files, not to a {spec.kind_name} source")


def loader_options(values: dict[str, Any], where: str = "") -> LoaderOptions:
    """:class:`LoaderOptions` from a table of values, problems reported at ``where``."""
    return build_spec(LoaderOptions, values, where)


#: what may join two name=value options typed without a comma
_JOINERS = "; \t\r\n"

#: the synthetic generator's settings that take any real number (not a count, not a date)
_SYNTHETIC_REAL_SETTINGS = ("popularity_exponent", "activity_sigma", "drift", "noise")


def parse_synthetic_spec(spec: str) -> dict[str, Any]:
    """``synthetic:a=1,b=2`` -> ``{"a": 1, "b": 2}`` (numbers parsed, the rest left as text)."""
    if not isinstance(spec, str):
        raise ConfigError(f"a synthetic spec must be text such as 'synthetic:n_users=100', "
                          f"got {type(spec).__name__} {spec!r:.60}")
    name, colon, rest = spec.partition(":")
    if not colon and name.strip() != SYNTHETIC:
        # 'n_users=10' (the prefix left out) gave {}: every option silently at its default
        raise ConfigError(f"synthetic spec {spec!r:.80} has no 'synthetic:' prefix; write "
                          f"synthetic:{spec.strip()}" if "=" in spec else
                          f"synthetic spec {spec!r:.80}: expected 'synthetic' or "
                          "'synthetic:name=value,...'" + did_you_mean(name.strip(), [SYNTHETIC]))
    if colon and name != SYNTHETIC and name.strip() == SYNTHETIC:
        # ' synthetic :n_users=5' was read here, but refused as a source (no such file):
        # a spec's name is written exactly, as a metric's or a filter's is
        raise ConfigError(f"synthetic spec {spec!r:.80}: the prefix {name!r:.40} has spaces "
                          f"around it; write synthetic:{rest.strip()}")
    if name.strip() != SYNTHETIC:
        # 'synthtic:n_users=5' (or 'movielens:n_users=5') was read as a synthetic spec
        raise ConfigError(f"synthetic spec {spec!r:.80}: the prefix {name!r:.40} is not "
                          f"{SYNTHETIC!r}{did_you_mean(name.strip(), [SYNTHETIC])}; write "
                          f"synthetic:{rest.strip()}")
    return parse_spec_options(rest)


def parse_spec_options(rest: str, name: str = SYNTHETIC,
                       option_word: str = "synthetic option") -> dict[str, Any]:
    """The ``a=1,b=2`` after a spec's ``name:`` -> ``{"a": 1, "b": 2}`` (numbers parsed,
    the rest left as text), refused by the rules of :func:`parse_synthetic_spec`; the
    messages call each part ``option_word`` and write a corrected spec as ``name:...``
    (the command line's ``--filter k_core:...`` was told to write ``synthetic:...``)."""
    overrides: dict[str, Any] = {}
    parts = [p.strip() for p in rest.split(",")] if rest.strip() else []
    for position, part in enumerate(parts, start=1):
        if not part:
            # 'a=1,,b=2' or 'a=1,': a comma too many, or an option left out between them
            raise ConfigError(f"{option_word} {position} of {len(parts)} in {rest!r} is "
                              "empty (two commas in a row, or one at an end); separate "
                              "name=value options by single commas")
        key, sep, raw = part.partition("=")
        if not sep:
            raise ConfigError(f"{option_word} {part!r} should look like name=value"
                              + _decimal_comma_hint(parts, position, name))
        if key.strip() in overrides:
            raise ConfigError(f"{option_word} {key.strip()!r} is given twice; give each "
                              "option once")
        value = raw.strip()
        joined = re.search(r"[;\s]+(\w+)=", value)
        if joined:
            # 'n_users=10;n_items=10' was refused as "n_users must be an integer, got
            # '10;n_items=10'": the options are separated by commas
            raise ConfigError(
                f"{option_word} {key.strip()}={value}: holds another option "
                f"({joined.group(1)}=...) after {joined.group(0)[0]!r}; separate "
                f"name=value options by commas: {name}:{key.strip()}="
                f"{value[:joined.start()]},{value[joined.start():].lstrip(_JOINERS)}")
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            # start='2019-01-01' was refused as no ISO-8601 date, the quotes unmentioned:
            # a spec string's values are written bare, for every option
            if len(value) == 2:
                raise ConfigError(f"{option_word} {key.strip()}={value}: the value is "
                                  "empty quotes; give the value itself, unquoted, or leave "
                                  f"{key.strip()} out for its default")
            raise ConfigError(f"{option_word} {key.strip()}={value}: the value is in "
                              f"quotes; write {key.strip()}={value[1:-1]} (the values of a "
                              "name=value,... spec take no quotes)")
        endless = endless_integer_problem(value)
        if endless is not None:
            # n_users=1000...0 (5,001 digits) was int()'s ValueError traceback
            raise ConfigError(f"{option_word} {key.strip()}: {endless}")
        # (a synthetic count refuses an infinity as text, naming the digits it takes; a
        # real setting reads it as one, so that its own check says "a finite number":
        # noise=inf was told "a number in quotes is text: write it without them, noise =
        # inf", the very text given)
        overrides[key.strip()] = _number_or_text(
            value, infinity=name != SYNTHETIC or key.strip() in _SYNTHETIC_REAL_SETTINGS)
    return overrides


def _values_as_written(rest: str) -> dict[str, str]:
    """Each option's value in the ``a=1,b=2`` after a spec's ``name:``, as written (trimmed),
    by name; for messages, once :func:`parse_spec_options` has read ``rest``."""
    written: dict[str, str] = {}
    for part in rest.split(",") if rest.strip() else []:
        key, _, raw = part.partition("=")
        written[key.strip()] = raw.strip()
    return written


#: a number with a unit suffix (10k, 1.5M, 2B), and each suffix's multiplier
_UNIT_SUFFIXED = re.compile(r"([0-9]+(?:\.[0-9]+)?)\s*([kKmMbBgG])", re.ASCII)
_UNIT_MULTIPLIERS = {"k": 10**3, "m": 10**6, "b": 10**9, "g": 10**9}


def _refuse_unit_suffixes(overrides: Mapping[str, Any]) -> None:
    """Refuse a synthetic setting's number written with a unit suffix (``n_users=10k``,
    told only "must be an integer, got '10k'"), naming the setting, the value as written
    and its digits to write instead."""
    from decimal import Decimal

    from recstack.data.synthetic import INTEGER_SETTINGS, count_in_bounds

    for name, value in overrides.items():
        if name not in INTEGER_SETTINGS + _SYNTHETIC_REAL_SETTINGS or not isinstance(value, str):
            continue
        suffixed = _UNIT_SUFFIXED.fullmatch(value)
        if suffixed is None:
            continue
        number = Decimal(suffixed.group(1)) * _UNIT_MULTIPLIERS[suffixed.group(2).lower()]
        whole = number == number.to_integral_value()
        # a count is whole and within its bounds: 0.0001k and 0k are no n_users, so no
        # digits are offered for them, nor for a number of thousands of digits
        offered = len(suffixed.group(1)) <= 40 and (name not in INTEGER_SETTINGS or (
            whole and count_in_bounds(name, number)))
        instead = (f"; write {name}={number.normalize():f}" if offered else "")
        raise ConfigError(f"synthetic option {name}={echoed(value)}: a number takes no unit "
                          f"suffix ({suffixed.group(2)!r}); it is written in "
                          f"{NUMBER_TEXT_RULE}{instead}")


def _decimal_comma_hint(parts: list[str], position: int, name: str) -> str:
    """The advice for the option at ``position`` (from 1) of ``parts`` that has no '='
    where it is digits after a ``name=digits`` option: ``noise=1,5`` is a decimal comma,
    split at it into ``noise=1`` and an option ``5`` (told only "should look like
    name=value"). Empty when the parts are not so."""
    if position < 2 or not re.fullmatch(r"[0-9]+", parts[position - 1]):
        return ""
    before = parts[position - 2]
    if not re.fullmatch(r"\w+\s*=\s*[+-]?[0-9]+", before):
        return ""
    written, after = before.replace(" ", ""), parts[position - 1]
    if len(after) == 3:
        # 'n_users=1,000' is as likely a thousands separator as a decimal comma
        return (f"; if {written},{after} is one number, write it without the comma, "
                f"{name}:{written}{after}, or as a decimal, {name}:{written}.{after} (a "
                "comma separates options)")
    return (f"; if {written},{after} is a decimal, write it with a point, "
            f"{name}:{written}.{after} (a comma separates options)")


def attach_item_table(data: Interactions, items: Any) -> Interactions:
    """``data`` with ``items`` (a DataFrame keyed by ``item_id``) as its item table, aligned
    to ``data``'s item vocabulary by :meth:`Interactions.from_arrays`' rule. The rows and
    ids are kept as they are: building them again warned a second time of every look-alike
    or missing-value id the loader had already named (without the file, rows counted from 0)."""
    return data.with_item_table(items)


def _load_file(path: Path, options: LoaderOptions, progress: Progress | None) -> Interactions:
    from recstack.data.files import load_table

    arguments = _load_table_arguments(options)
    if "separator" not in arguments and not path.name.lower().endswith(_LOG_ENDINGS):
        # u.data or train.txt alone: "cannot tell the format from the extension"
        # said nothing of the folder the file belongs to
        folder = _part_of_a_folder_source(path)
        if folder:
            raise ConfigError(folder)
    return load_table(path, progress=progress, **arguments)


def _load_table_arguments(options: LoaderOptions) -> dict[str, Any]:
    """The options given, as :func:`~recstack.data.files.load_table` takes them; those not
    given are left to it (and to what the file's metadata records)."""
    arguments = options.given()
    for name in ("column_names", "context"):
        if name in arguments:
            arguments[name] = list(arguments[name])
    return arguments


def _python_reads_a_number(text: str) -> bool:
    """Whether Python's int() or float() reads ``text`` ('1_0', '\u0663'), which
    :func:`_number_or_text` left as text."""
    for cast in (int, float):
        try:
            cast(text)
        except ValueError:
            continue
        return True
    return False


def _number_or_text(raw: str, *, infinity: bool = False) -> Any:
    """An int or a float when ``raw`` is written as one in ASCII decimal, else the text.
    Python's own int() and float() also read '1_0' as 10 and the Arabic-Indic '\u0663' as
    3: left as text, the option that expects a number names it instead."""
    if INTEGER_TEXT.fullmatch(raw):
        return int(raw)
    if DECIMAL_TEXT.fullmatch(raw):
        return float(raw)
    if infinity and re.fullmatch(r"[+-]?inf(inity)?", raw, re.ASCII | re.IGNORECASE):
        # --filter min_value:threshold=inf, unquoted, was told "a number in quotes is text:
        # write it without them": an infinity is read as one, and the option's own check
        # names it (NaN is left as text, refused as no setting's value)
        return float(raw)
    return raw



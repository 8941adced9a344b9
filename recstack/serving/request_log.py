"""Append-only logs of the service as rotated Parquet files: requests served and events.

A :class:`ParquetLog` keeps appended rows in memory and writes them as new Parquet files
of at most ``rotate_rows`` rows each (one file per rotation) when ``rotate_rows`` rows are
waiting, when ``rotate_seconds`` have passed since the last write, and on
:meth:`ParquetLog.close` (the service's shutdown). Files are
named ``PREFIX-YYYYmmddTHHMMSSffffffZ-PID-SEQ.parquet`` (UTC), so several worker processes
write into one folder without clashing and names sort by time; each is written to a
temporary file and renamed (:func:`recstack.atomic.write_with`), so a reader never sees half
a file. With ``keep_files`` the oldest files of the prefix beyond that number are deleted
(one that cannot be deleted stays, with a warning: the rows were written).

Writing happens on a background thread, never on a request's path; appending takes a lock
and a list append. A crash loses at most the rows not yet written (``rotate_seconds``);
rows that cannot be written at :meth:`ParquetLog.close` are named in one
:class:`RecstackError` (the file, how many, why) and stay held for :meth:`ParquetLog.flush`.
Rows that cannot be written (the folder unwritable, the disk full) are kept and tried
again, but at most ``max_pending`` of them (:func:`default_max_pending`: ten files' worth,
at least :data:`MIN_MAX_PENDING`): beyond that the oldest are dropped and counted
(``dropped_rows``, ``on_drop``), so a folder that stays unwritable cannot grow the
service's memory without end. ``last_error`` says why the last write failed until one
succeeds (the service's ``/health`` reports it as ``log_error``).

:data:`REQUEST_SCHEMA` and :data:`EVENT_SCHEMA` are the two logs the service writes;
:func:`read_log` reads a prefix's files back as one table, refusing a damaged or foreign
file by name.
"""

from __future__ import annotations

import itertools
import logging
import os
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence, Set
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from recstack.atomic import (
    blocking_parent,
    checked_path,
    describe_path,
    folder_problem,
    special_file_problem,
    write_with,
)
from recstack.errors import ConfigError, RecstackError, counted, shown_number
from recstack.serving._arguments import as_whole, is_real
from recstack.specs import arguments_named

__all__ = ["EVENT_SCHEMA", "MIN_MAX_PENDING", "REQUEST_SCHEMA", "ParquetLog",
           "default_max_pending", "make_log_folder", "read_log"]

logger = logging.getLogger(__name__)

_TIME = pa.timestamp("us", tz="UTC")
#: one row per served list: who, which arm and model, what was shown where, the
#: features a ranking stage used (JSON text, null when no stage used any) and the request
#: context the model was given (JSON text of column -> value with ``timestamp``; null when
#: it used none) and ``exclude_seen``, whether the user's seen items were left out (True
#: where the request cannot choose: new visitors, similar items, popularity) and
#: ``shortfall``, why the list holds fewer than ``k`` items (null when it holds ``k``), so
#: short lists are counted as fallbacks are. Columns absent from files written before them
#: are read as null.
REQUEST_SCHEMA = pa.schema([
    ("request_id", pa.string()), ("time", _TIME), ("endpoint", pa.string()),
    ("user_id", pa.string()), ("variant", pa.string()), ("model", pa.string()),
    ("k", pa.int32()), ("input_items", pa.list_(pa.string())),
    ("items", pa.list_(pa.string())), ("positions", pa.list_(pa.int32())),
    ("scores", pa.list_(pa.float32())), ("sources", pa.list_(pa.string())),
    ("vector_source", pa.string()), ("fallback", pa.string()), ("features", pa.string()),
    ("context", pa.string()), ("exclude_seen", pa.bool_()), ("shortfall", pa.string()),
])
#: one row per posted event, with the arm and model the user was being served
EVENT_SCHEMA = pa.schema([
    ("time", _TIME), ("timestamp", pa.float64()), ("event", pa.string()),
    ("user_id", pa.string()), ("item_id", pa.string()), ("session_id", pa.string()),
    ("variant", pa.string()), ("model", pa.string()), ("request_id", pa.string()),
    ("position", pa.int32()), ("revenue", pa.float64()), ("cost", pa.float64()),
])


#: the least number of unwritten rows a log keeps while its files cannot be written
MIN_MAX_PENDING = 100_000


def default_max_pending(rotate_rows: int) -> int:
    """How many unwritten rows a log keeps by default: ten files' worth (``10 *
    rotate_rows``), at least :data:`MIN_MAX_PENDING`."""
    number = as_whole(rotate_rows)
    if number is None or number < 1:
        # as ParquetLog's rotate_rows: True, "5", 3.5 or -1 were read by int() (a default
        # of 100,000 rows for any of them) and None was Python's TypeError
        raise ConfigError(f"rotate_rows must be a whole number of at least 1, got "
                          f"{shown_number(rotate_rows)}")
    return max(MIN_MAX_PENDING, 10 * number)


def _check_prefix(prefix: Any) -> str:
    """``prefix`` when it is a plain file-name prefix (``"requests"``), the one rule of the
    writer and the readers: the readers globbed any value, so that ``"*"`` read every
    log's files as one, and None or a path part found no file without a word."""
    if (not isinstance(prefix, str) or not prefix
            or any(c in prefix for c in "/\\*?[]") or prefix in (".", "..")):
        raise ConfigError(f"the log's prefix must be a plain file-name prefix such as "
                          f"'requests', got {prefix!r:.60}")
    return prefix


def _check_required(required: Any) -> list[str]:
    """``required`` column names as a list: a single text was read as its characters (a
    file lacking ``user_id`` was said to lack columns u, s, e, r...)."""
    if isinstance(required, str) or not isinstance(required, Sequence | Set) \
            or not all(isinstance(name, str) for name in required):
        raise ConfigError(f"required must be a list of column names (e.g. ['user_id', "
                          f"'item_id']), got {type(required).__name__} {required!r:.60}")
    return list(required)


@arguments_named
def make_log_folder(folder: str | Path) -> Path:
    """``folder``, created when missing; one that cannot be (a file in its place, a parent
    without permission) is a :class:`ConfigError` naming it, not an ``OSError`` from the
    service's startup; nor is a path that is not one (a number, None, empty text)."""
    folder = checked_path(folder, "log folder")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        # "Too many levels of symbolic links" or "File exists" for --log-dir given as a
        # link that loops or leads nowhere, "Not a directory" for a named pipe: say which
        # (a plain file in the way keeps the system's "Not a directory")
        reason = error.strerror or str(error)
        blocked = [p for p in (*reversed(folder.parents), folder)
                   if os.path.lexists(p) and not p.is_dir()]
        # (a plain file where the folder itself belongs read "File exists": said so)
        if blocked and (describe_path(blocked[0]) != "a file" or blocked[0] == folder):
            reason = (f"{folder} {folder_problem(folder)}" if blocked[0] == folder
                      else blocking_parent(folder))
        raise ConfigError(f"log folder {folder}: cannot be created ({reason}); give log_dir "
                          "(--log-dir) a folder this service can create and write") from None
    return folder


class ParquetLog:
    """Rows appended in memory, written as rotated Parquet files (see the module docstring).

    Parameters
    ----------
    folder : Path
        Where the files go (created).
    prefix : str
        The files' name prefix (``"requests"``, ``"events"``).
    schema : pyarrow.Schema
        The columns; appended rows are mappings with these keys (missing ones are null).
    rotate_rows, rotate_seconds : int, float
        Write a file once this many rows wait, or this long after the last one.
    keep_files : int, optional
        Delete the oldest files of ``prefix`` beyond this number.
    on_failure : callable, optional
        Called with the error when a file cannot be written (the rows are kept and tried
        again at the next rotation).
    max_pending : int, optional
        The most unwritten rows kept (default :func:`default_max_pending`); beyond it the
        oldest are dropped.
    on_drop : callable, optional
        Called with the number of rows dropped over ``max_pending``.
    """

    @arguments_named
    def __init__(self, folder: str | Path, prefix: str, schema: pa.Schema, *,
                 rotate_rows: int = 10_000, rotate_seconds: float = 60.0,
                 keep_files: int | None = None,
                 on_failure: Callable[[BaseException], None] | None = None,
                 max_pending: int | None = None,
                 on_drop: Callable[[int], None] | None = None) -> None:
        _check_prefix(prefix)
        if not isinstance(schema, pa.Schema):
            raise ConfigError(f"schema must be a pyarrow.Schema (REQUEST_SCHEMA, "
                              f"EVENT_SCHEMA), got {type(schema).__name__}")
        for name, value, least in (("rotate_rows", rotate_rows, 1),
                                   ("keep_files", keep_files, 1),
                                   ("max_pending", max_pending, 1)):
            if value is None and name in ("keep_files", "max_pending"):
                continue
            # numpy's integers are whole numbers too: np.int64(10) was refused as "must
            # be a whole number ..., got np.int64(10)"; and Decimal("10") is 10
            number = as_whole(value)
            if number is None or number < least:
                raise ConfigError(f"{name} must be a whole number of at least {least}, got "
                                  f"{shown_number(value)}")
        if not is_real(rotate_seconds) or not 0 < float(rotate_seconds) < float("inf"):
            # NaN or a negative wait made the writer thread spin without pause
            raise ConfigError(f"rotate_seconds must be a finite number of seconds above 0, "
                              f"got {shown_number(rotate_seconds)}")
        self.folder = make_log_folder(folder)
        self.prefix = prefix
        self.schema = schema
        self._columns = frozenset(schema.names)
        self.rotate_rows = int(as_whole(rotate_rows) or 0)
        self.rotate_seconds = float(rotate_seconds)
        self.keep_files = None if keep_files is None else as_whole(keep_files)
        self.max_pending = (default_max_pending(self.rotate_rows) if max_pending is None
                            else int(as_whole(max_pending) or 0))
        #: unwritten rows dropped, oldest first, beyond ``max_pending``
        self.dropped_rows = 0
        #: why the last write failed; None once one succeeds (or before any failed)
        self.last_error: str | None = None
        self._on_drop = on_drop
        #: rows refused when written (a value the column's type cannot hold), dropped so
        #: that they do not block the rows after them
        self.rejected_rows = 0
        self._rows: list[Mapping[str, Any]] = []
        self._lock = threading.Lock()
        self._write_lock = threading.Lock()
        self._wake = threading.Event()
        self._closed = False
        self._sequence = itertools.count(1)
        self.files_written = 0
        self.failures = 0
        #: the file being (or last) written
        self._target: Path | None = None
        #: why the last file could not be written (the error's own words)
        self._failed_because: str | None = None
        #: the reason of the failed writes said in the service's log: each try of a full
        #: disk (one every rotate_seconds, in every worker) repeated the warning for as
        #: long as it lasted; a reason is said once, and once more when a write succeeds
        self._said_failure: str | None = None
        self._failed_tries = 0
        self._on_failure = on_failure
        self._thread = threading.Thread(target=self._run, name=f"recstack-log-{prefix}",
                                        daemon=True)
        self._thread.start()

    def append(self, row: Mapping[str, Any]) -> None:
        """Queue one row (cheap: the write happens on the log's thread)."""
        self.extend([row])

    def extend(self, rows: list[Mapping[str, Any]]) -> None:
        """Queue ``rows`` (a list of mappings of column to value)."""
        if isinstance(rows, Mapping | str | bytes):
            # a row given alone was read key by key: "takes rows as mappings ..., got str"
            raise ConfigError(f"extend takes a list of rows (mappings of column to value), "
                              f"got a {type(rows).__name__}; give [row], or use append(row) "
                              "for one")
        rows = list(rows)
        for row in rows:
            if not isinstance(row, Mapping):
                raise ConfigError(f"the {self.prefix} log takes rows as mappings of column "
                                  f"to value, got {type(row).__name__}")
            unknown = [key for key in row if key not in self._columns]
            if unknown:  # a misspelt column would be dropped without a word
                raise ConfigError(f"the {self.prefix} log has no column(s) "
                                  f"{', '.join(map(repr, unknown))}; its columns are: "
                                  f"{', '.join(self.schema.names)}")
        with self._lock:
            if self._closed:
                raise RecstackError(f"{self.folder}: the {self.prefix} log is closed")
            self._rows.extend(rows)
            dropped = self._trim()
            full = len(self._rows) >= self.rotate_rows
        self._count_dropped(dropped)
        if full:
            self._wake.set()

    def _trim(self) -> int:
        """Drop the oldest waiting rows beyond ``max_pending`` (under ``_lock``)."""
        over = len(self._rows) - self.max_pending
        if over <= 0:
            return 0
        del self._rows[:over]
        self.dropped_rows += over
        return over

    def _count_dropped(self, dropped: int) -> None:
        if dropped:
            logger.warning("%s log: dropped the %d oldest unwritten row(s), over the "
                           "limit of %d kept while files cannot be written", self.prefix,
                           dropped, self.max_pending)
            if self._on_drop is not None:
                self._on_drop(dropped)

    @property
    def pending_rows(self) -> int:
        """Rows waiting to be written."""
        with self._lock:
            return len(self._rows)

    def flush(self, *, whole_only: bool = False) -> list[Path]:
        """Write the waiting rows now, ``rotate_rows`` at most per file; returns the new
        files. ``whole_only``: only full files, the rest keeps waiting (a rotation by
        size)."""
        written = []
        with self._write_lock:
            with self._lock:
                cut = (len(self._rows) // self.rotate_rows * self.rotate_rows if whole_only
                       else len(self._rows))
                rows, self._rows = self._rows[:cut], self._rows[cut:]
            rows, refused = self._typed(rows)
            for start in range(0, len(rows), self.rotate_rows):
                try:
                    written.append(self._write(rows[start:start + self.rotate_rows]))
                except BaseException as error:
                    self._failed_because = (error.strerror or str(error)) if isinstance(
                        error, OSError) else str(error)
                    with self._lock:  # kept, in order, for the next try (up to the cap)
                        self._rows[:0] = rows[start:]
                        dropped = self._trim()
                    self._count_dropped(dropped)
                    if isinstance(error, OSError):
                        raise RecstackError(
                            f"{self.folder}: cannot write the {self.prefix} log "
                            f"({error.strerror or error}); "
                            f"{counted(len(rows) - start, 'row')} kept to be written at the "
                            "next try") from None
                    raise
            if self.keep_files is not None and written:
                try:
                    for old in log_files(self.folder, self.prefix)[:-self.keep_files]:
                        old.unlink(missing_ok=True)
                except OSError as error:
                    # the rows are written: an old file that cannot be deleted is no
                    # failed write (it was a raw OSError, even from close)
                    logger.warning("%s log: could not delete old file(s) beyond keep_files="
                                   "%d in %s (%s); they stay", self.prefix, self.keep_files,
                                   self.folder, error.strerror or error)
        if refused:
            raise RowsRefusedError(f"the {self.prefix} log dropped {len(refused)} row(s) its "
                                f"columns cannot hold, e.g. {refused[0]}; the other rows "
                                "were written")
        return written

    def _typed(self, rows: list[Mapping[str, Any]]) -> tuple[list[Mapping[str, Any]],
                                                             list[str]]:
        """``rows`` without those a column's type cannot hold (``"5"`` for ``k``), and what
        was wrong with each dropped one: one bad row would otherwise fail every write and
        keep every row after it waiting forever."""
        try:
            pa.Table.from_pylist([dict(r) for r in rows], schema=self.schema)
            return rows, []
        except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, ValueError, OverflowError):
            pass
        good, refused = [], []
        for row in rows:
            problem = None
            for name, value in row.items():
                try:
                    pa.array([value], type=self.schema.field(name).type)
                except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, ValueError,
                        OverflowError) as error:
                    problem = f"column {name!r} = {value!r}: {error}"
                    break
            if problem is None:
                good.append(row)
            else:
                refused.append(problem)
        self.rejected_rows += len(refused)
        return good, refused
    def _write(self, rows: list[Mapping[str, Any]]) -> Path:
        now = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        path = self.folder / (f"{self.prefix}-{now}-{os.getpid()}-"
                              f"{next(self._sequence):06d}.parquet")
        self._target = path
        table = pa.Table.from_pylist([dict(r) for r in rows], schema=self.schema)
        write_with(path, lambda target: pq.write_table(table, target))
        self.files_written += 1
        return path

    def close(self) -> None:
        """Write what is left and stop the thread (idempotent). When the last rows cannot
        be written, a :class:`RecstackError` names the file and how many rows were not
        written; they stay held (:meth:`flush` tries again), and files already written are
        untouched."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
        self._wake.set()
        self._thread.join(timeout=30)
        try:
            self.flush()
        except Exception as error:
            # no later rotation will try again: say which file, and what was not written
            with self._lock:
                left = len(self._rows)
            if not left:  # only rows its columns could not hold were dropped (said so)
                raise
            reason = (self._failed_because or str(error)).removeprefix(f"{self._target}: ")
            raise RecstackError(
                f"{self._target or self.folder}: closing the {self.prefix} log, its last "
                f"{left:,} row(s) could not be written ({reason}); the "
                f"{self.files_written:,} file(s) written before are complete; the rows are "
                "still held by this log: call flush() once the folder is writable (space "
                "freed, folder restored), or they are lost when the process exits"
            ) from None

    def _run(self) -> None:
        while True:
            by_size = self._wake.wait(self.rotate_seconds)
            self._wake.clear()
            with self._lock:
                closing = self._closed
            try:
                # a rotation by size writes full files; by time (or closing), everything
                written = self.flush(whole_only=by_size and not closing)
                if written or not self.pending_rows:  # not merely nothing tried
                    self.last_error = None
                    if written and self._said_failure is not None:
                        logger.warning("%s log: written again in %s after %s that failed "
                                       "(%s)", self.prefix, self.folder,
                                       counted(self._failed_tries, "try", "tries"),
                                       self._said_failure)
                        self._said_failure, self._failed_tries = None, 0
            except RowsRefusedError as error:
                # the other rows were written and these are gone: "could not write ...;
                # rows kept for the next try" said the opposite of both
                self.last_error = str(error)
                logger.warning("%s log: %s", self.prefix, error)
            except Exception as error:  # a full disk must not take the service down
                self.last_error = str(error)
                self._failed_tries += 1
                # the flush's own error says where, why and that the rows are kept (it
                # was wrapped as "could not write (...; rows are kept ...); rows kept")
                said = (str(error) if isinstance(error, RecstackError)
                        else f"could not write ({error}); rows kept for the next try")
                reason = self._failed_because or str(error)
                if reason != self._said_failure:
                    logger.warning("%s log: %s; said once until a write succeeds (the "
                                   "service counts each try in recstack_log_failures_total)",
                                   self.prefix, said)
                    self._said_failure = reason
                else:
                    logger.debug("%s log: %s", self.prefix, said)
                # counted once said: whoever watches the count finds the try's message
                self.failures += 1
                if self._on_failure is not None:
                    self._on_failure(error)
            with self._lock:
                if self._closed:
                    return


class RowsRefusedError(RecstackError):
    """Rows a log's columns cannot hold were dropped (the other rows were written)."""


@arguments_named
def log_files(folder: str | Path, prefix: str) -> list[Path]:
    """The complete files of ``prefix`` in ``folder``, oldest first."""
    prefix = _check_prefix(prefix)
    return sorted(checked_path(folder, "log folder").glob(f"{prefix}-*.parquet"),
                  key=lambda p: p.name)


#: the endings of a log file compressed after it was written (logrotate's ``compress``, a
#: copy to cold storage), and the codec each is read with
_COMPRESSED = {".gz": "gzip", ".bz2": "bz2", ".zst": "zstd"}
#: how often a log is listed again when a file listed has gone before it was read (the
#: service pruned it under ``keep_files`` as it wrote a newer one)
_READ_TRIES = 3


def _parts(folder: Path, prefix: str) -> list[Path]:
    """The files of ``prefix`` in ``folder`` as :func:`log_files`, and those compressed
    since (``*.parquet.gz``, ``.bz2``, ``.zst``), oldest first: they were skipped without a
    word, so a log folder rotated by logrotate measured its newest part alone. One part
    there both plain and compressed (compressed and not yet removed, or restored beside
    its archive) is refused naming both: read twice, each of its events counted twice."""
    parts = list(log_files(folder, prefix))
    for suffix in _COMPRESSED:
        parts += folder.glob(f"{prefix}-*.parquet{suffix}")
    by_name: dict[str, Path] = {}
    for path in parts:
        plain = _plain_name(path)
        if plain in by_name:
            raise RecstackError(f"{by_name[plain]} and {path.name}: the same part of the "
                                f"{prefix} log twice, compressed and not; read once each, "
                                f"its rows would count twice: move one of them out of "
                                f"{folder}")
        by_name[plain] = path
    unread = sorted(path.name for path in folder.glob(f"{prefix}-*")
                    if path not in parts and path.is_file())
    if unread:
        import warnings

        from recstack.data.interactions import caller_stacklevel

        # a part renamed by a log rotation (events-....parquet.1) was skipped without a
        # word, and the log measured without its rows
        warnings.warn(f"{folder}: {len(unread):,} file(s) named as parts of the {prefix} log "
                      f"are not read, such as {unread[0]}: a part is named "
                      f"{prefix}-*.parquet, or .parquet.gz, .bz2 or .zst when compressed; "
                      "rename a part that was renamed (by a log rotation?) back",
                      UserWarning, stacklevel=caller_stacklevel())
    return [by_name[name] for name in sorted(by_name)]


def _plain_name(path: Path) -> str:
    """A log file's name without the ending of its compression."""
    return path.name.removesuffix(path.suffix) if path.suffix in _COMPRESSED else path.name


@arguments_named
def read_log(folder: str | Path, prefix: str, required: Sequence[str] = (), *,
             columns: Sequence[str] | None = None,
             text_as_categories: bool = False) -> pd.DataFrame:
    """Every file of ``prefix`` in ``folder`` as one table (oldest first), those compressed
    since they were written (``.parquet.gz``, ``.bz2``, ``.zst``) too; a column that older
    files lack (added to the schema since) is null in their rows. Each row carries
    ``log_file_`` and ``log_row_`` (its file and its row there), so a check of the rows can
    name where a bad one came from. A file pruned by the service (``keep_files``) while the
    log was read is no error: the log is listed and read again.

    Raises
    ------
    RecstackError
        No such file; a file that is not readable Parquet, lacks one of the ``required``
        columns or types a column unlike the first file: named, since one damaged or
        misplaced file must neither end a command with a traceback nor be skipped.

    ``columns`` keeps only those of the files' columns (all by default), and
    ``text_as_categories`` gives text columns as :func:`table_as_frame` does."""
    folder = checked_path(folder, "log folder")
    prefix, required = _check_prefix(prefix), _check_required(required)
    state = folder_problem(folder)  # a looping link read as "no such folder", a pipe as a file
    if state is not None:
        raise RecstackError(f"{folder}: {state}; give the service's log_dir (or its "
                            f"{prefix}/ folder)")
    for tries_left in range(_READ_TRIES - 1, -1, -1):
        files = _parts(folder, prefix)
        try:
            tables = [read_log_file(path, prefix, required, columns=columns,
                                    text_as_categories=text_as_categories)
                      for path in files]
            break
        except (RecstackError, FileNotFoundError):
            if tries_left and not all(path.exists() for path in files):
                continue  # a file pruned between the listing and its reading
            raise
    if not files:
        if folder.name == prefix:
            # the service's own folder, made when it starts: nothing was logged yet, or not
            # yet written ("is this the service's log_dir?" blamed a path that is)
            logged = ("events are POSTed to /events" if prefix == "events"
                      else f"it answers {prefix}")
            raise RecstackError(f"{folder}: no {prefix} logged yet (no {prefix}-*.parquet "
                                f"files); the service writes them as {logged}, in a file "
                                "every log_rotate_seconds (60 by default) and when it stops")
        raise RecstackError(f"{folder}: no {prefix}-*.parquet files; is this the service's "
                            "log_dir (its requests/ or events/ folder)?")
    try:
        whole = pa.concat_tables(tables, promote_options="default")
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        # name the first file whose column types differ from the first file's
        first = tables[0].schema
        for path, table in zip(files, tables, strict=True):
            for name in table.schema.names:
                if name in first.names and table.schema.field(name).type != \
                        first.field(name).type:
                    raise RecstackError(
                        f"{path}: column {name!r} is {table.schema.field(name).type}, but "
                        f"{first.field(name).type} in {files[0].name}; the file was not "
                        f"written by the service, move it out of {folder}") from None
        raise
    sizes = np.array([table.num_rows for table in tables], dtype=np.int64)
    del tables  # so that the conversion frees each column of the log as it goes
    frame = table_as_frame(whole, text_as_categories=text_as_categories)
    # built as arrays, not a Python object per row: a log of millions of rows held each
    # file's name once per row, in lists built one row at a time
    frame["log_file_"] = pd.Categorical.from_codes(
        np.repeat(np.arange(len(files)), sizes), categories=[str(p) for p in files])
    frame["log_row_"] = np.arange(len(frame), dtype=np.int64) - np.repeat(
        np.cumsum(sizes) - sizes, sizes)
    return frame


def table_as_frame(table: pa.Table, *, text_as_categories: bool = False) -> pd.DataFrame:
    """``table`` as a pandas frame; with ``text_as_categories``, each text column, and each
    column read as a dictionary, as a categorical one of sorted categories. The table is
    emptied as it is converted (each column freed once it is in the frame): it is not to
    be used after.

    A log of millions of rows held as Python strings took hundreds of bytes per row
    (ids repeat: a session's, a user's, a variant's on every event); as categories it holds
    a 4-byte code per row and each id once. The categories are sorted, so that a grouping
    by them orders the groups as one by the text does."""
    # split_blocks and self_destruct: each column kept as converted and freed in arrow
    # then, not copied into one block per type beside the whole table
    frame = table.to_pandas(strings_to_categorical=text_as_categories, split_blocks=True,
                            self_destruct=True)
    # arrow's allocator keeps what the reading and the conversion freed for its own later
    # use, which a pandas frame never makes
    pa.default_memory_pool().release_unused()
    if text_as_categories:
        for name in frame.columns:
            values = frame[name]
            if isinstance(values.dtype, pd.CategoricalDtype) \
                    and not values.cat.categories.is_monotonic_increasing:
                frame[name] = values.cat.reorder_categories(
                    values.cat.categories.sort_values())
    return frame


@arguments_named
def read_log_file(path: Path, prefix: str, required: Sequence[str] = (), *,
                  in_folder: bool = True, columns: Sequence[str] | None = None,
                  text_as_categories: bool = False) -> pa.Table:
    """One log file, refused by name when it is not readable Parquet or lacks one of the
    ``required`` columns of the ``prefix`` log (``in_folder``: a file of a log folder,
    which may be moved out of the way; else a file given on its own). ``columns`` reads
    only those of its columns (all by default); ``text_as_categories`` reads its text
    columns as dictionaries (each distinct text once), as Parquet stores them."""
    path = checked_path(path, "log file")  # text was AttributeError on ``.parent``
    prefix, required = _check_prefix(prefix), _check_required(required)
    odd = special_file_problem(path)
    if odd is None and path.is_dir():
        # a folder named like a log file was read by arrow as a dataset of the Parquet
        # files under it: none (nothing said), or another log's rows taken as this one's
        odd = "a folder, not a log file"
    elif odd is None and not path.exists():
        # was "not a readable Parquet file (damaged or truncated)", of a file not there
        advice = ("removed while the log was read (keep_files pruned it?); read the log "
                  "again" if in_folder else f"give the {prefix} log's Parquet file")
        raise RecstackError(f"{path}: no such file; {advice}")
    if odd is not None:
        # a named pipe waited forever for a writer; a looping link was arrow's own words
        advice = (f"move it out of {path.parent} or delete it to read the rest of the log"
                  if in_folder else f"give the {prefix} log's Parquet file")
        raise RecstackError(f"{path}: {odd}; {advice}")
    codec = _COMPRESSED.get(path.suffix.lower())
    names: list[str] = []
    try:
        if codec is None:
            source: Any = path
        else:
            # Parquet is read from its end (the footer), so the part is unpacked whole
            with pa.input_stream(str(path), compression=codec) as stream:
                source = stream.read()
        names = pq.read_schema(_source(source)).names
        wanted = None if columns is None else [name for name in names if name in columns]
        # a column read as text and then encoded held every row's text at once
        table = pq.read_table(_source(source), columns=wanted,
                              read_dictionary=wanted or names if text_as_categories
                              else None)
    except OSError as error:  # arrow's "Couldn't deserialize thrift" on a corrupted footer
        if error.errno is not None:  # the file system's (permission...): the CLI says those
            raise
        table = None
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError):
        table = None
    if table is None:
        # arrow's own words ("magic bytes not found in footer...") do not say what to do
        advice = (f"move it out of {path.parent} or delete it to read the rest of the log"
                  if in_folder else f"export the {prefix} log again")
        raise RecstackError(f"{path}: not a readable Parquet file (damaged or truncated); "
                            f"{advice}")
    check_log_columns(names, required, path, prefix, in_folder=in_folder)
    return table


def plain_parts(location: Path, prefix: str, required: Sequence[str]
                ) -> tuple[list[Path], list[str]] | None:
    """The uncompressed Parquet files of the ``prefix`` log at ``location`` (a log folder or
    one file), oldest first, and their columns (the union, in the order first seen), when
    each is readable, has the ``required`` columns and types every column as the first
    file does; None otherwise, and where reading them would warn (a part not read):
    :func:`read_log` then reads the log whole and names the problem. Only the files'
    footers are read, so that a caller can then read the rows a batch at a time
    (:func:`log_batches`) in memory that does not grow with the log."""
    import warnings

    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            files = _parts(location, prefix) if location.is_dir() else [location]
        if caught or not files or any(path.suffix.lower() in _COMPRESSED for path in files):
            return None  # a compressed part is unpacked whole to be read: read_log's way
        schemas = [pq.read_schema(path) for path in files]
    except (OSError, RecstackError, pa.ArrowException):
        return None
    names: list[str] = []
    first = schemas[0]
    for schema in schemas:
        if any(name not in schema.names for name in required) \
                or len(set(schema.names)) != len(schema.names):
            return None
        for name in schema.names:
            if name in first.names and schema.field(name).type != first.field(name).type:
                return None
            if name not in names:
                names.append(name)
    return files, names


def log_batches(files: Sequence[Path], *, columns: Sequence[str], batch_rows: int
                ) -> Iterator[pd.DataFrame]:
    """The rows of ``files`` (of :func:`plain_parts`), oldest first, as frames of at most
    ``batch_rows`` rows, text as categories (:func:`table_as_frame`), holding each of
    ``columns`` that any file has (null in the rows of a file without it), as
    :func:`read_log` reads them whole; only one batch is held at a time."""
    present: list[str] = []
    types: dict[str, pa.DataType] = {}
    names_in: dict[Path, set[str]] = {}
    for path in files:
        schema = pq.read_schema(path)
        names_in[path] = set(schema.names)
        for name in schema.names:
            if name in columns and name not in present:
                present.append(name)
                types[name] = schema.field(name).type
    for path in files:
        # only the columns this file has: a part of an older schema (without `model`) made
        # arrow's reader fail on the name (a bare KeyError)
        parquet = pq.ParquetFile(path, read_dictionary=[
            name for name in present if name in names_in[path] and (
                pa.types.is_string(types[name]) or pa.types.is_large_string(types[name]))])
        wanted = [name for name in present if name in parquet.schema_arrow.names]
        for batch in parquet.iter_batches(batch_size=batch_rows, columns=wanted):
            frame = table_as_frame(pa.Table.from_batches([batch]), text_as_categories=True)
            for name in present:
                if name not in frame.columns:
                    # as pa.concat_tables promotes a column an older file lacks: nulls
                    frame[name] = table_as_frame(pa.table({name: pa.nulls(
                        len(frame), types[name])}), text_as_categories=True)[name]
            yield frame[present]


def _source(source: Any) -> Any:
    """A path as it is, the bytes of an unpacked file as a new reader of them (each read
    of a Parquet file seeks from its footer)."""
    return pa.BufferReader(source) if isinstance(source, bytes | pa.Buffer) else source


def check_log_columns(columns: Sequence[str], required: Sequence[str], path: Path,
                      prefix: str, *, in_folder: bool = True) -> None:
    """Refuse a file of the ``prefix`` log that lacks one of the ``required`` columns: one
    of a log folder is another log's file, to move out of it; one given on its own (an
    export) is told which columns it has and, for a column spelt otherwise, which one."""
    required = _check_required(required)
    if isinstance(columns, str | bytes) or not isinstance(columns, Sequence | Set | pd.Index):
        # one text was searched as a string: "user_id" was said to hold the column "user"
        raise ConfigError(f"columns must be the file's column names as a list (e.g. "
                          f"list(table.columns)), got {type(columns).__name__} "
                          f"{columns!r:.60}")
    missing = [c for c in required if c not in columns]
    if not missing:
        return
    if in_folder:
        raise RecstackError(f"{path}: lacks column(s) {', '.join(missing)} of the "
                            f"service's {prefix} log; is it another log's file? move it out "
                            f"of {path.parent}")
    from recstack.specs import closest

    extra = [str(c) for c in columns if c not in required]
    near = {c: closest(c, extra) for c in missing}
    hints = "; ".join(f"is {n!r} meant as {c!r}?" for c, n in near.items() if n)
    hints = f" ({hints})" if hints else ""
    shown = ", ".join(repr(str(c)) for c in list(columns)[:20]) or "none"
    raise RecstackError(f"{path}: lacks column(s) {', '.join(missing)} of the service's "
                        f"{prefix} log{hints}; its columns are: {shown}; give a file with "
                        f"the columns {', '.join(required)}")

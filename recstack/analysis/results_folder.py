"""Reading a results folder written by ``recstack evaluate --out`` back into objects.

The folder holds ``results.json`` (the experiment, each model's summary, diagnostics),
``summary.csv`` and one ``per_user_<label>.csv`` per model
(:meth:`recstack.experiment.ExperimentResult.write`). ``summary.csv`` is the table written
for people (a spreadsheet) and is never read back: every number is read from
``results.json`` and the per-user files, so a ``summary.csv`` missing, cut short or edited
changes nothing here nor in the report (edit ``results.json`` or rerun the evaluation to
change what the report shows). Optional files the report uses
when present: ``models/<label>/`` (a saved model, :func:`recstack.models.persistence.save_model`)
and ``calibration_<label>.csv`` (columns ``mean_predicted, observed_rate, count``: a
reliability curve). Anything missing or of an older format is refused with one message
naming every missing piece.
"""

from __future__ import annotations

import json
import math
import os
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

import numpy as np
import pandas as pd

from recstack.atomic import checked_path, folder_problem, special_file_problem
from recstack.data.interactions import caller_stacklevel
from recstack.errors import RecstackError, counted, shown_number
from recstack.evaluation.results import (
    BOUNDED_METRICS,
    CONFIDENCE,
    SHARE_METRICS,
    EvaluationResult,
    bounds_text,
    check_results_format,
    check_stored_model,
    share_problem,
)
from recstack.specs import arguments_named, finite_or_infinite
from recstack.strict_json import (
    RepeatedKeyError,
    empty_file_problem,
    refuse_constant,
    refuse_endless_integer,
    refuse_repeated_keys,
)

RESULTS_FILE = "results.json"
#: what results.json must hold (a folder from before these keys existed is refused)
REQUIRED_KEYS = ("experiment", "split", "models", "diagnostics")
MODEL_KEYS = ("model", "metrics", "aggregate")
CALIBRATION_COLUMNS = ("mean_predicted", "observed_rate", "count")
#: the metrics of an evaluation bounded to a range (named ``NAME@K`` in a results folder):
#: the shares in [0, 1] (``SHARE_METRICS``) and the others of ``BOUNDED_METRICS`` (novelty,
#: popularity >= 0; diversity in [0, 2]), as the evaluation itself bounds them. A
#: hand-edited value outside it (a precision of 1.5, a coverage of -1, a negative novelty)
#: was drawn in the report's tables and charts as if the model had scored it; this module
#: kept its own copy of the shares, so a negative novelty in a per-user file was refused by
#: EvaluationResult naming the model and user, not the file and line


#: how far a share may pass 0 or 1, and an interval's end its mean (relative), by rounding
#: in the last digits (an nDCG of 1 + 2e-16)
_SLACK = 1e-9

#: the most names a message lists (files, columns, labels, metrics): a folder of 500 models
#: without their per-user files, or a per-user file of 2,000 columns, gave a message of
#: 10,000 to 25,000 characters naming every one
_NAMES_SHOWN = 8


def _names(names: Any, *, quoted: bool = True, most: int = _NAMES_SHOWN) -> str:
    """``'a', 'b', 'c'``, the first ``most`` of ``names`` then ``(and 492 more)``."""
    names = list(names)
    shown = [repr(name) if quoted else str(name) for name in names[:most]]
    more = f" (and {len(names) - most:,} more)" if len(names) > most else ""
    return ", ".join(shown) + more


def _outside_bounds(metric: str, value: float) -> bool:
    """Whether ``value`` (finite) lies outside the bounds of ``metric`` (``name@k``)."""
    return share_problem(metric, np.array([float(value)])) is not None


def _bounds_wanted(metric: str) -> str:
    """What ``metric`` may hold, as a field of results.json is refused: "a share between 0
    and 1 (ndcg@10 is one)", "a value >= 0 (novelty is -log2 of a probability...)"."""
    name = metric.partition("@")[0]
    if name in BOUNDED_METRICS:
        low, high, what = BOUNDED_METRICS[name]
        wanted = (f"a value between {low:g} and {high:g}" if math.isfinite(high)
                  else f"a value >= {low:g}")
        return f"{wanted} ({name} is {what})"
    return f"a share between 0 and 1 ({metric} is one)"


def _bounds_broken(metric: str) -> str:
    """Why a per-user value of ``metric`` outside its bounds is refused."""
    if metric.partition("@")[0] in SHARE_METRICS:
        return f"{metric} is a share between 0 and 1"
    return bounds_text(metric)


@dataclass
class ResultsFolder:
    """One experiment's results, as written by ``recstack evaluate``."""

    path: Path
    payload: dict[str, Any]
    results: list[EvaluationResult]
    fit_seconds: dict[str, float]
    diagnostics: dict[str, list[str]]
    calibration: dict[str, pd.DataFrame] = field(default_factory=dict)
    #: the folder as pages and messages name it, when ``path`` is a staging copy (the
    #: report of ``run_experiment``, written before the results folder is put in place)
    shown_as: Path | None = None
    #: the metrics whose interval in results.json differs from the one of their per-user
    #: values, a sentence each (the report shows the latter and says so in its notes)
    interval_notes: list[str] = field(default_factory=list)

    @property
    def shown(self) -> Path:
        """The folder as pages and messages name it."""
        return self.path if self.shown_as is None else self.shown_as

    @property
    def experiment_raw(self) -> dict[str, Any]:
        return self.payload["experiment"]

    @property
    def labels(self) -> list[str]:
        return [r.model for r in self.results]

    def saved_model(self, label: str) -> Path | None:
        """The folder of ``label``'s saved model, when the evaluate step saved it (or
        anything left in its place, which loading then names)."""
        folder = self.path / "models" / label
        # a saved model whose model.json was deleted (or a file in the folder's place)
        # read as no saved model at all: the report refitted it, or left it out, without a
        # word of the damaged folder
        return folder if os.path.lexists(folder) else None

    def refuse_users_outside(self, *parts: Any) -> None:
        """Refuse a per-user file that holds a user of none of ``parts`` (the
        :class:`~recstack.data.interactions.Interactions` of the data the experiment reads,
        loaded again: a split's train, test and fold-in parts), naming the file, the line
        and the user. An evaluation scores only users of its data, so such a row is an
        edit by hand (or the data changed since): it was paired with no user of the other
        models and left out of the segments, with a warning that spoke of pairing alone.
        """
        known: set[str] = set()
        for part in parts:
            if part is not None:
                # as the per-user files write the ids, and the report matches them
                known.update(str(user) for user in part.users.external_ids)
        for result in self.results:
            ids = result.per_user.index
            outside = np.flatnonzero(~ids.map(str).isin(known))
            if len(outside):
                at = int(outside[0])
                path = self.shown / f"per_user_{result.model}.csv"
                more = (f" ({counted(len(outside), 'user')} alike)" if len(outside) > 1
                        else "")
                raise RecstackError(f"{path}: line {at + 2}: user {str(ids[at])!r} is no "
                                    f"user of the data {RESULTS_FILE} names{more}; an "
                                    "evaluation scores only its data's users, so the file "
                                    "was edited, or the data changed since: rerun "
                                    "`recstack evaluate`")


def _refuse_special_file(path: Path) -> None:
    """Refuse a file of the folder that is a named pipe, socket or device, or a link that
    loops or leads nowhere: reading a pipe named ``calibration_als.csv`` or
    ``results.json`` waited for a writer that never came, and the report hung."""
    odd = special_file_problem(path)
    if odd is not None:
        raise RecstackError(f"{path}: {odd}, where `recstack evaluate` writes a file; the "
                            "results folder is damaged: rerun `recstack evaluate`")


def _unreadable(path: Path, error: OSError) -> RecstackError:
    """A file of the folder that cannot be opened: a folder in its place, or no access."""
    if path.is_dir():
        return RecstackError(f"{path}: is a folder, where `recstack evaluate` writes a file; "
                             "the results folder is damaged: rerun `recstack evaluate`")
    return RecstackError(f"{path}: cannot be read ({error.strerror or error})")


#: the remedy every damaged file of a results folder names
_RERUN = "rerun `recstack evaluate`"


def damaged_text_problem(path: Path, kind: str, rerun: str) -> str | None:
    """What is wrong with the bytes of the ``kind`` (``"CSV"``, ``"JSON"``) file ``path``
    that recstack wrote, before its format is read, with ``rerun`` the step that writes it
    again; None for UTF-8 text that holds something. One wording for every file of a
    results folder and the readers beside it (the pipeline's report.json, ``publish
    --results``): an empty per-user CSV read "empty; the file is damaged" where an empty
    results.json read "is empty (0 bytes): a run cut short ...", and a file of NUL bytes
    (the zeros a disk that lost a write leaves) was read as a CSV header of one column
    named by them. Raises the :func:`_unreadable` error for a file that cannot be read."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise _unreadable(path, error) from None
    text = raw[3:] if raw.startswith(b"\xef\xbb\xbf") else raw
    if not text.strip():
        # the words of strict_json.empty_file_problem, which the other JSON readers use
        return (f"{path}: is empty ({counted(len(raw), 'byte')}): a run cut short or a "
                f"copy that did not finish; {rerun}")
    for magic, other in _OTHER_FORMATS:
        if raw.startswith(magic):
            return (f"{path}: {other}, not {kind} text (recstack writes UTF-8 {kind}); "
                    f"the file is damaged: {rerun}")
    nul = raw.find(b"\x00")
    if nul >= 0:
        line = raw.count(b"\n", 0, nul) + 1
        return (f"{path}: line {line}: byte {nul} is a NUL byte (binary data, as a disk "
                f"that lost a write leaves), not {kind} text; the file is damaged: {rerun}")
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        return (f"{path}: line {line}: byte {error.start} (0x{raw[error.start]:02x}) is not "
                f"UTF-8 text (recstack writes UTF-8); the file is damaged: {rerun}")
    return None


def _refuse_damaged_text(path: Path, kind: str) -> None:
    problem = damaged_text_problem(path, kind, _RERUN)
    if problem is not None:
        raise RecstackError(problem)


def _load_json(path: Path) -> dict[str, Any]:
    _refuse_special_file(path)
    _refuse_damaged_text(path, "JSON")
    try:
        # utf-8-sig: a byte-order mark from an editor that saved a hand edit is no part of
        # the JSON (json.loads refused the whole file as "damaged")
        # strict: `recstack evaluate` writes a value it has not as null, never a bare NaN
        # or Infinity (which no other JSON reader takes; a hand-edited Infinity as a
        # fit_seconds or an aggregate value was shown in the report as a number)
        payload = json.loads(path.read_text(encoding="utf-8-sig"),
                             object_pairs_hook=refuse_repeated_keys,
                             parse_constant=refuse_constant, parse_int=refuse_endless_integer)
    except OSError as error:
        raise _unreadable(path, error) from None
    except RepeatedKeyError as error:
        # json.loads kept the last of the two: a hand edit ("model": "als" written over
        # "model": "ease") or a merge of two files was read as one of them without a word
        raise RecstackError(f"{path}: {error} (the file was edited by hand or merged?); "
                            "keep the one that is right, or rerun `recstack evaluate`"
                            ) from None
    except json.JSONDecodeError as error:
        empty = empty_file_problem(path, error, "rerun `recstack evaluate`")
        if empty is not None:
            raise RecstackError(empty) from None
        raise RecstackError(f"{path}:{error.lineno}: not valid JSON ({error.msg}); the file "
                            "is damaged: rerun `recstack evaluate`") from None
    except UnicodeDecodeError:
        raise RecstackError(f"{path}: {_not_utf8(path, 'JSON')}; the file is damaged: rerun "
                            "`recstack evaluate`") from None
    except ValueError as error:  # refuse_constant: a bare NaN or Infinity
        if "-digit integer" in str(error):  # refuse_endless_integer (Python's own message
            # was "Exceeds the limit (4300 digits)", with advice to raise Python's limit)
            raise RecstackError(f"{path}: {error}; recstack writes no such number: the file "
                                "was edited by hand or is damaged; restore it, or rerun "
                                "`recstack evaluate`") from None
        raise RecstackError(f"{path}: {error} (recstack writes null for a value it has "
                            "not); write null there, or rerun `recstack evaluate`") from None
    if not isinstance(payload, dict):
        raise RecstackError(f"{path}: expected a JSON object (results of `recstack "
                            f"evaluate`), got a {type(payload).__name__}")
    half = lone_surrogate_problem(payload, first=1)
    if half is not None:
        raise RecstackError(f"{path}: {half}; recstack writes no such text: the file was "
                            "edited by hand or is damaged; restore it, or rerun `recstack "
                            "evaluate`")
    return payload


def lone_surrogate_problem(value: Any, first: int = 0) -> str | None:
    """Where the JSON value ``value`` (read from a file: its keys too) holds text with a
    lone surrogate, as the middle of a message ("'experiment.name' holds \\ud800 at
    character 4, half of a UTF-16 surrogate pair ..."); None when it holds none. List
    entries are numbered from ``first`` (a results folder numbers its models from 1).

    JSON's escapes allow half of a UTF-16 pair (``"\\ud800"``), which Python reads as a
    string no UTF-8 file can hold: such a results.json was read, and the report failed
    with ``UnicodeEncodeError`` or "surrogates not allowed" from ``os.path`` (taking a data
    path apart), naming no field. The surrogates U+DC80 to U+DCFF pass: they stand for the
    bytes of a file name that are not UTF-8 (Python's ``surrogateescape``; ``json.dumps``
    writes a folder named in Latin-1 so), and name a file all the same."""
    pending: list[tuple[str, Any]] = [("", value)]
    while pending:
        where, item = pending.pop()
        if isinstance(item, str):
            at = _lone_surrogate_at(item)
            if at is not None:
                return f"{where!r} holds {_half(item, at)}"
        elif isinstance(item, dict):
            for key in reversed(list(item)):
                if isinstance(key, str) and (at := _lone_surrogate_at(key)) is not None:
                    owner = repr(where) if where else "the top level"
                    return (f"{owner} has the key '{_escaped(key)}', which holds "
                            f"{_half(key, at)}")
                pending.append((f"{where}.{key}".lstrip("."), item[key]))
        elif isinstance(item, list | tuple):
            pending.extend((f"{where}[{number}]", entry)
                           for number, entry in reversed(list(enumerate(item, start=first))))
    return None


def _lone_surrogate_at(text: str) -> int | None:
    """The index of the first lone surrogate of ``text`` that stands for no byte of a file
    name, or None."""
    try:
        text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError as error:
        return error.start
    return None


def _half(text: str, at: int) -> str:
    return (f"\\u{ord(text[at]):04x} at character {at + 1}, half of a UTF-16 surrogate "
            "pair without its other half (no character, and no text a UTF-8 file can hold)")


def _escaped(text: str) -> str:
    """``text`` with each lone surrogate written as its escape, so that a message can be
    printed."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


#: the first bytes of files of another format than CSV, and what they are
_OTHER_FORMATS = ((b"\x1f\x8b", "a gzip-compressed file"), (b"PK\x03\x04", "a zip file"),
                  (b"PAR1", "a Parquet file"), (b"SQLite format 3\x00", "an SQLite database"),
                  (b"\xff\xfe", "UTF-16 text"), (b"\xfe\xff", "UTF-16 text"))


def _read_csv(path: Path) -> pd.DataFrame:
    _refuse_special_file(path)
    _refuse_damaged_text(path, "CSV")
    try:
        frame = pd.read_csv(path)
    except OSError as error:
        raise _unreadable(path, error) from None
    except pd.errors.EmptyDataError:  # changed since damaged_text_problem read it
        raise RecstackError(damaged_text_problem(path, "CSV", _RERUN)
                            or f"{path}: is empty; {_RERUN}") from None
    except UnicodeDecodeError:
        raise RecstackError(f"{path}: {_not_utf8(path, 'CSV')}; the file is damaged: rerun "
                            "`recstack evaluate`") from None
    except pd.errors.ParserError as error:
        reason = str(error).strip().splitlines()[0] if str(error).strip() else "unreadable"
        raise RecstackError(f"{path}: not a readable CSV file ({reason}); the file is "
                            "damaged: rerun `recstack evaluate`") from None
    _refuse_repeated_columns(path)
    return frame


def _not_utf8(path: Path, kind: str) -> str:
    """Where a ``kind`` (CSV, JSON) file that is not UTF-8 text goes wrong: its format
    when its first bytes name one (a gzip file), else the line and byte of the first
    character that is not UTF-8 (pandas said "can't decode byte 0xe9 in position 0", a
    position within a chunk it read, not in the file)."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise _unreadable(path, error) from None
    for magic, other in _OTHER_FORMATS:
        if raw.startswith(magic):
            return f"{other}, not {kind} text (recstack writes UTF-8 {kind})"
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        return (f"line {line}: byte {error.start} (0x{raw[error.start]:02x}) is not UTF-8 "
                "text (recstack writes UTF-8)")
    return "not UTF-8 text (recstack writes UTF-8)"


def _refuse_repeated_columns(path: Path) -> None:
    """Refuse a header naming one column twice: pandas renamed the second ``ndcg@10`` to
    ``ndcg@10.1``, and the refusal then named a column the file does not have."""
    import csv

    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            header = next(csv.reader(handle), [])
    except (OSError, UnicodeDecodeError, csv.Error):
        return  # read once already: pandas' reading stands
    seen: dict[str, int] = {}
    for position, name in enumerate(header, 1):
        if name in seen:
            raise RecstackError(f"{path}: line 1: column {name!r} is named twice (columns "
                                f"{seen[name]} and {position}); each column once; the file "
                                "is damaged: rerun `recstack evaluate`")
        seen[name] = position


def _check_row_lengths(path: Path, n_columns: int) -> None:
    """Refuse a row of another number of fields than the header: pandas fills a row cut
    short (a file truncated mid-row, a line typed by hand) with empty cells, which read as
    users without a value, and the report was built from it without a word (a row with
    more fields is refused by pandas itself)."""
    import csv

    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle)
            next(reader, None)  # the header
            for row in reader:
                if row and len(row) != n_columns:
                    shown = ",".join(row)[:60]
                    raise RecstackError(
                        f"{path}: line {reader.line_num}: {len(row)} field(s) ({shown!r}), "
                        f"the header has {n_columns}; the file is damaged (cut short or "
                        "edited by hand): rerun `recstack evaluate`")
    except (OSError, UnicodeDecodeError, csv.Error):
        return  # read by pandas already: a file changed meanwhile is named by the next read


def _check_calibration(path: Path, table: pd.DataFrame) -> None:
    """Refuse a reliability curve whose values no evaluation writes: a mean predicted
    probability or an observed rate outside [0, 1], a count that is not a whole number
    >= 0 (an empty count was a bare ValueError of int(nan) in the report), or a bin with
    predictions but no mean (empty bins, count 0, have none)."""
    count = table["count"].to_numpy()
    for line, value in enumerate(count, start=2):
        if not (np.isfinite(value) and value >= 0 and float(value).is_integer()):
            raise RecstackError(f"{path}: line {line}: column 'count' holds "
                                f"{float(value)!r}; "
                                "expected a whole number of predictions >= 0; the file is "
                                "damaged: rerun `recstack evaluate`")
    for column in ("mean_predicted", "observed_rate"):
        values = table[column].to_numpy()
        outside = (values < -_SLACK) | (values > 1 + _SLACK) | (np.isnan(values) & (count > 0))
        if outside.any():
            line = int(np.flatnonzero(outside)[0]) + 2
            raise RecstackError(f"{path}: line {line}: column {column!r} holds "
                                f"{float(values[line - 2])!r}; expected a share between 0 "
                                f"and 1 (empty only in a bin of count 0); the file is "
                                "damaged: rerun `recstack evaluate`")


def _check_numbers(path: Path, frame: pd.DataFrame) -> None:
    """Make every column of ``frame`` float64, refusing a word or an infinite value with its
    line and column (an empty cell stays NaN: a user without a value)."""
    for column in frame.columns:
        values = pd.to_numeric(frame[column], errors="coerce").astype(np.float64)
        bad = (values.isna() & frame[column].notna()) | np.isinf(values)
        if bad.any():
            at = int(np.flatnonzero(bad.to_numpy())[0])
            line = at + 2  # line 1 is the header
            shown = _cell_as_written(path, column, at, frame[column][bad].iloc[0])
            raise RecstackError(f"{path}: line {line}: column {column!r} holds {shown!r}; "
                                "expected a finite number; the file is damaged: rerun "
                                "`recstack evaluate`")
        frame[column] = values


def _cell_as_written(path: Path, column: Any, row: int, read: Any) -> Any:
    """The text of ``column`` at data row ``row`` as the file writes it, where pandas read
    it as a number it is not (``1e400`` and an integer of 400 digits were shown as
    ``inf``, a value the file does not hold); ``read`` (what pandas read) when the file
    cannot be read again."""
    if isinstance(read, float | np.floating) and np.isinf(read):
        try:
            cells = pd.read_csv(path, usecols=[column], dtype=str, keep_default_na=False)
            text = str(cells.iloc[row, 0])
        except (OSError, ValueError, IndexError, pd.errors.ParserError):
            return float(read)
        if text.strip().lower().lstrip("+-") in ("inf", "infinity"):
            return float(read)  # written as an infinity: shown as one
        return text if len(text) <= 40 else f"{text[:20]}... ({len(text):,} characters)"
    return read.item() if isinstance(read, np.generic) else read


def _with_user_ids_as_text(path: Path, frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` indexed by its first column (the user ids) read as the text the file holds.

    pandas read ids by their look: zero-padded ids (``'0007'``) became the number 7, so
    they matched none of the data's users and the report failed in its segments (an
    IndexError on the empty activity buckets), ``'007'`` and ``'7'`` were called one user
    listed twice, and an id ``NA`` was read as missing."""
    try:
        ids = pd.read_csv(path, usecols=[0], dtype=str, keep_default_na=False).iloc[:, 0]
    except OSError as error:  # the first read succeeded: only a file changed meanwhile
        raise _unreadable(path, error) from None
    # an empty id (a cell cleared by hand) was read as a user named "": no evaluation
    # writes one, as no data holds one (recstack.data.idmap refuses empty ids)
    empty = np.flatnonzero(ids.str.strip().to_numpy() == "")
    if len(empty):
        raise RecstackError(f"{path}: line {int(empty[0]) + 2}: the user id (column "
                            f"{frame.columns[0]!r}) is empty; each row names its user; the "
                            "file is damaged: rerun `recstack evaluate`")
    return frame.drop(columns=frame.columns[0]).set_axis(
        pd.Index(ids.to_numpy(dtype=object), name=frame.columns[0]), axis=0)


def _check_per_user(path: Path, frame: pd.DataFrame, metrics: dict[str, Any]) -> None:
    """Refuse a per-user table that is not the one results.json summarises: a truncated file
    still parses, and the report would then be built from the users that are left."""
    _check_numbers(path, frame)
    repeated = frame.index.duplicated()
    if repeated.any():
        line = int(np.flatnonzero(repeated)[0]) + 2
        user = frame.index[repeated][0]  # as the file writes it
        raise RecstackError(f"{path}: line {line}: user {user} appears a second time; "
                            "each user has one row; the file is damaged: rerun "
                            "`recstack evaluate`")
    absent = [metric for metric in metrics if metric not in frame.columns]
    if absent:
        raise RecstackError(f"{path}: no column for {_names(absent)}, which "
                            f"{RESULTS_FILE} summarises; the columns are "
                            f"[{_names(frame.columns)}]; the file is damaged: rerun "
                            "`recstack evaluate`")
    # a column results.json does not summarise (added by hand, or the file of another
    # run) reached the comparison table and the report as a metric of its own
    unknown = [column for column in frame.columns if column not in metrics]
    if unknown:
        raise RecstackError(f"{path}: column(s) {_names(unknown)} are not "
                            f"among the metrics {RESULTS_FILE} summarises for this model "
                            f"({_names(metrics) or 'none'}); the file is "
                            "damaged: rerun `recstack evaluate`")
    for metric in frame.columns:
        values = frame[metric].to_numpy(np.float64)
        at = share_problem(metric, values)
        if at is not None:
            line = at + 2  # line 1 is the header
            raise RecstackError(f"{path}: line {line}: column {metric!r} holds "
                                f"{float(values[at])!r}, but "
                                f"{_bounds_broken(metric)}; the file is damaged: rerun "
                                "`recstack evaluate`")
    for metric, stored in metrics.items():
        expected = stored.get("n_users") if isinstance(stored, dict) else None
        if metric not in frame.columns or not isinstance(expected, int):
            continue
        found = int(frame[metric].notna().sum())
        empty = np.flatnonzero(frame[metric].isna().to_numpy())
        if found < expected and len(empty) and len(frame) == expected:
            # every user's row is there, and each user has a value of this metric, but a
            # value was cleared (an empty cell, "nan"): the count alone ("59 users,
            # results.json says 60") sent the reader through the whole file for it. Where
            # some users have no value by definition (AUC, novelty), an empty cell names
            # no damage, and the count is said instead
            more = f" ({counted(len(empty), 'row')} alike)" if len(empty) > 1 else ""
            raise RecstackError(f"{path}: line {int(empty[0]) + 2}: column {metric!r} has no "
                                f"value{more}, but {RESULTS_FILE} says {expected:,} users "
                                f"have one; the file is damaged: rerun `recstack evaluate`")
        if found != expected:
            raise RecstackError(f"{path}: {counted(found, 'user')}, {RESULTS_FILE} says "
                                f"{expected:,} "
                                f"(users with a {metric} value); the file is damaged: rerun "
                                "`recstack evaluate`")
        # values edited by hand (or the file of another run with as many users): the
        # report drew its tables and tests from them while results.json said otherwise
        mean = stored.get("mean")
        if (mean is None) != (found == 0):
            # evaluate writes null exactly where no user has a value: a mean cleared by
            # hand (or given to an empty column) passed, and `fit --results` recorded it
            raise RecstackError(f"{path}: {counted(found, 'user')} with a {metric} value, "
                                f"but {RESULTS_FILE} gives its mean as "
                                f"{'null' if mean is None else repr(mean)}; the files "
                                "disagree: rerun `recstack evaluate`")
        if found and isinstance(mean, int | float) and not isinstance(mean, bool):
            actual = float(frame[metric].mean())
            if not math.isclose(actual, mean, rel_tol=1e-9, abs_tol=1e-12):
                raise RecstackError(f"{path}: the mean of column {metric!r} is {actual:.6g}, "
                                    f"{RESULTS_FILE} says {mean:.6g}; the per-user values "
                                    "are not the ones this run summarised; the file is "
                                    "damaged: rerun `recstack evaluate`")


def _other_intervals(path: Path, metrics: dict[str, Any],
                     result: EvaluationResult) -> list[str]:
    """A sentence for each metric whose confidence interval in results.json (``ci_low``,
    ``ci_high``) is not the one of its per-user values, naming the file, the metric and
    both intervals.

    The report draws every interval from the per-user values (table, curves, bands) and
    replaced a stored one that differed without a word. Such a folder is read, not
    refused: the means and user counts already agree (they are refused otherwise), and
    a results.json written by an earlier recstack stores the interval of its time (before
    intervals were cut at a metric's bounds, or given for users all alike), under the
    same format version. The reader is told which interval the page shows."""
    summaries = result.summary()
    differences = []
    for metric, stored in metrics.items():
        if not isinstance(stored, dict) or metric not in result.per_user.columns or not (
                "ci_low" in stored or "ci_high" in stored):
            continue
        summary = summaries[metric]
        computed = (summary.ci_low, summary.ci_high)
        given = (stored.get("ci_low"), stored.get("ci_high"))
        if all(_same_end(end, value) for end, value in zip(computed, given, strict=True)):
            continue
        differences.append(
            f"{path}: the {CONFIDENCE:.0%} interval of {result.model}'s {metric} from its "
            f"per-user values is {_interval_text(*computed)}, {RESULTS_FILE} says "
            f"{_interval_text(*given)}; the report shows {_interval_text(*computed)}, "
            "computed from the per-user values (rerun `recstack evaluate` for a "
            f"{RESULTS_FILE} that agrees)")
    return differences


def _same_end(computed: float, stored: Any) -> bool:
    """Whether an interval's end recomputed from the per-user file is the one stored (null
    is written for an interval there is none of, NaN when read back)."""
    if stored is None or (isinstance(stored, float) and math.isnan(stored)):
        return math.isnan(computed)
    # the per-user CSV holds each value to its last digit, so only the order of summation
    # separates the two
    return not math.isnan(computed) and math.isclose(computed, float(stored), rel_tol=1e-7,
                                                     abs_tol=1e-10)


def _interval_text(low: Any, high: Any) -> str:
    def end(value: Any) -> str:
        return "none" if value is None or (isinstance(value, float) and math.isnan(value)) \
            else f"{float(value):.6g}"
    return f"[{end(low)}, {end(high)}]"


def _refuser(path: Path) -> Callable[[str, Any, str], NoReturn]:
    """The refusal of a field of results.json ``path``: its name, its value and what it
    should hold."""
    def refuse(field: str, value: Any, expected: str) -> NoReturn:
        # a 400-digit integer was shown as its first 60 digits, a number it is not
        text = (shown_number(value) if isinstance(value, int) and not isinstance(value, bool)
                and len(str(abs(value))) > 30 else json.dumps(value)[:60])
        raise RecstackError(f"{path}: {field!r} is {text}; expected "
                            f"{expected}; rerun `recstack evaluate` or restore the file")
    return refuse


def check_model_entry(path: Path, entry: dict[str, Any], number: int = 1) -> None:
    """Refuse a value of model entry ``entry`` (number ``number``, from 1) of results.json
    ``path`` that no evaluation writes, naming the file and the field: what
    :func:`read_results` checks of each model, for a reader of one entry (the registry's
    ``publish --results``, which recorded a precision of 1.5 or a negative novelty in the
    manifest as the model's evaluation)."""
    refuse = _refuser(path)
    # what read_results checks of the list before it reads an entry: a list, a null or an
    # object without "model" failed with Python's TypeError or KeyError, naming no field
    if not isinstance(entry, dict):
        refuse(f"models[{number}]", entry, "one model's results as an object")
    if "model" not in entry:
        refuse(f"models[{number}]", entry, "an object with the model's label under \"model\"")
    _check_model_entry(refuse, number, entry)
    check_stored_model(path, number, entry)


def _check_model_entry(refuse: Callable[[str, Any, str], NoReturn], number: int,
                       entry: dict[str, Any]) -> None:
    if not isinstance(entry["model"], str) or not entry["model"]:
        refuse(f"models[{number}].model", entry["model"], "the model's label")
    # a label names files of the folder (per_user_LABEL.csv, models/LABEL): one with
    # '/' or '..' (a hand-edited or foreign results.json) reached outside it
    label = entry["model"]
    if "/" in label or "\\" in label or label in (".", "..") or not label.isprintable():
        refuse(f"models[{number}].model", label, "a model label, which names files "
               "inside the results folder: no '/', '\\', '..' or control characters")
    for key in ("metrics", "aggregate", "meta"):
        if entry.get(key) is not None and not isinstance(entry[key], dict):
            refuse(f"models[{number}].{key}", entry[key], "an object")
    # a metric's summary that is no object, or whose count or mean is of another type,
    # was skipped by the checks of the per-user file without a word
    for name, stored in (entry.get("metrics") or {}).items():
        where = f"models[{number}].metrics.{name}"
        if not isinstance(stored, dict):
            refuse(where, stored, 'an object {"mean": ..., "ci_low": ..., "ci_high": '
                   '..., "n_users": ...}')
        count = stored.get("n_users")
        if "n_users" in stored and (not isinstance(count, int) or isinstance(count, bool)
                                    or count < 0):
            refuse(f"{where}.n_users", count, "a whole number of users >= 0")
        for key in ("mean", "ci_low", "ci_high"):
            value = stored.get(key)
            # finite_or_infinite: an integer of 400 digits was an OverflowError
            if value is not None and (not isinstance(value, int | float)
                                      or isinstance(value, bool)
                                      or not math.isfinite(finite_or_infinite(value))):
                refuse(f"{where}.{key}", value, "a finite number or null")
        mean, low, high = (stored.get(key) for key in ("mean", "ci_low", "ci_high"))
        if mean is not None and _outside_bounds(name, mean):
            refuse(f"{where}.mean", mean, _bounds_wanted(name))
        # the interval is the mean plus or minus its half-width: one whose ends are
        # swapped, or that leaves out the mean, was shown as the model's uncertainty
        if low is not None and high is not None and low > high:
            refuse(f"{where}.ci_low", low, f"at most ci_high ({high!r})")
        for key, end, holds in (("ci_low", low, mean is not None and low is not None
                                 and low > mean + _SLACK * max(1.0, abs(mean))),
                                ("ci_high", high, mean is not None and high is not None
                                 and high < mean - _SLACK * max(1.0, abs(mean)))):
            if holds:
                side = "at most" if key == "ci_low" else "at least"
                refuse(f"{where}.{key}", end, f"{side} the mean ({mean!r}): the interval "
                       "is the mean plus or minus its half-width")
    # fit_seconds may be null (not measured: read as NaN, as NaN is written); a count
    # of users may not (it was an int() of None, a TypeError), nor may either be < 0
    for key, kind, wanted in (
            ("fit_seconds", (int, float, type(None)), "a number of seconds >= 0 or null"),
            ("users_without_relevant", (int,), "a whole number of users >= 0")):
        if key not in entry:
            continue
        value = entry[key]
        # 1e400 (read as infinity) was shown in the report as the seconds the fit took
        if not isinstance(value, kind) or isinstance(value, bool) or (
                value is not None and (value < 0 or isinstance(value, float)
                                       and not math.isfinite(value))):
            refuse(f"models[{number}].{key}", value, wanted)
    for name, value in (entry.get("aggregate") or {}).items():
        if value is not None and (not isinstance(value, int | float)
                                  or isinstance(value, bool)):
            refuse(f"models[{number}].aggregate.{name}", value, "a number or null")
        # an overflowing number (1e400, read as infinity) of a metric without bounds
        # was refused by EvaluationResult naming the model, not the file and field
        if isinstance(value, int | float) and not math.isfinite(finite_or_infinite(value)):
            refuse(f"models[{number}].aggregate.{name}", value, "a finite number or null")
        if isinstance(value, int | float) and _outside_bounds(name, value):
            refuse(f"models[{number}].aggregate.{name}", value,
                   f"{_bounds_wanted(name)} or null")


def _check_types(path: Path, payload: dict[str, Any]) -> None:
    """Refuse a value of the wrong type (a hand-edited results.json) naming its field,
    before the report trips over it somewhere with no word of where."""
    refuse = _refuser(path)
    if not isinstance(payload["experiment"], dict):
        refuse("experiment", payload["experiment"], "the experiment as an object")
    seed = payload["experiment"].get("seed", 0)
    if not isinstance(seed, int) or isinstance(seed, bool):
        refuse("experiment.seed", seed, "a whole number")
    diagnostics = payload["diagnostics"]
    if not isinstance(diagnostics, dict):
        refuse("diagnostics", diagnostics, "an object of model: [notes]")
    for label, notes in diagnostics.items():
        if not isinstance(notes, list):
            refuse(f"diagnostics.{label}", notes, "a list of notes")
    # a cross-validation writes one split report per fold, as a list: every such results
    # folder was refused here as damaged
    split = payload.get("split")
    if isinstance(split, list):
        for number, part in enumerate(split, start=1):
            if not isinstance(part, dict):
                refuse(f"split[{number}]", part, "one fold's split report as an object")
        if not split:
            refuse("split", split, "an object, a list of one per fold, or null")
    for key, expected in (("base_folder", str), ("significance", dict),
                          ("split", dict if not isinstance(split, list) else list),
                          ("environment", dict)):
        value = payload.get(key)
        if value is not None and not isinstance(value, expected):
            refuse(key, value, f"{'a folder path' if expected is str else 'an object'} or null")
    # a path no file system holds (a NUL, as a hand edit of "\u0000" writes it) was a
    # ValueError ("embedded null byte") from os.path when the data's identity was taken
    data = payload["experiment"].get("data")
    paths = [("base_folder", payload.get("base_folder"))] + (
        [(f"experiment.data.{key}", data.get(key)) for key in _DATA_NAMING_KEYS]
        if isinstance(data, dict) else [])
    for where, value in paths:
        if isinstance(value, str) and "\x00" in value:
            refuse(where, value, "a path without a NUL character (\\0), which no file "
                   f"name holds (here at character {value.index(chr(0)) + 1})")
    for number, entry in enumerate(payload["models"], start=1):
        _check_model_entry(refuse, number, entry)
        check_stored_model(path, number, entry)


#: the first column of a per-user file: the name of the evaluator's per-user index
USER_ID_COLUMN = "user_id"


#: what results.json records of a split that decides which rows it tests: the method and
#: parameters (seed included) and the rows in each part, which differ when the data file
#: named by one path was changed between two runs
SPLIT_IDENTITY = ("method", "params", "train_rows", "test_rows", "fold_in_rows")


def _split_identity(split: Any) -> Any:
    """What decides which rows a split tests (:data:`SPLIT_IDENTITY`), each fold's for a
    cross-validation; None where results.json does not say."""
    if isinstance(split, list):
        return [_split_identity(part) for part in split]
    if isinstance(split, dict):
        return {key: split.get(key) for key in SPLIT_IDENTITY}
    return None


#: the keys of the [data] table that name data (a path, a dataset name or synthetic)
_DATA_NAMING_KEYS = ("source", "split", "train", "test", "fold_in")


def _data_identity(data: Any, base_folder: Any) -> Any:
    """What decides which data a results folder was evaluated on: its ``[data]`` table with
    each path resolved against the experiment's folder (``x.csv``, ``./x.csv``,
    ``../data/x.csv`` from another folder and the absolute path are one file) and the
    settings of a ``synthetic:...`` source in one order. A table as written compared
    ``x.csv`` and ``./x.csv`` as other data and refused the comparison."""
    if not isinstance(data, dict):
        return data
    import os

    from recstack.data import fetch
    from recstack.data.sources import SYNTHETIC, parse_synthetic_spec
    from recstack.errors import ConfigError

    identity = dict(data)
    for key in _DATA_NAMING_KEYS:
        value = identity.get(key)
        if not isinstance(value, str) or not value:
            continue
        if value == SYNTHETIC or value.startswith(SYNTHETIC + ":"):
            try:
                settings = parse_synthetic_spec(value)
            except ConfigError:
                continue
            identity[key] = {SYNTHETIC: dict(sorted(settings.items()))}
            continue
        if value in fetch.DATASETS:
            continue
        path = os.path.expanduser(value)
        if not os.path.isabs(path) and isinstance(base_folder, str) and base_folder:
            path = os.path.join(base_folder, path)
        identity[key] = os.path.realpath(path) if os.path.isabs(path) else os.path.normpath(
            path)
    return identity


def _stray_label_files(folder: Path, labels: list[str]) -> list[str]:
    """The ``per_user_<label>.csv`` and ``calibration_<label>.csv`` files of ``folder``
    whose label is no model of ``labels`` (sorted names)."""
    known = {f"{prefix}{label}.csv" for label in labels
             for prefix in ("per_user_", "calibration_")}
    try:
        names = [entry.name for entry in folder.iterdir()]
    except OSError:
        return []
    return sorted(name for name in names
                  if name.startswith(("per_user_", "calibration_")) and name.endswith(".csv")
                  and name not in known)


@arguments_named
def read_results(path: str | Path) -> ResultsFolder:
    """Read and check a results folder.

    Raises
    ------
    RecstackError
        Naming the folder and every missing file or key, e.g. a folder written by an
        older recstack, or one that is not a results folder at all.
    """
    # a number or None was a TypeError from pathlib, "" the working folder
    folder = checked_path(path, "read_results(path)")
    # a link that loops or leads nowhere read as "no such folder", a named pipe as a file
    problem = folder_problem(folder)
    if problem is not None:
        raise RecstackError(f"{folder}: {problem}; give the results folder (the --out "
                            "folder of `recstack evaluate`)")
    results_path = folder / RESULTS_FILE
    if not os.path.lexists(results_path):
        present = sorted(p.name for p in folder.iterdir())
        # a pipeline run (WORK/runs/RUN) has a page of its own
        other = (f"; it is a pipeline run: its report is `recstack pipeline report {folder}`"
                 if (folder / "report" / "report.json").is_file() else "")
        raise RecstackError(f"{folder}: missing {RESULTS_FILE}, so this is not a results "
                            f"folder of `recstack evaluate --out` (it holds: "
                            f"{_names(present, quoted=False) or 'nothing'}){other}")
    payload = _load_json(results_path)
    check_results_format(results_path, payload)
    missing_keys = [key for key in REQUIRED_KEYS if key not in payload]
    if missing_keys:
        raise RecstackError(f"{results_path}: missing {', '.join(map(repr, missing_keys))}; "
                            "written by an older recstack? rerun `recstack evaluate` to "
                            "write the current format")
    models = payload["models"]
    if not isinstance(models, list) or not models:
        raise RecstackError(f"{results_path}: 'models' must be a non-empty list of model "
                            "results")
    problems: list[str] = []
    for number, entry in enumerate(models, start=1):
        absent = [key for key in MODEL_KEYS if not isinstance(entry, dict) or key not in entry]
        if absent:
            problems.append(f"models[{number}] lacks {', '.join(map(repr, absent))}")
    if problems:
        more = (f" (and {len(problems) - _NAMES_SHOWN:,} more models alike)"
                if len(problems) > _NAMES_SHOWN else "")
        raise RecstackError(f"{results_path}: {'; '.join(problems[:_NAMES_SHOWN])}{more}; "
                            "written by an older "
                            "recstack? rerun `recstack evaluate`")
    _check_types(results_path, payload)
    labels = [entry["model"] for entry in models]
    repeated = sorted({label for label in labels if labels.count(label) > 1})
    if repeated:
        raise RecstackError(f"{results_path}: model label(s) [{_names(repeated)}] appear "
                            "more than once "
                            "in 'models'; each model has its own label and per-user file; "
                            "rerun `recstack evaluate` or restore the file")
    # lexists: a link that loops or leads nowhere is there, and named as such when read
    # (exists() follows it: it read as a missing file)
    missing_files = [f"per_user_{label}.csv" for label in labels
                     if not os.path.lexists(folder / f"per_user_{label}.csv")]
    strays = _stray_label_files(folder, labels)
    if missing_files:
        held = (f"; the folder holds {_names(strays, quoted=False)}, of no model in "
                f"{RESULTS_FILE} "
                "(a file renamed, or a label edited?)" if strays else "")
        raise RecstackError(f"{folder}: missing {_names(missing_files, quoted=False)} "
                            "(each model's "
                            "per-user values, which the confidence bands, significance "
                            f"matrix and segments need){held}; rerun `recstack evaluate`")
    if strays:
        # a model dropped from results.json by hand, or a file copied from another run:
        # left out of the report, said rather than silently
        verb = "names" if len(strays) == 1 else "name"
        warnings.warn(f"{folder}: {_names(strays, quoted=False)} {verb} no model of "
                      f"{RESULTS_FILE} (models: {_names(labels)}): left out of the report; "
                      "add the model's entry to it, or remove the file",
                      UserWarning, stacklevel=caller_stacklevel())
    # the data and split the numbers come from, as settings of each result: results of two
    # folders (another dataset, another split seed) are refused by compare() and
    # comparison_table() as they refuse other relevance thresholds, not paired user by
    # user over test sets that differ
    origin = {"data": _data_identity(payload["experiment"].get("data"),
                                     payload.get("base_folder")),
              "split": _split_identity(
        payload["split"])}
    results = []
    interval_notes: list[str] = []
    for entry in models:
        per_user_path = folder / f"per_user_{entry['model']}.csv"
        frame = _read_csv(per_user_path)
        # an experiment of aggregate metrics alone (coverage) writes the user id column
        # alone, and its own folder was refused here
        if frame.shape[1] < (2 if entry["metrics"] else 1):
            raise RecstackError(f"{per_user_path}: expected a user id column and one column "
                                f"per metric, got columns {list(frame.columns)}")
        _check_row_lengths(per_user_path, frame.shape[1])
        if frame.columns[0] != USER_ID_COLUMN:
            # a renamed id column ('uid') was read as the user ids all the same, so an
            # edit by hand (or a file of another tool) passed as this run's values
            raise RecstackError(f"{per_user_path}: the first column is "
                                f"{str(frame.columns[0])!r}; expected {USER_ID_COLUMN!r}, "
                                "the user ids that `recstack evaluate` writes first; the "
                                "file is damaged: rerun `recstack evaluate`")
        frame = _with_user_ids_as_text(per_user_path, frame)
        _check_per_user(per_user_path, frame, entry["metrics"] or {})
        aggregate = {k: (np.nan if v is None else float(v))
                     for k, v in (entry.get("aggregate") or {}).items()}
        result = EvaluationResult(entry["model"], frame, aggregate,
                                  int(entry.get("users_without_relevant", 0)),
                                  (entry.get("meta", {}) or {}) | origin)
        for difference in _other_intervals(per_user_path, entry["metrics"] or {}, result):
            warnings.warn(difference, UserWarning, stacklevel=caller_stacklevel())
            interval_notes.append(difference)
        results.append(result)
    calibration = {}
    for label in labels:
        table_path = folder / f"calibration_{label}.csv"
        if os.path.lexists(table_path):
            table = _read_csv(table_path)
            absent = [c for c in CALIBRATION_COLUMNS if c not in table.columns]
            if absent:
                raise RecstackError(f"{table_path}: missing column(s) {absent}; expected "
                                    f"{list(CALIBRATION_COLUMNS)}")
            _check_row_lengths(table_path, table.shape[1])
            _check_numbers(table_path, table)
            _check_calibration(table_path, table)
            calibration[label] = table
    return ResultsFolder(
        folder, payload, results,
        {entry["model"]: float(np.nan if entry.get("fit_seconds") is None
                               else entry["fit_seconds"]) for entry in models},
        {label: list(found) for label, found in payload["diagnostics"].items()},
        calibration, interval_notes=interval_notes)

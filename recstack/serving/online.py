"""What ``recstack online EVENTS`` does: online metrics per A/B variant from the service's
own event log, with the significance test of each variant against the control.

The event log (:data:`recstack.serving.request_log.EVENT_SCHEMA`, written by
``POST /events``) already carries each event's variant (the user's stable-hash arm) and
session (``session_id``, or the user id when the client sent none); it is mapped onto the
schema of :mod:`recstack.metrics.online` and measured there: CTR, conversion (purchases
per click), bounce rate, ROI and engagement (mean session seconds) per variant, and for
every other variant against the control each testable metric's difference, confidence
interval and p-value (two-proportion z-test for rates, Welch's t-test for per-session
means; ROI, a ratio of totals, has no test).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from recstack.errors import RecstackError
from recstack.metrics.online import (
    EVENT_TYPES,
    ONLINE_METRICS,
    SignificanceResult,
    compare_variants,
    online_metrics,
)
from recstack.serving.request_log import log_files

__all__ = ["OnlineReport", "online_report", "read_events", "read_log_checked",
           "render_report"]

_COLUMNS = ["variant", "session_id", "event", "timestamp", "revenue", "cost"]


@dataclass
class OnlineReport:
    """Metrics per variant (rows), the tests against ``control``, and the comparisons that
    could not be made (with the reason)."""

    metrics: pd.DataFrame
    control: str
    tests: list[SignificanceResult] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def read_events(location: str | Path) -> pd.DataFrame:
    """The event log at ``location``: the service's ``log_dir``, its ``events`` folder, or
    one Parquet/CSV file in the same columns; returned in the metrics' schema."""
    path = Path(location)
    if path.is_dir():
        folder = path / "events" if (path / "events").is_dir() else path
        table = read_log_checked(folder, "events", _COLUMNS)
        _check_rows(table, table["log_file_"].tolist(), table["log_row_"].tolist())
    elif not path.exists():
        raise RecstackError(f"{path}: no such file or folder (give the service's log_dir)")
    elif path.suffix.lower() == ".parquet":
        table = _read_parquet(path)
        _require_columns(table.schema.names, _COLUMNS, path, "events")
        table = table.to_pandas()
        _check_rows(table, [str(path)] * len(table), list(range(len(table))))
    elif path.suffix.lower() == ".csv":
        try:
            table = pd.read_csv(path)
        except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as error:
            raise RecstackError(f"{path}: not a readable CSV file ({_first_line(error)}); "
                                "export the event log again") from None
        _require_columns(list(table.columns), _COLUMNS, path, "events")
        # line 1 is the header
        _check_rows(table, [str(path)] * len(table), [f"line {i + 2}" for i in range(len(table))])
    else:
        raise RecstackError(f"{path}: expected a log folder, a .parquet or a .csv file")
    return table[_COLUMNS]


def _check_rows(table: pd.DataFrame, files: list[str], rows: list[Any]) -> None:
    """Refuse the first row the metrics would refuse, naming its file and row: the metrics
    see one table and could only name its row number, which points into no file."""
    def refuse(position: int, problem: str) -> None:
        row = rows[position]
        where = row if isinstance(row, str) else f"row {row}"
        raise RecstackError(f"{files[position]}: {where}: {problem}")

    for column in ("variant", "session_id", "event", "timestamp"):
        empty = table[column].isna().to_numpy()
        if empty.any():
            refuse(int(empty.argmax()), f"{column!r} has no value; every event needs one")
    unknown = ~table["event"].isin(EVENT_TYPES).to_numpy()
    if unknown.any():
        position = int(unknown.argmax())
        refuse(position, f"event {table['event'].iloc[position]!r} is not one of "
               f"{', '.join(EVENT_TYPES)}")
    for column in ("revenue", "cost"):
        values = pd.to_numeric(table[column], errors="coerce").to_numpy(np.float64)
        given = table[column].notna().to_numpy()
        bad = given & ~(np.isfinite(values) & (values >= 0))
        if bad.any():
            position = int(bad.argmax())
            refuse(position, f"{column!r} is {table[column].iloc[position]!r}; expected a "
                   "finite number >= 0 (or none)")
    if not pd.api.types.is_datetime64_any_dtype(table["timestamp"]):
        seconds = pd.to_numeric(table["timestamp"], errors="coerce").to_numpy(np.float64)
        bad = ~np.isfinite(seconds)
        if bad.any():
            position = int(bad.argmax())
            refuse(position, f"'timestamp' is {table['timestamp'].iloc[position]!r}; expected "
                   "a datetime or a finite number of seconds")


def read_log_checked(folder: str | Path, prefix: str, required: list[str]) -> pd.DataFrame:
    """Every ``prefix`` file in ``folder`` as one table (oldest first), as
    :func:`~recstack.serving.request_log.read_log`, but a file that is not readable
    Parquet, or lacks one of the ``required`` columns, is refused naming it: one damaged
    or misplaced file must not end the command with a traceback, nor be skipped silently.
    The table carries ``log_file_`` and ``log_row_`` (each row's file and row in it) so a check
    of the rows can name where a bad one came from."""
    files = log_files(folder, prefix)
    if not files:
        raise RecstackError(f"{folder}: no {prefix}-*.parquet files; is this the service's "
                            "log_dir (its requests/ or events/ folder)?")
    tables = []
    for path in files:
        table = _read_parquet(path)
        _require_columns(table.schema.names, required, path, prefix)
        tables.append(table)
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
    frame = whole.to_pandas()
    frame["log_file_"] = [str(p) for p, t in zip(files, tables, strict=True)
                      for _ in range(t.num_rows)]
    frame["log_row_"] = [r for t in tables for r in range(t.num_rows)]
    return frame


def _read_parquet(path: Path) -> pa.Table:
    try:
        return pq.read_table(path)
    except OSError as error:  # arrow's "Couldn't deserialize thrift" on a corrupted footer
        if error.errno is not None:  # the file system's (permission...): the CLI says those
            raise
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError):
        pass
    # arrow's own words ("magic bytes not found in footer...") do not say what to do
    raise RecstackError(f"{path}: not a readable Parquet file (damaged or truncated); move "
                        f"it out of {path.parent} or delete it to read the rest of the log")


def _require_columns(columns: list[str], required: list[str], path: Path,
                     prefix: str) -> None:
    missing = [c for c in required if c not in columns]
    if missing:
        raise RecstackError(f"{path}: lacks column(s) {', '.join(missing)} of the "
                            f"service's {prefix} log; is it another log's file? move it out "
                            f"of {path.parent}")


def _first_line(error: BaseException) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__


def online_report(location: str | Path, *, control: str | None = None,
                  alpha: float = 0.05) -> OnlineReport:
    """Measure the event log at ``location`` (see the module docstring).

    Parameters
    ----------
    location : str or Path
        As :func:`read_events`.
    control : str, optional
        The variant the others are compared with (default: ``"control"`` or ``"default"``
        when present, else the first in sorted order).
    alpha : float
        1 - the confidence level of the intervals.
    """
    if not 0 < alpha < 1:  # NaN fails too; every test would be "not tested" otherwise
        raise RecstackError(f"alpha must be between 0 and 1 (exclusive), got {alpha!r}")
    events = read_events(location)
    try:
        table = online_metrics(events)
    except RecstackError as error:  # e.g. a session in two variants: name the log
        raise RecstackError(f"{location}: {error}") from None
    variants = [str(v) for v in table.index]
    if control is None:
        control = next((v for v in ("control", "default") if v in variants), variants[0])
    elif control not in variants:
        raise RecstackError(f"control variant {control!r} is not in the log; variants: "
                            f"{', '.join(variants)}")
    report = OnlineReport(table, control)
    testable = [m for m, kind in ONLINE_METRICS.items() if kind != "untestable"]
    for treatment in variants:
        if treatment == control:
            continue
        for metric in testable:
            try:
                report.tests.append(compare_variants(events, metric, control, treatment,
                                                     alpha=alpha))
            except RecstackError as error:  # e.g. no clicks: conversion is undefined
                report.skipped.append(f"{metric} {treatment} vs {control}: {error}")
    return report


def render_report(report: OnlineReport) -> str:
    """The report as Markdown tables."""
    columns = ["sessions", "impressions", "clicks", "purchases", "ctr", "conversion_rate",
               "bounce_rate", "roi", "engagement", "revenue_per_session"]
    lines = ["| variant | " + " | ".join(columns) + " |",
             "|---" * (len(columns) + 1) + "|"]
    for variant, row in report.metrics.iterrows():
        lines.append(f"| {variant} | " + " | ".join(_number(row[c]) for c in columns) + " |")
    if report.tests:
        lines += ["", f"Against the control {report.control!r}:", "",
                  "| metric | variant | control | variant value | difference | CI | p-value "
                  "| test |", "|---|---|---|---|---|---|---|---|"]
        for t in report.tests:
            lines.append(f"| {t.metric} | {t.treatment} | {_number(t.control_value)} | "
                         f"{_number(t.treatment_value)} | {_number(t.difference)} | "
                         f"[{_number(t.ci_low)}, {_number(t.ci_high)}] | "
                         f"{_number(t.p_value)} | {t.test} |")
    for note in report.skipped:
        lines.append(f"not tested: {note}")
    return "\n".join(lines)


def _number(value: float) -> str:
    value = float(value)
    if math.isnan(value):
        return "n/a"
    return f"{value:,.0f}" if value.is_integer() and abs(value) >= 1 else f"{value:.4g}"

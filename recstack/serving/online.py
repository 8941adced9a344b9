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

import pandas as pd

from recstack.errors import RecstackError
from recstack.metrics.online import (
    ONLINE_METRICS,
    SignificanceResult,
    compare_variants,
    online_metrics,
)
from recstack.serving.request_log import read_log

__all__ = ["OnlineReport", "online_report", "read_events", "render_report"]

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
        table = read_log(folder, "events")
    elif path.suffix.lower() == ".parquet":
        table = pd.read_parquet(path)
    elif path.suffix.lower() == ".csv":
        table = pd.read_csv(path)
    elif not path.exists():
        raise RecstackError(f"{path}: no such file or folder (give the service's log_dir)")
    else:
        raise RecstackError(f"{path}: expected a log folder, a .parquet or a .csv file")
    missing = [c for c in _COLUMNS if c not in table.columns]
    if missing:
        raise RecstackError(f"{path}: event log lacks column(s) {missing}; is it the "
                            "service's event log?")
    return table[_COLUMNS]


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
    events = read_events(location)
    table = online_metrics(events)
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

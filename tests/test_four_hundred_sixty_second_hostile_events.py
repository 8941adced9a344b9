"""The online metrics (CTR, conversion, bounce, ROI, engagement) of event logs with hostile
values, by class (hypothesis): clicks without impressions, negative or infinite amounts,
timestamps out of order or missing, one-event sessions, unknown event types, repeated event
ids, true/false among the numbers. Each log either raises a RecstackError naming the column
and the row, or gives the metrics of an independent pandas computation here."""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
import pandas as pd
import pytest

hypothesis = pytest.importorskip("hypothesis", reason="the property tests need hypothesis")
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from recstack.errors import RecstackError  # noqa: E402
from recstack.metrics.online import online_metrics  # noqa: E402

PROPERTY = settings(max_examples=150, deadline=None, derandomize=True)

EVENTS = ["impression", "click", "purchase"]


@st.composite
def logs(draw: Any) -> pd.DataFrame:
    n = draw(st.integers(1, 25), label="rows")
    sessions = draw(st.lists(st.integers(0, 5), min_size=n, max_size=n), label="sessions")
    # a session belongs to one variant: its variant follows from its id
    variants = ["A" if session % 2 else "B" for session in sessions]
    events = draw(st.lists(st.sampled_from(EVENTS), min_size=n, max_size=n), label="events")
    times = draw(st.lists(st.floats(0, 1e6, allow_nan=False), min_size=n, max_size=n),
                 label="times")  # in any order
    money = st.one_of(st.just(0.0), st.floats(0, 1e4, allow_nan=False))
    revenue = draw(st.lists(money, min_size=n, max_size=n), label="revenue")
    cost = draw(st.lists(money, min_size=n, max_size=n), label="cost")
    log = pd.DataFrame({"variant": variants, "session_id": sessions, "event": events,
                        "timestamp": times, "revenue": revenue, "cost": cost})
    if draw(st.booleans(), label="ids"):
        log["event_id"] = range(n)
    return log


HOSTILE = ["none", "negative_revenue", "negative_cost", "nan_time", "inf_time", "inf_cost",
           "unknown_event", "repeated_id", "bool_revenue", "bool_cost", "bool_time",
           "all_bool_revenue", "text_revenue", "missing_revenue", "missing_session",
           "missing_variant", "empty_variant", "blank_event", "string_time", "nan_cost",
           "list_session", "text_number_session"]


def _damage(log: pd.DataFrame, how: str, row: int) -> tuple[pd.DataFrame, str | None]:
    """``log`` with ``how`` done to its row ``row``, and the column a refusal must name
    (None where the log stays valid)."""
    log = log.copy()

    def put(column: str, value: Any) -> None:
        log[column] = log[column].astype(object)
        log.iat[row, log.columns.get_loc(column)] = value

    if how == "none":
        return log, None
    if how == "negative_revenue":
        put("revenue", -float(row + 1))
        return log, "revenue"
    if how == "negative_cost":
        put("cost", -0.5)
        return log, "cost"
    if how in ("nan_time", "inf_time"):
        put("timestamp", math.nan if how == "nan_time" else math.inf)
        return log, "timestamp"
    if how in ("inf_cost", "nan_cost"):
        put("cost", math.inf if how == "inf_cost" else math.nan)
        # a missing amount is 0 (the module's documented rule)
        return log, "cost" if how == "inf_cost" else None
    if how == "unknown_event":
        put("event", "view")
        return log, "event"
    if how == "repeated_id":
        if "event_id" not in log.columns or len(log) < 2:
            return log, None
        other = (row + 1) % len(log)
        log.iat[row, log.columns.get_loc("event_id")] = int(log["event_id"].iloc[other])
        return log, "event_id"
    if how in ("bool_revenue", "bool_cost", "bool_time"):
        column = {"bool_revenue": "revenue", "bool_cost": "cost",
                  "bool_time": "timestamp"}[how]
        put(column, True)
        return log, column
    if how == "all_bool_revenue":
        log["revenue"] = [True] * len(log)
        return log, "revenue"
    if how == "text_revenue":
        put("revenue", "3.50")  # a plain decimal as text: read as the number (documented)
        return log, None
    if how == "missing_revenue":
        put("revenue", None)
        return log, None
    if how in ("missing_session", "list_session", "text_number_session"):
        value = {"missing_session": None, "list_session": [1, 2],
                 "text_number_session": str(log["session_id"].iloc[row])}[how]
        put("session_id", value)
        if how == "text_number_session" and \
                (log["session_id"] == int(value)).sum() == 0:
            return log, None  # the only row of its session: a key of its own, no clash
        return log, "session_id"
    if how in ("missing_variant", "empty_variant"):
        put("variant", None if how == "missing_variant" else " ")
        return log, "variant"
    if how == "blank_event":
        put("event", "")
        return log, "event"
    if how == "string_time":
        put("timestamp", "yesterday")
        return log, "timestamp"
    raise AssertionError(how)


def _expected(log: pd.DataFrame) -> pd.DataFrame:
    """The metrics of the module's definitions, worked with plain pandas."""
    frame = log.copy()
    frame["revenue"] = pd.to_numeric(frame["revenue"]).fillna(0.0).astype(float)
    frame["cost"] = pd.to_numeric(frame["cost"]).fillna(0.0).astype(float)
    frame["timestamp"] = frame["timestamp"].astype(float)
    rows = []
    for variant, part in frame.groupby("variant"):
        impressions = int((part["event"] == "impression").sum())
        clicks = int((part["event"] == "click").sum())
        purchases = int((part["event"] == "purchase").sum())
        per_session = part.groupby("session_id")
        engaged = per_session["event"].agg(lambda e: bool(e.isin(["click", "purchase"]).any()))
        durations = per_session["timestamp"].agg(lambda t: t.max() - t.min())
        revenue, cost = float(part["revenue"].sum()), float(part["cost"].sum())
        rows.append({
            "variant": variant, "sessions": per_session.ngroups,
            "ctr": clicks / impressions if impressions else math.nan,
            "conversion_rate": purchases / clicks if clicks else math.nan,
            "bounce_rate": float((~engaged).mean()),
            "roi": (revenue - cost) / cost if cost else math.nan,
            "engagement": float(durations.mean()),
            "revenue_per_session": float(per_session["revenue"].sum().mean()),
        })
    return pd.DataFrame(rows).set_index("variant")


@PROPERTY
@given(log=logs(), how=st.sampled_from(HOSTILE), data=st.data())
def test_a_hostile_log_is_refused_by_column_and_row_or_measured_right(log, how, data):
    row = data.draw(st.integers(0, len(log) - 1), label="row")
    damaged, column = _damage(log, how, row)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            table = online_metrics(damaged)
    except RecstackError as error:
        message = str(error)
        assert column is not None, f"{how}: a valid log refused: {message}"
        assert repr(column) in message, message
        # the row by its index label; a column of true/false only has no one row to name
        assert "row " in message or "true/false values" in message, message
        assert "\n" not in message
        return
    assert column is None, f"{how}: not refused; got\n{table}"
    expected = _expected(damaged)
    assert list(table.index) == list(expected.index)
    for name in expected.columns:
        np.testing.assert_allclose(table[name].to_numpy(float), expected[name].to_numpy(float),
                                   rtol=1e-9, atol=1e-9, equal_nan=True, err_msg=name)


@settings(max_examples=40, deadline=None, derandomize=True)
@given(log=logs())
def test_clicks_without_impressions_are_kept_with_a_warning(log):
    clicks_only = log.assign(event="click")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        table = online_metrics(clicks_only)
    assert any("ctr is NaN" in str(warning.message) for warning in caught)
    assert table["ctr"].isna().all()
    expected = _expected(clicks_only)
    np.testing.assert_allclose(table["bounce_rate"], expected["bounce_rate"])
    np.testing.assert_allclose(table["engagement"], expected["engagement"], rtol=1e-9)

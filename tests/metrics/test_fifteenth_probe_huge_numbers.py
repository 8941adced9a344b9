"""Integers too large for float64 (Python, JSON and TOML read integers of any length) given to
the metrics: each is refused naming the argument and the position, never a bare
OverflowError from numpy or pandas."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from recstack.metrics import (
    MetricInputError,
    dcg_at_k,
    f1_at_threshold,
    huber_loss,
    log_loss,
    novelty,
    online_metrics,
    precision_at_k,
    quantile_loss,
    rmse,
)

HUGE = 10**400  # 401 digits: past float64's largest value, about 1.8e308


def test_an_array_holding_a_huge_integer_names_the_argument_and_position():
    with pytest.raises(MetricInputError,
                       match=r"y_true holds a 401-digit integer at position 1, too large"):
        rmse([1, HUGE], [1.0, 2.0])
    with pytest.raises(MetricInputError,
                       match=r"grades holds a 401-digit integer at position \(0, 1\)"):
        dcg_at_k([[1, HUGE]], 1)
    with pytest.raises(MetricInputError, match="item_counts holds a 401-digit integer at "
                                               "position 1"):
        novelty([[0, 1]], [1, HUGE], 10)


@pytest.mark.parametrize("call, name", [
    (lambda: huber_loss([0, 1], [0.1, 0.9], delta=HUGE), "delta"),
    (lambda: quantile_loss([0, 1], [0.1, 0.9], alpha=HUGE), "alpha"),
    (lambda: log_loss([0, 1], [0.1, 0.9], eps=HUGE), "eps"),
    (lambda: f1_at_threshold([0, 1], [0.1, 0.9], threshold=HUGE), "threshold"),
    (lambda: novelty([[0, 1]], [1, 2], 10, smoothing=HUGE), "smoothing"),
])
def test_a_huge_integer_setting_is_refused_as_not_finite(call, name):
    with pytest.raises(MetricInputError, match=f"{name} must be a finite number"):
        call()


@pytest.mark.parametrize("n_relevant, message", [
    # ragged rows: numpy's "inhomogeneous shape" ValueError before
    ([[1, 2], [3]], "n_relevant must be 1-D with 2 entries .*rows of different lengths"),
    # 2**70 passed the whole-number check and then overflowed the cast to int64
    ([1, 2**70], "n_relevant must hold whole numbers .*position 1 holds a 22-digit integer"),
    # 1e30 wrapped round in the cast and was reported as -9223372036854775808
    ([1e30, 1], r"n_relevant must hold whole numbers .*position 0 holds 1e\+30"),
    ([2, np.nan], "n_relevant must hold whole numbers .*position 1 holds nan"),
])
def test_counts_that_are_no_counts_are_named_by_position(n_relevant, message):
    grades = np.array([[1.0, 0.0], [0.0, 1.0]])
    with pytest.raises(MetricInputError, match=message):
        precision_at_k(grades, n_relevant, 1)


def test_counts_still_give_the_metric():
    # row 0: one hit in the first 2 of its 2 relevant items; row 1: one hit of 1
    grades = np.array([[1.0, 0.0], [0.0, 1.0]])
    assert precision_at_k(grades, [2.0, 1.0], 2).tolist() == [0.5, 0.5]


def _events(**columns):
    events = pd.DataFrame({
        "variant": ["A", "A", "B", "B"], "session_id": [1, 1, 2, 2],
        "event": ["impression", "click", "impression", "impression"],
        "timestamp": [0, 5, 0, 3], "revenue": [0.0, 1.0, 0.0, 0.0], "cost": [0.1] * 4})
    for name, values in columns.items():
        events[name] = values
    return events


@pytest.mark.parametrize("column", ["timestamp", "revenue", "cost"])
def test_an_event_log_holding_a_huge_integer_names_the_column_and_row(column):
    values = pd.Series([0, 1, HUGE, 2], dtype=object)
    with pytest.raises(MetricInputError, match=f"column '{column}' must hold .*row 2 holds a "
                                               "401-digit integer"):
        online_metrics(_events(**{column: values}))

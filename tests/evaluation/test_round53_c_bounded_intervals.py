"""Confidence intervals of bounded metrics stay within the metric's bounds: the Student-t
interval cut at them, with ``clipped`` saying so (reference: scipy's t interval)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from recstack.errors import DataFormatError
from recstack.evaluation.results import EvaluationResult, MetricSummary


def _scipy_t(values: list[float]) -> tuple[float, float]:
    array = np.asarray(values, dtype=float)
    low, high = stats.t.interval(0.95, len(array) - 1, loc=array.mean(),
                                 scale=stats.sem(array))
    return float(low), float(high)


def _result(name: str, column: str, values: list[float]) -> EvaluationResult:
    index = pd.Index([f"u{i}" for i in range(len(values))], name="user_id")
    return EvaluationResult(name, pd.DataFrame({column: values}, index=index))


def test_a_recall_of_mostly_zeros_is_cut_at_zero_and_flagged() -> None:
    values = [0.0, 0.0, 0.0, 0.0, 1.0]
    low, high = _scipy_t(values)
    assert low < 0  # the t interval itself reaches below any recall
    summary = _result("m", "recall@10", values).summary()["recall@10"]
    assert summary.mean == pytest.approx(0.2)
    assert summary.ci_low == 0.0
    assert summary.ci_high == pytest.approx(high, rel=1e-12)
    assert summary.clipped


def test_a_hit_rate_near_one_is_cut_at_one() -> None:
    values = [1.0] * 9 + [0.0]
    low, high = _scipy_t(values)
    assert high > 1
    summary = MetricSummary.from_values("hit_rate@5", np.array(values))
    assert (summary.ci_low, summary.ci_high, summary.clipped) == (
        pytest.approx(low, rel=1e-12), 1.0, True)


def test_an_interval_within_the_bounds_is_scipys_and_not_flagged() -> None:
    values = list(np.random.default_rng(7).uniform(0.3, 0.7, 40))
    summary = MetricSummary.from_values("ndcg@10", np.array(values))
    assert (summary.ci_low, summary.ci_high) == pytest.approx(_scipy_t(values), rel=1e-12)
    assert not summary.clipped


def test_metrics_without_bounds_keep_the_whole_t_interval() -> None:
    values = [0.0, 0.0, 0.0, 0.0, 1.0]
    summary = MetricSummary.from_values("score", np.array(values))
    assert (summary.ci_low, summary.ci_high) == pytest.approx(_scipy_t(values), rel=1e-12)
    assert not summary.clipped


def test_other_bounds_are_the_metrics_own() -> None:
    # diversity is a mean cosine distance in [0, 2]: cut at 0, not at a share's 1
    values = [0.0, 0.0, 0.0, 1.5]
    low, high = _scipy_t(values)
    assert low < 0 and 1 < high < 2
    summary = MetricSummary.from_values("diversity@10", np.array(values))
    assert (summary.ci_low, summary.ci_high, summary.clipped) == (
        0.0, pytest.approx(high, rel=1e-12), True)


def test_a_value_outside_the_metrics_bounds_is_refused_with_its_position() -> None:
    with pytest.raises(DataFormatError, match=r"ndcg@10: the value at position 2 .* is 4"
                                              r".*\[0, 1\].*'score'"):
        MetricSummary.from_values("ndcg@10", np.array([0.0, 1.0, 4.0]))


def test_a_paired_difference_of_shares_is_cut_at_one_not_at_zero() -> None:
    # differences 1, 1, 1, 0: mean 0.75 with a t interval reaching past 1
    better = _result("better", "ndcg@10", [1.0, 1.0, 1.0, 0.5])
    worse = _result("worse", "ndcg@10", [0.0, 0.0, 0.0, 0.5])
    low, high = _scipy_t([1.0, 1.0, 1.0, 0.0])
    assert low < 0 < 1 < high
    test = better.compare(worse, "ndcg@10")
    # the difference of two shares is in [-1, 1]: its negative end is kept as it is
    assert (test.ci_low, test.ci_high, test.clipped) == (
        pytest.approx(low, rel=1e-12), 1.0, True)
    assert "cut at the bounds" in str(test)


def test_a_negative_difference_of_shares_is_not_cut_at_a_shares_zero() -> None:
    diffs = [-0.1, -0.2, -0.3, -0.15]
    base = [0.5, 0.5, 0.5, 0.5]
    first = _result("a", "recall@10", [b + d for b, d in zip(base, diffs, strict=True)])
    second = _result("b", "recall@10", base)
    test = first.compare(second, "recall@10")
    assert (test.ci_low, test.ci_high) == pytest.approx(_scipy_t(diffs), rel=1e-9)
    assert test.ci_high < 0 and not test.clipped


def test_the_flag_is_in_the_table_and_the_json() -> None:
    result = _result("m", "recall@10", [0.0, 0.0, 0.0, 0.0, 1.0])
    table = result.to_pandas().set_index("metric")
    assert bool(table.loc["recall@10", "ci_clipped"]) is True
    stored = json.loads(result.to_json())["metrics"]["recall@10"]
    assert stored["ci_low"] == 0.0 and stored["ci_clipped"] is True

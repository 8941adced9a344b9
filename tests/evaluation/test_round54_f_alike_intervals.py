"""Round 54 (F): when every user scores exactly alike, the Student-t interval has zero
width and claimed the mean known exactly (5 users with recall 0 gave [0, 0]). A bounded
metric now gets the interval exact for any values within its bounds (at a bound, the
Clopper-Pearson interval of 0 successes: reference scipy's ``binomtest``), and a metric
without bounds a NaN interval."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from recstack.evaluation.results import EvaluationResult, MetricSummary


def _result(name: str, columns: dict[str, list[float]]) -> EvaluationResult:
    n = len(next(iter(columns.values())))
    index = pd.Index([f"u{i}" for i in range(n)], name="user_id")
    return EvaluationResult(name, pd.DataFrame(columns, index=index))


@pytest.mark.parametrize("n", [2, 5, 40])
def test_every_user_at_zero_gets_the_clopper_pearson_interval(n: int) -> None:
    exact = stats.binomtest(0, n).proportion_ci(confidence_level=0.95, method="exact")
    summary = MetricSummary.from_values("recall@10", np.zeros(n))
    assert summary.mean == 0.0
    assert summary.ci_low == 0.0
    assert summary.ci_high == pytest.approx(exact.high, rel=1e-12)
    assert summary.ci_high > 0  # the zero-width [0, 0] claimed the mean known exactly
    assert summary.alike and not summary.clipped  # exact within the bounds, not cut


def test_every_user_at_one_gets_the_mirrored_interval() -> None:
    exact = stats.binomtest(7, 7).proportion_ci(confidence_level=0.95, method="exact")
    summary = MetricSummary.from_values("hit_rate@5", np.ones(7))
    assert (summary.ci_low, summary.ci_high) == (pytest.approx(exact.low, rel=1e-12), 1.0)


def test_an_inner_value_shared_by_everyone_gets_the_interval_exact_within_the_bounds() -> None:
    # by hand: with q = 0.025 ** (1 / n), a mean m above v makes all n values equal v
    # at most ((1 - m) / (1 - v)) ** n likely (the rest of the mass at 1), so the upper
    # end is 1 - (1 - v) q; below, (m / v) ** n, so the lower end is v q
    n, v = 4, 0.25
    q = 0.025 ** (1 / n)
    summary = MetricSummary.from_values("ndcg@10", np.full(n, v))
    assert summary.ci_low == pytest.approx(v * q, rel=1e-12)
    assert summary.ci_high == pytest.approx(1 - (1 - v) * q, rel=1e-12)
    assert summary.ci_low < v < summary.ci_high


def test_other_bounds_are_used_for_diversity() -> None:
    n, v = 3, 0.5  # diversity lies in [0, 2]
    q = 0.025 ** (1 / n)
    summary = MetricSummary.from_values("diversity@10", np.full(n, v))
    assert summary.ci_low == pytest.approx(v * q, rel=1e-12)
    assert summary.ci_high == pytest.approx(2 - (2 - v) * q, rel=1e-12)


@pytest.mark.parametrize("metric", ["novelty@10", "score"])
def test_a_metric_without_an_upper_bound_gets_no_interval(metric: str) -> None:
    summary = MetricSummary.from_values(metric, np.full(6, 3.5))
    assert summary.mean == 3.5 and summary.n_users == 6
    assert math.isnan(summary.ci_low) and math.isnan(summary.ci_high)
    assert summary.alike and not summary.clipped


def test_values_alike_up_to_rounding_count_as_alike() -> None:
    summary = MetricSummary.from_values("ndcg@5", np.array([0.1 + 0.2, 0.3, 0.3]))
    assert summary.alike and summary.ci_high - summary.ci_low > 0.1


def test_values_that_vary_keep_scipys_t_interval() -> None:
    values = np.array([0.2, 0.2, 0.2, 0.3])
    low, high = stats.t.interval(0.95, 3, loc=values.mean(), scale=stats.sem(values))
    summary = MetricSummary.from_values("ndcg@5", values)
    assert not summary.alike
    assert (summary.ci_low, summary.ci_high) == pytest.approx((max(low, 0), high), rel=1e-12)


def test_the_results_json_holds_the_honest_interval() -> None:
    n = 5
    payload = _result("m", {"recall@10": [0.0] * n}).to_dict()
    stored = payload["metrics"]["recall@10"]
    assert stored["ci_low"] == 0.0
    assert stored["ci_high"] == pytest.approx(1 - 0.025 ** (1 / n), rel=1e-12)
    # read as the gate's record reads: exact within the bounds, not a t interval cut
    assert stored["ci_clipped"] is False and stored["ci_alike"] is True
    row = _result("m", {"recall@10": [0.0] * n}).to_pandas().iloc[0]
    assert not row["ci_clipped"] and row["ci_alike"]


def test_two_models_alike_on_every_user_get_a_difference_interval_of_width() -> None:
    n = 10
    q = 0.025 ** (1 / n)
    values = [0.5, 0.0, 1.0, 0.25, 0.75, 0.5, 0.0, 1.0, 0.25, 0.75]
    test = _result("a", {"ndcg@10": values}).compare(_result("b", {"ndcg@10": values}),
                                                    "ndcg@10")
    # a difference of two shares lies in [-1, 1]: every one 0 bounds the mean to
    # [-1 + q, 1 - q], not to the single point 0
    assert test.mean_difference == 0.0
    assert (test.ci_low, test.ci_high) == (pytest.approx(-(1 - q), rel=1e-12),
                                           pytest.approx(1 - q, rel=1e-12))
    assert test.t_p_value == 1.0 and not test.significant


def test_every_user_moved_by_one_amount_is_not_a_zero_width_difference() -> None:
    n, d = 8, 0.25
    q = 0.025 ** (1 / n)
    a = [0.5] * n
    b = [0.25] * n
    test = _result("a", {"ndcg@10": a}).compare(_result("b", {"ndcg@10": b}), "ndcg@10")
    assert test.mean_difference == pytest.approx(d)
    assert test.ci_low == pytest.approx(-1 + (d + 1) * q, rel=1e-12)
    assert test.ci_high == pytest.approx(1 - (1 - d) * q, rel=1e-12)
    assert test.alike and not test.clipped


def test_the_printed_test_names_an_alike_difference_not_a_cut() -> None:
    a = _result("a", {"ndcg@10": [0.5] * 6})
    b = _result("b", {"ndcg@10": [0.25] * 6})
    test = a.compare(b, "ndcg@10")
    assert test.alike
    text = str(test)
    assert "every user's difference alike" in text
    assert "interval cut at the bounds" not in text
    varied = _result("c", {"ndcg@10": [0.5, 0.4, 0.3, 0.2, 0.1, 0.0]}).compare(b, "ndcg@10")
    assert not varied.alike

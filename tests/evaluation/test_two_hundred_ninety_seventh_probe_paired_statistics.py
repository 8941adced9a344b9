"""Faithfulness of the statistics over per-user values: the Student-t interval of a mean,
the paired t-test and the Wilcoxon signed-rank test of ``EvaluationResult.compare``, and
Holm's correction, against their definitions worked by hand and against scipy."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from recstack.analysis.report import holm_adjust
from recstack.evaluation.results import EvaluationResult, MetricSummary


def _pair(a, b, metric: str = "ndcg@10"):
    index = pd.Index(range(len(a)), name="user_id")
    return (EvaluationResult("a", pd.DataFrame({metric: a}, index=index)),
            EvaluationResult("b", pd.DataFrame({metric: b}, index=index)))


def test_wilcoxon_drops_zero_differences_by_hand() -> None:
    # differences 0, 0, 0.1, 0.2, -0.3, 0.4, 0.5: the zeros are dropped (Wilcoxon 1945),
    # leaving ranks 1, 2, 3(-), 4, 5; W- = 3, and of the 2**5 = 32 sign patterns 5 have a
    # negative rank sum <= 3 ({}, {1}, {2}, {3}, {1, 2}): two-sided p = 2 * 5 / 32 = 0.3125.
    # Splitting the zeros between the signs ("zsplit") gave 0.25 here.
    a = np.array([0.5, 0.25, 0.6, 0.7, 0.2, 0.9, 1.0])
    b = np.array([0.5, 0.25, 0.5, 0.5, 0.5, 0.5, 0.5])
    first, second = _pair(a, b)
    test = first.compare(second, "ndcg@10")
    assert test.wilcoxon_p_value == pytest.approx(0.3125, abs=1e-12)
    assert test.wilcoxon_p_value == pytest.approx(stats.wilcoxon(a, b).pvalue, abs=1e-12)
    assert test.n_users == 7  # every shared user is paired; only the rank test drops zeros


def test_wilcoxon_exact_without_zeros_by_hand() -> None:
    # four users all better by different amounts: the exact null distribution gives the one
    # all-positive pattern of 2**4, two-sided p = 2 / 16 = 0.125
    first, second = _pair([0.4, 0.6, 0.9, 0.3], [0.3, 0.4, 0.6, 0.2])
    assert first.compare(second, "ndcg@10").wilcoxon_p_value == pytest.approx(0.125,
                                                                              abs=1e-12)


def test_rounding_difference_is_a_zero() -> None:
    # 0.1 + 0.2 is 0.30000000000000004, 5.6e-17 above 0.3: the same value up to rounding, so
    # that user is dropped and the other four (all better) give p = 2 / 16 = 0.125, not the
    # 2 / 32 of five users all better
    first, second = _pair([0.1 + 0.2, 0.4, 0.6, 0.9, 0.3], [0.3, 0.3, 0.4, 0.6, 0.2])
    assert first.compare(second, "ndcg@10").wilcoxon_p_value == pytest.approx(0.125,
                                                                              abs=1e-12)


def test_differences_of_small_values_are_differences() -> None:
    # values of 1e-9 halved: real differences, which an absolute tolerance of 1e-8 called
    # none and gave p = 1 for both tests
    a = np.array([1e-9, 2e-9, 3e-9, 5e-9])
    b = a / 2
    test = _pair(a, b, "popularity@10")[0].compare(_pair(a, b, "popularity@10")[1],
                                                    "popularity@10")
    assert test.wilcoxon_p_value == pytest.approx(0.125, abs=1e-12)
    assert test.t_p_value == pytest.approx(stats.ttest_rel(a, b).pvalue, rel=1e-9)
    assert test.t_p_value < 0.05
    assert test.mean_difference == pytest.approx(1.375e-9, rel=1e-12)


def test_equal_values_give_p_one() -> None:
    first, second = _pair([0.5, 0.25, 0.75], [0.5, 0.25, 0.75])
    test = first.compare(second, "ndcg@10")
    assert (test.t_p_value, test.wilcoxon_p_value, test.mean_difference) == (1.0, 1.0, 0.0)


@pytest.mark.parametrize("n, changed", [(8, 3), (11, 11), (30, 10), (60, 60), (120, 40)])
def test_paired_tests_match_scipy(n: int, changed: int) -> None:
    # ties (values on a 0.05 grid) and zeros (users left unchanged) in various shares: the
    # exact, permutation and normal-approximation branches of scipy's method "auto"
    rng = np.random.default_rng(n + changed)
    a = np.round(rng.random(n) * 20) / 20
    b = a.copy()
    moved = rng.choice(n, changed, replace=False)
    b[moved] = np.round(rng.random(changed) * 20) / 20
    if np.array_equal(a, b):
        b[moved[0]] = 1.0 - a[moved[0]] + 0.05
    test = _pair(a, b)[0].compare(_pair(a, b)[1], "ndcg@10")
    diff = a - b
    assert test.t_p_value == pytest.approx(stats.ttest_rel(a, b).pvalue, rel=1e-9)
    assert test.wilcoxon_p_value == pytest.approx(stats.wilcoxon(a, b).pvalue, rel=1e-9)
    low, high = stats.t.interval(0.95, n - 1, loc=diff.mean(), scale=stats.sem(diff))
    assert (test.ci_low, test.ci_high) == pytest.approx((low, high), rel=1e-9)
    assert test.mean_difference == pytest.approx(diff.mean(), abs=1e-15)


def test_t_interval_by_hand_and_against_scipy() -> None:
    # 0, 1, 2, 3, 4: mean 2, s = sqrt(2.5), se = sqrt(0.5); t(0.975, 4) = 2.7764451051977987
    summary = MetricSummary.from_values("score", np.array([0.0, 1.0, 2.0, 3.0, 4.0]))
    half = 2.7764451051977987 * math.sqrt(0.5)
    assert summary.mean == 2.0
    assert (summary.ci_low, summary.ci_high) == pytest.approx((2 - half, 2 + half),
                                                              rel=1e-12)
    values = np.random.default_rng(5).random(37)
    summary = MetricSummary.from_values("ndcg@10", values, confidence=0.9)
    expected = stats.t.interval(0.9, 36, loc=values.mean(), scale=stats.sem(values))
    assert (summary.ci_low, summary.ci_high) == pytest.approx(expected, rel=1e-12)


def test_holm_by_hand() -> None:
    # sorted 0.005, 0.01, 0.03, 0.04 times 4, 3, 2, 1: 0.02, 0.03, 0.06, 0.04, made
    # non-decreasing in that order (0.04 -> 0.06) and put back in the given order
    adjusted = holm_adjust(np.array([0.01, 0.04, 0.03, 0.005]))
    assert adjusted == pytest.approx([0.03, 0.06, 0.06, 0.02], abs=1e-15)
    # capped at 1
    assert holm_adjust(np.array([0.6, 0.5])) == pytest.approx([1.0, 1.0])

"""Hundred-fifth bad-input probe of the metrics: one rule for cut-offs, and Welch's test on
samples that do not vary.

- ``precision_at_k`` and the other per-metric functions took any ``k`` (a million, a
  billion) while ``ranking_metrics`` and the Evaluator refuse cut-offs above 10,000
  (``recstack.specs.K_MAX``): the same bound now holds for every ``k`` of a metric.
- ``welch_ttest([1, 1], [2, 2])``: the standard error is 0, so t is infinite and p = 0 with a
  zero-width interval. These are the test's limits, not evidence; they are still returned
  (their sign says which way), now with a warning that the test needs variation."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
import scipy.sparse as sp

from recstack.metrics import (
    MetricInputError,
    average_precision_at_k,
    catalog_coverage,
    dcg_at_k,
    f1_at_k,
    hit_rate_at_k,
    ndcg_at_k,
    precision_at_k,
    ranking_metrics,
    recall_at_k,
    recall_capped_at_k,
    reciprocal_rank_at_k,
    welch_ttest,
)
from recstack.metrics.lists import long_tail_share
from recstack.specs import K_MAX

GRADES = np.array([[1.0, 0.0, 1.0]])
IDEAL = np.array([[1.0, 1.0, 0.0]])
LISTS = np.array([[0, 1, 2]])

PER_METRIC = {
    "precision_at_k": lambda k: precision_at_k(GRADES, [2], k),
    "recall_at_k": lambda k: recall_at_k(GRADES, [2], k),
    "recall_capped_at_k": lambda k: recall_capped_at_k(GRADES, [2], k),
    "hit_rate_at_k": lambda k: hit_rate_at_k(GRADES, [2], k),
    "f1_at_k": lambda k: f1_at_k(GRADES, [2], k),
    "reciprocal_rank_at_k": lambda k: reciprocal_rank_at_k(GRADES, [2], k),
    "average_precision_at_k": lambda k: average_precision_at_k(GRADES, [2], k),
    "dcg_at_k": lambda k: dcg_at_k(GRADES, k),
    # refused before the ideal's width is compared with k
    "ndcg_at_k": lambda k: ndcg_at_k(GRADES, IDEAL, k),
    "catalog_coverage": lambda k: catalog_coverage(LISTS, 3, k=k),
    "long_tail_share": lambda k: long_tail_share(LISTS, np.array([True, False, True]), k=k),
}


@pytest.mark.parametrize("name", sorted(PER_METRIC))
@pytest.mark.parametrize("k", [K_MAX + 1, 10**6, 10**12])
def test_a_cut_off_above_the_evaluators_bound_is_refused_by_every_metric(name, k):
    with pytest.raises(MetricInputError, match=f"k = {k:,} is above 10,000, the largest "
                                               "cut-off .* use a k of at most 10,000"):
        PER_METRIC[name](k)


def test_ranking_metrics_refuses_the_same_cut_offs():
    truth = sp.csr_matrix(np.array([[1.0, 0.0, 1.0]]))
    with pytest.raises(MetricInputError, match="above 10000, the largest cut-off"):
        ranking_metrics(LISTS, truth, ks=(K_MAX + 1,))


# ndcg_at_k's ideal needs 10,000 columns: test_ndcg_at_the_bound
@pytest.mark.parametrize("name", sorted(set(PER_METRIC) - {"ndcg_at_k"}))
def test_the_bound_itself_is_a_cut_off(name):
    # P@10000 of a list with 2 hits: 2 / 10000 (padding counts as a miss)
    assert np.all(np.isfinite(np.atleast_1d(PER_METRIC[name](K_MAX))))
    assert float(precision_at_k(GRADES, [2], K_MAX)[0]) == pytest.approx(2 / K_MAX)


def test_ndcg_at_the_bound():
    ideal = np.zeros((1, K_MAX))
    ideal[0, :2] = 1.0
    # DCG = 1/log2(2) + 1/log2(4) = 1.5; IDCG = 1 + 1/log2(3)
    expected = 1.5 / (1 + 1 / math.log2(3))
    assert float(ndcg_at_k(GRADES, ideal, K_MAX)[0]) == pytest.approx(expected)


def test_numpy_cut_offs_stay_accepted():
    assert float(precision_at_k(GRADES, [2], np.int64(2))[0]) == pytest.approx(0.5)
    assert catalog_coverage(LISTS, 3, k=np.uint16(2)) == pytest.approx(2 / 3)


# --------------------------------------------------------------------------- Welch
@pytest.mark.parametrize(("control", "treatment", "sign"), [
    ([1.0, 1.0], [2.0, 2.0], 1.0),
    ([5.0] * 4, [3.0] * 3, -1.0),
    ([True, True], [False, False, False], -1.0),  # outcomes read as 1/0
])
def test_samples_without_variation_give_their_limits_with_a_warning(control, treatment, sign):
    with pytest.warns(UserWarning, match="welch_ttest: neither sample varies .* the test "
                                         "needs variation"):
        result = welch_ttest(control, treatment)
    difference = float(np.mean(treatment)) - float(np.mean(control))
    assert result.difference == pytest.approx(difference)
    assert result.statistic == math.copysign(math.inf, sign)
    assert result.p_value == 0.0
    assert result.ci_low == result.ci_high == pytest.approx(difference)


def test_the_warning_names_the_values_and_counts():
    with pytest.warns(UserWarning, match=r"control holds only 1\.0, 2 values; treatment only "
                                         r"2\.0, 3 values"):
        welch_ttest([1.0, 1.0], [2.0, 2.0, 2.0])


def test_samples_that_vary_or_agree_stay_quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        one_constant = welch_ttest([1.0, 1.0, 1.0], [1.0, 2.0, 3.0])
    # one value throughout both samples: the NaN p-value is said, not returned silently
    with pytest.warns(UserWarning, match=r"p-value are NaN"):
        same = welch_ttest([1.0, 1.0], [1.0, 1.0])
    assert math.isnan(same.p_value) and math.isnan(same.statistic)
    # t = (2 - 1) / sqrt(1 / 3), the control's variance 0
    assert one_constant.statistic == pytest.approx(3 ** 0.5)

"""Faithfulness of the beyond-accuracy, classification and online metrics to their
definitions: each pinned against a value worked by hand from the paper's formula, or
against an independent implementation (scikit-learn, scipy) on the same data."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from sklearn.calibration import calibration_curve
from sklearn.metrics import log_loss as sk_log_loss
from sklearn.metrics import roc_auc_score
from sklearn.metrics.pairwise import cosine_distances

from recstack.metrics import beyond_accuracy, classification, lists, online

# two lists over a catalog of 5 items (item 4 never recommended); -1 pads the second
LISTS = np.array([[0, 1, 2], [2, 3, -1]])
# training users of each item, out of 4 users
COUNTS = np.array([4, 2, 1, 1, 0])


def test_catalog_coverage_by_hand() -> None:
    # items 0, 1, 2, 3 of 5 recommended to someone
    assert beyond_accuracy.catalog_coverage(LISTS, 5) == 4 / 5
    assert beyond_accuracy.catalog_coverage(LISTS, 5, k=1) == 2 / 5  # items 0 and 2


def test_novelty_is_mean_self_information_zhou_2010() -> None:
    # p(i) = users of i / users: 1, 1/2, 1/4 -> -log2: 0, 1, 2, mean 1; second list 2, 2
    assert beyond_accuracy.novelty(LISTS, COUNTS, 4).tolist() == [1.0, 2.0]
    # smoothing s: p(i) = (c + s) / (n + s), here s = 1: 5/5, 3/5, 2/5
    expected = [np.mean([0.0, math.log2(5 / 3), math.log2(5 / 2)]), math.log2(5 / 2)]
    assert beyond_accuracy.novelty(LISTS, COUNTS, 4, smoothing=1) == pytest.approx(
        expected, rel=1e-14)


def test_intra_list_diversity_against_pairwise_cosine_distances() -> None:
    # mean of 1 - cosine over the m (m - 1) / 2 unordered pairs (Ziegler et al. 2005)
    rng = np.random.default_rng(7)
    features = rng.normal(size=(30, 6))
    lists_ = np.array([rng.choice(30, 8, replace=False) for _ in range(20)])
    got = beyond_accuracy.intra_list_diversity(lists_, features)
    for row, items in enumerate(lists_):
        distances = cosine_distances(features[items])
        expected = distances[np.triu_indices(len(items), 1)].mean()
        assert got[row] == pytest.approx(expected, rel=1e-9, abs=1e-12)
    # by hand: (1, 0), (1, 1), (0, 1): distances 1 - 1/sqrt2, 1, 1 - 1/sqrt2
    genres = np.array([[1, 0], [1, 1], [0, 1], [1, 0], [0, 0]], dtype=float)
    assert beyond_accuracy.intra_list_diversity(LISTS, genres)[0] == pytest.approx(
        (3 - math.sqrt(2)) / 3, rel=1e-14)


def test_arp_and_aplt_by_hand_abdollahpouri_2019() -> None:
    # ARP: mean training users of the listed items: (4 + 2 + 1) / 3 and (1 + 1) / 2
    assert beyond_accuracy.average_popularity(LISTS, COUNTS) == pytest.approx([7 / 3, 1.0])
    # APLT: share of each list in the long tail (here items with at most one user)
    tail = COUNTS <= 1
    assert lists.long_tail_share(LISTS, tail) == pytest.approx([1 / 3, 1.0])


def test_roc_auc_against_scikit_learn_with_ties() -> None:
    rng = np.random.default_rng(11)
    labels = rng.integers(0, 2, 300)
    scores = np.round(rng.random(300), 1)  # many ties: each tied pair counts one half
    assert classification.roc_auc(labels, scores) == pytest.approx(
        roc_auc_score(labels, scores), rel=1e-14)


def test_log_loss_against_scikit_learn() -> None:
    rng = np.random.default_rng(12)
    labels = rng.integers(0, 2, 200)
    probabilities = rng.random(200)
    assert classification.log_loss(labels, probabilities) == pytest.approx(
        sk_log_loss(labels, probabilities), rel=1e-13)
    # at 0 and 1 the clip decides: with scikit-learn's (machine epsilon) the two agree
    extreme = np.array([0.0, 1.0, 0.5])
    assert classification.log_loss([1, 0, 1], extreme, eps=np.finfo(float).eps) == \
        pytest.approx(sk_log_loss([1, 0, 1], extreme), rel=1e-13)
    # recstack's default eps 1e-15: a confident mistake costs -ln(1e-15)
    assert classification.log_loss([1], [0.0]) == pytest.approx(-math.log(1e-15), rel=1e-12)


def test_normalized_cross_entropy_by_hand_he_2014() -> None:
    # labels 1, 0, 0, 0 predicted 0.5 each: LL = ln 2; base rate 1/4, entropy
    # -(1/4 ln 1/4 + 3/4 ln 3/4)
    entropy = -(0.25 * math.log(0.25) + 0.75 * math.log(0.75))
    value = classification.normalized_cross_entropy([1, 0, 0, 0], [0.5] * 4)
    assert value == pytest.approx(math.log(2) / entropy, rel=1e-13)


def test_expected_calibration_error_by_hand_guo_2017() -> None:
    # 4 equal-width bins (0, .25], (.25, .5], (.5, .75], (.75, 1]; the first also takes 0
    probabilities = [0.0, 0.2, 0.25, 0.3, 0.5, 0.6, 0.9, 1.0]
    labels = [0, 1, 0, 0, 1, 1, 1, 0]
    # bin 1: 0, .2, .25 (mean .15, rate 1/3); bin 2: .3, .5 (mean .4, rate 1/2);
    # bin 3: .6 (rate 1); bin 4: .9, 1 (mean .95, rate 1/2)
    expected = (3 / 8 * abs(0.15 - 1 / 3) + 2 / 8 * abs(0.4 - 0.5) + 1 / 8 * abs(0.6 - 1)
                + 2 / 8 * abs(0.95 - 0.5))
    assert classification.expected_calibration_error(labels, probabilities, n_bins=4) == \
        pytest.approx(expected, rel=1e-13)


@pytest.mark.parametrize("strategy", ["uniform", "quantile"])
def test_reliability_curve_against_scikit_learn(strategy: str) -> None:
    rng = np.random.default_rng(13)
    probabilities = np.round(rng.random(500), 2)
    labels = (rng.random(500) < probabilities).astype(int)
    curve = classification.reliability_curve(labels, probabilities, n_bins=7,
                                              strategy=strategy)
    rate, mean = calibration_curve(labels, probabilities, n_bins=7, strategy=strategy)
    filled = curve.count > 0
    assert curve.observed_rate[filled] == pytest.approx(rate, rel=1e-13)
    assert curve.mean_predicted[filled] == pytest.approx(mean, rel=1e-13)


def _tiny_log() -> pd.DataFrame:
    # A: session 1 impression, impression, click (0 to 15 s); session 2 impression,
    # purchase of 20 (100 to 130 s); session 3 one impression (bounced). B: session 4
    # impression, click (5 s); session 5 two impressions (bounced, 0 to 8 s)
    return pd.DataFrame({
        "variant": ["A"] * 6 + ["B"] * 4,
        "session_id": [1, 1, 1, 2, 2, 3, 4, 4, 5, 5],
        "event": ["impression", "impression", "click", "impression", "purchase",
                  "impression", "impression", "click", "impression", "impression"],
        "timestamp": [0, 10, 15, 100, 130, 200, 0, 5, 50, 58],
        "revenue": [0, 0, 0, 0, 20, 0, 0, 0, 0, 0],
        "cost": [1, 1, 0, 1, 0, 1, 2, 0, 2, 2]})


def test_online_metrics_on_a_tiny_log_by_hand() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        table = online.online_metrics(_tiny_log())
    a, b = table.loc["A"], table.loc["B"]
    assert (a["ctr"], b["ctr"]) == (1 / 4, 1 / 3)  # clicks / impressions
    assert (a["conversion_rate"], b["conversion_rate"]) == (1.0, 0.0)  # purchases / clicks
    assert (a["bounce_rate"], b["bounce_rate"]) == (1 / 3, 1 / 2)  # no click, no purchase
    assert (a["roi"], b["roi"]) == ((20 - 4) / 4, (0 - 6) / 6)  # (revenue - cost) / cost
    assert (a["engagement"], b["engagement"]) == ((15 + 30 + 0) / 3, (5 + 8) / 2)
    assert (a["revenue_per_session"], b["revenue_per_session"]) == (20 / 3, 0.0)


def test_two_proportion_ztest_by_hand() -> None:
    # 10 of 100 against 20 of 100: pooled 0.15, se sqrt(0.15 * 0.85 * (2 / 100))
    result = online.two_proportion_ztest(10, 100, 20, 100)
    z = 0.1 / math.sqrt(0.15 * 0.85 * 0.02)
    assert result.statistic == pytest.approx(z, rel=1e-13)
    assert result.p_value == pytest.approx(2 * stats.norm.sf(z), rel=1e-12)
    # Newcombe (1998) method 10 from the Wilson intervals of each proportion
    crit = stats.norm.isf(0.025)

    def wilson(x: int, n: int) -> tuple[float, float]:
        p = x / n
        centre = (p + crit**2 / (2 * n)) / (1 + crit**2 / n)
        half = crit * math.sqrt(p * (1 - p) / n + crit**2 / (4 * n * n)) / (1 + crit**2 / n)
        return centre - half, centre + half

    (lc, uc), (lt, ut) = wilson(10, 100), wilson(20, 100)
    assert result.ci_low == pytest.approx(0.1 - math.hypot(0.2 - lt, uc - 0.1), rel=1e-12)
    assert result.ci_high == pytest.approx(0.1 + math.hypot(ut - 0.2, 0.1 - lc), rel=1e-12)


def test_welch_ttest_against_scipy() -> None:
    rng = np.random.default_rng(14)
    control, treatment = rng.normal(1.0, 1.0, 40), rng.normal(1.4, 2.0, 25)
    result = online.welch_ttest(control, treatment, alpha=0.1)
    reference = stats.ttest_ind(treatment, control, equal_var=False)
    assert result.p_value == pytest.approx(reference.pvalue, rel=1e-12)
    assert result.statistic == pytest.approx(reference.statistic, rel=1e-12)
    low, high = reference.confidence_interval(0.9)
    assert (result.ci_low, result.ci_high) == pytest.approx((low, high), rel=1e-12)


def test_gini_index_by_hand_on_sorted_counts() -> None:
    # counts over 4 items: item 0 twice, items 1 and 2 once, item 3 never: sorted 0, 1, 1, 2;
    # weights 2j - n - 1 = -3, -1, 1, 3: (0 - 1 + 1 + 6) / (4 * 4) = 0.375
    assert beyond_accuracy.gini_index(np.array([[0, 1], [0, 2]]), 4) == 0.375
    # one item takes every recommendation: (n - 1) / n; all equal: 0
    assert beyond_accuracy.gini_index(np.array([[0], [0]]), 3) == pytest.approx(2 / 3)
    assert beyond_accuracy.gini_index(np.array([[0, 1, 2], [2, 1, 0]]), 3) == 0.0
    # k cuts the lists first: only items 0 and 2 of 5, once each: sorted 0, 0, 0, 1, 1
    # weights -4, -2, 0, 2, 4: 6 / (5 * 2)
    assert beyond_accuracy.gini_index(LISTS, 5, k=1) == pytest.approx(0.6)


def test_gini_index_against_the_mean_absolute_difference() -> None:
    # the Gini coefficient is also sum_i sum_j |x_i - x_j| / (2 n^2 mean)
    rng = np.random.default_rng(15)
    lists_ = np.array([rng.choice(40, 10, replace=False, p=np.r_[np.full(10, 0.07),
                                                                    np.full(30, 0.3 / 30)])
                       for _ in range(50)])
    counts = np.bincount(lists_.ravel(), minlength=60).astype(float)
    expected = np.abs(counts[:, None] - counts[None, :]).sum() / (2 * 60**2 * counts.mean())
    assert beyond_accuracy.gini_index(lists_, 60) == pytest.approx(expected, rel=1e-12)


def test_gini_index_refuses_lists_without_items() -> None:
    with pytest.raises(ValueError, match="holds no item"):
        beyond_accuracy.gini_index(np.array([[-1, -1]]), 3)


def test_brier_score_against_scikit_learn() -> None:
    from sklearn.metrics import brier_score_loss

    rng = np.random.default_rng(16)
    labels, probabilities = rng.integers(0, 2, 100), rng.random(100)
    assert classification.brier_score(labels, probabilities) == pytest.approx(
        brier_score_loss(labels, probabilities), rel=1e-13)
    # by hand: (0.9 - 1)^2, (0.2 - 0)^2, (0.5 - 1)^2: (0.01 + 0.04 + 0.25) / 3 = 0.1
    assert classification.brier_score([1, 0, 1], [0.9, 0.2, 0.5]) == pytest.approx(0.1)


def test_group_auc_by_hand_zhou_2018() -> None:
    # user a: 3 samples, positive 0.9 above negatives 0.1 and 0.5: AUC 1; user b: 2
    # samples, positive 0.2 below negative 0.8: AUC 0; user c: only negatives, left out.
    # By impressions (3, 2): 3/5; by clicks (1, 1): 1/2
    labels = [1, 0, 0, 1, 0, 0, 0]
    scores = [0.9, 0.1, 0.5, 0.2, 0.8, 0.3, 0.6]
    groups = ["a", "a", "a", "b", "b", "c", "c"]
    assert classification.group_auc(labels, scores, groups) == pytest.approx(3 / 5)
    assert classification.group_auc(labels, scores, groups, weight="clicks") == \
        pytest.approx(1 / 2)


def test_group_auc_against_per_user_scikit_learn() -> None:
    rng = np.random.default_rng(17)
    groups = rng.integers(0, 30, 600)
    labels = rng.integers(0, 2, 600)
    scores = np.round(rng.random(600), 1)  # ties within users count one half
    for weight in ("impressions", "clicks"):
        total = weighted = 0.0
        for user in np.unique(groups):
            mine = groups == user
            if labels[mine].min() == labels[mine].max():
                continue
            w = mine.sum() if weight == "impressions" else labels[mine].sum()
            weighted += w * roc_auc_score(labels[mine], scores[mine])
            total += w
        assert classification.group_auc(labels, scores, groups, weight=weight) == \
            pytest.approx(weighted / total, rel=1e-12)


def test_group_auc_without_any_two_class_group_is_nan_with_a_warning() -> None:
    with pytest.warns(classification.OneClassWarning, match="none of the 2 groups"):
        value = classification.group_auc([1, 1, 0], [0.3, 0.4, 0.5], [1, 1, 2])
    assert math.isnan(value)
    with pytest.raises(ValueError, match="weight must be one of"):
        classification.group_auc([1, 0], [0.3, 0.4], [1, 1], weight="click")
    with pytest.raises(ValueError, match="missing value"):
        classification.group_auc([1, 0], [0.3, 0.4], [1, None])

"""Faithfulness of the operations measures to their definitions: each pinned by values
worked by hand from the definition or by an independent implementation (numpy's histogram
on numpy's quantiles, scipy's ks_2samp, spearmanr, ttest_rel and wilcoxon)."""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from scipy import stats

from recstack.ops.drift import PSI_FLOOR, genre_mix, ks_test, popularity_psi, psi, spearman
from recstack.ops.fold_in import use_fold_in
from recstack.ops.gate import decide
from recstack.ops.pipeline_config import TrainingSpec
from recstack.ops.quality import QualitySpec, ShareThreshold, check_partition
from recstack.ops.retraining import training_window


def _term(q: float, p: float) -> float:
    return (q - p) * math.log(q / p)


# ------------------------------------------------------------------------------ PSI
def _quantile_script_psi(reference, new, bins):
    """The "quantiles" bucketing of the usual PSI scripts, written independently:
    numpy.histogram over numpy.quantile edges from the reference's min to its max, empty
    shares replaced by 1e-4."""
    edges = np.quantile(reference, np.linspace(0, 1, bins + 1))
    p = np.histogram(reference, edges)[0] / len(reference)
    q = np.histogram(new, edges)[0] / len(new)
    p, q = np.where(p == 0, 1e-4, p), np.where(q == 0, 1e-4, q)
    return float(np.sum((q - p) * np.log(q / p)))


def test_psi_on_quantile_bins_agrees_with_the_usual_script_inside_the_reference_range():
    rng = np.random.default_rng(7)
    reference = rng.normal(size=1000)
    for shift, bins in ((0.0, 10), (0.3, 10), (1.0, 5), (-0.5, 20)):
        new = np.clip(rng.normal(shift, 1.0, size=800), reference.min(), reference.max())
        assert psi(reference, new, bins=bins) == pytest.approx(
            _quantile_script_psi(reference, new, bins), rel=1e-12)


def test_psi_counts_new_values_outside_the_reference_range_in_the_outer_bins():
    # reference 1..10, 2 bins: the one inner edge is the median, 5.5; the new values 0 and
    # 3 fall below it, 100 twice above: shares 1/2, 1/2 as the reference's, a PSI of 0
    # (numpy.histogram on edges [1, 5.5, 10] would drop 0 and the 100s)
    assert psi(np.arange(1, 11), [0, 3, 100, 100], bins=2) == 0.0
    # all four above: q = (floor, 1), p = (1/2, 1/2)
    expected = _term(PSI_FLOOR, 0.5) + _term(1.0, 0.5)
    assert psi(np.arange(1, 11), [6, 7, 100, 200], bins=2) == pytest.approx(expected)


def test_psi_of_a_value_heavier_than_a_bin_ends_its_own_bin():
    # reference: eight 1s, a 2 and a 3; quartiles all 1 -> edges 1 and just above 1:
    # bins (<1, =1, >1) hold p = (0, .8, .2); new [1, 1, 5, 5, 5]: q = (0, .4, .6)
    expected = _term(PSI_FLOOR, PSI_FLOOR) + _term(0.4, 0.8) + _term(0.6, 0.2)
    assert psi([1] * 8 + [2, 3], [1, 1, 5, 5, 5], bins=4) == pytest.approx(expected)


def test_psi_raises_every_share_below_the_floor_to_it():
    # 1 value in 20,000 in the second bin: share 5e-5 counts as the floor, 1e-4
    reference = [0.0] * 10 + [1.0] * 10
    new = [0.0] * 19_999 + [1.0]
    expected = _term(1 - 1 / 20_000, 0.5) + _term(PSI_FLOOR, 0.5)
    assert psi(reference, new, edges=[0.5]) == pytest.approx(expected, rel=1e-12)


# ------------------------------------------------------------------------------- KS
@pytest.mark.parametrize(("n", "m"), [(5, 7), (30, 40), (200, 300), (3000, 4000),
                                      (1, 3), (12_000, 9_000)])
def test_ks_agrees_with_scipys_default_choice_of_exact_or_asymptotic(n, m):
    rng = np.random.default_rng(n + m)
    a, b = rng.normal(size=n), rng.normal(0.4, 1.0, size=m)
    d, p_value = ks_test(a, b)
    reference = stats.ks_2samp(a, b)  # method="auto": exact up to 10,000 values a sample
    assert d == pytest.approx(reference.statistic, abs=1e-15)
    assert p_value == pytest.approx(reference.pvalue, rel=1e-9, abs=0)


def test_ks_p_value_of_small_samples_is_the_exact_one():
    # 5 against 7 values: exact 0.3283 (scipy's default), not the asymptotic 0.3008
    a = [0.1, 0.5, 0.9, 1.3, 2.0]
    b = [0.7, 1.1, 1.6, 2.2, 2.5, 3.1, 3.3]
    exact = stats.ks_2samp(a, b, method="exact").pvalue
    assert ks_test(a, b)[1] == pytest.approx(exact, rel=1e-12)
    assert abs(exact - stats.ks_2samp(a, b, method="asymp").pvalue) > 1e-3


def test_ks_statistic_is_the_exact_fraction():
    # 0..9 against 0, 2..10: the CDFs differ by at most 1/10 (at 1: 2/10 against 1/10);
    # c/n - c'/m in floats gave 0.10000000000000009, flagged above a ks_warn of 0.1
    assert ks_test(np.arange(10.0), [0.0, *range(2, 11)])[0] == 0.1
    assert ks_test(np.arange(10.0), [0.0, *np.arange(4.0, 13.0)])[0] == 0.3


# ----------------------------------------------------------------- popularity PSI
def test_popularity_psi_worked_by_hand():
    # reference counts: item 1: 6, item 2: 3, item 3: 1 (10 rows), 3 groups of 1/3:
    # item 1 starts at share 0 (group 0), item 2 at 0.6 (group 1), item 3 at 0.9 (group
    # 2); item 9 is new (group 3). p = (.6, .3, .1, 0), q = (.2, .2, .4, .2)
    reference = [1] * 6 + [2] * 3 + [3]
    new = [1] * 2 + [2] * 2 + [3] * 4 + [9] * 2
    expected = (_term(0.2, 0.6) + _term(0.2, 0.3) + _term(0.4, 0.1)
                + _term(0.2, PSI_FLOOR))
    assert popularity_psi(reference, new, bins=3) == pytest.approx(expected)


def test_popularity_psi_puts_equally_popular_items_in_one_group():
    # three items once each, 2 groups: by id order 1, 2 went to group 0 and 3 to group
    # 1, so moving the new interactions to item 1 or to item 3 (the same change, ids
    # renamed) gave different PSIs; equally popular, they are one group: PSI 0 for both
    reference = [1, 2, 3]
    assert popularity_psi(reference, [1, 1, 1, 2, 3], bins=2) == 0.0
    assert popularity_psi(reference, [3, 3, 3, 1, 2], bins=2) == 0.0
    # ties below the head: item 1 (4 rows) is group 0, items 2 and 3 (2 each) start at
    # share 0.5 -> group 1 together. p = (.5, .5); q = (.25, .75)
    expected = _term(0.25, 0.5) + _term(0.75, 0.5)
    assert popularity_psi([1] * 4 + [2, 2, 3, 3], [1, 2, 2, 2], bins=4) == pytest.approx(
        expected)
    assert popularity_psi([1] * 4 + [2, 2, 3, 3], [1, 3, 3, 3], bins=4) == pytest.approx(
        expected)


# ----------------------------------------------------------------------- Spearman
def test_spearman_is_scipys_over_the_union_with_zero_counts_and_average_ranks():
    rng = np.random.default_rng(3)
    reference, new = rng.integers(0, 8, 100), rng.integers(3, 12, 80)
    ids = np.union1d(reference, new)
    counts_ref = [(reference == i).sum() for i in ids]
    counts_new = [(new == i).sum() for i in ids]
    assert spearman(reference, new) == pytest.approx(
        stats.spearmanr(counts_ref, counts_new).statistic, rel=1e-12)
    # by hand: counts over {1, 2, 3}: reference (2, 1, 0), new (0, 1, 1); ranks
    # (3, 2, 1) and (1, 2.5, 2.5): deviations (1, 0, -1), (-1, .5, .5) -> -1.5 / sqrt(2 * 1.5)
    assert spearman([1, 1, 2], [2, 3]) == pytest.approx(-1.5 / math.sqrt(3.0))


# ---------------------------------------------------------------------- genre mix
def test_genre_mix_total_variation_and_psi_by_hand():
    # shares p = (.75, .25, 0), q = (.25, .25, .5) over (a, b, c)
    tv, value = genre_mix({"a": 3, "b": 1}, {"a": 1, "b": 1, "c": 2})
    assert tv == pytest.approx(0.5 * (0.5 + 0 + 0.5))
    assert value == pytest.approx(_term(0.25, 0.75) + _term(0.5, PSI_FLOOR))


# -------------------------------------------------------------------- quality checks
NOW = 1_000


def _log() -> pa.Table:
    """Ten rows, one problem each where marked."""
    return pa.table({
        "user_id": [1, 1, 2, 2, 3, 3, 4, 4, 1, 2],
        "item_id": [10, 10, 11, 12, 13, 99, 14, 15, 16, 10],
        "timestamp": [100, 100, 150, 5000, -5, 200, 300, 400, 500, 600],
        "value": [4.0, 4.0, 6.0, 3.0, 2.0, float("nan"), 5.0, 1.0, 2.5, 3.0],
    })
    # row 1 repeats row 0; row 2's 6 is outside [1, 5]; row 3 is after the clock (1000)
    # and after the period [0, 2000); row 4 is before 1970 and the period; row 5's NaN is
    # empty and its item 99 unknown; rows 6, 7: user 4 unknown; row 8: item 16 unknown


def test_quality_shares_and_thresholds_worked_by_hand():
    spec = QualitySpec(shares={"duplicates": ShareThreshold(warn=0.05, fail=0.1),
                               "range": {"warn": 0.1, "fail": 0.5},
                               "unknown_users": {"warn": 0.1, "fail": 0.3}})
    results = {r.check: r for r in check_partition(
        _log(), spec, rating_range=(1.0, 5.0), now=NOW, period=(0, 2000),
        catalog_items=np.arange(10, 16), catalog_users=np.array([1, 2, 3]),
        previous_rows=[10, 20, 40, 5, 8])}
    got = {name: (r.count, r.share, r.status) for name, r in results.items()
           if name not in ("schema", "empty", "volume")}
    assert got == {
        "nulls": (1, 0.1, "failed"),              # default thresholds (0, 0)
        "range": (1, 0.1, "passed"),              # 0.1 is not above warn = 0.1
        "duplicates": (1, 0.1, "warned"),         # above 0.05, not above fail = 0.1
        "future": (1, 0.1, "failed"),
        "before_floor": (1, 0.1, "failed"),
        "outside_partition": (2, 0.2, "failed"),  # default fail 0.01
        "unknown_items": (2, 0.2, "failed"),
        "unknown_users": (2, 0.2, "warned"),
    }
    # volume: median of the last 4 previous counts (20, 40, 5, 8) is 14; 10 rows:
    # ratio max(10/14, 14/10) = 1.4, below volume_warn = 2
    assert results["volume"].status == "passed"
    assert results["volume"].share == pytest.approx(1.4)
    low = {r.check: r for r in check_partition(_log(), spec, now=NOW,
                                               previous_rows=[2, 4, 6, 3])}
    assert low["volume"].share == pytest.approx(10 / 3.5)
    assert low["volume"].status == "warned"


# ---------------------------------------------------------------- retraining windows
def test_training_windows_and_fold_in_streaks_by_hand():
    assert training_window(5, TrainingSpec(window="sliding", partitions=2)) == [2, 3]
    # a window longer than the history takes all of it
    assert training_window(5, TrainingSpec(window="sliding", partitions=10)) == [0, 1, 2, 3]
    assert training_window(2, TrainingSpec(window="expanding")) == [0]
    als = SimpleNamespace(name="als")
    # fold_in_between = 2: after a retrain, two runs fold in, the third retrains
    assert use_fold_in(2, ["retrain"], als)
    assert use_fold_in(2, ["retrain", "fold_in"], als)
    assert not use_fold_in(2, ["retrain", "fold_in", "fold_in"], als)
    assert use_fold_in(2, ["fold_in", "fold_in", "warm_start"], als)  # a warm start trains
    assert not use_fold_in(0, ["retrain"], als)
    assert not use_fold_in(2, ["retrain"], SimpleNamespace(name="ease"))  # cannot fold in


# ------------------------------------------------------------------------- the gate
def test_gate_statistics_worked_by_hand():
    candidate = pd.Series([0.5, 0.6, 0.7], index=[1, 2, 3])
    published = pd.Series([0.4, 0.7, 0.6], index=[1, 2, 3])
    decision = decide(candidate, published, metric="ndcg@10", margin=0.0, min_users=2,
                      published_version=1)
    # differences (.1, -.1, .1): mean 1/30, sd sqrt(2/150), t = 0.5 on 2 degrees of
    # freedom, whose CDF is 1/2 + t / (2 sqrt(2 + t^2)) = 2/3: two-sided p = 2 (1 - 2/3)
    assert decision.publish
    assert decision.difference == pytest.approx(1 / 30)
    assert decision.t_p_value == pytest.approx(2 / 3, rel=1e-9)
    half = stats.t.ppf(0.975, 2) * math.sqrt(2 / 150) / math.sqrt(3)
    assert decision.ci_low == pytest.approx(1 / 30 - half)
    assert decision.ci_high == pytest.approx(1 / 30 + half)
    assert decision.t_p_value == pytest.approx(
        stats.ttest_rel(candidate, published).pvalue, rel=1e-9)
    diffs = candidate.to_numpy() - published.to_numpy()
    assert decision.wilcoxon_p_value == pytest.approx(stats.wilcoxon(diffs).pvalue)


def test_gate_margin_is_the_largest_loss_accepted_whatever_the_p_value():
    candidate = pd.Series([0.40, 0.50, 0.60, 0.70], index=list("abcd"))
    published = candidate + 0.04  # a loss of 0.04 for every user: p = 0 for the t-test
    held = decide(candidate, published, metric="ndcg@10", margin=0.03, min_users=2)
    passed = decide(candidate, published, metric="ndcg@10", margin=0.05, min_users=2)
    assert not held.publish and passed.publish
    assert passed.difference == pytest.approx(-0.04)
    # means over each model's own users: user e was evaluated for the candidate alone
    wider = pd.concat([candidate, pd.Series([1.0], index=["e"])])
    decision = decide(wider, published, metric="ndcg@10", margin=0.05, min_users=2)
    assert decision.candidate_mean == pytest.approx(3.2 / 5)
    assert decision.published_mean == pytest.approx(2.36 / 4)
    assert decision.difference == pytest.approx(-0.04)
    assert decision.shared_users == 4 and decision.candidate_users == 5

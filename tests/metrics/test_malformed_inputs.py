"""Malformed arguments to the metric functions end in a MetricInputError naming the argument
(and the place of the bad value), never in a numpy/pandas error or a silently wrong number."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from recstack.errors import RecstackError
from recstack.metrics import (
    MetricInputError,
    auc_per_user,
    average_popularity,
    catalog_coverage,
    compare_variants,
    dcg_at_k,
    global_auc,
    ideal_dcg_at_k,
    ideal_grades,
    intra_list_diversity,
    mean_over_users,
    metric_names,
    ndcg_at_k,
    novelty,
    online_metrics,
    ranking_metrics,
    two_proportion_ztest,
    welch_ttest,
)
from recstack.metrics.lists import (
    exposure_disparity,
    genre_distributions,
    group_exposure,
    item_genre_shares,
    list_genre_distribution,
    miscalibration_kl,
    position_discount,
)

TRUTH = sp.csr_matrix(np.array([[0, 1, 0, 1, 0], [1, 0, 0, 0, 0]], dtype=float))
GENRES = np.array([[1, 0], [0, 1], [1, 1], [0, 0], [1, 0]])
RAGGED = [[1, 0, 3], [2]]


@pytest.mark.parametrize(("call", "message"), [
    (lambda: ranking_metrics(RAGGED, TRUTH), "recommended .*rows have different lengths"),
    (lambda: catalog_coverage(RAGGED, 5), "recommended .*rows have different lengths"),
    (lambda: novelty(RAGGED, [1] * 5, 3), "recommended .*rows have different lengths"),
    (lambda: list_genre_distribution(RAGGED, GENRES), "rows have different lengths"),
    (lambda: ranking_metrics([[1, 0]] * 2, TRUTH, metrics=None), "metrics must be a name or"),
    (lambda: ranking_metrics([[1, 0]] * 2, TRUTH, metrics=5), "metrics must be a name or"),
    (lambda: ranking_metrics([[1, 0]] * 2, TRUTH, metrics=("ndcg@10",)),
     "unknown ranking metric.*'ndcg@10'.*cut-off in ks"),
    (lambda: mean_over_users(["a", 0.5]), "values must be an array of numbers"),
    (lambda: mean_over_users([0.5, np.inf]), "values must be finite or NaN; position 1"),
    (lambda: global_auc([["a"] * 5] * 2, TRUTH), "scores must be an array of numbers"),
    (lambda: auc_per_user(np.ones((2, 5)), np.full((2, 5), np.nan)),
     r"positives must be finite; position \(0, 0\)"),
    (lambda: average_popularity([[0]], ["a"]), "item_popularity must be an array of numbers"),
    (lambda: intra_list_diversity([[0, 1]], "genres"), "item_features must be an array"),
    (lambda: item_genre_shares([["a", "b"]]), "item_genres must be an array of numbers"),
    (lambda: genre_distributions(np.array([[np.nan, 1, 0, 0, 0]]), GENRES),
     r"weights must be finite and non-negative .*position \(0, 0\) holds nan"),
    (lambda: miscalibration_kl([[0, 1]], GENRES, [["a", "b"]]), "target must be an array"),
    (lambda: exposure_disparity([np.nan, 0.5]), "exposure must be finite .*position 0"),
    (lambda: exposure_disparity([-0.5, 1.5]), "exposure must be finite and non-negative"),
    (lambda: exposure_disparity([0.5, 0.5], ["a", "b"]), "target must be an array"),
    (lambda: metric_names(["ranking"]), "unknown metric kind"),
])
def test_malformed_metric_arguments_are_named(call, message):
    with pytest.raises(MetricInputError, match=message):
        call()


def test_a_grade_too_large_for_the_exponential_gain_is_refused_not_turned_into_nan():
    truth = sp.csr_matrix(np.array([[5000.0, 1.0, 0.0]]))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow warning on the way to the error
        with pytest.raises(MetricInputError, match="grade 5000 is too large.*ndcg_linear"):
            ranking_metrics([[0, 1]], truth, ks=2, metrics=("ndcg",))
        with pytest.raises(MetricInputError, match="grade 5000 is too large"):
            dcg_at_k([[5000.0, 1.0]], 2)
    # the linear gain takes such grades
    linear = ranking_metrics([[0, 1]], truth, ks=2, metrics=("ndcg_linear",))
    assert linear["ndcg_linear@2"][0] == pytest.approx(1.0)
    assert ndcg_at_k([[1.0]], [[1.0]], 1)[0] == 1.0


def test_a_huge_cut_off_does_not_allocate_one_discount_per_rank():
    # the largest cut-off allowed (specs.K_MAX) past the lists' length; a larger one is
    # refused as the Evaluator refuses it (round ten)
    out = ranking_metrics([[1, 0]] * 2, TRUTH, ks=(2, 10_000), metrics=("ndcg", "recall"))
    assert out["ndcg@10000"] == pytest.approx(out["ndcg@2"])
    assert out["recall@10000"].tolist() == [0.5, 1.0]
    with pytest.raises(MetricInputError, match="K = 10+ is above 10000"):
        ranking_metrics([[1, 0]] * 2, TRUTH, ks=(2, 10**30), metrics=("ndcg", "recall"))


def _log(**columns):
    log = pd.DataFrame({"variant": ["A", "A", "B", "B"], "session_id": [1, 1, 2, 3],
                        "event": ["impression", "click", "impression", "impression"],
                        "timestamp": [0, 5, 1, 2], "revenue": [0.0] * 4, "cost": [0.0] * 4})
    return log.assign(**columns)


@pytest.mark.parametrize(("call", "message"), [
    (lambda: online_metrics(_log(session_id=[[1], [1], [2], [3]])),
     r"column 'session_id' holds \[1\] at row 0"),
    (lambda: online_metrics(_log(variant=[{"a": 1}, "A", "B", "B"])), "column 'variant' holds"),
    (lambda: compare_variants(_log(), ["ctr"], "A", "B"), "unknown online metric"),
    (lambda: two_proportion_ztest("1", 10, 2, 10), "successes_control must be a non-negative"),
    (lambda: two_proportion_ztest(1, None, 2, 10), "trials_control must be a non-negative"),
])
def test_malformed_online_arguments_are_named(call, message):
    with pytest.raises(MetricInputError, match=message):
        call()


@pytest.mark.parametrize(("control", "treatment", "statistic", "p_value"), [
    ([1.0] * 3, [1.0] * 3, math.nan, math.nan),
    ([1.0] * 3, [2.0] * 4, math.inf, 0.0),
    ([2.0] * 3, [1.0] * 4, -math.inf, 0.0),
])
def test_welch_on_samples_without_variation_gives_its_limits_quietly(control, treatment,
                                                                      statistic, p_value):
    # equal means: NaN, with a warning that says so (two hundred sixty-fifth round);
    # different ones: the limits, with a warning that they are not evidence (hundred-fifth)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        if math.isnan(p_value):
            with pytest.warns(UserWarning, match="p-value are NaN"):
                result = welch_ttest(control, treatment)
        else:
            with pytest.warns(UserWarning, match="neither sample varies"):
                result = welch_ttest(control, treatment)
    assert result.statistic == pytest.approx(statistic, nan_ok=True)
    assert result.p_value == pytest.approx(p_value, nan_ok=True)
    assert result.ci_low == result.ci_high == result.difference


def test_every_error_here_is_a_recstack_error():
    assert issubclass(MetricInputError, RecstackError)


def test_a_reliability_curve_with_absurdly_many_bins_is_refused_before_allocating():
    from recstack.metrics import expected_calibration_error, reliability_curve

    for function in (reliability_curve, expected_calibration_error):
        with pytest.raises(MetricInputError, match="n_bins must be at most 100,000"):
            function([0, 1], [0.2, 0.7], n_bins=10**12)


@pytest.mark.parametrize(("call", "message"), [
    (lambda: intra_list_diversity([[0, 4]], np.eye(3)), "item_features covers only 3 items"),
    (lambda: average_popularity([[0, 4]], [1.0, 2.0]), "item_popularity covers only 2 items"),
    (lambda: novelty([[0, 4]], [1, 2], 3), "item_counts covers only 2 items"),
    (lambda: list_genre_distribution([[0, 7]], GENRES), "item_genres covers only 5 items"),
])
def test_a_short_item_table_is_named_rather_than_blamed_on_the_lists(call, message):
    with pytest.raises(MetricInputError, match=f"recommended row 0 holds item index .* but "
                                               f"{message}"):
        call()


def test_a_rate_without_trials_names_the_variant_and_what_it_lacks():
    log = _log(event=["impression", "impression", "click", "click"])
    with pytest.raises(MetricInputError, match="treatment variant 'B' has no impressions, so "
                                               "its ctr is undefined"):
        compare_variants(log, "ctr", "A", "B")
    with pytest.raises(MetricInputError, match="control variant 'A' has no clicks"):
        compare_variants(log, "conversion_rate", "A", "B")


def test_variants_of_a_numeric_column_may_be_named_as_text():
    log = _log(variant=[1, 1, 2, 2])
    result = compare_variants(log, "bounce_rate", "1", "2")
    assert (result.control, result.treatment) == ("1", "2")
    with pytest.raises(MetricInputError, match="treatment variant '3' is not in the log"):
        compare_variants(log, "bounce_rate", "1", "3")


@pytest.mark.parametrize("call,message", [
    (lambda: ideal_grades(sp.csr_matrix(np.eye(3)), 10**15),
     "k must be at most 10,000,000 .* got 1,000,000,000,000,000"),
    (lambda: ideal_dcg_at_k(sp.csr_matrix(np.eye(3)), 10**15), "k must be at most 10,000,000"),
    (lambda: ideal_grades(sp.csr_matrix((1000, 5)), 10**7),
     r"k = 10,000,000 for 1,000 users asks for a \(1,000, 10,000,000\) array .* use a k of "
     "at most 1,073,741"),
    (lambda: position_discount(10**15), "n must be at most 10,000,000"),
    (lambda: group_exposure([[0, 1]], np.array([0, 1]), 10**15),
     "n_groups must be at most 10,000,000"),
    (lambda: catalog_coverage([[0, 1]], 10**15), "n_items must be at most 1,000,000,000"),
])
def test_sizes_that_allocate_arrays_are_bounded_by_name(call, message):
    with pytest.raises(MetricInputError, match=message):
        call()


def test_sizes_within_the_bounds_keep_their_documented_shapes():
    truth = sp.csr_matrix(np.eye(3))
    assert ideal_grades(truth, 7).shape == (3, 7)  # beyond the catalog: zero padding
    assert position_discount(10_000_000).shape == (10_000_000,)
    assert group_exposure([[0, 1]], np.array([0, 1]), 5).shape == (5,)

"""Binary-prediction metrics against scikit-learn and hand-computed values."""

from __future__ import annotations

import math

import numpy as np
import pytest
import sklearn.metrics as skm
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.calibration import calibration_curve

from recstack.metrics import (
    MetricInputError,
    calibration_ratio,
    expected_calibration_error,
    f1_at_threshold,
    log_loss,
    normalized_cross_entropy,
    precision_at_threshold,
    precision_recall_f1,
    recall_at_threshold,
    relative_information_gain,
    reliability_curve,
)


def random_sample(seed: int, n: int = 500) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    # Kept away from 0 and 1 so that no implementation's clipping matters.
    prob = rng.uniform(1e-4, 1 - 1e-4, n)
    labels = (rng.random(n) < prob ** 1.5).astype(int)
    return labels, prob


@pytest.mark.reference("log_loss")
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_log_loss_agrees_with_sklearn(seed: int) -> None:
    labels, prob = random_sample(seed)
    assert log_loss(labels, prob) == pytest.approx(skm.log_loss(labels, prob), abs=1e-9)


@pytest.mark.reference("log_loss")
def test_log_loss_by_hand_and_clipping() -> None:
    assert log_loss([1, 0], [0.8, 0.4]) == pytest.approx(
        -(math.log(0.8) + math.log(0.6)) / 2, abs=1e-15
    )
    # A confident mistake costs -ln(eps) instead of infinity.
    assert log_loss([1], [0.0], eps=1e-15) == pytest.approx(-math.log(1e-15), rel=1e-12)
    assert log_loss([0], [1.0], eps=1e-3) == pytest.approx(-math.log(1e-3), rel=1e-12)


@pytest.mark.reference("normalized_cross_entropy", "relative_information_gain")
@pytest.mark.parametrize("seed", [0, 3])
def test_normalized_cross_entropy_against_its_definition(seed: int) -> None:
    labels, prob = random_sample(seed)
    base = labels.mean()
    entropy = -(base * math.log(base) + (1 - base) * math.log(1 - base))
    expected = skm.log_loss(labels, prob) / entropy
    assert normalized_cross_entropy(labels, prob) == pytest.approx(expected, abs=1e-9)
    assert relative_information_gain(labels, prob) == pytest.approx(1 - expected, abs=1e-9)
    # Predicting the base rate everywhere gives NE = 1 exactly (up to rounding).
    constant = np.full(labels.size, base)
    assert normalized_cross_entropy(labels, constant) == pytest.approx(1.0, abs=1e-12)
    assert relative_information_gain(labels, constant) == pytest.approx(0.0, abs=1e-12)


def test_normalized_cross_entropy_is_nan_for_one_class() -> None:
    assert math.isnan(normalized_cross_entropy([1, 1, 1], [0.2, 0.9, 0.5]))
    assert math.isnan(relative_information_gain([0, 0], [0.2, 0.9]))


@pytest.mark.reference("roc_auc")
@pytest.mark.parametrize("seed", [0, 1])
def test_roc_auc_agrees_with_sklearn_with_ties(seed: int) -> None:
    from recstack.metrics import roc_auc

    labels, prob = random_sample(seed)
    rounded = np.round(prob, 1)  # many ties
    assert roc_auc(labels, rounded) == pytest.approx(skm.roc_auc_score(labels, rounded), abs=1e-9)
    assert roc_auc(labels, prob) == pytest.approx(skm.roc_auc_score(labels, prob), abs=1e-9)


@pytest.mark.reference("precision_at_threshold", "recall_at_threshold", "f1_at_threshold")
@pytest.mark.parametrize("threshold", [0.05, 0.3, 0.5, 0.77, 0.99])
def test_threshold_metrics_agree_with_sklearn(threshold: float) -> None:
    labels, prob = random_sample(4, n=300)
    predicted = prob >= threshold
    kwargs = {"zero_division": np.nan}
    for ours, theirs in (
        (precision_at_threshold, skm.precision_score),
        (recall_at_threshold, skm.recall_score),
        (f1_at_threshold, skm.f1_score),
    ):
        expected = theirs(labels, predicted, **kwargs)
        assert ours(labels, prob, threshold=threshold) == pytest.approx(expected, abs=1e-9)


@pytest.mark.reference("precision_at_threshold", "recall_at_threshold", "f1_at_threshold")
def test_threshold_counts_by_hand() -> None:
    # Scores at the threshold predict positive.
    scores = precision_recall_f1([1, 1, 0, 0, 1], [0.9, 0.5, 0.5, 0.1, 0.2], threshold=0.5)
    assert (scores.true_positives, scores.false_positives) == (2, 1)
    assert (scores.false_negatives, scores.true_negatives) == (1, 1)
    assert scores.precision == 2 / 3 and scores.recall == 2 / 3
    assert scores.f1 == pytest.approx(2 / 3, abs=1e-15)
    nothing_predicted = precision_recall_f1([1, 0], [0.1, 0.2], threshold=0.9)
    assert math.isnan(nothing_predicted.precision)
    assert nothing_predicted.recall == 0.0 and nothing_predicted.f1 == 0.0
    assert math.isnan(precision_recall_f1([0, 0], [0.1, 0.2], threshold=0.9).f1)


@pytest.mark.reference("calibration_ratio")
def test_calibration_ratio_by_hand() -> None:
    assert calibration_ratio([1, 0, 1, 0], [0.5, 0.5, 0.25, 0.25]) == 1.5 / 2
    assert math.isnan(calibration_ratio([0, 0], [0.1, 0.2]))


@pytest.mark.parametrize("strategy", ["uniform", "quantile"])
@pytest.mark.parametrize("n_bins", [1, 5, 10, 23])
def test_reliability_curve_agrees_with_sklearn(strategy: str, n_bins: int) -> None:
    labels, prob = random_sample(5, n=400)
    prob[:20] = 0.5  # values on a bin edge
    prob[20:25] = 0.0
    prob[25:30] = 1.0
    curve = reliability_curve(labels, prob, n_bins=n_bins, strategy=strategy)
    prob_true, prob_pred = calibration_curve(labels, prob, n_bins=n_bins, strategy=strategy)
    filled = curve.count > 0
    np.testing.assert_allclose(curve.observed_rate[filled], prob_true, atol=1e-12)
    np.testing.assert_allclose(curve.mean_predicted[filled], prob_pred, atol=1e-12)
    assert curve.count.sum() == labels.size
    assert np.isnan(curve.mean_predicted[~filled]).all()
    frame = curve.to_frame()
    assert list(frame.columns) == [
        "bin_lower", "bin_upper", "mean_predicted", "observed_rate", "count"
    ]
    assert len(frame) == n_bins


def loop_ece(labels: np.ndarray, prob: np.ndarray, n_bins: int) -> float:
    """ECE with uniform bins (lo, hi], the first also taking 0, written out plainly."""
    total = 0.0
    for b in range(n_bins):
        lo, hi = b / n_bins, (b + 1) / n_bins
        members = [i for i, p in enumerate(prob) if (lo < p <= hi) or (b == 0 and p == 0)]
        if members:
            gap = abs(np.mean(prob[members]) - np.mean(labels[members]))
            total += len(members) / len(prob) * gap
    return total


@pytest.mark.reference("expected_calibration_error")
@pytest.mark.parametrize("n_bins", [1, 4, 10, 15])
def test_expected_calibration_error_against_a_loop(n_bins: int) -> None:
    labels, prob = random_sample(6, n=300)
    prob[:10] = 0.0
    prob[10:20] = 0.5
    ours = expected_calibration_error(labels, prob, n_bins=n_bins)
    assert ours == pytest.approx(loop_ece(labels, prob, n_bins), abs=1e-12)


@pytest.mark.reference("expected_calibration_error")
def test_expected_calibration_error_by_hand() -> None:
    # Two bins: [0, .5] holds 0.2, 0.4 (mean .3, rate .5); (.5, 1] holds 0.9 (mean .9, rate 0).
    ece = expected_calibration_error([1, 0, 0], [0.2, 0.4, 0.9], n_bins=2)
    assert ece == pytest.approx(2 / 3 * 0.2 + 1 / 3 * 0.9, abs=1e-15)
    assert expected_calibration_error([1, 0], [1.0, 0.0]) == 0.0
    quantile = expected_calibration_error([1, 0, 0], [0.2, 0.4, 0.9], n_bins=3, strategy="quantile")
    assert quantile == pytest.approx((0.8 + 0.4 + 0.9) / 3, abs=1e-15)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 1), st.floats(0, 1, allow_nan=False)), min_size=1, max_size=40
    ),
    st.integers(1, 12),
)
def test_expected_calibration_error_lies_in_unit_interval(pairs, n_bins) -> None:
    labels, prob = map(np.array, zip(*pairs, strict=True))
    for strategy in ("uniform", "quantile"):
        ece = expected_calibration_error(labels, prob, n_bins=n_bins, strategy=strategy)
        assert 0.0 <= ece <= 1.0


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: log_loss([], []), "y_true is empty"),
        (lambda: log_loss([0, 1], [0.5]), "length mismatch: y_true has 2, y_prob has 1"),
        (lambda: log_loss([0, 2], [0.5, 0.5]), "y_true must hold binary labels"),
        (lambda: log_loss([0, 1], [0.5, 1.5]), r"y_prob must be probabilities in \[0, 1\]"),
        (lambda: log_loss([0, 1], [0.5, np.nan]), "y_prob must be finite"),
        (lambda: log_loss([0, 1], [0.5, 0.5], eps=0), "eps must be a finite number > 0"),
        (lambda: log_loss([0, 1], [0.5, 0.5], eps=0.7), r"eps must lie in \(0, 0.5\)"),
        (lambda: reliability_curve([0], [0.5], n_bins=0), "n_bins must be a positive integer"),
        (lambda: reliability_curve([0], [0.5], strategy="equal"), "strategy must be one of"),
        (lambda: precision_recall_f1([0], [0.5], threshold=np.nan), "threshold must be a finite"),
        (lambda: calibration_ratio([[0, 1]], [[0.5, 0.5]]), "y_true must be 1-D"),
    ],
)
def test_bad_input_raises(call, message) -> None:
    with pytest.raises(MetricInputError, match=message):
        call()

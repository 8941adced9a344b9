"""Quantile bins of the reliability curve, the ECE and the histogram calibrator are
scikit-learn's ``calibration_curve(strategy="quantile")`` bins to the bit: repeated
predictions land in the same bins."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.calibration import calibration_curve

from recstack.metrics import expected_calibration_error, reliability_curve
from recstack.pipeline.calibration import HistogramCalibrator, reliability_table


def test_a_repeated_prediction_at_an_edge_lands_in_scikit_learns_bin() -> None:
    # 4 predictions, 3 bins: the 2/3 quantile is 0.3 - 1 ulp as scikit-learn computes it
    # (the percentage 66.66666666666667), so both 0.3 rows are in the third bin, (0.3-, 0.3]
    y = [0, 1, 1, 1]
    p = [0.2, 0.2, 0.3, 0.3]
    curve = reliability_curve(y, p, n_bins=3, strategy="quantile")
    assert curve.count.tolist() == [2, 0, 2]
    assert curve.mean_predicted[0] == 0.2 and curve.mean_predicted[2] == 0.3
    assert curve.observed_rate[0] == 0.5 and curve.observed_rate[2] == 1.0
    prob_true, prob_pred = calibration_curve(y, p, n_bins=3, strategy="quantile")
    assert prob_true.tolist() == [0.5, 1.0]
    assert prob_pred.tolist() == [0.2, 0.3]
    table = reliability_table(y, p, n_bins=3, strategy="quantile")
    assert table["count"].tolist() == [2, 0, 2]


def test_the_ece_follows_the_same_bins() -> None:
    # scikit-learn's edges 0.3, 0.3, 0.6 - 1 ulp, 0.8: bins {0.3, 0.3} (mean 0.3, rate 1/2)
    # and {0.6, 0.8} (mean 0.7, rate 1/2): ECE = 1/2 x 0.2 + 1/2 x 0.2 = 0.2 (it was 0.3,
    # with 0.6 alone in a bin: 1/2 x 0.2 + 1/4 x 0.6 + 1/4 x 0.2)
    y = [0, 1, 0, 1]
    p = [0.3, 0.3, 0.6, 0.8]
    assert expected_calibration_error(y, p, n_bins=3, strategy="quantile") == \
        pytest.approx(0.2, abs=1e-12)
    assert reliability_curve(y, p, n_bins=3, strategy="quantile").count.tolist() == [2, 0, 2]


@pytest.mark.parametrize("strategy", ["quantile", "uniform"])
def test_many_repeated_predictions_agree_with_scikit_learn(strategy: str) -> None:
    rng = np.random.default_rng(0)
    for _ in range(400):
        n = int(rng.integers(2, 60))
        n_bins = int(rng.integers(1, 25))
        levels = np.round(rng.random(int(rng.integers(1, 8))), int(rng.integers(1, 3)))
        p = rng.choice(levels, n)
        y = rng.integers(0, 2, n)
        curve = reliability_curve(y, p, n_bins=n_bins, strategy=strategy)
        prob_true, prob_pred = calibration_curve(y, p, n_bins=n_bins, strategy=strategy)
        filled = curve.count > 0
        assert curve.observed_rate[filled].tolist() == prob_true.tolist()
        assert curve.mean_predicted[filled].tolist() == prob_pred.tolist()


def test_the_histogram_calibrator_bins_as_the_reliability_table() -> None:
    # the calibrator's inner edges are the curve's: the 0.3 rows share the third bin's rate
    scores = np.array([0.2, 0.2, 0.3, 0.3])
    labels = np.array([0, 1, 1, 1])
    calibrator = HistogramCalibrator(n_bins=3, strategy="quantile").fit(scores, labels)
    curve = reliability_curve(labels, scores, n_bins=3, strategy="quantile")
    assert calibrator.edges_.tolist() == curve.bin_upper[:-1].tolist()
    assert calibrator.counts_.tolist() == [2, 0, 2]
    assert calibrator.predict(np.array([0.2, 0.3])).tolist() == [0.5, 1.0]

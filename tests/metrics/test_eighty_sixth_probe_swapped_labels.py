"""Eighty-sixth bad-input probe: labels and probabilities (or scores) given in each other's
place were refused as "y_true must hold binary labels", without a word that the other
argument holds exactly what labels hold. The message now says the two look swapped; labels
that are simply wrong (a 2) get no such guess."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.metrics import MetricInputError
from recstack.metrics.classification import (
    calibration_ratio,
    expected_calibration_error,
    log_loss,
    normalized_cross_entropy,
    precision_recall_f1,
    reliability_curve,
    roc_auc,
)
from recstack.pipeline.calibration import (
    CalibrationError,
    HistogramCalibrator,
    IsotonicCalibrator,
    PlattCalibrator,
    calibration_by_segment,
    reliability_table,
)

LABELS = [0, 1, 0, 1]
PROBABILITIES = [0.2, 0.8, 0.3, 0.6]


@pytest.mark.parametrize("function, other", [
    (log_loss, "y_prob"), (normalized_cross_entropy, "y_prob"),
    (calibration_ratio, "y_prob"), (expected_calibration_error, "y_prob"),
    (reliability_curve, "y_prob"), (roc_auc, "y_score"), (precision_recall_f1, "y_score")])
def test_swapped_metric_arguments_are_named(function, other):
    with pytest.raises(MetricInputError,
                       match=rf"y_true must hold binary labels 0 or 1; position 0 holds 0\.2 "
                             rf"\({other} holds only 0 and 1, as labels do: were y_true and "
                             rf"{other} swapped\? y_true comes first\)"):
        function(PROBABILITIES, LABELS)


@pytest.mark.parametrize("function", [log_loss, roc_auc, expected_calibration_error])
def test_wrong_labels_beside_probabilities_get_no_swap_guess(function):
    with pytest.raises(MetricInputError, match=r"position 0 holds 2(\.0)?$"):
        function([2, 1, 0, 1], PROBABILITIES)


def test_the_arguments_in_order_still_give_the_metric():
    # log loss by its definition: -mean(y log p + (1 - y) log(1 - p))
    y, p = np.array(LABELS, float), np.array(PROBABILITIES)
    expected = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
    assert log_loss(LABELS, PROBABILITIES) == pytest.approx(expected)
    assert roc_auc(LABELS, PROBABILITIES) == 1.0


@pytest.mark.parametrize("calibrator", [PlattCalibrator, IsotonicCalibrator,
                                        HistogramCalibrator])
def test_a_calibrator_fitted_with_swapped_arguments_says_so(calibrator):
    with pytest.raises(CalibrationError,
                       match=r"labels must be 0 or 1; position 0 holds 0\.2 \(scores hold only "
                             r"0 and 1, as labels do: were the two swapped\? the order is "
                             r"fit\(scores, labels\)\)"):
        calibrator().fit(LABELS, PROBABILITIES)


def test_calibration_by_segment_and_reliability_table_with_swapped_arguments():
    with pytest.raises(CalibrationError,
                       match=r"calibration_by_segment: labels must be 0 or 1; position 0 holds "
                             r"0\.2 \(probabilities hold only 0 and 1.*calibration_by_segment"
                             r"\(labels, probabilities, segments\)\)"):
        calibration_by_segment(PROBABILITIES, LABELS, {"g": ["a", "a", "b", "b"]})
    with pytest.raises(CalibrationError,
                       match=r"reliability_table: y_true must hold binary labels.*were y_true "
                             r"and y_prob swapped"):
        reliability_table(PROBABILITIES, LABELS)


def test_a_calibrator_with_a_wrong_label_gets_no_swap_guess():
    # the label's own kind is named (a grade), not a swap of the arguments
    with pytest.raises(CalibrationError, match=r"position 1 holds 2\.0 \(whole numbers up to "
                       r"2: grades, ratings or counts\? give 0/1 outcomes, e\.g\. labels = "
                       r"grades >= 4, or counts > 0\)$"):
        PlattCalibrator().fit([0.1, 0.9, 0.3, 0.6], [0, 2, 0, 1])

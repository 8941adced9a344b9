"""Sixth bad-input probe of the calibrators: scores of extreme magnitude for Platt scaling,
ragged score lists, segment values that are not single values and hand-edited calibrator
files. Expected values from the definitions: Platt scaling is invariant to rescaling the
scores (sigma(a s + b) with a absorbing the scale)."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.pipeline.calibration import (
    CalibrationError,
    DownsamplingCorrection,
    PlattCalibrator,
    calibration_by_segment,
    calibrator_from_json,
)

LABELS = np.array([0, 1, 0, 1, 1, 0, 0, 1, 1, 0], dtype=np.float64)
# not separable: rows 3 and 5 overlap, so the maximum-likelihood fit is finite
SCORES = np.array([0.1, 0.9, 0.2, 0.45, 0.7, 0.55, 0.4, 0.6, 0.8, 0.3])


def reference_platt(scores: np.ndarray, labels: np.ndarray) -> tuple[float, float]:
    """The logistic regression of the labels on the score, by Newton's method on the log
    likelihood (written here, independently of scikit-learn)."""
    design = np.column_stack([scores, np.ones_like(scores)])
    w = np.zeros(2)
    for _ in range(100):
        p = 1 / (1 + np.exp(-design @ w))
        gradient = design.T @ (labels - p)
        hessian = (design * (p * (1 - p))[:, None]).T @ design
        w += np.linalg.solve(hessian, gradient)
    return float(w[0]), float(w[1])


@pytest.mark.parametrize("scale", [1.0, 1e300, 1e-300])
def test_platt_scaling_does_not_depend_on_the_scores_magnitude(scale):
    # at 1e300 the standard deviation overflowed (NaN reached scikit-learn: a ValueError);
    # at 1e-300 it underflowed to 0 and every probability was the base rate 0.5
    slope, intercept = reference_platt(SCORES, LABELS)
    calibrator = PlattCalibrator().fit(SCORES * scale, LABELS)
    expected = 1 / (1 + np.exp(-(slope * SCORES + intercept)))
    assert calibrator.predict(SCORES * scale) == pytest.approx(expected, abs=1e-6)


def test_scores_of_both_signs_near_the_float_limit_are_calibrated():
    # up to 1.2e308 in size (3e308 itself is beyond float64, so scaled in two steps): their
    # mean and spread overflowed, and NaN reached scikit-learn
    calibrator = PlattCalibrator().fit((SCORES - 0.5) * 1e308 * 3, LABELS)
    slope, intercept = reference_platt(SCORES - 0.5, LABELS)
    shifted = np.array([0.25, -0.4])
    assert calibrator.predict(shifted * 1e308 * 3) == pytest.approx(
        1 / (1 + np.exp(-(slope * shifted + intercept))), abs=1e-6)


def test_ragged_score_lists_are_refused_by_name():
    calibrator = PlattCalibrator().fit(SCORES, LABELS)
    with pytest.raises(CalibrationError, match="platt: scores must be an array of numbers"):
        calibrator.predict([[0.5], [0.1, 0.2]])


def test_segment_values_that_are_lists_are_refused():
    lists = [["a", "b"], ["c"]] * (len(LABELS) // 2)  # ragged: not a table either
    with pytest.raises(CalibrationError, match="segment 'genres' must hold one value .* per "
                       "prediction"):
        calibration_by_segment(LABELS, SCORES, {"genres": lists})


def test_a_segment_of_single_values_still_reports():
    table = calibration_by_segment(LABELS, SCORES, {"half": ["x"] * 5 + ["y"] * 5})
    assert table["value"].tolist() == ["all", "x", "y"]
    assert table["n"].tolist() == [10, 5, 5]


def test_an_unknown_field_in_a_saved_calibrator_is_refused():
    saved = DownsamplingCorrection(rate=0.5).fit().to_json()
    # written by hand beside the real field: it was ignored, the saved rate 0.5 kept
    with pytest.raises(CalibrationError, match="unknown field\\(s\\) 'rated' in a "
                       "downsampling calibrator \\(did you mean 'rate'\\?\\)"):
        calibrator_from_json({**saved, "rated": 0.1})


def test_a_saved_calibrator_reads_back():
    saved = PlattCalibrator().fit(SCORES, LABELS).to_json()
    again = calibrator_from_json(saved)
    assert again.predict(SCORES) == pytest.approx(PlattCalibrator().fit(SCORES, LABELS)
                                                  .predict(SCORES))

"""Sixth bad-input probe of the calibrators: scores of extreme magnitude for Platt scaling,
ragged score lists, segment values that are not single values and hand-edited calibrator
files. Expected values from the definitions: Platt scaling is invariant to rescaling the
scores (sigma(a s + b) with a absorbing the scale)."""

from __future__ import annotations

import warnings

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
    """The logistic regression on the score against Platt's targets ((N+ + 1) / (N+ + 2)
    for a positive, 1 / (N- + 2) for a negative: PlattCalibrator's default), by Newton's
    method on the cross-entropy (written here, independently of scikit-learn)."""
    n_pos, n_neg = labels.sum(), len(labels) - labels.sum()
    targets = np.where(labels == 1, (n_pos + 1) / (n_pos + 2), 1 / (n_neg + 2))
    design = np.column_stack([scores, np.ones_like(scores)])
    w = np.zeros(2)
    for _ in range(100):
        p = 1 / (1 + np.exp(-design @ w))
        gradient = design.T @ (targets - p)
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
    with pytest.raises(CalibrationError, match="unknown field\\(s\\) 'rated' in the "
                       "downsampling calibrator \\(did you mean 'rate'\\?\\)"):
        calibrator_from_json({**saved, "rated": 0.1})


def test_a_saved_calibrator_reads_back():
    saved = PlattCalibrator().fit(SCORES, LABELS).to_json()
    again = calibrator_from_json(saved)
    assert again.predict(SCORES) == pytest.approx(PlattCalibrator().fit(SCORES, LABELS)
                                                  .predict(SCORES))


def reference_temperature(logits: np.ndarray, labels: np.ndarray) -> float:
    """The temperature minimising the log loss of sigma(z / T), by a grid over log T then
    golden-section refinement (written here, independently of scipy's bounded search)."""
    def loss(log_t: float) -> float:
        z = logits / np.exp(log_t)
        return float(np.mean(np.logaddexp(0, z) - labels * z))

    grid = np.linspace(-5, 5, 2001)
    best = grid[np.argmin([loss(g) for g in grid])]
    low, high = best - 0.01, best + 0.01
    for _ in range(100):
        a, b = low + 0.382 * (high - low), low + 0.618 * (high - low)
        low, high = (low, b) if loss(a) < loss(b) else (a, high)
    return float(np.exp((low + high) / 2))


@pytest.mark.parametrize("scale", [1.0, 1e300, 1e-300])
def test_temperature_scaling_follows_the_logits_scale(scale):
    from recstack.pipeline.calibration import TemperatureCalibrator

    logits = (SCORES - 0.5) * 8  # a temperature inside (e^-5, e^5) on this scale
    expected = reference_temperature(logits, LABELS)
    # at 1e300 the search (T up to e^10) never reached the logits' scale: every
    # probability was 1 or 0; at 1e-300 every probability was 0.5
    fitted = TemperatureCalibrator().fit(logits * scale, LABELS)
    assert fitted.temperature_ / scale == pytest.approx(expected, rel=1e-4)


@pytest.mark.parametrize("logits", [-(SCORES - 0.5) * 8, np.full(10, 3.0)])
def test_logits_that_do_not_rise_with_the_outcome_are_warned_of_by_temperature(logits):
    from recstack.pipeline.calibration import TemperatureCalibrator

    # the search ran to its bound: 0.5 for every logit, silently
    with pytest.warns(RuntimeWarning, match="temperature: the log loss keeps falling as the "
                      "temperature grows .*logits do not rise with the outcome"):
        TemperatureCalibrator().fit(logits, LABELS)


def test_logits_that_rise_with_the_outcome_fit_without_a_warning():
    from recstack.pipeline.calibration import TemperatureCalibrator

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        TemperatureCalibrator().fit((SCORES - 0.5) * 8, LABELS)


def test_logits_all_zero_are_refused_by_temperature():
    from recstack.pipeline.calibration import TemperatureCalibrator

    with pytest.raises(CalibrationError, match="every logit is 0"):
        TemperatureCalibrator().fit(np.zeros(10), LABELS)


def test_a_histogram_option_changed_after_fit_is_refused(tmp_path):
    from recstack.pipeline.calibration import HistogramCalibrator

    calibrator = HistogramCalibrator(n_bins=5).fit(SCORES, LABELS)
    calibrator.n_bins = 10
    # saved beside the 5 bins of fit: a file load_calibrator refused as damaged
    with pytest.raises(CalibrationError, match="histogram: n_bins=5 at fit, now 10.*call "
                       "fit\\(\\) again"):
        calibrator.save(tmp_path / "histogram.json")
    assert not (tmp_path / "histogram.json").exists()
    with pytest.raises(CalibrationError, match="n_bins=5 at fit, now 10"):
        calibrator.predict(SCORES)


def test_a_downsampling_rate_set_after_fit_is_checked_and_used():
    correction = DownsamplingCorrection(rate=0.5).fit()
    correction.rate = 5  # passed unchecked: q = p / (p + (1 - p) / 5) raised every p
    with pytest.raises(CalibrationError, match="rate .* must be in \\(0, 1\\], got 5"):
        correction.predict([0.5])
    correction.rate = 0.25  # read at predict: q = 0.5 / (0.5 + 0.5 / 0.25) = 0.2
    assert correction.predict([0.5]).tolist() == pytest.approx([0.2])

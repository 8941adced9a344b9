"""Hundred-sixty-fourth bad-input probe: :class:`CalibratedScorer` checked its scorer's
outputs with checks of its own, a copy of the calibrators' that had drifted from them. A
scorer returning true/false decisions (``lambda x: model.score(x) > 0.5``) was calibrated
without a word, where the calibrator alone refuses them, and 2-D or single-number outputs
at fit were refused as the calibrator's ``scores`` ("platt: scores must be a 1-D array"),
an argument the user of the wrapper never gave. The wrapper now runs the calibrator's one
check, its messages naming the wrapper's call and what the scorer made of the input."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.pipeline.calibration import (
    CalibratedScorer,
    CalibrationError,
    DownsamplingCorrection,
    IsotonicCalibrator,
    PlattCalibrator,
)

HELD = np.array([0.1, 0.2, 0.3, 0.4, 0.8])
LABELS = np.array([0, 1, 0, 1, 1])
CALIBRATORS = [PlattCalibrator, IsotonicCalibrator, lambda: DownsamplingCorrection(rate=0.5)]


def identity(inputs):
    return np.asarray(inputs)


@pytest.mark.parametrize("make", CALIBRATORS)
def test_true_false_outputs_are_refused_at_fit_and_predict(make):
    decide = CalibratedScorer(lambda x: np.asarray(x) > 0.25, make())
    with pytest.raises(CalibrationError, match=r"^CalibratedScorer\.fit: the scorer's outputs "
                       r"for held_out must be numbers, got true/false values; pass the "
                       r"scorer's scores, not its decisions"):
        decide.fit(HELD, LABELS)
    fitted = CalibratedScorer(identity, make()).fit(HELD, LABELS)
    with pytest.raises(CalibrationError, match=r"^CalibratedScorer\.predict: the scorer's "
                       r"outputs for inputs must be numbers, got true/false values"):
        fitted.predict(np.array([True, False]))


@pytest.mark.parametrize(("outputs", "shape"), [(lambda x: np.c_[x, x], r"\(5, 2\)"),
                                                (lambda x: 0.3, r"\(\)")])
def test_outputs_of_another_shape_at_fit_name_the_wrapper(outputs, shape):
    with pytest.raises(CalibrationError, match=r"^CalibratedScorer\.fit: the scorer's outputs "
                       r"for held_out must be a 1-D array \(one score per label\), got shape "
                       + shape):
        CalibratedScorer(outputs, PlattCalibrator()).fit(HELD, LABELS)


def test_no_outputs_at_fit_is_named_empty():
    with pytest.raises(CalibrationError, match=r"^CalibratedScorer\.fit: the scorer's outputs "
                       r"for held_out is empty; calibration needs data$"):
        CalibratedScorer(lambda x: np.array([]), PlattCalibrator()).fit(HELD, LABELS)


def test_good_outputs_keep_their_shape_and_match_the_calibrator_alone():
    wrapped = CalibratedScorer(identity, DownsamplingCorrection(rate=0.5)).fit(HELD, LABELS)
    # q = p / (p + (1 - p) / w): 0.5 at w = 0.5 is 0.5 / (0.5 + 1) = 1/3, 0.2 is 1/9
    got = wrapped.predict(np.array([[0.5, 0.2]]))
    assert got.shape == (1, 2)
    np.testing.assert_allclose(got, [[1 / 3, 1 / 9]])
    platt = CalibratedScorer(identity, PlattCalibrator()).fit(HELD, LABELS)
    np.testing.assert_array_equal(platt.predict([0.15, 0.5]),
                                  PlattCalibrator().fit(HELD, LABELS).predict([0.15, 0.5]))
    assert platt.predict(np.array([])).shape == (0,)

"""Hundred-thirty-sixth bad-input probe: a calibrated scorer names its own arguments.

:class:`CalibratedScorer` passes the scorer's outputs to its calibrator, whose errors named
them ``scores`` ("platt: scores must be finite; position 1 holds nan", "labels has 2
entries, scores 3"), an argument the user of the scorer never gave. Its errors now name
its own call and what the scorer made of ``held_out`` (or of ``inputs``)."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.pipeline.calibration import (
    CalibratedScorer,
    CalibrationError,
    DownsamplingCorrection,
    PlattCalibrator,
)


def scorer(inputs):
    return np.asarray(inputs, dtype=np.float64)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_a_score_that_is_no_number_is_named_in_the_scorer_s_outputs(bad):
    with pytest.raises(CalibrationError, match=r"^CalibratedScorer\.fit: the scorer's outputs "
                       rf"for held_out must be finite; position 1 holds {bad!r}"):
        CalibratedScorer(scorer, PlattCalibrator()).fit([0.1, bad, 0.3], [0, 1, 1])
    fitted = CalibratedScorer(scorer, PlattCalibrator()).fit([0.1, 0.2, 0.3, 0.4],
                                                             [0, 1, 0, 1])
    with pytest.raises(CalibrationError, match=r"^CalibratedScorer\.predict: the scorer's "
                       rf"outputs for inputs must be finite; position 2 holds {bad!r}"):
        fitted.predict([0.1, 0.2, bad])


def test_labels_of_another_length_are_compared_with_the_scorer_s_outputs():
    with pytest.raises(CalibrationError, match=r"^CalibratedScorer\.fit: labels has 2 "
                       "entries, the scorer's outputs for held_out 3"):
        CalibratedScorer(scorer, PlattCalibrator()).fit([0.1, 0.2, 0.3], [0, 1])


def test_a_probability_calibrator_over_raw_scores_names_the_scorer():
    with pytest.raises(CalibrationError, match=r"^CalibratedScorer\.fit: the downsampling "
                       r"calibrator takes probabilities, but the scorer's outputs for "
                       r"held_out are not all in \[0, 1\]; position 1 holds 2\.0"):
        CalibratedScorer(scorer, DownsamplingCorrection(rate=0.5)).fit([0.1, 2.0], [0, 1])


def test_good_outputs_are_calibrated_as_the_calibrator_alone_does():
    held, labels = [0.1, 0.2, 0.3, 0.4, 0.8], [0, 1, 0, 1, 1]
    wrapped = CalibratedScorer(scorer, PlattCalibrator()).fit(held, labels)
    alone = PlattCalibrator().fit(held, labels)
    np.testing.assert_array_equal(wrapped.predict([[0.15, 0.5]]), alone.predict([[0.15, 0.5]]))

"""Platt scaling of scores that separate the outcomes: the likelihood has no maximum (it
rises as the slope grows), so the solver stopped at a slope and intercept of its own
choosing (206 and -0.05 for the symmetric scores -1, -0.1, 0.1, 1), and every probability
was 0 or 1 but near the step, without a word; the temperature calibrator warns of the same.
It now warns, naming the gap between the classes. (The warning is of the fit on the 0/1
labels, targets="labels"; Platt's smoothed targets, the default, keep the slope finite.)"""

from __future__ import annotations

import re
import warnings

import numpy as np
import pytest

from recstack.pipeline.calibration import CalibratedScorer, PlattCalibrator


def test_scores_rising_with_the_outcome_and_separating_it_warn():
    with pytest.warns(RuntimeWarning, match=re.escape(
            "platt: the scores separate the outcomes (every positive's score is above every "
            "negative's: positives from 0.1, negatives up to -0.1), so the likelihood keeps "
            "rising as the slope grows")) as caught:
        PlattCalibrator(targets="labels").fit([-1.0, -0.1, 0.1, 1.0], [0, 0, 1, 1])
    assert "Calibrate on more held-out data" in str(caught[0].message)


def test_scores_falling_with_the_outcome_and_separating_it_warn():
    with pytest.warns(RuntimeWarning, match=re.escape(
            "(every positive's score is below every negative's: positives up to 2, negatives "
            "from 3; the scores fall as the outcome rises)")):
        PlattCalibrator(targets="labels").fit([1.0, 2.0, 3.0, 4.0], [1, 1, 0, 0])


def test_a_scorer_around_platt_warns_too():
    scorer = CalibratedScorer(lambda rows: np.asarray(rows, dtype=float),
                              PlattCalibrator(targets="labels"))
    with pytest.warns(RuntimeWarning, match="platt: the scores separate the outcomes"):
        scorer.fit([0.1, 0.2, 0.7, 0.9], [0, 0, 1, 1])


@pytest.mark.parametrize(("scores", "labels"), [
    ([-1.0, -0.5, 0.5, 1.0], [0, 1, 0, 1]),  # classes interleaved
    ([0.0, 0.5, 0.5, 1.0], [0, 1, 0, 1]),    # a tie across the classes: a maximum exists
])
def test_overlapping_classes_fit_quietly(scores, labels):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        calibrator = PlattCalibrator().fit(scores, labels)
    assert np.isfinite(calibrator.slope_)


def test_symmetric_overlapping_scores_give_a_half_at_zero():
    # scores and labels symmetric under s -> -s, y -> 1 - y: the maximum-likelihood
    # intercept is 0, so the probability at a score of 0 is exactly 1/2
    calibrator = PlattCalibrator().fit([-1.0, -0.5, 0.5, 1.0], [0, 1, 0, 1])
    assert calibrator.predict([0.0]) == pytest.approx([0.5], abs=1e-7)

"""Hundred-seventy-first bad-input probe: one true/false value among numbers.

An array of true/false values only is refused where numbers belong (propensities, reward
predictions, probabilities, calibrators' scores, positions, counts): a mask or labels given
in the wrong place. One true/false among numbers (an object array, a table with a
true/false column) passed that check and was read as 1 or 0, silently. It is now refused
naming its row (or position) and the value.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from recstack.pipeline.bandit_checks import BanditInputError
from recstack.pipeline.calibration import CalibrationError, PlattCalibrator, activity_buckets
from recstack.pipeline.imbalance import correct_probability
from recstack.pipeline.off_policy import direct_method, doubly_robust, ips, snips
from recstack.pipeline.position_bias import estimate_propensities, ipw_sample_weights

REWARDS = np.array([1.0, 0.0, 1.0, 0.0])
ACTIONS = np.array([0, 1, 0, 1])
TARGET = np.array([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0], [0.0, 1.0]])
MIXED_PROPENSITIES = np.array([0.5, True, 0.5, 0.5], dtype=object)


@pytest.mark.parametrize("estimator", [ips, snips])
def test_a_propensity_of_true_is_refused(estimator):
    with pytest.raises(BanditInputError, match=f"^{estimator.__name__}: propensities must be "
                                               "numbers, got the true/false value True at "
                                               "row 1; pass the logging policy's probability"):
        estimator(REWARDS, ACTIONS, MIXED_PROPENSITIES, TARGET)


def test_a_reward_prediction_of_true_is_refused_at_its_position():
    # a table whose second column is true/false: numpy makes it an object array
    model = pd.DataFrame({"a": [0.2, 0.4, 0.1, 0.3], "b": [False, True, True, False]})
    with pytest.raises(BanditInputError, match=r"^direct_method: reward_model must be numbers, "
                                               r"got the true/false value False at position "
                                               r"\[0, 1\]"):
        direct_method(TARGET, model)
    with pytest.raises(BanditInputError, match=r"^doubly_robust: reward_model must be numbers"):
        doubly_robust(REWARDS, ACTIONS, np.full(4, 0.5), TARGET, model)


def test_numbers_without_true_false_still_estimate():
    # IPS by hand: weights 1/0.5 = 2 on rounds 0 and 3 (the target takes the logged action
    # there), 0 elsewhere: (2 * 1 + 0 + 0 + 2 * 0) / 4 = 0.5
    estimate = ips(REWARDS, ACTIONS, np.array([0.5, 0.5, 0.5, 0.5], dtype=object), TARGET)
    assert estimate.value == pytest.approx(0.5)


def test_a_probability_or_score_of_true_is_refused():
    with pytest.raises(BanditInputError, match="^correct_probability: p must be numbers, got "
                                               "the true/false value True at row 1"):
        correct_probability(np.array([0.5, True], dtype=object), 0.5)
    with pytest.raises(CalibrationError, match="^platt: scores must be numbers, got the "
                                               "true/false value True at row 1"):
        PlattCalibrator().fit(np.array([0.1, True, 0.3, 0.9], dtype=object),
                              np.array([0, 1, 0, 1]))
    with pytest.raises(CalibrationError, match="^activity_buckets: counts must be whole "
                                               "numbers >= 0 .* got the true/false value "
                                               "False at row 2"):
        activity_buckets(np.array([1, 7, False], dtype=object))


def test_a_position_or_propensity_of_true_among_numbers_is_refused():
    clicks = np.array([1, 1, 0, 0])
    with pytest.raises(BanditInputError, match="^estimate_propensities: positions must be "
                                               "whole numbers >= 1, got the true/false value "
                                               "True at row 1"):
        estimate_propensities(np.array([1, True, 2, 3], dtype=object), clicks)
    with pytest.raises(BanditInputError, match="^ipw_sample_weights: propensities must be "
                                               "numbers, got the true/false value True at "
                                               "row 0"):
        ipw_sample_weights(np.array([1, 2]), np.array([1, 0]),
                           np.array([True, 0.5], dtype=object))
    # positions as an object array of whole numbers: by hand, with smoothing 1 and the
    # overall rate 2/4 = 0.5, CTR at 1 = (2 + 0.5) / 3 and at 2 = (0 + 0.5) / 3
    theta = estimate_propensities(np.array([1, 1, 2, 2], dtype=object), clicks[[0, 1, 2, 3]])
    np.testing.assert_allclose(theta, [1.0, (0.5 / 3) / (2.5 / 3)])

"""Integers too large for float64 given to the calibrators, the Bayesian logistic
regression, the bandits, the off-policy estimators and the imbalance helpers, or written
into a saved calibrator: each is refused naming the argument (or the field) and the
position, never a bare OverflowError or TypeError."""

from __future__ import annotations

import json

import numpy as np
import pytest

from recstack.errors import ConfigError
from recstack.pipeline.bandit_checks import BanditInputError, check_number
from recstack.pipeline.bandits import UCB1
from recstack.pipeline.bayesian import BayesianLogisticRegression
from recstack.pipeline.calibration import (
    CalibrationError,
    HistogramCalibrator,
    PlattCalibrator,
    load_calibrator,
)
from recstack.pipeline.imbalance import correct_probability
from recstack.pipeline.off_policy import ips

HUGE = 10**400  # 401 digits: past float64's largest value, about 1.8e308


def test_the_calibrators_name_a_huge_score_by_position():
    with pytest.raises(CalibrationError, match="platt: scores holds a 401-digit integer at "
                                               "position 2, too large for a float64"):
        PlattCalibrator().fit([0.0, 1.0, HUGE, 3.0], [0, 1, 0, 1])


def test_the_bandit_checks_name_a_huge_value_by_argument_and_position():
    X = [[0.0, 1.0], [1.0, HUGE], [2.0, 0.0]]
    with pytest.raises(BanditInputError, match=r"BayesianLogisticRegression: X holds a "
                                               r"401-digit integer at position \(1, 1\)"):
        BayesianLogisticRegression().fit(X, [0, 1, 0])
    with pytest.raises(BanditInputError, match=r"ucb1.update: rewards holds a 401-digit "
                                               r"integer at position \(0, 1\)"):
        UCB1(n_items=3).update([0], [[0, 1]], [[0, HUGE]])
    with pytest.raises(BanditInputError, match="ips: rewards holds a 401-digit integer at "
                                               "position 0"):
        ips([HUGE, 1.0], [0, 1], [0.5, 0.5], np.full((2, 2), 0.5))


def test_a_huge_setting_is_refused_as_out_of_range():
    with pytest.raises(ConfigError, match="ips: confidence must be a number in"):
        ips([1.0, 0.0], [0, 1], [0.5, 0.5], np.full((2, 2), 0.5), confidence=HUGE)
    with pytest.raises(ConfigError, match=r"rate \(the factor .*\) must be a finite number > 0"):
        correct_probability(np.array([0.2]), HUGE)
    with pytest.raises(BanditInputError, match="width must be a finite number"):
        check_number("here", "width", HUGE, low=0.0)


def _saved(tmp_path, calibrator, **fields):
    path = calibrator.save(tmp_path / "calibrator.json", overwrite=True)
    text = path.read_text()
    data = json.loads(text)
    data.update(fields)
    # json writes a Python int of any length; "HUGE" marks where it goes
    path.write_text(json.dumps(data).replace('"HUGE"', str(HUGE)))
    return path


def test_a_saved_calibrator_holding_a_huge_number_names_the_field(tmp_path):
    platt = PlattCalibrator().fit([0.0, 1.0, 2.0, 3.0], [0, 1, 0, 1])
    with pytest.raises(CalibrationError, match=r"damaged platt calibrator \(slope: a 401-digit "
                                               r"integer is not a finite number\)"):
        load_calibrator(_saved(tmp_path, platt, slope="HUGE"))
    histogram = HistogramCalibrator(n_bins=3).fit(np.arange(10.0), np.arange(10) % 2)
    with pytest.raises(CalibrationError, match=r"damaged histogram calibrator \(edges holds a "
                                               r"401-digit integer at position 1"):
        load_calibrator(_saved(tmp_path, histogram, edges=[1, "HUGE"]))

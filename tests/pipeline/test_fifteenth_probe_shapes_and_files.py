"""Arguments of the wrong shape given to the bandits, the off-policy estimators and the
calibrators, and saved calibrators with a field missing or written twice: each is refused
by name, never numpy's "inhomogeneous shape" or "truth value is ambiguous", a TypeError
from len(), or a silent choice between two values."""

from __future__ import annotations

import json

import numpy as np
import pytest

from recstack.errors import ConfigError
from recstack.pipeline.bandit_checks import BanditInputError
from recstack.pipeline.bandits import UCB1
from recstack.pipeline.calibration import (
    CalibrationError,
    HistogramCalibrator,
    PlattCalibrator,
    activity_buckets,
    calibrator_from_json,
    load_calibrator,
)
from recstack.pipeline.off_policy import ips, snips

REWARDS = [1.0, 0.0, 1.0]
PROPENSITIES = [0.5, 0.5, 0.5]
TARGET = np.full((3, 2), 0.5)


@pytest.mark.parametrize("actions, message", [
    (None, r"snips: actions must be a 1-D array of action indices, got None; give a list "
           r"or 1-D array of action indices, such as \[0, 2\]"),
    ([[0, 1], [1]], r"snips: actions must be an array of action indices, got nested lists "
                    r"of different lengths \(actions\[0\] holds 2 entries and actions\[1\] 1 "
                    r"entry\); pad the short rows"),
])
def test_logged_actions_of_the_wrong_shape_are_named(actions, message):
    with pytest.raises(BanditInputError, match=message):
        snips(REWARDS, actions, PROPENSITIES, TARGET)


def test_an_interval_given_as_an_array_is_refused_by_name():
    with pytest.raises(ConfigError, match="ips: interval must be 'normal' or 'bootstrap'"):
        ips(REWARDS, [0, 1, 0], PROPENSITIES, TARGET, interval=np.array(["normal"] * 2))


def test_users_and_masks_of_ragged_lists_are_named():
    policy = UCB1(n_items=3)
    with pytest.raises(BanditInputError, match="ucb1.select: users must be a 1-D array"):
        policy.select([[0, 1], [2]], 1)
    with pytest.raises(BanditInputError, match="ucb1.update: users must be a 1-D array"):
        policy.update([[0, 1], [2]], [[0], [1]], [[1.0], [0.0]])
    with pytest.raises(BanditInputError, match=r"ucb1.select: available must be a boolean "
                                               r"mask of shape \(3,\), got nested lists"):
        policy.select([0], 1, available=[[True], [False, True]])


def test_a_histogram_strategy_given_as_an_array_is_refused_by_name():
    with pytest.raises(CalibrationError, match="histogram: strategy must be 'quantile' or "
                                               "'uniform'"):
        HistogramCalibrator(strategy=np.array(["quantile", "uniform"])).fit(
            np.arange(4.0), [0, 1, 0, 1])


def test_activity_buckets_of_one_number_are_refused_by_shape():
    with pytest.raises(CalibrationError, match=r"activity_buckets: counts must be a 1-D "
                                               r"array, one count per prediction, got shape "
                                               r"\(\)"):
        activity_buckets(5)
    # 0-4, 5-19, 20-99, >= 100
    assert list(activity_buckets([4, 5, 100])) == ["<5", "5-19", ">=100"]


def test_a_saved_calibrator_without_a_field_names_it():
    platt = PlattCalibrator().fit([0.0, 1.0, 2.0, 3.0], [0, 1, 0, 1]).to_json()
    del platt["slope"]
    # the KeyError's own text said only "('slope')"
    with pytest.raises(CalibrationError, match=r"damaged platt calibrator \(missing field "
                                               r"'slope'\)"):
        calibrator_from_json(platt)
    histogram = HistogramCalibrator(n_bins=3).fit(np.arange(10.0), np.arange(10) % 2)
    data = histogram.to_json()
    del data["n_bins"]
    with pytest.raises(CalibrationError, match="missing field 'n_bins'"):
        calibrator_from_json(data)


def test_a_wrong_field_value_is_named_with_its_field():
    data = PlattCalibrator().fit([0.0, 1.0, 2.0, 3.0], [0, 1, 0, 1]).to_json()
    data["intercept"] = "0.5"
    with pytest.raises(CalibrationError, match=r"intercept: '0.5' is not a number"):
        calibrator_from_json(data)


def test_a_field_written_twice_in_a_saved_calibrator_is_refused(tmp_path):
    path = PlattCalibrator().fit([0.0, 1.0, 2.0, 3.0], [0, 1, 0, 1]).save(tmp_path / "c.json")
    data = json.loads(path.read_text())
    # a hand edit appended beside the saved value: json kept the last one silently
    text = json.dumps(data)[:-1] + ', "slope": 5.0}'
    path.write_text(text)
    with pytest.raises(CalibrationError, match=r"c.json: the key 'slope' is given twice in one "
                                               r"object; give it once"):
        load_calibrator(path)
    path.write_text(json.dumps(data))
    assert load_calibrator(path).slope_ == data["slope"]

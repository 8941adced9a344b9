"""Round ten: labels below 0 in the imbalance tools (read as negatives, silently), true/false
values where a probability goes (propensities, the probability to correct), and a Platt
slope that sends the logit past float64. Expected values from the definitions."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pytest

from recstack.errors import RecstackError
from recstack.pipeline.calibration import PlattCalibrator, load_calibrator
from recstack.pipeline.candidates import Candidates
from recstack.pipeline.imbalance import class_weights, correct_probability, downsample_negatives
from recstack.pipeline.off_policy import deterministic_target, estimate_all, ips, snips
from recstack.pipeline.training_data import sample_negatives

CANDIDATES = Candidates(users=np.array([0, 0, 0, 0]), items=np.array([0, 1, 2, 3]),
                        scores=np.zeros((4, 1), np.float32),
                        ranks=np.array([[1], [2], [3], [4]], np.float32), sources=("a",),
                        n_per_source=4)


@pytest.mark.parametrize(("call", "where"), [
    (lambda labels: downsample_negatives(labels, 0.5), "downsample_negatives"),
    (lambda labels: class_weights(labels), "class_weights"),
    (lambda labels: sample_negatives(labels, CANDIDATES, "uniform", 0.5), "sample_negatives"),
    (lambda labels: sample_negatives(labels, CANDIDATES, "hard", 0.5), "sample_negatives"),
])
def test_labels_below_zero_are_refused_naming_the_row(call, where):
    # a -1/+1 labelling: -1 was read as a negative, silently
    with pytest.raises(RecstackError) as raised:
        call(np.array([1.0, -1.0, 0.0, 1.0]))
    assert str(raised.value) == (f"{where}: labels must be >= 0 (1 or a grade > 0 for a "
                                 "positive, 0 for a negative), row 1 is -1.0; map -1/+1 "
                                 "labels to 0/1 first")
    with pytest.raises(ValueError):  # BanditInputError is a ValueError
        call(np.array([1.0, -1.0, 0.0, 1.0]))


def test_grades_are_positives_as_the_rankers_read_them():
    # labels 2, 0, 0, 3: two positives of four, w_c = N / (2 N_c) = 4 / 4 = 1 for both
    np.testing.assert_array_equal(class_weights(np.array([2, 0, 0, 3])), [1, 1, 1, 1])
    # labels 2, 0, 0, 0: w_1 = 4 / 2 = 2, w_0 = 4 / 6
    np.testing.assert_allclose(class_weights(np.array([2.0, 0, 0, 0])),
                               [2.0, 4 / 6, 4 / 6, 4 / 6], rtol=1e-6)
    # every positive kept whatever the draw
    kept = downsample_negatives(np.array([2, 0, 0, 0, 3]), 1e-9, seed=0)
    assert kept.tolist() == [0, 4]
    # true/false labels are outcomes, read as 1/0
    np.testing.assert_allclose(class_weights(np.array([True, False, False, False])),
                               [2.0, 4 / 6, 4 / 6, 4 / 6], rtol=1e-6)


def test_correct_probability_refuses_true_false():
    with pytest.raises(RecstackError, match="correct_probability: p must be numbers, got "
                                            "true/false values; pass the model's "
                                            "probabilities"):
        correct_probability(np.array([True, False]), 0.5)
    # q = p / (p + (1 - p) / r): p = 0.5, r = 0.25 -> 0.5 / (0.5 + 2) = 0.2
    assert correct_probability(np.array([0.5]), 0.25).tolist() == pytest.approx([0.2])


ACTIONS = np.array([0, 1, 2, 1])
REWARDS = np.array([1.0, 0.0, 1.0, 0.0])
TARGET = deterministic_target(np.array([0, 1, 1, 1]), 3)


@pytest.mark.parametrize("estimator", [ips, snips])
def test_true_false_propensities_are_refused(estimator):
    # a mask of the rounds in place of the logging probabilities read as propensity 1
    with pytest.raises(RecstackError, match=f"{estimator.__name__}: propensities must be "
                                            "numbers, got true/false values"):
        estimator(REWARDS, ACTIONS, np.ones(4, bool), TARGET)
    with pytest.raises(RecstackError, match="propensities must be numbers"):
        estimate_all(REWARDS, ACTIONS, np.ones(4, bool), TARGET, np.zeros((4, 3)))


def test_true_false_rewards_are_clicks():
    # IPS: mean of r * pi(a) / p: rounds 0 and 2 clicked, target gives them 1 and 0, p = .5
    clicked = ips(REWARDS.astype(bool), ACTIONS, np.full(4, 0.5), TARGET)
    assert clicked.value == pytest.approx((1 * 1 / 0.5 + 0 + 1 * 0 / 0.5 + 0) / 4)


def test_a_saved_platt_slope_past_float64_gives_the_limit_without_warnings(tmp_path):
    scores = np.linspace(-2, 2, 40)
    labels = (np.random.default_rng(0).random(40) < 1 / (1 + np.exp(-2 * scores))).astype(int)
    path = tmp_path / "platt.json"
    PlattCalibrator().fit(scores, labels).save(path)
    data = json.loads(path.read_text(encoding="utf-8"))
    data["slope"], data["intercept"] = 1e308, 0.0
    data.pop("sha256")  # edited by hand: as a file written without its checksum
    path.write_text(json.dumps(data), encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        # sigma(a s + b) with a s = +-inf: 1 and 0; at s = 0, sigma(0) = 0.5
        predicted = load_calibrator(path).predict(np.array([2.0, -2.0, 0.0]))
    assert predicted.tolist() == [1.0, 0.0, 0.5]


def test_true_false_examination_propensities_are_refused():
    from recstack.pipeline.position_bias import ipw_sample_weights

    positions, clicks = np.array([1, 2, 3, 2]), np.array([1, 0, 1, 1])
    with pytest.raises(RecstackError, match="ipw_sample_weights: propensities must be "
                                            "numbers, got true/false values"):
        ipw_sample_weights(positions, clicks, np.ones(3, bool))
    # w = 1 / max(theta_k, clip) for clicks, 1 otherwise: theta = (1, .5, .25)
    weights = ipw_sample_weights(positions, clicks, np.array([1.0, 0.5, 0.25]))
    np.testing.assert_allclose(weights, [1.0, 1.0, 4.0, 2.0])


def test_reliability_table_refuses_predicted_classes_as_probabilities():
    from recstack.pipeline.calibration import reliability_table

    labels, probabilities = np.array([0, 1, 0, 1]), np.array([0.2, 0.9, 0.4, 0.6])
    with pytest.raises(RecstackError, match="reliability_table: y_prob must be "
                                            "probabilities in .0, 1., got true/false"):
        reliability_table(labels, probabilities > 0.5)

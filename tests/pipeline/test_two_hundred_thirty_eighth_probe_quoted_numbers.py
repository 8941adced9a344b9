"""A number written in quotes (or a whole number with a point where a count belongs) given
to a setting of the ranking pipeline is refused with the spelling that is taken, as every
model's, ranker's and the Bayesian model's setting already was."""

from __future__ import annotations

import re

import numpy as np
import pytest

from recstack.errors import RecstackError
from recstack.pipeline import bandits, calibration, imbalance, off_policy, position_bias
from recstack.pipeline.bayesian import BayesianLogisticRegression
from recstack.pipeline.simulation import BanditEnvironment
from recstack.pipeline.training_data import check_sampling

QUOTED = "(a number in quotes is text: write it without them, {})"
WHOLE = "(a whole number is written in digits alone, without a point or an exponent: {})"


def _refused(call, tail: str) -> str:
    with pytest.raises(RecstackError) as caught:
        call()
    message = str(caught.value)
    assert message.endswith(tail), message
    return message


@pytest.mark.parametrize(("make", "said"), [
    (lambda: bandits.EpsilonGreedy(n_items=3, epsilon="0.1"), "epsilon = 0.1"),
    (lambda: bandits.UCB1(n_items=3, exploration="2"), "exploration = 2"),
    (lambda: bandits.BetaThompson(n_items=3, prior_alpha="1"), "prior_alpha = 1"),
    (lambda: bandits.UCB1(n_items="3"), "n_items = 3"),
    (lambda: bandits.UCB1(n_items=3, seed="7"), "seed = 7"),
])
def test_policy_settings_in_quotes(make, said):
    message = _refused(lambda: make().select([0], k=1), QUOTED.format(said))
    assert message.startswith(make().name + ": ")


def test_policy_count_with_a_point():
    _refused(lambda: bandits.UCB1(n_items=3.0).select([0], k=1), WHOLE.format("n_items = 3"))


def test_contextual_policy_setting_in_quotes():
    policy = bandits.LinUCB(n_items=3, n_features=2, alpha="1")
    _refused(lambda: policy.select([0], k=1, contexts=np.zeros((1, 3, 2))),
             QUOTED.format("alpha = 1"))


def test_policy_settings_still_refused_plainly_when_no_number():
    # text that is no number gets no hint: the message ends at the value
    with pytest.raises(RecstackError, match=r"epsilon must be int or float, got 'lots'$"):
        bandits.EpsilonGreedy(n_items=3, epsilon="lots").select([0], k=1)


def test_select_k_in_quotes():
    _refused(lambda: bandits.EpsilonGreedy(n_items=3).select([0], k="2"), QUOTED.format("k = 2"))


@pytest.mark.parametrize(("call", "said"), [
    (lambda: imbalance.downsample_negatives(np.array([1, 0, 0]), "0.5"), "rate = 0.5"),
    (lambda: imbalance.downsample_negatives(np.array([1, 0, 0]), 0.5, seed="3"), "seed = 3"),
    (lambda: imbalance.correct_probability([0.5], "0.5"), "rate = 0.5"),
    (lambda: off_policy.deterministic_target(np.array([0, 1]), "2"), "n_actions = 2"),
    (lambda: position_bias.estimate_propensities(np.array([1, 2]), np.array([1, 0]),
                                                 smoothing="1"), "smoothing = 1"),
    (lambda: BanditEnvironment(base_ctr="0.1"), "base_ctr = 0.1"),
    (lambda: BanditEnvironment(n_items=8).run(bandits.EpsilonGreedy(n_items=8),
                                              n_rounds="2"), "n_rounds = 2"),
    (lambda: check_sampling("uniform", "0.5", "make_training_data",
                            ("negatives", "negative_rate")), "negative_rate = 0.5"),
])
def test_pipeline_numbers_in_quotes(call, said):
    _refused(call, QUOTED.format(said))


def test_downsampling_seed_with_a_point():
    _refused(lambda: imbalance.downsample_negatives(np.array([1, 0, 0]), 0.5, seed=3.0),
             WHOLE.format("seed = 3"))


@pytest.mark.parametrize(("option", "said"), [
    ({"confidence": "0.95"}, "confidence = 0.95"),
    ({"interval": "bootstrap", "n_bootstrap": "200"}, "n_bootstrap = 200"),
    ({"seed": "2"}, "seed = 2"),
])
def test_off_policy_interval_options_in_quotes(option, said):
    rewards, actions = np.array([1.0, 0.0, 1.0]), np.array([0, 1, 0])
    target = off_policy.deterministic_target(np.array([0, 0, 1]), 2)
    message = _refused(lambda: off_policy.ips(rewards, actions, np.full(3, 0.5), target,
                                              **option), QUOTED.format(said))
    assert message.startswith("ips: ")


def test_off_policy_percentage_hint_kept():
    # a percentage keeps its own hint (not the spelling one)
    target = off_policy.deterministic_target(np.array([0, 0, 1]), 2)
    with pytest.raises(RecstackError, match=re.escape("(a level, not a percentage: 0.95 "
                                                      "for 95%)")):
        off_policy.ips(np.ones(3), np.array([0, 1, 0]), np.full(3, 0.5), target,
                       confidence=95)


@pytest.mark.parametrize(("make", "said"), [
    (lambda: calibration.HistogramCalibrator(n_bins="3"), "n_bins = 3"),
    (lambda: calibration.DownsamplingCorrection(rate="0.1"), "rate = 0.1"),
])
def test_calibrator_options_in_quotes(make, said):
    _refused(lambda: make().fit([0.1, 0.4, 0.35, 0.8], [0, 1, 0, 1]), QUOTED.format(said))


def test_calibrator_count_with_a_point():
    _refused(lambda: calibration.HistogramCalibrator(n_bins=3.0).fit([0.1, 0.8], [0, 1]),
             WHOLE.format("n_bins = 3"))


def test_activity_bucket_edge_in_quotes():
    _refused(lambda: calibration.activity_buckets([1, 5, 30], edges=("5", 20)),
             QUOTED.format("edges[0] = 5"))


def test_bayesian_class_weight_and_draws_in_quotes():
    X, y = np.eye(2), [0, 1]
    _refused(lambda: BayesianLogisticRegression(class_weight="2").fit(X, y),
             QUOTED.format("class_weight = 2"))
    # a misspelt word still gets its suggestion
    with pytest.raises(RecstackError, match="did you mean 'balanced'"):
        BayesianLogisticRegression(class_weight="balancd").fit(X, y)
    model = BayesianLogisticRegression().fit(X, y)
    _refused(lambda: model.sample_weights("3"), QUOTED.format("n_draws = 3"))


def test_the_numbers_themselves_still_work():
    # the spelling the hints name is taken, and gives what the hand computation says:
    # q = p / (p + (1 - p) / w) with p = 0.5, w = 0.5 is 1/3
    corrected = calibration.DownsamplingCorrection(rate=0.5).fit().predict([0.5])
    assert corrected == pytest.approx([1 / 3])
    assert bandits.EpsilonGreedy(n_items=3, epsilon=0.0, seed=0).select([0], k=3).shape == (1, 3)


@pytest.mark.parametrize(("option", "said"), [
    ({"n": "5"}, "n = 5"),
    ({"n": 5, "batch_size": "2"}, "batch_size = 2"),
])
def test_candidate_counts_in_quotes(option, said):
    from recstack.pipeline.candidates import generate_candidates

    message = _refused(lambda: generate_candidates([], np.array([0]), **option),
                       QUOTED.format(said))
    assert message.startswith("candidates: ")


@pytest.mark.parametrize(("option", "tail"), [
    ({"n_candidates": "50"}, QUOTED.format("n_candidates = 50")),
    ({"n_candidates": 50.0}, WHOLE.format("n_candidates = 50")),
    ({"n_candidates": 50, "seed": "1"}, QUOTED.format("seed = 1")),
    ({"n_candidates": 50, "negatives": "uniform", "negative_rate": "0.5"},
     QUOTED.format("negative_rate = 0.5")),
])
def test_training_data_options_in_quotes(option, tail):
    from recstack.data.synthetic import generate
    from recstack.pipeline.features import FeatureBuilder
    from recstack.pipeline.training_data import make_training_data

    data = generate(n_users=30, n_items=20, n_interactions=250, seed=0)
    message = _refused(lambda: make_training_data(data, data, lambda: [], FeatureBuilder(),
                                                  cutoff=0, **option), tail)
    assert message.startswith("training data: ") or message.startswith("make_training_data")

"""Fifth bad-input probe of the pipeline's numbers: numpy scalars where a hyperparameter
or rate is a number (they were refused as 'not int or float', or kept and then not JSON),
and a click log without position 1, whose propensities silently came out relative to
the smoothing's prior. Expected values by hand."""

from __future__ import annotations

import json

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import RecstackError
from recstack.evaluation.diagnostics import diagnose
from recstack.evaluation.results import EvaluationResult
from recstack.metrics.lists import miscalibration_kl
from recstack.pipeline.bandits import UCB1, EpsilonGreedy
from recstack.pipeline.candidates import Candidates
from recstack.pipeline.features import FeatureBuilder
from recstack.pipeline.imbalance import correct_probability, downsample_negatives
from recstack.pipeline.position_bias import estimate_propensities
from recstack.pipeline.training_data import sample_negatives


def test_bandit_policies_take_numpy_integers_and_floats():
    policy = UCB1(n_items=np.int64(3), seed=np.int64(0))
    assert type(policy.n_items) is int and policy.get_params()["n_items"] == 3
    assert policy.select([0], np.int64(3)).shape == (1, 3)
    greedy = EpsilonGreedy(n_items=3, epsilon=np.float32(0.25))
    assert type(greedy.epsilon) is float
    assert greedy.select([0, 1], 1).shape == (2, 1)


def test_rates_and_smoothing_take_numpy_numbers():
    # q = p / (p + (1 - p) / r) with p = 0.5, r = 1: 0.5
    assert correct_probability([0.5], np.int64(1)).tolist() == [0.5]
    # rate 1 keeps every row
    assert downsample_negatives([0, 1, 0], np.float32(1.0)).tolist() == [0, 1, 2]
    candidates = Candidates(users=np.array([0, 0, 0]), items=np.array([0, 1, 2]),
                            scores=np.zeros((3, 1), np.float32),
                            ranks=np.array([[1], [2], [3]], np.float32), sources=("a",),
                            n_per_source=3)
    # hard negatives at rate 0.5: ceil(0.5 * 2) = 1 negative, the best ranked (item 1)
    kept = sample_negatives(np.array([1.0, 0, 0]), candidates, "hard", np.float32(0.5))
    assert kept.tolist() == [0, 1]
    # one list [0, 1] of items with genres a, b: q = (.5, .5); target p = (1, 0);
    # alpha .5: q~ = .5 q + .5 p = (.75, .25), KL(p || q~) = 1 * ln(1 / .75) = ln(4/3)
    kl = miscalibration_kl([[0, 1]], np.eye(2), [[1.0, 0.0]], alpha=np.float32(0.5))
    assert kl[0] == pytest.approx(np.log(4 / 3))


def test_feature_options_given_as_numpy_numbers_are_stored_as_json_numbers():
    data = Interactions.from_arrays([1, 1, 2], [1, 2, 1], timestamps=[1, 2, 3])
    builder = FeatureBuilder(half_life_days=np.float32(7.0), max_levels=np.int64(20))
    builder.fit(data, ["ease"], 5)
    options = builder.get_options()
    assert type(options["half_life_days"]) is float and options["half_life_days"] == 7.0
    assert type(options["max_levels"]) is int and options["max_levels"] == 20
    json.dumps(options)


def test_diagnose_takes_numpy_thresholds():
    import pandas as pd

    result = EvaluationResult("m", pd.DataFrame({"precision@10": [0.5, 0.5],
                                                 "recall@10": [0.01, 0.01]}))
    found = diagnose(result, high_precision=np.float32(0.3), low_recall=np.float64(0.05))
    assert [d.kind for d in found] == ["ground truth"]


def test_a_log_without_position_one_is_refused():
    with pytest.raises(RecstackError, match="no impression at position 1 \\(its positions "
                       "run from 2 to 3\\)"):
        estimate_propensities([2, 3, 2, 3], [1, 0, 1, 1])
    # with position 1 present: smoothing 0, CTR_1 = 1/2, CTR_2 = 1/2 -> theta_2 = 1
    assert estimate_propensities([1, 2, 1, 2], [1, 1, 0, 0], smoothing=0).tolist() \
        == [1.0, 1.0]

"""Hundred-fifty-second probe: (1) a policy's, a ranker's position setting's and an item
predicate's refused hyperparameter is shown as the user wrote it (``10**30`` as "a 31-digit
integer", ``Decimal("1e40")`` as written), not as the float it was stored as; a Decimal set
on a policy after construction is read as the number it names (``Decimal("5")`` was refused
as "must lie within float32's range"); (2) the pipeline's functions that read a log refuse
an empty one, naming the argument (``ipw_sample_weights`` returned no weights, where
``estimate_propensities`` refuses)."""

from __future__ import annotations

import re
from decimal import Decimal

import numpy as np
import pytest

from recstack.errors import ConfigError
from recstack.pipeline.bandit_checks import BanditInputError
from recstack.pipeline.bandits import EpsilonGreedy, LinUCB
from recstack.pipeline.imbalance import class_weights, correct_probability, downsample_negatives
from recstack.pipeline.off_policy import deterministic_target
from recstack.pipeline.position_bias import ipw_sample_weights
from recstack.pipeline.rankers import create_ranker
from recstack.pipeline.rerank.filters import ItemPredicate
from recstack.pipeline.schema import Feature, FeatureFrame, FeatureSchema


# ------------------------------------------------------------------ values as written
@pytest.mark.parametrize(("options", "said"), [
    ({"n_items": 3, "epsilon": 10**30}, "epsilon must be <= 1.0, got a 31-digit integer"),
    ({"n_items": 3, "epsilon": Decimal("2")}, "epsilon must be <= 1.0, got Decimal('2')"),
    # epsilon is computed in float64: past float32's range it is refused by its own bound
    ({"n_items": 3, "epsilon": Decimal("1e40")}, "epsilon must be <= 1.0, got Decimal('1E+40')"),
    ({"n_items": Decimal("1e40")}, "n_items must fit in a 64-bit integer (at most "
                                   "9223372036854775807), got Decimal('1E+40')"),
])
def test_a_policys_refused_setting_is_shown_as_written(options, said):
    with pytest.raises(ConfigError, match="^" + re.escape(f"epsilon_greedy: {said}")):
        EpsilonGreedy(**options).reset()


def test_a_contextual_policys_setting_is_shown_as_written():
    # alpha is computed in float64: 1e40 is taken, 1e400 is past float64's range
    with pytest.raises(ConfigError, match=re.escape("alpha must lie within float64's range "
                                                    "(at most 1.8e308 in size: linucb "
                                                    "computes alpha in float64), got "
                                                    "Decimal('1E+400')")):
        LinUCB(n_items=3, n_features=2, alpha=Decimal("1e400")).reset()


def test_a_decimal_set_after_construction_is_the_number_it_names():
    policy = EpsilonGreedy(n_items=3)
    policy.epsilon = Decimal("5")
    # 5 is above epsilon's bound 1, not past float32's range
    with pytest.raises(ConfigError, match=r"^epsilon_greedy: epsilon must be <= 1\.0, got "
                                          r"Decimal\('5'\)$"):
        policy.reset()
    policy.epsilon = Decimal("0.25")
    policy.reset()
    assert policy.epsilon == 0.25 and type(policy.epsilon) is float
    policy.epsilon = np.float64(0.5)  # a numpy number: the Python number, as at construction
    assert type(policy.epsilon) is float


def test_a_value_written_earlier_is_not_shown_for_a_later_one():
    policy = EpsilonGreedy(n_items=3, epsilon=Decimal("5"))
    policy.epsilon = 7.0
    with pytest.raises(ConfigError, match=r"epsilon must be <= 1\.0, got 7\.0$"):
        policy.reset()


def test_an_item_predicates_value_is_shown_as_written():
    step = ItemPredicate(column="price", op=">", value=Decimal("1e40"))
    with pytest.raises(ConfigError, match=re.escape("value must lie within float32's range "
                                                    "(at most 3.4e38 in size: recstack "
                                                    "computes in float32), got "
                                                    "Decimal('1E+40')")):
        step.validate_params()


def test_a_fitted_rankers_serving_position_is_shown_as_written():
    schema = FeatureSchema((Feature("signal", "numeric"), Feature("position", "numeric")))
    rng = np.random.default_rng(0)
    signal = rng.random(40)
    groups = np.repeat(np.arange(8), 5)
    frame = FeatureFrame(schema, np.column_stack([signal, np.tile(np.arange(1, 6), 8)]),
                         np.zeros((40, 0), np.int64), groups, np.arange(40), groups)
    ranker = create_ranker("logistic", serving_position=1).fit(frame,
                                                                (signal > 0.5).astype(float))
    ranker.serving_position = 10**30  # may change after fit; checked as fit checks it
    with pytest.raises(ConfigError, match=r"serving_position must be <= \d+, got a "
                                          r"31-digit integer$"):
        ranker.score(frame)


# ------------------------------------------------------------------ empty logs
EMPTY = np.array([], dtype=float)


@pytest.mark.parametrize(("call", "said"), [
    (lambda: ipw_sample_weights(EMPTY, EMPTY, np.array([1.0])),
     "ipw_sample_weights: positions is empty (no rows)"),
    (lambda: ipw_sample_weights([], [], [], per="row"),
     "ipw_sample_weights: positions is empty (no rows)"),
    (lambda: downsample_negatives(EMPTY, 0.5), "downsample_negatives: labels is empty (no rows)"),
    (lambda: downsample_negatives([], 1.0), "downsample_negatives: labels is empty (no rows)"),
    (lambda: class_weights([]), "class_weights: labels is empty (no rows)"),
    (lambda: deterministic_target(np.array([], np.int64), 3),
     "deterministic_target: actions is empty (no rounds)"),
])
def test_an_empty_log_is_refused_naming_the_argument(call, said):
    with pytest.raises(BanditInputError, match="^" + re.escape(said) + "; give at least one"):
        call()


def test_one_row_is_still_read_and_a_transform_keeps_its_length():
    # the definitions: 1 / theta_1 = 1 for a click at the top; N / (2 N_c) undefined with
    # one class, so 1
    assert ipw_sample_weights([1], [1], [1.0]).tolist() == [1.0]
    assert class_weights([1]).tolist() == [1.0]
    assert downsample_negatives([1], 0.5).tolist() == [0]
    # correct_probability is an element-wise transform of a model's probabilities: one
    # value per value given, none for none
    assert correct_probability(EMPTY, 0.5).shape == (0,)


def test_an_item_predicates_in_test_without_a_list_shows_the_value_as_written():
    # 10**30 is stored as the float 1e30 (past 64 bits), and was shown as "1e+30"
    with pytest.raises(ConfigError, match=r"^item_predicate: op 'in' needs a list value, got "
                                          r"1000000000000000000000000000000$"):
        ItemPredicate(column="price", op="in", value=10**30).validate_params()

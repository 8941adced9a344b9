"""Sixth bad-input probe of the Bayesian logistic regression, the bandit policies, the
off-policy estimators and the position-bias and imbalance helpers: settings changed after
the state was built, batches that teach nothing, importance weights and estimates past
float64, clips above 1 and seeds numpy refuses. Expected values from the definitions."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.errors import ConfigError, RecstackError
from recstack.pipeline.bandit_checks import BanditInputError
from recstack.pipeline.bandits import UCB1, EpsilonGreedy, LinUCB
from recstack.pipeline.bayesian import BayesianLogisticRegression
from recstack.pipeline.imbalance import downsample_negatives
from recstack.pipeline.off_policy import direct_method, doubly_robust, ips, snips
from recstack.pipeline.position_bias import ipw_sample_weights
from recstack.pipeline.rerank import SeenFilter

RNG = np.random.default_rng(0)
X = RNG.normal(size=(60, 3))
Y = (X[:, 0] + RNG.normal(size=60) > 0).astype(np.float64)


# ---------------------------------------------------------------- Bayesian LR
@pytest.mark.parametrize(("name", "value"), [("diagonal", True), ("fit_intercept", False),
                                             ("prior_precision", 10.0),
                                             ("negative_rate", 0.5),
                                             ("class_weight", "balanced")])
def test_an_update_under_settings_changed_since_fit_is_refused(name, value):
    model = BayesianLogisticRegression().fit(X, Y)
    setattr(model, name, value)
    # diagonal: a reshape ValueError; fit_intercept: "the MAP search overflowed"; the
    # others were ignored (the first batch's prior, rate and class weights stayed)
    with pytest.raises(ConfigError, match=f"{name}=.* at fit, now {value!r}.*call fit\\(\\)"):
        model.partial_fit(X, Y)


@pytest.mark.parametrize(("name", "value"), [("diagonal", True), ("fit_intercept", False)])
def test_a_prediction_under_another_posterior_shape_is_refused(name, value):
    model = BayesianLogisticRegression().fit(X, Y)
    setattr(model, name, value)
    with pytest.raises(ConfigError, match=f"{name}=.* at fit, now {value!r}"):
        model.predict_proba(X[:2])


def test_settings_set_back_and_a_new_fit_take_effect():
    model = BayesianLogisticRegression().fit(X, Y)
    model.diagonal = True
    assert model.fit(X, Y).precision_.shape == (4,)  # a diagonal posterior: d = 3 + 1
    model.partial_fit(X, Y)
    model.forgetting = 0.5  # read at every update: may change
    assert model.partial_fit(X, Y).n_updates_ == 3


def test_an_update_whose_every_weight_is_zero_is_refused():
    model = BayesianLogisticRegression().fit(X, Y)
    before = model.coef_.copy()
    # the posterior stayed as it was without a word; fit refuses the same batch
    with pytest.raises(BanditInputError, match="sample_weight is 0 for every row of the batch "
                       "\\(60 rows\\)"):
        model.partial_fit(X, Y, sample_weight=np.zeros(60))
    assert np.array_equal(model.coef_, before)


def test_no_feature_and_no_intercept_is_refused():
    with pytest.raises(BanditInputError, match="X has no feature columns and fit_intercept is "
                       "False"):
        BayesianLogisticRegression(fit_intercept=False).fit(np.zeros((60, 0)), Y)


# ---------------------------------------------------------------- policies
def test_a_catalog_resized_after_the_first_round_is_refused():
    policy = UCB1(n_items=5)
    policy.select([0], 2)
    policy.n_items = 6
    # the counts have 5 entries: a numpy broadcast error
    with pytest.raises(ConfigError, match="ucb1: n_items=5 when the state was built, now 6.*"
                       "call reset\\(\\)"):
        policy.update([0], [[5, 1]], [[1, 0]])
    assert policy.reset().select([0], 6).shape == (1, 6)


def test_a_contextual_model_setting_changed_after_the_first_round_is_refused():
    policy = LinUCB(n_items=4, n_features=2)
    contexts = RNG.normal(size=(1, 4, 2))
    policy.select([0], 2, contexts=contexts)
    policy.prior_precision = 100.0  # the posterior's prior was built with 1.0: ignored
    with pytest.raises(ConfigError, match="prior_precision=1.0 when the state was built, now "
                       "100.0"):
        policy.select([0], 2, contexts=contexts)


def test_a_setting_changed_between_rounds_is_checked():
    policy = EpsilonGreedy(n_items=5)
    policy.select([0], 2)
    policy.epsilon = 5  # passed unchecked: every user explored
    with pytest.raises(ConfigError, match="epsilon must be <= 1.0, got 5"):
        policy.select([0], 2)
    policy.epsilon = 0.0  # a decaying epsilon is a legitimate change
    policy.update([0], [[3, 1]], [[1.0, 0.0]])
    assert policy.select([0], 1).tolist() in ([[0]], [[2]], [[4]])  # untried items first


@pytest.mark.parametrize(("items", "shown"), [
    ([[1e20]], "100000000000000000000"),
    (np.array([[2**63]], dtype=np.uint64), "9223372036854775808"),
])
def test_an_unknown_item_is_named_as_given(items, shown):
    # the cast to int64 wrapped it to -9223372036854775808 in the message
    with pytest.raises(BanditInputError, match=f"unknown item {shown} in items"):
        UCB1(n_items=5).update([0], items, [[1.0]])


def test_ragged_rerank_scores_are_refused_by_name():
    from recstack.data.interactions import Interactions
    from recstack.pipeline.rerank import RerankContext

    train = Interactions.from_arrays(["a", "b"], [1, 2])
    step = SeenFilter().fit(train)
    with pytest.raises(RecstackError, match="seen: scores must be numbers"):
        step.rerank(np.array([0, 1]), np.array([[0, 1], [1, 0]]), [[1.0, 0.5], [1.0]],
                    RerankContext(seen=train.to_csr()))


# ---------------------------------------------------------------- off-policy
REWARDS = np.array([1.0, 0.0, 1.0, 0.0])
ACTIONS = np.array([0, 1, 0, 1])
TARGET = np.array([[1.0, 0.0]] * 4)


@pytest.mark.parametrize("estimator", [ips, snips])
def test_an_importance_weight_past_float64_is_refused(estimator):
    propensities = np.array([1e-320, 0.5, 0.5, 0.5])  # 1 / 1e-320 is inf
    # the estimate was inf (ips) or NaN (snips) with a NaN interval
    with pytest.raises(BanditInputError, match="round 0's importance weight \\(target 1.0 / "
                       "propensity 1e-320\\) passes float64"):
        estimator(REWARDS, ACTIONS, propensities, TARGET)


def test_doubly_robust_refuses_the_same_weight():
    with pytest.raises(BanditInputError, match="doubly_robust: round 0's importance weight"):
        doubly_robust(REWARDS, ACTIONS, np.array([1e-320, 0.5, 0.5, 0.5]), TARGET,
                      np.zeros((4, 2)))


def test_an_estimate_past_float64_is_refused():
    # terms of 1e310 (rewards of 1e10 weighed by 1 / 1e-300) have no float64 value
    with pytest.raises(BanditInputError, match="ips: the estimate overflows float64"):
        ips(REWARDS * 1e10, ACTIONS, np.array([1e-300, 0.5, 1e-300, 0.5]), TARGET)
    # a finite estimate whose interval reaches past float64: terms (1.7e308, 0, 1.7e308, 0)
    with pytest.raises(BanditInputError, match="ips: the interval of the estimate 8.5e"
                       r"\+307 passes the float64 range"):
        ips(REWARDS * 1.7e8, ACTIONS, np.array([1e-300, 0.5, 1e-300, 0.5]), TARGET)


def test_an_estimate_whose_squares_pass_float64_is_still_estimated():
    # each term is finite (1e300) and so is their spread, but their squares are not: the
    # estimate was refused as overflowing (the interval had been (-inf, inf) before that).
    # Terms (1e300, 0, 1e300, 0): mean 5e299, sample standard deviation
    # 5e299 sqrt(4 / 3), standard error that over sqrt(4)
    estimate = ips(REWARDS, ACTIONS, np.array([1e-300, 0.5, 1e-300, 0.5]), TARGET)
    assert estimate.value == pytest.approx(5e299, rel=1e-12)
    assert estimate.std_error == pytest.approx(5e299 * np.sqrt(4 / 3) / 2, rel=1e-12)
    # every prediction 1e308: their mean is 1e308, with no spread (the sum overflowed)
    direct = direct_method(TARGET, np.full((4, 2), 1e308))
    assert (direct.value, direct.lower, direct.upper) == (1e308, 1e308, 1e308)


def test_an_ordinary_log_is_still_estimated():
    # IPS: mean of pi(a)/p * r = mean(2, 0, 2, 0) = 1
    assert ips(REWARDS, ACTIONS, np.full(4, 0.5), TARGET).value == pytest.approx(1.0)


# ---------------------------------------------------------------- position bias, imbalance
def test_a_clip_above_one_is_refused():
    # every propensity, the top's 1 too, became 2: every click weighed 0.5
    with pytest.raises(BanditInputError, match="clip must be at most 1, got 2"):
        ipw_sample_weights([1, 2], [1, 1], [1.0, 0.5], clip=2)
    assert ipw_sample_weights([1, 2], [1, 1], [1.0, 0.5], clip=1).tolist() == [1.0, 1.0]


def test_an_unclipped_weight_past_float64_is_refused():
    with pytest.raises(BanditInputError, match="row 1's weight 1 / propensity 1e-320 "
                       "\\(position 2\\) passes float64"):
        ipw_sample_weights([1, 2], [1, 1], [1.0, 1e-320], clip=None)


def test_clicked_only_must_be_true_or_false():
    # "no" is truthy: only clicked rows were reweighted, the opposite of what was asked
    with pytest.raises(BanditInputError, match="clicked_only must be True or False, got 'no'"):
        ipw_sample_weights([1, 2], [1, 0], [1.0, 0.5], clicked_only="no")


@pytest.mark.parametrize("seed", [-1, 1.5, True])
def test_downsampling_seeds_numpy_refuses_are_named(seed):
    with pytest.raises(BanditInputError, match="downsample_negatives: seed must be an integer "
                       r"from 0 to 4294967295, got"):
        downsample_negatives(np.array([0, 1, 0]), 0.5, seed=seed)


@pytest.mark.parametrize(("value", "shown"), [(np.nan, "nan"), ("3", "'3'"), (True, "True"),
                                              (0, "0")])
def test_a_serving_position_that_is_no_position_is_refused(value, shown):
    from recstack.pipeline.position_bias import with_serving_position
    from recstack.pipeline.schema import Feature, FeatureFrame, FeatureSchema

    schema = FeatureSchema((Feature("position", "numeric"),))
    frame = FeatureFrame(schema, np.array([[3.0], [5.0]]), np.zeros((2, 0)), [0, 0], [0, 1],
                         [0, 0])
    # NaN made every position missing; '3' and True were read as 3 and 1
    with pytest.raises(BanditInputError, match=f"value must be a finite number in \\[1, "
                       f"1e\\+06\\], got {shown}"):
        with_serving_position(frame, value)
    assert with_serving_position(frame, 2).numeric.ravel().tolist() == [2.0, 2.0]
    with pytest.raises(RecstackError, match="expected a FeatureFrame"):
        with_serving_position(frame.to_pandas())


def test_scores_that_overflow_are_refused_by_select():
    contexts = np.zeros((1, 4, 2))
    contexts[0, 1:] = [1e200, 1e200]  # x' x / lambda overflows: an infinite bound
    policy = LinUCB(n_items=4, n_features=2)
    # items 1..3 tied at inf and one was drawn at random
    with pytest.raises(BanditInputError, match="linucb.select: the score of user row 0, item "
                       "1 is inf \\(largest \\|context value\\| 1e\\+200\\)"):
        policy.select([0], 2, contexts=contexts)
    assert policy.select([0], 2, contexts=contexts / 1e200).shape == (1, 2)

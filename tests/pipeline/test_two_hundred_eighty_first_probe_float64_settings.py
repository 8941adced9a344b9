"""Float settings of the bandit policies and the Bayesian logistic regression: they are
computed in float64, so values past float32's range (3.4e38) are taken, and survive the
computation (no overflow to infinity, no posterior collapsed on its mean, untried items
still shown first)."""

from __future__ import annotations

import math
from decimal import Decimal

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import ConfigError, RecstackError
from recstack.pipeline.bandits import (
    UCB1,
    BetaThompson,
    ContextualThompson,
    EpsilonGreedy,
    LinUCB,
)
from recstack.pipeline.bayesian import BayesianLogisticRegression
from recstack.pipeline.rankers.linear import LogisticRanker
from recstack.pipeline.rerank import FreshnessBoost

from .saved_rankers import toy

# every float setting of these classes with no upper bound of its own; the bounded ones
# (epsilon, forgetting, negative_rate) are declared float64 too but never reach 3.4e38
UNBOUNDED = [
    (UCB1, "exploration"),
    (BetaThompson, "prior_alpha"),
    (BetaThompson, "prior_beta"),
    (ContextualThompson, "prior_precision"),
    (LinUCB, "prior_precision"),
    (LinUCB, "alpha"),
]
BAYES_UNBOUNDED = ["prior_precision", "intercept_precision", "tol"]


def _policy(cls, **params):
    if cls.contextual:
        params.setdefault("n_features", 3)
    return cls(n_items=5, **params)


def _round(policy, rng):
    """select, update with rewards of 1/2, select again; both lists returned."""
    users = np.arange(4)
    contexts = rng.standard_normal((4, 5, 3)) if policy.contextual else None
    first = policy.select(users, 2, contexts=contexts)
    shown = (np.take_along_axis(contexts, first[:, :, None], axis=1)
             if contexts is not None else None)
    policy.update(users, first, np.full((4, 2), 0.5), contexts=shown)
    return first, policy.select(users, 2, contexts=contexts)


def test_every_float_setting_of_the_policies_and_the_model_is_declared_float64():
    for cls in (EpsilonGreedy, UCB1, BetaThompson, ContextualThompson, LinUCB):
        for name, param in cls.params.items():
            if float in (param.kind if isinstance(param.kind, tuple) else (param.kind,)):
                assert param.computes_in == "float64", (cls.name, name)
    for name in (*BAYES_UNBOUNDED, "forgetting", "negative_rate"):
        assert BayesianLogisticRegression.params[name].computes_in == "float64", name


@pytest.mark.parametrize("cls,name", UNBOUNDED)
@pytest.mark.parametrize("value", [10**20, 1e39, 1e300, 10**300, Decimal("1e300"), 1.7e308])
def test_a_policy_takes_a_setting_past_float32s_range_and_runs(cls, name, value):
    policy = _policy(cls, **{name: value})
    first, second = _round(policy, np.random.default_rng(0))
    assert first.shape == second.shape == (4, 2)
    assert float(getattr(policy, name)) == float(value)


@pytest.mark.parametrize("cls,name", UNBOUNDED)
def test_a_policy_refuses_a_setting_past_float64s_range_naming_float64(cls, name):
    policy = _policy(cls, **{name: 10**400})
    with pytest.raises(ConfigError) as error:
        policy.select(np.arange(2), 1, contexts=np.zeros((2, 5, 3)) if cls.contextual
                      else None)
    assert str(error.value) == (
        f"{cls.name}: {name} must lie within float64's range (at most 1.8e308 in size: "
        f"{cls.name} computes {name} in float64), got a 401-digit integer")


@pytest.mark.parametrize("name", BAYES_UNBOUNDED)
@pytest.mark.parametrize("value", [1e39, 10**300, 1.7e308])
def test_the_bayesian_model_takes_a_setting_past_float32s_range(name, value):
    rng = np.random.default_rng(1)
    X = rng.standard_normal((40, 3))
    y = (X[:, 0] > 0).astype(float)
    model = BayesianLogisticRegression(**{name: value}).fit(X, y)
    assert np.isfinite(model.mean_).all()
    assert np.isfinite(model.predict_proba(X)).all()


def test_the_bayesian_model_refuses_past_float64s_range_naming_float64():
    with pytest.raises(ConfigError, match=r"^BayesianLogisticRegression: prior_precision "
                       r"must lie within float64's range \(at most 1\.8e308 in size: "
                       r"BayesianLogisticRegression computes prior_precision in float64\), "
                       r"got a 401-digit integer$"):
        BayesianLogisticRegression(prior_precision=10**400).fit(np.eye(2), [0.0, 1.0])


@pytest.mark.parametrize("lam", [1e39, 1e300, 1.7e308])
@pytest.mark.parametrize("diagonal", [False, True])
def test_a_huge_prior_gives_the_weights_and_variances_worked_by_hand(lam, diagonal):
    # for a prior precision lam far above the data's curvature, the posterior covariance
    # is I / lam (relative errors of order 1/lam), so the variance of the logit of x is
    # |x|^2 / lam, and each weight's draws have standard deviation 1 / sqrt(lam); the MAP
    # weights, X'(y - 1/2) / lam, are below 2e-39 and may stay at 0 (a step float64's
    # objective cannot see)
    X = np.array([[1.0, 2.0], [-1.0, 0.5], [0.5, -1.0], [2.0, 1.0]])
    y = np.array([1.0, 0.0, 0.0, 1.0])
    model = BayesianLogisticRegression(prior_precision=lam, fit_intercept=False,
                                       diagonal=diagonal).fit(X, y)
    assert (np.abs(model.mean_) <= 1.75 / lam * (1 + 1e-9)).all()
    mean, variance = model.latent_mean_variance(X)
    # |x|^2: 5, 1.25, 1.25, 5 (a full posterior's (P + P')/2 overflowed at 1.7e308: the
    # variances were 0 and every Thompson draw the mean)
    np.testing.assert_allclose(variance * lam, [5.0, 1.25, 1.25, 5.0], rtol=1e-9)
    draws = model.sample_weights(200, rng=np.random.default_rng(0))
    np.testing.assert_allclose(draws.std(axis=0) * math.sqrt(lam), [1.0, 1.0], rtol=0.15)


@pytest.mark.parametrize("exploration", [1e30, 1e300, 1.7e308])
def test_ucb1_shows_untried_items_first_whatever_the_exploration(exploration):
    # the bound of an item shown n = 4 times of t = 8 is 1/2 + sqrt(c ln 8 / 4), 1e15 for
    # c = 1e30: above the fixed 1e12 of an untried item, with which it tied, so the items
    # shown in round one could be shown again before the three never tried
    policy = UCB1(n_items=5, exploration=exploration)
    users = np.arange(4)
    policy.update(users, np.tile([0, 1], (4, 1)), np.full((4, 2), 0.5))
    bounds = policy.upper_bounds()
    expected = 0.5 + math.sqrt(exploration) * math.sqrt(math.log(8) / 4)
    np.testing.assert_allclose(bounds[:2], [expected, expected], rtol=1e-12)
    assert np.isinf(bounds[2:]).all()
    for _ in range(5):
        chosen = policy.select(users, 3)
        assert (np.sort(chosen, axis=1) == [2, 3, 4]).all()


@pytest.mark.parametrize("alpha", [1e39, 1.7e308])
def test_linucb_with_a_huge_alpha_ranks_by_the_bound(alpha):
    # mean + alpha sd overflowed for alpha = 1.7e308, refused as contexts "not on the
    # scale of the training ones"; ranked by the bound, the order is that of the
    # standard deviation (the mean is negligible beside alpha sd)
    rng = np.random.default_rng(3)
    contexts = rng.standard_normal((2, 5, 3))
    policy = LinUCB(n_items=5, n_features=3, alpha=alpha)
    # before feedback the sd is |x| / sqrt(prior_precision): longest context first
    first = policy.select(np.arange(2), 5, contexts=contexts)
    norms = np.linalg.norm(contexts, axis=2)
    assert (first == np.argsort(-norms, axis=1)).all()
    policy.update(np.arange(2), first[:, :2],
                  np.array([[1.0, 0.0], [0.0, 1.0]]),
                  contexts=np.take_along_axis(contexts, first[:, :2, None], axis=1))
    second = policy.select(np.arange(2), 5, contexts=contexts)
    mean, variance = policy.model_.latent_mean_variance(contexts)
    assert (second == np.argsort(-(mean / alpha + np.sqrt(variance)), axis=1)).all()
    assert (second == np.argsort(-variance, axis=1)).all()


DAY = 86_400
NOW = 1_700_000_000


@pytest.mark.parametrize(("half_life", "shown"), [
    (1e39, "1e+39"), (10**300, "1e+300"), (1.7e308, "1.7e+308")])
def test_a_freshness_half_life_past_float32_is_refused_for_its_true_reason(half_life, shown):
    # the ages are divided by the half-life in float64: 2^(-1 day / 1e39) is 1 for every
    # item, so the step would change no list (it was refused as "recstack computes in
    # float32", and 10**300 would have been written out in 301 digits)
    data = Interactions.from_arrays(["a", "b", "b"], [10, 11, 12],
                                    timestamps=[NOW - DAY, NOW - DAY, NOW])
    with pytest.raises(RecstackError) as error:
        FreshnessBoost(half_life_days=half_life).fit(data)
    assert str(error.value).startswith(
        f"freshness: half_life_days = {shown} is so long beside the items' ages (0 to 1 "
        "days) that every item gets the same boost (1), so this step would change no list")


def test_a_freshness_half_life_past_float64_names_float64():
    with pytest.raises(ConfigError, match=r"^freshness: half_life_days must lie within "
                       r"float64's range \(at most 1\.8e308 in size: freshness computes "
                       r"half_life_days in float64\), got a 401-digit integer$"):
        FreshnessBoost(half_life_days=10**400).validate_params()


def test_a_freshness_half_life_past_float32_still_boosts_when_ages_allow():
    # one item only: nothing to compare, the boost 2^(-1 / 1e39) = 1 is right
    data = Interactions.from_arrays(["a", "b"], [10, 10], timestamps=[NOW - DAY, NOW])
    assert FreshnessBoost(half_life_days=1e39).fit(data).value_.tolist() == [1.0]


@pytest.mark.parametrize("C", [1e39, 10**300, 1.7e308])
def test_the_logistic_rankers_C_past_float32_is_no_regularisation(C):
    # scikit-learn computes in float64: the penalty 1 / (2 C) is about 0 from C = 1e39
    # on, so every such C gives the same weights (those of C = 1e39)
    frame, labels = toy()
    reference = LogisticRanker(C=1e39).fit(frame, labels)
    ranker = LogisticRanker(C=C).fit(frame, labels)
    np.testing.assert_allclose(ranker.coef_, reference.coef_, rtol=1e-6)
    assert np.isfinite(ranker.score(frame)).all()
    assert LogisticRanker.params["C"].computes_in == "float64"

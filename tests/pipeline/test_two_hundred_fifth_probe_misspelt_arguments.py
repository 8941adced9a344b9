"""A misspelt keyword (or one positional argument too many) given to a public function or
method of the pipeline was Python's bare ``TypeError: ips() got an unexpected keyword
argument 'confidance'``, naming neither the right spelling nor what the function takes. It
is now a ConfigError with the nearest name and the signature, as the splits and loaders
say. A ``BanditEnvironment`` given a misspelt setting was told "unknown synthetic
parameter(s) 'base_crt'", listing only the synthetic data's fields; the synthetic data's
refusals named no caller."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.errors import ConfigError
from recstack.pipeline import imbalance, off_policy, position_bias
from recstack.pipeline.bandits import POLICIES
from recstack.pipeline.bayesian import BayesianLogisticRegression
from recstack.pipeline.candidates import generate_candidates, limit_per_user
from recstack.pipeline.rankers import create_ranker
from recstack.pipeline.simulation import BanditEnvironment

REWARDS, ACTIONS = np.array([1.0, 0.0, 1.0]), np.array([0, 1, 0])
PROPENSITIES = np.array([0.5, 0.5, 0.5])
TARGET = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 0.0]])


@pytest.mark.parametrize("call, message", [
    (lambda: off_policy.ips(REWARDS, ACTIONS, PROPENSITIES, TARGET, confidance=0.9),
     "ips() has no argument 'confidance' (did you mean 'confidence'?); it takes "
     "ips(rewards, actions, propensities, target, *, confidence=..., interval=..., "
     "n_bootstrap=..., seed=...)"),
    (lambda: off_policy.snips(REWARDS, ACTIONS, PROPENSITIES, TARGET, 0.9),
     "snips() takes at most 4 positional argument(s) (rewards, actions, propensities, "
     "target), got 5; give confidence, interval, n_bootstrap, seed by keyword"),
    (lambda: off_policy.deterministic_target([0, 1], n_action=2),
     "deterministic_target() has no argument 'n_action' (did you mean 'n_actions'?)"),
    (lambda: position_bias.estimate_propensities([1, 2], [1, 0], n_position=3),
     "estimate_propensities() has no argument 'n_position' (did you mean 'n_positions'?)"),
    (lambda: position_bias.ipw_sample_weights([1, 2], [1, 0], [1.0, 0.5], clp=0.1),
     "ipw_sample_weights() has no argument 'clp' (did you mean 'clip'?)"),
    (lambda: imbalance.downsample_negatives([1, 0], 0.5, sed=1),
     "downsample_negatives() has no argument 'sed' (did you mean 'seed'?)"),
    (lambda: imbalance.correct_probability([0.5], rates=0.5),
     "correct_probability() has no argument 'rates' (did you mean 'rate'?)"),
    (lambda: generate_candidates([], [0], 1, per_users=1),
     "generate_candidates() has no argument 'per_users' (did you mean 'per_user'?)"),
    (lambda: limit_per_user(None, per_users=1),
     "limit_per_user() has no argument 'per_users' (did you mean 'per_user'?)"),
    (lambda: POLICIES["thompson"](n_items=3).select([0], 1, context=None),
     "BetaThompson.select() has no argument 'context' (did you mean 'contexts'?); it takes "
     "BetaThompson.select(users, k, *, contexts=..., available=...)"),
    (lambda: POLICIES["ucb1"](n_items=3).update([0], [[1]], reward=[[1.0]]),
     "UCB1.update() has no argument 'reward' (did you mean 'rewards'?)"),
    (lambda: BayesianLogisticRegression().fit(np.eye(2), [0, 1], sample_weights=[1, 1]),
     "BayesianLogisticRegression.fit() has no argument 'sample_weights' (did you mean "
     "'sample_weight'?)"),
    (lambda: create_ranker("logistic").fit(None, None, sample_weights=None),
     "LogisticRanker.fit() has no argument 'sample_weights' (did you mean "
     "'sample_weight'?)"),
])
def test_a_misspelt_keyword_is_named_with_the_nearest(call, message):
    with pytest.raises(ConfigError) as caught:
        call()
    assert str(caught.value).startswith(message)


SMALL = {"n_users": 30, "n_items": 20, "n_interactions": 300, "n_factors": 2, "n_genres": 3}


@pytest.fixture(scope="module")
def environment():
    return BanditEnvironment(**SMALL)


def test_a_misspelt_run_argument_is_named(environment):
    with pytest.raises(ConfigError, match=r"^BanditEnvironment\.run\(\) has no argument "
                       r"'n_round' \(did you mean 'n_rounds'\?\)"):
        environment.run(POLICIES["thompson"](n_items=20), n_round=1)
    with pytest.raises(ConfigError, match=r"^BanditEnvironment\.click_probability\(\) has "
                       r"no argument 'fractions' \(did you mean 'fraction'\?\)"):
        environment.click_probability([0], fractions=0.5)


def test_a_misspelt_setting_of_the_environment_is_named_with_its_settings():
    with pytest.raises(ConfigError) as caught:
        BanditEnvironment(base_crt=0.1, **SMALL)
    assert str(caught.value) == (
        "BanditEnvironment: unknown argument(s) 'base_crt' (did you mean 'base_ctr'?); its "
        "settings: base_ctr, click_scale, feature_noise, new_item_share, drift, seed; the "
        "synthetic data's fields (its users and items): n_users, n_items, n_interactions, "
        "n_genres, n_factors, popularity_exponent, activity_sigma, min_user_interactions, "
        "start, months, noise")
    with pytest.raises(ConfigError, match=r"^BanditEnvironment: unknown argument\(s\) "
                       r"'n_user' \(did you mean 'n_users'\?\)"):
        BanditEnvironment(n_user=30)


def test_the_synthetic_datas_refusals_name_the_environment():
    with pytest.raises(ConfigError, match=r"^BanditEnvironment: n_users must be at least 1, "
                       r"got 0$"):
        BanditEnvironment(**{**SMALL, "n_users": 0})
    with pytest.raises(ConfigError, match=r"^BanditEnvironment: config must be a "
                       r"SyntheticConfig, got dict"):
        BanditEnvironment({"n_users": 30})


def test_right_spellings_still_run(environment):
    estimate = off_policy.ips(REWARDS, ACTIONS, PROPENSITIES, TARGET, confidence=0.9)
    # IPS by hand: rewards x target / propensity = [2, 0, 2], mean 4 / 3
    assert estimate.value == pytest.approx(4 / 3)
    result = environment.run(POLICIES["thompson"](n_items=20), n_rounds=2,
                             users_per_round=3, k=2)
    assert result.regret.shape == (2,)

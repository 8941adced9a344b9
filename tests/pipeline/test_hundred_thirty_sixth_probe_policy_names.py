"""Hundred-thirty-sixth bad-input probe: a contextual policy's errors name its own call.

LinUCB and contextual Thompson sampling learn with a Bayesian logistic regression on the
contexts flattened to rows; its errors named that inner model (``BayesianLogisticRegression:
column 0 of X ... (row 7)``), an argument and rows the policy's user never gave, asked for
``n_draws`` the user never set, and advised ``intercept_precision`` to a policy that has no
intercept. Within a policy's call they now name the policy's method, its ``contexts`` and
a position in them ([user row, item slot, feature]), and advise only its own settings.
The model used on its own keeps its own names."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.errors import RecstackError
from recstack.pipeline.bandit_checks import BanditInputError
from recstack.pipeline.bandits import ContextualThompson, LinUCB
from recstack.pipeline.bayesian import BayesianLogisticRegression

POLICIES = [LinUCB, ContextualThompson]


@pytest.mark.parametrize("policy", POLICIES)
def test_huge_contexts_in_update_are_named_at_their_place_in_contexts(policy):
    contexts = np.ones((2, 2, 3))
    contexts[1, 0, 2] = 1e300  # user row 1, the first item shown, feature 2
    with pytest.raises(BanditInputError) as caught:
        policy(n_items=4, n_features=3).update([0, 1], [[0, 1], [2, 3]],
                                               [[1.0, 0.0], [0.0, 1.0]], contexts=contexts)
    message = str(caught.value)
    assert message.startswith(f"{policy.name}.update: feature 2 (last axis) of contexts "
                              "holds values up to 1e+300 (contexts[1, 0, 2])")
    assert "BayesianLogisticRegression" not in message and " X" not in message


def test_an_overflowing_bound_in_select_is_named_in_contexts():
    policy = LinUCB(n_items=3, n_features=2)
    policy.update([0], [[0, 1]], [[1.0, 0.0]], contexts=np.ones((1, 2, 2)))
    contexts = np.ones((2, 3, 2))
    contexts[1, 2] = 1e300
    with pytest.raises(BanditInputError, match=r"^linucb\.select: the logit of "
                       r"contexts\[1, 2\] overflows \(largest \|value\| of contexts 1e\+300\); "
                       "give contexts on the scale"):
        policy.select([0, 1], 1, contexts=contexts)


def test_too_many_users_for_one_round_of_thompson_draws_says_users():
    policy = ContextualThompson(n_items=1, n_features=4096, diagonal=True)
    policy.update([0], [[0]], [[1.0]], contexts=np.ones((1, 1, 4096)))
    # 2**27 numbers per call: 32,768 draws of 4,096 weights
    n_users = 32_769
    contexts = np.broadcast_to(np.zeros((1, 1, 4096)), (n_users, 1, 4096))
    with pytest.raises(BanditInputError, match=r"^contextual_thompson\.select: 32,769 users "
                       r"in one round need as many draws of the 4,096 weights, more than one "
                       r"call may hold \(32,768 draws, 1 GiB\); select for at most 32,768 "
                       "users per call"):
        policy.select(np.zeros(n_users, dtype=np.int64), 1, contexts=contexts)


def test_a_singular_posterior_advises_the_policy_s_own_setting():
    # repeated columns of 3e6 leave a prior precision of 1e-300 nothing to hold on to
    policy = LinUCB(n_items=2, n_features=2, prior_precision=1e-300)
    with pytest.raises(RecstackError) as caught:
        policy.update(np.arange(50), [[0, 1]] * 50, [[1.0, 0.0]] * 50,
                      contexts=np.full((50, 2, 2), 3e6))
    message = str(caught.value)
    assert message.startswith("linucb.update: the posterior precision is not positive "
                              "definite (prior_precision = 1e-300")
    assert "raise prior_precision" in message and "intercept" not in message
    # the refused round left no half-learned posterior behind (its mean and precision
    # were replaced, and the next select failed on the missing factor)
    assert not hasattr(policy.model_, "mean_")
    assert policy.select([0], 2, contexts=np.ones((1, 2, 2))).shape == (1, 2)


@pytest.mark.parametrize(("settings", "advice"), [
    ({"fit_intercept": False}, "raise prior_precision"),
    ({"intercept_precision": 0.0}, "raise prior_precision"),  # both classes: not the intercept
])
def test_the_model_s_singular_posterior_advice_fits_its_settings(settings, advice):
    X = np.full((50, 2), 3e6)
    y = np.r_[np.ones(25), np.zeros(25)]
    with pytest.raises(RecstackError, match=r"^BayesianLogisticRegression: the posterior "
                       r"precision is not positive definite \(prior_precision = 1e-300 .*"
                       r"columns of X\); " + advice):
        BayesianLogisticRegression(prior_precision=1e-300, **settings).fit(X, y)


def test_the_model_on_its_own_keeps_its_own_names():
    X = np.ones((4, 2))
    X[3, 1] = 1e300
    with pytest.raises(BanditInputError, match=r"^BayesianLogisticRegression: column 1 of X "
                       r"holds values up to 1e\+300 \(row 3\)"):
        BayesianLogisticRegression().fit(X, [1, 0, 1, 0])

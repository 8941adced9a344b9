"""A Bayesian logistic regression (and so a contextual bandit) whose prior pins the feature
weights (prior_precision of 1e16 and above, "prior variance 0") beside a flat intercept
prior: the MAP search stopped at its start, "converged", and left the intercept at 0, so
every probability was 1/2 whatever the data, without a word (the full-precision search
warned, advising to raise the prior precision that caused it). Worked by hand: with the
weights pinned at 0 and a flat intercept prior, the intercept is the log-odds of the labels,
log(3 / 7) for 3 positives of 10."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

from recstack.pipeline.bandits import ContextualThompson
from recstack.pipeline.bayesian import BayesianLogisticRegression

rng = np.random.default_rng(0)
X = rng.normal(size=(10, 2))
Y = np.array([1, 1, 1, 0, 0, 0, 0, 0, 0, 0])


@pytest.mark.parametrize("diagonal", [False, True])
@pytest.mark.parametrize("prior_precision", [1e16, 1e20, 1e30])
def test_pinned_weights_leave_the_intercept_its_log_odds(diagonal, prior_precision):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no "stopped before converging"
        model = BayesianLogisticRegression(prior_precision=prior_precision,
                                           intercept_precision=0.0,
                                           diagonal=diagonal).fit(X, Y)
    assert model.intercept_ == pytest.approx(math.log(3 / 7), abs=1e-6)
    assert np.abs(model.coef_).max() < 1e-12


@pytest.mark.parametrize("diagonal", [False, True])
def test_an_online_update_under_a_strong_prior_moves_the_intercept(diagonal):
    model = BayesianLogisticRegression(prior_precision=1e20, intercept_precision=0.0,
                                       diagonal=diagonal).fit(X, Y)
    # 7 more rows, all positive. The update's prior is the first batch's posterior: the
    # intercept's mean b0 = log(3/7) and precision 10 * 0.3 * 0.7 = 2.1, so the new
    # intercept solves 7 (1 - sigma(b)) = 2.1 (b - b0); found here by bisection
    b0 = math.log(3 / 7)
    low, high = b0, 10.0
    for _ in range(200):
        middle = (low + high) / 2
        if 7 * (1 - 1 / (1 + math.exp(-middle))) > 2.1 * (middle - b0):
            low = middle
        else:
            high = middle
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model.partial_fit(X[:7], np.ones(7))
    assert model.intercept_ == pytest.approx(low, abs=1e-6)
    assert np.abs(model.coef_).max() < 1e-12


def test_moderate_priors_are_searched_as_before():
    # prior precision 1: the MAP of the unscaled search, checked against its gradient
    model = BayesianLogisticRegression(prior_precision=1.0, intercept_precision=0.0).fit(X, Y)
    w, b = model.coef_, model.intercept_
    p = 1.0 / (1.0 + np.exp(-(X @ w + b)))
    np.testing.assert_allclose(X.T @ (p - Y) + w, 0.0, atol=1e-7)
    assert float(np.sum(p - Y)) == pytest.approx(0.0, abs=1e-7)


def test_a_contextual_policy_with_a_strong_prior_is_not_told_to_raise_it():
    policy = ContextualThompson(n_items=2, n_features=2, prior_precision=1e20, seed=0)
    contexts = np.broadcast_to(X[:, None, :], (10, 1, 2)).copy()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        policy.update(np.arange(10), np.zeros((10, 1), dtype=np.int64),
                      Y[:, None].astype(float), contexts=contexts)
    assert np.abs(policy.model_.coef_).max() < 1e-12

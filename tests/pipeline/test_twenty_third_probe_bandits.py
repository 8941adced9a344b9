"""Twenty-third bad-input probe of the bandits: a round without feedback (no user served,
or lists of length 0) given to a contextual policy's update. The counting policies learn
nothing from it; the contextual ones passed it to their Bayesian logistic regression, whose
"the batch is empty" error named the model rather than the policy's round (and an online
update that teaches nothing is no error). Now every policy treats it alike: the state is
unchanged."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.pipeline.bandits import ContextualThompson, LinUCB


@pytest.mark.parametrize("make", [ContextualThompson, LinUCB])
@pytest.mark.parametrize("k", [1, 0])
def test_a_round_without_feedback_leaves_a_contextual_policy_as_it_was(make, k):
    n_users = 0 if k else 2  # no user served, or users shown empty lists
    policy = make(n_items=3, n_features=2, seed=1)
    twin = make(n_items=3, n_features=2, seed=1)
    assert policy.update(np.zeros(n_users, np.int64), np.zeros((n_users, k), np.int64),
                         np.zeros((n_users, k)),
                         contexts=np.zeros((n_users, k, 2))) is policy
    assert not hasattr(policy.model_, "mean_")  # still the prior: nothing was learned
    contexts = np.random.default_rng(0).normal(size=(4, 3, 2))
    np.testing.assert_array_equal(policy.select(np.arange(4), 2, contexts=contexts),
                                  twin.select(np.arange(4), 2, contexts=contexts))


def test_a_learned_posterior_is_kept_through_an_empty_round():
    policy = LinUCB(n_items=3, n_features=2)
    policy.update([0], [[1]], [[1.0]], contexts=np.array([[[1.0, 0.5]]]))
    mean = policy.model_.mean_.copy()
    policy.update([], np.zeros((0, 1), np.int64), np.zeros((0, 1)),
                  contexts=np.zeros((0, 1, 2)))
    np.testing.assert_array_equal(policy.model_.mean_, mean)


"""Hundred-ninety-eighth bad-input probe: an empty round given as plain lists.

``Policy.update([], [], [])`` was refused as "items must be a 2-D array of item indices,
got shape (0,)" while the same round as ``(0, k)`` arrays was a no-op; ``select([], k,
contexts=[])`` of a contextual policy was refused alike (contexts "must be a 3-D array").
An empty list where a 2-D or 3-D array belongs is now no rows, so both spellings are the
same no-op, and the Bayesian model's ``fit([], [])`` is told that the batch is empty, as
``fit`` of a ``(0, d)`` array is, not that X must be 2-D.
"""

from __future__ import annotations

import numpy as np
import pytest

from recstack.pipeline.bandit_checks import BanditInputError
from recstack.pipeline.bandits import (
    UCB1,
    BetaThompson,
    ContextualThompson,
    EpsilonGreedy,
    LinUCB,
)
from recstack.pipeline.bayesian import BayesianLogisticRegression


@pytest.mark.parametrize("cls", [EpsilonGreedy, UCB1, BetaThompson])
def test_an_empty_round_as_lists_is_a_no_op_for_counting_policies(cls):
    policy = cls(n_items=3)
    policy.update([0], [[1, 2]], [[1.0, 0.0]])
    assert policy.update([], [], []) is policy
    policy.update(np.zeros(0, int), np.zeros((0, 2), int), np.zeros((0, 2)))
    # the one real round alone: item 1 shown once with reward 1, item 2 once with 0
    assert policy.impressions_.tolist() == [0.0, 1.0, 1.0]
    assert policy.successes_.tolist() == [0.0, 1.0, 0.0]
    assert policy.select([], 1).shape == (0, 1)


@pytest.mark.parametrize("cls", [ContextualThompson, LinUCB])
def test_an_empty_round_as_lists_is_a_no_op_for_contextual_policies(cls):
    policy = cls(n_items=3, n_features=2)
    assert policy.update([], [], [], contexts=[]) is policy
    policy.update(np.zeros(0, int), np.zeros((0, 2), int), np.zeros((0, 2)),
                  contexts=np.zeros((0, 2, 2)))
    assert not hasattr(policy.model_, "mean_")  # nothing learned
    assert policy.select([], 2, contexts=[]).shape == (0, 2)


def test_an_empty_list_of_rewards_with_rows_of_items_is_still_refused():
    policy = EpsilonGreedy(n_items=3)
    with pytest.raises(BanditInputError, match=r"rewards must have shape \(1, 2\), got "
                                               r"\(0, 0\)"):
        policy.update([0], [[1, 2]], [])


@pytest.mark.parametrize("X", [[], np.zeros((0, 2))])
def test_the_bayesian_model_names_an_empty_batch_however_written(X):
    model = BayesianLogisticRegression()
    with pytest.raises(BanditInputError, match="the batch is empty; give at least one row"):
        model.fit(X, [])
    model.fit(np.array([[0.0, 1.0], [1.0, 0.0]]), [0, 1])
    with pytest.raises(BanditInputError, match="the batch is empty; give at least one row"):
        model.partial_fit(X, [])

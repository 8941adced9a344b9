"""Hundred-ninety-third probe of the bandits' shapes: contexts of another width than the
policy's n_features (or rewards of another width than the items) were refused as "contexts
must have shape (2, 2, 2), got (2, 2, 3)", leaving the user to find which dimension was
wrong and what it stands for; the dimension that differs is now named with what it
counts."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.pipeline.bandit_checks import BanditInputError
from recstack.pipeline.bandits import UCB1, ContextualThompson, LinUCB

ITEMS = [[0, 1], [1, 2]]
REWARDS = [[1.0, 0.0], [0.0, 1.0]]


@pytest.mark.parametrize("policy", [ContextualThompson, LinUCB])
def test_contexts_of_another_width_name_n_features(policy):
    bandit = policy(n_items=3, n_features=2)
    bandit.update([0, 1], ITEMS, REWARDS, contexts=np.zeros((2, 2, 2)))
    with pytest.raises(BanditInputError, match=r"\.update: contexts must have shape "
                                               r"\(2, 2, 2\), got \(2, 2, 3\): the context "
                                               r"width \(the policy's n_features\) is 3, "
                                               r"expected 2$"):
        bandit.update([0, 1], ITEMS, REWARDS, contexts=np.zeros((2, 2, 3)))


def test_select_names_every_dimension_that_differs():
    with pytest.raises(BanditInputError, match=r"linucb\.select: contexts must have shape "
                                               r"\(2, 3, 2\), got \(3, 4, 2\): the number of "
                                               r"users is 3, expected 2; the number of items "
                                               r"\(the policy's n_items\) is 4, expected 3$"):
        LinUCB(n_items=3, n_features=2).select([0, 1], 1, contexts=np.zeros((3, 4, 2)))


def test_rewards_of_another_width_than_the_items_are_named():
    with pytest.raises(BanditInputError, match=r"ucb1\.update: rewards must have shape "
                                               r"\(2, 2\), got \(2, 3\): the number of items "
                                               r"per row \(as in items\) is 3, expected 2$"):
        UCB1(n_items=3).update([0, 1], ITEMS, [[1.0, 0.0, 1.0], [0.0, 1.0, 0.0]])


def test_contexts_of_the_right_shape_still_learn():
    bandit = LinUCB(n_items=3, n_features=2)
    bandit.update([0, 1], ITEMS, REWARDS, contexts=np.ones((2, 2, 2)))
    chosen = bandit.select([0], 2, contexts=np.ones((1, 3, 2)))
    assert chosen.shape == (1, 2)
    assert len(set(chosen[0].tolist())) == 2  # two distinct items of the three

"""Hundred-forty-fifth probe: one rule for true/false across the pipeline. Outcomes (labels,
clicks, rewards) take it, read as 1/0: a bandit's ``update`` with true/false rewards learns
exactly what it learns from 1/0. Values do not: an off-policy ``reward_model`` of
true/false (most often the target policy's mask given in its place) was read as predicted
rewards 1 and 0, silently; it is refused now, as propensities are."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.pipeline.bandit_checks import BanditInputError
from recstack.pipeline.bandits import UCB1, BetaThompson, EpsilonGreedy, LinUCB
from recstack.pipeline.off_policy import direct_method, doubly_robust, ips

SHOWN = [[0, 1], [2, 0]]


@pytest.mark.parametrize("make", [lambda: UCB1(n_items=4), lambda: BetaThompson(n_items=4),
                                  lambda: EpsilonGreedy(n_items=4)])
def test_true_false_rewards_are_clicks(make):
    flags = make().update([0, 1], SHOWN, [[True, False], [False, True]])
    numbers = make().update([0, 1], SHOWN, [[1.0, 0.0], [0.0, 1.0]])
    # UCB1's means: item 0 shown twice, clicked once (1/2); item 1 0/1; item 2 0/1
    np.testing.assert_array_equal(flags._means_untried_first(),
                                  numbers._means_untried_first())


def test_a_contextual_policy_reads_true_false_rewards_as_clicks():
    contexts = np.ones((2, 2, 3))
    flags = LinUCB(n_items=4, n_features=3, seed=0).update(
        [0, 1], SHOWN, [[True, False], [False, True]], contexts=contexts)
    numbers = LinUCB(n_items=4, n_features=3, seed=0).update(
        [0, 1], SHOWN, [[1, 0], [0, 1]], contexts=contexts)
    probe = np.ones((1, 4, 3))
    np.testing.assert_array_equal(flags.select([0], 4, contexts=probe),
                                  numbers.select([0], 4, contexts=probe))


REWARDS, ACTIONS, PROPENSITIES = [1, 0, 1, 0], [0, 1, 1, 0], [0.5, 0.5, 0.5, 0.5]
TARGET = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 0.0]])


def test_a_true_false_reward_model_is_refused():
    mask = TARGET > 0
    with pytest.raises(BanditInputError, match=r"^direct_method: reward_model must be "
                                               r"numbers, got true/false values; pass the "
                                               r"predicted reward of every action"):
        direct_method(TARGET, mask)
    with pytest.raises(BanditInputError, match=r"^doubly_robust: reward_model must be "
                                               r"numbers, got true/false values"):
        doubly_robust(REWARDS, ACTIONS, PROPENSITIES, TARGET, mask)


def test_a_numeric_reward_model_and_true_false_rewards_still_work():
    q = (TARGET > 0).astype(float)
    # DM: mean over rounds of sum_a pi(a) q(a) = 1 (q is 1 where the target acts)
    assert direct_method(TARGET, q).value == pytest.approx(1.0)
    # IPS with true/false rewards: mean(pi(a)/p * r) = mean(2*1, 2*0, 0*1, 2*0) = 0.5
    flags = [True, False, True, False]
    assert ips(flags, ACTIONS, PROPENSITIES, TARGET).value == pytest.approx(0.5)
    # DR: DM term 1 per round plus w * (r - q(a)): round 0: 2 * (1 - 1) = 0, round 1:
    # 2 * (0 - 1) = -2, round 2: 0, round 3: 2 * (0 - 1) = -2 -> mean(1, -1, 1, -1) = 0
    assert doubly_robust(flags, ACTIONS, PROPENSITIES, TARGET, q).value == pytest.approx(0.0)

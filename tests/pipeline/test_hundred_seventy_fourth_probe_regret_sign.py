"""The regret of a round that shows the best k items is 0, whatever their order: the two
sums of the same probabilities were taken in different orders and left +-1.4e-14, a
negative regret in some rounds."""

from __future__ import annotations

import types

import numpy as np

from recstack.pipeline import bandits
from recstack.pipeline.simulation import BanditEnvironment


def _oracle(env, *, reverse):
    """A policy that shows each user's k most likely clicks (available ones), worst first
    when ``reverse``."""
    policy = bandits.EpsilonGreedy(n_items=env.n_items, epsilon=0.0)
    fraction = {"value": 0.0}

    def select(self, users, k, contexts=None, available=None):
        truth = env.click_probability(np.asarray(users), fraction["value"])
        truth = np.where(available, truth, -np.inf)
        best = np.argsort(-truth, axis=1, kind="stable")[:, :k]
        return (best[:, ::-1] if reverse else best).copy()

    policy.select = types.MethodType(select, policy)
    return policy


def test_showing_the_best_items_in_any_order_has_no_regret():
    env = BanditEnvironment(seed=0, drift=False, new_item_share=0.0)
    for reverse in (True, False):
        result = env.run(_oracle(env, reverse=reverse), n_rounds=50, users_per_round=20, k=5)
        assert result.regret.tolist() == [0.0] * 50
        assert result.total_regret == 0.0
        # the clicks expected are those of the best items: positive, and the same both ways
        assert np.all(result.expected_clicks > 0)


def test_regret_of_a_learning_policy_is_never_negative():
    env = BanditEnvironment(seed=1, new_item_share=0.0, drift=False)
    result = env.run(bandits.UCB1(n_items=env.n_items), n_rounds=60, users_per_round=10, k=3)
    assert np.all(result.regret >= 0)
    assert np.all(np.diff(result.cumulative_regret) >= 0)
    # hand check of the bookkeeping: the cumulative regret is the running sum
    assert result.cumulative_regret[-1] == np.cumsum(result.regret)[-1]

"""Sixteenth bad-input probe of the bandit simulation: a ``users_per_round`` far beyond
what a round can hold failed with numpy's "MemoryError: Unable to allocate 7.28 TiB", and a
``feature_noise`` beyond the float range made every context infinite or NaN, which a
contextual policy then learned from without a word."""

from __future__ import annotations

import warnings

import pytest

from recstack.errors import ConfigError
from recstack.pipeline.bandits import UCB1
from recstack.pipeline.simulation import BanditEnvironment

SMALL = {"n_users": 30, "n_items": 20, "n_interactions": 300, "n_factors": 2, "n_genres": 3}


def test_a_round_too_large_for_memory_is_refused_with_the_largest_that_fits():
    environment = BanditEnvironment(**SMALL)
    # 2**27 numbers per round, 20 true probabilities per user: at most 6,710,886 users
    with pytest.raises(ConfigError, match=r"^BanditEnvironment.run: users_per_round = "
                                          r"1,000,000,000,000 with 20 items is more than a "
                                          r"round can hold in memory \(at most 134,217,728 "
                                          r"numbers, 1 GiB\); use users_per_round <= "
                                          r"6,710,886$"):
        environment.run(UCB1(n_items=20), n_rounds=1, users_per_round=10**12)
    result = environment.run(UCB1(n_items=20), n_rounds=2, users_per_round=5, k=2)
    assert len(result.regret) == 2


def test_noise_that_overflows_the_contexts_is_refused():
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow warning on the way to the error
        with pytest.raises(ConfigError, match=r"^BanditEnvironment: feature_noise = 1e\+308 "
                                              r"makes the contexts overflow the float range"):
            BanditEnvironment(feature_noise=1e308, **SMALL)

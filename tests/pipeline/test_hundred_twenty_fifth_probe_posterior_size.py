"""A full (diagonal=False) Bayesian posterior too large to hold is refused before anything
is allocated, naming the setting and diagonal=True: 100,000 context features failed in
numpy's allocator ("Unable to allocate 74.5 GiB") at the first update."""

from __future__ import annotations

import math

import numpy as np
import pytest

from recstack.errors import ConfigError
from recstack.pipeline.bandit_checks import MAX_DENSE_CELLS, BanditInputError
from recstack.pipeline.bandits import ContextualThompson, LinUCB
from recstack.pipeline.bayesian import BayesianLogisticRegression, full_posterior_problem


def test_the_bound_is_the_dense_cell_bound():
    largest = math.isqrt(MAX_DENSE_CELLS)  # 11,585: its square fits, one more does not
    assert largest ** 2 <= MAX_DENSE_CELLS < (largest + 1) ** 2
    assert full_posterior_problem(largest) is None
    assert "diagonal=True" in full_posterior_problem(largest + 1)


@pytest.mark.parametrize("cls", [ContextualThompson, LinUCB])
def test_a_policy_with_too_many_features_for_a_full_posterior_is_refused(cls):
    policy = cls(n_items=3, n_features=100_000)
    with pytest.raises(ConfigError, match=r"n_features = 100,000 with diagonal=False: a full "
                                          r"posterior over 100,000 weights .*74\.5 GiB.*"
                                          r"diagonal=True"):
        policy.reset()


@pytest.mark.parametrize("cls", [ContextualThompson, LinUCB])
def test_the_diagonal_posterior_takes_them(cls):
    policy = cls(n_items=3, n_features=50_000, diagonal=True)
    policy.select(np.array([0]), 1, contexts=np.ones((1, 3, 50_000)))
    policy.update(np.array([0]), np.array([[1]]), np.array([[1.0]]),
                  contexts=np.ones((1, 1, 50_000)))


def test_a_wide_batch_with_a_full_posterior_is_refused_naming_x():
    x = np.zeros((2, 20_000))
    with pytest.raises(BanditInputError, match=r"X has 20,000 columns: a full posterior over "
                                               r"20,001 weights"):
        BayesianLogisticRegression().fit(x, [0, 1])
    BayesianLogisticRegression(diagonal=True).fit(x, [0, 1])

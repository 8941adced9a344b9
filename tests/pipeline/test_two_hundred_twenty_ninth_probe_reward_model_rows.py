"""Two hundred twenty-ninth bad-input probe of the off-policy estimators: a reward model given
as a pandas DataFrame whose rows come in another order than the log's pandas Series was
paired with the log by position when the target was a plain array (only the target and the
reward model were compared): ``doubly_robust`` credited each round with another round's
predicted rewards, and ``estimate_all``'s DM and DR were wrong without a word. The reward
model is now checked against the log's rows too, before any estimate."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from recstack.pipeline.bandit_checks import BanditInputError
from recstack.pipeline.off_policy import deterministic_target, doubly_robust, estimate_all

REWARDS = pd.Series([1.0, 0.0, 1.0])
ACTIONS = pd.Series([0, 1, 0])
PROPENSITIES = pd.Series([0.5, 0.5, 0.5])
TARGET = deterministic_target(np.array([0, 0, 1]), 2)  # a plain array: no index
MODEL = pd.DataFrame([[0.9, 0.1], [0.2, 0.3], [0.5, 0.5]])
SHUFFLED = MODEL.iloc[::-1]

SAID = (r"propensities and reward_model are a pandas Series and a pandas DataFrame with the "
        r"same index labels in "
        r"different orders \(position 0 is row 0 of propensities but row 2 of reward_model\)")


def test_doubly_robust_refuses_a_reward_model_in_another_order_than_the_log():
    with pytest.raises(BanditInputError, match=rf"^doubly_robust: {SAID}"):
        doubly_robust(REWARDS, ACTIONS, PROPENSITIES, TARGET, SHUFFLED)


def test_estimate_all_refuses_it_before_any_estimate():
    with pytest.raises(BanditInputError, match=rf"^estimate_all: {SAID}"):
        estimate_all(REWARDS, ACTIONS, PROPENSITIES, TARGET, reward_model=SHUFFLED)


def test_the_log_as_arrays_beside_a_frame_is_checked_on_the_pandas_ones():
    # only the actions a Series: it is the one the model is paired with
    with pytest.raises(BanditInputError, match=r"^doubly_robust: actions and reward_model "):
        doubly_robust(REWARDS.to_numpy(), ACTIONS, PROPENSITIES.to_numpy(), TARGET, SHUFFLED)


def test_aligned_frames_give_the_hand_values():
    # by hand: the target takes actions 0, 0, 1, so DM's terms are q(0, 0) = 0.9,
    # q(1, 0) = 0.2, q(2, 1) = 0.5: mean 1.6 / 3. The importance weights pi(a_t) / p_t are
    # 2, 0, 0 (rounds 1 and 2 logged an action the target does not take): DR's terms
    # 0.9 + 2 (1 - 0.9) = 1.1, 0.2, 0.5: mean 0.6
    both = estimate_all(REWARDS, ACTIONS, PROPENSITIES, TARGET, reward_model=MODEL)
    assert both["dm"].value == pytest.approx(1.6 / 3)
    assert both["dr"].value == pytest.approx(0.6)
    # the shuffled model put right by its index gives the same
    aligned = SHUFFLED.loc[REWARDS.index]
    assert doubly_robust(REWARDS, ACTIONS, PROPENSITIES, TARGET, aligned).value == \
        pytest.approx(0.6)
    # plain arrays are paired by position, as before
    assert doubly_robust(REWARDS.to_numpy(), ACTIONS.to_numpy(), PROPENSITIES.to_numpy(),
                         TARGET, MODEL.to_numpy()).value == pytest.approx(0.6)

"""Hundred-sixty-fourth bad-input probe: a :class:`BanditEnvironment`'s settings are read
when it is made (the contexts' noise, the items' arrivals, the click model), yet they could
be set afterwards: ``env.feature_noise = 1`` and ``env.seed = 3`` changed nothing without a
word, ``env.base_ctr = 2`` made every click probability NaN unchecked, and a misspelt
``env.base_crt = 0.1`` was stored beside them. Each is now refused, naming the remedy."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.errors import ConfigError
from recstack.pipeline.simulation import BanditEnvironment


@pytest.fixture(scope="module")
def env():
    return BanditEnvironment(n_users=30, n_items=20, n_interactions=300, n_factors=2,
                             n_genres=3, base_ctr=0.1, seed=4)


@pytest.mark.parametrize(("name", "value"), [("base_ctr", 2.0), ("click_scale", 0.0),
                                             ("feature_noise", 1.0), ("new_item_share", 0.5),
                                             ("drift", False), ("seed", 3)])
def test_a_setting_changed_later_is_refused(env, name, value):
    before = env.click_probability([0, 1], 0.5)
    with pytest.raises(ConfigError, match=rf"^BanditEnvironment: {name} is a setting, read "
                       rf"when the environment is made .* make a new environment: "
                       rf"BanditEnvironment\(\.\.\., {name}={value!r}\)$"):
        setattr(env, name, value)
    np.testing.assert_array_equal(env.click_probability([0, 1], 0.5), before)


@pytest.mark.parametrize("name", ["n_items", "n_users", "arrival", "user_vectors"])
def test_what_it_built_cannot_be_changed(env, name):
    with pytest.raises(ConfigError, match=rf"^BanditEnvironment: {name} is built from the "
                       r"synthetic data"):
        setattr(env, name, 3)


def test_a_misspelt_setting_is_refused_with_the_nearest(env):
    with pytest.raises(ConfigError, match=r"^BanditEnvironment: no setting 'base_crt' \(did "
                       r"you mean 'base_ctr'\?\); its settings: base_ctr, click_scale"):
        env.base_crt = 0.2
    env.my_notes = "fine"  # a name of the user's own, near no setting, is an attribute
    assert env.my_notes == "fine"


def test_the_settings_are_kept_as_given(env):
    assert (env.base_ctr, env.click_scale, env.feature_noise, env.new_item_share, env.drift,
            env.seed) == (0.1, 1.5, 0.3, 0.2, True, 4)


def test_a_round_with_no_available_item_names_the_mask_not_k():
    from recstack.pipeline.bandit_checks import BanditInputError
    from recstack.pipeline.bandits import UCB1

    policy = UCB1(n_items=3).reset()
    # was "k must be an integer from 1 to the number of available items (0), got 1"
    with pytest.raises(BanditInputError, match=r"^ucb1\.select: available marks no item as "
                       r"available \(all 3 False\), so there is nothing to show"):
        policy.select(np.array([0]), 1, available=np.zeros(3, bool))
    # one item available: it is the one shown
    assert policy.select(np.array([0]), 1,
                         available=np.array([False, True, False])).tolist() == [[1]]

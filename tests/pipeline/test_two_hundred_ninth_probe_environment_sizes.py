"""Two-hundred-ninth bad-input probe: ``BanditEnvironment``'s sizes follow one rule.

Made without a config, an environment with one size given took the synthetic data's
defaults for the others: ``BanditEnvironment(n_users=20)`` had 1,500 items and 16 factors
(not the environment's 200 and 4), and ``BanditEnvironment(n_items=50)`` was refused for
3,000 interactions too few for 2,000 default users. The environment's own small sizes now
fill every size not given; with a config its fields are used as before.
"""

from __future__ import annotations

import pytest

from recstack.data.synthetic import SyntheticConfig
from recstack.errors import ConfigError
from recstack.pipeline.simulation import SMALL_SIZES, BanditEnvironment


@pytest.mark.parametrize(("given", "users", "items", "factors"), [
    ({}, 300, 200, 4),
    ({"n_users": 20}, 20, 200, 4),
    ({"n_items": 50}, 300, 50, 4),
    ({"n_factors": 2}, 300, 200, 2),
    ({"n_users": 40, "n_items": 30, "n_factors": 3}, 40, 30, 3),
])
def test_the_environments_small_sizes_fill_the_sizes_not_given(given, users, items, factors):
    environment = BanditEnvironment(**given)
    assert (environment.n_users, environment.n_items, environment.n_factors) == (
        users, items, factors)
    assert environment.n_features == (factors + 2) ** 2
    assert SMALL_SIZES == {"n_users": 300, "n_items": 200, "n_factors": 4, "n_genres": 6}


def test_a_small_catalog_gets_fewer_genres_and_interactions_within_bounds():
    # 10 items: 10 interactions per user = 3,000 exceed the bound of half the catalogue,
    # 300 * 10 // 2 = 1,500, so 1,500 (still >= 5 per user); before, n_genres' default 12
    # exceeded the 10 items and the environment was refused
    environment = BanditEnvironment(n_items=10)
    assert (environment.n_users, environment.n_items) == (300, 10)
    # 4 items with 2 interactions at least per user: 6 genres cut to 4, 2 per user (600)
    environment = BanditEnvironment(n_items=4, min_user_interactions=2)
    assert (environment.n_users, environment.n_items, environment.n_factors) == (300, 4, 4)


def test_a_config_keeps_its_own_sizes():
    config = SyntheticConfig(n_users=30, n_items=20, n_interactions=300, n_factors=2,
                             n_genres=3)
    environment = BanditEnvironment(config, n_users=40)
    assert (environment.n_users, environment.n_items, environment.n_factors) == (40, 20, 2)


def test_a_small_catalog_caps_the_default_fewest_interactions_as_the_generator_does():
    # 8 items: a user rates at most 4, so the generator's default min_user_interactions (5)
    # is capped at 4, and the environment's rows at 300 users x 4 = 1,200 (half the
    # 300 x 8 pairs), not 10 per user
    environment = BanditEnvironment(n_items=8)
    assert environment.n_items == 8


def test_a_catalog_too_small_for_a_given_fewest_interactions_is_still_refused():
    # min_user_interactions = 5 given: a user rates at most 4 of 8 items
    with pytest.raises(ConfigError, match=r"^BanditEnvironment: min_user_interactions \(5\) "
                                          r"must be at most half of n_items \(4\)"):
        BanditEnvironment(n_items=8, min_user_interactions=5)

"""Round 53 (F): a simulation asked for longer lists than its first rounds can fill.

``BanditEnvironment.run(k=...)`` above the items there at the start said "k=31 is more
than the 24 items available at the start" without saying why 24 of 30 (new_item_share
holds items back until later rounds) or what would be right; it now says both.
"""

from __future__ import annotations

import pytest

from recstack.errors import ConfigError
from recstack.pipeline.bandits import UCB1
from recstack.pipeline.simulation import BanditEnvironment


def test_k_beyond_the_items_of_the_first_round_names_the_bound_and_the_remedy():
    # 30 items, 20% of them (6) new items arriving during the run: 24 at the start
    environment = BanditEnvironment(n_users=20, n_items=30, new_item_share=0.2, seed=1)
    with pytest.raises(ConfigError, match=r"^BanditEnvironment.run: k=25 is more than the 24 "
                       r"items available at the start \(the 30 items less the "
                       r"new_item_share = 0.2 that arrive during the run\); give k <= 24, "
                       r"or an environment with more items or a lower new_item_share$"):
        environment.run(UCB1(n_items=30), n_rounds=2, k=25)
    # 24 itself is allowed
    assert len(environment.run(UCB1(n_items=30), n_rounds=2, k=24).clicks) == 2

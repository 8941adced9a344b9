"""Eighth bad-input probe, ``similar_items`` of an item with fewer neighbours than ``k``:
item-kNN leaves the remaining slots empty ("other items are not similar with 0 but no
answer"), while RP3beta, whose pruned walk reaches only some items, filled them with the
first items of the catalog by index, at similarity 0, as if they were similar."""

from __future__ import annotations

import numpy as np

from recstack.data.interactions import Interactions
from recstack.models import create_model


def test_an_item_the_walk_reaches_once_has_one_neighbour():
    # item 9 is seen only with item 8 (user 99)
    data = Interactions.from_arrays([0, 0, 1, 1, 2, 2, 3, 3, 99, 99],
                                    [0, 1, 1, 2, 2, 3, 0, 3, 8, 9])
    for name in ("rp3beta", "item_knn"):
        items, scores = create_model(name).fit(data).similar_items([9], k=4)
        assert items.tolist() == [[8, -1, -1, -1]], name
        assert np.isneginf(scores[0, 1:]).all() and scores[0, 0] > 0

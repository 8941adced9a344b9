"""Two-hundred-forty-second bad-input probe, ``similar_items`` of a blend whose members
give some items no answer (``-inf``: item-kNN's pruned neighbours, items RP3beta's walk
does not reach): the blend normalised each member's row with every ``-inf`` counted as the
row's minimum, so an item with one neighbour got a constant row, every value 0, and the
list was the catalog in index order (items 0, 1, 2, 3), without the neighbour (item 8).
Items no weighted member answers now stay no answer, as in the members' own lists."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.models import create_model


def _data() -> Interactions:
    # item 9 is seen only with item 8 (user 99); items 0-3 form a ring of users 0-3
    return Interactions.from_arrays([0, 0, 1, 1, 2, 2, 3, 3, 99, 99],
                                    [0, 1, 1, 2, 2, 3, 0, 3, 8, 9])


@pytest.mark.parametrize("normalization", ["zscore", "minmax"])
def test_an_item_with_one_neighbour_lists_that_neighbour_alone(normalization):
    blend = create_model("blend", members=[{"type": "item_knn"}, {"type": "rp3beta"}],
                         weights=[1.0, 1.0], normalization=normalization).fit(_data())
    items, scores = blend.similar_items([9], k=4)
    assert items.tolist() == [[8, -1, -1, -1]]
    # each member's row holds one finite value: normalised, a constant row is 0
    assert scores[0, 0] == 0.0
    assert np.isneginf(scores[0, 1:]).all()


@pytest.mark.parametrize("member", ["item_knn", "rp3beta"])
def test_a_blend_of_one_model_lists_the_items_that_model_lists(member):
    data = _data()
    alone = create_model(member).fit(data)
    blend = create_model("blend", members=[{"type": member}], weights=[1.0]).fit(data)
    for item in data.items.external_ids.tolist():
        own = alone.similar_items([item], k=5)[0]
        blended = blend.similar_items([item], k=5)[0]
        # the same answers (ties may order differently after normalising), the same pads
        assert sorted(blended[0].tolist()) == sorted(own[0].tolist()), item
        assert (blended == -1).sum() == (own == -1).sum(), item


def test_a_member_of_weight_zero_answers_nothing():
    # ease answers every item (its similarities are finite); with weight 0 it counts for
    # nothing, so item 9's list is item-kNN's alone
    blend = create_model("blend", members=[{"type": "item_knn"}, {"type": "ease"}],
                         weights=[1.0, 0.0]).fit(_data())
    assert blend.similar_items([9], k=3)[0].tolist() == [[8, -1, -1]]

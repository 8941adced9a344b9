"""Thirtieth probe, ``IdMap.to_external`` given indices outside the map (an external id
passed where a dense index was meant, or an index of another map): it said only "index
out of range 0..2", naming none of the offending indices. Now it names how many are
outside, the first of them, and what the method takes instead."""

import pytest

from recstack.data.interactions import Interactions
from recstack.errors import RecstackError


def test_indices_outside_the_map_are_named():
    users = Interactions.from_arrays([10, 20, 30], [1, 1, 2]).users
    with pytest.raises(RecstackError, match=r"^index out of range 0\.\.2: 2 of 3 indices are "
                                            r"outside it, e.g. \[30, -1\] \(dense indices, "
                                            r"not external ids; to_index gives the index of "
                                            r"an id\)$"):
        users.to_external([1, 30, -1])


def test_indices_inside_the_map_are_unchanged():
    users = Interactions.from_arrays([10, 20, 30], [1, 1, 2]).users
    assert users.to_external([2, 0]).tolist() == [30, 10]

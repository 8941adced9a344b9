"""Ninety-third bad-input probe, ids given in something that is not a column.

A generator, a set, a dict or one text given as the ids of ``from_arrays`` was refused as
"ids must be a flat list, got an array of shape ()": numpy had wrapped the object, and the
message named an array the call never gave. It now names what was given and why it is no
column (no order to pair the ids with the other columns by, or not a list at all)."""

from __future__ import annotations

import pytest

from recstack.data.interactions import Interactions
from recstack.errors import DataFormatError


@pytest.mark.parametrize(("users", "shown"), [
    ((u for u in [1, 2]), r"got generator <generator object"),
    ({1, 2}, r"got set \{1, 2\}"),
    ({1: 1, 2: 2}, r"got dict \{1: 1, 2: 2\}"),
    ("ab", r"got str 'ab'"),
])
def test_a_container_without_order_or_one_text_is_named_as_what_it_is(users, shown):
    with pytest.raises(DataFormatError, match=rf"column 'user_id': ids must be a list, array "
                                              rf"or column, {shown}.*in the order of the "
                                              rf"other columns"):
        Interactions.from_arrays(users, [1, 2])


def test_the_item_column_is_named_too():
    with pytest.raises(DataFormatError, match=r"column 'item_id': ids must be a list"):
        Interactions.from_arrays([1, 2], {3, 4})


def test_lists_tuples_and_arrays_still_read():
    assert Interactions.from_arrays((1, 2), [3, 4]).n_users == 2
    assert Interactions.from_arrays(list(u for u in [1, 2]), [3, 4]).n_items == 2

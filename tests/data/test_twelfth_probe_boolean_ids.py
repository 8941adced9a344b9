"""Twelfth bad-input probe, ids given as a Python list: numpy reads ``[0, True]`` as the
integers 0 and 1, so a boolean among numbers became user (or item) 1 before the id rule,
which refuses booleans, could see it. An array or a pandas column already kept it."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.data.idmap import id_values
from recstack.data.interactions import Interactions
from recstack.errors import DataFormatError


@pytest.mark.parametrize("users", [[0, True], (5, False), [2.0, True], [0, np.True_]])
def test_a_boolean_among_numbered_user_ids_is_refused_by_column_and_position(users):
    with pytest.raises(DataFormatError, match=r"column 'user_id': the value at position 1 "
                                              r"is (True|False), a boolean"):
        Interactions.from_arrays(users, [10, 11])


def test_a_boolean_among_item_ids_is_refused_too():
    with pytest.raises(DataFormatError, match=r"column 'item_id': the value at position 0 "
                                              r"is True, a boolean"):
        Interactions.from_arrays([1, 2], [True, 11])


def test_the_id_rule_sees_a_lists_booleans():
    with pytest.raises(DataFormatError, match=r"position 2 is False, a boolean"):
        id_values([3, 4, False], "ids")
    # whole numbers without booleans are read as before, in one array operation
    assert id_values([3, 4.0, 5]).tolist() == [3, 4, 5]
    data = Interactions.from_arrays([0, 1, 1], [7, 7, 8])
    assert (data.n_users, data.n_items) == (2, 2)

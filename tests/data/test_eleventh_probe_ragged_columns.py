"""Eleventh probe, columns handed to Interactions.from_arrays as ragged nested lists: each
is refused naming its column, where numpy's own ValueError named neither the column nor
the problem."""

import pytest

from recstack.data.interactions import Interactions
from recstack.errors import DataFormatError


@pytest.mark.parametrize(("arguments", "column"), [
    ({"user_ids": [[1], [2], "a"], "item_ids": [1, 2, 3]}, "user_id"),
    ({"user_ids": [1, 2, 3], "item_ids": [[1], [2, 3], 4]}, "item_id"),
    ({"user_ids": [1, 2], "item_ids": [3, 4], "values": [[1.0], [2.0, 3.0]]}, "value"),
    ({"user_ids": [1, 2], "item_ids": [3, 4], "timestamps": [[1], [2, 3]]}, "timestamp"),
])
def test_a_ragged_nested_list_is_refused_by_its_column(arguments, column):
    with pytest.raises(DataFormatError, match=rf"column '{column}': holds lists of different "
                                              r"lengths \(a nested list, not one value per "
                                              r"row\) \(expected one \w+ per interaction\)"):
        Interactions.from_arrays(**arguments)


def test_flat_columns_still_load():
    data = Interactions.from_arrays([1, 2], [3, 4], values=[4.0, 5.0], timestamps=[10, 20])
    assert len(data) == 2

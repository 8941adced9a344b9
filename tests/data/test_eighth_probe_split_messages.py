"""Eighth probe, what a split that cannot work says: its parameters as its report shows them
(``(n=1)``, not a dict), reasons that read after their count, and no advice that k refuses
(``choose a k of at most 1`` for one row, where k must be 2 or more)."""

import pytest

from recstack.data.interactions import Interactions
from recstack.data.splits import kfold_split, leave_last_out, temporal_split
from recstack.errors import EmptyResultError


def test_leave_last_out_names_its_parameter_and_the_reason_plainly():
    # every user's last row holds an item no other row has: all are set apart
    data = Interactions.from_arrays([0, 0, 1, 1], [0, 1, 0, 2], None, [1, 2, 1, 2])
    with pytest.raises(EmptyResultError) as raised:
        leave_last_out(data, 1)
    assert str(raised.value) == (
        "leave_last_out split left no test rows (n=1): 2 rows were chosen for test and 2 "
        "of them set apart (2 whose item is never seen in training)")


def test_a_temporal_split_shows_both_parameters_the_same_way():
    data = Interactions.from_arrays([0, 1, 1], [0, 0, 1], None, [5, 7, 7])
    with pytest.raises(EmptyResultError, match=r"temporal split left no test rows "
                                               r"\(cutoff=7, test_fraction=0\.5\): .* "
                                               r"\(1 whose item is never seen in training; 1 "
                                               r"whose user has no training rows\)$"):
        temporal_split(data, test_fraction=0.5)


def test_kfold_of_one_row_says_two_rows_are_needed():
    data = Interactions.from_arrays([0], [0])
    with pytest.raises(EmptyResultError, match=r"there is only 1 row, so some fold would have no "
                                               r"test rows; k-fold needs at least 2 rows, one "
                                               r"per fold$"):
        kfold_split(data, 2)

"""A given split (files written elsewhere) whose test part repeats a pair of the held-out
user's fold-in history: the evaluator excludes fold-in items from the ranked list, so such
a test row could never be hit. It is set apart and counted like a test row repeating a
training pair (every metric of such a split was 0 without a word), and a split left with no
test row says so without printing its empty parameters as '({})'."""

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.data.splits import given_split
from recstack.errors import EmptyResultError

# user a trains on x, y; user b is held out: fold-in x, test x (the same pair) and y
USERS = ["a", "a", "b", "b", "b"]
ITEMS = ["x", "y", "x", "x", "y"]
IS_TEST = np.array([False, False, False, True, True])
FOLD_IN = np.array([False, False, True, False, False])


def test_a_test_pair_the_fold_in_holds_is_set_apart_and_counted():
    split = given_split(Interactions.from_arrays(USERS, ITEMS), IS_TEST, fold_in_mask=FOLD_IN)
    assert split.report.repeated_pair_rows == 1 and split.report.test_rows == 1
    assert list(split.test.items.to_external(split.test.item_index)) == ["y"]
    assert "set apart: 1 test row repeating a train or fold-in (user, item) pair" in str(
        split.report)


def test_a_split_left_without_test_rows_names_the_reason_not_empty_parameters():
    only_repeats = np.array([False, False, False, True, False])
    with pytest.raises(EmptyResultError) as caught:
        given_split(Interactions.from_arrays(USERS[:4], ITEMS[:4]), only_repeats[:4],
                    fold_in_mask=FOLD_IN[:4])
    message = str(caught.value)
    assert message.startswith("given split left no test rows: 1 row was chosen for test")
    assert "1 repeating a training or fold-in (user, item) pair" in message
    assert "{}" not in message

"""Forty-third probe, two silently wrong splits of held-out users.

``given_split`` took a row flagged both in ``is_test`` and in ``fold_in_mask``: the row was
revealed to the model as history and also held out as its target, and then set apart as a
"repeated pair", so a wrong pair of masks lost test rows with no word. It is refused now.

``user_split(by_time=True)`` broke ties in time the other way from ``leave_last_out``: of
a held-out user's rows at one time, the *first* by row order became the test target and
the rows after it the revealed history. Ties now follow row order, as in leave_last_out
(the later row is the later event)."""

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.data.splits import given_split, user_split
from recstack.errors import ConfigError


@pytest.fixture
def data():
    return Interactions.from_arrays([1, 1, 2, 2, 3, 3], [10, 11, 10, 11, 10, 11],
                                    timestamps=[1, 2, 3, 4, 5, 6])


def test_a_row_both_test_and_fold_in_is_refused_naming_the_rows(data):
    is_test = np.array([0, 0, 0, 1, 0, 1], bool)
    fold_in = np.array([0, 0, 1, 1, 1, 0], bool)
    with pytest.raises(ConfigError, match=r"^given split: 1 row\(s\) are flagged both in "
                                          r"is_test and in fold_in_mask, e\.g\. rows \[3\]"):
        given_split(data, is_test, fold_in_mask=fold_in)


def test_disjoint_masks_still_split(data):
    is_test = np.array([0, 0, 0, 1, 0, 1], bool)
    fold_in = np.array([0, 0, 1, 0, 1, 0], bool)
    split = given_split(data, is_test, fold_in_mask=fold_in)
    assert len(split.train) == 2 and len(split.fold_in) == 2 and len(split.test) == 2
    assert split.report.set_apart_rows == 0


def _tied():
    # two users, four items each, every row at the same time
    return Interactions.from_arrays([1, 1, 1, 1, 2, 2, 2, 2], [1, 2, 3, 4, 1, 2, 3, 4],
                                    timestamps=[5] * 8)


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_tied_times_make_the_last_rows_the_targets_as_in_leave_last_out(seed):
    data = _tied()
    split = user_split(data, 0.5, fold_in_fraction=0.75, by_time=True, seed=seed)
    # by definition: the held-out user's first three rows are revealed, the fourth (item 4)
    # is the target; leave_last_out's rule for ties at one time
    assert split.test.items.to_external(split.test.item_index).tolist() == [4]
    revealed = split.fold_in.items.to_external(split.fold_in.item_index).tolist()
    assert sorted(revealed) == [1, 2, 3]


def test_no_target_is_earlier_than_a_revealed_row_of_its_user():
    rng = np.random.default_rng(7)
    users = np.repeat(np.arange(20), 6)
    items = np.tile(np.arange(6), 20)
    times = rng.integers(0, 3, size=len(users))  # many ties
    data = Interactions.from_arrays(users, items, timestamps=times)
    split = user_split(data, 0.3, fold_in_fraction=0.5, by_time=True, seed=3)
    for user in np.unique(split.test.user_index):
        target = split.test.timestamp[split.test.user_index == user]
        revealed = split.fold_in.timestamp[split.fold_in.user_index == user]
        assert target.min() >= revealed.max()

"""One rounding rule for every split's share (``share_count``): to the nearest whole
number, a half rounded up, with the share read exactly as written. ``user_split`` rounded
its held-out user count half to even (0.5 x 5 users held out 2), and a float product
that should be a half (1 - 0.9 = 0.09999999999999998, 0.018 x 750 = 13.499999999999998)
rounded down. Counts worked by hand in each test."""

from __future__ import annotations

import warnings
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.data.splits import random_split, share_count, user_split
from recstack.errors import EmptyResultError


def _users(n_users: int, rows: int) -> Interactions:
    """``n_users`` users of ``rows`` rows each, all on the same items (no cold item)."""
    user = np.repeat(np.arange(n_users), rows)
    item = np.tile(np.arange(rows), n_users)
    return Interactions.from_arrays(user, item, timestamps=np.arange(len(user)))


def _chosen_per_user(split, n_users: int) -> set[int]:
    """How many rows of each user the split chose for test (kept or set apart)."""
    counts = np.bincount(split.test.user_index, minlength=n_users)
    counts += np.bincount(split.set_apart.user_index, minlength=n_users)
    return set(counts.tolist())


@pytest.mark.parametrize(("fraction", "count", "expected"), [
    (0.5, 5, 3),          # 2.5: a half, up (Python's round gave 2)
    (0.5, 3, 2),          # 1.5 -> 2
    (0.25, 2, 1),         # 0.5 -> 1
    (0.25, 6, 2),         # 1.5 -> 2
    (0.3, 5, 2),          # 1.5 -> 2
    (0.1, 4, 0),          # 0.4 -> 0
    (0.018, 750, 14),     # 13.5 -> 14 (float: 13.499999999999998)
    (0.009, 1500, 14),    # 13.5 -> 14 (float: 13.499999999999998)
    (Decimal("0.35"), 10, 4),   # 3.5 -> 4
    (Fraction(1, 3), 9, 3),     # exactly 3
    (np.float32(0.5), 7, 4),    # 3.5 -> 4
])
def test_share_count_rounds_a_half_up_exactly(fraction, count, expected):
    assert share_count(fraction, count) == expected


def test_share_count_over_an_array_counts_each_element():
    counts = share_count(0.25, np.array([2, 6, 10, 1, 6]))
    assert counts.tolist() == [1, 2, 3, 0, 2]  # 0.5, 1.5, 2.5, 0.25, 1.5


@pytest.mark.parametrize("share", [0.5, Decimal("0.5"), Fraction(1, 2), np.float32(0.5)])
def test_user_split_holds_out_half_of_five_users_as_three(share):
    split = user_split(_users(5, 4), share, seed=0)
    held = np.union1d(split.test.user_index, split.fold_in.user_index)
    assert len(held) == 3  # 0.5 x 5 = 2.5, a half up: 3 (was 2, half to even)


def test_user_split_rounds_the_targets_of_a_fold_in_share_exactly():
    # 15 rows, fold_in_fraction 0.9: (1 - 0.9) x 15 = 1.5 targets -> 2 (in floats
    # 1 - 0.9 is 0.09999999999999998, and 1.4999999999999996 rounded down to 1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        split = user_split(_users(4, 15), 0.5, fold_in_fraction=0.9, seed=0)
    targets = np.bincount(split.test.user_index) + np.bincount(
        split.set_apart.user_index, minlength=split.test.n_users)
    assert set(targets[targets > 0].tolist()) == {2}
    folds = np.bincount(split.fold_in.user_index)
    assert set(folds[folds > 0].tolist()) == {13}


@pytest.mark.parametrize(("fraction", "rows", "expected"), [
    (0.25, 2, 1),      # 0.5 -> 1
    (0.25, 6, 2),      # 1.5 -> 2
    (0.9, 15, 14),     # 13.5 -> 14
    (0.018, 750, 14),  # 13.5 -> 14 (was 13: float 13.499999999999998)
    (0.9, 2, 1),       # 1.8 -> 2, at most rows - 1: 1
])
def test_random_split_holds_out_the_rounded_share_of_each_user(fraction, rows, expected):
    split = random_split(_users(3, rows), fraction, seed=0)
    assert _chosen_per_user(split, 3) == {expected}


def test_random_split_chose_none_names_the_fewest_rows_exactly():
    # 0.018 x 28 = 0.504 -> 1 test row; 0.018 x 27 = 0.486 -> 0
    with pytest.raises(EmptyResultError, match=r"a user needs at least 28 rows for one "
                                               r"test row; the most any user has is 2"):
        random_split(_users(3, 2), 0.018)
    with pytest.raises(EmptyResultError, match=r"rounded \(a half up\)"):
        random_split(_users(3, 2), 0.1)


def test_a_split_report_writes_its_counts_in_agreement():
    from recstack.data.splits import SplitReport

    one = SplitReport(method="temporal", params={"cutoff": 10}, train_rows=1, test_rows=1,
                      fold_in_rows=1, test_users=1, cold_item_rows=1, cold_user_rows=1,
                      repeated_pair_rows=1, cold_fold_in_rows=1, users_without_test=2,
                      users_test_set_apart=1)
    text = str(one)
    assert "  train: 1 row\n" in text
    assert "  test:  1 row for 1 user\n" in text
    assert "  fold-in history of held-out users: 1 row\n" in text
    assert "  set apart: 1 test row whose item never occurs in train" in text
    assert "  set apart: 1 test row of users with no train rows" in text
    assert "  set apart: 1 fold-in row whose item never occurs in train" in text
    # 2 without test rows, 1 of them because their test rows were set apart: 1 and 1
    assert "  1 user has no test rows (" in text
    assert "  1 user has no test rows left" in text
    assert "1 rows" not in text and "1 users" not in text
    many = str(SplitReport(method="random", params={}, train_rows=1200, test_rows=2,
                           fold_in_rows=0, test_users=2, users_without_test=3))
    assert "  train: 1,200 rows\n  test:  2 rows for 2 users" in many
    assert "  3 users have no test rows" in many


def test_the_interactions_repr_writes_its_counts_in_agreement():
    one = Interactions.from_arrays([1], [2])
    assert repr(one) == "Interactions(1 row, 1 user x 1 item, implicit, without timestamps)"
    two = Interactions.from_arrays([1, 2], [2, 2], timestamps=[1, 2])
    assert repr(two) == "Interactions(2 rows, 2 users x 1 item, implicit, with timestamps)"

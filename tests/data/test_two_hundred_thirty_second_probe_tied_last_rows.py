"""leave_last_out and user_split(by_time=True) warn when a held-out row shares its time
with a row kept (training or fold-in): which of the tied rows is held out follows row order,
not time. They held out the later row in the data without a word (MovieLens' files list a
user's ratings by item, and many share one second: the highest item ids were held out)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from recstack.data.interactions import Interactions
from recstack.data.splits import (
    TiedCutoffWarning,
    TiedLastRowsWarning,
    leave_last_out,
    user_split,
)


def _data(users, items, times) -> Interactions:
    return Interactions.from_frame(pd.DataFrame(
        {"user_id": users, "item_id": items, "timestamp": times}), value_col=None)


def _test_pairs(split) -> set[tuple[int, int]]:
    test = split.test
    return set(zip(test.users.to_external(test.user_index).tolist(),
                   test.items.to_external(test.item_index).tolist(), strict=True))


def test_leave_last_out_warns_of_a_tie_at_the_boundary_and_keeps_row_order():
    # user 1: items 10 (t=1), 20 (t=2), 30 (t=2): the last row by time is 20 or 30, a tie;
    # row order holds out 30. user 2: 10 (t=5), 20 (t=6): no tie. user 3: two rows at
    # t=-7 (before 1970): a tie. user 4: one row, nothing held out.
    data = _data([1, 1, 1, 2, 2, 3, 3, 4], [10, 20, 30, 10, 20, 30, 10, 50],
                 [1, 2, 2, 5, 6, -7, -7, 9])
    with pytest.warns(TiedLastRowsWarning) as caught:
        split = leave_last_out(data)
    assert _test_pairs(split) == {(1, 30), (2, 20), (3, 10)}  # unchanged: row order
    assert len(caught) == 1
    message = str(caught[0].message)
    assert message.startswith("leave_last_out: for 2 users of the 3 with test rows, a test "
                              "row has the time of a row kept in training (e.g. user 1: "
                              "item 30 went to test and item 20 to training, both at 2 "
                              "(1970-01-01T00:00:02Z)), so which of the tied rows is held "
                              "out follows row order")
    assert caught[0].filename == __file__
    # one filter silences it with the temporal split's tie warning
    assert issubclass(TiedLastRowsWarning, TiedCutoffWarning)


@pytest.mark.parametrize("n", [1, 2])
def test_leave_last_out_without_a_tie_at_the_boundary_is_silent(n):
    # user 1's two last rows tie with each other, but both go to test at n=2; at n=1 the
    # row before the last is at another time
    data = _data([1, 1, 1, 1, 2, 2, 2, 2], [1, 2, 3, 4, 4, 3, 2, 1],
                 [1, 2, 3, 3, 1, 2, 3, 4] if n == 2 else [1, 2, 3, 4, 1, 2, 3, 4])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        split = leave_last_out(data, n)
    assert len(split.test) == 2 * n


def test_the_tie_is_between_the_last_held_out_and_the_first_kept_row():
    # n=2: user 1's held-out rows are 40 (t=4) and 30 (t=3); the kept row before them is
    # 20 at t=3, tied with 30; user 2 (no tie) trains on 30 and 40
    data = _data([1, 1, 1, 1, 2, 2, 2, 2], [10, 20, 30, 40, 30, 40, 10, 20],
                 [1, 3, 3, 4, 1, 2, 3, 4])
    with pytest.warns(TiedLastRowsWarning, match=r"for 1 user of the 2 with test rows.*"
                      r"item 30 went to test and item 20 to training, both at 3 "):
        split = leave_last_out(data, 2)
    assert _test_pairs(split) == {(1, 30), (1, 40), (2, 10), (2, 20)}


def test_user_split_by_time_warns_of_a_tie_between_targets_and_fold_in():
    # every user held out but one; each held-out user of 2 rows has 1 target
    data = _data([1, 1, 2, 2, 3, 3, 4, 4], [1, 2, 1, 2, 1, 2, 1, 2],
                 [5, 5, 5, 5, 5, 5, 5, 5])
    with pytest.warns(TiedLastRowsWarning, match=r"^user split \(by_time=True\): for 3 users "
                      r"of the 3 with test rows, a test row has the time of a row kept in "
                      r"the fold-in history"):
        split = user_split(data, 0.75, fold_in_fraction=0.5, by_time=True, seed=0)
    assert len(split.test) == 3 and len(split.fold_in) == 3
    # by_time=False chooses at random: no time order to be tied
    with warnings.catch_warnings():
        warnings.simplefilter("error", TiedLastRowsWarning)
        user_split(data, 0.75, fold_in_fraction=0.5, seed=0)


def test_a_held_out_user_without_fold_in_is_not_taken_for_tied():
    # user 9 has one row: it is the target, with no fold-in row; its time (0) must not be
    # compared with a default
    data = _data([1, 1, 2, 2, 9], [1, 2, 1, 2, 1], [0, 1, 0, 1, 0])
    with warnings.catch_warnings():
        warnings.simplefilter("error", TiedLastRowsWarning)
        for seed in range(6):
            user_split(data, 0.4, fold_in_fraction=0.5, by_time=True, seed=seed)
    assert np.array_equal(data.timestamp, [0, 1, 0, 1, 0])

"""user_split says, at the split, how many held-out test users have no fold-in history
(before, nothing was said until the evaluator's NoHistoryWarning, and only from a tenth of
the test users)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.data.splits import NoFoldInWarning, user_split


def _data(single_row_users: int) -> Interactions:
    # 10 users with 5 rows each over 5 items, then users with a single row (item 0)
    users = [u for u in range(10) for _ in range(5)]
    items = [i for _ in range(10) for i in range(5)]
    users += list(range(100, 100 + single_row_users))
    items += [0] * single_row_users
    return Interactions.from_arrays(users, items)


def test_single_row_held_out_users_are_counted_at_the_split():
    data = _data(10)
    with pytest.warns(NoFoldInWarning) as caught:
        split = user_split(data, 0.5, seed=3)
    # by definition: the held-out test users that have no fold-in row
    tested = set(split.test.users.to_external(np.unique(split.test.user_index)).tolist())
    revealed = set(split.fold_in.users.to_external(
        np.unique(split.fold_in.user_index)).tolist())
    without = tested - revealed
    assert without and all(user >= 100 for user in without)  # only single-row users
    message = str(caught[0].message)
    assert f"{len(without)} of the {len(tested)} held-out test users" in message
    assert f"{len(without)} have a single row" in message
    assert caught[0].filename == __file__  # pointed at the caller's line


def test_a_rounding_to_no_fold_in_row_is_counted_too():
    # users of 2 rows with fold_in_fraction 0.2: round(0.8 * 2) = 2 targets, no fold-in
    data = Interactions.from_arrays([u for u in range(10) for _ in range(2)],
                                    [i for u in range(10) for i in (u % 3, 3)])
    with pytest.warns(NoFoldInWarning, match="have a few rows"):
        user_split(data, 0.3, fold_in_fraction=0.2, seed=0)


def test_no_warning_when_every_held_out_user_has_a_fold_in_row():
    with warnings.catch_warnings():
        warnings.simplefilter("error", NoFoldInWarning)
        split = user_split(_data(0), 0.5, seed=3)
    assert split.fold_in is not None and len(split.fold_in)

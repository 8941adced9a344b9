"""Fifty-eighth bad-input probe, the order of candidate rows: ``Candidates.take`` with
positions that split a user's rows (or take one row twice) returned candidates whose user
was no longer one contiguous block (or a pair twice), and a hand-built set of candidates
could hold such rows too; each user's rows are read as one query group, so the features
failed later naming no candidate row ("the rows of a group must be contiguous"), and a
repeated pair counted twice. Both are now refused naming the rows; positions that keep
each user's rows together are still taken in the order given."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.errors import RecstackError
from recstack.pipeline.candidates import Candidates


def _candidates(users=(0, 0, 1, 1), items=(1, 2, 0, 3)) -> Candidates:
    n = len(users)
    return Candidates(np.array(users, np.int64), np.array(items, np.int64),
                      np.arange(n, dtype=np.float32)[:, None], np.ones((n, 1), np.float32),
                      ("a",), 5)


def test_take_keeps_the_rows_asked_for_in_their_order():
    taken = _candidates().take([0, 2, 3])
    assert (taken.users.tolist(), taken.items.tolist()) == ([0, 1, 1], [1, 0, 3])
    assert taken.scores[:, 0].tolist() == [0.0, 2.0, 3.0]
    # a user's block as a whole may move
    moved = _candidates().take([2, 3, 0, 1])
    assert (moved.users.tolist(), moved.items.tolist()) == ([1, 1, 0, 0], [0, 3, 1, 2])
    mask = _candidates().take(np.array([False, True, True, False]))
    assert (mask.users.tolist(), mask.items.tolist()) == ([0, 1], [2, 0])


@pytest.mark.parametrize(("rows", "message"), [
    ([3, 1, 2], r"row 2 \(at position 2 of rows\) is user 1's, whose rows up to position 0 "
                r"are separated from it by another user's"),
    ([1, 1], r"row 1 \(at position 1 of rows\) is taken again \(first at position 0\)"),
    ([0, 2, 0], r"row 0 \(at position 2 of rows\) is taken again \(first at position 0\)"),
])
def test_take_refuses_positions_that_split_a_user_or_repeat_a_row(rows, message):
    with pytest.raises(RecstackError, match=r"^Candidates.take: " + message + r"; take each "
                                            r"row once, keeping each user's rows together"):
        _candidates().take(rows)


@pytest.mark.parametrize(("users", "items", "message"), [
    ((1, 0, 1), (1, 2, 3), r"row 2 \(user 1, item 3\) belongs to the same user as row 0, but "
                           r"another user's rows come between them"),
    ((0, 0, 0), (1, 2, 1), r"row 2 \(user 0, item 1\) repeats the pair of row 0"),
    ((0, 0), (3, 3), r"row 1 \(user 0, item 3\) repeats the pair of row 0"),
])
def test_hand_built_rows_that_split_a_user_or_repeat_a_pair_are_refused(users, items, message):
    with pytest.raises(RecstackError, match=r"^Candidates: " + message + r"; each user's rows "
                                            r"must be contiguous and each pair given once"):
        _candidates(users, items)


def test_contiguous_distinct_rows_are_kept():
    assert len(_candidates((0, 0, 2), (0, 5, 1))) == 3
    assert len(_candidates((2, 0), (1, 1))) == 2
    assert len(_candidates((), ())) == 0

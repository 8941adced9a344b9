"""Seventh probe, splits that choose no test or no training row say why: a random split
or leave-last-out over users too small to hold any row out ('0 rows were chosen for test
and 0 of them set apart'), a temporal cutoff outside the data's times or a test_fraction
whose cutoff fell on an earliest time most rows share (the message named only the cutoff
in seconds)."""

import pandas as pd
import pytest

from recstack.data.interactions import Interactions
from recstack.data.splits import leave_last_out, random_split, temporal_split
from recstack.errors import EmptyResultError


def _rows_per_user(counts, times=None):
    users = [u for u, count in enumerate(counts) for _ in range(count)]
    items = [i for count in counts for i in range(count)]
    frame = pd.DataFrame({"user_id": users, "item_id": items,
                          "timestamp": times if times is not None else range(len(users))})
    return Interactions.from_frame(frame)


def test_random_split_names_the_rows_a_user_needs_for_one_test_row():
    # round(0.1 * 3) = 0 for every user; one test row needs 0.1 * rows >= 0.5: 5 rows
    data = _rows_per_user([3, 3, 2])
    with pytest.raises(EmptyResultError, match=r"random split left no test rows .*a user "
                                               r"needs at least 5 rows for one test row; "
                                               r"the most any user has is 3"):
        random_split(data, 0.1)


@pytest.mark.parametrize("split", [lambda d: random_split(d, 0.5),
                                   lambda d: leave_last_out(d, 1)])
def test_users_of_one_row_each_are_named_as_such(split):
    with pytest.raises(EmptyResultError, match=r"left no test rows .*every user has a "
                                               r"single row"):
        split(_rows_per_user([1, 1, 1]))


def test_leave_last_out_names_the_largest_n_that_holds_rows_out():
    with pytest.raises(EmptyResultError, match=r"leave_last_out split left no test rows "
                                               r"\(n=4\).*the most any user has is 4; "
                                               r"choose an n of at most 3"):
        leave_last_out(_rows_per_user([4, 2]), 4)


def test_a_test_fraction_whose_cutoff_is_the_shared_earliest_time_says_so():
    # four of five rows at t=10: the 50% cutoff is t=10 and every row is test; the row at
    # t=20 is a new pair of a known user and item, so the 20% split keeps it as test
    data = Interactions.from_frame(pd.DataFrame({
        "user_id": [0, 1, 2, 0, 1], "item_id": ["a", "a", "b", "b", "b"],
        "timestamp": [10, 10, 10, 10, 20]}))
    with pytest.raises(EmptyResultError, match=r"4 of the 5 rows share the earliest time, "
                                               r"1970-01-01T00:00:10Z.*test_fraction of "
                                               r"at most 0\.2 "):
        temporal_split(data, test_fraction=0.5)
    # and the share it names does split
    assert len(temporal_split(data, test_fraction=0.2).test) == 1


@pytest.mark.parametrize("cutoff, says", [
    ("2020-01-01", r"leaves no training rows: it is at or before the earliest time, "
                   r"2021-01-01T00:00:00Z"),
    ("2023-01-01", r"leaves no test rows: it is after the latest time, 2022-01-01T00:00:00Z"),
])
def test_a_cutoff_outside_the_data_names_the_first_and_last_times(cutoff, says):
    # 2021-01-01 and 2022-01-01 in Unix seconds (18628 and 18993 days after 1970)
    data = _rows_per_user([2], times=[18628 * 86400, 18993 * 86400])
    with pytest.raises(EmptyResultError, match=says):
        temporal_split(data, cutoff)

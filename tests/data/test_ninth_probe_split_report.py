"""Ninth bad-input probe: the split report's reason for users without test rows.

Every user without a kept test row was reported as having "too little history to hold any
out": a leave-last-out user whose last item is new to training (its one test row set
apart), and, in a temporal split, a user whose rows all precede the cutoff."""
from recstack.data.interactions import Interactions
from recstack.data.splits import leave_last_out, temporal_split


def test_a_user_whose_test_row_was_set_apart_is_not_said_to_have_too_little_history():
    # user 1's last item (9) occurs nowhere else: its one test row is set apart;
    # user 2's last item (1) is in user 1's training rows: it stays in test
    data = Interactions.from_arrays([1, 1, 1, 2, 2], [1, 2, 9, 2, 1], None,
                                    [10, 20, 30, 10, 40])
    report = leave_last_out(data, 1).report
    assert report.test_users == 1 and report.cold_item_rows == 1
    assert report.users_without_test == 1 and report.users_test_set_apart == 1
    text = str(report)
    assert "1 user has no test rows left (every test row of theirs was set apart" in text
    assert "too little history" not in text


def test_temporal_users_before_the_cutoff_are_said_to_have_no_rows_after_it():
    # user 3 is active only before the cutoff 100: no row of theirs is chosen for test
    data = Interactions.from_arrays([1, 1, 2, 2, 3, 3], [1, 2, 2, 1, 1, 2], None,
                                    [10, 200, 10, 300, 20, 30])
    report = temporal_split(data, 100).report
    assert report.users_without_test == 1 and report.users_test_set_apart == 0
    text = str(report)
    assert "1 user has no test rows (no rows at or after the cutoff)" in text
    assert "too little history" not in text

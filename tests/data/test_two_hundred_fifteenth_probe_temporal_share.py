"""temporal_split(test_fraction=f) keeps share_count(f, n) rows for test (the one rounding
rule of every split's share), not numpy's "higher" quantile's 1 + floor(f x (n - 1))."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.data.splits import temporal_cutoff_position, temporal_split
from recstack.errors import EmptyResultError

USERS = np.arange(10) % 2
# user 0 takes item k at time 2k, user 1 item k + 1 at time 2k + 1: the latest row
# (user 1, item 0) stays in test for any cutoff after time 1
ITEMS = np.where(USERS == 0, np.arange(10) // 2, (np.arange(10) // 2 + 1) % 5)


def _data():
    # one row a second at times 0..9: the cutoff c leaves the 10 - c rows at times c..9
    # for test
    return Interactions.from_arrays(USERS, ITEMS, timestamps=np.arange(10, dtype=np.int64))


@pytest.mark.parametrize(("fraction", "test_rows"), [
    (0.34, 3),   # 3.4 rounds to 3 (the quantile kept 1 + floor(0.34 x 9) = 4)
    (0.35, 4),   # 3.5, a half, rounds up (read exactly: 0.35 x 10 is 3.5 as written)
    (0.25, 3),   # 2.5 rounds up
    (0.05, 1),   # 0.5 rounds up to one row
    (0.5, 5),
    (Decimal("0.15"), 2),  # 1.5 rounds up
])
def test_the_test_part_is_the_share_rounded_a_half_up(fraction, test_rows):
    split = temporal_split(_data(), test_fraction=fraction)
    assert split.report.params["cutoff"] == 10 - test_rows
    assert temporal_cutoff_position(fraction, 10) == 10 - test_rows


def test_at_most_all_rows_but_one_are_test():
    # 0.95 x 10 = 9.5 rounds to 10: at most n - 1 = 9, so that a row trains
    assert temporal_cutoff_position(0.95, 10) == 1
    assert temporal_cutoff_position(0.999, 3) == 1


def test_a_share_of_no_row_is_refused_with_the_least_share_that_gives_one():
    # 0.04 x 10 = 0.4 rounds to no row; the quantile rule gave one row (a tenth) silently
    with pytest.raises(EmptyResultError, match=r"temporal split left no test rows "
                                               r"\(test_fraction=0.04\): .*rounded \(a half "
                                               r"up\), which is no row; raise test_fraction "
                                               r"to at least 0.05"):
        temporal_split(_data(), test_fraction=0.04)


def test_ties_at_the_cutoff_are_all_test():
    # the latest 2 rows (0.2 x 10) begin at time 8, which rows 7 and 8 share: both are test
    times = np.array([0, 1, 2, 3, 4, 5, 6, 8, 8, 9], dtype=np.int64)
    data = Interactions.from_arrays(USERS, ITEMS, timestamps=times)
    split = temporal_split(data, test_fraction=0.2)
    assert split.report.params["cutoff"] == 8


def test_one_row_chosen_for_test_is_counted_in_agreement():
    # the latest row (user 0, item 0 again) repeats a training pair: set apart
    data = Interactions.from_arrays([0, 1, 0], [0, 0, 0],
                                    timestamps=np.array([0, 1, 2], dtype=np.int64))
    with pytest.raises(EmptyResultError, match=r"1 row was chosen for test and 1 of them "
                                               r"set apart \(1 repeating"):
        temporal_split(data, test_fraction=0.3)

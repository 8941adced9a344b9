"""Eighth probe, choosing rows: a 0/1 integer mask (``(rating > 3).astype(int)``) was read as
row positions, taking the first two rows again and again, and ``between`` with its bounds
swapped returned no row without a word."""

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import ConfigError

START = 1_600_000_000


@pytest.fixture
def data():
    return Interactions.from_arrays(["a", "a", "b", "c"], ["x", "y", "x", "z"],
                                    [1.0, 4.0, 5.0, 2.0], START + 10 * np.arange(4))


def test_an_integer_mask_is_refused_naming_both_readings(data):
    liked = (data.value > 3).astype(int)  # [0, 1, 1, 0]
    with pytest.raises(ConfigError, match=r"got 4 integer zeros and ones for 4 rows: a mask\? "
                                          r".*np\.asarray\(mask, dtype=bool\).*"
                                          r"np\.flatnonzero\(mask\)"):
        data.select(liked)
    # the definition of a mask: the rows where it is true
    assert data.select(liked.astype(bool)).value.tolist() == [4.0, 5.0]


def test_an_integer_mask_over_users_is_refused_too(data):
    with pytest.raises(ConfigError, match=r"got 3 integer zeros and ones for 3 ids"):
        data.for_users([1, 0, 1])
    # positions that happen to be 0 and 1 only, fewer than the ids, are positions
    assert data.for_users([0, 1]).users.to_external(
        np.unique(data.for_users([0, 1]).user_index)).tolist() == ["a", "b"]


def test_swapped_bounds_are_refused(data):
    with pytest.raises(ConfigError, match=r"between: start \(1600000025\) is after end "
                                          r"\(1600000005\)"):
        data.between(START + 25, START + 5)
    assert len(data.between(START + 5, START + 25)) == 2  # rows at +10 and +20

"""Hundred-tenth probe: novelty's ``item_counts`` are numbers of users (p(i) = c_i / n_users);
shares of users (0.05) or a weighted popularity given in their place made p(i) n_users times
too small and every novelty too large, without a word. A count that is not a whole number is
refused now, naming its position; whole counts, as floats too, are read as before."""

from __future__ import annotations

import math

import numpy as np
import pytest

from recstack.metrics import MetricInputError
from recstack.metrics.beyond_accuracy import novelty

LISTS = np.array([[0, 1], [2, -1]])


def test_shares_of_users_are_refused_naming_the_first():
    with pytest.raises(MetricInputError, match=r"^item_counts must hold whole numbers of users "
                                               r"\(item_user_counts of the training data\); "
                                               r"position 0 holds 0\.5 \(shares of users\? "
                                               r"pass the counts\)$"):
        novelty(LISTS, [0.5, 0.25, 0.25], 20)


def test_a_weighted_popularity_is_refused():
    with pytest.raises(MetricInputError, match=r"position 1 holds 2\.5$"):
        novelty(LISTS, [4, 2.5, 1], 20)


def test_whole_counts_as_floats_are_read_by_the_definition():
    got = novelty(LISTS, np.array([4.0, 2.0, 1.0]), 20)
    # mean of -log2(c_i / n_users) over each list
    assert got[0] == pytest.approx((-math.log2(4 / 20) - math.log2(2 / 20)) / 2, abs=1e-12)
    assert got[1] == pytest.approx(-math.log2(1 / 20), abs=1e-12)

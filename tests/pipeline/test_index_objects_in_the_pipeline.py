"""Index arguments of the bandits, the off-policy estimators and the simulation follow the
models' rule: an object array of integers (a pandas object column's ``to_numpy()``) is
integers, as the same values in a list are; a float, None or text among the objects is
still refused. Before, the object array was refused ("got dtype object") while the list of
numpy integers was taken."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.pipeline.bandit_checks import BanditInputError
from recstack.pipeline.off_policy import deterministic_target, ips


def test_an_object_array_of_ints_is_the_ints():
    as_objects = np.array([2, 0, np.int64(1)], dtype=object)
    expected = np.eye(3)[[2, 0, 1]]  # one-hot rows, by the definition of the target
    np.testing.assert_array_equal(deterministic_target(as_objects, 3), expected)
    np.testing.assert_array_equal(deterministic_target([np.int32(2), 0, 1], 3), expected)


def test_an_estimate_reads_object_actions_as_the_actions():
    rewards = np.array([1.0, 0.0, 1.0, 1.0])
    propensities = np.array([0.5, 0.5, 0.25, 0.5])
    target = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 0.0], [0.5, 0.5]])
    actions = [0, 1, 0, 1]
    # IPS by hand: mean of r * pi(a) / p = (1*1/0.5 + 0 + 1*1/0.25 + 1*0.5/0.5) / 4
    by_hand = (2.0 + 0.0 + 4.0 + 1.0) / 4
    for given in (actions, np.array(actions, dtype=object)):
        assert ips(rewards, given, propensities, target).value == pytest.approx(by_hand)


@pytest.mark.parametrize("odd", [1.0, None, "1", True])
def test_objects_that_are_not_all_integers_are_still_refused(odd):
    with pytest.raises(BanditInputError, match="deterministic_target: actions"):
        deterministic_target(np.array([0, odd], dtype=object), 3)

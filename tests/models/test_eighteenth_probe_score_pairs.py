"""Eighteenth bad-input probe, ``score(users, items)`` with lists of different lengths:
the natural ``score(user, [item_a, item_b])`` was refused with "users and items must pair
up: (1,) vs (2,)", naming neither the model nor the method, nor what to give instead."""

from __future__ import annotations

import re

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import ConfigError
from recstack.models import create_model


@pytest.fixture(scope="module")
def model():
    # 4 users x 4 items: user u has items u and u+1 (mod 4)
    users = np.repeat(np.arange(4), 2)
    items = (users + np.tile(np.arange(2), 4)) % 4
    return create_model("item_knn").fit(Interactions.from_arrays(users, items))


@pytest.mark.parametrize(("users", "items", "counts"), [
    (0, [1, 2], "1 user id(s) and 2 item id(s)"),
    ([0, 1, 2], [1], "3 user id(s) and 1 item id(s)"),
    ([0], [], "1 user id(s) and 0 item id(s)"),
])
def test_lists_of_different_lengths_are_refused_naming_the_model_and_the_fix(
        model, users, items, counts):
    with pytest.raises(ConfigError, match=r"^item_knn: score\(users, items\): users and "
                                          r"items must pair up .*" + re.escape(counts)
                                          + r".*\[user\] \* len\(items\)"):
        model.score(users, items)


def test_pairs_of_equal_length_still_score(model):
    # lists of one length score as before; one user and one item score as one pair
    scores = model.score([0, 0], [2, 3])
    assert scores.shape == (2,)
    assert np.array_equal(model.score(0, 2), scores[:1])

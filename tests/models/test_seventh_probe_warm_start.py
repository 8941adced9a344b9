"""Seventh bad-input probe, warm starts from a model that shares no id with the new data
(a model of another data set, or ids re-keyed): no vector carried over, and ``fit_from``
quietly made a fresh fit that the caller took for a warm start. Data that shares only its
items (every user new) or only its users still starts warm."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import ConfigError
from recstack.models import create_model

RNG = np.random.default_rng(0)
USERS, ITEMS = RNG.integers(0, 20, 150), RNG.integers(0, 12, 150)


def _data(user_prefix: str, item_prefix: str) -> Interactions:
    return Interactions.from_arrays(np.array([f"{user_prefix}{u}" for u in USERS]),
                                    np.array([f"{item_prefix}{i}" for i in ITEMS]))


@pytest.fixture(scope="module")
def previous():
    return create_model("als", factors=4, iterations=2).fit(_data("u", "i"))


@pytest.mark.parametrize("name", ["als", "bpr"])
def test_a_previous_model_sharing_no_id_is_refused(name):
    previous = create_model(name, factors=4).fit(_data("u", "i"))
    with pytest.raises(ConfigError, match=r"the previous model knows none of these 20 users "
                                          r"and 12 items .*'u0'.*'x0'.*nothing would carry "
                                          r"over"):
        create_model(name, factors=4).fit_from(previous, _data("x", "y"))


@pytest.mark.parametrize(("users", "items"), [("x", "i"), ("u", "y")])
def test_sharing_only_items_or_only_users_still_starts_warm(previous, users, items):
    model = create_model("als", factors=4, iterations=2).fit_from(previous, _data(users, items))
    assert model.is_fitted

"""Eighteenth bad-input probe, a two-tower model of one dimension: its user and item
embeddings are unit vectors, and a unit vector of one dimension is +1 or -1, so every
score was +1 or -1 (each list a run of ties in index order) or, when every item got +1,
training "collapsed" with advice to move the temperature and learning rate. ``dim=1``
passed the declaration (``low=1``); it is refused now, naming dim."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import ConfigError
from recstack.models import create_model

pytest.importorskip("torch")

SMALL = {"hidden": 8, "epochs": 1, "batch_size": 64, "device": "cpu"}


@pytest.fixture(scope="module")
def data() -> Interactions:
    # 8 users x 8 items: user u has items u, u+1 and u+2 (mod 8)
    users = np.repeat(np.arange(8), 3)
    items = (users + np.tile(np.arange(3), 8)) % 8
    return Interactions.from_arrays(users, items)


def test_one_dimension_is_refused_naming_dim(data):
    model = create_model("two_tower", dim=1, **SMALL)
    with pytest.raises(ConfigError, match=r"^two_tower: dim must be >= 2, got 1$"):
        model.fit(data)
    assert not model.is_fitted


def test_the_documented_constraint_says_it():
    assert "dim : int in [2, 65536], default 64" in create_model("two_tower").describe_params()


def test_two_dimensions_still_fit(data):
    model = create_model("two_tower", dim=2, **SMALL).fit(data)
    assert model.item_embeddings().shape == (8, 2)

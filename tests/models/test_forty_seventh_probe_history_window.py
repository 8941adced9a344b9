"""Forty-seventh bad-input probe, a generous ``recent_items`` for the two-tower model:
its training window was ``users x (recent_items + 1)`` whatever the data, so
``recent_items=10**6`` on 30 users of 8 items each allocated 240 MB and gathered a million
positions per example per batch (minutes for a fit of milliseconds). Every position past
the longest history is padding, so the model must be the same as with a window of that
length."""

from __future__ import annotations

import importlib.util
import time

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.models import create_model
from tests.models.quick_params import quick_params

pytestmark = pytest.mark.skipif(importlib.util.find_spec("torch") is None,
                                reason="needs PyTorch")


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    users = np.repeat(np.arange(30), 8)      # the longest history: 8 items
    items = np.concatenate([rng.choice(20, 8, replace=False) for _ in range(30)])
    return Interactions.from_arrays(users, items)


def fitted(data, recent_items):
    params = {**quick_params("two_tower"), "epochs": 2, "recent_items": recent_items}
    return create_model("two_tower", **params).fit(data)


def test_a_window_past_the_longest_history_gives_the_same_model(data):
    reference = fitted(data, 8)
    for generous in (9, 1000):
        model = fitted(data, generous)
        np.testing.assert_array_equal(model.item_embeddings_, reference.item_embeddings_)
        np.testing.assert_array_equal(model.user_embeddings_, reference.user_embeddings_)


def test_a_huge_window_fits_quickly(data):
    start = time.perf_counter()
    model = fitted(data, 10**6)
    assert time.perf_counter() - start < 60
    assert model.get_params()["recent_items"] == 10**6  # kept as given


def test_a_shorter_window_still_changes_the_model(data):
    # the clipping must not reach below the longest history
    short, full = fitted(data, 2), fitted(data, 8)
    assert not np.array_equal(short.user_embeddings_, full.user_embeddings_)

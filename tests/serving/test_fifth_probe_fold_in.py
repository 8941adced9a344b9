"""Fifth bad-input probe: nearline fold-in's events."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.errors import ConfigError, RecstackError
from recstack.serving.embedding_store import SQLiteEmbeddingStore, fold_in_users


@pytest.fixture
def store(tmp_path):
    with SQLiteEmbeddingStore(tmp_path / "v.sqlite") as opened:
        yield opened


@pytest.mark.parametrize("values, message", [
    (["1", "x"], r"values must be real numbers \(float32\), got text"),
    ([1.0, float("nan")], r"values hold values NaN or infinite: 1 in all, first nan at "
                          r"position 1"),
    ([1.0, 1e39], r"values hold values beyond float32's range"),
    ([[1.0], [1.0]], r"values must be one number per event, got shape \(2, 1\)"),
])
def test_event_values_that_are_not_numbers_are_named(store, als, values, message):
    item = als.items_.external_ids[0]
    with pytest.raises(ConfigError, match=message):
        fold_in_users(als, store, ["u", "u"], [item, item], values)
    assert store.count("user") == 0


@pytest.mark.parametrize("users, message", [
    ([float("nan"), "u"], r"user_ids: the value at position 0 is NaN \(a missing id\)"),
    (np.ma.array([1, 2], mask=[False, True]), r"user_ids: the value at position 1 is a "
                                               r"masked entry"),
    ([True, False], r"user_ids: the value at position 0 is True, a boolean"),
])
def test_event_users_that_are_no_ids_are_refused(store, als, users, message):
    item = als.items_.external_ids[0]
    with pytest.raises(RecstackError, match=message):
        fold_in_users(als, store, users, [item, item])
    assert store.count("user") == 0


def test_the_fallback_refuses_a_misspelt_kind_even_without_a_store(als):
    from recstack.serving.embedding_store import read_with_fallback

    # with the store down, "users" served the model's item vectors
    with pytest.raises(ConfigError, match=r"kind must be 'user' or 'item', got 'users'"):
        read_with_fallback(None, "users", [als.users_.external_ids[0]], als)

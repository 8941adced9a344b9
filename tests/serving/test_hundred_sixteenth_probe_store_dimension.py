"""Hundred-sixteenth probe: an SQLite store whose recorded dimension was edited to a huge
number (99,999,999,999) made every lookup allocate that many floats per id: a raw
``MemoryError`` from numpy, not the store's "damaged" error that the service serves
around. A recorded dimension is read as a whole number from 1 to 65,536, the widest vector a
recstack model learns, and ``put`` refuses wider vectors by the same bound."""

from __future__ import annotations

import sqlite3

import numpy as np
import pytest

from recstack.errors import ConfigError
from recstack.models.base import MAX_FACTORS
from recstack.serving.embedding_store import SQLiteEmbeddingStore, StoreUnavailableError


@pytest.fixture
def store(tmp_path):
    with SQLiteEmbeddingStore(tmp_path / "vectors.sqlite") as opened:
        opened.put("user", [1, 2], np.ones((2, 4), np.float32))
        yield opened


@pytest.mark.parametrize("recorded", [99_999_999_999, MAX_FACTORS + 1, "1" + "0" * 5000])
def test_a_recorded_dimension_beyond_any_model_is_a_damaged_store(store, recorded):
    with sqlite3.connect(store.path) as db:
        db.execute("UPDATE dims SET dim = ? WHERE kind = 'user'", (str(recorded),))
    for call in (lambda: store.get("user", [1]), lambda: store.dim("user")):
        with pytest.raises(StoreUnavailableError) as raised:
            call()
        assert "damaged: the dimension of the user vectors is recorded as " in str(raised.value)
        assert str(raised.value).endswith("(expected a whole number from 1 to 65,536)")


@pytest.mark.parametrize("recorded", [4, "04"])
def test_a_plain_dimension_still_reads(store, recorded):
    with sqlite3.connect(store.path) as db:
        db.execute("UPDATE dims SET dim = ? WHERE kind = 'user'", (recorded,))
    vectors, found = store.get("user", [1, 3])
    assert vectors.shape == (2, 4) and found.tolist() == [True, False]


def test_put_refuses_vectors_wider_than_a_store_reads(tmp_path):
    with SQLiteEmbeddingStore(tmp_path / "vectors.sqlite") as store:
        with pytest.raises(ConfigError, match=r"item vectors have 65,537 dimensions; a store "
                                              r"holds at most 65,536"):
            store.put("item", [1], np.ones((1, MAX_FACTORS + 1), np.float32))
        store.put("item", [1], np.ones((1, MAX_FACTORS), np.float32))  # the widest is kept
        assert store.dim("item") == MAX_FACTORS

"""A vector stored in an SQLite embedding store as a value of another type than bytes
(text, such as a vector written as JSON by another tool, an integer or a real number) was
a TypeError traceback at ``get`` ("sequence item 0: expected a bytes-like object, str
found", "object of type 'int' has no len()"), which the service's fallback to the model's
vectors did not catch. It is now the store's damage, a ``StoreUnavailableError`` naming
the id and what is stored, as a vector of the wrong length is; and one float32 value is
"1 float32 value", not "1 float32 values"."""

from __future__ import annotations

import sqlite3

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.models import create_model
from recstack.serving.embedding_store import (
    StoreUnavailableError,
    open_store,
    read_with_fallback,
)


def _store_with(path, value) -> None:
    with open_store(path) as store:
        store.put("user", [1, 2], np.ones((2, 3), dtype=np.float32))
    with sqlite3.connect(path) as db:
        assert db.execute("UPDATE vectors SET vector = ? WHERE id = 'i:1'",
                          (value,)).rowcount == 1


@pytest.mark.parametrize(("value", "stored"), [
    ("[0.5, 0.25, 1.0]", "text '[0.5, 0.25, 1.0]'"),
    ("abcdefghijkl", "text 'abcdefghijkl'"),  # 12 characters: 3 float32 values' bytes
    (12345, "the integer 12345"),
    (1.5, "the number 1.5"),
])
def test_a_vector_stored_as_another_type_is_the_stores_damage(tmp_path, value, stored):
    path = tmp_path / "vectors.db"
    _store_with(path, value)
    with open_store(path) as store, pytest.raises(StoreUnavailableError) as caught:
        store.get("user", [2, 1])
    assert str(caught.value) == (
        f"embedding store {path}: damaged: the user vector of 1 is stored as {stored}, not "
        "as 3 float32 values in bytes (a blob) as put writes them (written by another "
        "tool?); write it again with put, or delete it")


def test_the_other_vectors_are_still_read(tmp_path):
    path = tmp_path / "vectors.db"
    _store_with(path, "text")
    with open_store(path) as store:
        vectors, found = store.get("user", [2, 3])
    assert found.tolist() == [True, False]
    assert vectors.tolist() == [[1.0, 1.0, 1.0], [0.0, 0.0, 0.0]]


def test_the_fallback_serves_the_models_vectors(tmp_path):
    """The service's path: the damaged store is served around from the model."""
    train = Interactions.from_arrays([1, 1, 2, 2, 3], [10, 11, 10, 12, 11])
    model = create_model("als", factors=2, iterations=2, seed=0).fit(train)
    path = tmp_path / "vectors.db"
    with open_store(path) as store:
        store.put("user", [1], np.ones((1, model.user_embeddings().shape[1]), np.float32))
    with sqlite3.connect(path) as db:
        db.execute("UPDATE vectors SET vector = 7 WHERE id = 'i:1'")
    with open_store(path) as store:
        vectors, found, source = read_with_fallback(store, "user", [1], model)
    assert source == "model" and found.tolist() == [True]
    assert np.array_equal(vectors[0], model.user_embeddings()[0])


def test_one_float32_value_is_one_value(tmp_path):
    path = tmp_path / "vectors.db"
    _store_with(path, np.float32(0.5).tobytes())
    with open_store(path) as store, pytest.raises(StoreUnavailableError) as caught:
        store.get("user", [1])
    assert "the user vector of 1 holds 1 float32 value; the store's user vectors have 3" \
        in str(caught.value)

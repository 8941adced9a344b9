"""A stored vector whose bytes make no whole number of float32 values (a row edited or
cut short by another tool) was said to hold "0.5 float32 values"."""

from __future__ import annotations

import sqlite3

import numpy as np
import pytest

from recstack.serving.embedding_store import StoreUnavailableError, open_store


@pytest.mark.parametrize(("blob", "held"), [
    ("x'0000'", "2 bytes, not a whole number of float32 values (4 bytes each)"),
    ("x'00000000000000'", "7 bytes, not a whole number of float32 values (4 bytes each)"),
    ("x'0000000000000000'", "2 float32 values"),
])
def test_a_vector_of_the_wrong_length_says_what_it_holds(tmp_path, blob, held):
    path = tmp_path / "vectors.db"
    with open_store(path) as store:
        store.put("item", ["a", "b"], np.ones((2, 4), dtype=np.float32))
    with sqlite3.connect(path) as db:
        assert db.execute(f"UPDATE vectors SET vector = {blob} WHERE id = 's:a'").rowcount == 1
    with open_store(path) as store, pytest.raises(StoreUnavailableError) as caught:
        store.get("item", ["a", "b"])
    assert f"the item vector of 'a' holds {held}; the store's item vectors have 4" \
        in str(caught.value)

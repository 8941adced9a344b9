"""Rows of an SQLite embedding store that no lookup can reach (edited by hand, or written
before text ids were trimmed) are named when the store is opened, not silently invisible."""

from __future__ import annotations

import sqlite3

import numpy as np
import pytest

from recstack.errors import ConfigError
from recstack.serving.embedding_store import SQLiteEmbeddingStore, open_store


def _store_with(path, *rows):
    with SQLiteEmbeddingStore(path) as store:
        store.put("user", ["a", 7], np.ones((2, 3)))
        store.put("item", [1], np.ones((1, 3)))
    with sqlite3.connect(path) as db:
        for kind, key, value in rows:
            db.execute("INSERT INTO vectors VALUES (?, ?, ?)",
                       (kind, key, np.full(3, value, np.float32).tobytes()))
    db.close()
    return path


@pytest.mark.parametrize(("kind", "key"), [
    ("users", "s:c"), ("user", "x:a"), ("user", "a"), ("user", "i:007"), ("user", "i:1a"),
    ("user", "i:"), ("user", "s:"), ("user", "s:  "), ("item", "i:-0"), ("USER", "i:1"),
    ("user", b"s:a")])
def test_a_row_no_lookup_reaches_is_named_at_open(tmp_path, kind, key):
    path = _store_with(tmp_path / "vectors.db", (kind, key, 2.0))
    # before: opened, and the row was neither found by get nor counted
    with pytest.raises(ConfigError, match=rf"1 stored row\(s\) cannot be read by any lookup "
                                          rf"\(kind {kind!r}, key {key!r}\).*its key "
                                          r"i:INTEGER or s:TEXT"):
        open_store(path)


def test_readable_keys_open_as_before(tmp_path):
    path = _store_with(tmp_path / "vectors.db", ("user", "i:0", 2.0), ("user", "i:-12", 3.0),
                       ("item", "s:é x", 4.0), ("item", "s:i:1", 5.0))
    with open_store(path) as store:
        assert store.count("user") == 4
        vectors, found = store.get("user", [0, -12])
        assert found.tolist() == [True, True]
        assert vectors[:, 0].tolist() == [2.0, 3.0]
        assert store.get("item", ["é x", "i:1"])[1].tolist() == [True, True]


def test_many_unreadable_rows_are_counted_and_three_shown(tmp_path):
    path = _store_with(tmp_path / "vectors.db",
                       *[("users", f"s:{n}", 1.0) for n in range(5)])
    with pytest.raises(ConfigError, match=r"5 stored row\(s\) cannot be read.*; \.\.\.\)"):
        open_store(path)


@pytest.mark.parametrize("key", ["s: z", "s:z ", "s:\u3000z\t"])
def test_a_vector_stored_under_an_untrimmed_id_is_read_under_the_trimmed_one(tmp_path, key):
    path = _store_with(tmp_path / "vectors.db", ("user", key, 2.0))
    # before: get("z") did not find it, and no put or delete could reach the old key
    with open_store(path) as store:
        vectors, found = store.get("user", ["z"])
        assert found.tolist() == [True]
        assert vectors.tolist() == [[2.0, 2.0, 2.0]]
        assert store.count("user") == 3
        store.delete("user", ["z"])
        assert store.count("user") == 2


def test_an_untrimmed_key_beside_its_trimmed_one_is_two_vectors_of_one_id(tmp_path):
    path = _store_with(tmp_path / "vectors.db", ("user", "s: a", 2.0))
    with pytest.raises(ConfigError, match=r"the user id 'a' has two stored vectors, under the "
                                          r"keys 's: a' \(written before ids were trimmed"):
        open_store(path)
    # nothing was renamed
    with sqlite3.connect(path) as db:
        keys = sorted(key for (key,) in db.execute("SELECT id FROM vectors"))
    db.close()
    assert keys == ["i:1", "i:7", "s: a", "s:a"]


def test_an_id_beyond_int64_is_one_key_however_it_is_given(tmp_path):
    big = 2**64 - 1
    with SQLiteEmbeddingStore(tmp_path / "vectors.db") as store:
        store.put("user", np.array([big, 3], dtype=np.uint64), np.ones((2, 3)))
        # before: stored as the integer key, looked up (a Python int beyond int64 is its
        # digits, as every id reader takes it) as text: not found
        assert store.get("user", [big, str(big), 3])[1].tolist() == [True, True, True]


def test_two_openers_of_a_store_with_untrimmed_keys_both_open(tmp_path):
    import threading

    path = _store_with(tmp_path / "vectors.db", *[("user", f"s: u{n}", 2.0)
                                                  for n in range(200)])
    errors, stores = [], []

    def open_it():
        try:
            stores.append(SQLiteEmbeddingStore(path))
        except Exception as error:  # noqa: BLE001 (reported below)
            errors.append(error)

    threads = [threading.Thread(target=open_it) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # a second opener must not take the keys the first renamed for a second vector
    assert errors == []
    assert stores[0].get("user", ["u0", "u199"])[1].tolist() == [True, True]
    assert stores[0].count("user") == 202
    for store in stores:
        store.close()

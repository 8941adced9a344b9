"""Sixth bad-input probe of the embedding store: rows that are not vectors of the store's
dimension (written by another tool, or in a race), ids in containers without an order, an
empty location, and a store filled for another model behind the service."""

from __future__ import annotations

import sqlite3

import numpy as np
import pytest

from recstack.errors import ConfigError
from recstack.serving.embedding_store import (
    SQLiteEmbeddingStore,
    StoreUnavailableError,
    open_store,
    read_with_fallback,
)


@pytest.fixture
def store(tmp_path):
    with SQLiteEmbeddingStore(tmp_path / "vectors.sqlite") as opened:
        opened.put("item", [1, 2], np.ones((2, 4)))
        yield opened


def _write_row(store, kind, key, blob):
    # what another tool (or a writer of another dimension) leaves in the file
    with sqlite3.connect(store.path) as db:
        db.execute("INSERT OR REPLACE INTO vectors VALUES (?, ?, ?)", (kind, key, blob))


def test_a_row_of_another_length_is_a_damaged_store_naming_the_id(store):
    _write_row(store, "item", "i:9", np.ones(3, np.float32).tobytes())
    # before: numpy's "cannot reshape array of size 7 into shape (4)"
    with pytest.raises(StoreUnavailableError, match=r"vectors.sqlite: damaged: the item vector "
                                                    r"of 9 holds 3 float32 values; the "
                                                    r"store's item vectors have 4"):
        store.get("item", [1, 9])
    assert store.get("item", [1, 2])[1].tolist() == [True, True]  # the others still read


def test_a_nan_row_is_a_damaged_store_not_a_nan_vector(store):
    _write_row(store, "item", "s:x", np.array([1, np.nan, 0, 0], np.float32).tobytes())
    # before: a NaN vector came back as found
    with pytest.raises(StoreUnavailableError, match=r"damaged: the item vector of 'x' holds "
                                                    r"NaN or infinite values \(1 of the 2"):
        store.get("item", ["x", 1])


def test_rows_without_a_recorded_dimension_or_a_damaged_one_are_named(store):
    _write_row(store, "user", "i:1", np.ones(3, np.float32).tobytes())
    with pytest.raises(StoreUnavailableError, match=r"the user vector of 1 is stored, but no "
                                                    r"dimension is recorded for user vectors"):
        store.get("user", [1])
    with sqlite3.connect(store.path) as db:
        db.execute("UPDATE dims SET dim = 'four' WHERE kind = 'item'")
    # before: int('four'), a ValueError
    with pytest.raises(StoreUnavailableError, match=r"the dimension of the item vectors is "
                                                    r"recorded as 'four'"):
        store.dim("item")


def test_the_fallback_serves_the_model_when_a_row_is_damaged(store, als):
    user = als.users_.external_ids[3]
    _write_row(store, "user", f"i:{user}", b"\x00" * 5)
    with sqlite3.connect(store.path) as db:
        db.execute("INSERT INTO dims VALUES ('user', ?)", (als.user_embeddings().shape[1],))
    vectors, found, source = read_with_fallback(store, "user", [user], als)
    assert source == "model" and found.tolist() == [True]
    np.testing.assert_array_equal(vectors[0], als.user_embeddings()[3])


@pytest.mark.parametrize("ids", [{1, 2}, {1: "a", 2: "b"}, frozenset([1])])
def test_ids_without_an_order_are_refused(store, ids):
    # before: a set's rows came back in the set's own order (vectors matched to no id the
    # caller could tell), a dict was read as its keys
    with pytest.raises(ConfigError, match=r"ids must be a list of ids .* in the order of "
                                          r"their vectors, got a (set|dict|frozenset)"):
        store.get("item", ids)
    with pytest.raises(ConfigError, match=r"got a (set|dict|frozenset)"):
        store.put("item", ids, np.ones((len(ids), 4)))


@pytest.mark.parametrize("location", ["", "  ", "sqlite:///"])
def test_an_empty_location_is_refused(location, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    # before: SQLite opened "." and said "embedding store .: unable to open database file"
    with pytest.raises(ConfigError, match=r"embedding store location is empty"):
        open_store(location)


def test_a_writer_of_another_dimension_is_refused_under_the_write_lock(store, monkeypatch):
    # another process's put of dimension 4 landed after this one looked (dim() was None)
    monkeypatch.setattr(store, "dim", lambda kind: None)
    with pytest.raises(ConfigError, match=r"item vectors have 3 dimensions; the store holds "
                                          r"item vectors of 4 \(written meanwhile"):
        store.put("item", [7], np.ones((1, 3)))
    monkeypatch.undo()
    assert store.count("item") == 2  # nothing written


def test_the_service_says_when_the_store_holds_another_models_vectors(tmp_path, als, train):
    pytest.importorskip("fastapi")
    from tests.serving.service_helpers import client, publish, settings

    registry = publish(tmp_path / "registry", als, train)
    user = als.users_.external_ids[1]
    dims = als.user_embeddings().shape[1]
    path = tmp_path / "vectors.sqlite"
    with SQLiteEmbeddingStore(path) as other:
        other.put("user", [user], np.ones((1, dims + 3)))
    with client(settings(registry, store=str(path), store_retry_seconds=0)) as http:
        answer = http.get(f"/users/{user}/recommendations", params={"k": 3})
        health = http.get("/health").json()
        metrics = http.get("/metrics").text
        reason = http.app.state.service.health()["store_error"]
    assert answer.status_code == 200
    # before: the store's vectors were skipped without a word: health "ok", no fallback
    # reachable, but filled for another model: "mismatched" (it said "unavailable")
    assert health["status"] == "degraded" and health["store"] == "mismatched"
    assert reason.startswith(f"the store's user vectors have {dims + 3} dimensions, als@1's "
                             f"items {dims}: the model's own vectors are served")
    assert "recstack_store_fallback_total 1.0" in metrics


def test_the_service_serves_the_model_when_the_users_row_is_damaged(tmp_path, als, train):
    pytest.importorskip("fastapi")
    from tests.serving.service_helpers import client, publish, settings

    registry = publish(tmp_path / "registry", als, train)
    user = als.users_.external_ids[1]
    path = tmp_path / "vectors.sqlite"
    with SQLiteEmbeddingStore(path) as opened:
        opened.put("user", [als.users_.external_ids[2]], als.user_embeddings()[2:3])
    with sqlite3.connect(path) as db:
        db.execute("INSERT INTO vectors VALUES ('user', ?, ?)", (f"i:{user}", b"\x01" * 6))
    with client(settings(registry, store=str(path), store_retry_seconds=60)) as http:
        answer = http.get(f"/users/{user}/recommendations", params={"k": 3})
        health = http.get("/health").json()
        metrics = http.get("/metrics").text
    # before: a ValueError from numpy inside the request, answered 500
    assert answer.status_code == 200
    # one damaged row is that user's fallback, not an outage: the store serves the others
    assert health["store"] == "ok"
    assert "recstack_store_fallback_total 1.0" in metrics

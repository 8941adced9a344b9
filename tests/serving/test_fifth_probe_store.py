"""Fifth bad-input probe: the embedding store's ids, vectors, timeouts and locations."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.errors import ConfigError, RecstackError
from recstack.serving.embedding_store import RedisEmbeddingStore, SQLiteEmbeddingStore, open_store


@pytest.fixture
def store(tmp_path):
    with SQLiteEmbeddingStore(tmp_path / "vectors.sqlite") as opened:
        opened.put("user", [1, 2], np.array([[1.0, 0.0], [0.0, 1.0]]))
        yield opened


def test_masked_ids_are_missing_not_the_values_under_the_mask(store):
    masked = np.ma.array([1, 2], mask=[False, True])
    with pytest.raises(RecstackError, match=r"position 1 is a masked entry"):
        store.get("user", masked)
    with pytest.raises(RecstackError, match=r"position 1 is a masked entry"):
        store.put("user", masked, np.ones((2, 2)))
    assert store.count("user") == 2


def test_ids_follow_the_lookup_rule(store):
    vectors, found = store.get("user", [1.0, b"x", 2])  # 1.0 is 1; b"x" is the text "x"
    assert found.tolist() == [True, False, True]
    assert vectors.tolist() == [[1.0, 0.0], [0.0, 0.0], [0.0, 1.0]]
    for bad, detail in ((True, "True, a boolean"), (1.5, "1.5, not a whole number"),
                        (float("nan"), "NaN"), ("", "an empty id")):
        with pytest.raises(RecstackError, match=r"position 0 is " + detail):
            store.put("user", [bad], np.ones((1, 2)))
    assert store.count("user") == 2


@pytest.mark.parametrize("vectors, problem", [
    (np.array([[1 + 2j, 0.0]]), "complex numbers"),  # the imaginary part was dropped
    (np.array([[True, False]]), "booleans"),
    ([["1", "2"]], "text"),
    (np.ones((1, 0)), "at least one dimension"),
])
def test_vectors_that_are_not_real_numbers_are_refused(tmp_path, vectors, problem):
    with SQLiteEmbeddingStore(tmp_path / "v.sqlite") as fresh:
        with pytest.raises(ConfigError, match=problem):
            fresh.put("item", [7], vectors)
        assert fresh.count("item") == 0


@pytest.mark.parametrize("timeout", [-1, float("nan"), float("inf"), "5", True])
def test_a_timeout_that_is_not_a_finite_number_of_seconds_is_refused(tmp_path, timeout):
    with pytest.raises(ConfigError, match=r"timeout must be a finite number of seconds"):
        SQLiteEmbeddingStore(tmp_path / "v.sqlite", timeout=timeout)
    pytest.importorskip("redis")
    with pytest.raises(ConfigError, match=r"timeout must be a finite number of seconds"):
        RedisEmbeddingStore("redis://127.0.0.1:1/0", timeout=timeout)


@pytest.mark.parametrize("url", ["redis://localhost:6379/x", "redis://localhost:6379/1/extra",
                                 "redis://localhost:6379/-1"])
def test_a_redis_path_that_is_no_database_number_is_refused(url):
    pytest.importorskip("redis")
    # redis-py read "/x" and "/1/extra" as database 0, silently
    with pytest.raises(ConfigError, match=r"is not a database number"):
        RedisEmbeddingStore(url)


def test_a_redis_prefix_and_a_store_location_must_be_text(tmp_path, monkeypatch):
    pytest.importorskip("redis")
    with pytest.raises(ConfigError, match=r"prefix must be non-empty text, got 3"):
        RedisEmbeddingStore("redis://127.0.0.1:1/0", prefix=3)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ConfigError, match=r"location must be a file path"):
        open_store(3)  # was an SQLite file named "3" in the working folder
    assert not (tmp_path / "3").exists()

"""A Redis store's vector key (``prefix:user:s:a``) holding another type of value than a
string (a hash or a list: another program's keys under the prefix, an edit by hand).
MGET answers nil for such a key, so ``get`` read the id as one without a vector (the
service answered from the model, or as for a cold user) while the store held something
under it. Now the lookup is a ``StoreUnavailableError`` naming the key, the type it holds
and what it should hold (so the service's fallback and ``/health`` say so); an id truly
missing still reads as missing. A real redis-server is started on a free port (the
fixture of the key-types probe) and the keys of other types are written to it."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("fastapi", reason="the service tests need the serving extra")
pytest.importorskip("redis", reason="the Redis store needs the redis package")

from recstack.serving.embedding_store import (  # noqa: E402
    RedisEmbeddingStore,
    StoreUnavailableError,
    open_store,
)
from tests.serving.test_hundred_fifty_fifth_probe_redis_key_types import (  # noqa: E402, F401
    server,
)

VECTOR = np.array([1, 2, 3, 4], np.float32)

# how each type of value is written under a key, as another program would
WRITERS = {
    "hash": lambda raw, key: raw.hset(key, "field", "x"),
    "list": lambda raw, key: raw.rpush(key, "x"),
    "set": lambda raw, key: raw.sadd(key, "x"),
    "zset": lambda raw, key: raw.zadd(key, {"x": 1.0}),
    "stream": lambda raw, key: raw.xadd(key, {"field": "x"}),
}


def _store(server, other: str = "hash") -> RedisEmbeddingStore:  # noqa: F811
    """A store holding the vector of ``"a"``, with a value of the type ``other`` at the
    vector key of ``"b"``."""
    url, raw = server
    store = open_store(url)
    assert isinstance(store, RedisEmbeddingStore)
    store.put("user", ["a"], VECTOR[None, :])
    WRITERS[other](raw, "recstack:user:s:b")
    assert raw.type("recstack:user:s:b") == other.encode()
    return store


@pytest.mark.parametrize("kind", ["hash", "list", "set", "zset", "stream"])
def test_a_vector_key_of_another_type_is_named_not_read_as_missing(server, kind):  # noqa: F811
    store = _store(server, kind)
    with pytest.raises(StoreUnavailableError) as caught:
        store.get("user", ["a", "b"])
    message = str(caught.value)
    assert message == (
        f"embedding store {store.url}: damaged: the key "
        f"recstack:user:s:b of the user id 'b' holds a Redis {kind}, not a string (the id's "
        "vector): another program's keys under the prefix 'recstack'? give the store a "
        "prefix of its own, or delete the key (redis-cli DEL recstack:user:s:b) and put "
        "the vector again")


def test_several_keys_of_another_type_are_counted(server):  # noqa: F811
    store = _store(server, "hash")
    server[1].rpush("recstack:user:i:7", "y")
    with pytest.raises(StoreUnavailableError, match=r"the key recstack:user:s:b of the user "
                                                    r"id 'b' holds a Redis hash.*\(and 1 "
                                                    r"more id\(s\) alike\)"):
        store.get("user", ["b", 7, "a"])


def test_missing_ids_still_read_as_missing_and_stored_ones_as_stored(server):  # noqa: F811
    store = _store(server, "hash")
    vectors, found = store.get("user", ["a", "nobody", 3])
    assert found.tolist() == [True, False, False]
    assert vectors[0].tolist() == [1.0, 2.0, 3.0, 4.0]
    assert vectors[1:].tolist() == [[0.0] * 4, [0.0] * 4]

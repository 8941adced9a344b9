"""A Redis store checks the first ids of each kind when opened (one SSCAN of the kind's id
set), against a real redis-server, as the SQLite store checks all its rows: a vector under
an untrimmed text id of an older recstack (``PREFIX:user:s: a``) is renamed to the
trimmed id that lookups read, an id no lookup reaches is refused by name, and an id set
that is no set says so. It was not scanned at all: those vectors were silently unreachable
(the service served the model's vectors for them). Also: a password in the store's URL is
masked in its messages, which the service's public ``/health`` shows as ``store_error``
(it showed the password)."""

from __future__ import annotations

import time

import numpy as np
import pytest

from recstack.errors import ConfigError
from recstack.serving.embedding_store import REDIS_OPEN_CHECK, RedisEmbeddingStore
from tests.serving.test_embedding_store import redis_url  # noqa: F401 (the fixture)


@pytest.fixture
def prefix():
    return f"probe85-{time.monotonic_ns()}"


@pytest.fixture
def client(redis_url, prefix):  # noqa: F811 (the fixture imported above)
    import redis

    with redis.Redis.from_url(redis_url) as opened:
        yield opened


def _old_untrimmed(client, prefix: str, kind: str, text: str, vector: np.ndarray) -> None:
    """What a recstack before the trimming rule wrote for the text id ``text``."""
    client.set(f"{prefix}:{kind}:s:{text}", vector.astype(np.float32).tobytes())
    client.sadd(f"{prefix}:ids:{kind}", f"s:{text}")
    client.set(f"{prefix}:dim:{kind}", len(vector))


def test_untrimmed_text_ids_are_renamed_at_open_and_found(redis_url, prefix, client):  # noqa: F811
    _old_untrimmed(client, prefix, "user", " a", np.array([1.0, 2.0]))
    _old_untrimmed(client, prefix, "user", "b\t", np.array([3.0, 4.0]))
    with RedisEmbeddingStore(redis_url, prefix=prefix) as store:
        vectors, found = store.get("user", ["a", "b", " a"])
        assert found.tolist() == [True, True, True]
        np.testing.assert_array_equal(vectors, [[1, 2], [3, 4], [1, 2]])
        assert store.count("user") == 2
    assert sorted(client.smembers(f"{prefix}:ids:user")) == [b"s:a", b"s:b"]
    assert not client.exists(f"{prefix}:user:s: a", f"{prefix}:user:s:b\t")
    # opened again: nothing left to rename, the vectors stay
    with RedisEmbeddingStore(redis_url, prefix=prefix) as store:
        assert store.get("user", ["a"])[1].tolist() == [True]


def test_an_untrimmed_id_whose_trimmed_id_holds_a_vector_is_refused(redis_url, prefix,  # noqa: F811
                                                                     client):
    with RedisEmbeddingStore(redis_url, prefix=prefix) as store:
        store.put("item", ["a"], np.ones((1, 2)))
    _old_untrimmed(client, prefix, "item", "a ", np.array([5.0, 6.0]))
    with pytest.raises(ConfigError, match=r"the item id 'a' has two stored vectors, under "
                                          rf"the keys '{prefix}:item:s:a ' .* and "
                                          rf"'{prefix}:item:s:a'"):
        RedisEmbeddingStore(redis_url, prefix=prefix)
    # nothing was changed
    assert client.get(f"{prefix}:item:s:a ") == np.array([5, 6], np.float32).tobytes()
    assert sorted(client.smembers(f"{prefix}:ids:item")) == [b"s:a", b"s:a "]


@pytest.mark.parametrize("member", ["x:a", "i:007", "i:+7", "s:", "s:   ", "users:1", "i:1.5"])
def test_an_id_no_lookup_reaches_is_refused_by_name(redis_url, prefix, client, member):  # noqa: F811
    with RedisEmbeddingStore(redis_url, prefix=prefix) as store:
        store.put("user", [1], np.ones((1, 2)))
    client.sadd(f"{prefix}:ids:user", member)
    with pytest.raises(ConfigError) as caught:
        RedisEmbeddingStore(redis_url, prefix=prefix)
    message = str(caught.value)
    assert f"1 stored user id(s) cannot be read by any lookup ({member!r}" in message
    assert f"first {REDIS_OPEN_CHECK:,} of {prefix}:ids:user checked" in message
    assert "i:INTEGER or s:TEXT" in message


def test_an_id_set_that_is_no_set_is_refused_naming_the_key(redis_url, prefix, client):  # noqa: F811
    client.set(f"{prefix}:ids:user", "something else")
    with pytest.raises(ConfigError, match=rf"the key {prefix}:ids:user is not a set of ids"):
        RedisEmbeddingStore(redis_url, prefix=prefix)


def test_readable_ids_open_unchanged(redis_url, prefix, client):  # noqa: F811
    ids = [0, -3, 42, "a", "a b", "ünï", 2**63]  # 2**63 is stored as text (s:)
    with RedisEmbeddingStore(redis_url, prefix=prefix) as store:
        store.put("item", ids, np.arange(14, dtype=np.float32).reshape(7, 2))
    before = sorted(client.smembers(f"{prefix}:ids:item"))
    with RedisEmbeddingStore(redis_url, prefix=prefix) as store:
        assert store.get("item", ids)[1].all()
    assert sorted(client.smembers(f"{prefix}:ids:item")) == before


def test_a_redis_that_is_down_at_open_is_no_error():
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    store = RedisEmbeddingStore(f"redis://127.0.0.1:{port}/0", prefix="down")
    store.close()


def _url_as(url: str, user: str) -> str:
    return url.replace("redis://", f"redis://{user}:secret-{user}@", 1)


def test_a_user_who_may_not_rename_is_told_to_open_it_once_with_write_access(
        redis_url, prefix, client):  # noqa: F811
    _old_untrimmed(client, prefix, "user", " a", np.array([1.0, 2.0]))
    reader = f"reader{prefix[-8:]}"
    client.execute_command("ACL", "SETUSER", reader, "on", f">secret-{reader}", "~*",
                           "+@read", "+@connection")
    try:
        with pytest.raises(ConfigError, match=r"untrimmed text ids, renamed to their trimmed "
                                              r"ids when the store is opened with write "
                                              r"access; Redis refused the rename \(.*no "
                                              r"permissions") as caught:
            RedisEmbeddingStore(_url_as(redis_url, reader), prefix=prefix)
        assert f"secret-{reader}" not in str(caught.value)
        assert f"{reader}:***@" in str(caught.value)
        assert client.exists(f"{prefix}:user:s: a")  # left as it was
    finally:
        client.execute_command("ACL", "DELUSER", reader)


def test_a_user_who_may_only_look_up_opens_the_store_unchecked(redis_url, prefix,  # noqa: F811
                                                               client):
    with RedisEmbeddingStore(redis_url, prefix=prefix) as store:
        store.put("user", ["a"], np.ones((1, 2)))
    looker = f"looker{prefix[-8:]}"
    client.execute_command("ACL", "SETUSER", looker, "on", f">secret-{looker}", "~*",
                           "+get", "+mget", "+scard", "+@connection")
    try:
        with RedisEmbeddingStore(_url_as(redis_url, looker), prefix=prefix) as store:
            assert store.get("user", ["a"])[1].tolist() == [True]
    finally:
        client.execute_command("ACL", "DELUSER", looker)


def test_a_password_in_the_url_is_masked_in_every_message():
    import socket

    from recstack.serving.embedding_store import StoreUnavailableError

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    for url in (f"redis://reader:hunter2@127.0.0.1:{port}/0",
                f"redis://127.0.0.1:{port}/0?password=hunter2"):
        with RedisEmbeddingStore(url, prefix="down") as store:
            with pytest.raises(StoreUnavailableError) as caught:
                store.get("user", ["a"])
        assert "hunter2" not in str(caught.value) and "***" in str(caught.value)
    with pytest.raises(ConfigError) as caught:
        RedisEmbeddingStore("redis://reader:hunter2@127.0.0.1:6379/x")
    assert "hunter2" not in str(caught.value) and "reader:***@" in str(caught.value)


def test_the_service_health_does_not_show_the_store_password(tmp_path, als, train):
    pytest.importorskip("fastapi", reason="the service tests need the serving extra")
    import socket

    from tests.serving.service_helpers import client, publish, settings

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    registry = publish(tmp_path / "registry", als, train)
    store = f"redis://svc:hunter2@127.0.0.1:{port}/0"
    user = als.users_.external_ids[0]
    with client(settings(registry, store=store, store_retry_seconds=60)) as http:
        assert http.get(f"/users/{user}/recommendations").status_code == 200
        health = http.get("/health").json()
    assert health["store"] == "unavailable"
    assert "hunter2" not in health["store_error"] and "svc:***@" in health["store_error"]

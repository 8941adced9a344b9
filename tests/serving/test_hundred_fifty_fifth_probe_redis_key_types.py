"""A key of the Redis store holding another type of value than the store writes (a list
at ``prefix:dim:user``, a string at ``prefix:ids:user``: another program's keys under
the prefix, or an edit by hand). ``get``, ``put``, ``count``, ``delete`` and ``dim``
raised redis' own ``ResponseError: WRONGTYPE Operation against a key holding the wrong
kind of value``, naming no key, which the service's fallback to the model's vectors did
not catch (a 500 for every request); ``put`` against an id set of another type wrote
the vectors and then failed (a Redis transaction is not rolled back); and a store whose
dimension key was of another type opened without a word. Now each is a
``StoreUnavailableError`` naming the key, the type it holds and the type it should hold
(nothing written), the opening refuses it as it refuses an id set of another type, and
the service answers from the model's vectors with ``/health`` degraded."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("fastapi", reason="the service tests need the serving extra")
redis = pytest.importorskip("redis", reason="the Redis store needs the redis package")

from recstack.errors import ConfigError  # noqa: E402
from recstack.serving.embedding_store import StoreUnavailableError, open_store  # noqa: E402
from tests.serving.service_helpers import client, free_port, publish, settings  # noqa: E402
from tests.serving.test_embedding_store import REDIS_SERVER  # noqa: E402
from tests.serving.test_hundred_twenty_fourth_probe_redis_outage import (  # noqa: E402
    _start,
    _stop,
)


@pytest.fixture
def server(tmp_path):
    if REDIS_SERVER is None:
        pytest.skip("redis-server is not installed")
    port = free_port()
    process = _start(port, tmp_path)
    try:
        yield f"redis://127.0.0.1:{port}/0", redis.Redis(port=port)
    finally:
        _stop(process)


VECTORS = np.arange(8, dtype=np.float32).reshape(2, 4)


def _dim_list(raw) -> str:
    raw.delete("recstack:dim:user")
    raw.rpush("recstack:dim:user", "4")
    return ("the key recstack:dim:user holds a Redis list, not a string (the dimension of "
            "the vectors)")


def _ids_string(raw) -> str:
    raw.delete("recstack:ids:user")
    raw.set("recstack:ids:user", "s:a")
    return ("the key recstack:ids:user holds a Redis string, not a set (the ids of the "
            "stored vectors)")


CALLS = {
    "get": lambda store: store.get("user", ["a"]),
    "dim": lambda store: store.dim("user"),
    "count": lambda store: store.count("user"),
    "put": lambda store: store.put("user", ["z"], np.ones((1, 4), np.float32)),
    "delete": lambda store: store.delete("user", ["b"]),
}


@pytest.mark.parametrize(("damage", "call"), [
    (_dim_list, "get"), (_dim_list, "dim"), (_dim_list, "put"),
    (_ids_string, "count"), (_ids_string, "put"), (_ids_string, "delete"),
])
def test_a_key_of_another_type_met_while_open_names_the_key(server, damage, call):
    url, raw = server
    store = open_store(url)
    store.put("user", ["a", "b"], VECTORS)
    said = damage(raw)
    with pytest.raises(StoreUnavailableError) as caught:
        CALLS[call](store)
    message = str(caught.value)
    assert said in message, message
    assert "WRONGTYPE" not in message
    assert "give the store a prefix of its own" in message


def test_put_against_an_id_set_of_another_type_writes_nothing(server):
    url, raw = server
    store = open_store(url)
    store.put("user", ["a"], VECTORS[:1])
    _ids_string(raw)
    with pytest.raises(StoreUnavailableError):
        store.put("user", ["z"], VECTORS[1:])
    assert raw.exists("recstack:user:s:z") == 0


def test_opening_refuses_a_dimension_key_of_another_type(server):
    url, raw = server
    open_store(url).put("user", ["a"], VECTORS[:1])
    _dim_list(raw)
    with pytest.raises(ConfigError, match=r"the key recstack:dim:user is not the dimension "
                                          r"of the user vectors \(it holds a Redis list\)"):
        open_store(url)


def test_the_service_answers_from_the_model_while_a_key_is_of_another_type(
        server, tmp_path, als, train, user):
    url, raw = server
    registry = publish(tmp_path / "registry", als, train)
    vector = np.full((1, als.user_factors_.shape[1]), 0.5, np.float32)
    open_store(url).put("user", [als.users_.external_ids[0]], vector)
    with client(settings(registry, store=url, store_retry_seconds=60)) as http:
        assert http.get(f"/users/{user}/recommendations?k=3").status_code == 200
        raw.delete("recstack:dim:user")
        raw.rpush("recstack:dim:user", "x")
        answer = http.get(f"/users/{user}/recommendations?k=3")
        assert answer.status_code == 200, answer.text
        assert len(answer.json()["items"]) == 3
        health = http.get("/health").json()
        assert health["status"] == "degraded"
        assert "recstack:dim:user holds a Redis list" in health["store_error"]

"""Hundred-ninety-fourth probe: a Redis embedding store used after ``close()`` (or after
the ``with`` block that opened it) kept answering, since redis-py reconnects by itself,
while an SQLite store said it was closed. Every store now refuses every call after
``close()`` with the same words, and a closed store cannot be entered again; what was
written stays and opens again."""

from __future__ import annotations

import re

import numpy as np
import pytest

from recstack.errors import RecstackError
from recstack.serving.embedding_store import StoreUnavailableError, open_store

# the real redis-server of the embedding store tests (started on a free port)
from tests.serving.test_embedding_store import redis_url  # noqa: F401

CALLS = {"get": ("user", ["u1"]), "put": ("user", ["u3"], np.ones((1, 2))),
         "dim": ("user",), "count": ("user",), "delete": ("user", ["u1"])}


def _expected(where: str, reopening: str) -> str:
    message = (f"embedding store {where} is closed (its close() was called, or the with "
               f"block that opened it ended); open it again with {reopening}")
    return f"^{re.escape(message)}$"


@pytest.mark.parametrize("call", [*CALLS, "put_model"])
def test_a_closed_redis_store_is_refused_as_an_sqlite_one(redis_url, call):  # noqa: F811
    prefix = f"closed-{call}"
    with open_store(redis_url, prefix=prefix) as store:
        store.put("user", ["u1", "u2"], np.array([[1.0, 2.0], [3.0, 4.0]]))
    arguments = CALLS.get(call, (None,))
    expected = _expected(redis_url, f"open_store({redis_url!r}, prefix={prefix!r})")
    with pytest.raises(StoreUnavailableError, match=expected):
        getattr(store, call)(*arguments)
    with open_store(redis_url, prefix=prefix) as again:  # nothing was written nor lost
        vectors, found = again.get("user", ["u1", "u2", "u3"])
        assert again.count("user") == 2
    assert found.tolist() == [True, True, False]
    np.testing.assert_array_equal(vectors[:2], [[1.0, 2.0], [3.0, 4.0]])


def test_the_default_prefix_is_not_repeated_in_the_advice(redis_url):  # noqa: F811
    store = open_store(redis_url)
    store.close()
    store.close()  # twice is no error
    with pytest.raises(StoreUnavailableError,
                       match=_expected(redis_url, f"open_store({redis_url!r})")):
        store.count("item")


@pytest.mark.parametrize("kind", ["sqlite", "redis"])
def test_a_closed_store_cannot_be_entered_again(tmp_path, request, kind):
    location = (str(tmp_path / "vectors.sqlite") if kind == "sqlite"
                else request.getfixturevalue("redis_url"))
    store = open_store(location)
    store.close()
    with pytest.raises(StoreUnavailableError, match="is closed .*open it again with "
                                                    "open_store"):
        with store:
            pass


def test_an_sqlite_store_refuses_put_model_after_close(tmp_path, als):
    path = tmp_path / "vectors.sqlite"
    with open_store(path) as store:
        pass
    with pytest.raises(RecstackError, match=_expected(str(path), f"open_store('{path}')")):
        store.put_model(als)
    with open_store(path) as again:
        assert again.count("item") == 0

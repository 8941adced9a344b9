"""Thirty-ninth bad-input probe of the Redis embedding store: two writers at once.

Two processes putting vectors of two dimensions into an empty store each saw no dimension
recorded, and both wrote: the store held rows of both lengths (every later ``get`` of the
loser's ids was a "damaged store" error). The check and the write are now one transaction
that fails when the dimension changed meanwhile, so the second writer is refused by name.
A delete that emptied a kind while another process put vectors dropped their dimension.
The other writer is run at the exact moment of the race by wrapping the client's pipeline.
"""

from __future__ import annotations

import time

import numpy as np
import pytest

from recstack.errors import ConfigError
from recstack.serving.embedding_store import RedisEmbeddingStore
from tests.serving.test_embedding_store import redis_url  # noqa: F401 (the fixture)


def _interleave(store, before_execute):
    """Run ``before_execute()`` once, just before ``store``'s next transaction is sent."""
    original = store._client.pipeline
    fired = []

    def pipeline(*args, **kwargs):
        pipe = original(*args, **kwargs)
        execute = pipe.execute

        def interleaved(*a, **kw):
            if not fired:
                fired.append(True)
                before_execute()
            return execute(*a, **kw)

        pipe.execute = interleaved
        return pipe

    store._client.pipeline = pipeline
    return fired


@pytest.fixture
def two_writers(redis_url):  # noqa: F811 (the fixture imported above)
    prefix = f"race{time.monotonic_ns()}"
    first = RedisEmbeddingStore(redis_url, prefix=prefix)
    second = RedisEmbeddingStore(redis_url, prefix=prefix)
    with first, second:
        yield first, second


def test_a_writer_of_another_dimension_meanwhile_is_refused_and_the_store_stays_whole(
        two_writers):
    first, second = two_writers
    fired = _interleave(first, lambda: second.put("item", ["b"], np.full((1, 3), 2.0)))
    with pytest.raises(ConfigError, match=r"item vectors have 2 dimensions; the store holds "
                                          r"item vectors of 3"):
        first.put("item", ["a", "c"], np.ones((2, 2)))
    assert fired
    assert first.dim("item") == 3 and first.count("item") == 1
    vectors, found = first.get("item", ["a", "b", "c"])  # was a "damaged" error
    assert found.tolist() == [False, True, False]
    assert vectors[1].tolist() == [2.0, 2.0, 2.0]


def test_a_writer_of_the_same_dimension_meanwhile_is_not_lost(two_writers):
    first, second = two_writers
    _interleave(first, lambda: second.put("user", [1], np.full((1, 2), 5.0)))
    first.put("user", [2], np.ones((1, 2)))
    vectors, found = first.get("user", [1, 2])
    assert found.all() and vectors.tolist() == [[5.0, 5.0], [1.0, 1.0]]


def test_a_delete_emptying_a_kind_keeps_the_dimension_of_vectors_put_meanwhile(two_writers):
    first, second = two_writers
    first.put("item", ["a"], np.ones((1, 2)))
    # the second writer puts after the first found the kind empty, before the dimension
    # goes: the moment between the count and the deletion of the dimension
    calls = []
    original = first._client.pipeline

    def pipeline(*args, **kwargs):
        pipe = original(*args, **kwargs)
        calls.append(True)
        if len(calls) == 2:
            multi = pipe.multi

            def interleaved():
                second.put("item", ["b"], np.full((1, 2), 7.0))
                multi()

            pipe.multi = interleaved
        return pipe

    first._client.pipeline = pipeline
    first.delete("item", ["a"])
    assert len(calls) == 2
    assert second.dim("item") == 2 and second.count("item") == 1
    vectors, found = second.get("item", ["b"])  # was "no dimension is recorded"
    assert found.all() and vectors.tolist() == [[7.0, 7.0]]


def test_a_delete_of_the_last_vector_still_forgets_the_dimension(two_writers):
    first, _ = two_writers
    first.put("item", ["a"], np.ones((1, 2)))
    first.delete("item", ["a"])
    assert first.dim("item") is None
    first.put("item", ["a"], np.ones((1, 4)))  # a new dimension is free to take
    assert first.dim("item") == 4


def test_vectors_whose_dimension_key_was_deleted_take_no_rows_of_another_length(two_writers):
    from recstack.serving.embedding_store import StoreUnavailableError

    first, _ = two_writers
    first.put("item", ["a", "b"], np.ones((2, 4)))
    first._client.delete(f"{first.prefix}:dim:item")  # deleted by hand
    with pytest.raises(StoreUnavailableError, match=r"damaged: item vectors are stored \(e\.g"
                                                    r"\. that of '[ab]', 4 float32 values\) "
                                                    r"but no dimension is recorded for them; "
                                                    r"these have 3"):
        first.put("item", ["c"], np.ones((1, 3)))
    assert first.count("item") == 2
    first.put("item", ["c"], np.full((1, 4), 2.0))  # the stored length records it again
    assert first.dim("item") == 4

"""A stored vector whose bytes changed after ``put`` (a flipped byte in the SQLite file, a
value SET again in Redis in another byte order or type of the same length, one id's vector
copied under another's key) was read as another finite vector without a word, so a served
user got another user's taste, or noise. Now each vector's CRC-32 is kept beside it and
checked on every read: a mismatch is a ``DamagedVectorError`` (a
``StoreUnavailableError``, so ``read_with_fallback`` serves the model's vectors) naming the
store, the id and what is wrong; a vector stored without a checksum (a store written
before) is read as before, with one warning. A real redis-server is started on a free port
(the fixture of ``test_embedding_store``)."""

from __future__ import annotations

import logging
import sqlite3
import time
import zlib

import numpy as np
import pytest

from recstack.serving.embedding_store import (
    DamagedVectorError,
    RedisEmbeddingStore,
    StoreUnavailableError,
    open_store,
    read_with_fallback,
)
from tests.serving.test_embedding_store import redis_url  # noqa: F401

GOOD = np.array([[0.5, -1.25, 2.0, 3.5], [1.0, 2.0, 3.0, 4.0]], np.float32)


def _crc(kind: str, key: str, blob: bytes) -> int:
    # the documented rule, written out here: CRC-32 of "KIND\0KEY\0" then the bytes
    return zlib.crc32(f"{kind}\0{key}\0".encode() + blob)


# --------------------------------------------------------------------------- SQLite
@pytest.fixture
def sqlite_path(tmp_path):
    path = tmp_path / "vectors.sqlite"
    with open_store(path) as store:
        store.put("user", [1, 2], GOOD)
    return path


def test_a_byte_flipped_in_the_sqlite_file_is_refused_naming_store_and_id(sqlite_path):
    data = bytearray(sqlite_path.read_bytes())
    at = data.find(GOOD[0].astype("<f4").tobytes())
    assert at > 0 and data.count(GOOD[0].astype("<f4").tobytes()) == 1
    data[at + 1] ^= 0x10  # 0.5 becomes 0.50024414: finite, and silently served before
    sqlite_path.write_bytes(bytes(data))
    with open_store(sqlite_path) as store, pytest.raises(DamagedVectorError) as caught:
        store.get("user", [2, 1])
    message = str(caught.value)
    assert message.startswith(f"embedding store {sqlite_path}: damaged: the user vector of 1 "
                              "does not match the checksum put stored with it")
    assert (caught.value.kind, caught.value.key) == ("user", "i:1")


# each of the same length, and finite: read as a vector before
REWRITTEN = {"another byte order": GOOD[0].astype(">f4").tobytes(),
             "another type": GOOD[1].astype("<i4").tobytes(),
             "another id's vector": GOOD[1].astype("<f4").tobytes()}


@pytest.mark.parametrize("written", list(REWRITTEN.values()), ids=list(REWRITTEN))
def test_a_vector_written_again_by_another_tool_is_refused(sqlite_path, written):
    with sqlite3.connect(sqlite_path) as db:
        assert db.execute("UPDATE vectors SET vector = ? WHERE id = 'i:1'",
                          (written,)).rowcount == 1
    with open_store(sqlite_path) as store:
        with pytest.raises(StoreUnavailableError, match=r"the user vector of 1 does not "
                                                        r"match the checksum"):
            store.get("user", [1])
        vectors, found = store.get("user", [2])  # the sound one is still served
    assert found.tolist() == [True] and vectors[0].tolist() == [1.0, 2.0, 3.0, 4.0]


def test_the_stored_checksum_is_the_crc32_of_kind_key_and_bytes(sqlite_path):
    with sqlite3.connect(sqlite_path) as db:
        rows = dict(db.execute("SELECT id, checksum FROM checksums WHERE kind = 'user'"))
    assert rows == {"i:1": _crc("user", "i:1", GOOD[0].tobytes()),
                    "i:2": _crc("user", "i:2", GOOD[1].tobytes())}


def test_a_truncated_vector_is_still_named_as_cut_short(sqlite_path):
    with sqlite3.connect(sqlite_path) as db:
        db.execute("UPDATE vectors SET vector = substr(vector, 1, 8) WHERE id = 'i:1'")
    with open_store(sqlite_path) as store, pytest.raises(
            DamagedVectorError, match=r"the user vector of 1 holds 2 float32 values; the "
                                      r"store's user vectors have 4"):
        store.get("user", [1])


def test_a_store_written_before_checksums_is_read_and_said_unchecked_once(tmp_path, caplog):
    path = tmp_path / "old.sqlite"
    # the store as an older recstack wrote it: no table of checksums
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE vectors (kind TEXT NOT NULL, id TEXT NOT NULL, vector BLOB "
                   "NOT NULL, PRIMARY KEY (kind, id)) WITHOUT ROWID")
        db.execute("CREATE TABLE dims (kind TEXT PRIMARY KEY, dim INTEGER NOT NULL)")
        db.execute("INSERT INTO dims VALUES ('user', 4)")
        db.executemany("INSERT INTO vectors VALUES ('user', ?, ?)",
                       [("i:1", GOOD[0].tobytes()), ("i:2", GOOD[1].tobytes())])
    with caplog.at_level(logging.WARNING, "recstack.serving.embedding_store"), \
            open_store(path) as store:
        first, found = store.get("user", [1, 2])
        store.get("user", [2])
        store.put("user", [3], GOOD[:1])  # checked from now on
        again, _ = store.get("user", [3])
    assert found.tolist() == [True, True]
    assert first.tolist() == GOOD.tolist() and again[0].tolist() == GOOD[0].tolist()
    said = [r.getMessage() for r in caplog.records if "without a checksum" in r.getMessage()]
    assert len(said) == 1 and "user vectors stored without a checksum (e.g. that of 1" \
        in said[0]
    with sqlite3.connect(path) as db:
        db.execute("UPDATE vectors SET vector = ? WHERE id = 'i:3'", (GOOD[1].tobytes(),))
    with open_store(path) as store, pytest.raises(DamagedVectorError):
        store.get("user", [3])


def test_deleting_a_vector_deletes_its_checksum(sqlite_path):
    with open_store(sqlite_path) as store:
        store.delete("user", [1])
    with sqlite3.connect(sqlite_path) as db:
        assert [row[0] for row in db.execute("SELECT id FROM checksums")] == ["i:2"]


def test_the_fallback_serves_the_model_vector_for_a_damaged_one(tmp_path, als):
    user = als.users_.external_ids[0]
    path = tmp_path / "vectors.sqlite"
    with open_store(path) as store:
        store.put_model(als)
    with sqlite3.connect(path) as db:
        blob = db.execute("SELECT vector FROM vectors WHERE kind = 'user' AND id = ?",
                          (f"i:{user}",)).fetchone()[0]
        flipped = bytearray(blob)
        flipped[0] ^= 0x01
        db.execute("UPDATE vectors SET vector = ? WHERE kind = 'user' AND id = ?",
                   (bytes(flipped), f"i:{user}"))
    with open_store(path) as store:
        vectors, found, source = read_with_fallback(store, "user", [user], als)
    assert source == "model" and found.tolist() == [True]
    assert vectors[0].tolist() == als.user_embeddings()[0].astype(np.float32).tolist()


# --------------------------------------------------------------------------- Redis
@pytest.fixture
def redis_store(redis_url):  # noqa: F811
    import redis

    prefix = f"r56l{time.monotonic_ns()}"
    with RedisEmbeddingStore(redis_url, prefix=prefix) as store:
        store.put("user", [1, 2], GOOD)
        yield store, redis.Redis.from_url(redis_url), prefix


@pytest.mark.parametrize("written", ["flipped", *REWRITTEN.values()],
                         ids=["a flipped byte", *REWRITTEN])
def test_a_value_set_again_in_redis_is_refused_naming_store_and_id(redis_store, written):
    store, raw, prefix = redis_store
    if written == "flipped":
        value = bytearray(raw.get(f"{prefix}:user:i:1"))
        value[2] ^= 0x01
        written = bytes(value)
    raw.set(f"{prefix}:user:i:1", written)
    with pytest.raises(DamagedVectorError) as caught:
        store.get("user", [2, 1])
    assert str(caught.value).startswith(f"embedding store {store.url}: damaged: the user "
                                        "vector of 1 does not match the checksum")
    vectors, found = store.get("user", [2])
    assert found.tolist() == [True] and vectors[0].tolist() == [1.0, 2.0, 3.0, 4.0]


def test_a_truncated_redis_value_is_refused(redis_store):
    store, raw, prefix = redis_store
    raw.set(f"{prefix}:user:i:1", GOOD[0].tobytes()[:8])
    with pytest.raises(DamagedVectorError, match=r"the user vector of 1 holds 2 float32"):
        store.get("user", [1])


def test_redis_checksums_are_crc32_and_leave_with_their_vector(redis_store):
    store, raw, prefix = redis_store
    assert raw.hgetall(f"{prefix}:sum:user") == {
        b"i:1": str(_crc("user", "i:1", GOOD[0].tobytes())).encode(),
        b"i:2": str(_crc("user", "i:2", GOOD[1].tobytes())).encode()}
    store.delete("user", [1])
    assert raw.hkeys(f"{prefix}:sum:user") == [b"i:2"]


def test_a_redis_store_written_before_checksums_is_read_unchecked(redis_store, caplog):
    store, raw, prefix = redis_store
    raw.delete(f"{prefix}:sum:user")  # as an older recstack left it
    with caplog.at_level(logging.WARNING, "recstack.serving.embedding_store"):
        vectors, found = store.get("user", [1, 2])
        store.get("user", [1])
    assert found.tolist() == [True, True] and vectors.tolist() == GOOD.tolist()
    assert sum("without a checksum" in r.getMessage() for r in caplog.records) == 1


def test_the_service_serves_around_one_damaged_vector_without_pausing_the_store(
        tmp_path, als, train):
    pytest.importorskip("fastapi", reason="the service needs the serving extra")
    from tests.serving.service_helpers import client, publish, settings

    registry = publish(tmp_path / "registry", als, train)
    damaged, healthy = (als.users_.external_ids[i] for i in (0, 1))
    nearline = np.linspace(-1, 1, als.item_embeddings().shape[1]).astype(np.float32)
    path = tmp_path / "vectors.sqlite"
    with open_store(path) as store:
        store.put("user", [damaged, healthy], np.stack([nearline, nearline]))
    with sqlite3.connect(path) as db:
        db.execute("UPDATE vectors SET vector = ? WHERE kind = 'user' AND id = ?",
                   (nearline[::-1].tobytes(), f"i:{damaged}"))
    with client(settings(registry, store=str(path), store_retry_seconds=600)) as http:
        first = http.get(f"/users/{damaged}/recommendations", params={"k": 3}).json()
        second = http.get(f"/users/{healthy}/recommendations", params={"k": 3}).json()
    # the damaged user gets the model's own list; the next user is still read from the
    # store (an outage would have paused it for store_retry_seconds)
    u = als.users_.to_index(np.array([damaged]))[0]
    own = als.user_embeddings()[u] @ als.item_embeddings().T
    own[als.seen_[u].indices] = -np.inf
    assert [it["item_id"] for it in first["items"]] == [
        str(als.items_.external_ids[i]) for i in np.argsort(-own, kind="stable")[:3]]
    h = als.users_.to_index(np.array([healthy]))[0]
    stored = als.item_embeddings() @ nearline
    stored[als.seen_[h].indices] = -np.inf
    assert [it["item_id"] for it in second["items"]] == [
        str(als.items_.external_ids[i]) for i in np.argsort(-stored, kind="stable")[:3]]

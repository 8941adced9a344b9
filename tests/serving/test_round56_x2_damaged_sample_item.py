"""The service compares a few of the store's item vectors with the model's (to tell a store
filled for another model). One damaged item vector among them raised DamagedVectorError
there, taken for an outage: at the start the store was paused (``/health`` unavailable),
and each request read the sample again, warned again and served the model's vector while
``/health`` said ok. Now the damaged item is left out of the comparison (said once) and
the others are compared: the store keeps serving."""

from __future__ import annotations

import logging
import sqlite3

import numpy as np
import pytest

from recstack.serving.embedding_store import open_store
from recstack.serving.service import Service
from tests.serving.service_helpers import publish, settings


def _key(external_id) -> str:
    # the store's documented key spelling: i:42 for an integer id, s:abc for text
    return f"i:{external_id}" if isinstance(external_id, int | np.integer) \
        else f"s:{external_id}"


def _damage_item(path, external_id) -> None:
    """Rewrite one item vector's bytes behind the store's back (its checksum kept)."""
    with sqlite3.connect(path) as db:
        (blob,) = db.execute("SELECT vector FROM vectors WHERE kind = 'item' AND id = ?",
                             (_key(external_id),)).fetchone()
        changed = np.frombuffer(blob, "<f4")[::-1].tobytes()
        assert changed != blob
        assert db.execute("UPDATE vectors SET vector = ? WHERE kind = 'item' AND id = ?",
                          (changed, _key(external_id))).rowcount == 1


def _own_list(als, vector: np.ndarray, user: int, k: int) -> list[str]:
    scores = als.item_embeddings() @ vector
    scores[als.seen_[user].indices] = -np.inf
    return [str(als.items_.external_ids[i]) for i in np.argsort(-scores, kind="stable")[:k]]


def test_a_damaged_item_in_the_sample_leaves_the_store_serving(tmp_path, als, train, caplog):
    registry = publish(tmp_path / "registry", als, train)
    path = tmp_path / "vectors.sqlite"
    first_item = als.items_.external_ids[0]  # the sample's first: it spreads from index 0
    user_id = als.users_.external_ids[3]
    nearline = np.linspace(-1, 1, als.item_embeddings().shape[1]).astype(np.float32)
    with open_store(path) as store:
        store.put_model(als)
        store.put("user", [user_id], nearline[None, :])
    _damage_item(path, first_item)

    caplog.set_level(logging.WARNING, logger="recstack.serving.service")
    service = Service(settings(registry, store=str(path), store_retry_seconds=600))
    service.start()
    try:
        state = service.health()
        assert (state["status"], state["store"]) == ("ok", "ok"), state
        for _ in range(3):
            served = service.recommend_user(str(user_id), 5)
            assert served.vector_source == "store"
        user = int(als.users_.to_index(np.array([user_id]))[0])
        assert served.item_ids.tolist() == _own_list(als, nearline, user, 5)
        assert service.health()["store"] == "ok"
    finally:
        service.close()
    said = [r.getMessage() for r in caplog.records if "left out of the sample" in r.getMessage()]
    assert len(said) == 1, [r.getMessage() for r in caplog.records]
    assert f"damaged: the item vector of {first_item} does not match" in said[0], said


def test_the_other_sampled_items_still_tell_a_store_of_another_model(tmp_path, als, train):
    registry = publish(tmp_path / "registry", als, train)
    path = tmp_path / "vectors.sqlite"
    with open_store(path) as store:
        # another model of the same dimension: every item vector differs from the model's
        store.put("item", als.items_.external_ids, als.item_embeddings() * 2.0 + 1.0)
        store.put("user", als.users_.external_ids, als.user_embeddings())
    _damage_item(path, als.items_.external_ids[0])

    service = Service(settings(registry, store=str(path), store_retry_seconds=600))
    service.start()
    try:
        state = service.health()
        assert state["store"] == "mismatched", state
        served = service.recommend_user(str(als.users_.external_ids[3]), 5)
        assert served.vector_source == "model"
    finally:
        service.close()


@pytest.mark.parametrize("damaged", ["first", "every"])
def test_a_sample_of_damaged_items_only_compares_nothing(tmp_path, als, train, damaged):
    registry = publish(tmp_path / "registry", als, train)
    path = tmp_path / "vectors.sqlite"
    with open_store(path) as store:
        store.put_model(als)
    n_items = len(als.items_)
    # every item damaged: the sample (whichever items it takes) holds none to compare by
    chosen = [0] if damaged == "first" else range(n_items)
    for index in chosen:
        _damage_item(path, als.items_.external_ids[index])
    service = Service(settings(registry, store=str(path), store_retry_seconds=600))
    service.start()
    try:
        assert service.health()["store"] == "ok"
        served = service.recommend_user(str(als.users_.external_ids[3]), 5)
        assert served.vector_source == "store"
    finally:
        service.close()

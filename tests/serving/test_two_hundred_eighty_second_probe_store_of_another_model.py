"""Two-hundred-eighty-second probe: an embedding store filled (``put_model``) for one
version, then a reload to a retrained version of the same dimension (another seed, another
catalog): the store's user vectors, which live in the old version's space, were searched in
the new version's items as if they were its own (``vector_source`` "store", ``/health``
ok), a silently wrong list. The service now compares a few of the store's item vectors
with the version's own: when they differ it serves the model's own vectors, says why in
``/health`` (degraded, ``store_error`` naming the item and the version) and counts the
fallback; a ``put_model`` of the version served is used at the next request, and a reload
to a version that does not read the store clears the error that named the old one."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("fastapi", reason="the service tests need the serving extra")

from recstack.serving.embedding_store import SQLiteEmbeddingStore  # noqa: E402
from recstack.serving.service import Service  # noqa: E402
from recstack.serving.telemetry import ServiceMetrics  # noqa: E402
from tests.serving.service_helpers import publish, settings  # noqa: E402


def _own_list(model, user, k):
    """The version's own answer for ``user``: its user vector against its item vectors,
    the user's seen items left out, worked out here without the service."""
    users, items = model.user_embeddings(), model.item_embeddings()
    row = model.users_.to_index(np.array([user]))[0]
    scores = items @ users[row]
    scores[model.seen_[row].indices] = -np.inf
    order = np.argsort(-scores, kind="stable")[:k]
    return [str(i) for i in model.items_.external_ids[order]]


@pytest.mark.parametrize("catalog", ["same", "half"])
def test_a_store_of_the_version_before_a_reload_is_not_searched(tmp_path, als, train,
                                                                 catalog, monkeypatch):
    from recstack.models.als import ALS
    from recstack.models.baselines import MostPopular

    registry = publish(tmp_path / "registry", als, train, name="m")
    path = tmp_path / "vectors.sqlite"
    with SQLiteEmbeddingStore(path) as store:
        store.put_model(als)
    service = Service(settings(registry, model="m", store=str(path)), ServiceMetrics())
    service.start()
    try:
        user = als.users_.external_ids[0]
        first = service.recommend_user(str(user), 5)
        assert first.vector_source == "store" and service.health()["status"] == "ok"

        data = train if catalog == "same" else train.for_items(np.arange(40)).compact()
        retrained = ALS(factors=8, iterations=4, regularization=5.0, alpha=2.0,
                        seed=1).fit(data)
        assert user in retrained.users_.external_ids
        registry.publish("m", retrained, data=data)
        assert service.reload() == ["m@2"]
        served = service.recommend_user(str(user), 5)
        assert served.model == "m@2" and served.vector_source == "model"
        assert list(served.item_ids) == _own_list(retrained, user, 5)
        health = service.health()
        assert health["status"] == "degraded"
        item = retrained.items_.external_ids.tolist()[0]
        assert health["store_error"] == (
            f"the store's vector of item {item!r} is not m@2's: the store was filled for "
            "another model (an earlier version, or another catalog), whose user vectors mean "
            "nothing to m@2's items; the model's own vectors are served until the store "
            "holds this version's vectors (put_model)")
        fallbacks = service.metrics.store_fallback._value.get()
        assert fallbacks >= 1

        # the store refilled for the version served: used at the next request
        with SQLiteEmbeddingStore(path) as store:
            store.put_model(retrained)
        again = service.recommend_user(str(user), 5)
        assert again.vector_source == "store"
        assert list(again.item_ids) == _own_list(retrained, user, 5)
        assert service.health()["status"] == "ok"

        # the store of m@1 again (a match is trusted a few seconds: no wait here), then a
        # version that reads no store: the error named a version no longer served
        monkeypatch.setattr("recstack.serving.service._STORE_CHECK_SECONDS", 0.0)
        with SQLiteEmbeddingStore(path) as store:
            store.put_model(als)
        assert service.recommend_user(str(user), 5).vector_source == "model"
        assert "not m@2's" in service.health()["store_error"]
        registry.publish("m", MostPopular().fit(train), data=train)
        assert service.reload() == ["m@3"]
        assert service.recommend_user(str(user), 5).model == "m@3"
        health = service.health()
        assert health["status"] == "ok" and health["store_error"] is None
    finally:
        service.close()


def test_a_store_of_user_vectors_only_is_still_served(tmp_path, als, train):
    """Nothing to compare (no item vectors, as a store filled by hand or by fold-in alone):
    the store's vector is served, as before."""
    registry = publish(tmp_path / "registry", als, train, name="m")
    path = tmp_path / "vectors.sqlite"
    user = als.users_.external_ids[0]
    with SQLiteEmbeddingStore(path) as store:
        store.put("user", [user], als.user_embeddings()[:1])
    service = Service(settings(registry, model="m", store=str(path)), ServiceMetrics())
    service.start()
    try:
        served = service.recommend_user(str(user), 5)
        assert served.vector_source == "store"
        assert list(served.item_ids) == _own_list(als, user, 5)
        assert service.health()["status"] == "ok"
    finally:
        service.close()


def test_fold_in_refuses_a_store_filled_for_another_model(tmp_path, als, train):
    """``fold_in_users`` wrote the users of one model beside the item vectors (and the other
    users) of the model that filled the store, without a word; it now refuses, before
    writing, and the model the store was filled for still folds in."""
    from recstack.errors import ConfigError
    from recstack.models.als import ALS
    from recstack.serving.embedding_store import fold_in_users

    other = ALS(factors=8, iterations=4, regularization=5.0, alpha=2.0, seed=1).fit(train)
    user, items = als.users_.external_ids[0], als.items_.external_ids[:2]
    with SQLiteEmbeddingStore(tmp_path / "vectors.sqlite") as store:
        store.put_model(als)
        before = store.get("user", [user])[0]
        with pytest.raises(ConfigError) as raised:
            fold_in_users(other, store, [user], [items[0]])
        assert str(raised.value) == (
            f"fold_in_users: the store's vector of item {items.tolist()[0]!r} is not the "
            "given als model's: the store was filled for another model (an earlier version, "
            "or another catalog), and users folded in with this one would not match its "
            "vectors; fold in with the model the store was filled for, or fill it for this "
            "one first (store.put_model(model))")
        np.testing.assert_array_equal(store.get("user", [user])[0], before)  # nothing written
        report = fold_in_users(als, store, [user], [items[1]])
        assert report.users.tolist() == [user]
        store.put_model(other)  # filled for the other model: it folds in now
        assert fold_in_users(other, store, [user], [items[1]]).users.tolist() == [user]


def test_read_with_fallback_does_not_return_another_models_vectors(tmp_path, als, train,
                                                                     caplog):
    """``read_with_fallback`` returned a store's vectors as "store" whatever model had
    filled it (of another dimension too), to be scored against the given model's."""
    import logging

    from recstack.models.als import ALS
    from recstack.serving.embedding_store import read_with_fallback

    other = ALS(factors=8, iterations=4, regularization=5.0, alpha=2.0, seed=1).fit(train)
    narrow = ALS(factors=4, iterations=2, seed=0).fit(train)
    users = als.users_.external_ids[[3, 1]]
    for filler, reason in ((other, f"the store's vector of item "
                                   f"{als.items_.external_ids.tolist()[0]!r} is not the "
                                   "given als model's"),
                           (narrow, "the store's user vectors have 4 dimensions, the given "
                                    "als model's 8")):
        with SQLiteEmbeddingStore(tmp_path / f"{id(filler)}.sqlite") as store:
            store.put_model(filler)
            caplog.clear()
            with caplog.at_level(logging.WARNING, logger="recstack.serving.embedding_store"):
                vectors, found, source = read_with_fallback(store, "user", users, als)
            assert source == "model" and found.tolist() == [True, True]
            np.testing.assert_array_equal(vectors, als.user_embeddings()[[3, 1]])
            assert [r.getMessage() for r in caplog.records] == [
                f"read_with_fallback: {reason}: the store was filled for another model; the "
                "model's own vectors are returned (store.put_model(model) fills it for this "
                "one)"]
    with SQLiteEmbeddingStore(tmp_path / f"{id(other)}.sqlite") as store:
        store.put_model(als)  # filled for the model again: the store's vectors
        vectors, found, source = read_with_fallback(store, "user", users, als)
        assert source == "store"
        np.testing.assert_array_equal(vectors, als.user_embeddings()[[3, 1]])

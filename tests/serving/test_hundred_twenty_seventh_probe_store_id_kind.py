"""Vectors put in an embedding store under the other spelling of the model's ids (text
``"3"`` for a model of integer ids, or the integer 3 for one of text ids) were never found:
the model's own vectors were served without a word. The service now looks the id up in
both spellings, still serves the model's vector (``1`` and ``"1"`` are different store ids),
but says why: ``/health`` is degraded with a ``store_error`` naming the id kind expected,
and a warning is logged."""

from __future__ import annotations

import logging

import numpy as np
import pytest

pytest.importorskip("fastapi", reason="the service tests need the serving extra")

from tests.serving.service_helpers import client, publish, settings  # noqa: E402


def _serve(tmp_path, model, train, ids):
    from recstack.serving.embedding_store import SQLiteEmbeddingStore

    registry = publish(tmp_path / "registry", model, train)
    path = tmp_path / "vectors.sqlite"
    dim = model.item_embeddings().shape[1]
    with SQLiteEmbeddingStore(path) as store:
        store.put("user", ids, np.ones((len(ids), dim), np.float32))
    return client(settings(registry, store=str(path)))


def test_text_ids_in_the_store_of_an_integer_model_are_named(tmp_path, als, train, caplog):
    assert als.users_.external_ids.dtype.kind in "iu" and 3 in als.users_.external_ids
    with _serve(tmp_path, als, train, ["3"]) as http, \
            caplog.at_level(logging.WARNING, logger="recstack.serving.service"):
        answer = http.get("/users/3/recommendations?k=3")
        assert answer.status_code == 200, answer.text
        assert http.app.state.service.recommend_user("3", 3).vector_source == "model"
        health = http.get("/health").json()
    assert health["status"] == "degraded"
    assert health["store_error"].startswith("the store holds user '3' as text, but als@1's "
                                            "user ids are integers")
    assert "put the store's user vectors with ids as integers" in health["store_error"]
    assert any("user ids are integers" in r.getMessage() for r in caplog.records)


def test_integer_ids_in_the_store_of_a_text_model_are_named(tmp_path, als, train):
    from recstack.data.interactions import Interactions
    from recstack.models.als import ALS

    frame = train.to_frame()
    frame["user_id"] = frame["user_id"].astype(str)
    text_train = Interactions.from_frame(frame)
    model = ALS(factors=4, iterations=2, seed=0).fit(text_train)
    assert model.users_.external_ids.dtype.kind not in "iu" and "3" in model.users_.external_ids
    with _serve(tmp_path, model, text_train, [3]) as http:
        answer = http.get("/users/3/recommendations?k=3")
        assert answer.status_code == 200, answer.text
        health = http.get("/health").json()
    assert health["store_error"].startswith("the store holds user 3 as an integer, but "
                                            "als@1's user ids are text")


def test_ids_of_the_right_kind_are_served_from_the_store(tmp_path, als, train):
    with _serve(tmp_path, als, train, [3]) as http:
        service = http.app.state.service
        assert service.recommend_user("3", 3).vector_source == "store"
        # a user the store lacks in either spelling is no error
        assert service.recommend_user("7", 3).vector_source == "model"
        assert http.get("/health").json()["store_error"] is None

"""The HTTP service in-process (FastAPI's test client): endpoints, limits, admin, faults.

Expected lists are worked out here with numpy from the model's vectors and the training
data, not through the service's retrieval code."""

from __future__ import annotations

import json
import re
import socket

import numpy as np
import pytest

pytest.importorskip("fastapi", reason="the service tests need the serving extra")

from tests.serving.service_helpers import TOKEN, client, publish, settings  # noqa: E402


def _top(scores: np.ndarray, k: int) -> list[int]:
    # best first, equal scores: lower index first (recstack's tie rule)
    return sorted(range(len(scores)), key=lambda i: (-scores[i], i))[:k]


@pytest.fixture
def registry(tmp_path, als, train):
    return publish(tmp_path / "registry", als, train)


def test_known_user_gets_top_k_of_dot_products_without_seen(registry, als, train):
    users = als.users_.external_ids
    with client(settings(registry)) as http:
        for user in users[:5]:
            body = http.get(f"/users/{user}/recommendations", params={"k": 7}).json()
            u = als.users_.to_index(np.array([user]))[0]
            scores = als.user_embeddings()[u] @ als.item_embeddings().T
            seen = set(train.item_index[train.user_index == u].tolist())
            scores[list(seen)] = -np.inf
            expected = [str(als.items_.external_ids[i]) for i in _top(scores, 7)]
            assert [it["item_id"] for it in body["items"]] == expected
            np.testing.assert_allclose([it["score"] for it in body["items"]],
                                       np.sort(scores)[::-1][:7], rtol=1e-5)
            assert body["model"] == "als@1" and body["variant"] == "default"
            assert [it["rank"] for it in body["items"]] == list(range(1, 8))
            assert {it["source"] for it in body["items"]} == {"exact"}


def test_the_compiled_top_k_kernel_is_loaded_before_the_service_is_ready(registry):
    """Loading numba and the kernel costs the first request half a second to seconds, so
    start() does it; a fresh dispatcher holds no signature until then."""
    pytest.importorskip("numba", reason="the compiled top-K kernel needs numba")
    from recstack import topk
    from recstack.serving.service import Service
    from recstack.serving.telemetry import ServiceMetrics

    topk._compiled_kernel.cache_clear()
    service = Service(settings(registry), ServiceMetrics())
    assert not topk._compiled_kernel().signatures
    service.start()
    try:
        loaded = {str(signature[0].dtype) for signature in topk._compiled_kernel().signatures}
        assert loaded == {"float32", "float64"}
        assert service.metrics.render().count(b"recstack_stage_seconds_count{") == 0
    finally:
        service.close()


def test_unknown_user_404_names_the_cold_start_endpoint(registry):
    with client(settings(registry)) as http:
        answer = http.get("/users/nobody/recommendations")
    assert answer.status_code == 404
    assert "POST /recommendations/new-user" in answer.json()["detail"]


def test_unknown_user_gets_popular_items_with_the_reason(registry, als, train):
    pairs = {(u, i) for u, i in zip(train.user_index.tolist(), train.item_index.tolist(),
                                    strict=True)}
    counts = np.zeros(train.n_items)
    for _, i in pairs:
        counts[i] += 1
    with client(settings(registry, unknown_user="popular")) as http:
        body = http.get("/users/nobody/recommendations", params={"k": 5}).json()
        metrics = http.get("/metrics").text
    assert [it["item_id"] for it in body["items"]] == [
        str(als.items_.external_ids[i]) for i in _top(counts, 5)]
    assert "unknown" in body["fallback"] and "new-user" in body["fallback"]
    assert {it["source"] for it in body["items"]} == {"popularity"}
    assert 'recstack_fallback_total{reason="unknown_user"} 1.0' in metrics


def test_new_visitor_ignores_and_reports_unknown_items(registry, als):
    chosen = [str(i) for i in als.items_.external_ids[[3, 10, 11]]]
    with client(settings(registry)) as http:
        body = http.post("/recommendations/new-user",
                         json={"items": [*chosen, "no-such-item", chosen[0]], "k": 6}).json()
        nothing = http.post("/recommendations/new-user", json={"items": ["x", "y"]}).json()
    history = np.zeros((1, len(als.items_)), np.float32)
    history[0, [3, 10, 11]] = 1
    import scipy.sparse as sp

    scores = als.score_histories(sp.csr_matrix(history))[0]
    scores[[3, 10, 11]] = -np.inf
    assert [it["item_id"] for it in body["items"]] == [
        str(als.items_.external_ids[i]) for i in _top(scores, 6)]
    assert body["unknown_items"] == ["no-such-item"] and body["fallback"] is None
    assert nothing["unknown_items"] == ["x", "y"]
    assert "none of the posted items" in nothing["fallback"]


def test_similar_items_are_the_cosine_neighbours(registry, als):
    vectors = als.item_embeddings()
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    with client(settings(registry)) as http:
        body = http.get(f"/items/{als.items_.external_ids[4]}/similar", params={"k": 4}).json()
        missing = http.get("/items/nope/similar")
    cosine = unit @ unit[4]
    cosine[4] = -np.inf
    assert [it["item_id"] for it in body["items"]] == [
        str(als.items_.external_ids[i]) for i in _top(cosine, 4)]
    assert missing.status_code == 404 and "not in the catalog" in missing.json()["detail"]


@pytest.mark.parametrize(("method", "path", "payload", "code", "words"), [
    ("get", "/users/1/recommendations?k=101", None, 422, "max_k"),
    ("get", "/users/1/recommendations?k=1001", None, 422,
     "from 1 to 100 (this service's max_k), not the number 1001"),
    ("get", "/users/1/recommendations?k=0", None, 422,
     "from 1 to 100 (this service's max_k), not the number 0"),
    ("get", "/users/" + "u" * 129 + "/recommendations", None, 422, "at most 128"),
    # over the schema's cap of 500 too, but it is this service's max_items that is told
    ("post", "/recommendations/new-user", {"items": ["1"] * 501}, 422,
     "a list of 1 to 2 item ids (this service's max_items), not a list of 501"),
    ("post", "/recommendations/new-user", {"items": ["1"], "extra": 1}, 422, "xtra"),
    ("post", "/recommendations/new-user", {"items": ["1"] * 3}, 422, "max_items"),
])
def test_oversized_and_malformed_requests_are_refused(registry, method, path, payload, code,
                                                      words):
    with client(settings(registry, max_items=2)) as http:
        answer = getattr(http, method)(path, **({"json": payload} if payload else {}))
    assert answer.status_code == code
    assert words in json.dumps(answer.json())


def test_a_body_over_the_limit_is_413(registry):
    big = {"items": ["x" * 100] * 400}  # ~41 KB
    with client(settings(registry, max_body_bytes=4096)) as http:
        answer = http.post("/recommendations/new-user", json=big)
        streamed = http.post("/recommendations/new-user",
                             content=(b"x" * 1024 for _ in range(8)),
                             headers={"content-type": "application/json"})
    assert answer.status_code == 413 and "4096 bytes" in answer.json()["detail"]
    assert streamed.status_code == 413


def test_admin_needs_the_bearer_token(registry):
    with client(settings(registry)) as http:
        assert http.post("/admin/reload").status_code == 403  # no token configured
    with client(settings(registry, admin_token=TOKEN)) as http:
        assert http.post("/admin/reload").status_code == 401
        wrong = http.post("/admin/reload", headers={"Authorization": "Bearer " + "x" * 40})
        assert wrong.status_code == 403
        right = http.post("/admin/reload", headers={"Authorization": f"Bearer {TOKEN}"})
        assert right.status_code == 200 and right.json() == {"models": ["als@1"]}


def test_short_admin_tokens_are_refused():
    from recstack.errors import ConfigError
    from recstack.serving.settings import ServiceSettings

    with pytest.raises(ConfigError, match="admin_token.*at least 32"):
        ServiceSettings.create(registry="r", admin_token="secret")


def _damage(registry, version: int) -> None:
    path = registry._version_key("als", version) + "/model/arrays.npz"
    with open(path, "r+b") as handle:
        handle.seek(100)
        byte = handle.read(1)
        handle.seek(100)
        handle.write(bytes([byte[0] ^ 0xFF]))


def test_a_corrupt_version_keeps_the_previous_one_served(registry, als, train):
    auth = {"Authorization": f"Bearer {TOKEN}"}
    with client(settings(registry, admin_token=TOKEN)) as http:
        registry.publish("als", als, data=train)
        _damage(registry, 2)
        failed = http.post("/admin/reload", headers=auth)
        assert failed.status_code == 409 and "checksum" in failed.json()["detail"]
        user = als.users_.external_ids[0]
        assert http.get(f"/users/{user}/recommendations").json()["model"] == "als@1"
        health = http.get("/health").json()
        assert health["status"] == "degraded" and "als@2" in health["last_reload_error"]
        assert "still serving als@1" in health["last_reload_error"]
        metrics = http.get("/metrics").text
        assert "recstack_reload_failing 1.0" in metrics
        assert 'recstack_reloads_total{outcome="failed"} 1.0' in metrics
        registry.publish("als", als, data=train)  # a good version 3 heals it
        assert http.post("/admin/reload", headers=auth).json() == {"models": ["als@3"]}
        assert http.get("/health").json()["status"] == "ok"
        assert "recstack_reload_failing 0.0" in http.get("/metrics").text
        switched = http.post("/admin/reload", headers=auth, json={"version": 1})
        assert switched.json() == {"models": ["als@1"]}
        assert http.get("/health").json()["variants"][0]["pinned"] is True


def test_a_corrupt_current_version_at_start_serves_the_newest_good_one(registry, als, train):
    registry.publish("als", als, data=train)
    _damage(registry, 2)
    with client(settings(registry)) as http:
        assert http.get("/ready").status_code == 200
        health = http.get("/health").json()
        assert health["variants"][0]["model"] == "als@1" and health["status"] == "degraded"
        assert "checksum" in health["last_reload_error"]


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_an_unreachable_store_falls_back_to_the_model_without_errors(registry, als):
    store = f"redis://127.0.0.1:{_closed_port()}/0"
    user = als.users_.external_ids[2]
    with client(settings(registry, store=store, store_retry_seconds=60)) as http:
        answers = [http.get(f"/users/{user}/recommendations", params={"k": 3})
                   for _ in range(20)]
        health = http.get("/health").json()
        metrics = http.get("/metrics").text
    assert {a.status_code for a in answers} == {200}
    u = als.users_.to_index(np.array([user]))[0]
    assert answers[0].json()["items"][0]["score"] == pytest.approx(
        float(np.max(np.where(als.seen_[u].toarray()[0] > 0, -np.inf,
                              als.user_embeddings()[u] @ als.item_embeddings().T))), rel=1e-5)
    assert health["store"] == "unavailable" and health["status"] == "degraded"
    assert re.search(r"recstack_store_fallback_total 20\.0", metrics)


def test_store_vectors_are_served_and_a_broken_store_falls_back(tmp_path, registry, als):
    from recstack.serving.embedding_store import SQLiteEmbeddingStore

    path = tmp_path / "vectors.sqlite"
    user = als.users_.external_ids[1]
    nearline = np.linspace(-1, 1, als.item_embeddings().shape[1]).astype(np.float32)
    with SQLiteEmbeddingStore(path) as store:
        store.put("user", [user], nearline[None, :])
        store.put("user", ["newcomer"], nearline[None, :])
    with client(settings(registry, store=str(path), store_retry_seconds=0)) as http:
        body = http.get(f"/users/{user}/recommendations", params={"k": 3}).json()
        newcomer = http.get("/users/newcomer/recommendations", params={"k": 3})
        path.write_bytes(b"this is not a database" * 100)
        for suffix in ("-wal", "-shm"):
            (tmp_path / f"vectors.sqlite{suffix}").unlink(missing_ok=True)
        broken = http.get(f"/users/{user}/recommendations", params={"k": 3})
    scores = als.item_embeddings() @ nearline
    u = als.users_.to_index(np.array([user]))[0]
    scores[als.seen_[u].indices] = -np.inf
    assert [it["item_id"] for it in body["items"]] == [
        str(als.items_.external_ids[i]) for i in _top(scores, 3)]
    assert newcomer.status_code == 200  # known only to the store (nearline fold-in)
    assert broken.status_code == 200


def test_stages_run_after_retrieval_on_the_candidates_and_are_timed(tmp_path, registry, als):
    from recstack.serving.request_log import read_log
    from tests.serving import service_helpers

    service_helpers.seen.clear()
    options = dict(stages=["tests.serving.service_helpers:reverse_stage"], candidates=30,
                   log_dir=str(tmp_path / "logs"))
    user = als.users_.external_ids[0]
    with client(settings(registry, **options)) as http:
        staged = http.get(f"/users/{user}/recommendations", params={"k": 5}).json()
        metrics = http.get("/metrics").text
    with client(settings(registry, candidates=30)) as http:
        plain = http.get(f"/users/{user}/recommendations", params={"k": 30}).json()
    assert service_helpers.seen == [30]
    assert [it["item_id"] for it in staged["items"]] == [
        it["item_id"] for it in plain["items"][::-1][:5]]
    assert {it["source"] for it in staged["items"]} == {"reverse"}
    assert 'recstack_stage_seconds_count{name="reverse",stage="re-ranking"} 1.0' in metrics
    assert 'recstack_stage_seconds_count{name="exact",stage="retrieval"} 1.0' in metrics
    logged = read_log(tmp_path / "logs" / "requests", "requests").iloc[0]
    assert json.loads(logged["features"]) == {"n": 30}  # what the stage used, logged


def test_events_need_a_log_folder_and_metrics_count_requests(registry):
    event = {"event": "click", "user_id": "1", "item_id": "2", "timestamp": 1.7e9}
    with client(settings(registry)) as http:
        refused = http.post("/events", json={"events": [event]})
        bad = http.post("/events", json={"events": [{**event, "event": "like"}]})
        metrics = http.get("/metrics").text
    assert refused.status_code == 409 and "--log-dir" in refused.json()["detail"]
    assert bad.status_code == 422
    assert 'recstack_requests_total{endpoint="/events",method="POST",status="409"} 1.0' \
        in metrics
    assert 'recstack_model_version{model="als",variant="default"} 1.0' in metrics


def test_polling_follows_a_newly_published_version(registry, als, train):
    import time

    user = als.users_.external_ids[0]
    with client(settings(registry, poll_seconds=0.1)) as http:
        assert http.get(f"/users/{user}/recommendations").json()["model"] == "als@1"
        registry.publish("als", als, data=train)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if http.get(f"/users/{user}/recommendations").json()["model"] == "als@2":
                break
            time.sleep(0.1)
        assert http.get(f"/users/{user}/recommendations").json()["model"] == "als@2"


def test_a_store_that_cannot_be_opened_at_start_is_retried(tmp_path, registry, als):
    from recstack.serving.embedding_store import SQLiteEmbeddingStore

    folder = tmp_path / "later"
    user = als.users_.external_ids[1]
    options = dict(store=str(folder / "vectors.sqlite"), store_retry_seconds=0)
    with client(settings(registry, **options)) as http:
        first = http.get(f"/users/{user}/recommendations", params={"k": 3})
        assert first.status_code == 200 and http.get("/health").json()["store"] == \
            "unavailable"
        assert "recstack_store_fallback_total 1.0" in http.get("/metrics").text
        folder.mkdir()
        with SQLiteEmbeddingStore(folder / "vectors.sqlite") as store:
            store.put("user", [user], np.ones((1, als.item_embeddings().shape[1])))
        again = http.get(f"/users/{user}/recommendations", params={"k": 3})
        assert http.get("/health").json()["store"] == "ok"
    scores = als.item_embeddings().sum(axis=1)
    scores[als.seen_[als.users_.to_index(np.array([user]))[0]].indices] = -np.inf
    assert [it["item_id"] for it in again.json()["items"]] == [
        str(als.items_.external_ids[i]) for i in _top(scores, 3)]

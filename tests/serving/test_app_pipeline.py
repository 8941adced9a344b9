"""The pipeline's stages in the running service (a real uvicorn): a published ``reranked``
model and a re-ranking chain of the settings after retrieval, and a published ``two_stage``
model (its generators retrieve, its ranker ranks), each stage timed; the two-stage
features logged and checked offline by the skew command.

Expected lists are worked out here with numpy from the models' vectors and the training
data (the chains re-implemented from their formulas), and against the models' own
``recommend``."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("fastapi", reason="the service tests need the serving extra")
pytest.importorskip("sklearn", reason="the two-stage model's ranker here is scikit-learn's")

import httpx  # noqa: E402

from recstack.errors import ConfigError, RecstackError  # noqa: E402
from recstack.models import create_model  # noqa: E402
from tests.serving.service_helpers import (  # noqa: E402
    client,
    publish,
    settings,
    start_service,
    stop_service,
)

ALS = {"type": "als", "factors": 8, "iterations": 3, "regularization": 5.0, "seed": 0}


def _top(scores: np.ndarray, k: int) -> list[int]:
    # best first, equal scores: lower index first (recstack's tie rule)
    return sorted(range(len(scores)), key=lambda i: (-scores[i], i))[:k]


def _seen(train, user: int) -> list[int]:
    return sorted(set(train.item_index[train.user_index == user].tolist()))


def _mmr(items: list[int], scores: np.ndarray, vectors: np.ndarray, trade_off: float
         ) -> tuple[list[int], list[float]]:
    """Carbonell & Goldstein's greedy MMR, written out: relevance min-max scaled in the
    list, similarity the cosine of the item vectors, the earlier slot among equal values."""
    relevance = (scores - scores.min()) / (scores.max() - scores.min())
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    left, picked, values = list(range(len(items))), [], []
    while left:
        def value(slot: int) -> float:
            closest = max((float(unit[items[slot]] @ unit[items[p]]) for p in picked),
                          default=0.0)
            return trade_off * relevance[slot] - (1 - trade_off) * closest

        best = max(left, key=lambda slot: (value(slot), -slot))
        values.append(value(best))
        picked.append(best)
        left.remove(best)
    return [items[p] for p in picked], values


def _ids(model, indices) -> list[str]:
    return [str(i) for i in model.items_.external_ids[list(indices)]]


def _stage_counts(url: str) -> dict[tuple[str, str], float]:
    counts = {}
    for line in httpx.get(f"{url}/metrics").text.splitlines():
        if line.startswith("recstack_stage_seconds_count{"):
            labels = dict(part.split("=") for part in line[line.index("{") + 1:
                                                             line.index("}")].split(","))
            counts[(labels["stage"].strip('"'), labels["name"].strip('"'))] = float(
                line.split()[-1])
    return counts


# --------------------------------------------------------------------------- re-ranking
@pytest.fixture(scope="module")
def reranked(train):
    blocked = [int(i) for i in train.items.external_ids[[2, 7]]]
    chain = [{"type": "block_list", "items": blocked},
             {"type": "mmr", "trade_off": 0.6, "features": "model"}]
    return create_model("reranked", model=ALS, chain=chain, n_candidates=25).fit(train)


def test_a_reranked_model_is_served_as_its_recommend_with_each_stage_timed(
        tmp_path, reranked, train):
    registry = publish(tmp_path / "registry", reranked, train, name="rr")
    users = reranked.users_.external_ids[:5]
    process, url = start_service(tmp_path, registry)
    try:
        # latency is not what this test checks (a loaded machine can be slow)
        bodies = [httpx.get(f"{url}/users/{u}/recommendations", params={"k": 10},
                            timeout=120).json() for u in users]
        long = httpx.get(f"{url}/users/{users[0]}/recommendations", params={"k": 25},
                         timeout=120).json()
        stages = _stage_counts(url)
    finally:
        stop_service(process)
    wrapped = reranked.model_
    vectors, items_vectors = wrapped.user_embeddings(), wrapped.item_embeddings()
    for user, body in zip(users, bodies, strict=True):
        u = int(reranked.users_.to_index(np.array([user]))[0])
        scores = (vectors[u].astype(np.float64) @ items_vectors.T.astype(np.float64))
        scores[_seen(train, u) + [2, 7]] = -np.inf  # seen, and the block list
        candidates = _top(scores, 25)
        expected, values = _mmr(candidates, scores[candidates], items_vectors, 0.6)
        assert [it["item_id"] for it in body["items"]] == _ids(reranked, expected[:10])
        np.testing.assert_allclose([it["score"] for it in body["items"]], values[:10],
                                   rtol=1e-4, atol=1e-5)
        assert [it["item_id"] for it in body["items"]] == [
            str(i) for i in reranked.recommend([user], k=10)[0][0]]
        assert {it["source"] for it in body["items"]} == {"mmr"}
    # the block list is applied at retrieval too: all 25 slots hold allowed items
    assert len(long["items"]) == 25
    assert not {it["item_id"] for it in long["items"]} & set(_ids(reranked, [2, 7]))
    assert stages[("retrieval", "exact")] == 6
    assert stages[("re-ranking", "block_list")] == stages[("re-ranking", "mmr")] == 6


def test_a_settings_chain_reranks_any_model_with_popularity_penalty(tmp_path, als, train):
    registry = publish(tmp_path / "registry", als, train)
    blocked = int(als.items_.external_ids[5])
    chain = [{"type": "popularity_penalty", "strength": 0.5},
             {"type": "block_list", "items": [blocked]}]
    users = als.users_.external_ids[:4]
    with client(settings(registry, rerank=chain, candidates=20)) as http:
        bodies = [http.get(f"/users/{u}/recommendations", params={"k": 6}).json()
                  for u in users]
        visitor = http.post("/recommendations/new-user",
                            json={"items": _ids(als, [1, 3]), "k": 20}).json()
        metrics = http.get("/metrics").text
    # hand-worked: the penalty is log(1 + users of the item) / log(1 + the most users)
    pairs = set(zip(train.user_index.tolist(), train.item_index.tolist(), strict=True))
    users_per_item = np.bincount([i for _, i in pairs], minlength=train.n_items)
    penalty = np.log1p(users_per_item) / np.log1p(users_per_item.max())
    for user, body in zip(users, bodies, strict=True):
        u = int(als.users_.to_index(np.array([user]))[0])
        scores = als.user_embeddings()[u].astype(np.float64) @ als.item_embeddings().T
        scores[_seen(train, u) + [5]] = -np.inf
        candidates = np.array(_top(scores, 20))
        values = scores[candidates]
        adjusted = (values - values.min()) / (values.max() - values.min()) \
            - 0.5 * penalty[candidates]
        order = sorted(range(20), key=lambda j: (-adjusted[j], j))
        assert [it["item_id"] for it in body["items"]] == _ids(als, candidates[order][:6])
        np.testing.assert_allclose([it["score"] for it in body["items"]],
                                   adjusted[order][:6], rtol=1e-4, atol=1e-5)
        assert {it["source"] for it in body["items"]} == {"popularity_penalty"}
    assert len(visitor["items"]) == 20
    assert str(blocked) not in {it["item_id"] for it in visitor["items"]}
    assert 'recstack_stage_seconds_count{name="popularity_penalty",stage="re-ranking"} 5.0' \
        in metrics


def test_a_chain_is_checked_when_the_settings_are_made_and_when_a_version_loads(
        tmp_path, als, train):
    registry = publish(tmp_path / "registry", als, train)
    with pytest.raises(ConfigError, match=r"field 'rerank': rerank\[0\] \(mmr\): .*trade_off"):
        settings(registry, rerank=[{"type": "mmr", "trade_off": 3}])
    with pytest.raises(ConfigError, match=r"rerank\[0\] needs a 'type'"):
        settings(registry, rerank=[{"trade_off": 0.5}])
    # genres come from the items file: without one the chain cannot be fitted
    with pytest.raises(RecstackError, match=r"rerank\[0\] \(mmr\): cannot be fitted from the "
                                            r"served version .*no item table"):
        with client(settings(registry, rerank=[{"type": "mmr", "features": "column"}])):
            pass
    items = tmp_path / "items.parquet"
    train.item_table.to_parquet(items)
    with client(settings(registry, rerank=[{"type": "mmr", "features": "column"}],
                         items_file=str(items))) as http:
        body = http.get(f"/users/{als.users_.external_ids[0]}/recommendations").json()
    assert len(body["items"]) == 20 and body["items"][0]["title"]


# --------------------------------------------------------------------------- two-stage
@pytest.fixture(scope="module")
def two_stage(train):
    return create_model("two_stage", generators=[ALS, {"type": "most_popular"}],
                        ranker={"type": "logistic"}, n_candidates=15).fit(train)


def test_a_two_stage_model_cut_to_n_candidates_per_user_is_served_as_it_recommends(
        tmp_path, train):
    model = create_model("two_stage", generators=[ALS, {"type": "most_popular"}],
                         ranker={"type": "logistic"}, n_candidates=15,
                         candidates_per_user=9).fit(train)
    registry = publish(tmp_path / "registry", model, train, name="ts")
    users = model.users_.external_ids[:4]
    process, url = start_service(tmp_path, registry)
    try:
        bodies = [httpx.get(f"{url}/users/{u}/recommendations", params={"k": 9}).json()
                  for u in users]
    finally:
        stop_service(process)
    for user, body in zip(users, bodies, strict=True):
        expected = model.recommend([user], k=9)[0][0]
        assert [it["item_id"] for it in body["items"]] == [str(i) for i in expected]



def test_a_two_stage_model_serves_seen_items_when_a_request_keeps_them(tmp_path, two_stage,
                                                                     train):
    """exclude_seen=false reaches the two-stage model's generators: the service answers
    what ``recommend(..., exclude_seen=False)`` answers offline (seen items among them),
    logs the flag, and the skew check recomputes those requests without a mismatch."""
    from recstack.serving.skew import check_skew

    registry = publish(tmp_path / "registry", two_stage, train, name="ts")
    logs = tmp_path / "logs"
    users = two_stage.users_.external_ids[:6]
    process, url = start_service(tmp_path, registry, "--log-dir", str(logs))
    try:
        kept = [httpx.get(f"{url}/users/{u}/recommendations",
                          params={"k": 8, "exclude_seen": "false"}).json() for u in users]
        posted = httpx.post(f"{url}/users/{users[0]}/recommendations",
                            json={"k": 8, "exclude_seen": False}).json()
    finally:
        stop_service(process)
    seen_served = 0
    for user, body in zip(users, kept, strict=True):
        got = [it["item_id"] for it in body["items"]]
        assert got == [str(i) for i in two_stage.recommend([user], k=8,
                                                           exclude_seen=False)[0][0]]
        u = int(two_stage.users_.to_index(np.array([user]))[0])
        seen = set(_ids(two_stage, _seen(train, u)))
        seen_served += len(seen & set(got))
    assert seen_served > 0  # the flag changed the answer
    assert [it["item_id"] for it in posted["items"]] == \
        [it["item_id"] for it in kept[0]["items"]]
    log = pd.concat([pd.read_parquet(f) for f in sorted((logs / "requests").glob("*.parquet"))])
    assert not log["exclude_seen"].any()
    report = check_skew(logs, registry)
    assert (report.checked, report.mismatched) == (7, 0), report.mismatches

def test_a_two_stage_model_retrieves_ranks_and_logs_its_features(tmp_path, two_stage,
                                                                  train):
    from recstack.serving.skew import check_skew, render_skew

    registry = publish(tmp_path / "registry", two_stage, train, name="ts")
    # the ALS generator's item index is built at publish time and saved with the version
    manifest = registry.manifest("ts")
    assert list(manifest["generator_indexes"]) == ["0"]
    assert manifest["generator_indexes"]["0"]["recall_at_10"] == 1.0
    assert "generator-index/g0/items.npy" in manifest["files"]
    logs = tmp_path / "logs"
    users = two_stage.users_.external_ids[:6]
    process, url = start_service(tmp_path, registry, "--log-dir", str(logs))
    try:
        bodies = [httpx.get(f"{url}/users/{u}/recommendations", params={"k": 8}).json()
                  for u in users]
        stages = _stage_counts(url)
    finally:
        stop_service(process)
    als, popular = two_stage.generators_
    counts = popular.score_users(np.arange(1))[0]
    for user, body in zip(users, bodies, strict=True):
        u = int(two_stage.users_.to_index(np.array([user]))[0])
        got = [it["item_id"] for it in body["items"]]
        assert got == [str(i) for i in two_stage.recommend([user], k=8)[0][0]]
        np.testing.assert_allclose([it["score"] for it in body["items"]],
                                   two_stage.score([user] * 8, [int(i) for i in got]),
                                   rtol=1e-5)
        # retrieval: each generator's 15 best unseen items, worked out here
        scores = als.user_embeddings()[u].astype(np.float64) @ als.item_embeddings().T
        scores[_seen(train, u)] = -np.inf
        by_als = set(_ids(two_stage, _top(scores, 15)))
        by_count = np.asarray(counts, np.float64).copy()
        by_count[_seen(train, u)] = -np.inf
        by_popularity = set(_ids(two_stage, _top(by_count, 15)))
        for item in body["items"]:
            proposers = {name for name, proposed in (("als", by_als),
                                                     ("most_popular", by_popularity))
                         if item["item_id"] in proposed}
            assert set(item["source"].split("+")) == proposers
    for name in (("retrieval", "als:exact"), ("retrieval", "most_popular:model"),
                 ("ranking", "features"), ("ranking", "logistic")):
        assert stages[name] == 6
    log = pd.concat([pd.read_parquet(f) for f in sorted((logs / "requests").glob("*.parquet"))])
    features = json.loads(log.iloc[0]["features"])
    assert features["columns"] == [f.name for f in two_stage.builder_.schema_.features]
    assert features["retrieval"] == {"als": "exact", "most_popular": "model"}
    assert [str(two_stage.items_.external_ids[i]) for i in features["items"]] == \
        list(log.iloc[0]["items"])
    report = check_skew(logs, registry)
    assert (report.checked, report.mismatched) == (6, 0), report.mismatches
    # a planted change: one feature value of one served item differs from the offline one
    files = sorted((logs / "requests").glob("*.parquet"))
    table = pd.read_parquet(files[0])
    planted = json.loads(table.at[2, "features"])
    column = planted["columns"].index("item_log_count")
    planted["values"][3][column] += 0.5
    table.at[2, "features"] = json.dumps(planted)
    table.to_parquet(files[0])
    tampered = check_skew(logs, registry)
    assert tampered.mismatched == 1
    problem = tampered.mismatches.iloc[0]
    assert problem["what"] == "features" and "'item_log_count'" in problem["detail"]
    assert problem["request_id"] == table.at[2, "request_id"]
    text = render_skew(tampered)
    assert "requests recomputed: 6; with a mismatch: 1 (16.67%)" in text
    assert f"| {problem['request_id']} | ts@1 | features | item " in text


def test_a_two_stage_version_published_without_indexes_gets_them_at_load(
        tmp_path, two_stage, train):
    from recstack.serving.registry import ModelRegistry

    registry = ModelRegistry(tmp_path / "registry")
    registry.publish("ts", two_stage, data=train, index=None)
    assert "generator_indexes" not in registry.manifest("ts")
    users = two_stage.users_.external_ids[:3]
    with client(settings(registry)) as http:
        bodies = [http.get(f"/users/{u}/recommendations", params={"k": 5}).json()
                  for u in users]
        metrics = http.get("/metrics").text
    for user, body in zip(users, bodies, strict=True):
        assert [it["item_id"] for it in body["items"]] == [
            str(i) for i in two_stage.recommend([user], k=5)[0][0]]
    assert 'name="als:exact",stage="retrieval"} 3.0' in metrics


def test_a_new_visitor_of_a_two_stage_model_is_ranked_from_their_items(
        tmp_path, two_stage, train):
    registry = publish(tmp_path / "registry", two_stage, train, name="ts")
    posted = [0, 1, 5]
    with client(settings(registry)) as http:
        body = http.post("/recommendations/new-user",
                         json={"items": _ids(two_stage, posted), "k": 5}).json()
    history = np.zeros((1, len(two_stage.items_)), np.float32)
    history[0, posted] = 1.0
    scores = two_stage.score_histories(history)[0]
    scores[posted] = -np.inf
    assert [it["item_id"] for it in body["items"]] == _ids(two_stage, _top(scores, 5))
    np.testing.assert_allclose([it["score"] for it in body["items"]],
                               np.sort(scores)[::-1][:5], rtol=1e-5)
    assert body["fallback"] is None
    assert {it["source"] for it in body["items"]} == {"fold-in"}


def test_a_new_visitor_of_a_two_stage_model_without_fold_in_gets_popular_items(
        tmp_path, train):
    model = create_model("two_stage", generators=[{"type": "bpr", "factors": 4, "epochs": 2},
                                                  {"type": "most_popular"}],
                         ranker={"type": "logistic"}, n_candidates=15).fit(train)
    registry = publish(tmp_path / "registry", model, train, name="ts")
    with client(settings(registry)) as http:
        body = http.post("/recommendations/new-user",
                         json={"items": _ids(model, [0, 1]), "k": 5}).json()
    assert "its bpr cannot score a new visitor" in body["fallback"]
    assert {it["source"] for it in body["items"]} == {"popularity"}


def test_requests_are_computed_with_one_blas_thread(tmp_path, als, train):
    from tests.serving import service_helpers

    registry = publish(tmp_path / "registry", als, train)
    service_helpers.threads.clear()
    with client(settings(registry, stages=["tests.serving.service_helpers:threads_stage"])
                ) as http:
        http.get(f"/users/{als.users_.external_ids[0]}/recommendations")
    seen = service_helpers.threads[0]
    assert seen and set(seen.values()) == {1}, seen

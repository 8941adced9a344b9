"""The HTTP service on bad input: text UTF-8 cannot carry, mistyped numbers and flags,
implausible event times, blocked items on the fallback paths, a damaged registry alias
at reload, and the request log's ``exclude_seen`` column.

Expected answers are written out by hand or worked out here from the training data."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

pytest.importorskip("fastapi", reason="the service tests need the serving extra")

from tests.serving.service_helpers import TOKEN, client, publish, settings  # noqa: E402

AUTH = {"Authorization": f"Bearer {TOKEN}", "content-type": "application/json"}


@pytest.fixture
def registry(tmp_path, als, train):
    return publish(tmp_path / "registry", als, train)


def _counts(train) -> np.ndarray:
    # interactions per item, each (user, item) pair once: the popularity order
    pairs = set(zip(train.user_index.tolist(), train.item_index.tolist(), strict=True))
    counts = np.zeros(train.n_items)
    for _, item in pairs:
        counts[item] += 1
    return counts


# a lone surrogate is legal as a JSON escape but no UTF-8 text: pydantic refuses it, and
# the 422 that echoes it back must still be written
# (raw JSON text: json.dumps would escape the surrogate itself; the echoed input comes
# back backslash-escaped, six characters)
SURROGATE_BODIES = {
    "new-user item": ("/recommendations/new-user", r'{"items": ["\ud800"], "k": 3}',
                      ["body", "items", 0], r"\ud800"),
    "context value": ("/users/1/recommendations", r'{"context": {"device": "\udfff"}}',
                      # (no "constrained-str" after the key, pydantic's name of a member
                      # of the union: tests/serving/test_twenty_fifth_probe_context_values)
                      ["body", "context", "device"],
                      r"\udfff"),
    "event user": ("/events", r'{"events": [{"event": "click", "user_id": "\ud800", '
                   r'"item_id": "2", "timestamp": 1700000000}]}', ["body", "events", 0, "user_id"],
                   r"\ud800"),
    "reload variant": ("/admin/reload", r'{"variant": "\udc00"}', ["body", "variant"],
                       r"\udc00"),
}


@pytest.mark.parametrize("path, body, loc, echoed", SURROGATE_BODIES.values(),
                         ids=SURROGATE_BODIES.keys())
def test_a_lone_surrogate_is_a_422_naming_the_field(tmp_path, registry, path, body, loc,
                                                    echoed):
    with client(settings(registry, admin_token=TOKEN, log_dir=str(tmp_path / "logs"))) as http:
        answer = http.post(path, content=body.encode("ascii"), headers=AUTH)
    assert answer.status_code == 422, answer.text
    problem = next(p for p in answer.json()["detail"] if p["type"] == "string_unicode")
    assert problem["loc"] == loc
    assert problem["input"] == echoed


def test_a_lone_surrogate_in_a_context_key_is_a_422(registry):
    with client(settings(registry)) as http:
        answer = http.post("/users/1/recommendations",
                           content=b'{"context": {"\\ud800": "x"}}', headers=AUTH)
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["loc"][:2] == ["body", "context"]


MISTYPED = {
    "k true": ("/users/{user}/recommendations", {"k": True}, ["body", "k"]),
    "k text": ("/users/{user}/recommendations", {"k": "5"}, ["body", "k"]),
    "exclude_seen text": ("/users/{user}/recommendations", {"exclude_seen": "no"},
                          ["body", "exclude_seen"]),
    "exclude_seen 0": ("/users/{user}/recommendations", {"exclude_seen": 0},
                       ["body", "exclude_seen"]),
    "timestamp true": ("/users/{user}/recommendations", {"timestamp": True},
                       ["body", "timestamp"]),
    "new-user k true": ("/recommendations/new-user", {"items": ["1"], "k": True},
                        ["body", "k"]),
    "reload version true": ("/admin/reload", {"variant": "default", "version": True},
                            ["body", "version"]),
    "reload version text": ("/admin/reload", {"variant": "default", "version": "1"},
                            ["body", "version"]),
    "event timestamp true": ("/events", {"events": [{"event": "click", "user_id": "1",
                                                     "item_id": "2", "timestamp": True}]},
                             ["body", "events", 0, "timestamp"]),
    "event position text": ("/events", {"events": [{"event": "click", "user_id": "1",
                                                    "item_id": "2", "timestamp": 1.7e9,
                                                    "position": "3"}]},
                            ["body", "events", 0, "position"]),
}


@pytest.mark.parametrize("path, body, loc", MISTYPED.values(), ids=MISTYPED.keys())
def test_a_mistyped_number_or_flag_is_a_422_naming_the_field(tmp_path, registry, als,
                                                            path, body, loc):
    user = als.users_.external_ids[0]
    with client(settings(registry, admin_token=TOKEN, log_dir=str(tmp_path / "logs"))) as http:
        answer = http.post(path.format(user=user), json=body, headers=AUTH)
        health = http.get("/health").json()
    assert answer.status_code == 422, answer.text
    assert [p["loc"] for p in answer.json()["detail"]] == [loc]
    assert health["variants"][0]["model"] == "als@1"  # nothing was switched
    assert health["variants"][0]["pinned"] is False


def test_numbers_as_json_numbers_and_query_text_still_work(tmp_path, registry, als):
    user = als.users_.external_ids[0]
    with client(settings(registry, log_dir=str(tmp_path / "logs"))) as http:
        by_query = http.get(f"/users/{user}/recommendations?k=5&exclude_seen=false")
        by_body = http.post(f"/users/{user}/recommendations",
                            json={"k": 5, "exclude_seen": False})
        event = http.post("/events", json={"events": [
            {"event": "click", "user_id": "1", "item_id": "2", "timestamp": 1_700_000_000,
             "position": 2}]})
    assert len(by_query.json()["items"]) == 5
    assert by_body.json()["items"] == by_query.json()["items"]
    assert event.status_code == 202


def test_an_event_time_beyond_a_day_ahead_is_refused(tmp_path, registry):
    import time

    events = [{"event": "click", "user_id": "1", "item_id": "2", "timestamp": 1.7e9},
              {"event": "click", "user_id": "1", "item_id": "2", "timestamp": 1e11}]
    soon = time.time() + 3600  # an hour of clock drift is fine
    with client(settings(registry, log_dir=str(tmp_path / "logs"))) as http:
        refused = http.post("/events", json={"events": events})
        drifted = http.post("/events", json={"events": [{**events[0], "timestamp": soon}]})
    assert refused.status_code == 422
    detail = refused.json()["detail"]
    assert detail.startswith("events[1].timestamp: 100000000000 is more than 86400 s past")
    assert "not milliseconds" in detail
    assert drifted.status_code == 202


# --------------------------------------------------------------------------- blocked items
def test_the_fallbacks_and_similar_items_never_serve_a_blocked_item(registry, als, train):
    counts = _counts(train)
    # block the most popular item: the fallbacks would lead with it
    top = int(np.argmax(counts))
    blocked = str(als.items_.external_ids[top])
    rerank = [{"type": "block_list", "items": [als.items_.external_ids[top].item()]}]
    n = len(counts)
    expected = [str(als.items_.external_ids[i])
                for i in sorted(range(n), key=lambda i: (-counts[i], i)) if i != top]
    with client(settings(registry, rerank=rerank, unknown_user="popular")) as http:
        ghost = http.get("/users/ghost/recommendations", params={"k": 100}).json()
        new = http.post("/recommendations/new-user", json={"items": ["zzz"], "k": 100}).json()
        other = str(als.items_.external_ids[(top + 1) % n])
        similar = http.get(f"/items/{other}/similar", params={"k": 10}).json()
    assert ghost["fallback"] and new["fallback"]
    assert [it["item_id"] for it in ghost["items"]] == expected[:100]
    assert [it["item_id"] for it in new["items"]] == expected[:100]
    similar_ids = [it["item_id"] for it in similar["items"]]
    assert blocked not in similar_ids and other not in similar_ids
    assert len(similar_ids) == 10  # the blocked item costs no slot


def test_the_similar_list_without_a_block_list_is_unchanged(registry, als):
    # cosine neighbours worked out here, to show the block-list path leaves them alone
    vectors = als.item_embeddings()
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    scores = unit @ unit[3]
    scores[3] = -np.inf
    order = sorted(range(len(scores)), key=lambda i: (-scores[i], i))[:5]
    with client(settings(registry)) as http:
        body = http.get(f"/items/{als.items_.external_ids[3]}/similar", params={"k": 5}).json()
    assert [it["item_id"] for it in body["items"]] == [
        str(als.items_.external_ids[i]) for i in order]


# --------------------------------------------------------------------------- reload
def test_a_damaged_current_alias_is_a_failed_reload(registry, als):
    with client(settings(registry, admin_token=TOKEN)) as http:
        (Path(registry.root) / "als" / "current.json").write_text('{"version": ')
        answer = http.post("/admin/reload", headers=AUTH)
        health = http.get("/health").json()
        metrics = http.get("/metrics").text
        user = als.users_.external_ids[0]
        still = http.get(f"/users/{user}/recommendations").json()["model"]
    assert answer.status_code == 409
    assert "current.json" in answer.json()["detail"]
    assert "still serving als@1" in answer.json()["detail"]
    assert health["status"] == "degraded"
    assert "current.json" in health["last_reload_error"]
    assert "recstack_reload_failing 1.0" in metrics
    assert still == "als@1"


def test_a_reload_failing_in_a_later_variant_swaps_none(tmp_path, als, popular, train):
    registry = publish(tmp_path / "registry", als, train, name="als")
    registry.publish("pop", popular, data=train)
    variants = [{"name": "a", "model": "als", "share": 0.5},
                {"name": "b", "model": "pop", "share": 0.5}]
    with client(settings(registry, admin_token=TOKEN, variants=variants)) as http:
        registry.publish("als", als, data=train)  # als@2 is good
        registry.publish("pop", popular, data=train)
        _damage(registry, "pop", 2)
        answer = http.post("/admin/reload", headers=AUTH)
        models = [v["model"] for v in http.get("/health").json()["variants"]]
    assert answer.status_code == 409
    assert models == ["als@1", "pop@1"]


# --------------------------------------------------------------------------- request log
def test_the_request_log_says_whether_seen_items_were_excluded(tmp_path, registry, als):
    from recstack.serving.request_log import read_log

    logs = tmp_path / "logs"
    user = als.users_.external_ids[0]
    with client(settings(registry, log_dir=str(logs))) as http:
        http.get(f"/users/{user}/recommendations", params={"exclude_seen": "false"})
        http.post(f"/users/{user}/recommendations", json={"exclude_seen": True})
        http.post("/recommendations/new-user", json={"items": ["1"]})
    table = read_log(logs / "requests", "requests").sort_values("time", kind="stable")
    assert table["exclude_seen"].tolist() == [False, True, True]


def test_a_request_log_without_the_exclude_seen_column_still_reads(tmp_path):
    from recstack.serving.request_log import REQUEST_SCHEMA, read_log

    older = pa.schema([f for f in REQUEST_SCHEMA if f.name != "exclude_seen"])
    row = {"request_id": "r1", "endpoint": "user", "k": 3}
    pq.write_table(pa.Table.from_pylist([row], schema=older),
                   tmp_path / "requests-20240101T000000000000Z-1-000001.parquet")
    pq.write_table(pa.Table.from_pylist([{**row, "request_id": "r2", "exclude_seen": False}],
                                        schema=REQUEST_SCHEMA),
                   tmp_path / "requests-20240102T000000000000Z-1-000001.parquet")
    table = read_log(tmp_path, "requests")
    assert table["request_id"].tolist() == ["r1", "r2"]
    assert pd.isna(table["exclude_seen"].iloc[0])
    assert not table["exclude_seen"].iloc[1]


def _damage(registry, name: str, version: int) -> None:
    path = registry._version_key(name, version) + "/model/arrays.npz"
    with open(path, "r+b") as handle:
        handle.seek(100)
        byte = handle.read(1)
        handle.seek(100)
        handle.write(bytes([byte[0] ^ 0xFF]))

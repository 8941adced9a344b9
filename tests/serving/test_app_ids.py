"""Ids in requests follow the rule of every id recstack reads: trimmed of surrounding
whitespace, refused when only whitespace, and no longer than the service's
``max_id_length`` (which was declared but never checked). An id holding a slash (an URL,
a SKU like ``"u/1"``) is reachable in the path, percent-encoded as the page sends it."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import numpy as np
import pyarrow.parquet as pq
import pytest

pytest.importorskip("fastapi", reason="the service tests need the serving extra")

from recstack.data.interactions import Interactions  # noqa: E402
from tests.serving.service_helpers import client, publish, settings  # noqa: E402

USERS = ["u/1", "u 2", "x"] + [f"user{i}" for i in range(17)]
ITEMS = ["i/a", "b"] + [f"item{i}" for i in range(18)]


@pytest.fixture(scope="module")
def slashed(tmp_path_factory):
    """A registry with an ALS model over text ids, some with a slash or an inner space."""
    from recstack.models.als import ALS

    rng = np.random.default_rng(3)
    pairs = sorted({(USERS[u], ITEMS[i]) for u, i in rng.integers(0, 20, size=(300, 2))})
    users, items = (np.array(column, dtype=object) for column in zip(*pairs, strict=True))
    data = Interactions.from_arrays(users, items)
    model = ALS(factors=4, iterations=2, seed=0).fit(data)
    root = tmp_path_factory.mktemp("ids")
    return publish(root / "registry", model, data), model, root


def _path(text: str) -> str:
    return quote(text, safe="")  # as the page's encodeURIComponent writes it


def test_ids_with_a_slash_are_served_by_every_path_endpoint(slashed):
    registry, model, _ = slashed
    with client(settings(registry)) as http:
        got = http.get(f"/users/{_path('u/1')}/recommendations?k=3")
        posted = http.post(f"/users/{_path('u/1')}/recommendations", json={"k": 3})
        history = http.get(f"/users/{_path('u/1')}/history")
        similar = http.get(f"/items/{_path('i/a')}/similar?k=3")
        metrics = http.get("/metrics").text
    # each was a 404 'Not Found' from the router: the decoded slash split the path
    for answer in (got, posted, history, similar):
        assert answer.status_code == 200, answer.text
    assert got.json()["user_id"] == posted.json()["user_id"] == "u/1"
    assert got.json()["items"] == posted.json()["items"]
    user = model.users_.to_index(np.array(["u/1"], dtype=object))[0]
    expected_history = sorted(model.items_.external_ids[model.seen_[user].indices].tolist())
    assert sorted(i["item_id"] for i in history.json()["items"]) == expected_history
    assert similar.json()["item_id"] == "i/a"
    # the documented template, not the ':path' converter, labels the metrics
    assert 'endpoint="/users/{user_id}/recommendations"' in metrics
    assert ":path" not in metrics


def test_surrounding_whitespace_is_trimmed_as_in_every_file_format(slashed):
    registry, _, _ = slashed
    with client(settings(registry)) as http:
        plain = http.get(f"/users/{_path('u 2')}/recommendations?k=4").json()
        padded = http.get(f"/users/{_path(' u 2 ')}/recommendations?k=4").json()
        similar = http.get(f"/items/{_path(' b')}/similar?k=3").json()
        new = http.post("/recommendations/new-user", json={"items": [" i/a", "b\t"], "k": 3})
    assert padded["user_id"] == "u 2"
    assert padded["items"] == plain["items"]
    assert similar["item_id"] == "b"
    # both posted items are known once trimmed: neither is listed as unknown
    assert new.status_code == 200 and new.json()["unknown_items"] == []
    assert new.json()["fallback"] is None


BLANK = {
    "user path": ("get", "/users/%20%20/recommendations", None, "user_id"),
    "history path": ("get", "/users/%09/history", None, "user_id"),
    "item path": ("get", "/items/%20/similar", None, "item_id"),
    "posted item": ("post", "/recommendations/new-user", {"items": ["b", " "]}, "items[1]"),
    "event user": ("post", "/events", {"events": [
        {"event": "click", "user_id": "x", "item_id": "b", "timestamp": 1.7e9},
        {"event": "click", "user_id": "  ", "item_id": "b", "timestamp": 1.7e9}]},
        "events[1].user_id"),
}


@pytest.mark.parametrize("method, path, body, field", BLANK.values(), ids=BLANK.keys())
def test_an_id_of_only_whitespace_is_a_422_naming_the_field(slashed, method, path, body,
                                                            field):
    registry, _, root = slashed
    with client(settings(registry, log_dir=str(root / "blank-logs"))) as http:
        answer = http.request(method.upper(), path, json=body)
    assert answer.status_code == 422, answer.text
    assert answer.json()["detail"].startswith(f"{field}: the id is only whitespace")


LONG = "y" * 11
TOO_LONG = {
    "user path": ("get", f"/users/{LONG}/recommendations", None, "user_id"),
    "user POST": ("post", f"/users/{LONG}/recommendations", {"k": 2}, "user_id"),
    "history": ("get", f"/users/{LONG}/history", None, "user_id"),
    "item path": ("get", f"/items/{LONG}/similar", None, "item_id"),
    "posted item": ("post", "/recommendations/new-user", {"items": ["b", LONG]}, "items[1]"),
    "event item": ("post", "/events", {"events": [
        {"event": "click", "user_id": "x", "item_id": LONG, "timestamp": 1.7e9}]},
        "events[0].item_id"),
    "event session": ("post", "/events", {"events": [
        {"event": "click", "user_id": "x", "item_id": "b", "timestamp": 1.7e9,
         "session_id": LONG}]}, "events[0].session_id"),
}


@pytest.mark.parametrize("method, path, body, field", TOO_LONG.values(), ids=TOO_LONG.keys())
def test_the_settings_max_id_length_is_enforced_naming_the_field(slashed, method, path, body,
                                                                 field):
    registry, _, root = slashed
    with client(settings(registry, max_id_length=10, log_dir=str(root / "long-logs"))) as http:
        answer = http.request(method.upper(), path, json=body)
        fits = http.get("/users/x/recommendations?k=2")
    assert answer.status_code == 422, answer.text
    assert answer.json()["detail"] == (f"{field}: an id of 11 characters ('yyyyyyyyyyy'...); "
                                       "this service takes ids of at most 10 characters")
    assert fits.status_code == 200


def test_events_are_logged_with_their_ids_trimmed(slashed):
    registry, _, root = slashed
    logs = root / "trim-logs"
    with client(settings(registry, log_dir=str(logs))) as http:
        answer = http.post("/events", json={"events": [
            {"event": "click", "user_id": " x ", "item_id": "b\n", "timestamp": 1.7e9,
             "session_id": " s1"}]})
    assert answer.status_code == 202
    rows = pq.read_table(sorted(Path(logs, "events").glob("*.parquet"))).to_pylist()
    assert [(r["user_id"], r["item_id"], r["session_id"]) for r in rows] == [("x", "b", "s1")]

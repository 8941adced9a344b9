"""A 422 repeated its input whole: 1,001 events refused as too many came back as a 380 KB
answer, and so did any long list, object or text a field refused. Large inputs are now
described (how many entries, how many characters), small ones still repeated as given."""

from __future__ import annotations

import pytest

pytest.importorskip("fastapi", reason="the service tests need the serving extra")

from tests.serving.service_helpers import client, publish, settings  # noqa: E402


@pytest.fixture
def http(tmp_path, popular, train):
    registry = publish(tmp_path / "registry", popular, train)
    with client(settings(registry, log_dir=str(tmp_path / "logs"))) as opened:
        yield opened


def _event(user="1", item="2"):
    return {"event": "click", "user_id": user, "item_id": item, "timestamp": 1.7e9}


def test_too_many_events_are_counted_not_repeated(http):
    answer = http.post("/events", json={"events": [_event("u" * 100, "i" * 100)] * 1001})
    assert answer.status_code == 422
    assert len(answer.content) < 1000
    (problem,) = answer.json()["detail"]
    assert problem["loc"] == ["body", "events"]
    assert problem["input"] == "(a list of 1,001 entries, not repeated here)"


def test_too_many_posted_items_are_counted_not_repeated(http):
    answer = http.post("/recommendations/new-user", json={"items": ["x" * 100] * 501})
    (problem,) = answer.json()["detail"]
    assert problem["loc"] == ["body", "items"]
    assert problem["input"] == "(a list of 501 entries, not repeated here)"


def test_a_long_text_is_cut_with_its_length(http):
    answer = http.post("/recommendations/new-user",
                       json={"items": ["1"], "context": {"device": "d" * 5000}})
    assert answer.status_code == 422
    problem = next(p for p in answer.json()["detail"] if p["type"] == "string_too_long")
    # its first 20 characters, quoted, and its length: never the text whole
    assert problem["input"] == "'" + "d" * 20 + "'... (5,000 characters)"


def test_a_body_that_is_a_long_list_is_described(http):
    answer = http.post("/recommendations/new-user", json=[str(i) for i in range(30)])
    (problem,) = answer.json()["detail"]
    assert problem["loc"] == ["body"]
    assert problem["input"] == "(a list of 30 entries, not repeated here)"


def test_small_inputs_are_still_repeated_as_given(http):
    answer = http.post("/recommendations/new-user", json={"items": ["1"] * 3, "k": 0})
    (problem,) = answer.json()["detail"]
    assert problem["loc"] == ["body", "k"] and problem["input"] == 0
    twenty = http.post("/recommendations/new-user", json=["1"] * 20)
    assert twenty.json()["detail"][0]["input"] == ["1"] * 20

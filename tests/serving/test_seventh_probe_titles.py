"""Seventh bad-input probe of the items file: an item whose title cell is empty has no
title in every answer (the history, search and similar-items answers were a 500)."""

from __future__ import annotations

import pytest

pytest.importorskip("fastapi", reason="the service tests need the serving extra")

from tests.serving.service_helpers import client, publish, settings  # noqa: E402


@pytest.fixture(scope="module")
def http(tmp_path_factory, als, train):
    folder = tmp_path_factory.mktemp("titles")
    registry = publish(folder / "registry", als, train)
    items = folder / "items.csv"
    # odd items have an empty title cell, even ones "Movie i"
    ids = als.items_.external_ids.tolist()
    items.write_text("item_id,title\n" + "".join(
        f"{i},\n" if i % 2 else f"{i},Movie {i}\n" for i in ids))
    with client(settings(registry, items_file=str(items))) as opened:
        yield opened


def expected_title(item_id: str) -> str | None:
    return None if int(item_id) % 2 else f"Movie {item_id}"


def test_history_and_similar_items_answer_with_missing_titles_as_null(http, als):
    user = als.users_.external_ids[0]
    # before: 500, a ResponseValidationError traceback (the title was NaN)
    answer = http.get(f"/users/{user}/history", params={"limit": 50})
    assert answer.status_code == 200, answer.text
    listed = answer.json()["items"]
    assert any(int(item["item_id"]) % 2 for item in listed)
    assert all(item["title"] == expected_title(item["item_id"]) for item in listed)
    answer = http.get("/items/1/similar", params={"k": 10})
    assert answer.status_code == 200, answer.text
    assert answer.json()["title"] is None
    assert all(item["title"] == expected_title(item["item_id"])
               for item in answer.json()["items"])


def test_search_finds_titled_items_and_untitled_ones_by_id(http):
    answer = http.get("/items/search", params={"q": "Movie 2"})
    assert answer.status_code == 200, answer.text
    assert {item["title"] for item in answer.json()["items"]} >= {"Movie 2"}
    answer = http.get("/items/search", params={"q": "nan"})  # NaN is no title "nan"
    assert answer.json() == {"items": []}
    answer = http.get("/items/search", params={"q": "1"})
    found = {item["item_id"]: item["title"] for item in answer.json()["items"]}
    assert found.get("1", "missing") is None

"""Hundred-twenty-fourth probe: a model of a one-item catalog. ``GET /items/{id}/similar``
answered 422 "ids: the value at position 0 is None (a missing id)": the model's list held
one empty slot (the item itself is never its own neighbour) and its None went to the id
lookup. Empty slots are now left out (an empty list, with the shortfall saying why), and a
shortfall counts its items in words a reader expects ("1 item", not "1 items")."""

from __future__ import annotations

import warnings

import pytest

pytest.importorskip("fastapi", reason="the service tests need the serving extra")

import pandas as pd  # noqa: E402

from recstack.data.interactions import Interactions  # noqa: E402
from tests.serving.service_helpers import client, publish, settings  # noqa: E402

LONG = "a title " * 1250  # 10,000 characters


@pytest.fixture(scope="module")
def http(tmp_path_factory):
    from recstack.models.als import ALS

    folder = tmp_path_factory.mktemp("one")
    train = Interactions.from_frame(pd.DataFrame({"user_id": [str(u) for u in range(30)],
                                                  "item_id": ["only"] * 30}))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = ALS(factors=4, iterations=2, seed=0).fit(train)
    registry = publish(folder / "registry", model, train)
    titles = folder / "items.parquet"
    pd.DataFrame({"item_id": ["only"], "title": [LONG]}).to_parquet(titles)
    with client(settings(registry, items_file=str(titles))) as test_client:
        yield test_client


def test_similar_items_of_a_one_item_catalog_is_an_empty_list_that_says_why(http):
    answer = http.get("/items/only/similar?k=3")
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["items"] == []
    assert body["title"] == LONG
    assert body["shortfall"] == "0 items for k=3: als@1 has 1 item, less the item itself"


def test_a_one_item_list_is_counted_in_the_singular(http):
    body = http.get("/users/0/recommendations?k=5&exclude_seen=false").json()
    assert [item["item_id"] for item in body["items"]] == ["only"]
    assert body["items"][0]["title"] == LONG  # a long title is served whole
    assert body["shortfall"] == "1 item for k=5: als@1 has 1 item"
    seen = http.get("/users/0/recommendations?k=5").json()
    assert seen["items"] == []
    assert seen["shortfall"] == "0 items for k=5: als@1 has 1 item, less the user's 1 item seen"

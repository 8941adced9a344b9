"""Hundred-sixteenth probe: the popularity fallback (an unknown user with
``unknown_user="popular"``, a new visitor none of whose items is known) filled a list
longer than the items anyone used in training with items of no training interaction,
labelled "popularity" with a score of 0. They are not popular: the list holds only items
with training interactions, and when that leaves it shorter than ``k`` the fallback's
reason says so. With no item to offer the answer is an empty list, not an error."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("fastapi", reason="the service tests need the serving extra")

from recstack.data.interactions import Interactions  # noqa: E402
from recstack.models.baselines import MostPopular  # noqa: E402
from tests.serving.service_helpers import client, publish, settings  # noqa: E402

#: items 10..14 are trained on, with 5, 4, 3, 2 and 1 users; items 15..19 nobody used
TRAINED = {10: 5, 11: 4, 12: 3, 13: 2, 14: 1}


@pytest.fixture(scope="module")
def catalog():
    users, items = [], []
    for item, n_users in TRAINED.items():
        users += list(range(1, n_users + 1))
        items += [item] * n_users
    table = pd.DataFrame({"item_id": range(10, 20), "title": [f"film {i}" for i in range(10, 20)]})
    train = Interactions.from_arrays(np.array(users), np.array(items), item_table=table,
                                     keep_unseen_items=True)
    assert train.n_items == 10
    return train, MostPopular().fit(train)


def test_an_unknown_user_gets_only_items_used_in_training(tmp_path, catalog):
    train, model = catalog
    registry = publish(tmp_path / "registry", model, train, name="pop")
    with client(settings(registry, unknown_user="popular")) as http:
        answer = http.get("/users/999/recommendations?k=8")
        assert answer.status_code == 200, answer.text
        body = answer.json()
    # by definition: most training users first
    assert [x["item_id"] for x in body["items"]] == ["10", "11", "12", "13", "14"]
    assert [x["score"] for x in body["items"]] == [5.0, 4.0, 3.0, 2.0, 1.0]
    assert body["fallback"].endswith(
        "; 5 popular items for k=8: only 5 of the 10 items have training interactions")


def test_a_list_that_is_not_cut_short_says_nothing_more(tmp_path, catalog):
    train, model = catalog
    registry = publish(tmp_path / "registry", model, train, name="pop")
    with client(settings(registry, unknown_user="popular")) as http:
        body = http.get("/users/999/recommendations?k=3").json()
    assert [x["item_id"] for x in body["items"]] == ["10", "11", "12"]
    assert "popular items for k=" not in body["fallback"]


def test_a_new_visitor_of_unknown_items_gets_only_items_used_in_training(tmp_path, catalog):
    train, model = catalog
    registry = publish(tmp_path / "registry", model, train, name="pop")
    with client(settings(registry)) as http:
        answer = http.post("/recommendations/new-user", json={"items": ["404"], "k": 9})
        assert answer.status_code == 200, answer.text
        body = answer.json()
    assert [x["item_id"] for x in body["items"]] == ["10", "11", "12", "13", "14"]
    assert {x["source"] for x in body["items"]} == {"popularity"}
    assert body["fallback"].startswith("none of the posted items is in the catalog")
    assert body["fallback"].endswith(
        "; 5 popular items for k=9: only 5 of the 10 items have training interactions")
    assert body["unknown_items"] == ["404"]

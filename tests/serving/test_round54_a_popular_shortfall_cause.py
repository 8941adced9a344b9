"""Round 54 A: a popularity fallback cut short by the catalog's own size says so.

Where every item of the catalog had training interactions and ``k`` was above the
catalog's size, the shortfall read "3 popular items for k=5: only 3 of the 3 items have
training interactions", which names a cause that is not one (every item has some). It now
says what the other shortfalls say, "pop@1 has 3 items"; a catalog with items nobody used
keeps the old reason. Every expected message is written out here by hand.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("fastapi", reason="the service tests need the serving extra")

from recstack.data.interactions import Interactions  # noqa: E402
from recstack.models.baselines import MostPopular  # noqa: E402
from tests.serving.service_helpers import client, publish, settings  # noqa: E402


@pytest.fixture(scope="module")
def http(tmp_path_factory):
    # items 10, 11 and 12 used by 3, 2 and 1 users: every item has training interactions
    users = np.array([1, 2, 3, 1, 2, 1])
    items = np.array([10, 10, 10, 11, 11, 12])
    table = pd.DataFrame({"item_id": [10, 11, 12], "title": ["ten", "eleven", "twelve"]})
    train = Interactions.from_arrays(users, items, item_table=table)
    registry = publish(tmp_path_factory.mktemp("round54_a_popular") / "registry",
                       MostPopular().fit(train), train, name="pop")
    with client(settings(registry, unknown_user="popular")) as opened:
        yield opened


def test_an_unknown_user_past_the_catalog_is_told_the_catalog_size(http):
    body = http.get("/users/999/recommendations?k=5").json()
    assert [x["item_id"] for x in body["items"]] == ["10", "11", "12"]
    # it was "3 popular items for k=5: only 3 of the 3 items have training interactions"
    assert body["shortfall"] == "3 popular items for k=5: pop@1 has 3 items"
    assert body["fallback"].endswith("; 3 popular items for k=5: pop@1 has 3 items")


def test_a_new_visitor_of_unknown_items_past_the_catalog_is_told_alike(http):
    answer = http.post("/recommendations/new-user", json={"items": ["404"], "k": 4})
    assert answer.status_code == 200, answer.text
    assert answer.json()["shortfall"] == "3 popular items for k=4: pop@1 has 3 items"

"""Eighth bad-input probe of the service's users: a user whose every training value is 0,
to a model that reads 0 as no interaction (iALS), is a user without history, as the model
itself has it (the service served them a list of scores near 0 as if it knew them)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("fastapi", reason="the service tests need the serving extra")

from recstack.data.interactions import Interactions  # noqa: E402
from recstack.errors import RecstackError  # noqa: E402
from recstack.models.ials import IALS  # noqa: E402
from tests.serving.service_helpers import client, publish, settings  # noqa: E402

ZERO_USER = 999


@pytest.fixture(scope="module")
def zero_valued(train):
    """``train`` as ones, plus user 999 whose three rows all have the value 0, and item
    rows of value 0 that would make the last item the most popular by count."""
    frame = pd.DataFrame({"user_id": train.users.external_ids[train.user_index],
                          "item_id": train.items.external_ids[train.item_index],
                          "value": np.ones(len(train), np.float32)})
    frame = frame.drop_duplicates(["user_id", "item_id"])
    last_item = train.items.external_ids[-1]
    unseen = [u for u in train.users.external_ids.tolist()
              if not ((frame["user_id"] == u) & (frame["item_id"] == last_item)).any()]
    zeros = pd.DataFrame({"user_id": [ZERO_USER] * 3 + unseen,
                          "item_id": frame["item_id"].iloc[:3].tolist()
                          + [last_item] * len(unseen),
                          "value": 0.0})
    data = Interactions.from_frame(pd.concat([frame, zeros], ignore_index=True))
    return data, IALS(factors=8, iterations=3, seed=0).fit(data)


def test_a_user_of_only_zero_values_is_one_without_history(tmp_path, zero_valued):
    data, model = zero_valued
    with pytest.raises(RecstackError, match=r"no training interactions"):
        model.recommend([ZERO_USER], 5)  # the model's own answer
    registry = publish(tmp_path / "registry", model, data, name="ials")
    with client(settings(registry)) as http:
        answer = http.get(f"/users/{ZERO_USER}/recommendations", params={"k": 5})
    # before: 200, five items scored about 1e-41 from a vector learned from nothing
    assert answer.status_code == 404, answer.text
    assert answer.json()["detail"].startswith(
        f"user '{ZERO_USER}' has no training interactions in ials@1; recommend for a new "
        "visitor from their items with POST /recommendations/new-user")


def test_the_popular_fallback_counts_the_interactions_the_model_learned(tmp_path,
                                                                        zero_valued):
    data, model = zero_valued
    registry = publish(tmp_path / "registry", model, data, name="ials")
    with client(settings(registry, unknown_user="popular")) as http:
        body = http.get(f"/users/{ZERO_USER}/recommendations", params={"k": 5}).json()
    # popularity by the users with a non-zero value for the item (value 0: no interaction)
    csr = data.to_csr()
    counts = np.bincount(csr.indices[csr.data != 0], minlength=csr.shape[1])
    expected = np.argsort(-counts, kind="stable")[:5]
    assert body["fallback"].startswith(f"user '{ZERO_USER}' has no training interactions")
    # before: the last item came first, counted for every zero-valued row
    assert [item["item_id"] for item in body["items"]] == \
        [str(i) for i in model.items_.external_ids[expected].tolist()]
    assert [item["score"] for item in body["items"]] == counts[expected].tolist()

"""Fifth bad-input probe, new items: a model fitted without item content cannot place an
item by its content. Content gave every new item the zero vector (score 0 for every user)
and two-tower gave every new item one and the same embedding; both are refused now, and
models fitted with an item table still score new items."""

from __future__ import annotations

import importlib.util

import numpy as np
import pandas as pd
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import RecstackError
from recstack.models import create_model
from tests.models.quick_params import quick_params

needs_torch = pytest.mark.skipif(importlib.util.find_spec("torch") is None,
                                 reason="needs PyTorch")
needs_sklearn = pytest.mark.skipif(importlib.util.find_spec("sklearn") is None,
                                   reason="needs scikit-learn")

ITEMS = pd.DataFrame({
    "item_id": ["s1", "s2", "s3", "c1", "c2", "c3"],
    "title": ["Star Voyage", "Galaxy Rangers", "Deep Space", "Laugh Riot", "Big Joke",
              "Funny Bones"],
    "genres": [["Sci-Fi"], ["Sci-Fi"], ["Sci-Fi"], ["Comedy"], ["Comedy"], ["Comedy"]],
})
NEW = pd.DataFrame({"title": ["Space Patrol", "Joke Night"],
                    "genres": [["Sci-Fi"], ["Comedy"]]})


def _interactions(with_table: bool) -> Interactions:
    users = ["a"] * 3 + ["b"] * 3 + ["c"] * 2 + ["d"] * 2
    items = ["s1", "s2", "s3", "c1", "c2", "c3", "s1", "s3", "c1", "c3"]
    return Interactions.from_arrays(users, items, np.ones(len(users)),
                                    item_table=ITEMS if with_table else None)


@needs_sklearn
def test_content_without_item_text_refuses_new_items():
    model = create_model("content", interaction_weight=1.0).fit(_interactions(False))
    with pytest.raises(RecstackError, match=r"^content: was fitted without item text .*"
                                            r"cannot place new items.*refit"):
        model.score_new_items(["a"], NEW)
    with pytest.raises(RecstackError, match="was fitted without item text"):
        model.item_vectors(NEW)


@needs_sklearn
def test_content_with_item_text_still_scores_new_items():
    model = create_model("content").fit(_interactions(True))
    scores = model.score_new_items(["a", "b"], NEW)
    # the sci-fi fan prefers the sci-fi newcomer, the comedy fan the comedy
    assert scores[0, 0] > scores[0, 1] and scores[1, 1] > scores[1, 0]


@needs_torch
def test_two_tower_without_item_content_refuses_new_items():
    model = create_model("two_tower", **quick_params("two_tower")).fit(_interactions(False))
    with pytest.raises(RecstackError, match=r"^two_tower: was fitted without item content.*"
                                            r"same embedding; refit"):
        model.embed_items(NEW)
    with pytest.raises(RecstackError, match="was fitted without item content"):
        model.score_new_items(["a"], NEW)


@needs_torch
def test_two_tower_with_item_content_still_embeds_new_items():
    model = create_model("two_tower", **quick_params("two_tower")).fit(_interactions(True))
    vectors = model.embed_items(NEW)
    assert vectors.shape == (2, quick_params("two_tower")["dim"])
    assert not np.allclose(vectors[0], vectors[1])

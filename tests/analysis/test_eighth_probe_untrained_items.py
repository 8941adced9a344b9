"""Eighth bad-input probe, the report's embedding section on a split that leaves items
without training rows (an item first seen in the test period): such an item has no learned
vector (BPR, LightGCN and SASRec keep its random start, ALS a zero), yet it was listed as a
popular item's nearest neighbour with whatever cosine its random start happened to have,
counted in the genre coherence and mapped, without a word."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd

from recstack.analysis.report import _Context, _embeddings
from recstack.data.interactions import Interactions
from recstack.models import create_model

TITLES = [f"film {i}" for i in range(8)]


def _train_with_an_untrained_item() -> Interactions:
    rng = np.random.default_rng(0)
    users = rng.integers(0, 30, 300)
    items = rng.choice([0, 1, 2, 3, 4, 5, 6], 300, p=[.4, .2, .1, .1, .1, .05, .05])
    table = pd.DataFrame({"item_id": range(8), "title": TITLES})
    # item 7 is in the catalog (the item table, as a split's shared vocabulary holds it)
    # but has no training row
    return Interactions.from_arrays(users, items, item_table=table, keep_unseen_items=True,
                                    duplicates="last")


def _section_text(train, model) -> str:
    context = _Context(train, train, None, {"als": model}, {"als": "fitted"})
    folder = SimpleNamespace(labels=["als"])
    section = _embeddings(folder, context, "", None, 100, None, 0, 1, [])
    return "".join(block for block in section.blocks if isinstance(block, str))


def test_an_item_without_training_rows_is_no_nearest_neighbour(monkeypatch):
    train = _train_with_an_untrained_item()
    assert train.item_counts()[7] == 0
    model = create_model("als", factors=4, iterations=3, num_threads=1, seed=0).fit(train)
    planted = model.item_embeddings()
    # the untrained item's vector is a random start; plant one pointing exactly where the
    # most popular item points, as a random start may
    planted[7] = 2.0 * planted[0]
    monkeypatch.setattr(model, "item_embeddings", lambda: planted.copy())
    text = _section_text(train, model)
    table = text[text.index("Nearest neighbours of the most popular items"):]
    assert "film 0" in table and "film 7" not in table
    assert ("1 item(s) without training rows (e.g. film 7) are left out of the PCA, the map, "
            "the coherence and the neighbours below") in text


def test_every_item_trained_gives_no_note():
    rng = np.random.default_rng(1)
    train = Interactions.from_arrays(rng.integers(0, 30, 300), rng.integers(0, 8, 300),
                                     duplicates="last")
    model = create_model("als", factors=4, iterations=3, num_threads=1, seed=0).fit(train)
    text = _section_text(train, model)
    assert "without training rows" not in text
    assert "Nearest neighbours of the most popular items" in text

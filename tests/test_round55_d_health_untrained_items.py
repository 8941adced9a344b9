"""The report's embedding health reads the vectors of items with training rows: the zero
vectors ALS keeps for items a temporal split first sees in its test part were listed as
"Problems: 9 dead item vector(s)" of a healthy model. A trained item with a zero vector is
still a dead vector, named by its row in the whole catalog."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd

from recstack.analysis.report import _Context, _embeddings
from recstack.data.interactions import Interactions
from recstack.models import create_model

N_ITEMS = 12


def _train_with_untrained_items() -> Interactions:
    rng = np.random.default_rng(0)
    users = rng.integers(0, 40, 500)
    items = rng.integers(3, N_ITEMS, 500)  # items 0, 1 and 2 have no training row
    table = pd.DataFrame({"item_id": range(N_ITEMS),
                          "title": [f"film {i}" for i in range(N_ITEMS)]})
    return Interactions.from_arrays(users, items, item_table=table, keep_unseen_items=True,
                                    duplicates="last")


def _health_line(train: Interactions, model) -> str:
    context = _Context(train, train, None, {"als": model}, {"als": "fitted"})
    section = _embeddings(SimpleNamespace(labels=["als"]), context, "", None, 100, None, 0,
                          1, [])
    text = [block for block in section.blocks if isinstance(block, str)]
    return next(block for block in text if "Health: " in block)


def test_untrained_items_zero_vectors_are_not_dead_vectors_of_the_model() -> None:
    train = _train_with_untrained_items()
    assert train.item_counts()[:3].tolist() == [0, 0, 0]
    model = create_model("als", factors=4, iterations=3, num_threads=1, seed=0).fit(train)
    vectors = model.item_embeddings()
    assert np.allclose(vectors[:3], 0.0)  # ALS: no training row, a zero vector
    assert "dead" not in _health_line(train, model)


def test_a_trained_item_with_a_zero_vector_is_still_found_by_its_row(monkeypatch) -> None:
    train = _train_with_untrained_items()
    model = create_model("als", factors=4, iterations=3, num_threads=1, seed=0).fit(train)
    planted = model.item_embeddings()
    planted[6] = 0.0  # the 4th trained item: its row in the catalog is 6
    monkeypatch.setattr(model, "item_embeddings", lambda: planted.copy())
    assert "1 dead item vector(s) (length ~0), e.g. rows [6]" in _health_line(train, model)

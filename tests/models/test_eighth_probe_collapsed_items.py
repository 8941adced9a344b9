"""Eighth bad-input probe, a fit whose item vectors collapsed into one: two-tower with a
temperature of 1e-30 (its logits overflowed) gave every item the same vector, so each
user's scores all tied and every list was the catalog in index order, and the fit passed
without a word although the training data tell the items apart."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import RecstackError
from recstack.models import create_model

pytest.importorskip("torch")

rng = np.random.default_rng(0)
TRAIN = Interactions.from_arrays(rng.integers(0, 30, 300), rng.integers(0, 15, 300),
                                 duplicates="last")
QUICK = {"dim": 4, "hidden": 4, "epochs": 3, "device": "cpu"}


def test_a_temperature_that_collapses_the_item_vectors_is_refused():
    model = create_model("two_tower", temperature=1e-30, **QUICK)
    with pytest.raises(RecstackError, match=r"^two_tower: training collapsed: every learned "
                                            r"item vector is the same .*although the training "
                                            r"data tell the items apart, with .*"
                                            r"temperature=1e-30"):
        model.fit(TRAIN)
    assert not model.is_fitted  # no half-fitted model left behind
    # the usual temperature still fits
    model = create_model("two_tower", **QUICK).fit(TRAIN)
    assert np.ptp(model.item_embeddings(), axis=0).max() > 0
    # every user has both items: nothing in the data separates them, so equal vectors are
    # the right answer there, not a collapse
    both = Interactions.from_arrays(np.repeat(np.arange(6), 2), np.tile([0, 1], 6))
    model = create_model("als", factors=2, iterations=3, num_threads=1).fit(both)
    vectors = model.item_embeddings()
    np.testing.assert_allclose(vectors[0], vectors[1], rtol=1e-5)

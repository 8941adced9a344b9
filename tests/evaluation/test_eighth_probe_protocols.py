"""Eighth bad-input probe, results of two evaluations under different settings compared:
``a.compare(b, "ndcg@5")`` and ``comparison_table`` took a model evaluated with ratings >= 4
as relevant against one evaluated with every rating relevant, and printed a significant
difference (or a table) of numbers that measure different things, without a word."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.data.splits import random_split
from recstack.errors import RecstackError
from recstack.evaluation.evaluator import Evaluator
from recstack.evaluation.results import comparison_table
from recstack.models import create_model

rng = np.random.default_rng(0)
DATA = Interactions.from_arrays(rng.integers(0, 40, 600), rng.integers(0, 20, 600),
                                rng.integers(1, 6, 600).astype(float), duplicates="last",
                                rating_range=(1, 5))
SPLIT = random_split(DATA, test_fraction=0.2, seed=0)


def test_results_of_different_settings_are_not_compared():
    knn = create_model("item_knn").fit(SPLIT.train)
    popular = create_model("most_popular").fit(SPLIT.train)
    liked = Evaluator(ks=(5,), relevance_threshold=4).evaluate(knn, SPLIT.train, SPLIT.test)
    every = Evaluator(ks=(5,)).evaluate(popular, SPLIT.train, SPLIT.test)
    says = (r"item_knn was evaluated with relevance_threshold=4 but most_popular with "
            r"relevance_threshold=None, so their numbers measure different things; evaluate "
            r"every model with one Evaluator")
    with pytest.raises(RecstackError, match="^compare: " + says):
        liked.compare(every, "ndcg@5")
    with pytest.raises(RecstackError, match="^comparison_table: " + says):
        comparison_table([liked, every])
    graded = Evaluator(ks=(5,), relevance_threshold=4.0, graded=True).evaluate(
        popular, SPLIT.train, SPLIT.test)
    with pytest.raises(RecstackError, match="with graded=False but most_popular with "
                                            "graded=True"):
        liked.compare(graded, "ndcg@5")
    # one Evaluator's results compare as before, a threshold of 4 and 4.0 being one
    same = Evaluator(ks=(5,), relevance_threshold=4.0).evaluate(popular, SPLIT.train,
                                                                SPLIT.test)
    assert liked.compare(same, "ndcg@5").n_users > 0
    assert list(comparison_table([liked, same]).index) == ["item_knn", "most_popular"]

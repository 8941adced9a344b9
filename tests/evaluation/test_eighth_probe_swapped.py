"""Eighth bad-input probe, ``evaluate(model, test, train)``: train and test given the other
way round share their id maps, so every check passed, and the model was measured on its
own training pairs with the test's items masked: plausible numbers (nDCG@5 0.37 against
0.41 the right way round) of nothing, without a word."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.data.splits import random_split
from recstack.errors import RecstackError
from recstack.evaluation.evaluator import Evaluator
from recstack.models import create_model

rng = np.random.default_rng(0)
DATA = Interactions.from_arrays(rng.integers(0, 30, 400), rng.integers(0, 15, 400),
                                rng.integers(1, 6, 400).astype(float), duplicates="last",
                                rating_range=(1, 5))
SPLIT = random_split(DATA, test_fraction=0.2, seed=0)


def test_train_and_test_the_other_way_round_are_refused():
    model = create_model("item_knn").fit(SPLIT.train)
    evaluator = Evaluator(ks=(5,))
    n_pairs = SPLIT.train.to_csr().nnz
    with pytest.raises(RecstackError, match=rf"^item_knn was fitted on other rows than train: "
                                            rf"{n_pairs:,} of its {n_pairs:,} training \(user, "
                                            r"item\) pairs are not in train; .*were train and "
                                            r"test given the other way round"):
        evaluator.evaluate(model, SPLIT.test, SPLIT.train)
    with pytest.raises(RecstackError, match="fitted on other rows than train"):
        evaluator.evaluate_fold_in(model, SPLIT.test, SPLIT.test, SPLIT.train)
    # the right way round, and a model fitted on part of train (its positive ratings), are
    # evaluated as before: train holds every pair the model was fitted on
    assert evaluator.evaluate(model, SPLIT.train, SPLIT.test).means()["ndcg@5"] > 0
    positives = SPLIT.train.select(SPLIT.train.value >= 4)
    liked = create_model("item_knn").fit(positives)
    assert evaluator.evaluate(liked, SPLIT.train, SPLIT.test).means()["ndcg@5"] >= 0

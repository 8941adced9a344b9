"""Ninety-third bad-input probe, ``diagnose`` given a baseline evaluated otherwise.

``compare`` and ``comparison_table`` refuse results evaluated under different settings;
``diagnose(result, baseline)`` compared their means without a word, so a baseline measured
with another relevance threshold could make a model look "level on recall but behind on
nDCG" (an ordering problem) in numbers that do not compare. It now refuses such a pair,
naming both models and the setting, as the other comparisons do."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.data.splits import random_split
from recstack.errors import RecstackError
from recstack.evaluation.diagnostics import diagnose
from recstack.evaluation.evaluator import Evaluator
from recstack.models.baselines import MostPopular, RandomRecommender

METRICS = ["ndcg", "recall", "map", "hit_rate", "precision"]


@pytest.fixture(scope="module")
def split():
    rng = np.random.default_rng(0)
    data = Interactions.from_arrays(rng.integers(0, 30, 600), rng.integers(0, 40, 600),
                                    rng.integers(1, 6, 600).astype(float),
                                    duplicates="last", rating_range=(1, 5))
    return random_split(data, 0.2, seed=0)


def _result(split, model, **settings):
    evaluator = Evaluator(metrics=METRICS, ks=[5, 10], **settings)
    return evaluator.evaluate(model.fit(split.train), split.train, split.test)


def test_a_baseline_of_another_threshold_is_refused(split):
    result = _result(split, MostPopular(), relevance_threshold=4)
    baseline = _result(split, RandomRecommender(seed=0))
    with pytest.raises(RecstackError, match=r"^diagnose: most_popular was evaluated with "
                                            r"relevance_threshold=4 but random with "
                                            r"relevance_threshold=None"):
        diagnose(result, baseline)


def test_results_of_one_evaluator_are_diagnosed(split):
    result = _result(split, MostPopular(), relevance_threshold=4)
    baseline = _result(split, RandomRecommender(seed=0), relevance_threshold=4)
    assert isinstance(diagnose(result, baseline), list)
    assert isinstance(diagnose(result), list)  # no baseline: nothing to compare

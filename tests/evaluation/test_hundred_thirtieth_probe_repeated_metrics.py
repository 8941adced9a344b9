"""Hundred-thirtieth probe, a repeated metric's refusal says why naming it once is enough.

The ranking evaluator's refusal of ``metrics=["ndcg", "ndcg"]`` had lost its reason,
"(every one is computed at each of ks)"; the rating evaluator, which has no ks, does not
say it."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.data.splits import kfold_split
from recstack.errors import ConfigError, EmptyResultError
from recstack.evaluation.evaluator import Evaluator
from recstack.evaluation.pointwise import evaluate_ratings


def test_the_ranking_evaluator_says_each_metric_is_computed_at_each_k():
    with pytest.raises(ConfigError) as refused:
        Evaluator(metrics=["recall", "ndcg", "recall", "ndcg"], ks=[5, 10])
    assert str(refused.value) == ("metrics names ndcg, recall more than once; name each "
                                  "metric once (every one is computed at each of ks)")


class _Exact:
    name = "exact"

    def score(self, users, items):
        return np.array([3.0, 4.0])


def test_the_rating_evaluator_says_nothing_of_ks():
    rows = Interactions.from_arrays([1, 2], [1, 2], [3.0, 4.0], rating_range=(1, 5))
    with pytest.raises(ConfigError) as refused:
        evaluate_ratings(_Exact(), rows, metrics=["rmse", "rmse"])
    assert str(refused.value) == "metrics names rmse more than once; name each metric once"


def test_a_two_fold_split_that_cannot_work_says_what_would():
    # two rows of two users and two items: every test row's user and item are in no
    # other fold, and no smaller k than 2 exists
    data = Interactions.from_arrays([1, 2], [1, 2], None)
    with pytest.raises(EmptyResultError) as refused:
        kfold_split(data, 2)
    message = str(refused.value)
    assert "smaller k" not in message.replace("no smaller k exists", "")
    assert "more users and rows" in message and "another split" in message

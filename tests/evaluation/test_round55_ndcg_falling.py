"""nDCG@K may fall as K grows for a user with more relevant items than K (the ideal DCG
grows too); only a fall for a user whose relevant items all fit in the shorter list is a
sign of a computation error. Values below are worked by hand."""

import math

import numpy as np
import pandas as pd
import pytest

from recstack.data.interactions import Interactions
from recstack.evaluation.diagnostics import diagnose
from recstack.evaluation.evaluator import Evaluator
from recstack.evaluation.results import EvaluationResult


class FixedScores:
    name = "fixed"

    def __init__(self, scores):
        self.scores = np.asarray(scores, dtype=np.float32)

    def score_users(self, users):
        return self.scores[users]


def test_a_healthy_fall_for_a_user_with_more_relevant_items_than_k_is_not_flagged():
    # one user, test items 0-3; training item 8; the scores rank 0, 1, then 4-7, then 2, 3
    n_items = 9
    data = Interactions.from_arrays([0] * 5 + [0] * 4, [8, 0, 1, 2, 3] + [4, 5, 6, 7],
                                    [1.0] * 9)
    train, test = data.select(np.array([0])), data.select(np.arange(1, 5))
    scores = np.zeros((1, n_items))
    scores[0, [8, 0, 1, 4, 5, 6, 7, 2, 3]] = [100, 9, 8, 7, 6, 5, 4, 3, 2]
    result = Evaluator(metrics=("precision", "recall", "ndcg"), ks=(2, 4)).evaluate(
        FixedScores(scores), train, test)
    means = result.means()
    ideal_at_4 = 1 + 1 / math.log2(3) + 1 / math.log2(4) + 1 / math.log2(5)
    assert means["ndcg@2"] == pytest.approx(1.0)
    assert means["ndcg@4"] == pytest.approx((1 + 1 / math.log2(3)) / ideal_at_4)
    assert means["ndcg@4"] < means["ndcg@2"]
    assert [d.kind for d in diagnose(result)] == []


def by_hand(**columns):
    return EvaluationResult("m", pd.DataFrame(columns, index=pd.Index([7, 8], name="user_id")))


def test_a_fall_for_a_user_whose_items_fit_in_the_shorter_list_is_flagged_by_name():
    # user 7: 2 relevant items, both in the top 10 (precision 0.2, recall 1): nDCG@10 is 1
    # and nDCG@20 must be 1 too; user 8: 30 relevant items, a fall that is fine
    result = by_hand(**{"precision@10": [0.2, 1.0], "recall@10": [1.0, 1 / 3],
                        "ndcg@10": [1.0, 1.0], "ndcg@20": [0.9, 0.7]})
    found = diagnose(result)
    assert [d.kind for d in found] == ["suspicious"]
    assert "1 user(s)" in found[0].message and "user 7" in found[0].message
    assert "1.0000 to 0.9000" in found[0].message


def test_without_precision_and_recall_no_fall_is_judged():
    result = by_hand(**{"ndcg@10": [0.5, 0.5], "ndcg@20": [0.4, 0.4]})
    assert diagnose(result) == []


def test_a_user_without_a_hit_cannot_be_flagged():
    result = by_hand(**{"precision@10": [0.0, 0.0], "recall@10": [0.0, 0.0],
                        "ndcg@10": [0.0, 0.0], "ndcg@20": [0.0, 0.3]})
    assert diagnose(result) == []


def test_same_lists_is_not_judged_where_random_lists_would_overlap_near_the_bound():
    # 20 users, each a different list of 10 of a catalog of 24 (rotations): mean overlap
    # above 0.4, as lists drawn at random would nearly have (10/24 = 0.42)
    lists = [[(start + j) % 24 for j in range(10)] for start in range(0, 20)]
    index = pd.Index(range(20), name="user_id")
    small = EvaluationResult("m", pd.DataFrame({"ndcg@10": [0.5] * 20}, index=index),
                             meta={"n_items": 24})
    assert diagnose(small, lists=lists) == []
    large = EvaluationResult("m", pd.DataFrame({"ndcg@10": [0.5] * 20}, index=index),
                             meta={"n_items": 1000})
    assert [d.kind for d in diagnose(large, lists=lists)] == ["same lists"]

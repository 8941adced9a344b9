"""Distributed top-K and metrics against the single-machine evaluator and by hand."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.data.idmap import IdMap
from recstack.data.interactions import Interactions
from recstack.data.splits import random_split
from recstack.evaluation.evaluator import Evaluator
from recstack.spark import data as sd
from recstack.spark import evaluation as se


class _Factors:
    """A scorer over fixed factors, as recstack's factor models score."""

    def __init__(self, users: np.ndarray, items: np.ndarray) -> None:
        self.users, self.items = users, items

    def score_users(self, user_indices: np.ndarray) -> np.ndarray:
        return self.users[user_indices] @ self.items.T


def test_metrics_by_hand_with_masking_and_ties(spark):
    # items 0..3; user 0 trained on item 0 (masked); scores 0: [9, 3, 3, 1] -> list 1, 2, 3
    # (1 before 2: equal scores, lower index first); user 1 scores [1, 2, 3, 4] -> 3, 2, 1, 0
    users = np.array([[1.0, 0.0], [0.0, 1.0]], np.float32)
    items = np.array([[9.0, 1.0], [3.0, 2.0], [3.0, 3.0], [1.0, 4.0]], np.float32)
    data = Interactions(np.array([0, 0, 1, 1], np.int32), np.array([0, 2, 2, 0], np.int32),
                        np.ones(4, np.float32), None, IdMap.range(2), IdMap.range(4))
    train = sd.from_interactions(spark, data.select([0, 3]))  # user 0: item 0; user 1: item 0
    test = sd.from_interactions(spark, data.select([1, 2]))   # both users: item 2
    lists = se.top_k(se.factor_frame(spark, users, sd.USER_INDEX),
                     se.factor_frame(spark, items, sd.ITEM_INDEX), train, 2, block_size=3)
    got = {(r[sd.USER_INDEX], r[se.RANK]): r[sd.ITEM_INDEX] for r in lists.collect()}
    assert got == {(0, 1): 1, (0, 2): 2, (1, 1): 3, (1, 2): 2}
    _, means = se.ranking_metrics(lists, test, [1, 2],
                                  metrics=["precision", "recall", "ndcg", "map", "mrr"])
    # user 0: hit at rank 2; user 1: hit at rank 2; R = 1 each
    assert means["precision@1"] == 0 and means["precision@2"] == pytest.approx(0.5)
    assert means["recall@2"] == pytest.approx(1.0)
    assert means["ndcg@2"] == pytest.approx(1 / np.log2(3))
    assert means["map@2"] == pytest.approx(0.5)  # (1/min(1,2)) * P@2 = 1/2
    assert means["mrr@2"] == pytest.approx(0.5)


def test_graded_ndcg_duplicates_and_list_metrics_by_hand(spark):
    # user 0 scores items 0..4 with 5 > 4 > 3 > 2 > 1. Test: item 1 rated 2 then (later)
    # 3, item 4 rated 1, item 2 rated 0.5 (below the threshold 1)
    items = np.array([[5.0], [4.0], [3.0], [2.0], [1.0]], np.float32)
    test = Interactions(np.zeros(4, np.int32), np.array([1, 1, 4, 2], np.int32),
                        np.array([2.0, 3.0, 1.0, 0.5], np.float32),
                        np.array([1, 2, 3, 4], np.int64), IdMap.range(2), IdMap.range(5))
    # training: user 0 has item 3, user 1 items 0 and 3 (item users c = 1, 0, 0, 2, 0)
    train = Interactions(np.array([1, 1, 0], np.int32), np.array([0, 3, 3], np.int32),
                         np.ones(3, np.float32), None, IdMap.range(2), IdMap.range(5))
    # user 0 trained on item 3 (masked): list 0, 1, 2; grades: item 1 -> 3 (the last
    # row), item 4 -> 1, item 2 -> not relevant (0.5 < 1)
    user_rows = np.array([[1.0], [0.0]], np.float32)
    lists = se.top_k(se.factor_frame(spark, user_rows, sd.USER_INDEX),
                     se.factor_frame(spark, items, sd.ITEM_INDEX),
                     sd.from_interactions(spark, train), 3,
                     users=spark.createDataFrame([(0,)], f"{sd.USER_INDEX} int"))
    _, got = se.ranking_metrics(lists, sd.from_interactions(spark, test), [3],
                                metrics=["ndcg", "ndcg_linear", "recall", "coverage",
                                         "novelty", "popularity"],
                                relevance_threshold=1.0, graded=True,
                                train=sd.from_interactions(spark, train))
    d = 1 / np.log2(np.arange(2, 5))  # discounts of ranks 1, 2, 3
    assert got["ndcg@3"] == pytest.approx((2**3 - 1) * d[1] / ((2**3 - 1) * d[0] + d[1]))
    assert got["ndcg_linear@3"] == pytest.approx(3 * d[1] / (3 * d[0] + d[1]))
    assert got["recall@3"] == pytest.approx(0.5)
    assert got["coverage@3"] == pytest.approx(3 / 5)
    # c = (1, 0, 0) users of items 0, 1, 2; n_users 2; smoothing 1: -log2((c + 1) / 3)
    assert got["novelty@3"] == pytest.approx(np.mean(-np.log2(np.array([2, 1, 1]) / 3)))
    assert got["popularity@3"] == pytest.approx(1 / 3)
    # "max" keeps grade 3 too; "first" takes grade 2
    _, first = se.ranking_metrics(lists, sd.from_interactions(spark, test), [3],
                                  metrics=["ndcg"], relevance_threshold=1.0, graded=True,
                                  duplicate_grade="first")
    assert first["ndcg@3"] == pytest.approx((2**2 - 1) * d[1] / ((2**2 - 1) * d[0] + d[1]))


@pytest.mark.slow
@pytest.mark.realdata
@pytest.mark.parametrize("graded", [False, True])
def test_same_factors_same_metrics_as_evaluator_on_ml100k(spark, ml100k, graded):
    # binary: every rating a positive; graded: ratings >= 3 relevant, graded by the rating
    data = ml100k if graded else ml100k.implicit()
    split = random_split(data, 0.2, seed=0)
    rng = np.random.default_rng(0)
    # factors with structure (popular items score higher), so the lists are not random
    popularity = np.log1p(split.train.item_counts()).astype(np.float32)
    users = rng.normal(size=(data.n_users, 8)).astype(np.float32)
    users[:, 0] = 1.0
    items = rng.normal(scale=0.3, size=(data.n_items, 8)).astype(np.float32)
    items[:, 0] = popularity
    metrics, ks = ["precision", "recall", "ndcg", "map", "hit_rate", "mrr"], [5, 10, 20]
    metrics += ["recall_capped", "f1", "ndcg_linear", "coverage", "novelty", "popularity"]
    options = {"relevance_threshold": 3.0, "graded": True} if graded else {}
    want = Evaluator(metrics=metrics, ks=ks, **options).evaluate(
        _Factors(users, items), split.train, split.test).means()
    _, got = se.evaluate_factors(se.factor_frame(spark, users, sd.USER_INDEX),
                                 se.factor_frame(spark, items, sd.ITEM_INDEX),
                                 sd.from_interactions(spark, split.train),
                                 sd.from_interactions(spark, split.test), ks=ks,
                                 metrics=metrics, block_size=500, **options)
    assert set(got) == set(want) == {f"{m}@{k}" for m in metrics for k in ks}
    for name, value in got.items():
        assert value == pytest.approx(want[name], abs=1e-9), name
    assert want["ndcg@10"] > 0.05  # the lists are informative: the comparison means something
    if graded:  # the grades matter: exponential and linear gains differ
        assert abs(want["ndcg@10"] - want["ndcg_linear@10"]) > 1e-3

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


@pytest.mark.slow
@pytest.mark.realdata
def test_same_factors_same_metrics_as_evaluator_on_ml100k(spark, ml100k):
    data = ml100k.implicit()
    split = random_split(data, 0.2, seed=0)
    rng = np.random.default_rng(0)
    # factors with structure (popular items score higher), so the lists are not random
    popularity = np.log1p(split.train.item_counts()).astype(np.float32)
    users = rng.normal(size=(data.n_users, 8)).astype(np.float32)
    users[:, 0] = 1.0
    items = rng.normal(scale=0.3, size=(data.n_items, 8)).astype(np.float32)
    items[:, 0] = popularity
    metrics, ks = ["precision", "recall", "ndcg", "map", "hit_rate", "mrr"], [5, 10, 20]
    want = Evaluator(metrics=metrics, ks=ks).evaluate(_Factors(users, items), split.train,
                                                      split.test).means()
    _, got = se.evaluate_factors(se.factor_frame(spark, users, sd.USER_INDEX),
                                 se.factor_frame(spark, items, sd.ITEM_INDEX),
                                 sd.from_interactions(spark, split.train),
                                 sd.from_interactions(spark, split.test), ks=ks,
                                 metrics=metrics, block_size=500)
    assert set(got) == {f"{m}@{k}" for m in metrics for k in ks}
    for name, value in got.items():
        assert value == pytest.approx(want[name], abs=1e-9), name
    assert want["ndcg@10"] > 0.05  # the lists are informative: the comparison means something

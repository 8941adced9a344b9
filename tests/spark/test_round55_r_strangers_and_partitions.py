"""Round 55 (R): the Spark evaluator with test users who have no training row and the
list metrics, against one machine's Evaluator, user by user.

Their popularity lists were added to the factor model's lists with a union, and Spark 4's
union reports its children's partitioning by user (4 partitions) while it holds both sides'
partitions one after the other (8): a sort-merge join of it by user failed with Spark's
"Can't zip RDDs with unequal numbers of partitions", a Java traceback, where one
machine's Evaluator gave numbers.
The conftest's session shows it once the lists are joined by user for the list metrics
(novelty, popularity)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from recstack.data.idmap import IdMap
from recstack.data.interactions import Interactions


class _FactorsWithPopularity:
    """A factor scorer that ranks users without a training row by the training users of
    each item, as recstack's factor models do (the Evaluator's reference)."""

    def __init__(self, users: np.ndarray, items: np.ndarray, train: Interactions) -> None:
        self.users, self.items = users, items
        matrix = train.to_csr()
        self.history = np.diff(matrix.indptr)
        self.popularity = np.diff(matrix.tocsc().indptr).astype(np.float32)

    def score_users(self, user_indices: np.ndarray) -> np.ndarray:
        scores = (self.users[user_indices] @ self.items.T).astype(np.float32)
        scores[self.history[user_indices] == 0] = self.popularity
        return scores


def test_strangers_with_list_metrics_agree_with_the_evaluator(spark):
    from recstack.evaluation.evaluator import Evaluator
    from recstack.spark import data as sd
    from recstack.spark import evaluation as se

    rng = np.random.default_rng(0)
    n_users, n_items = 12, 9

    def rows(n):
        return (rng.integers(0, n_users, n).astype(np.int32),
                rng.integers(0, n_items, n).astype(np.int32))

    train_users, train_items = rows(30)
    kept = train_users < 10  # users 10 and 11 (and any not drawn) have no training row
    train = Interactions(train_users[kept], train_items[kept], np.ones(kept.sum(), np.float32),
                         None, IdMap.range(n_users), IdMap.range(n_items))
    test_users, test_items = rows(40)
    test = Interactions(test_users, test_items, np.ones(40, np.float32), None,
                        IdMap.range(n_users), IdMap.range(n_items))
    users = rng.integers(-2, 3, (n_users, 2)).astype(np.float32)  # many tied scores
    items = rng.integers(-2, 3, (n_items, 2)).astype(np.float32)
    metrics, ks = ["precision", "ndcg", "novelty", "popularity"], [1, 3, 5]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        want = Evaluator(metrics=metrics, ks=ks).evaluate(
            _FactorsWithPopularity(users, items, train), train, test)
        per_user, means = se.evaluate_factors(
            se.factor_frame(spark, users, sd.USER_INDEX),
            se.factor_frame(spark, items, sd.ITEM_INDEX),
            sd.from_interactions(spark, train), sd.from_interactions(spark, test),
            ks=ks, metrics=metrics, block_size=4)
    assert want.meta["users_without_history"] >= 2
    expected = want.per_user
    got = per_user.toPandas().set_index(sd.USER_INDEX).sort_index()
    assert sorted(got.index) == sorted(int(u) for u in expected.index)
    for column in expected.columns:
        np.testing.assert_allclose(got.loc[[int(u) for u in expected.index], column],
                                   expected[column], rtol=0, atol=1e-9, err_msg=column)
    for name, value in want.means().items():
        assert means[name] == pytest.approx(value, abs=1e-9), name

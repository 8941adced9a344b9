"""The Spark path against its single-machine siblings where it claims their numbers.

- ``evaluate_factors`` ranked a test user without a training row nowhere (Spark's ALS has
  no factors for them): no list, 0 on every metric, where one machine's Evaluator ranks
  such a user of a factor model by item popularity; the means were lower than one
  machine's on the same split and factors, and a quarter of such users passed without
  the Evaluator's NoHistoryWarning.
- ``SparkPopularity`` and ``SparkItemCooccurrence`` counted a negative value (a dislike)
  as an interaction where ``MostPopular`` and ``ItemKNN`` refuse it.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import RecstackError
from recstack.evaluation.evaluator import Evaluator, NoHistoryWarning


def _hand_split(spark):
    """users a, b train (a: x, y; b: x); test: a likes z, c (no training row) likes y."""
    from recstack.spark.data import from_interactions

    data = Interactions.from_arrays(["a", "a", "b", "a", "c"], ["x", "y", "x", "z", "y"])
    train_rows, test_rows = np.arange(5) < 3, np.arange(5) >= 3
    local_train, local_test = data.select(train_rows), data.select(test_rows)
    spread = from_interactions(spark, data)
    # indices follow the sorted ids: a b c = 0 1 2, x y z = 0 1 2
    train = spread.with_frame(spread.frame.filter("NOT (user_index = 0 AND item_index = 2) "
                                                  "AND user_index < 2"))
    test = spread.with_frame(spread.frame.filter("(user_index = 0 AND item_index = 2) "
                                                 "OR user_index = 2"))
    return local_train, local_test, train, test


def test_users_without_training_rows_are_ranked_by_popularity_as_on_one_machine(spark):
    from recstack.models.als import ALS
    from recstack.spark.evaluation import evaluate_factors, factor_frame

    local_train, local_test, train, test = _hand_split(spark)
    items = np.array([[3.0], [2.0], [1.0]], np.float32)  # x > y > z for every user
    users = np.array([[1.0], [1.0]], np.float32)         # a and b only, as Spark's ALS
    metrics, ks = ["precision", "recall", "hit_rate", "mrr", "ndcg", "map", "coverage"], [2]
    with pytest.warns(NoHistoryWarning, match=r"1 of the 2 evaluated test users \(50%\) has "
                                              r"no training row: their lists are item "
                                              r"popularity"):
        _, spread = evaluate_factors(factor_frame(spark, users, "user_index"),
                                     factor_frame(spark, items, "item_index"), train, test,
                                     ks=ks, metrics=metrics)
    # by hand: a's list is [z] (x, y trained on), a hit at rank 1; c is ranked by training
    # users per item, x (2) then y (1): the hit y at rank 2 (c scored 0 on all before)
    rank_two = 1.0 / math.log2(3.0)
    want = {"precision@2": (0.5 + 0.5) / 2, "recall@2": 1.0, "hit_rate@2": 1.0,
            "mrr@2": (1.0 + 0.5) / 2, "ndcg@2": (1.0 + rank_two) / 2,
            "map@2": (1.0 + 0.5) / 2, "coverage@2": 1.0}
    assert spread == pytest.approx(want, abs=1e-12)
    # one machine's Evaluator, on a recstack ALS holding the same factors (c's row 0, as
    # SparkALS.to_recstack() gives it), says the same
    model = ALS(factors=1)
    model.validate_params()
    model.users_, model.items_ = local_train.users, local_train.items
    model.seen_ = local_train.to_csr()
    model.user_factors_ = np.vstack([users, np.zeros((1, 1), np.float32)])
    model.item_factors_ = items
    with pytest.warns(NoHistoryWarning):
        local = Evaluator(metrics=metrics, ks=ks).evaluate(model, local_train,
                                                           local_test).means()
    assert {name: float(local[name]) for name in want} == pytest.approx(spread, abs=1e-12)


def test_negative_values_are_refused_by_spark_models_as_by_their_siblings(spark):
    from recstack.spark.data import from_interactions
    from recstack.spark.models import SparkALS, SparkItemCooccurrence, SparkPopularity

    data = from_interactions(spark, Interactions.from_arrays(
        ["a", "a", "b", "b"], ["x", "y", "x", "y"], [1.0, -1.0, 1.0, 1.0]))
    for model, why in ((SparkPopularity(), "counts every user of an item"),
                       (SparkItemCooccurrence(), "counts every recorded pair as 1"),
                       (SparkALS(factors=2, iterations=1, blocks=1), "confidence")):
        with pytest.raises(RecstackError, match=(
                rf"^{type(model).__name__}: 1 of 4 interaction values are negative \(e.g. "
                rf"-1 for user 'a', item 'y'\); .*{why}.*; keep the rows that are "
                r"interactions")):
            model.fit(data)


def test_spark_popularity_is_most_popular_of_the_deduplicated_rows(spark):
    from recstack.models.baselines import MostPopular
    from recstack.spark.data import ITEM_INDEX, from_interactions
    from recstack.spark.models import SparkPopularity

    # a played z three times, so rows rank z (3), x (2), y (1); distinct users x (a, b),
    # then y and z (one user each: the lower index first), a value of 0 a user too
    data = Interactions.from_arrays(["a", "a", "a", "a", "b", "c"],
                                    ["z", "z", "z", "x", "x", "y"],
                                    [1.0, 1.0, 1.0, 1.0, 0.0, 1.0])
    rows = SparkPopularity().fit(from_interactions(spark, data)).top(3).collect()
    assert [(row[ITEM_INDEX], row["users"]) for row in rows] == [(0, 2), (1, 1), (2, 1)]
    deduplicated = MostPopular().fit(data.deduplicate()).popularity_
    assert deduplicated.tolist() == [2.0, 1.0, 1.0]
    assert MostPopular().fit(data).popularity_.tolist() == [2.0, 1.0, 3.0]  # rows differ


def test_spark_als_hands_pyspark_its_settings_unscaled(spark):
    from pyspark.ml.recommendation import ALS as PySparkALS

    from recstack.spark.data import ITEM_INDEX, USER_INDEX, from_interactions
    from recstack.spark.models import SparkALS

    data = from_interactions(spark, Interactions.from_arrays(
        [0, 0, 1, 1, 2, 2, 3], [0, 1, 1, 2, 0, 2, 1], [1.0, 2.0, 1.0, 3.0, 1.0, 1.0, 4.0]))
    ours = SparkALS(factors=2, regularization=0.3, alpha=2.0, iterations=3, seed=7,
                    blocks=1).fit(data)
    # pyspark's own ALS with the same numbers: regParam is given as is (Spark scales it by
    # each user's and item's rows itself, ALS-WR; nothing here rescales it), alpha as is
    theirs = PySparkALS(rank=2, regParam=0.3, alpha=2.0, maxIter=3, seed=7, implicitPrefs=True,
                        numUserBlocks=1, numItemBlocks=1, userCol=USER_INDEX,
                        itemCol=ITEM_INDEX, ratingCol="value").fit(data.frame)
    for mine, spark_own in ((ours.model_.userFactors, theirs.userFactors),
                            (ours.model_.itemFactors, theirs.itemFactors)):
        got = {row["id"]: row["features"] for row in mine.collect()}
        want = {row["id"]: row["features"] for row in spark_own.collect()}
        assert got.keys() == want.keys()
        for key in want:
            assert np.allclose(got[key], want[key], rtol=1e-6, atol=1e-7)


def test_cooccurrence_with_shrink_is_item_knns_cosine_worked_by_hand(spark):
    from recstack.models.knn import ItemKNN
    from recstack.spark.data import from_interactions
    from recstack.spark.models import SparkItemCooccurrence

    # a: x y, b: x y (a value of 0: still a recorded pair), c: y z; n = 2, 3, 1 users
    data = Interactions.from_arrays(["a", "a", "b", "b", "c", "c"],
                                    ["x", "y", "x", "y", "y", "z"],
                                    [1.0, 1.0, 0.0, 1.0, 1.0, 1.0])
    exported = (SparkItemCooccurrence(neighbors=5, shrink=1.0)
                .fit(from_interactions(spark, data)).to_recstack())
    # s_ij = c_ij / (sqrt(n_i) sqrt(n_j) + shrink): x-y 2 / (sqrt 6 + 1), y-z 1 / (sqrt 3 + 1)
    xy, yz = 2.0 / (math.sqrt(6.0) + 1.0), 1.0 / (math.sqrt(3.0) + 1.0)
    want = np.array([[0.0, xy, 0.0], [xy, 0.0, yz], [0.0, yz, 0.0]])
    got = exported.similarity_.toarray()
    assert np.allclose(got, want, rtol=1e-6, atol=0)
    fitted = ItemKNN(neighbors=5, shrink=1.0).fit(data).similarity_.toarray()
    assert np.array_equal(got, fitted)

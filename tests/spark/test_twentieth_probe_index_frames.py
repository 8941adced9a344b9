"""Twentieth bad-input probe of the Spark path: frames of indices the user hands in (the
pairs SparkALS scores, the users top_k ranks, the top-K lists ranking_metrics judges) and
factors of a model fitted on other data. Text or fractional indices, nulls, indices past a
Java int, a rank of 0, a list naming an item twice and a pandas table each failed inside
Spark (or counted a hit twice); factors indexed beyond the training data's vocabulary
gave plausible metrics that meant nothing."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import ConfigError, DataFormatError, RecstackError


@pytest.fixture(scope="module")
def toy(spark):
    from recstack.spark.data import from_interactions

    # 3 users, 3 items: user 1 has items 10, 20; user 2 has 10, 30; user 3 has 20
    data = Interactions.from_arrays([1, 1, 2, 2, 3], [10, 20, 10, 30, 20])
    return from_interactions(spark, data)


@pytest.fixture(scope="module")
def als(toy):
    from recstack.spark.models import SparkALS

    return SparkALS(factors=2, iterations=1, blocks=1).fit(toy)


@pytest.mark.parametrize(("rows", "schema", "says"), [
    ([("a", 0)], "user_index string, item_index int",
     r"column 'user_index': the pairs to score holds string \(expected whole-number indices"),
    ([(0, 1.5)], "user_index int, item_index double",
     r"column 'item_index': the pairs to score holds double"),
    ([(None, 0)], "user_index int, item_index int",
     r"column 'user_index': a missing \(null\) index in the pairs to score, on the row "
     r"\(user_index=None, item_index=0\)"),
    ([(2**40, 0)], "user_index long, item_index int",
     r"column 'user_index': 1099511627776 in the pairs to score, .* \(expected an integer "
     r"from 0 to 2147483647 on every row\)"),
    ([(0, -1)], "user_index int, item_index int",
     r"column 'item_index': -1 in the pairs to score"),
])
def test_pairs_to_score_must_hold_integer_indices(spark, als, rows, schema, says):
    # before: IllegalArgumentException "Column user_index must be of type numeric",
    # "Ids MUST NOT be Null", CAST_OVERFLOW, "ALS only supports ... Integer range"
    with pytest.raises(DataFormatError, match=says):
        als.score_pairs(spark.createDataFrame(rows, schema))


def test_pairs_of_the_wrong_kind_or_with_a_prediction_are_named(spark, als):
    # before: "'DataFrame' object has no attribute '_jdf'"
    with pytest.raises(ConfigError, match=r"the pairs to score: expected a Spark DataFrame, "
                                          r"got DataFrame; spark\.createDataFrame"):
        als.score_pairs(pd.DataFrame({"user_index": [0], "item_index": [1]}))
    # before: IllegalArgumentException "requirement failed: Column prediction already exists"
    with pytest.raises(ConfigError, match=r"score_pairs: the pairs already have a 'prediction' "
                                          r"column, where the scores go; drop or rename it"):
        als.score_pairs(spark.createDataFrame([(0, 0, 1.0)],
                                              "user_index int, item_index int, prediction "
                                              "double"))
    assert als.score_pairs(spark.createDataFrame([(0, 0)], "user_index long, item_index long")
                           ).count() == 1


def test_users_to_rank_must_be_a_spark_frame_of_user_indices(spark, toy, als):
    from recstack.spark.evaluation import top_k

    # before: "'DataFrame' object has no attribute 'distinct'"
    with pytest.raises(ConfigError, match=r"users: expected a Spark DataFrame, got DataFrame"):
        top_k(als.user_factors_, als.item_factors_, toy, 2,
              users=pd.DataFrame({"user_index": [0]}))
    # before: UNRESOLVED_COLUMN ... `user_index` cannot be resolved
    with pytest.raises(RecstackError, match=r"no column 'user_index' for users; the columns "
                                            r"are: 'u'"):
        top_k(als.user_factors_, als.item_factors_, toy, 2,
              users=spark.createDataFrame([(0,)], "u int"))


def test_lists_must_be_top_k_lists(spark, toy):
    from recstack.spark.evaluation import ranking_metrics

    schema = "user_index int, rank int, item_index int"
    # before: a division by zero (1 / log2(0 + 1)) inside the job
    with pytest.raises(DataFormatError, match=r"column 'rank': 0 in lists, on the row "
                                              r"\(user_index=0, rank=0, item_index=0\) "
                                              r"\(expected an integer from 1 to"):
        ranking_metrics(spark.createDataFrame([(0, 0, 0)], schema), toy, [2])
    # before: UNRESOLVED_COLUMN `rank`
    with pytest.raises(RecstackError, match=r"no column 'rank' for lists; the columns are: "
                                            r"'user_index', 'item_index'"):
        ranking_metrics(spark.createDataFrame([(0, 0)], "user_index int, item_index int"),
                        toy, [2])
    # before: CAST_INVALID_INPUT on the text rank
    with pytest.raises(DataFormatError, match=r"column 'rank': lists holds string"):
        ranking_metrics(spark.createDataFrame([(0, "a", 0)], "user_index int, rank string, "
                                              "item_index int"), toy, [2])
    # before: CANNOT_CONVERT_COLUMN_INTO_BOOL on a pandas table
    with pytest.raises(ConfigError, match=r"lists: expected a Spark DataFrame, got DataFrame"):
        ranking_metrics(pd.DataFrame({"user_index": [0], "rank": [1], "item_index": [0]}),
                        toy, [2])
    # user 1 (index 0) has items 10 and 20 (indices 0 and 1), both relevant: a list naming
    # item 0 twice counted two hits, precision@2 = 1.0 with one relevant item recommended
    with pytest.raises(RecstackError, match=r"lists: user_index 0 has an item twice in its "
                                            r"list \(2 rows, 2 distinct ranks, 1 distinct "
                                            r"items\)"):
        ranking_metrics(spark.createDataFrame([(0, 1, 0), (0, 2, 0)], schema), toy, [2])
    with pytest.raises(RecstackError, match=r"user_index 0 has a rank twice"):
        ranking_metrics(spark.createDataFrame([(0, 1, 0), (0, 1, 1)], schema), toy, [2])
    # a proper list: 1 hit of 2 relevant at rank 1 -> precision@2 = 1/2
    _, means = ranking_metrics(spark.createDataFrame([(0, 1, 0), (0, 2, 2)], schema),
                               toy.with_frame(toy.frame.filter("user_index = 0")), [2],
                               metrics=["precision"])
    assert means == {"precision@2": 0.5}


def test_factors_beyond_the_training_vocabulary_are_refused(spark, toy, als):
    from recstack.spark.evaluation import evaluate_factors, factor_frame

    users, items = als.factor_arrays()
    # five items' factors for a catalog of three: a model of other data
    other_items = factor_frame(spark, np.vstack([items, items[:2]]), "item_index")
    with pytest.raises(ConfigError, match=r"item_factors: item_index 4 is outside the "
                                          r"training data's 3 items \(indices 0 to 2\): the "
                                          r"factors come from a model fitted on other data"):
        evaluate_factors(factor_frame(spark, users, "user_index"), other_items, toy, toy,
                         ks=[2])
    other_users = factor_frame(spark, np.vstack([users, users]), "user_index")
    with pytest.raises(ConfigError, match=r"user_factors: user_index 5 is outside the "
                                          r"training data's 3 users"):
        evaluate_factors(other_users, factor_frame(spark, items, "item_index"), toy, toy,
                         ks=[2])


def test_test_users_without_any_training_row_are_warned_about(spark):
    from recstack.evaluation.evaluator import NoHistoryWarning
    from recstack.spark.data import from_interactions
    from recstack.spark.evaluation import evaluate_factors
    from recstack.spark.models import SparkALS

    # users 1 and 2 train, user 3 is only in test: every metric 0, said by nothing
    data = from_interactions(spark, Interactions.from_arrays([1, 1, 2, 3], [10, 20, 10, 20]))
    train = data.with_frame(data.frame.filter("user_index < 2"))
    test = data.with_frame(data.frame.filter("user_index = 2"))
    als = SparkALS(factors=2, iterations=1, blocks=1).fit(train)
    with pytest.warns(NoHistoryWarning, match=r"none of the 1 test users has a training row"):
        _, means = evaluate_factors(als.user_factors_, als.item_factors_, train, test, ks=[1],
                                    metrics=["precision"])
    assert means == {"precision@1": 0.0}

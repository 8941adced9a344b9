"""Two-hundred-eighty-fourth probe: the Spark evaluator reads ``metrics`` and ``ks`` as one
machine's Evaluator reads them.

``Evaluator(ks=..., metrics=...)`` takes a set, a generator, an iterator, a dict's keys or a
pandas Series of cut-offs or metric names (``listed_settings``); the Spark evaluator refused
each of them with "must be a non-empty list ... got <generator object ... at 0x7f...>", and a
generator read once by the check would have been spent before the metrics were computed."""

from __future__ import annotations

import pandas as pd
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import ConfigError


def test_sets_generators_and_series_of_settings_are_read_as_lists(spark):
    from recstack.spark.data import from_interactions
    from recstack.spark.evaluation import ranking_metrics

    # user 1 (index 0) holds item 7 (index 0) in test, user 2 (index 1) item 8 (index 1)
    test = from_interactions(spark, Interactions.from_arrays([1, 2], [7, 8]))
    # user 0 is shown [7, 8] (a hit at rank 1), user 1 [7, 8] (a hit at rank 2)
    lists = spark.createDataFrame([(0, 1, 0), (0, 2, 1), (1, 1, 0), (1, 2, 1)],
                                  "user_index int, rank int, item_index int")
    # by hand: precision@1 = (1 + 0) / 2, recall@1 = (1 + 0) / 2, precision@2 = (1/2 + 1/2)
    # / 2, recall@2 = (1 + 1) / 2
    expected = {"precision@1": 0.5, "recall@1": 0.5, "precision@2": 0.5, "recall@2": 1.0}
    for metrics, ks in [((m for m in ("recall", "precision")), {2, 1}),
                        ({"precision", "recall"}, (k for k in (2, 1))),
                        (pd.Series(["precision", "recall"]), {1: "a", 2: "b"}.keys())]:
        _per_user, means = ranking_metrics(lists, test, ks, metrics=metrics)
        assert means == pytest.approx(expected)
        assert set(means) == set(expected)
    # an entry that is no cut-off is named by its position, as one machine names it
    with pytest.raises(ConfigError) as error:
        ranking_metrics(lists, test, (k for k in (5, 0)), metrics=["precision"])
    assert str(error.value) == (
        "ks must be a non-empty list of positive integers such as [10, 20], got [5, 0] "
        "(K = 0 at position 1 is below 1: a cut-off counts list positions from 1)")
    # a dict is refused saying to give its keys or its values, in the Evaluator's words
    with pytest.raises(ConfigError, match=r"metrics must be a list, got a dict \{'ndcg': 1\}"
                                          r": give its keys \(list\(metrics.keys\(\)\)\)"):
        ranking_metrics(lists, test, [1], metrics={"ndcg": 1})
    with pytest.raises(ConfigError, match=r"unknown metric\(s\) \['ndgc'\].*'ndcg'"):
        ranking_metrics(lists, test, [1], metrics={"ndgc"})


def test_numpy_counts_are_read_and_quoted_numbers_told_how_to_write_them(spark):
    import numpy as np

    from recstack.spark.evaluation import factor_frame, top_k

    users = factor_frame(spark, np.array([[1.0, 0.0], [0.0, 1.0]]), "user_index")
    items = factor_frame(spark, np.array([[1.0, 0.0], [0.0, 1.0], [0.5, 0.5]]), "item_index")
    # np.int64 (as max(np.array(ks)) gives it) was refused as "got np.int64(2)"; by hand,
    # user 0 scores the items 1, 0, 0.5 and user 1 scores them 0, 1, 0.5
    lists = top_k(users, items, None, np.int64(2), block_size=np.int32(1)).toPandas()
    got = lists.sort_values(["user_index", "rank"])
    assert got[["user_index", "rank", "item_index"]].values.tolist() == [
        [0, 1, 0], [0, 2, 2], [1, 1, 1], [1, 2, 2]]
    # a number in quotes or with a point is told how to write it, as the Evaluator tells it
    for kwargs, message in [
            ({"k": "10"}, "k must be a positive integer, got '10' (a number in quotes is "
                          "text: write it without them, k = 10)"),
            ({"k": 2, "block_size": 64.0},
             "block_size must be a positive integer, got 64.0 (a whole number is written in "
             "digits alone, without a point or an exponent: block_size = 64)"),
            ({"k": "0"}, "k must be a positive integer, got '0'"),
            ({"k": np.True_}, "k must be a positive integer, got True (true and false are not "
                              "numbers: write k as a whole number in digits)")]:
        with pytest.raises(ConfigError) as error:
            top_k(users, items, None, **kwargs)
        assert str(error.value) == message
    from recstack.spark.evaluation import ranking_metrics

    with pytest.raises(ConfigError) as error:
        ranking_metrics(lists, None, [1], metrics=["precision"], novelty_smoothing="0.5")
    assert str(error.value) == (
        "novelty_smoothing must be a finite number >= 0, got '0.5' (a number in quotes is "
        "text: write it without them, novelty_smoothing = 0.5)")

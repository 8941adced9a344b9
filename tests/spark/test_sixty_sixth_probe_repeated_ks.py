"""Sixty-sixth bad-input probe of Spark evaluation: a cut-off K given twice (``ks=[5,
5]``) was dropped without a word by ``evaluate_factors`` / ``ranking_metrics``, while one
machine's ``Evaluator`` (and an experiment file) refuses it. Both now refuse it alike."""

from __future__ import annotations

import pytest

from recstack.errors import ConfigError


@pytest.mark.parametrize("ks", [[5, 5], (10, 20, 10)])
def test_a_repeated_k_is_refused_as_on_one_machine(ks):
    from recstack.evaluation.evaluator import Evaluator
    from recstack.spark.evaluation import _cutoffs

    with pytest.raises(ConfigError, match="each K once"):
        Evaluator(ks=ks)
    with pytest.raises(ConfigError, match="each K once"):
        _cutoffs(ks)


def test_ranking_metrics_refuses_a_repeated_k_before_any_job(spark):
    import pandas as pd

    from recstack.spark.data import encode
    from recstack.spark.evaluation import ranking_metrics

    test = encode(spark.createDataFrame(pd.DataFrame({"user_id": [1], "item_id": [2]})))
    lists = spark.createDataFrame(pd.DataFrame({"user_index": [0], "item_index": [0],
                                                "rank": [1]}))
    with pytest.raises(ConfigError, match=r"ks = \[3, 3\]: each K once"):
        ranking_metrics(lists, test, [3, 3])


def test_distinct_ks_are_sorted():
    from recstack.spark.evaluation import _cutoffs

    assert _cutoffs([20, 5, 10]) == [5, 10, 20]

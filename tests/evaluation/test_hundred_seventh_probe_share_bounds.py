"""A hand-built EvaluationResult refuses a share (hit rate, nDCG, coverage: any metric
bounded to [0, 1]) outside [0, 1], naming the field, as it refuses a missing user id; an
unbounded metric (novelty) keeps any finite value."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from recstack.errors import RecstackError
from recstack.evaluation.results import SHARE_METRICS, EvaluationResult


def _per_user(**columns):
    return pd.DataFrame(columns, index=pd.Index(["u1", "u2"], name="user_id"))


@pytest.mark.parametrize("value", [1.7, -0.1, 42])
def test_an_aggregate_share_outside_0_1_is_refused(value):
    with pytest.raises(RecstackError) as caught:
        EvaluationResult("m", _per_user(**{"ndcg@10": [0.1, 0.2]}), {"coverage@10": value})
    message = str(caught.value)
    assert "aggregate['coverage@10']" in message and str(value) in message
    assert "[0, 1]" in message


@pytest.mark.parametrize("metric", ["hit_rate@10", "ndcg@5", "precision@20", "auc"])
def test_a_per_user_share_outside_0_1_is_refused_naming_user_and_column(metric):
    with pytest.raises(RecstackError) as caught:
        EvaluationResult("m", _per_user(**{metric: [0.5, 2.0]}))
    message = str(caught.value)
    assert repr(metric) in message and "user 'u2'" in message and "2.0" in message


def test_a_per_user_share_given_as_text_is_refused_where_it_is_read():
    result = EvaluationResult("m", _per_user(**{"recall@10": ["0.5", "1.5"]}))
    with pytest.raises(RecstackError, match=r"'recall@10' of user 'u2' is '1.5'"):
        result.summary()


def test_shares_at_the_bounds_nan_and_unbounded_metrics_are_kept():
    result = EvaluationResult(
        "m", _per_user(**{"hit_rate@10": [0.0, 1.0], "ndcg@10": [np.nan, 1.0],
                          "novelty@10": [7.5, 12.0]}),
        {"coverage@10": 1, "global_auc": math.nan})
    means = result.means()
    assert means["hit_rate@10"] == 0.5 and means["novelty@10"] == 9.75
    assert means["coverage@10"] == 1


def test_every_ranking_metric_is_a_share():
    # the names the evaluator writes per user and in aggregate: all bounded by definition
    from recstack.evaluation.evaluator import DEFAULT_METRICS

    assert set(DEFAULT_METRICS) <= SHARE_METRICS

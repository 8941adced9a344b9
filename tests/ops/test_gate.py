"""The gate's holdout metric and decision, on cases worked by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from recstack.data.interactions import Interactions
from recstack.models.registry import create_model
from recstack.ops.gate import decide, holdout_metric


def test_holdout_metric_by_hand():
    # training window: popularity a(3) > b(2) > c(1); user 1 has a
    train_rows = [(1, "a", 5), (2, "a", 5), (3, "a", 5), (2, "b", 5), (3, "b", 5),
                  (3, "c", 5)]
    holdout_rows = [(1, "c", 5), (2, "d", 5), (3, "x", 2)]
    rows = train_rows + holdout_rows
    data = Interactions.from_arrays([r[0] for r in rows], [r[1] for r in rows],
                                    [float(r[2]) for r in rows],
                                    np.arange(len(rows), dtype=np.int64))
    train = data.select(np.arange(len(train_rows)))
    holdout = data.select(np.arange(len(train_rows), len(rows)))
    model = create_model("most_popular").fit(train.compact())
    values = holdout_metric(model, train, holdout, metric="ndcg", k=2,
                            relevance_threshold=4.0)
    # user 3's only holdout row is not relevant (2 < 4): left out. User 1: a is seen,
    # the list is b, c: c at rank 2 -> nDCG@2 = (1/log2 3) / 1. User 2: a, b seen, the
    # list is c (the model knows no other item), d never listed -> 0
    assert list(values.index) == [1, 2]
    assert values[1] == pytest.approx(1 / np.log2(3))
    assert values[2] == 0.0


def test_training_window_items_are_excluded_for_an_older_model():
    # the older model saw only a, b, c popularity without user 1 having b; the training
    # window gives user 1 item b, which must not be recommended to them again
    older_rows = [(2, "a", 5), (3, "a", 5), (2, "b", 5), (3, "b", 5), (3, "c", 5),
                  (1, "a", 5)]
    window_rows = [(1, "b", 5)]
    holdout_rows = [(1, "c", 5)]
    rows = older_rows + window_rows + holdout_rows
    data = Interactions.from_arrays([r[0] for r in rows], [r[1] for r in rows],
                                    [float(r[2]) for r in rows],
                                    np.arange(len(rows), dtype=np.int64))
    older = data.select(np.arange(len(older_rows)))
    train = data.select(np.arange(len(older_rows), len(older_rows) + 1))
    holdout = data.select(np.arange(len(older_rows) + 1, len(rows)))
    model = create_model("most_popular").fit(older.compact())
    values = holdout_metric(model, train, holdout, metric="recall", k=1)
    # a (seen by the model) and b (seen in the window) are out: c is first
    assert values[1] == 1.0


def test_decide():
    users = pd.Index(range(20), name="user_id")
    better = pd.Series(np.linspace(0.5, 0.7, 20), index=users)
    worse = better - 0.1 + np.random.default_rng(0).normal(0, 0.01, 20)
    first = decide(better, None, metric="ndcg@10", margin=0.0, min_users=10)
    assert first.publish and "first" in first.reason
    assert decide(better, worse, metric="ndcg@10", margin=0.0, min_users=10).publish
    refused = decide(worse, better, metric="ndcg@10", margin=0.05, min_users=10)
    assert not refused.publish
    assert refused.difference == pytest.approx((worse - better).mean())
    assert refused.t_p_value < 1e-6
    assert decide(worse, better, metric="ndcg@10", margin=0.2, min_users=10).publish
    few = decide(better[:5], worse[:5], metric="ndcg@10", margin=0.0, min_users=10)
    assert not few.publish and "only 5 users" in few.reason

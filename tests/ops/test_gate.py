"""The gate's holdout metric and decision, on cases worked by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import ConfigError, RecstackError
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


def test_a_seen_pair_of_value_zero_is_excluded_as_recommend_excludes_it():
    # the model's data: popularity a(3) > b(2) > c(1), and user 1 has a with the value 0
    # (an implicit weight of 0 is still an interaction); the window adds a row of user 2
    older_rows = [(1, "a", 0.0), (2, "a", 1.0), (3, "a", 1.0), (2, "b", 1.0), (3, "b", 1.0),
                  (3, "c", 1.0)]
    rows = older_rows + [(2, "c", 1.0), (1, "b", 1.0)]
    data = Interactions.from_arrays([r[0] for r in rows], [r[1] for r in rows],
                                    [r[2] for r in rows], np.arange(len(rows), dtype=np.int64))
    older = data.select(np.arange(len(older_rows)))
    train = data.select(np.array([len(older_rows)]))
    holdout = data.select(np.array([len(older_rows) + 1]))
    model = create_model("most_popular").fit(older.compact())
    assert model.recommend([1], k=1)[0].tolist() == [["b"]]
    values = holdout_metric(model, train, holdout, metric="recall", k=1)
    # a (value 0, seen) is out as recommend leaves it out: b is first, the holdout item
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


@pytest.mark.parametrize(("settings", "says"), [
    ({"margin": float("nan")}, "margin must be a finite number >= 0, got nan"),
    ({"margin": -0.1}, "margin must be a finite number >= 0, got -0.1"),
    ({"margin": "0.1"}, "margin must be a finite number >= 0, got '0.1'"),
    ({"min_users": 1}, "min_users must be an integer >= 2"),
    ({"min_users": 2.5}, "min_users must be an integer >= 2"),
    ({"min_users": True}, "min_users must be an integer >= 2"),
])
def test_gate_settings_out_of_range_are_refused_by_name(settings, says):
    """A NaN margin made every comparison False (never publish) without a word."""
    values = pd.Series(np.linspace(0, 1, 20), index=pd.RangeIndex(20, name="user_id"))
    arguments = {"metric": "ndcg@10", "margin": 0.0, "min_users": 10} | settings
    with pytest.raises(ConfigError, match=f"^gate: {says}"):
        decide(values, values, **arguments)


def test_per_user_values_must_be_one_series_row_per_user():
    values = pd.Series(np.linspace(0, 1, 20), index=pd.RangeIndex(20, name="user_id"))
    with pytest.raises(RecstackError, match=r"candidate model's values repeat user\(s\) \[0, 1"):
        decide(pd.concat([values, values]), values, metric="m", margin=0.0, min_users=10)
    with pytest.raises(RecstackError, match="published model's values must be a pandas "
                                            "Series.*got list"):
        decide(values, [0.5] * 20, metric="m", margin=0.0, min_users=10)


def test_a_candidate_evaluated_for_nobody_is_not_published_first():
    """Every per-user value NaN (no user evaluated) published as 'the first model'."""
    nobody = pd.Series([np.nan] * 5, index=pd.RangeIndex(5, name="user_id"))
    decision = decide(nobody, None, metric="ndcg@10", margin=0.0, min_users=10)
    assert not decision.publish and decision.candidate_mean is None
    assert "no user" in decision.reason


def test_holdout_metric_refuses_an_unfitted_model_and_a_nan_threshold():
    data = Interactions.from_arrays([1, 2, 2], ["a", "a", "b"], [5.0, 5.0, 4.0],
                                    np.arange(3, dtype=np.int64))
    train, holdout = data.select(np.arange(2)), data.select(np.array([2]))
    with pytest.raises(RecstackError, match=r"gate: the model \(EASE\) is not fitted"):
        holdout_metric(create_model("ease"), train, holdout, metric="ndcg", k=2)
    model = create_model("most_popular").fit(train.compact())
    with pytest.raises(ConfigError, match="relevance_threshold must be a finite number, got "
                                          "nan"):
        holdout_metric(model, train, holdout, metric="ndcg", k=2,
                       relevance_threshold=float("nan"))

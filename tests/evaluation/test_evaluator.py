import math

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import roc_auc_score

from recstack.data.interactions import Interactions
from recstack.data.splits import random_split
from recstack.errors import ConfigError, RecstackError
from recstack.evaluation.diagnostics import diagnose
from recstack.evaluation.evaluator import Evaluator
from recstack.evaluation.results import EvaluationResult


class FixedScores:
    """A 'model' whose scores are a given matrix: the evaluator must rank by it."""

    name = "fixed"

    def __init__(self, scores):
        self.scores = np.asarray(scores, dtype=np.float32)
        self.calls = []

    def score_users(self, users):
        self.calls.append(len(users))
        return self.scores[users]


def split_of(train_pairs, test_pairs, n_users, n_items, test_values=None):
    """Train and test over the same vocabularies 0..n-1."""
    rows = train_pairs + test_pairs
    values = [1.0] * len(train_pairs) + (test_values or [1.0] * len(test_pairs))
    # pad so every user and item id exists
    pad_u = list(range(n_users))
    pad_i = list(range(n_items))
    n_pad = max(n_users, n_items)
    pu = [pad_u[j % n_users] for j in range(n_pad)]
    pi = [pad_i[j % n_items] for j in range(n_pad)]
    data = Interactions.from_arrays([u for u, _ in rows] + pu, [i for _, i in rows] + pi,
                                    values + [1.0] * n_pad)
    train = data.select(slice(0, len(train_pairs)))
    test = data.select(slice(len(train_pairs), len(rows)))
    return train, test


def test_worked_example_first_hit_at_rank_five():
    # user 0 has trained on item 0; test item 5; scores rank items 6,7,8,9 then 5
    train, test = split_of([(0, 0)], [(0, 5)], 1, 10)
    scores = np.zeros((1, 10))
    scores[0, [0, 6, 7, 8, 9, 5]] = [100, 9, 8, 7, 6, 5]  # item 0 is seen: must be masked
    result = Evaluator(metrics=("mrr", "hit_rate", "precision", "recall", "ndcg"),
                       ks=(4, 5, 10)).evaluate(FixedScores(scores), train, test)
    means = result.means()
    assert means["mrr@5"] == pytest.approx(0.2)
    assert means["mrr@4"] == 0.0 and means["hit_rate@4"] == 0.0
    assert means["hit_rate@5"] == 1.0 and means["recall@10"] == 1.0
    assert means["precision@5"] == pytest.approx(1 / 5)
    assert means["ndcg@10"] == pytest.approx(1 / math.log2(6))


def test_users_without_relevant_items_are_excluded_and_counted():
    train, test = split_of([(0, 0), (1, 1)], [(0, 2), (1, 3)], 2, 4, test_values=[5.0, 2.0])
    evaluator = Evaluator(metrics=("recall",), ks=(2,), relevance_threshold=4.0)
    result = evaluator.evaluate(FixedScores(np.ones((2, 4))), train, test)
    assert result.users_without_relevant == 1
    assert list(result.per_user.index) == [0]


def test_batching_does_not_change_results_and_matches_a_direct_computation():
    rng = np.random.default_rng(0)
    n_users, n_items = 40, 30
    data = Interactions.from_arrays(rng.integers(0, n_users, 600), rng.integers(0, n_items, 600),
                                    rng.integers(1, 6, 600)).deduplicate("max")
    split = random_split(data, 0.3, seed=0)
    scores = rng.random((data.n_users, data.n_items))
    metrics = ("precision", "recall", "ndcg", "auc")
    one = Evaluator(metrics=metrics, ks=(5,), batch_size=1).evaluate(
        FixedScores(scores), split.train, split.test)
    big = Evaluator(metrics=metrics, ks=(5,), batch_size=1000).evaluate(
        FixedScores(scores), split.train, split.test)
    pd.testing.assert_frame_equal(one.per_user, big.per_user)

    # an independent computation, user by user, straight from the definitions
    seen = split.train.to_csr().toarray() > 0
    relevant = split.test.to_csr().toarray() > 0
    for user, row in one.per_user.iterrows():
        u = split.train.users.to_index([user])[0]
        masked = np.where(seen[u], -np.inf, scores[u].astype(np.float32))
        top5 = np.argsort(-masked, kind="stable")[:5]
        hits = relevant[u, top5].sum()
        assert row["precision@5"] == pytest.approx(hits / 5)
        assert row["recall@5"] == pytest.approx(hits / relevant[u].sum())
        candidates = ~seen[u]
        assert row["auc"] == pytest.approx(
            roc_auc_score(relevant[u, candidates], scores[u, candidates].astype(np.float32)))


def test_memory_budget_bounds_the_batch():
    train, test = split_of([(u, 0) for u in range(50)], [(u, 1) for u in range(50)], 50, 100)
    model = FixedScores(np.ones((50, 100)))
    Evaluator(metrics=("recall",), ks=(1,), memory_budget_bytes=100 * 4 * 4 * 7).evaluate(
        model, train, test)
    assert max(model.calls) == 7 and sum(model.calls) == 50


def test_results_export_and_confidence_interval(tmp_path):
    per_user = pd.DataFrame({"recall@10": [0.0, 0.5, 1.0, 0.5]},
                            index=pd.Index(["a", "b", "c", "d"], name="user_id"))
    result = EvaluationResult("m", per_user, aggregate={"coverage@10": 0.25})
    summary = result.summary()["recall@10"]
    # t interval by hand: mean 0.5, sd 0.408248, t(0.975, 3) = 3.182446
    half = 3.182446305284263 * 0.4082482904638631 / 2
    assert summary.mean == 0.5
    assert summary.ci_low == pytest.approx(0.5 - half) and summary.ci_high == pytest.approx(
        0.5 + half)
    result.to_json(tmp_path / "r.json")
    result.to_csv(tmp_path / "r.csv")
    table = pd.read_csv(tmp_path / "r.csv")
    assert set(table.metric) == {"recall@10", "coverage@10"}
    assert '"coverage@10": 0.25' in (tmp_path / "r.json").read_text()


def test_paired_test_detects_a_consistent_difference():
    index = pd.Index(range(30), name="user_id")
    rng = np.random.default_rng(1)
    base = rng.random(30) * 0.5
    better = EvaluationResult("better", pd.DataFrame(
        {"ndcg@10": base + 0.2 + rng.normal(0, 0.02, 30)}, index=index))
    worse = EvaluationResult("worse", pd.DataFrame({"ndcg@10": base}, index=index))
    test = better.compare(worse, "ndcg@10")
    assert test.mean_difference == pytest.approx(0.2, abs=0.02)
    assert test.significant and test.wilcoxon_p_value < 0.001
    same = better.compare(better, "ndcg@10")
    assert not same.significant
    with pytest.raises(RecstackError, match="no per-user metric"):
        better.compare(worse, "map@10")


def test_diagnostics():
    index = pd.Index(range(4), name="user_id")

    def result(name, **columns):
        return EvaluationResult(name, pd.DataFrame(columns, index=index))

    base = result("base", **{"recall@10": [0.5] * 4, "hit_rate@10": [1.0] * 4,
                             "ndcg@10": [0.5] * 4, "map@10": [0.4] * 4})
    shuffled = result("shuffled", **{"recall@10": [0.5] * 4, "hit_rate@10": [1.0] * 4,
                                     "ndcg@10": [0.3] * 4, "map@10": [0.2] * 4})
    kinds = [d.kind for d in diagnose(shuffled, base)]
    assert kinds == ["ordering"]
    assert diagnose(base, base) == []
    truth_problem = result("t", **{"precision@10": [0.6] * 4, "recall@10": [0.01] * 4})
    assert [d.kind for d in diagnose(truth_problem)] == ["ground truth"]
    falling = result("f", **{"ndcg@10": [0.5] * 4, "ndcg@20": [0.4] * 4})
    assert [d.kind for d in diagnose(falling)] == ["suspicious"]


def test_bad_evaluator_settings():
    with pytest.raises(ConfigError, match="unknown metric"):
        Evaluator(metrics=("ndgc",))
    with pytest.raises(ConfigError, match="ks"):
        Evaluator(ks=(0,))

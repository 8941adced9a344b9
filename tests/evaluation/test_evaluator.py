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
    # 0.5 -/+ 0.6496 reaches past both ends of recall's [0, 1]: cut there, and said so
    assert 0.5 - half < 0 and 0.5 + half > 1
    assert (summary.ci_low, summary.ci_high, summary.clipped) == (0.0, 1.0, True)
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
    # every user's 2 relevant items in the top 10 (precision 0.2, recall 1): nDCG@20
    # cannot be below nDCG@10
    falling = result("f", **{"precision@10": [0.2] * 4, "recall@10": [1.0] * 4,
                             "ndcg@10": [0.5] * 4, "ndcg@20": [0.4] * 4})
    assert [d.kind for d in diagnose(falling)] == ["suspicious"]


def test_bad_evaluator_settings():
    with pytest.raises(ConfigError, match="unknown metric"):
        Evaluator(metrics=("ndgc",))
    with pytest.raises(ConfigError, match="ks"):
        Evaluator(ks=(0,))


# ---------------------------------------------------------------- one tie rule, one grade
ALL_METRICS = ("precision", "recall", "recall_capped", "hit_rate", "f1", "mrr", "map", "ndcg",
               "ndcg_linear", "auc", "coverage", "novelty", "popularity", "diversity")
#: user -> (training items, test items) over items 0..11
TIE_SPLIT = {0: ([0, 3], [2, 7]), 1: ([1], [11]), 2: ([0, 1, 2], [3, 4]), 3: ([5], [0])}


class ConstantScores:
    """A 'model' that gives every item the same score."""

    def __init__(self, constant, dtype, n_items=12):
        self.name, self.constant, self.dtype, self.n_items = "constant", constant, dtype, n_items

    def score_users(self, users):
        return np.full((len(users), self.n_items), self.constant, self.dtype)


def tie_split():
    train = [(u, i) for u, (seen, _) in TIE_SPLIT.items() for i in seen]
    test = [(u, i) for u, (_, held) in TIE_SPLIT.items() for i in held]
    return split_of(train, test, 4, 12)


@pytest.mark.parametrize("constant, dtype", [(0.0, np.float32), (1.0, np.float32),
                                             (-1e30, np.float32), (1e-40, np.float32),
                                             (5e-324, np.float64)])
def test_a_constant_model_is_evaluated_on_the_index_order(constant, dtype):
    train, test = tie_split()
    features = np.random.default_rng(0).random((12, 3))
    evaluator = Evaluator(metrics=ALL_METRICS, ks=(1, 5), item_features=features)
    result = evaluator.evaluate(ConstantScores(constant, dtype), train, test)
    reference = evaluator.evaluate(ConstantScores(0.0, np.float64), train, test)
    pd.testing.assert_frame_equal(result.per_user, reference.per_user)
    assert result.aggregate == reference.aggregate
    # the lists are 0, 1, 2, ... minus the training items: check some metrics by hand
    for user, (seen, held) in TIE_SPLIT.items():
        top5 = [i for i in range(12) if i not in seen][:5]
        hits = [rank for rank, item in enumerate(top5, 1) if item in held]
        row = result.per_user.loc[user]
        assert row["precision@5"] == len(hits) / 5
        assert row["mrr@5"] == (1 / hits[0] if hits else 0.0)
        assert row["auc"] == 0.5  # every relevant item is tied with every other one
    assert result.aggregate["coverage@1"] == 3 / 12  # items 0 (users 1, 3), 1 (0) and 3 (2)


def test_float64_scores_are_not_turned_into_ties():
    train, test = split_of([(0, 0)], [(0, 9)], 1, 10)
    # distinct in float64, all equal in float32: the best item is the last one
    scores = 1.0 + np.arange(10)[None, :] * 1e-12
    assert len(np.unique(scores.astype(np.float32))) == 1

    class Float64Scores:
        name = "float64"

        def score_users(self, users):
            return scores[users]

    result = Evaluator(metrics=("mrr",), ks=(1,)).evaluate(Float64Scores(), train, test)
    assert result.means()["mrr@1"] == 1.0


def test_nan_scores_are_refused_with_the_model_name():
    train, test = split_of([(0, 0)], [(0, 1), (1, 2)], 2, 4)
    scores = np.zeros((2, 4))
    scores[1, 3] = np.nan
    with pytest.raises(RecstackError, match=r"fixed returned NaN scores for 1 of 2 users in a "
                                            r"batch \(e.g. user 1\)"):
        Evaluator(metrics=("recall",), ks=(2,)).evaluate(FixedScores(scores), train, test)


def test_scores_that_are_not_numbers_are_refused_with_the_model_name():
    train, test = split_of([(0, 0)], [(0, 1)], 1, 3)

    class Words:
        name = "words"

        def score_users(self, users):
            return np.array([["a", "b", "c"]], dtype=object)

    with pytest.raises(RecstackError, match="words returned scores that are not numbers"):
        Evaluator(metrics=("recall",), ks=(2,)).evaluate(Words(), train, test)


def graded_split():
    """User 0 rated item 2 twice: 1 at t=5 (latest, but first in row order), 5 at t=1;
    user 1's only test grade is 0."""
    users = [0, 1, 0, 0, 0, 1] + [0, 0, 0, 0, 1, 1]
    items = [0, 1, 2, 2, 3, 4] + [5, 6, 7, 8, 9, 10]
    values = [1, 1, 1, 5, 2, 0] + [1] * 6
    times = [0, 0, 5, 1, 0, 0] + [0] * 6
    data = Interactions.from_arrays(users, items, values, times)
    return data.select(slice(0, 2)), data.select(slice(2, 6))


@pytest.mark.parametrize("policy, grade", [("last", 1.0), ("first", 5.0), ("max", 5.0),
                                           ("mean", 3.0)])
def test_a_repeated_test_pair_gets_one_grade_never_the_sum(policy, grade):
    train, test = graded_split()
    evaluator = Evaluator(metrics=("ndcg",), ks=(3,), graded=True, duplicate_grade=policy)
    truth = evaluator.relevance(test).toarray()
    assert truth[0, 2] == grade and truth[0, 3] == 2.0
    assert truth[1].sum() == 0  # grade 0: not relevant

    # scores rank item 3 first, then item 2: DCG and the ideal DCG by hand (gain 2^g - 1)
    scores = np.zeros((2, 11))
    scores[:, 3], scores[:, 2] = 2.0, 1.0
    result = evaluator.evaluate(FixedScores(scores), train, test)
    dcg = (2**2 - 1) + (2**grade - 1) / math.log2(3)
    ideal = sorted([2**2 - 1, 2**grade - 1], reverse=True)
    assert result.per_user.loc[0, "ndcg@3"] == pytest.approx(
        dcg / (ideal[0] + ideal[1] / math.log2(3)))


def test_users_whose_grades_are_all_zero_are_counted_as_without_relevant_items():
    train, test = graded_split()
    result = Evaluator(metrics=("ndcg",), ks=(3,), graded=True).evaluate(
        FixedScores(np.zeros((2, 11))), train, test)
    assert list(result.per_user.index) == [0]
    assert result.users_without_relevant == 1


def test_bad_duplicate_grade_and_threads():
    with pytest.raises(ConfigError, match="duplicate_grade must be one of last, first"):
        Evaluator(duplicate_grade="sum")
    with pytest.raises(ConfigError, match="n_threads"):
        Evaluator(n_threads=0)
    with pytest.raises(ConfigError, match="novelty_smoothing"):
        Evaluator(novelty_smoothing=-1)


def test_evaluator_novelty_is_the_metric_novelty():
    from recstack.metrics import item_user_counts, novelty

    rng = np.random.default_rng(3)
    n_users, n_items = 30, 25
    data = Interactions.from_arrays(rng.integers(0, n_users, 300), rng.integers(0, n_items, 300))
    split = random_split(data, 0.3, seed=1)
    scores = rng.random((data.n_users, data.n_items))
    train_csr = split.train.to_csr()
    unseen = np.flatnonzero(item_user_counts(train_csr) == 0)
    scores[:, unseen] = 2.0  # recommend items nobody trained on: smoothing matters
    result = Evaluator(metrics=("novelty",), ks=(3, 8)).evaluate(
        FixedScores(scores), split.train, split.test)
    users = split.train.users.to_index(result.per_user.index.to_numpy())
    masked = np.where(train_csr.toarray()[users] != 0, -np.inf,
                      scores[users].astype(np.float32))
    lists = np.argsort(-masked, axis=1, kind="stable")[:, :8]
    for k in (3, 8):
        expected = novelty(lists, item_user_counts(train_csr), data.n_users, k=k,
                           smoothing=1.0)
        np.testing.assert_allclose(result.per_user[f"novelty@{k}"], expected, rtol=1e-12)

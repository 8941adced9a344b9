"""The sampled-negatives protocol (NCF, SASRec): HR@K and NDCG@K of each held-out item
ranked among 1 + N candidates, worked by hand."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

from recstack.data.idmap import IdMap
from recstack.data.interactions import Interactions
from recstack.errors import ConfigError, RecstackError
from recstack.evaluation import (
    NegativesWarning,
    evaluate_sampled,
    expected_hit_ndcg,
    sample_negatives,
)
from recstack.evaluation.evaluator import ConstantScoresWarning, Evaluator


def _part(pairs: list[tuple[str, int]], users: IdMap, items: IdMap) -> Interactions:
    user_index = users.to_index([u for u, _ in pairs]).astype(np.int32)
    item_index = items.to_index([i for _, i in pairs]).astype(np.int32)
    return Interactions(user_index, item_index, np.ones(len(pairs), np.float32), None,
                        users, items)


class Table:
    """A scorer returning a fixed users x items table."""

    name = "table"

    def __init__(self, scores: np.ndarray) -> None:
        self.scores = np.asarray(scores, np.float64)

    def score_users(self, users: np.ndarray) -> np.ndarray:
        return self.scores[users]


USERS = IdMap(["a", "b", "c"])
ITEMS = IdMap(list(range(20)))
TRAIN = _part([("a", 19), ("b", 19), ("c", 19)], USERS, ITEMS)
TEST = _part([("a", 0), ("b", 0), ("c", 0)], USERS, ITEMS)
NEGATIVES = {user: list(range(1, 16)) for user in "abc"}  # 15 negatives: 16 candidates


def _ranked_scores() -> np.ndarray:
    """The held-out item 0 at rank 0 for a, 4 for b, 12 for c among items 1..15."""
    scores = np.zeros((3, 20))
    scores[:, 0] = 50.0
    scores[1, 1:5] = 60.0   # 4 negatives above: rank 4
    scores[2, 1:13] = 60.0  # 12 negatives above: rank 12
    return scores


def test_hand_worked_ranks_0_4_12_at_k_10() -> None:
    result = evaluate_sampled(Table(_ranked_scores()), TRAIN, TEST, ks=[10],
                              negatives=NEGATIVES)
    # hits: 1, 1, 0; ndcg: 1/log2(2) = 1, 1/log2(6), 0 (rank 12 is past K)
    assert result.per_user["hit_rate@10"].tolist() == [1.0, 1.0, 0.0]
    assert result.per_user["ndcg@10"].tolist() == pytest.approx(
        [1.0, 1 / math.log2(6), 0.0])
    assert result.means()["hit_rate@10"] == pytest.approx(2 / 3)
    assert result.means()["ndcg@10"] == pytest.approx((1 + 0.38685280723454163) / 3)
    summary = result.summary()["hit_rate@10"]
    assert summary.n_users == 3 and summary.ci_low < 2 / 3 < summary.ci_high
    assert result.meta["negatives"] == "given" and result.meta["n_negatives"] == 15


def test_ties_count_as_the_expected_rank() -> None:
    # the held-out item tied with 3 negatives, 2 strictly above: rank 2..5 with equal
    # chance; at K = 4 two of the four places hit
    hit, ndcg = expected_hit_ndcg(np.array([2]), np.array([3]), 4)
    assert hit.tolist() == [0.5]
    assert ndcg.tolist() == pytest.approx([(1 / math.log2(4) + 1 / math.log2(5)) / 4])
    scores = np.zeros((3, 20))
    scores[0, [0, 1, 2, 3]] = 5.0  # a: tied with 3 negatives, none above
    scores[0, [4, 5]] = 9.0        # ... and 2 above
    scores[1:, 0] = 1.0            # b and c: ranked first, no ties
    result = evaluate_sampled(Table(scores), TRAIN, TEST, ks=[4], negatives=NEGATIVES)
    assert result.per_user["hit_rate@4"].tolist() == [0.5, 1.0, 1.0]


def test_a_model_scoring_every_item_alike_gets_chance_not_a_perfect_score() -> None:
    with pytest.warns(ConstantScoresWarning, match="what chance gives"):
        result = evaluate_sampled(Table(np.ones((3, 20))), TRAIN, TEST, ks=[10],
                                  negatives=NEGATIVES)
    # 16 candidates: the held-out item is in the top 10 with probability 10/16
    assert result.means()["hit_rate@10"] == pytest.approx(10 / 16)
    expected_ndcg = sum(1 / math.log2(r + 2) for r in range(10)) / 16
    assert result.means()["ndcg@10"] == pytest.approx(expected_ndcg)


def test_given_negatives_equal_sampled_ones_of_the_same_seed() -> None:
    scores = np.random.default_rng(4).random((3, 20))
    sampled = evaluate_sampled(Table(scores), TRAIN, TEST, ks=[3, 5], n_negatives=10,
                               seed=7)
    drawn = sample_negatives(TRAIN, TEST, 10, seed=7)
    given = evaluate_sampled(Table(scores), TRAIN, TEST, ks=[3, 5], negatives=drawn)
    assert sampled.per_user.equals(given.per_user)
    other = sample_negatives(TRAIN, TEST, 10, seed=8)
    assert any(set(drawn[u]) != set(other[u]) for u in drawn)
    again = sample_negatives(TRAIN, TEST, 10, seed=7)
    assert all(drawn[u].tolist() == again[u].tolist() for u in drawn)


def test_sampled_negatives_never_hold_a_users_items() -> None:
    users = IdMap([f"u{n}" for n in range(30)])
    items = IdMap(list(range(40)))
    rng = np.random.default_rng(0)
    train_pairs = [(f"u{n}", int(i)) for n in range(30)
                   for i in rng.choice(40, 25, replace=False)]
    test_pairs = [(f"u{n}", int(np.setdiff1d(np.arange(40),
                                             [i for u, i in train_pairs if u == f"u{n}"])[0]))
                  for n in range(30)]
    train, test = _part(train_pairs, users, items), _part(test_pairs, users, items)
    drawn = sample_negatives(train, test, 14, seed=1)  # exactly the 14 items left to each
    for user, negatives in drawn.items():
        had = {i for u, i in train_pairs + test_pairs if u == user}
        assert len(set(negatives.tolist())) == 14
        assert not had & set(negatives.tolist())
        assert set(negatives.tolist()) == set(range(40)) - had
    with pytest.raises(ConfigError, match="has only 14 items .* lower n_negatives to at most 14"):
        sample_negatives(train, test, 15, seed=1)


def test_given_negatives_holding_a_held_out_item_are_refused() -> None:
    with pytest.raises(ConfigError, match=r"negatives\['a'\] holds item 0, which is a "
                                          "relevant test item"):
        evaluate_sampled(Table(_ranked_scores()), TRAIN, TEST, ks=[1],
                         negatives={**NEGATIVES, "a": [0, 1]})


def test_given_negatives_holding_training_items_or_repeats_are_warned_of() -> None:
    with pytest.warns(NegativesWarning, match="1 item the user has a row with"):
        evaluate_sampled(Table(_ranked_scores()), TRAIN, TEST, ks=[1],
                         negatives={**NEGATIVES, "a": [19, 1]})
    with pytest.warns(NegativesWarning, match="1 repeated item"):
        evaluate_sampled(Table(_ranked_scores()), TRAIN, TEST, ks=[1],
                         negatives={**NEGATIVES, "a": [1, 1]})


@pytest.mark.parametrize(("negatives", "message"), [
    ([1, 2], "negatives must map each test user's id"),
    ({}, "negatives is empty"),
    ({"a": [1, 2]}, r"no entry for 2 of 3 test users .* \(e.g. user 'b'\)"),
    ({**NEGATIVES, "zz": [1]}, r"negatives: 1 unknown user id .*'zz'"),
    ({**NEGATIVES, "a": [1, 99]}, r"negatives\['a'\]: 1 unknown item id .*99"),
    ({**NEGATIVES, "a": "12"}, r"negatives\['a'\] must be a list of item ids, got str"),
    ({**NEGATIVES, "a": []}, r"negatives\['a'\] is empty"),
    ({**NEGATIVES, "a": [1.5, 2]}, r"negatives\['a'\]: item ids: .*1.5"),
])
def test_malformed_negatives_are_named(negatives: object, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        evaluate_sampled(Table(_ranked_scores()), TRAIN, TEST, ks=[1], negatives=negatives)


@pytest.mark.parametrize(("settings", "message"), [
    ({"n_negatives": 0}, "n_negatives must be a positive whole number"),
    ({"n_negatives": True}, "n_negatives must be a positive whole number"),
    ({"n_negatives": 5.0}, "n_negatives must be a positive whole number.*n_negatives = 5"),
    ({"n_negatives": "5"}, "a number in quotes is text"),
    ({"n_negatives": 20}, "the catalog has 20 items"),
    ({"n_negatives": 5, "ks": [6]}, r"K = 6 is not below the 6 candidates .* use K <= 5"),
    ({"n_negatives": 5, "seed": None}, "seed = None"),
    ({"n_negatives": 5, "seed": -1}, "seed = -1"),
    ({"n_negatives": 5, "negatives": NEGATIVES}, "not both"),
    ({"ks": [0]}, "ks must be a list of positive integers"),
    ({"name": 5}, r"evaluate_sampled\(name=\.\.\.\)"),
])
def test_bad_settings_are_refused(settings: dict, message: str) -> None:
    settings = {"ks": [3], **settings}
    with pytest.raises(ConfigError, match=message):
        evaluate_sampled(Table(_ranked_scores()), TRAIN, TEST, **settings)


def test_whole_numbers_of_other_types_are_counts() -> None:
    result = evaluate_sampled(Table(_ranked_scores()), TRAIN, TEST, ks=[np.int64(3)],
                              n_negatives=np.int64(5))
    assert result.meta["n_negatives"] == 5 and result.meta["ks"] == [3]


def test_model_mistakes_are_named() -> None:
    with pytest.raises(RecstackError, match="NaN scores"):
        evaluate_sampled(Table(np.full((3, 20), np.nan)), TRAIN, TEST, negatives=NEGATIVES)
    with pytest.raises(RecstackError, match=r"shape \(3, 5\), expected \(3, 20\)"):
        evaluate_sampled(Table(np.ones((3, 5))), TRAIN, TEST, negatives=NEGATIVES)
    with pytest.raises(ConfigError, match="got the class Table"):
        evaluate_sampled(Table, TRAIN, TEST, negatives=NEGATIVES)
    with pytest.raises(ConfigError, match="n_negative.*did you mean 'n_negatives'"):
        evaluate_sampled(Table(_ranked_scores()), TRAIN, TEST, n_negative=5)


def test_sampled_results_do_not_pair_with_full_ranking_ones() -> None:
    sampled = evaluate_sampled(Table(_ranked_scores()), TRAIN, TEST, ks=[10],
                               negatives=NEGATIVES)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        full = Evaluator(ks=[10]).evaluate(Table(_ranked_scores()), TRAIN, TEST)
    with pytest.raises(RecstackError, match="protocol"):
        sampled.compare(full, "hit_rate@10")

"""Sampled evaluation with a test part where only some relevant pairs are training pairs:
those held-out items are ranked unmasked among items the user never had, so a model that
remembers its training pairs ranks them first and lifts the users who have them, which
was reported without a word (the full-catalog Evaluator warns in its own case)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from recstack.data.idmap import IdMap
from recstack.data.interactions import Interactions
from recstack.errors import ConfigError
from recstack.evaluation import evaluate_sampled, sample_negatives
from recstack.evaluation.evaluator import TrainingPairsWarning

ITEMS = IdMap(list(range(30)))


def _part(users: IdMap, pairs: list[tuple[str, int]]) -> Interactions:
    return Interactions(users.to_index([u for u, _ in pairs]).astype(np.int32),
                        ITEMS.to_index([i for _, i in pairs]).astype(np.int32),
                        np.ones(len(pairs), np.float32), None, users, ITEMS)


class Remembers:
    """Scores 1 for each of the user's training items, and item / 1000 elsewhere (no ties):
    a model that learnt nothing but its training pairs."""

    name = "remembers"

    def __init__(self, train: Interactions) -> None:
        self.train = train

    def score_users(self, users: np.ndarray) -> np.ndarray:
        scores = np.tile(np.arange(30) / 1000.0, (len(users), 1))
        matrix = self.train.to_csr()
        for row, user in enumerate(users.tolist()):
            scores[row, matrix.indices[matrix.indptr[user]:matrix.indptr[user + 1]]] = 1.0
        return scores


def _training_warnings(record: list[warnings.WarningMessage]) -> list[str]:
    return [str(w.message) for w in record if issubclass(w.category, TrainingPairsWarning)]


TWO = IdMap(["a", "b"])
TWO_TRAIN = _part(TWO, [("a", 0), ("a", 1), ("b", 2), ("b", 3)])


def test_one_user_of_two_with_a_training_pair_is_warned_by_both_functions() -> None:
    # a's only held-out item, 1, is a training pair; b's 7 is new: 1 of 2 users, 1 of 2
    # pairs, and a's value can rise by all of its range: the mean by up to 1/2
    test = _part(TWO, [("a", 1), ("b", 7)])
    expected = (r"1 of the 2 evaluated test users \(50%: 'a'\) has training items among its "
                r"relevant test items \(1 of 2 relevant pairs is a training pair\); this "
                r"protocol ranks each held-out item unmasked among items the user never "
                r"had, so a model that remembers its training pairs ranks those first, "
                r"lifting each averaged metric by up to 50%")
    with pytest.warns(TrainingPairsWarning, match="sample_negatives: " + expected):
        sample_negatives(TWO_TRAIN, test, 5)
    with pytest.warns(TrainingPairsWarning, match="evaluate_sampled: " + expected
                      + r" \(meta\['relevant_pairs_seen'\] counts those pairs, "
                        r"meta\['users_relevant_seen'\] their users\); evaluate on pairs "
                        r"the users have not trained on"):
        result = evaluate_sampled(Remembers(TWO_TRAIN), TWO_TRAIN, test, ks=[1],
                                  n_negatives=5)
    assert result.meta["relevant_pairs_seen"] == 1
    assert result.meta["users_relevant_seen"] == 1
    # the lift the warning names is real: a's remembered item beats every negative
    assert result.per_user.loc["a", "hit_rate@1"] == 1.0


def test_a_user_with_some_training_pairs_among_several_counts_by_their_share() -> None:
    # a: held-out 1 (a training pair) and 9 (new), b: 7 (new). No user has only training
    # pairs (the full evaluator stays quiet), but a's mean over two items can rise by 1/2:
    # the averaged metric by (1/2 + 0) / 2 = 25%
    test = _part(TWO, [("a", 1), ("a", 9), ("b", 7)])
    with pytest.warns(TrainingPairsWarning, match=r"1 of the 2 evaluated test users "
                                                  r"\(50%: 'a'\) .*\(1 of 3 relevant pairs "
                                                  r"is a training pair\).* up to 25%"):
        result = evaluate_sampled(Remembers(TWO_TRAIN), TWO_TRAIN, test, ks=[1],
                                  n_negatives=5)
    assert result.meta["relevant_pairs_seen"] == 1


def test_given_negatives_are_warned_of_too() -> None:
    test = _part(TWO, [("a", 1), ("b", 7)])
    negatives = {"a": [20, 21, 22], "b": [23, 24, 25]}
    with pytest.warns(TrainingPairsWarning, match="evaluate_sampled: 1 of the 2 evaluated"):
        evaluate_sampled(Remembers(TWO_TRAIN), TWO_TRAIN, test, ks=[1], negatives=negatives)


def test_a_few_repeated_pairs_pass_quietly() -> None:
    # repeat consumption: 1 user of 20 has a training pair held out, a lift of at most
    # 1/20 = 5%, below the evaluator's share of one user in ten
    users = IdMap([f"u{n}" for n in range(20)])
    train = _part(users, [(f"u{n}", n) for n in range(20)])
    test = _part(users, [("u0", 0)] + [(f"u{n}", 29) for n in range(1, 20)])
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        sample_negatives(train, test, 5)
        result = evaluate_sampled(Remembers(train), train, test, ks=[1], n_negatives=5)
    assert _training_warnings(record) == []
    # still counted, for whoever wants to know
    assert result.meta["relevant_pairs_seen"] == 1
    assert result.meta["users_relevant_seen"] == 1


def test_two_users_of_twenty_reach_the_share_and_are_warned() -> None:
    users = IdMap([f"u{n}" for n in range(20)])
    train = _part(users, [(f"u{n}", n) for n in range(20)])
    test = _part(users, [("u0", 0), ("u1", 1)] + [(f"u{n}", 29) for n in range(2, 20)])
    with pytest.warns(TrainingPairsWarning, match=r"2 of the 20 evaluated test users "
                                                  r"\(10%: 'u0', 'u1'\) have training items "
                                                  r"among their relevant test items \(2 of "
                                                  r"20 relevant pairs are also training "
                                                  r"pairs\).* up to 10%"):
        sample_negatives(train, test, 5)


def test_a_test_part_of_training_pairs_only_is_still_refused_not_warned() -> None:
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        with pytest.raises(ConfigError, match="sample_negatives: every one of the test's"):
            sample_negatives(TWO_TRAIN, _part(TWO, [("a", 0), ("b", 3)]), 5)
        with pytest.raises(ConfigError, match="evaluate_sampled: every one of the test's"):
            evaluate_sampled(Remembers(TWO_TRAIN), TWO_TRAIN, _part(TWO, [("a", 0)]),
                             ks=[1], n_negatives=5)
    assert _training_warnings(record) == []


def test_a_test_part_without_training_pairs_is_not_warned() -> None:
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        result = evaluate_sampled(Remembers(TWO_TRAIN), TWO_TRAIN,
                                  _part(TWO, [("a", 9), ("b", 7)]), ks=[1], n_negatives=5)
    assert _training_warnings(record) == []
    assert result.meta["relevant_pairs_seen"] == 0
    assert result.meta["users_relevant_seen"] == 0

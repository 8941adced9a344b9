"""The sampled protocol refuses a test part every relevant pair of which is a training
pair (the training part given as the test, or a subset of its rows): the held-out item is
ranked unmasked among items the user never had, so a model that remembers its training
pairs scored HR@10 = 1.0 without a word."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.data.idmap import IdMap
from recstack.data.interactions import Interactions
from recstack.errors import ConfigError
from recstack.evaluation import evaluate_sampled, sample_negatives
from recstack.evaluation.evaluator import ConstantScoresWarning

USERS = IdMap(["a", "b"])
ITEMS = IdMap(list(range(10)))


def _part(pairs: list[tuple[str, int]], value: float = 1.0) -> Interactions:
    user_index = USERS.to_index([u for u, _ in pairs]).astype(np.int32)
    item_index = ITEMS.to_index([i for _, i in pairs]).astype(np.int32)
    return Interactions(user_index, item_index, np.full(len(pairs), value, np.float32), None,
                        USERS, ITEMS)


TRAIN_PAIRS = [("a", 0), ("a", 1), ("b", 2), ("b", 3)]
TRAIN = _part(TRAIN_PAIRS)


class Remembers:
    """Scores 1 for each of the user's training items and 0 elsewhere: a model that
    learnt nothing but its training pairs."""

    name = "remembers"

    def score_users(self, users: np.ndarray) -> np.ndarray:
        scores = np.zeros((len(users), 10))
        for row, user in enumerate(users.tolist()):
            scores[row, [i for u, i in TRAIN_PAIRS if u == "ab"[user]]] = 1.0
        return scores


@pytest.mark.parametrize("test", [TRAIN, _part([("a", 1)]), _part([("a", 0), ("b", 3)])],
                         ids=["train itself", "one training row", "a subset of train"])
def test_a_test_part_of_training_pairs_only_is_refused(test: Interactions) -> None:
    with pytest.raises(ConfigError, match=r"sample_negatives: every one of the test's \d+ "
                                          r"relevant \(user, item\) pairs? is also a training "
                                          r"pair .*was the training data given as the test\? "
                                          r"Call sample_negatives\(train, test\) with a split's "
                                          "held-out part"):
        sample_negatives(TRAIN, test, 5)
    with pytest.raises(ConfigError, match=r"evaluate_sampled: every one .* Call "
                                          r"evaluate_sampled\(model, train, test\)"):
        evaluate_sampled(Remembers(), TRAIN, test, ks=[3], n_negatives=5)


def test_the_refusal_names_a_training_pair_of_the_test() -> None:
    with pytest.raises(ConfigError, match=r"\(e.g. user 'b', item 3\)"):
        sample_negatives(TRAIN, _part([("b", 3)]), 5)


def test_a_test_part_sharing_only_some_pairs_with_train_passes() -> None:
    # repeat consumption: a's 1 was in train too, b's 7 is new; 5 negatives from the items
    # each user never had (a: 10 - {0, 1} = 8 items, b: 10 - {2, 3, 7} = 7 items)
    test = _part([("a", 1), ("b", 7)])
    drawn = sample_negatives(TRAIN, test, 5)
    assert sorted(drawn) == ["a", "b"]
    assert not {0, 1} & set(drawn["a"].tolist())
    assert not {2, 3, 7} & set(drawn["b"].tolist())
    with pytest.warns(ConstantScoresWarning, match="1 of the 2 evaluated users"):
        result = evaluate_sampled(Remembers(), TRAIN, test, ks=[1], n_negatives=5)
    # a's held-out 1 scores 1 over five 0s: rank 0; b's 7 ties with five 0s: a hit at K = 1
    # with chance 1/6
    assert result.per_user["hit_rate@1"].tolist() == pytest.approx([1.0, 1 / 6])


def test_only_relevant_pairs_count() -> None:
    # the training pair (a, 0) is below the threshold, so the one relevant pair, (b, 9),
    # is new: not refused
    test = Interactions(np.array([0, 1], np.int32), np.array([0, 9], np.int32),
                        np.array([1.0, 5.0], np.float32), None, USERS, ITEMS)
    assert sorted(sample_negatives(TRAIN, test, 5, relevance_threshold=4)) == ["b"]
    # and the other way round: the one relevant pair is a training pair
    flipped = Interactions(np.array([0, 1], np.int32), np.array([0, 9], np.int32),
                           np.array([5.0, 1.0], np.float32), None, USERS, ITEMS)
    with pytest.raises(ConfigError, match="every one of the test's 1 relevant"):
        sample_negatives(TRAIN, flipped, 5, relevance_threshold=4)

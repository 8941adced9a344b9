"""Given negatives whose lists hold lists (``{"a": [[3], [4]]}``, a 2-D array per user, a
tuple among the ids): read as ids of one flat list, they were an IndexError traceback where
every user's inner lists had one length, else a message naming no user. Now refused naming
the user and the position; a flat list of the same ids gives the worked result."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.data.idmap import IdMap
from recstack.data.interactions import Interactions
from recstack.errors import ConfigError
from recstack.evaluation import evaluate_sampled

USERS = IdMap(["a", "b"])
ITEMS = IdMap(list(range(6)))


def _part(pairs: list[tuple[str, int]]) -> Interactions:
    return Interactions(USERS.to_index([u for u, _ in pairs]).astype(np.int32),
                        ITEMS.to_index([i for _, i in pairs]).astype(np.int32),
                        np.ones(len(pairs), np.float32), None, USERS, ITEMS)


TRAIN = _part([("a", 1), ("b", 1)])
TEST = _part([("a", 0), ("b", 0)])


class ByItem:
    """Scores item 0 at 2.5 and items 1..5 at 0..4."""

    name = "by_item"

    def score_users(self, users: np.ndarray) -> np.ndarray:
        return np.tile([2.5, 0.0, 1.0, 2.0, 3.0, 4.0], (len(users), 1))


@pytest.mark.parametrize(("negatives", "message"), [
    ({"a": [[3]], "b": [[2]]}, "negatives['a'] must be a flat list of item ids, but position 0 "
                               "holds list [3]"),
    ({"a": np.array([[3], [4]]), "b": np.array([[2], [3]])},
     "negatives['a'] must be a flat list of item ids, but position 0 holds ndarray"),
    ({"a": [3, 4], "b": [2, (3, 4)]}, "negatives['b'] must be a flat list of item ids, but "
                                      "position 1 holds tuple (3, 4)"),
    ({"a": [3, {4}], "b": [2]}, "negatives['a'] must be a flat list of item ids, but position 1 "
                                "holds set {4}"),
])
def test_nested_lists_are_refused_naming_the_user(negatives: object, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        evaluate_sampled(ByItem(), TRAIN, TEST, ks=[1], negatives=negatives)
    assert str(caught.value).startswith(message)
    assert str(caught.value).endswith("give one list per user, e.g. [5, 9, 12] (a 2-D array: "
                                      ".ravel() it)")


def test_the_same_ids_flat_give_the_worked_ranks() -> None:
    # the held-out item 0 (2.5): a's negatives 3 (2.0) and 4 (3.0) put it at rank 1, b's 2
    # (1.0) and 3 (2.0) at rank 0; text ids are ids, and a 1-D array is a flat list
    result = evaluate_sampled(ByItem(), TRAIN, TEST, ks=[1, 2],
                              negatives={"a": np.array([3, 4]), "b": ["2", "3"]})
    assert result.per_user["hit_rate@1"].tolist() == [0.0, 1.0]
    assert result.per_user["hit_rate@2"].tolist() == [1.0, 1.0]
    assert result.per_user["ndcg@2"].tolist() == [1 / np.log2(3), 1.0]

"""sample_negatives at the edges evaluate_sampled already refused: a count of negatives past
the catalog (a huge one was numpy's "Maximum allowed dimension exceeded") and a test part
in which no user has a relevant item (it returned {} without a word)."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.data.idmap import IdMap
from recstack.data.interactions import Interactions
from recstack.errors import ConfigError, RecstackError
from recstack.evaluation import evaluate_sampled, sample_negatives

USERS = IdMap(["a", "b"])
ITEMS = IdMap([10, 11, 12, 13])


def _part(pairs: list[tuple[str, int]]) -> Interactions:
    user_index = USERS.to_index([u for u, _ in pairs]).astype(np.int32)
    item_index = ITEMS.to_index([i for _, i in pairs]).astype(np.int32)
    return Interactions(user_index, item_index, np.ones(len(pairs), np.float32), None,
                        USERS, ITEMS)


# a: trained on 10, tested on 11 (free: 12, 13); b: trained on 12, tested on 13 (free: 10, 11)
TRAIN = _part([("a", 10), ("b", 12)])
TEST = _part([("a", 11), ("b", 13)])


class Zeros:
    name = "zeros"

    def score_users(self, users: np.ndarray) -> np.ndarray:
        return np.zeros((len(users), 4))


@pytest.mark.parametrize("count", [10**20, 2**63, 10**9, 4])
def test_more_negatives_than_the_catalog_are_refused_with_its_size(count: int) -> None:
    shown = f"{count:,}"
    with pytest.raises(ConfigError, match=f"n_negatives = {shown}, but the catalog has "
                                          "4 items; sample fewer negatives than items"):
        sample_negatives(TRAIN, TEST, count)
    with pytest.raises(ConfigError, match=f"n_negatives = {shown}, but the catalog has 4 items"):
        evaluate_sampled(Zeros(), TRAIN, TEST, ks=[1], n_negatives=count)


def test_a_count_each_user_can_give_is_drawn_from_their_free_items() -> None:
    drawn = sample_negatives(TRAIN, TEST, 2, seed=3)  # exactly the two free items each
    assert sorted(drawn) == ["a", "b"]
    assert sorted(drawn["a"].tolist()) == [12, 13]
    assert sorted(drawn["b"].tolist()) == [10, 11]
    with pytest.raises(ConfigError, match="user 'a' has only 2 items .* at most 2"):
        sample_negatives(TRAIN, TEST, 3)


def test_no_relevant_test_user_is_refused_as_evaluate_sampled_refuses_it() -> None:
    # every value is 1.0: a threshold of 4 stars leaves no user to draw negatives for
    with pytest.raises(RecstackError, match=r"no test user has a relevant item "
                                            r"\(relevance_threshold=4, but the highest test "
                                            "value is 1"):
        sample_negatives(TRAIN, TEST, 2, relevance_threshold=4)
    with pytest.raises(RecstackError, match="no test user has a relevant item"):
        evaluate_sampled(Zeros(), TRAIN, TEST, ks=[1], n_negatives=2, relevance_threshold=4)
    # a threshold every value meets keeps both users
    assert sorted(sample_negatives(TRAIN, TEST, 2, relevance_threshold=1)) == ["a", "b"]

"""Why a re-ranked or two-stage model's list came back empty, in its EmptyListWarning: the
base class's "scored every unseen item -inf (items it cannot rank)" blamed the wrapped
model for what a filter of the chain did, and a two-stage model's recommend (its own loop)
never warned at all."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.models import create_model
from recstack.models.base import EmptyListWarning


def six_items() -> Interactions:
    # user 3 has every item; users 0..2 and 4 have unseen items left
    users = np.array([0, 0, 1, 1, 2, 2, 3, 3, 3, 3, 3, 3, 4])
    items = np.array([0, 1, 1, 2, 2, 3, 0, 1, 2, 3, 4, 5, 5])
    return Interactions.from_arrays(users, items)


def empty_list_messages(caught) -> list[str]:
    return [str(w.message) for w in caught if w.category is EmptyListWarning]


def test_a_block_list_that_removes_every_unseen_item_is_named():
    # user 0 has seen items 0 and 1; the chain blocks 2..5 for it: nothing is left
    model = create_model("reranked", model={"type": "most_popular"}, n_candidates=6,
                         chain=({"type": "block_list",
                                 "per_user": ({"user": 0, "items": [2, 3, 4, 5]},)},))
    model.fit(six_items())
    with pytest.warns(EmptyListWarning) as caught:
        item_ids, _ = model.recommend([0, 1], k=2)
    assert item_ids[0].tolist() == [-1, -1] and -1 not in item_ids[1]
    (message,) = empty_list_messages(caught)
    assert message == ("reranked: recommend: 1 user ([0]) got an empty list (every slot id "
                       "-1, score -inf): the model had no item left: its chain's filter "
                       "chain[0] (block_list) removed the last items it had")
    assert "cannot rank" not in message


def test_the_filter_that_removed_the_last_item_is_named_for_each_user():
    # chain[0] blocks items 4 and 5 for everyone; chain[1] blocks user 0's other unseen
    # items (2, 3) and user 1's (0, 3): each list empties at chain[1]; user 2 (seen 2, 3)
    # keeps 0 and 1; user 4 (seen 5) is emptied by nothing
    chain = ({"type": "block_list", "items": [4, 5]},
             {"type": "block_list", "per_user": ({"user": 0, "items": [2, 3]},
                                                 {"user": 1, "items": [0, 3]})})
    model = create_model("reranked", model={"type": "most_popular"}, n_candidates=6,
                         chain=chain).fit(six_items())
    with pytest.warns(EmptyListWarning) as caught:
        item_ids, _ = model.recommend([0, 1, 2, 3, 4], k=2)
    assert (item_ids[[0, 1, 3]] == -1).all() and (item_ids[[2, 4]] >= 0).all()
    (message,) = empty_list_messages(caught)
    assert message.startswith("reranked: recommend: 3 users ([0, 1, 3]) got an empty list")
    # user 3 has seen everything; users 0 and 1 lost their last items to chain[1]
    assert "1 user ([3]): it has interacted with every one of the 6 items" in message
    assert ("2 users ([0, 1]): the model had no item left: its chain's filter chain[1] "
            "(block_list) removed the last items it had") in message
    assert "chain[0]" not in message


def test_filters_emptying_lists_at_different_steps_are_each_named():
    # user 0 (seen 0, 1) loses 2..5 to chain[0]; user 2 (seen 2, 3) keeps 0, 1 there and
    # loses them to chain[1]
    chain = ({"type": "block_list", "per_user": ({"user": 0, "items": [2, 3, 4, 5]},
                                                 {"user": 2, "items": [4, 5]})},
             {"type": "block_list", "per_user": ({"user": 2, "items": [0, 1]},)})
    model = create_model("reranked", model={"type": "most_popular"}, n_candidates=6,
                         chain=chain).fit(six_items())
    with pytest.warns(EmptyListWarning) as caught:
        model.recommend([0, 2], k=2)
    (message,) = empty_list_messages(caught)
    assert message.endswith(
        "the model had no item left: its chain's filter chain[0] (block_list) removed the "
        "last items it had for 1 user ([0]); its chain's filter chain[1] "
        "(block_list) removed the last items it had for 1 user ([2])")


def test_exclude_seen_false_names_the_empty_lists_too():
    # the chain's seen filter removes user 0's items 0 and 1, its block list the rest:
    # with exclude_seen=False (the seen items are candidates) its list was empty without
    # a word
    model = create_model("reranked", model={"type": "most_popular"}, n_candidates=6,
                         chain=({"type": "seen"},
                                {"type": "block_list",
                                 "per_user": ({"user": 0, "items": [2, 3, 4, 5]},)}))
    model.fit(six_items())
    with pytest.warns(EmptyListWarning) as caught:
        item_ids, _ = model.recommend([0, 1], k=2, exclude_seen=False)
    assert item_ids[0].tolist() == [-1, -1] and (item_ids[1] >= 0).all()
    (message,) = empty_list_messages(caught)
    assert message == ("reranked: recommend: 1 user ([0]) got an empty list (every slot id "
                       "-1, score -inf): the model had no item left: its chain's filter "
                       "chain[1] (block_list) removed the last items it had")


def test_a_full_list_says_nothing():
    model = create_model("reranked", model={"type": "most_popular"}, n_candidates=6,
                         chain=({"type": "block_list", "items": [5]},)).fit(six_items())
    with warnings.catch_warnings():
        warnings.simplefilter("error", EmptyListWarning)
        item_ids, _ = model.recommend([0, 1, 2], k=2)
    assert (item_ids >= 0).all()


@pytest.fixture(scope="module")
def two_stage():
    rng = np.random.default_rng(0)
    users = np.repeat(np.arange(30), 4)
    items = np.concatenate([rng.choice(8, 4, replace=False) for _ in range(30)])
    # user 30 has every one of the 8 items
    users = np.r_[users, np.full(8, 30)]
    items = np.r_[items, np.arange(8)]
    data = Interactions.from_arrays(users, items, None, np.arange(len(users)))
    return create_model("two_stage", generators=[{"type": "most_popular"}],
                        ranker={"type": "logistic"}, n_candidates=3, window="user",
                        user_labels=1).fit(data)


def test_two_stage_names_a_user_who_has_seen_every_item(two_stage):
    with pytest.warns(EmptyListWarning) as caught:
        item_ids, scores = two_stage.recommend([30, 0], k=2)
    assert item_ids[0].tolist() == [-1, -1] and np.isneginf(scores[0]).all()
    assert (item_ids[1] >= 0).all()
    (message,) = empty_list_messages(caught)
    assert message == ("two_stage: recommend: 1 user ([30]) got an empty list (every slot "
                       "id -1, score -inf): it has interacted with every one of the 8 items "
                       "of the catalog, and seen items are excluded (exclude_seen=False "
                       "ranks them too)")


def test_two_stage_ranks_a_user_without_candidates_by_popularity(two_stage):
    # n_candidates=3 of most_popular: the users' unseen items beyond them are not
    # candidates, yet still ranked (below the candidates), so no list is empty
    with warnings.catch_warnings():
        warnings.simplefilter("error", EmptyListWarning)
        item_ids, scores = two_stage.recommend(list(range(30)), k=4)
    assert (item_ids >= 0).all() and np.isfinite(scores).all()
    assert two_stage._empty_list_reason() == (
        "had no candidate from its generators (most_popular) and no other item to rank")

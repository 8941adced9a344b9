"""Two leads of round 56: the empty-list warning gave one reason for every user named, when
users can have different ones; and the two-tower model warned at fit of a user split's
held-out users (no training rows, by design) as if something were wrong."""

import warnings

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.data.splits import user_split
from recstack.models import create_model
from recstack.models.base import EmptyListWarning, PopularityFallbackWarning


def test_each_empty_list_reason_is_named_with_its_users():
    # user 3 has every item; user 0 has items 0 and 1 left, both blocked by the chain
    users = np.array([0, 0, 1, 1, 2, 2, 3, 3, 3, 3, 3, 3, 4])
    items = np.array([0, 1, 1, 2, 2, 3, 0, 1, 2, 3, 4, 5, 5])
    data = Interactions.from_arrays(users, items)
    model = create_model("reranked", model={"type": "most_popular"}, n_candidates=6,
                         chain=({"type": "block_list",
                                 "per_user": ({"user": 0, "items": [2, 3, 4, 5]},)},))
    model.fit(data)
    with pytest.warns(EmptyListWarning) as caught:
        item_ids, _ = model.recommend([0, 3, 1], k=2)
    assert item_ids[:2].tolist() == [[-1, -1], [-1, -1]]
    (message,) = [str(w.message) for w in caught if w.category is EmptyListWarning]
    # one reason for both was wrong for one of them: user 0 has items it has not seen
    assert message.startswith("reranked: recommend: 2 users ([0, 3]) got an empty list "
                              "(every slot id -1, score -inf): ")
    assert "1 user ([3]): it has interacted with every one of the 6 items of the catalog" \
        in message
    assert ("1 user ([0]): the model had no item left: its chain's filter chain[0] "
            "(block_list) removed the last items it had") in message


def test_one_reason_alone_is_said_without_counts():
    users = np.array([0, 0, 0, 1])
    items = np.array([0, 1, 2, 0])
    model = create_model("most_popular").fit(Interactions.from_arrays(users, items))
    with pytest.warns(EmptyListWarning, match=r"^most_popular: recommend: 1 user \(\[0\]\) got "
                                              r"an empty list \(every slot id -1, score -inf\)"
                                              r": it has interacted with every one of the 3 "
                                              r"items of the catalog, and seen items are "
                                              r"excluded \(exclude_seen=False ranks them "
                                              r"too\)$"):
        model.recommend([0, 1], k=2)


def held_out_users_split():
    rng = np.random.default_rng(3)
    users = np.repeat(np.arange(30), 6)
    items = np.concatenate([rng.choice(12, 6, replace=False) for _ in range(30)])
    data = Interactions.from_arrays(users, items, None, np.arange(len(users)))
    return user_split(data, 0.2, seed=0)


def test_two_tower_fit_says_nothing_of_a_user_splits_held_out_users():
    split = held_out_users_split()
    held = np.flatnonzero(np.diff(split.train.to_csr().indptr) == 0)
    assert len(held) == 6  # in the vocabulary, without training rows, by design
    model = create_model("two_tower", dim=4, hidden=8, epochs=1, batch_size=64, device="cpu")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model.fit(split.train)
    assert not [str(w.message) for w in caught if "training rows" in str(w.message)]
    # they are evaluated from their fold-in histories, which the model scores
    histories = split.fold_in.to_csr()[held]
    scores = model.score_histories(histories)
    assert scores.shape == (len(held), len(model.items_)) and np.isfinite(scores).all()
    # asked for by id, they are still named as served by popularity
    with pytest.warns(PopularityFallbackWarning, match=r"^two_tower: 6 user\(s\) have no "
                                                       r"training interactions"):
        model.recommend(model.users_.to_external(held), k=3)


def test_two_tower_still_warns_of_users_whose_rows_validation_took():
    # users 20..39 have one row each: the validation hold-out takes some users' only row
    users = np.r_[np.repeat(np.arange(20), 6), np.arange(20, 40)]
    items = np.random.default_rng(1).integers(0, 12, len(users))
    data = Interactions.from_arrays(users, items, None, np.arange(len(users)),
                                    duplicates="last")
    model = create_model("two_tower", validation_fraction=0.3, dim=4, hidden=8, epochs=1,
                         batch_size=64, device="cpu")
    with pytest.warns(UserWarning, match=r"held out for validation"):
        model.fit(data)

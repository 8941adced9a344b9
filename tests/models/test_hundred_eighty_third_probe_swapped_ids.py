"""Hundred-eighty-third probe, ids of the other kind: item ids given where users are asked
for (``recommend(items)``, ``score(items, users)``) and user ids given for items
(``similar_items(users)``) were refused as ids "not seen in training", which sent the
caller looking for missing users or items. Where every such id is one of the model's
ids of the other kind, and the two vocabularies share no id (so that belonging to one
says which kind an id is), the refusal now says so and asks whether the arguments were
swapped. Integer vocabularies that overlap (users and items both counted from 1) and a
mix of such ids with truly unknown ones get no such note."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import RecstackError
from recstack.models import create_model

ITEM_NOTE = (r"\(it is an id of the model's items, not of its users: were items given "
             r"where users are asked for, or the arguments swapped\?\)")
USER_NOTE = (r"\(it is an id of the model's users, not of its items: were users given "
             r"where items are asked for, or the arguments swapped\?\)")


@pytest.fixture(scope="module")
def model():
    data = Interactions.from_arrays(["u0", "u0", "u1", "u1", "u2", "u2"],
                                    ["i0", "i1", "i1", "i2", "i0", "i2"])
    return create_model("item_knn").fit(data)


def test_item_ids_given_for_users(model):
    with pytest.raises(RecstackError, match=r"item_knn: 1 user\(s\) not seen in training, "
                                            r"e\.g\. \['i0'\]; this model cannot recommend "
                                            r"for them " + ITEM_NOTE + "$"):
        model.recommend(["i0"], k=1)


def test_users_and_items_swapped_in_score(model):
    with pytest.raises(RecstackError, match=ITEM_NOTE):
        model.score(["i1"], ["u0"])


def test_user_ids_given_for_items(model):
    with pytest.raises(RecstackError, match=r"item_knn: items: 1 id\(s\) the model was not "
                                            r"trained on, e\.g\. \['u2'\] \(it knows 3\); "
                                            r"give ids of its training data " + USER_NOTE
                                            + "$"):
        model.similar_items(["u2"], k=1)
    with pytest.raises(RecstackError, match=USER_NOTE):
        model.score(["u0"], ["u1"])


def test_several_ids_of_the_other_kind(model):
    with pytest.raises(RecstackError, match=r"\(all of them are ids of the model's items, "
                                            r"not of its users: .*\); the first is at "
                                            r"position 0 of the 3 users asked for"):
        model.recommend(np.array(["i0", "i1", "i2"]), k=1)


def test_no_note_for_a_mix_with_unknown_ids(model):
    with pytest.raises(RecstackError) as raised:
        model.recommend(["i0", "zz"], k=1)
    assert "swapped" not in str(raised.value)


def test_no_note_where_the_vocabularies_overlap():
    # users 1..3 and items 1..4: 4 is an item id, but could as well be a missing user
    data = Interactions.from_arrays([1, 1, 2, 2, 3], [1, 2, 2, 3, 4])
    overlapping = create_model("item_knn").fit(data)
    with pytest.raises(RecstackError) as raised:
        overlapping.recommend([4], k=1)
    assert "swapped" not in str(raised.value)


def test_disjoint_integer_vocabularies_get_the_note():
    data = Interactions.from_arrays([10, 10, 11, 11, 12], [0, 1, 1, 2, 0])
    disjoint = create_model("item_knn").fit(data)
    with pytest.raises(RecstackError, match=USER_NOTE):
        disjoint.similar_items([10], k=1)


def test_two_stage_score_with_seen_items_gets_the_note():
    from recstack.data.synthetic import generate

    base = generate(n_users=80, n_items=40, n_interactions=1500, seed=0)
    users = np.array([f"u{u}" for u in base.users.external_ids])[base.user_index]
    items = np.array([f"i{i}" for i in base.items.external_ids])[base.item_index]
    data = Interactions.from_arrays(users, items, timestamps=base.timestamp)
    model = create_model("two_stage", generators=[{"type": "most_popular"}],
                         ranker={"type": "logistic"}, n_candidates=5).fit(data)
    with pytest.raises(RecstackError, match=USER_NOTE):
        model.score(["u1"], ["u2"], exclude_seen=False)

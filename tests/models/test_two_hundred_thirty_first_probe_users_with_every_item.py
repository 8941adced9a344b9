"""BPR: a user who has interacted with every item has no negative to sample, so each of
their triples is skipped. Their vector used to stay at the random start, ranking the items
for them (exclude_seen=False, score) by noise without a word; it is now 0 (the item biases
alone, as for users without training rows), with a warning naming them."""

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.models import create_model


def data_with_complete_users(complete: list[str]) -> Interactions:
    # 6 items "i0".."i5"; the complete users take all six, users u1..u7 two each
    rows = [(user, f"i{item}") for user in complete for item in range(6)]
    rows += [(f"u{user}", f"i{(user * 2 + j) % 6}") for user in range(1, 8) for j in range(2)]
    users, items = zip(*rows, strict=True)
    return Interactions.from_arrays(np.array(users), np.array(items), np.ones(len(rows)))


def test_a_user_with_every_item_scores_by_the_item_biases_and_is_named():
    data = data_with_complete_users(["all"])
    with pytest.warns(RuntimeWarning, match=r"^bpr: 1 user \('all'\) has interacted with "
                                            r"every one of the 6 item\(s\), so no negative "
                                            r"item can be sampled for that user"):
        model = create_model("bpr", factors=4, epochs=5).fit(data)
    row = model.users_.to_index(["all"])[0]
    assert not model.user_factors_[row].any()
    items = [f"i{item}" for item in range(6)]
    scores = model.score(["all"] * 6, items)
    np.testing.assert_array_equal(scores, model.item_bias_[model.items_.to_index(items)])
    # the other users were trained as before: their vectors moved off 0
    assert model.user_factors_[model.users_.to_index(["u1"])[0]].any()


def test_several_such_users_are_counted():
    data = data_with_complete_users(["a", "b"])
    with pytest.warns(RuntimeWarning, match=r"^bpr: 2 users \('a', 'b'\) have interacted"):
        model = create_model("bpr", factors=4, epochs=3).fit(data)
    assert not model.user_factors_[model.users_.to_index(["a", "b"])].any()

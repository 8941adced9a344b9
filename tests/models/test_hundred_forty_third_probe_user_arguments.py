"""``recommend(users, k)`` with users of several kinds.

A call naming known and unknown users together is refused whole (the documented rule); the
refusal now says where the first unknown one stands among the users asked for and how to
proceed, where it named only the id. A generator or a Series with repeated users gives one
row per user asked for, in order, as a list does; a 2-D array is refused as not a flat list
of ids.
"""

import numpy as np
import pandas as pd
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import RecstackError
from recstack.models import create_model


@pytest.fixture(scope="module")
def model():
    rng = np.random.default_rng(0)
    rows = [(f"u{u}", f"i{i}") for u in range(20) for i in rng.choice(10, 4, replace=False)]
    frame = pd.DataFrame(rows, columns=["user_id", "item_id"])
    return create_model("ease").fit(Interactions.from_frame(frame, value_col=None))


def test_known_and_unknown_users_together_are_refused_naming_the_position(model):
    with pytest.raises(RecstackError, match=r"^ease: 1 user\(s\) not seen in training, e\.g\. "
                                            r"\['zz'\]; this model cannot recommend for them; "
                                            r"the first is at position 2 of the 3 users asked "
                                            r"for, and a call with any such user is refused "
                                            r"whole: leave them out"):
        model.recommend(["u1", "u2", "zz"], 3)


def test_one_unknown_user_alone_names_no_position(model):
    with pytest.raises(RecstackError) as caught:
        model.recommend("zz", 3)
    assert "position" not in str(caught.value)


@pytest.mark.parametrize("users", [
    lambda: (user for user in ["u3", "u1", "u3"]),
    lambda: pd.Series(["u3", "u1", "u3"], index=[7, 7, 8]),
    lambda: np.array(["u3", "u1", "u3"]),
], ids=["generator", "series-with-repeats", "array"])
def test_every_flat_kind_of_users_gives_one_row_per_user_in_order(model, users):
    items, scores = model.recommend(users(), 3)
    expected_items, expected_scores = model.recommend(["u3", "u1", "u3"], 3)
    assert items.shape == (3, 3)
    np.testing.assert_array_equal(items, expected_items)
    np.testing.assert_array_equal(scores, expected_scores)
    np.testing.assert_array_equal(items[0], items[2])


def test_a_two_dimensional_array_of_users_is_refused(model):
    with pytest.raises(RecstackError, match=r"^ease: users: expected one id or a flat list of "
                                            r"ids, got array.*flatten it first"):
        model.recommend(np.array([["u1", "u2"]]), 3)

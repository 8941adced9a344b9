"""Round 52 (H) probe of fold-in: a window with no events, a window that shares no user
and no item with the published model, and ids of another type, refused with words about
a fold-in rather than a model of zero vectors or a "warm start" message."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import ConfigError, RecstackError
from recstack.models.registry import create_model
from recstack.ops.fold_in import fold_in_model


@pytest.fixture(scope="module")
def published():
    rng = np.random.default_rng(0)
    users, items = rng.integers(0, 30, 600), rng.integers(0, 20, 600)
    data = Interactions.from_arrays(users, items, None, np.arange(600))
    return create_model("als", factors=4, iterations=3, seed=0).fit(data)


def _window(users, items):
    return Interactions.from_arrays(np.asarray(users), np.asarray(items), None,
                                    np.arange(len(users)))


def test_an_empty_window_is_refused(published):
    empty = _window(np.array([], np.int64), np.array([], np.int64))
    with pytest.raises(RecstackError, match=r"^fold_in_model: train holds no interactions, "
                                            r"so there is nothing to fold in"):
        fold_in_model(published, empty)


def test_a_window_sharing_no_id_with_the_model_is_refused(published):
    # users 100, 101 and items 500, 501 are all new: every vector was solved against zeros
    window = _window([100, 100, 101], [500, 501, 500])
    with pytest.raises(RecstackError) as refused:
        fold_in_model(published, window)
    assert str(refused.value) == (
        "fold_in_model: none of train's 2 users and 2 items is known to the previous model "
        "(e.g. user 100, item 500), so nothing anchors the new vectors; retrain on this "
        "window instead")


def test_a_new_user_of_a_known_item_is_still_folded_in(published):
    model = fold_in_model(published, _window([100, 100], [3, 5]))
    (row,) = model.users_.to_index(np.array([100]))
    assert np.abs(model.user_factors_[row]).sum() > 0
    # the known items keep their trained vectors
    for item in (3, 5):
        assert np.array_equal(model.item_factors_[model.items_.to_index(np.array([item]))[0]],
                              published.item_factors_[published.items_.to_index(
                                  np.array([item]))[0]])


def test_ids_of_another_type_are_refused_as_a_fold_in(published):
    window = Interactions.from_arrays(np.array(["a", "b"]), np.array(["1", "2"]), None,
                                      np.arange(2))
    with pytest.raises(ConfigError) as refused:
        fold_in_model(published, window)
    message = str(refused.value)
    assert message.startswith("fold_in_model: the previous model's ids are numbers")
    assert "warm start" not in message

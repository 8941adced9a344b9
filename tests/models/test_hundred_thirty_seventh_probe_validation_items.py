"""``fit(train, validation=...)`` with rows of items that have no training rows: such an
item's vector is its random start (a collaborative model learned nothing of it), so the
validation metric measured where that start happened to rank it, and early stopping (or a
blend's weights) followed it; validation of only such rows was taken without a word. A
split sets such test rows apart ("test rows whose item never occurs in train"): the
validation rows given to ``fit`` now are too, and validation with none left is refused,
counting each kind."""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import RecstackError
from recstack.models import create_model
from tests.models.quick_params import quick_params

EARLY_STOPPERS = ["bpr", "blend", pytest.param("lightgcn", marks=pytest.mark.skipif(
    importlib.util.find_spec("torch") is None, reason="needs PyTorch"))]
COLD = 19  # the item whose rows are all validation rows


@pytest.fixture(scope="module")
def rows() -> Interactions:
    # 30 users x 20 items, one vocabulary: user u has 8 distinct items of 0..18, the last
    # one held out; users 0..9 have item 19 too
    rng = np.random.default_rng(0)
    users = np.repeat(np.arange(30), 8)
    items = np.concatenate([rng.choice(19, 8, replace=False) for _ in range(30)])
    users = np.concatenate([users, np.arange(10)])
    items = np.concatenate([items, np.full(10, COLD)])
    return Interactions.from_arrays(users, items)


def test_the_fixture_item_is_in_the_vocabulary(rows):
    assert int(rows.items.to_index([COLD])[0]) == COLD


@pytest.mark.parametrize("name", EARLY_STOPPERS)
def test_validation_of_only_items_without_training_rows_is_refused(rows, name):
    train = rows.select(rows.item_index != COLD)
    validation = rows.select(rows.item_index == COLD)
    with pytest.raises(RecstackError, match=rf"^{name}: none of the 10 rows of "
                                            r"fit\(validation=\.\.\.\) can be ranked: 10 are "
                                            r"of items with no rows in train .*held-out rows"):
        create_model(name, **quick_params(name)).fit(train, validation=validation)


def test_every_kind_is_counted(rows):
    train = rows.select((rows.item_index != COLD) & (rows.user_index < 24))
    first = np.r_[True, np.diff(rows.user_index) != 0]  # each user's first row (in train)
    validation = rows.select((rows.item_index == COLD) | (rows.user_index >= 24)
                             | (first & (rows.user_index < 24)))
    with pytest.raises(RecstackError, match=r"none of the \d+ rows .*: 48 are of users with "
                                            r"no rows in train .*, 10 are of items with no "
                                            r"rows in train .* and 24 repeat a \(user, item\) "
                                            r"pair of train"):
        create_model("bpr", **quick_params("bpr")).fit(train, validation=validation)


@pytest.mark.parametrize("name", EARLY_STOPPERS)
def test_rows_of_untrained_items_are_set_apart_from_usable_validation(rows, name):
    # the model must be judged on the rows of trained items alone: the same fit as with
    # those rows only
    last = (np.arange(len(rows)) % 8 == 7) & (np.arange(len(rows)) < 240)
    train = rows.select(~last & (rows.item_index != COLD))
    held = rows.select(last)
    mixed = rows.select(last | (rows.item_index == COLD))
    alone = create_model(name, **quick_params(name)).fit(train, validation=held)
    with_cold = create_model(name, **quick_params(name)).fit(train, validation=mixed)
    if name == "blend":
        np.testing.assert_array_equal(with_cold.weights_, alone.weights_)
        assert with_cold.validation_score_ == alone.validation_score_
    else:
        assert with_cold.history_.epochs == alone.history_.epochs

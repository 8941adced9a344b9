"""Ninety-ninth bad-input probe: ``fit(train, validation=...)`` with rows that no model
can be judged on. Rows of users without training rows were ranked from the untrained
start (every epoch the same validation nDCG, so early stopping, and a blend's weights,
followed noise): validation that shares no users with train was taken without a word.
Now such rows, and rows repeating a training pair, are set apart as every split sets them
apart, and validation with none left is refused, counting both kinds."""

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


@pytest.fixture(scope="module")
def rows() -> Interactions:
    # 30 users x 20 items, one vocabulary: user u has 8 distinct items
    rng = np.random.default_rng(0)
    users = np.repeat(np.arange(30), 8)
    items = np.concatenate([rng.choice(20, 8, replace=False) for _ in range(30)])
    return Interactions.from_arrays(users, items)


@pytest.mark.parametrize("name", EARLY_STOPPERS)
def test_validation_of_users_without_training_rows_is_refused(rows, name):
    train = rows.select(rows.user_index < 24)
    validation = rows.select(rows.user_index >= 24)  # the same vocabularies
    with pytest.raises(RecstackError, match=rf"^{name}: none of the 48 rows of "
                                            r"fit\(validation=\.\.\.\) can be ranked: 48 are "
                                            r"of users with no rows in train .*held-out rows"):
        create_model(name, **quick_params(name)).fit(train, validation=validation)


def test_both_kinds_are_counted(rows):
    train = rows.select(rows.user_index < 24)
    validation = rows.select((rows.user_index >= 24)
                             | (np.arange(len(rows)) % 8 == 0))  # + one training row each
    with pytest.raises(RecstackError, match=r"none of the 72 rows .*: 48 are of users with "
                                            r"no rows in train .* and 24 repeat a \(user, "
                                            r"item\) pair of train"):
        create_model("bpr", **quick_params("bpr")).fit(train, validation=validation)


@pytest.mark.parametrize("name", EARLY_STOPPERS)
def test_unrankable_rows_are_set_apart_from_usable_validation(rows, name):
    # users 0-23 train on all but their last row, which is their validation row; users
    # 24-29 have only validation rows. The model must be judged on users 0-23 alone: the
    # same fit as with their rows only.
    last = np.arange(len(rows)) % 8 == 7
    train = rows.select((rows.user_index < 24) & ~last)
    held = rows.select((rows.user_index < 24) & last)
    mixed = rows.select(((rows.user_index < 24) & last) | (rows.user_index >= 24))
    alone = create_model(name, **quick_params(name)).fit(train, validation=held)
    with_cold = create_model(name, **quick_params(name)).fit(train, validation=mixed)
    if name == "blend":
        np.testing.assert_array_equal(with_cold.weights_, alone.weights_)
        assert with_cold.validation_score_ == alone.validation_score_
    else:
        assert with_cold.history_.epochs == alone.history_.epochs

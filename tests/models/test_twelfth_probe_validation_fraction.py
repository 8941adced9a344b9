"""Twelfth probe, early stopping's carve-out: a ``validation_fraction`` that holds out no row
was refused by the per-user split in its own words ("random split left no test rows
(test_fraction=0.001) ... raise test_fraction"), naming a setting the user never wrote."""

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import ConfigError
from recstack.models import create_model

QUICK = {"bpr": {"factors": 4, "epochs": 2},
         "lightgcn": {"dim": 4, "layers": 1, "epochs": 2, "device": "cpu"}}


@pytest.fixture(scope="module")
def ten_rows_each():
    # 6 users x 10 items each: round(0.01 x 10) = 0 rows to validation for every user
    users = np.repeat(np.arange(6), 10)
    items = np.tile(np.arange(10), 6)
    return Interactions.from_arrays(users, items, np.ones(60), None)


@pytest.mark.parametrize("name", sorted(QUICK))
def test_a_fraction_too_small_for_any_user_names_validation_fraction(ten_rows_each, name):
    model = create_model(name, validation_fraction=0.01, **QUICK[name])
    with pytest.raises(ConfigError) as caught:
        model.fit(ten_rows_each)
    message = str(caught.value)
    assert message.startswith(f"{name}: validation_fraction=0.01 holds out no validation row")
    assert "the most rows any user has is 10: round(0.01 x 10) = 0" in message
    assert "raise validation_fraction (at most 0.5)" in message
    assert "test_fraction" not in message
    assert not model.is_fitted


@pytest.mark.parametrize("name", sorted(QUICK))
def test_users_with_one_row_each_are_not_told_to_raise_it(name):
    single = Interactions.from_arrays(np.arange(8), np.arange(8) % 4, np.ones(8), None)
    with pytest.raises(ConfigError) as caught:
        create_model(name, validation_fraction=0.5, **QUICK[name]).fit(single)
    message = str(caught.value)
    assert "every user has a single training row, which must stay in training" in message
    assert "raise validation_fraction" not in message
    assert "fit(train, validation=...)" in message and "validation_fraction=0" in message


@pytest.mark.parametrize("name", sorted(QUICK))
def test_a_fraction_that_holds_out_rows_still_fits(ten_rows_each, name):
    # round(0.1 x 10) = 1 validation row per user
    model = create_model(name, validation_fraction=0.1, **QUICK[name]).fit(ten_rows_each)
    assert model.is_fitted

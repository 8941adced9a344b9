"""Eighteenth bad-input probe, ``fit_from`` given a hyperparameter of the wrong type: the
warm start compared the architecture hyperparameters with the previous model's before
checking them, so ``factors="8"`` was refused as "factors = '8', but the previous model
has factors = 8; a warm start needs the same factors" (they look the same), and
``factors=True`` or ``-1`` as a mismatch rather than as a value no model takes."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import ConfigError
from recstack.models import create_model
from tests.models.quick_params import quick_params


@pytest.fixture(scope="module")
def data() -> Interactions:
    # 6 users x 6 items: user u has items u, u+1 and u+2 (mod 6)
    users = np.repeat(np.arange(6), 3)
    items = (users + np.tile(np.arange(3), 6)) % 6
    return Interactions.from_arrays(users, items)


@pytest.fixture(scope="module")
def previous(data):
    return create_model("bpr", **quick_params("bpr")).fit(data)


@pytest.mark.parametrize(("value", "says"), [
    ("8", r"^bpr: factors must be int, got '8' \(a number in quotes is text: write it "
          r"without them, factors = 8\)$"),
    (True, r"^bpr: factors must be int, got True \(true and false are not numbers: write "
           r"factors as a whole number in digits\)$"),
    (-1, r"^bpr: factors must be >= 1, got -1$"),
    (None, r"^bpr: factors must be int, got None$"),
])
def test_a_bad_architecture_value_is_refused_as_such(data, previous, value, says):
    model = create_model("bpr", **{**quick_params("bpr"), "factors": value})
    with pytest.raises(ConfigError, match=says):
        model.fit_from(previous, data)
    assert not model.is_fitted


def test_a_bad_value_of_another_parameter_is_refused_before_any_comparison(data, previous):
    model = create_model("bpr", **{**quick_params("bpr"), "factors": 4,
                                   "learning_rate": "0.1"})
    with pytest.raises(ConfigError, match=r"^bpr: learning_rate must be"):
        model.fit_from(previous, data)


def test_a_valid_but_different_architecture_is_still_named_as_the_mismatch(data, previous):
    model = create_model("bpr", **{**quick_params("bpr"), "factors": 4})
    with pytest.raises(ConfigError, match=r"^bpr: factors = 4, but the previous model has "
                                          r"factors = 8; a warm start needs the same factors"):
        model.fit_from(previous, data)


def test_a_matching_architecture_still_warm_starts(data, previous):
    model = create_model("bpr", **quick_params("bpr")).fit_from(previous, data)
    assert model.recommend([0], k=2)[0].shape == (1, 2)

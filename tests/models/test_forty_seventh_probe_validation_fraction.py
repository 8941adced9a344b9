"""Forty-seventh bad-input probe, a ``validation_fraction`` whose held-out rows would all
leave their item without a training row (2 users who both have the same 2 items): BPR and
LightGCN passed on the per-user split's own refusal, "random split left no test rows
(test_fraction=0.5, seed=0)", naming a split and a test_fraction the user never made,
and not the model or its ``validation_fraction``."""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import ConfigError
from recstack.models import create_model
from tests.models.quick_params import quick_params

MODELS = ["bpr", pytest.param("lightgcn", marks=pytest.mark.skipif(
    importlib.util.find_spec("torch") is None, reason="needs PyTorch"))]


@pytest.mark.parametrize("name", MODELS)
def test_held_out_rows_that_would_all_be_set_apart_are_refused_naming_the_fraction(name):
    # each user holds out round(0.5 x 2) = 1 row; with seed 0 both hold out the same item,
    # which is then left with no training row, so both rows are set apart
    data = Interactions.from_arrays(np.array([0, 0, 1, 1]), np.array([0, 1, 0, 1]))
    model = create_model(name, **{**quick_params(name), "validation_fraction": 0.5})
    with pytest.raises(ConfigError) as caught:
        model.fit(data)
    message = str(caught.value)
    assert message.startswith(f"{name}: validation_fraction=0.5 holds out no usable "
                              "validation row")
    assert "test_fraction" not in message
    assert "fit(train, validation=...)" in message and "validation_fraction=0" in message
    assert not model.is_fitted


@pytest.mark.parametrize("name", MODELS)
def test_a_fraction_that_leaves_rows_to_validate_on_still_fits(name):
    rng = np.random.default_rng(0)
    users = np.repeat(np.arange(30), 8)
    items = np.concatenate([rng.choice(20, 8, replace=False) for _ in range(30)])
    data = Interactions.from_arrays(users, items)
    model = create_model(name, **{**quick_params(name), "validation_fraction": 0.25})
    assert model.fit(data).history_.best_epoch is not None

"""Fifth bad-input probe, fit's keyword arguments: a progress reporter of the wrong kind
failed deep inside the model ("'bool' object has no attribute 'task'"), and validation rows
that are all training rows were accepted, though validation ranks without each user's
training items: every epoch scored 0, and early stopping (or a blend's weights) went by
nothing."""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.data.splits import random_split
from recstack.errors import ConfigError, RecstackError
from recstack.models import create_model
from recstack.progress import LogProgress
from tests.models.quick_params import quick_params

EARLY_STOPPERS = ["bpr", "blend", pytest.param("lightgcn", marks=pytest.mark.skipif(
    importlib.util.find_spec("torch") is None, reason="needs PyTorch"))]


@pytest.fixture(scope="module")
def split():
    rng = np.random.default_rng(0)
    users = np.repeat(np.arange(30), 8)
    items = np.concatenate([rng.choice(20, 8, replace=False) for _ in range(30)])
    return random_split(Interactions.from_arrays(users, items), 0.25, seed=0)


@pytest.mark.parametrize("progress", ["yes", True, 1, object()])
@pytest.mark.parametrize("name", ["ease", "ials", "bpr"])
def test_a_progress_that_is_no_reporter_is_refused(split, name, progress):
    with pytest.raises(ConfigError, match=rf"^{name}: fit\(progress=\.\.\.\) takes a "
                                          r"recstack\.progress reporter .* or None, got "):
        create_model(name, **quick_params(name)).fit(split.train, progress=progress)


def test_a_progress_reporter_is_still_taken(split):
    model = create_model("ials", **quick_params("ials")).fit(split.train,
                                                             progress=LogProgress())
    assert model.is_fitted


@pytest.mark.parametrize("name", EARLY_STOPPERS)
def test_validation_rows_that_are_all_training_rows_are_refused(split, name):
    with pytest.raises(RecstackError, match=rf"^{name}: every \(user, item\) pair of "
                                            rf"fit\(validation=\.\.\.\) is also in train "
                                            rf"\({len(split.train)} rows\).*held-out rows"):
        create_model(name, **quick_params(name)).fit(split.train, validation=split.train)
    # a subset of them too
    some = split.train.select(np.arange(len(split.train)) % 3 == 0)
    with pytest.raises(RecstackError, match="is also in train"):
        create_model(name, **quick_params(name)).fit(split.train, validation=some)


@pytest.mark.parametrize("name", EARLY_STOPPERS)
def test_held_out_validation_rows_are_still_taken(split, name):
    model = create_model(name, **quick_params(name)).fit(split.train, validation=split.test)
    assert model.is_fitted

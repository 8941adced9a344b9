"""Hundred-fifty-fourth bad-input probe: a fit that fails half-way. ``fit`` dropped only
``users_``, ``items_`` and ``seen_``: the learned arrays ``_fit`` had set before it failed
(``weights_``, ``item_factors_``, ``history_``) stayed on the model, and a failed refit left
the previous fit's arrays there, matching neither the new hyperparameters nor the data. A
diverged fit kept its NaN vectors. Learned state (public, ending in ``_``) exists only after a
fit that succeeded."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import RecstackError
from recstack.models import create_model
from tests.models.quick_params import QUICK_PARAMS


def _learned(model) -> list[str]:
    return [name for name in vars(model) if not name.startswith("_") and name.endswith("_")]


@pytest.fixture(scope="module")
def train():
    rng = np.random.default_rng(154)
    return Interactions.from_arrays(rng.integers(0, 30, 240), rng.integers(0, 20, 240))


class _Interrupted(Exception):
    pass


@pytest.mark.parametrize("name", ["ease", "als", "bpr", "item_knn"])
def test_a_fit_that_fails_after_setting_arrays_leaves_none(train, monkeypatch, name):
    model = create_model(name, **{k: v for k, v in QUICK_PARAMS.get(name, {}).items()})
    cls = type(model)
    original = cls._fit

    def failing(self, data, progress):
        original(self, data, progress)  # every learned array set, then a failure
        raise _Interrupted

    monkeypatch.setattr(cls, "_fit", failing)
    with pytest.raises(_Interrupted):
        model.fit(train)
    assert not model.is_fitted
    assert _learned(model) == []
    with pytest.raises(RecstackError, match="call fit()"):
        model.recommend([0], k=2)


def test_a_failed_refit_leaves_nothing_of_the_earlier_fit(train, monkeypatch):
    model = create_model("ease").fit(train)
    assert "weights_" in vars(model)
    cls = type(model)

    def failing(self, data, progress):
        raise _Interrupted

    monkeypatch.setattr(cls, "_fit", failing)
    with pytest.raises(_Interrupted):
        model.fit(train)
    assert not model.is_fitted
    assert _learned(model) == []
    monkeypatch.undo()
    # and it fits again as a fresh model would
    fresh = create_model("ease").fit(train)
    np.testing.assert_array_equal(model.fit(train).weights_, fresh.weights_)


def test_a_diverged_fit_keeps_no_vectors():
    pytest.importorskip("torch", reason="PyTorch is not installed")
    rng = np.random.default_rng(150)
    frame = pd.DataFrame({"user_id": rng.integers(0, 30, 300),
                          "item_id": rng.integers(0, 20, 300),
                          "value": rng.integers(1, 6, 300).astype(float)}
                         ).drop_duplicates(["user_id", "item_id"])
    ratings = Interactions.from_frame(frame, rating_range=(1, 5))
    model = create_model("mf", learning_rate=1e30, epochs=1, device="cpu", factors=8)
    with pytest.raises(RecstackError, match="training diverged"):
        model.fit(ratings)
    assert not model.is_fitted
    assert _learned(model) == []

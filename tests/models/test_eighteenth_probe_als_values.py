"""Eighteenth bad-input probe, ALS given huge interaction values: its confidences
``1 + alpha * value`` enter the solver's float32 sums of products, yet ALS was the one
model weighting by the values that took any finite value. Values of 1e20 failed with "the
factors diverged ... use regularization 0.01 to 1000 and alpha 0.1 to 100" (the defaults
already are), values of 1e16 fitted factors near 0 without a word, and fold-in took a
history value of 1e37."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import RecstackError
from recstack.models import create_model
from tests.models.quick_params import quick_params

pytest.importorskip("implicit")


def two_groups(value: float) -> Interactions:
    """12 users x 8 items, 3 rows each (even users even items, odd users odd items), every
    value ``value``."""
    users, items = [], []
    for user in range(12):
        own = [item for item in range(8) if item % 2 == user % 2]
        for step in range(3):
            users.append(user)
            items.append(own[(user // 2 + step) % 4])
    return Interactions.from_arrays(np.array(users), np.array(items),
                                    np.full(len(users), value))


def _als():
    return create_model("als", **quick_params("als"))


@pytest.mark.parametrize("value", [1e16, 1e20, 1e37])
def test_training_values_beyond_the_bound_are_refused_naming_them(value):
    model = _als()
    with pytest.raises(RecstackError, match=rf"^als: the interactions hold values up to "
                                            rf"{value:.0e}".replace("+", r"\+")
                                            + r"; this model weights the interactions by "
                                              r"their values.*beyond 1e\+15.*log1p"):
        model.fit(two_groups(value))
    assert not model.is_fitted


@pytest.mark.parametrize("method", ["fold_in", "score_histories"])
def test_history_values_beyond_the_bound_are_refused_naming_them(method):
    model = _als().fit(two_groups(1.0))
    history = np.zeros((1, 8))
    history[0, [2, 4]] = [1e20, 1.0]
    with pytest.raises(RecstackError, match=r"^als: histories hold values up to 1e\+20"):
        getattr(model, method)(history)


def test_a_divergence_names_the_values_and_their_confidences():
    # values of 1e14 are within the bound, but confidences of 3e14 overflow the solver:
    # the message blamed only regularization=30 and alpha=3, the defaults
    with pytest.raises(RecstackError, match=r"^als: the factors diverged to NaN .*"
                                            r"interaction values up to 1e\+14 \(confidences "
                                            r"1 \+ alpha \* value up to 3e\+14\).*log1p"):
        _als().fit(two_groups(1e14))


def test_values_within_the_bound_and_zero_values_still_fit():
    ones = _als().fit(two_groups(1.0)).recommend([0, 1], k=2)[0]
    assert ones.shape == (2, 2)
    # a recorded 0 is still an interaction of confidence 1 to ALS, not a missing one
    zeros = _als().fit(two_groups(0.0))
    assert zeros.recommend([0], k=2)[0].shape == (1, 2)
    assert np.isfinite(zeros.fold_in(np.eye(8)[:1] * 1e15)).all()

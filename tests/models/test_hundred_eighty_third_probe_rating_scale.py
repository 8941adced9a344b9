"""Hundred-eighty-third probe, ratings on a scale float32 cannot square: ``mf`` and
``neural_mf`` on ratings declared in ``rating_range=(0, 1e31)`` diverged to NaN (their
squared errors overflow float32) and were refused as "training diverged ... lower the
learning rate", which no learning rate cures. The rating range is now refused before
training, naming it and the rescaling that helps; ratings up to the limit still fit."""

from __future__ import annotations

import re

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import RecstackError
from recstack.models import create_model

QUICK = {"factors": 4, "epochs": 2, "batch_size": 128, "device": "cpu"}
USERS = ["u0", "u0", "u1", "u1", "u2", "u2"]
ITEMS = ["i0", "i1", "i1", "i2", "i0", "i2"]
STARS = np.array([1.0, 2.0, 1.0, 3.0, 3.0, 1.0])


@pytest.mark.parametrize("name", ["mf", "neural_mf"])
@pytest.mark.parametrize("low, high, scale", [(0.0, 5e30, 1e30), (-5e20, 0.0, -1e20)])
def test_a_rating_range_beyond_float32_squares_is_refused(name, low, high, scale):
    data = Interactions.from_arrays(USERS, ITEMS, STARS * scale, rating_range=(low, high))
    largest = max(abs(low), abs(high))
    model = create_model(name, **QUICK)
    with pytest.raises(RecstackError, match=(
            "^" + re.escape(f"{name}: rating_range ({low!r}, {high!r}) reaches {largest:.3g}")
            + r"; this model fits the ratings in float32, where the squared errors of "
            r"ratings beyond 1e\+15 overflow .*: rescale the ratings and rating_range with them")):
        model.fit(data)
    assert not model.is_fitted


@pytest.mark.parametrize("name", ["mf", "neural_mf"])
def test_ratings_up_to_the_limit_still_fit(name):
    data = Interactions.from_arrays(USERS, ITEMS, STARS * 1e14, rating_range=(0.0, 1e15))
    scores = create_model(name, **QUICK).fit(data).score_users(np.arange(3))
    assert np.isfinite(scores).all()
    # predictions stay within the declared range
    assert scores.min() >= 0.0 and scores.max() <= 1e15

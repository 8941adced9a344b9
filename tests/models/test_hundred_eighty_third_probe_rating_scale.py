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
@pytest.mark.parametrize("low, high, scale", [(0.0, 5e30, 1e30), (-5e20, 0.0, -1e20),
                                             (0.0, 5e12, 1e12)])
def test_a_rating_range_beyond_float32_squares_is_refused(name, low, high, scale):
    data = Interactions.from_arrays(USERS, ITEMS, STARS * scale, rating_range=(low, high))
    largest = max(abs(low), abs(high))
    model = create_model(name, **QUICK)
    with pytest.raises(RecstackError, match=(
            "^" + re.escape(f"{name}: rating_range ({low!r}, {high!r}) reaches {largest:.3g}")
            + r"; this model fits the ratings in float32, where the squared errors "
            r"and gradients of ratings beyond 1e\+10 overflow .*: rescale the ratings and "
            r"rating_range with them")):
        model.fit(data)
    assert not model.is_fitted


@pytest.mark.parametrize("name", ["mf", "neural_mf"])
def test_ratings_up_to_the_limit_still_fit(name):
    data = Interactions.from_arrays(USERS, ITEMS, STARS * 1e9, rating_range=(0.0, 1e10))
    scores = create_model(name, **QUICK).fit(data).score_users(np.arange(3))
    assert np.isfinite(scores).all()
    # predictions stay within the declared range
    assert scores.min() >= 0.0 and scores.max() <= 1e10


@pytest.mark.parametrize("name", ["mf", "neural_mf"])
def test_ratings_at_the_limit_learn_as_the_stars_do(name):
    """Stars scaled by 1e9 (a range up to 5e9, under the limit) are learned as the stars
    are: the fit's training RMSE, in stars, is within 0.05 of the unscaled fit's (not
    equal: the L2 penalty weighs otherwise against errors 1e18 times larger), which is
    below the best constant's (the ratings' standard deviation, 1.36 here). Measured
    before the limit: scaled by 1e11 the RMSE was 1.25 (mf; 0.64 unscaled), by 1e12 1.36,
    the random start's: Adam's squared gradients overflowed and no weight moved."""
    rng = np.random.default_rng(0)
    users, items = rng.integers(0, 40, 600), rng.integers(0, 30, 600)
    stars = ((users % 5 + items % 5) % 5 + 1).astype(float)
    settings = {"factors": 8, "epochs": 20, "batch_size": 32, "device": "cpu", "seed": 0}
    errors = []
    for scale in (1.0, 1e9):
        model = create_model(name, **settings).fit(Interactions.from_arrays(
            users, items, stars * scale, rating_range=(scale, 5 * scale)))
        errors.append(float(np.sqrt(np.mean((model.score(users, items) / scale - stars) ** 2))))
    plain, scaled = errors
    assert plain < float(np.std(stars)) - 0.05  # the unscaled fit learned something
    assert abs(scaled - plain) < 0.05

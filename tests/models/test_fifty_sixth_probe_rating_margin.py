"""Fifty-sixth bad-input probe, ``rating_margin`` far beyond the ratings: with a margin of
1000 on 1-5 stars the ratings sat within 0.002 of the sigmoid's midpoint, training overshot
it, and nearly every prediction was clipped to 1 or 5 without a word. A margin wider than the
rating range is now refused at fit, naming the parameter and the largest margin allowed."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import ConfigError
from recstack.models import create_model
from tests.models.quick_params import quick_params


@pytest.fixture(scope="module")
def ratings():
    rng = np.random.default_rng(0)
    n = 150
    return Interactions.from_arrays(rng.integers(0, 15, n), rng.integers(0, 10, n),
                                    rng.integers(1, 6, n).astype(float), rating_range=(1, 5))


@pytest.mark.parametrize("name", ["mf", "neural_mf"])
@pytest.mark.parametrize("margin", [4.5, 1000, 1e30])
def test_a_margin_wider_than_the_ratings_is_refused(ratings, name, margin):
    params = dict(quick_params(name), epochs=1, rating_margin=margin)
    model = create_model(name, **params)
    with pytest.raises(ConfigError, match=r"rating_margin=.* more than the width of the "
                                          r"rating range \(4.*at most 4"):
        model.fit(ratings)
    assert not model.is_fitted


@pytest.mark.parametrize("margin", [0, 0.5, 4])
def test_margins_up_to_the_width_are_kept(ratings, margin):
    params = dict(quick_params("mf"), epochs=1, rating_margin=margin)
    model = create_model("mf", **params).fit(ratings)
    scores = model.score_users(np.arange(3))
    assert np.isfinite(scores).all() and (scores >= 1).all() and (scores <= 5).all()

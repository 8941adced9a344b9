"""Hundred-seventieth bad-input probe: ``mf`` with a huge learning rate (1e6) saturated its
scaled sigmoid at both ends, so every predicted rating was clipped to the lowest or the
highest of the rating range (1 or 5 stars): a model that ranks nothing within those two
values, fitted without a word. The one-value collapse (every prediction the same) was
already refused; predictions only at the two bounds are refused alike now, while ratings
that lie only at the bounds may still be predicted there."""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import RecstackError
from recstack.models import create_model

pytestmark = pytest.mark.skipif(importlib.util.find_spec("torch") is None,
                                reason="needs torch")

QUICK = {"factors": 8, "epochs": 2, "batch_size": 128, "device": "cpu"}


def ratings(values) -> Interactions:
    rng = np.random.default_rng(0)
    return Interactions.from_arrays(np.repeat(np.arange(60), 15), rng.integers(0, 40, 900),
                                    values, np.arange(900), duplicates="last",
                                    rating_range=(1, 5))


def test_mf_whose_predictions_sit_only_at_the_bounds_is_refused():
    data = ratings(np.random.default_rng(1).integers(1, 6, 900).astype(float))
    model = create_model("mf", learning_rate=1e6, **QUICK)
    with pytest.raises(RecstackError, match=r"^mf: training collapsed: every predicted rating "
                                            r"is the lowest or the highest of rating_range "
                                            r"\(1 or 5\), for every user and item, although "
                                            r"[\d,]+ training rating\(s\) lie between .*"
                                            r"learning_rate=1000000\.0.*; lower the learning "
                                            r"rate"):
        model.fit(data)
    assert not model.is_fitted


def test_a_usual_learning_rate_predicts_between_the_bounds():
    data = ratings(np.random.default_rng(1).integers(1, 6, 900).astype(float))
    scores = create_model("mf", learning_rate=0.02, **QUICK).fit(data).score_users(
        np.arange(10))
    assert ((scores > 1) & (scores < 5)).any()


def test_ratings_only_at_the_bounds_may_be_predicted_there():
    # thumbs down and up stored as 1 and 5: no rating lies between to be missed
    data = ratings(np.where(np.random.default_rng(1).random(900) < 0.5, 1.0, 5.0))
    create_model("mf", learning_rate=1e6, **QUICK).fit(data)

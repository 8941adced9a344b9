"""Twenty-fourth bad-input probe, ``evaluate_ratings`` of a rating model on test ratings of
another scale (trained on 1 to 5 stars, evaluated on ratings declared 1 to 10): the
predictions stay on the training scale, so the RMSE measured the gap between the scales,
not the model, and came out without a word."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import RecstackError
from recstack.evaluation.pointwise import evaluate_ratings


class FittedRatings:
    """A rating predictor trained on 1..5 stars that predicts 3 for every pair."""

    predicts_ratings = True
    name = "stars"
    rating_range_ = (1.0, 5.0)

    def score(self, users, items):
        return np.full(len(users), 3.0)


def _test(values, rating_range):
    return Interactions.from_arrays(np.array([0, 1]), np.array([0, 1]), np.array(values),
                                    rating_range=rating_range)


def test_ratings_of_another_scale_are_refused_naming_both():
    with pytest.raises(RecstackError, match=r"stars predicts ratings on the scale it was "
                                            r"trained on, 1 to 5, but the test's rating_range "
                                            r"is \(1, 10\); evaluate it on test rows of the "
                                            r"data it was trained on"):
        evaluate_ratings(FittedRatings(), _test([2.0, 9.0], (1, 10)))


def test_ratings_of_the_same_scale_are_evaluated_as_worked_by_hand():
    # errors 3 - 1 = 2 and 3 - 5 = -2: RMSE sqrt((4 + 4) / 2) = 2, MAE 2
    got = evaluate_ratings(FittedRatings(), _test([1.0, 5.0], (1.0, 5.0)))
    assert got == pytest.approx({"rmse": 2.0, "mae": 2.0})

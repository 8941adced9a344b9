"""Two hundred eighteenth bad-input probe, ``evaluate_ratings`` of predictions outside the
test's rating scale: they were scored as given without a word (7 stars for a 5 counted an
error of 2), where recstack's rating models and Surprise's ``predict(clip=True)`` clip
them to the scale. They are still scored as given (as scikit-learn's metrics score them),
now with a warning naming how many and the furthest."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import RecstackError
from recstack.evaluation.pointwise import OutOfScaleRatingsWarning, evaluate_ratings


class Fixed:
    """A rating predictor that returns the given predictions."""

    predicts_ratings = True
    name = "fixed"

    def __init__(self, predicted):
        self.predicted = predicted

    def score(self, users, items):
        return self.predicted


def _test():
    return Interactions.from_arrays(np.array([10, 11, 12]), np.array([20, 21, 22]),
                                    np.array([1.0, 5.0, 3.0]), rating_range=(1, 5))


def test_predictions_outside_the_scale_are_scored_as_given_and_named():
    # 1, 5, 3 predicted 0, 7, 4: errors 1, 2, 1, so RMSE sqrt((1 + 4 + 1) / 3) = sqrt(2) and
    # MAE 4/3 (clipped to the scale they would be 0, 0, 1)
    with pytest.warns(OutOfScaleRatingsWarning,
                      match=r"^fixed predicted 2 of 3 ratings outside the test's rating scale "
                            r"\(1 to 5\), the furthest 7\.0 for user 11 and item 21; they are "
                            r"scored as given"):
        got = evaluate_ratings(Fixed(np.array([0.0, 7.0, 4.0])), _test())
    assert got == pytest.approx({"rmse": math.sqrt(2), "mae": 4 / 3})


def test_every_metric_sees_the_predictions_as_given():
    # 1, 5, 3 predicted 10, 10, -9: errors 9, 5, 12: MSE (81 + 25 + 144) / 3 = 250/3
    with pytest.warns(OutOfScaleRatingsWarning, match=r"3 of 3 ratings .* the furthest -9\.0"):
        got = evaluate_ratings(Fixed(np.array([10.0, 10.0, -9.0])), _test(),
                               metrics=("mse", "mae"))
    # MAE (9 + 5 + 12) / 3 = 26/3
    assert got == pytest.approx({"mse": 250 / 3, "mae": 26 / 3})


def test_predictions_on_the_scale_are_scored_without_a_warning():
    # the scale's own ends are ratings: errors 0, 0, 2 give RMSE sqrt(4/3), MAE 2/3
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = evaluate_ratings(Fixed(np.array([1.0, 5.0, 5.0])), _test())
    assert got == pytest.approx({"rmse": math.sqrt(4 / 3), "mae": 2 / 3})


@pytest.mark.parametrize("bad", [math.inf, -math.inf, math.nan])
def test_infinite_and_nan_predictions_are_still_refused(bad):
    with pytest.raises(RecstackError, match=r"fixed predicted (inf|-inf|nan) for user 12 and "
                                            r"item 22 \(1 of 3 test rows is not finite\)"):
        evaluate_ratings(Fixed(np.array([1.0, 5.0, bad])), _test())

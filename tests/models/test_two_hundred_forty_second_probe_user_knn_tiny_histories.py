"""Two-hundred-forty-second bad-input probe, user-kNN scoring a history of small values
(``binary=False``): the cosine between the history and each training user squared the
history's values in float32, where values below about 1e-19 vanish, so the history's norm
became 0, the division by it was skipped, and the neighbours were picked by raw dot
products instead of cosines: the lists differed from those of the same history at any
other scale, without a word. The cosine is now computed in float64."""

from __future__ import annotations

import math

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.models import create_model


def _model(**params):
    # user 0 holds items 0-3 (norm 2), user 1 items 0 and 4 (norm sqrt 2)
    data = Interactions.from_arrays([0, 0, 0, 0, 1, 1], [0, 1, 2, 3, 0, 4])
    return create_model("user_knn", binary=False, neighbors=1, **params).fit(data)


@pytest.mark.parametrize("value", [1.0, 1e-10, 1e-25, 1e-30, 1e-37])
def test_the_nearest_neighbour_is_the_cosine_one_at_any_scale(value):
    model = _model()
    history = np.zeros((1, 5), np.float32)
    history[0, 0] = value
    scores = model.score_histories(history)
    # cosines: user 0 gets v / (v * 2) = 0.5, user 1 v / (v * sqrt 2) = 1 / sqrt 2; the one
    # neighbour is user 1, whose items 0 and 4 score 1 / sqrt 2 each (a raw dot product,
    # v for both users, took user 0 and scored items 0-3 instead)
    expected = np.array([[1 / math.sqrt(2), 0.0, 0.0, 0.0, 1 / math.sqrt(2)]], np.float32)
    np.testing.assert_allclose(scores, expected, rtol=1e-6)


def test_shrink_still_counts_the_history_scale():
    # with shrink = 1 the denominator is |h| |x_u| + 1: for v = 1, user 0 gets
    # 1 / (2 + 1) = 1/3 and user 1 gets 1 / (sqrt 2 + 1), the larger, so user 1 again
    model = _model(shrink=1.0)
    history = np.zeros((1, 5), np.float32)
    history[0, 0] = 1.0
    scores = model.score_histories(history)
    weight = 1 / (math.sqrt(2) + 1)
    np.testing.assert_allclose(scores, [[weight, 0.0, 0.0, 0.0, weight]], rtol=1e-6)

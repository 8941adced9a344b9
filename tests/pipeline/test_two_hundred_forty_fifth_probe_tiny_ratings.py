"""The multitask ranker's rating head on ratings far below 1 in magnitude (1e-200).

Their squares fell under float64, so the ratings' deviation came out 0, the ratings were
left unscaled (float32 zeros for the rating head) and ``predict_ratings`` gave numbers
unrelated to them (about -0.15 for ratings of 3e-200). Standardised in units of their
largest value, they train the same network as the ratings 1 to 5 do, and the predictions
are those of ratings 1 to 5 times 1e-200, as float64 (float32 held them as 0).
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from recstack.pipeline.rankers import create_ranker

from .test_fifty_fourth_probe_multitask_labels import toy

pytest.importorskip("torch")


def fitted(scale: float):
    frame, clicks, ratings = toy()
    ranker = create_ranker("multitask", epochs=2, seed=0)
    return ranker.fit(frame, np.column_stack([clicks, ratings * scale])), frame, ratings


def test_tiny_ratings_are_standardised_and_predicted_on_their_scale():
    plain, frame, ratings = fitted(1.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        tiny, _, _ = fitted(1e-200)
        predicted = tiny.predict_ratings(frame)
    # the population standard deviation, by definition, times the scale
    deviation = np.sqrt(np.mean((ratings - ratings.mean()) ** 2))
    assert tiny.rating_scale_ == pytest.approx(deviation * 1e-200, rel=1e-12, abs=0)
    assert tiny.rating_mean_ == pytest.approx(ratings.mean() * 1e-200, rel=1e-12, abs=0)
    assert predicted.dtype == np.float64
    np.testing.assert_allclose(predicted, plain.predict_ratings(frame) * 1e-200, rtol=1e-5,
                               atol=0)

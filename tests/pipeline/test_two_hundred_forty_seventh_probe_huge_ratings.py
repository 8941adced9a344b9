"""The multitask ranker's rating head on ratings far above 1 in magnitude.

Ratings above float32's 3.4e38 were refused ("must lie within float32's range"), a limit
kept from when ``predict_ratings`` was float32; it is float64 now, and the rating head learns
standardised ratings, so any finite rating is taken. Near float64's limit (1e307) the
ratings' sum, and so their mean, overflowed; the mean and deviation are now computed in
units of the largest rating, and the predictions are those of ratings 1 to 5 times the
scale.
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


@pytest.mark.parametrize("scale", [1e39, 1e300, 3e307])
def test_huge_ratings_are_standardised_and_predicted_on_their_scale(scale):
    plain, frame, ratings = fitted(1.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)  # no overflow on the way
        huge, _, _ = fitted(scale)
        predicted = huge.predict_ratings(frame)
    # the population standard deviation and the mean, by definition, times the scale
    deviation = np.sqrt(np.mean((ratings - ratings.mean()) ** 2))
    assert huge.rating_scale_ == pytest.approx(deviation * scale, rel=1e-12, abs=0)
    assert huge.rating_mean_ == pytest.approx(ratings.mean() * scale, rel=1e-12, abs=0)
    assert predicted.dtype == np.float64 and np.isfinite(predicted).all()
    np.testing.assert_allclose(predicted / scale, plain.predict_ratings(frame), rtol=1e-5,
                               atol=0)


def test_ordinary_ratings_are_standardised_as_before():
    # ratings 1 to 5 are read in units of 1: the mean and deviation of the ratings
    plain, _, ratings = fitted(1.0)
    assert plain.rating_mean_ == ratings.mean()
    assert plain.rating_scale_ == ratings.std()

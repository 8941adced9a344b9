"""Hundred-thirty-sixth bad-input probe: what a PyTorch ranker never learned.

A numeric feature without variation in training (missing on every row, as a lost join
leaves it, or one value) fed the network 0 on every row, so its first-layer weights kept
their random start; scored with real values it moved every score by chance (unscaled, as
its scale was 1). It is now ignored when scoring, as the logistic ranker (a zero weight)
and LightGBM (no split) ignore it. And the multitask ranker fitted with
``rating_weight = 0`` returned its untrained rating head's output from
``predict_ratings``; that is refused."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.errors import RecstackError
from recstack.pipeline.rankers import create_ranker, load_ranker
from recstack.pipeline.schema import Feature, FeatureFrame, FeatureSchema

SCHEMA = FeatureSchema((Feature("lost", "numeric"), Feature("signal", "numeric"),
                        Feature("genre", "categorical", cardinality=3)))
N = 40
GROUPS = np.repeat(np.arange(8), 5)
RNG = np.random.default_rng(0)
SIGNAL = RNG.normal(size=N)
GENRES = RNG.integers(0, 3, size=(N, 1))
LABELS = (SIGNAL > 0).astype(np.float64)
RATINGS = np.column_stack([LABELS, RNG.normal(size=N)])
QUICK = {"epochs": 2, "hidden": (4,)}


def frame(lost) -> FeatureFrame:
    numeric = np.column_stack([np.broadcast_to(lost, N), SIGNAL])
    return FeatureFrame(SCHEMA, numeric, GENRES, GROUPS, np.arange(N), GROUPS)


@pytest.mark.parametrize("name", ["wide_deep", "dcn_v2", "multitask"])
@pytest.mark.parametrize("trained_with", [np.nan, 3.0])
def test_a_feature_without_variation_in_training_is_ignored_when_scoring(
        name, trained_with, tmp_path):
    labels = RATINGS if name == "multitask" else LABELS
    ranker = create_ranker(name, **QUICK).fit(frame(trained_with), labels)
    reference = ranker.score(frame(trained_with))
    # whatever the frame scored holds in that column, the scores are those of training's
    for served in (np.nan, 0.0, 3.0, RNG.normal(size=N) * 1e4):
        np.testing.assert_array_equal(ranker.score(frame(served)), reference)
    ranker.save(tmp_path / "ranker")
    np.testing.assert_array_equal(load_ranker(tmp_path / "ranker").score(frame(1e4)),
                                  reference)


def test_a_feature_that_varies_still_counts():
    ranker = create_ranker("wide_deep", **QUICK).fit(frame(RNG.normal(size=N)), LABELS)
    assert not np.array_equal(ranker.score(frame(0.0)), ranker.score(frame(5.0)))


def test_predict_ratings_of_a_ranker_fitted_with_rating_weight_0_is_refused(tmp_path):
    ranker = create_ranker("multitask", rating_weight=0, **QUICK).fit(frame(1.0), RATINGS)
    assert ranker.score(frame(1.0)).shape == (N,)  # ranking is what it learned
    with pytest.raises(RecstackError, match=r"^multitask\.predict_ratings: the ranker was "
                       r"fitted with rating_weight = 0, so its rating head learned nothing"):
        ranker.predict_ratings(frame(1.0))
    ranker.save(tmp_path / "ranker")
    with pytest.raises(RecstackError, match="rating_weight = 0"):
        load_ranker(tmp_path / "ranker").predict_ratings(frame(1.0))
    fitted = create_ranker("multitask", rating_weight=0.5, **QUICK).fit(frame(1.0), RATINGS)
    assert np.isfinite(fitted.predict_ratings(frame(1.0))).all()

"""Hundred-forty-fifth probe of the multitask ranker's rating column.

* With ``rating_weight=0`` the rating head is off (its loss weighed by 0, ``predict_ratings``
  refused), yet ``fit`` required some rated rows: labels without any rating are enough now.
* The pipeline's one rule for true/false: outcomes (labels, clicks, rewards) take it as 1/0,
  values do not. A true/false rating column (the clicks given in the ratings' place) was
  learned as ratings 1 and 0, silently; it is refused now, naming the column and a row."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from recstack.errors import RecstackError
from recstack.pipeline.rankers import create_ranker, load_ranker
from recstack.pipeline.schema import Feature, FeatureFrame, FeatureSchema

SCHEMA = FeatureSchema((Feature("signal", "numeric"), Feature("noise", "numeric")))


def toy() -> tuple[FeatureFrame, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    n_groups, size = 20, 6
    n = n_groups * size
    signal = rng.random(n)
    groups = np.repeat(np.arange(n_groups), size)
    frame = FeatureFrame(SCHEMA, np.c_[signal, rng.random(n)], np.zeros((n, 0), np.int64),
                         groups, np.tile(np.arange(size), n_groups), groups)
    return frame, (signal > 0.5).astype(float), signal


def test_without_the_rating_head_rows_without_ratings_are_enough(tmp_path):
    frame, clicks, signal = toy()
    ranker = create_ranker("multitask", epochs=3, seed=0, rating_weight=0)
    ranker.fit(frame, np.c_[clicks, np.full(len(clicks), np.nan)])
    scores = ranker.score(frame)
    assert np.isfinite(scores).all()
    # the interaction head learned the signal that makes the clicks
    assert np.corrcoef(scores, signal)[0, 1] > 0.5
    with pytest.raises(RecstackError, match="fitted with rating_weight = 0"):
        ranker.predict_ratings(frame)
    ranker.save(tmp_path / "ranker")
    np.testing.assert_allclose(load_ranker(tmp_path / "ranker").score(frame), scores)


def test_with_the_rating_head_on_some_rated_row_is_still_required():
    frame, clicks, _ = toy()
    with pytest.raises(RecstackError, match=r"ratings\) are all NaN; the rating head needs "
                                            r"some rated rows \(or set rating_weight=0"):
        create_ranker("multitask", epochs=1, seed=0).fit(
            frame, np.c_[clicks, np.full(len(clicks), np.nan)])


def test_true_false_ratings_are_refused():
    frame, clicks, _ = toy()
    flags = clicks > 0
    message = (r"^multitask.fit: ratings \(labels column 1\) hold true/false values \(row 0 "
               r"holds (True|False)\); true/false is an outcome")
    ranker = create_ranker("multitask", epochs=1, seed=0)
    with pytest.raises(RecstackError, match=message):
        ranker.fit(frame, np.c_[flags, flags])
    with pytest.raises(RecstackError, match=message):
        ranker.fit(frame, pd.DataFrame({"interaction": clicks, "rating": flags}))
    mixed = np.c_[clicks, np.full(len(clicks), np.nan)].astype(object)
    mixed[3, 1] = True
    with pytest.raises(RecstackError, match=r"row 3 holds True"):
        ranker.fit(frame, mixed)


def test_true_false_interaction_labels_are_still_clicks():
    frame, clicks, signal = toy()
    labels = pd.DataFrame({"interaction": clicks > 0, "rating": 1.0 + np.floor(signal * 5)})
    scores = create_ranker("multitask", epochs=1, seed=0).fit(frame, labels).score(frame)
    numeric = create_ranker("multitask", epochs=1, seed=0).fit(
        frame, labels.astype({"interaction": float})).score(frame)
    np.testing.assert_array_equal(scores, numeric)

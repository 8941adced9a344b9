"""Fifty-fourth bad-input probe of the multitask ranker's labels: a pandas DataFrame of
labels was read by position, so columns named ``rating, interaction`` (the other order from
the documented "column 0 interaction, column 1 rating") trained each head on the other's
labels without a word. A DataFrame with named columns is now read by the task names
``interaction`` and ``rating``; any other name is refused, naming it and the expected ones.
Unnamed columns and plain arrays keep the positional contract."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from recstack.errors import RecstackError
from recstack.pipeline.rankers import create_ranker
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
    clicks = (signal > 0.5).astype(float)
    # every row rated (1 to 5), so that swapped columns pass every other check
    ratings = 1.0 + np.floor(signal * 5)
    return frame, clicks, ratings


def fit(labels):
    frame, _, _ = toy()
    return create_ranker("multitask", epochs=1, seed=0).fit(frame, labels)


def test_named_columns_in_the_other_order_are_read_by_name():
    _, clicks, ratings = toy()
    ranker = fit(pd.DataFrame({"rating": ratings, "interaction": clicks}))
    # the rating head standardises the ratings with their own mean (a swap gave the clicks')
    assert ranker.rating_mean_ == pytest.approx(ratings.mean())
    reference = fit(np.column_stack([clicks, ratings]))
    frame, _, _ = toy()
    np.testing.assert_array_equal(ranker.score(frame), reference.score(frame))


def test_named_columns_in_the_documented_order_still_fit():
    _, clicks, ratings = toy()
    ranker = fit(pd.DataFrame({"interaction": clicks, "rating": ratings}))
    assert ranker.rating_mean_ == pytest.approx(ratings.mean())


@pytest.mark.parametrize("make", [
    lambda c, r: np.column_stack([c, r]),
    lambda c, r: pd.DataFrame(np.column_stack([c, r])),  # unnamed: pandas numbers them
])
def test_arrays_and_unnamed_columns_are_read_by_position(make):
    _, clicks, ratings = toy()
    assert fit(make(clicks, ratings)).rating_mean_ == pytest.approx(ratings.mean())


def test_a_name_that_is_no_task_is_refused_with_the_expected_names():
    _, clicks, ratings = toy()
    with pytest.raises(RecstackError, match=r"^multitask\.fit: labels column\(s\) 'click' "
                       r"name no task of this ranker; name the DataFrame's columns "
                       r"'interaction', 'rating'"):
        fit(pd.DataFrame({"rating": ratings, "click": clicks}))


def test_a_task_given_twice_is_refused():
    _, clicks, ratings = toy()
    labels = pd.DataFrame(np.column_stack([clicks, ratings]), columns=["rating", "rating"])
    with pytest.raises(RecstackError, match=r"labels have 'rating' given twice; expected one "
                       r"column each of 'interaction', 'rating'"):
        fit(labels)


def test_validation_labels_are_read_by_name_too():
    frame, clicks, ratings = toy()
    ranker = create_ranker("multitask", epochs=1, seed=0)
    with pytest.raises(RecstackError, match=r"\(validation\): labels column\(s\) 'clicked'"):
        ranker.fit(frame, np.column_stack([clicks, ratings]),
                   validation=(frame, pd.DataFrame({"clicked": clicks, "rating": ratings})))

"""Seventh bad-input probe of the rankers: a frame scored with the fitted features in
another order, kind or cardinality is refused naming the feature (the message said only
"same names but another order, kind or cardinality"), and a frame whose features carry
other descriptions (``doc``, text for reports) is scored like the fitted one."""

from __future__ import annotations

import re

import numpy as np
import pytest

from recstack.errors import RecstackError
from recstack.pipeline.rankers import create_ranker
from recstack.pipeline.schema import Feature, FeatureFrame, FeatureSchema

SIGNAL, NOISE = Feature("signal", "numeric"), Feature("noise", "numeric")
GENRE = Feature("genre", "categorical", cardinality=3)
SCHEMA = FeatureSchema((SIGNAL, NOISE, GENRE))


def toy(schema: FeatureSchema = SCHEMA, n_groups: int = 10, size: int = 6):
    """Groups of candidates whose label is 1 where the signal is above 0.5."""
    rng = np.random.default_rng(0)
    n = n_groups * size
    numeric = rng.random((n, 2))
    groups = np.repeat(np.arange(n_groups), size)
    frame = FeatureFrame(schema, numeric, rng.integers(0, 3, (n, 1)), groups, np.arange(n),
                         groups)
    return frame, (numeric[:, 0] > 0.5).astype(np.float64)


def refit_as(frame: FeatureFrame, schema: FeatureSchema, numeric=None) -> FeatureFrame:
    return FeatureFrame(schema, frame.numeric if numeric is None else numeric,
                        frame.categorical, frame.users, frame.items, frame.groups)


@pytest.fixture(scope="module")
def fitted():
    pytest.importorskip("sklearn")
    frame, labels = toy()
    return create_ranker("logistic").fit(frame, labels), frame


def test_features_in_another_order_are_named_with_both_orders(fitted):
    ranker, frame = fitted
    swapped = refit_as(frame, FeatureSchema((NOISE, SIGNAL, GENRE)), frame.numeric[:, ::-1])
    with pytest.raises(RecstackError, match="the features are in another order: noise, "
                       "signal, genre; fitted with signal, noise, genre"):
        ranker.score(swapped)


def test_a_feature_of_another_kind_or_cardinality_is_named(fitted):
    ranker, frame = fitted
    wider = FeatureSchema((SIGNAL, NOISE, Feature("genre", "categorical", cardinality=5)))
    with pytest.raises(RecstackError, match="feature 'genre' is categorical with cardinality "
                       "5, was categorical with cardinality 3 at fit"):
        ranker.score(refit_as(frame, wider))


def test_features_described_in_other_words_score_as_the_fitted_ones(fitted):
    ranker, frame = fitted
    described = FeatureSchema((Feature("signal", "numeric", doc="the model's score"), NOISE,
                               Feature("genre", "categorical", doc="genre code",
                                       cardinality=3)))
    # the same columns: the scores are those of the fitted frame, row for row
    np.testing.assert_array_equal(ranker.score(refit_as(frame, described)),
                                  ranker.score(frame))


# ------------------------------------------------------------------ validation rows
@pytest.mark.parametrize(("validation_labels", "said"), [
    (np.zeros, "no positive label \\(every label is 0\\)"),
    (np.ones, "only groups whose rows all share one label"),
])
@pytest.mark.parametrize("name", ["logistic", "lightgbm"])
def test_validation_rows_that_cannot_rank_are_refused(name, validation_labels, said):
    # without a group of two different labels, nDCG@10 is NaN (no positive) or 1 whatever
    # the scores: LightGBM stopped after its first tree, the networks after patience epochs
    pytest.importorskip({"logistic": "sklearn", "lightgbm": "lightgbm"}[name])
    frame, labels = toy()
    options = {"n_jobs": 1, "early_stopping_rounds": 3} if name == "lightgbm" else {}
    with pytest.raises(RecstackError, match=f"{name}.fit \\(validation\\): the 10 validation "
                       f"group\\(s\\) hold {said}, so their nDCG@10 cannot tell one model"):
        create_ranker(name, **options).fit(
            frame, labels, validation=(frame, validation_labels(len(labels))))


@pytest.mark.parametrize(("numeric", "users", "named", "wanted"), [
    ([[1.0], [2.0, 3.0]], [0, 1], "numeric", "the numeric features, an array of numbers"),
    ([[1.0], [2.0]], [[0], [0, 1]], "users", "an array of integer indices"),
])
def test_rows_of_different_lengths_are_named(numeric, users, named, wanted):
    # numpy's ValueError traceback ("inhomogeneous shape") before
    with pytest.raises(RecstackError, match=re.escape(
            f"feature frame: {named} must be {wanted}, got nested lists of different lengths "
            f"({named}[0] holds 1 entry and {named}[1] 2 entries); pad the short rows")):
        FeatureFrame(FeatureSchema((SIGNAL,)), numeric, np.zeros((2, 0)), users, [0, 1],
                     [0, 0])

"""Ninety-first bad-input probe, rankers: a frame whose schema declares no feature was
scikit-learn's "Found array with 0 feature(s)" traceback (logistic) or a network fitted to
a bias alone, every candidate scored alike (wide_deep); a categorical feature of a huge
declared cardinality (a raw id used as a code) was a MemoryError from the logistic
ranker's solver ("Unable to allocate 745. GiB"), as the neural rankers already refuse
their networks past 2**28 weights."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.errors import RecstackError
from recstack.pipeline.rankers.registry import create_ranker
from recstack.pipeline.schema import Feature, FeatureFrame, FeatureSchema
from tests.pipeline.saved_rankers import toy

FAST = {"logistic": {}, "lightgbm": {"n_estimators": 2}, "wide_deep": {"epochs": 1},
        "dcn_v2": {"epochs": 1}}


@pytest.mark.parametrize("name", sorted(FAST))
def test_a_frame_without_features_is_refused_before_fitting(name):
    pytest.importorskip("sklearn" if name == "logistic" else
                        "lightgbm" if name == "lightgbm" else "torch")
    frame, labels = toy()
    empty = FeatureFrame(FeatureSchema(()), np.zeros((len(frame), 0)),
                         np.zeros((len(frame), 0), np.int64), frame.users, frame.items,
                         frame.groups)
    with pytest.raises(RecstackError) as refused:
        create_ranker(name, **FAST[name]).fit(empty, labels)
    assert str(refused.value) == (
        f"{name}.fit: the feature frame's schema declares no features, so every candidate "
        "would get the same score; give a frame with at least one numeric or categorical "
        "feature")


def _with_cardinality(cardinality):
    frame, labels = toy()
    schema = FeatureSchema((Feature("signal", "numeric"), Feature("noise", "numeric"),
                            Feature("genre", "categorical", cardinality=cardinality)))
    return FeatureFrame(schema, frame.numeric, frame.categorical, frame.users, frame.items,
                        frame.groups), labels


def test_the_logistic_ranker_refuses_a_one_hot_design_past_memory():
    pytest.importorskip("sklearn")
    frame, labels = _with_cardinality(10**11)
    with pytest.raises(RecstackError) as refused:
        create_ranker("logistic").fit(frame, labels)
    # 2 numeric columns + 10**11 one-hot columns
    assert str(refused.value) == (
        "logistic: the one-hot design would have 100,000,000,002 columns (at most "
        "268,435,456 weights are fitted); categorical feature 'genre' declares cardinality "
        "100,000,000,000: give it fewer codes (e.g. the frequent levels and 0 for the "
        "rest), or use the lightgbm ranker")


def test_the_logistic_ranker_still_fits_a_wide_but_possible_design():
    pytest.importorskip("sklearn")
    frame, labels = _with_cardinality(5000)
    ranker = create_ranker("logistic").fit(frame, labels)
    assert ranker.coef_.shape == (2 + 5000,)

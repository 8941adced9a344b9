"""Hundred-first bad-input probe of the rankers: training rows on which no feature varies.

A frame without any feature was refused at fit ("every candidate would get the same
score"), but one whose features were all constant, or all missing, was fitted anyway: the
PyTorch and logistic rankers then scored every candidate alike without a word, and
LightGBM failed after training, blaming ``min_child_samples``. Such rows are now refused
at fit by every ranker, naming each feature and why it carries nothing; any one feature
that varies is enough to fit. A feature missing on some rows and one value on the others
varies for LightGBM (which splits on missing values) but not for the rankers that fill a
missing value with the training mean (logistic, PyTorch)."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.errors import RecstackError
from recstack.pipeline.rankers import create_ranker
from recstack.pipeline.schema import Feature, FeatureFrame, FeatureSchema

SCHEMA = FeatureSchema((Feature("price", "numeric"), Feature("age", "numeric"),
                        Feature("genre", "categorical", cardinality=4)))
N = 40
GROUPS = np.repeat(np.arange(10), 4)
LABELS = (np.arange(N) % 4 == 0).astype(np.float64)

RANKERS = [
    ("logistic", {}),
    ("wide_deep", {"epochs": 1, "hidden": (4,)}),
    ("dcn_v2", {"epochs": 1, "hidden": (4,)}),
    ("lightgbm", {"n_estimators": 2, "min_child_samples": 2}),
]


def frame(price, age, genre) -> FeatureFrame:
    numeric = np.column_stack([np.broadcast_to(price, N), np.broadcast_to(age, N)])
    return FeatureFrame(SCHEMA, numeric.astype(np.float32),
                        np.broadcast_to(genre, N).reshape(N, 1).astype(np.int64),
                        GROUPS, np.arange(N), GROUPS)


def ranker(name, options):
    if name == "lightgbm":
        pytest.importorskip("lightgbm")
    if name == "logistic":
        pytest.importorskip("sklearn")
    if name in ("wide_deep", "dcn_v2"):
        pytest.importorskip("torch")
    return create_ranker(name, **options)


@pytest.mark.parametrize(("name", "options"), RANKERS)
def test_features_that_are_all_constant_or_missing_are_refused_by_name(name, options):
    dead = frame(np.nan, 3.0, 2)
    with pytest.raises(RecstackError, match=rf"^{name}.fit: no feature varies across the 40 "
                       r"training rows \('price' is missing on every row; 'age' is 3 on "
                       r"every row; 'genre' is code 2 on every row\), so every candidate "
                       r"would get the same score"):
        ranker(name, options).fit(dead, LABELS)


@pytest.mark.parametrize(("name", "options"), RANKERS)
def test_one_varying_feature_is_enough_to_fit(name, options):
    signal = np.where(LABELS > 0, 1.0, -1.0) + np.linspace(0, 0.1, N)
    live = frame(signal, np.nan, 0)
    scores = ranker(name, options).fit(live, LABELS).score(live)
    assert scores.shape == (N,)


def test_missing_or_not_varies_for_lightgbm_which_splits_on_missing_values():
    pytest.importorskip("lightgbm")
    # missing or not is information to LightGBM: the positives are the rows where the
    # price is known
    price = np.where(LABELS > 0, 5.0, np.nan)
    live = frame(price, 1.0, 1)
    scores = create_ranker("lightgbm", loss="binary", n_estimators=5, min_child_samples=2
                           ).fit(live, LABELS).score(live)
    assert scores[LABELS > 0].min() > scores[LABELS == 0].max()


@pytest.mark.parametrize(("name", "options"), [r for r in RANKERS if r[0] != "lightgbm"])
def test_missing_or_not_carries_nothing_for_rankers_that_fill_in_the_mean(name, options):
    # the logistic and PyTorch rankers fill NaN with the training mean, here 5: every row
    # then held 5, and every candidate got one score
    price = np.where(LABELS > 0, 5.0, np.nan)
    with pytest.raises(RecstackError, match=r"no feature varies across the 40 training rows "
                       r"\('price' is 5 wherever present \(missing on 30 rows, which this "
                       r"ranker fills with the training mean, the same value\); 'age' is 1 "
                       r"on every row; 'genre' is code 1 on every row\)"):
        ranker(name, options).fit(frame(price, 1.0, 1), LABELS)


def test_a_categorical_feature_alone_can_vary():
    pytest.importorskip("sklearn")
    genre = np.where(LABELS > 0, 3, 1)
    scores = create_ranker("logistic").fit(frame(0.0, 0.0, genre), LABELS).score(
        frame(0.0, 0.0, genre))
    assert scores[LABELS > 0].min() > scores[LABELS == 0].max()


def test_only_rows_with_a_positive_weight_count():
    pytest.importorskip("sklearn")
    # the price varies only on rows weighted 0, which take no part in the loss
    price = np.zeros(N)
    price[:4] = [1.0, 2.0, 3.0, 4.0]
    weights = np.ones(N)
    weights[:4] = 0.0
    with pytest.raises(RecstackError, match=r"no feature varies across the 36 training "
                       r"rows \('price' is 0 on every row"):
        create_ranker("logistic").fit(frame(price, 1.0, 1), LABELS, sample_weight=weights)


def test_the_position_served_alike_does_not_count_as_varying():
    pytest.importorskip("sklearn")
    # score replaces the logged position by serving_position on every row: with nothing
    # else varying, every candidate was scored alike
    schema = FeatureSchema((Feature("position", "numeric"), Feature("age", "numeric")))
    position = np.tile(np.arange(1.0, 5.0), 10)
    logged = FeatureFrame(schema, np.c_[position, np.ones(N)], np.zeros((N, 0), np.int64),
                          GROUPS, np.arange(N), GROUPS)
    clicks = (position == 1).astype(np.float64)
    with pytest.raises(RecstackError, match=r"no feature varies across the 40 training rows "
                       r"\('position' is replaced by serving_position = 1 for every "
                       r"candidate scored; 'age' is 1 on every row\)"):
        create_ranker("logistic", serving_position=1).fit(logged, clicks)
    # without serving_position the logged position is read at score, and it varies
    scores = create_ranker("logistic").fit(logged, clicks).score(logged)
    assert scores[position == 1].min() > scores[position > 1].max()

"""Round 23 leads of the ranking pipeline: whole numbers past 2**24 in table, context and
hand-built numeric features (float32) are warned of, naming the column and the first
item, user or row; a tiny negative sampling rate keeps the correction finite and warns
when it kept no negative, naming the smallest rate that keeps one."""

from __future__ import annotations

import warnings
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest

from recstack.data.interactions import InexactValueWarning, Interactions
from recstack.pipeline.bayesian import BayesianLogisticRegression
from recstack.pipeline.calibration import DownsamplingCorrection
from recstack.pipeline.candidates import Candidates
from recstack.pipeline.features import FeatureBuilder
from recstack.pipeline.imbalance import (
    TooFewNegativesWarning,
    correct_probability,
    downsample_negatives,
)
from recstack.pipeline.schema import Feature, FeatureFrame, FeatureSchema
from recstack.pipeline.training_data import sample_negatives

DAY = 86_400
CUTOFF = 10 * DAY
#: the first whole number float32 does not hold: it becomes 2**24
ODD = 2**24 + 1


def log(counts, zips) -> Interactions:
    items = pd.DataFrame({"item_id": [0, 1, 2], "count": counts})
    users = pd.DataFrame({"user_id": [7, 8, 9], "zip": zips})
    return Interactions.from_arrays(np.array([7, 7, 8, 9]), np.array([0, 1, 0, 1]), None,
                                    np.array([9, 8, 7, 2]) * DAY, item_table=items,
                                    user_table=users, keep_unseen_items=True)


def candidates() -> Candidates:
    return Candidates(np.array([0, 0, 1, 2]), np.array([0, 2, 0, 1]),
                      np.array([[0.9], [np.nan], [0.5], [0.1]], np.float32),
                      np.array([[1], [3], [2], [1]], np.float32), ("a",), 2)


def statistics(data: Interactions):
    builder = FeatureBuilder(item_columns=["count"], user_columns=["zip"]).fit(data, ("a",), 2)
    return builder, builder.statistics(data, CUTOFF)


def test_table_columns_past_2_24_are_warned_of_naming_the_column_and_the_id():
    data = log([5, ODD, 2**40 + 1], [3, 20_000_001, 4])
    with pytest.warns(InexactValueWarning) as caught:
        builder, state = statistics(data)
    messages = [str(w.message) for w in caught]
    assert len(messages) == 2
    assert messages[0].startswith("features: item table: column 'count': 2 value(s) change "
                                  "on becoming float32, the type the ranker's features are "
                                  "kept in (item 1 holds 16777217, kept as 16777216)")
    assert messages[1].startswith("features: user table: column 'zip': 1 value(s) change")
    assert "(user 8 holds 20000001, kept as 20000000)" in messages[1]
    # the warning points at the user's line, not at recstack's
    assert caught[0].filename == __file__
    # the values are what float32 makes of them (the warning says so; nothing else moves)
    frame = builder.build(candidates(), state)
    # the candidates' items 0, 2, 0, 1: 2**40 + 1 and 2**24 + 1 are the nearest float32s
    assert frame.column("item_count").tolist() == [5.0, 2.0**40, 5.0, 2.0**24]


@pytest.mark.parametrize("counts", [[5, 2**24, 2**40], [0.1, 1e-30, 123.25],
                                    pd.array([5, None, 2**24], "Int64")])
def test_values_float32_holds_or_only_rounds_as_a_fraction_warn_of_nothing(counts):
    data = log(counts, [1, 2, 3])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        statistics(data)


def test_a_nullable_column_past_2_24_is_warned_of_too():
    data = log(pd.array([None, 1, ODD], "Int64"), [1, 2, 3])
    with pytest.warns(InexactValueWarning, match=r"column 'count'.*\(item 2 holds "
                      r"16777217, kept as 16777216\)"):
        statistics(data)


def test_a_numeric_context_column_past_2_24_is_warned_of():
    data = Interactions.from_arrays(np.array([7, 7, 8, 9]), np.array([0, 1, 0, 1]), None,
                                    np.array([9, 8, 7, 2]) * DAY, keep_unseen_items=True,
                                    item_table=pd.DataFrame({"item_id": [0, 1, 2]}),
                                    context=pd.DataFrame({"store": [1.0, 2.0, 3.0, 4.0]}))
    builder = FeatureBuilder(context_columns=["store"]).fit(data, ("a",), 2)
    state = builder.statistics(data, CUTOFF)
    context = pd.DataFrame({"store": [1, ODD, 3, 4]})
    with pytest.warns(InexactValueWarning, match=r"^features: context: column 'store': 1 "
                      r"value\(s\) change .*\(row 1 holds 16777217, kept as 16777216\)"):
        frame = builder.build(candidates(), state, context)
    assert frame.column("context_store").tolist() == [1.0, 2.0**24, 3.0, 4.0]


SCHEMA = FeatureSchema((Feature("clicks", "numeric", "a count"),
                        Feature("price", "numeric", "a price")))


@pytest.mark.parametrize("dtype", [np.int64, np.float64])
def test_a_hand_built_frame_past_2_24_is_warned_of_naming_the_feature_and_row(dtype):
    numeric = np.array([[1, 2], [3, 4], [ODD, 5]], dtype)
    with pytest.warns(InexactValueWarning, match=r"^feature frame: column 'clicks': 1 "
                      r"value\(s\) change .*\(row 2 holds 16777217(\.0)?, kept as "
                      r"16777216\)"):
        frame = FeatureFrame(SCHEMA, numeric, np.zeros((3, 0), np.int32), np.zeros(3, int),
                             np.arange(3), np.zeros(3, int))
    assert frame.column("clicks")[2] == 2**24


def test_a_float32_or_exact_hand_built_frame_warns_of_nothing():
    for numeric in (np.array([[1.5, 2**24], [0.1, 2**30]]),
                    np.array([[ODD, 2]], np.float32)):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            FeatureFrame(SCHEMA, numeric, np.zeros((len(numeric), 0), np.int32),
                         np.zeros(len(numeric), int), np.arange(len(numeric)),
                         np.zeros(len(numeric), int))


# ---------------------------------------------------------------- tiny rates
def by_definition(p: float, rate: float) -> float:
    """q = p / (p + (1 - p) / r), worked exactly in fractions."""
    p_, r = Fraction(p), Fraction(rate)
    if p_ == 0:
        return 0.0
    return float(p_ / (p_ + (1 - p_) / r))


@pytest.mark.parametrize("rate", [1e-320, 5e-324, 1e-12, 0.3, 7.0, 1e300])
def test_the_correction_is_finite_and_exact_for_any_rate(rate):
    p = np.array([0.0, 0.5, 0.9, 1.0, 1e-300])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # numpy's "overflow encountered in divide" before
        corrected = correct_probability(p, rate)
        calibrated = (DownsamplingCorrection(rate=rate).fit().predict(p)
                      if rate <= 1 else corrected)
    expected = [by_definition(float(v), rate) for v in p]
    # subnormal results (below 2.2e-308) are exact only to within 5e-324 apart
    np.testing.assert_allclose(corrected, expected, rtol=1e-12, atol=1e-322)
    np.testing.assert_allclose(calibrated, expected, rtol=1e-12, atol=1e-322)


def test_a_rate_that_keeps_no_negative_warns_naming_the_smallest_useful_rate():
    labels = np.r_[np.ones(2), np.zeros(168)]
    with pytest.warns(TooFewNegativesWarning, match=r"^downsample_negatives: rate = 1e-12 "
                      r"keeps 1\.68e-10 of the 168 negatives on average, and kept none.*"
                      r"at least 1/168 = 0\.00595") as caught:
        kept = downsample_negatives(labels, 1e-12, seed=0)
    assert caught[0].filename == __file__
    assert kept.tolist() == [0, 1]


def test_a_rate_that_keeps_negatives_or_a_batch_without_positives_warns_of_nothing():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        downsample_negatives(np.r_[np.ones(2), np.zeros(168)], 0.5, seed=0)
        assert downsample_negatives(np.zeros(5), 1e-12).tolist() == []
        # less than one kept on average, but one was drawn: a sample, not a lost cause
        labels = np.r_[1.0, np.zeros(9)]
        seed = next(s for s in range(1000)
                    if len(downsample_negatives(labels, 0.09, seed=s)) > 1)
        downsample_negatives(labels, 0.09, seed=seed)


def test_the_callers_name_their_own_argument():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 3))
    y = (X[:, 0] > 1).astype(float)
    n_negative = int((y == 0).sum())
    with pytest.warns(TooFewNegativesWarning, match=rf"^BayesianLogisticRegression: "
                      rf"negative_rate = 1e-12 keeps .* of the {n_negative} negatives"):
        BayesianLogisticRegression(negative_rate=1e-12).fit(X, y)
    labels = np.array([1.0, 0.0, 0.0, 0.0])
    with pytest.warns(TooFewNegativesWarning, match=r"^training data: negative_rate = 1e-12"):
        sample_negatives(labels, candidates(), "uniform", 1e-12,
                         name="training data: negative_rate")

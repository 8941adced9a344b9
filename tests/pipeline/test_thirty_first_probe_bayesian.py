"""Thirty-first bad-input probe, Bayesian logistic regression given a feature column of
values so large that the posterior precision (sums of their squares, beside a prior
precision of 1) loses every digit: a constant column of 2**62 ended in a warning to "raise
max_iter or prior_precision" and a probability of 0.5 for every row. Now the column is
named, with its largest value and row. A frame with two columns of one name is refused at
fit (later frames are read by name)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from recstack.pipeline.bandit_checks import BanditInputError
from recstack.pipeline.bayesian import BayesianLogisticRegression

RNG = np.random.default_rng(0)
X = RNG.normal(size=(50, 2))
Y = (X[:, 0] + 0.5 * RNG.normal(size=50) > 0).astype(float)


def test_a_constant_column_of_2_to_the_62_is_named():
    frame = pd.DataFrame({"age": X[:, 0], "noise": X[:, 1], "big": np.full(50, 2.0**62)})
    with pytest.raises(BanditInputError, match=r"^BayesianLogisticRegression: column 'big' of "
                       r"X holds values up to 4.61e\+18 \(row 0\); the posterior precision "
                       r"sums their squares .*standardise the features"):
        BayesianLogisticRegression().fit(frame, Y)


def test_an_array_column_is_named_by_position_and_row():
    features = np.c_[X, np.full(50, 1e12)]
    features[17, 2] = -3e12
    with pytest.raises(BanditInputError, match=r"column 2 of X holds values up to 3e\+12 "
                                               r"\(row 17\)"):
        BayesianLogisticRegression().fit(features, Y)


def test_an_online_update_with_such_a_column_is_named_too():
    model = BayesianLogisticRegression().fit(X, Y)
    with pytest.raises(BanditInputError, match=r"column 1 of X holds values up to 1e\+15"):
        model.partial_fit(np.c_[X[:, 0], np.full(50, 1e15)], Y)


def test_overflowing_columns_keep_saying_the_search_overflowed():
    with pytest.raises(BanditInputError, match=r"column 0 of X .*beyond float64's range.*"
                                               r"the MAP search overflowed .*standardise"):
        BayesianLogisticRegression().fit(X * 1e200, Y)


def test_features_of_an_ordinary_scale_fit_without_a_word():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model = BayesianLogisticRegression().fit(np.c_[X, RNG.normal(size=50) * 1e3], Y)
    assert model.coef_[0] > 1  # the first feature decides the label


def test_a_frame_with_two_columns_of_one_name_is_refused():
    # later frames are read by name: the two columns could not be told apart
    frame = pd.DataFrame(X, columns=["age", "age"])
    with pytest.raises(BanditInputError, match=r"^BayesianLogisticRegression: X has more than "
                                               r"one column named 'age' \(positions 0 and 1\)"):
        BayesianLogisticRegression().fit(frame, Y)

"""Fortieth bad-input probe, the Bayesian logistic regression's batches:

* ``class_weight="balanced"`` with a first batch of one class fell back to weights (1, 1)
  and kept them for every online update, so the classes of all later batches went
  unbalanced without a word; it is refused.
* an X frame beside a y (or sample_weight) Series holding the same index labels in
  another order paired each row with another row's label without a word (the
  calibrators and metrics refuse this); it is refused naming both arguments.

Each test failed before its fix."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from recstack.errors import ConfigError
from recstack.pipeline.bandit_checks import BanditInputError
from recstack.pipeline.bayesian import BayesianLogisticRegression

RNG = np.random.default_rng(40)
X = RNG.normal(size=(40, 2))
Y = (X[:, 0] + RNG.normal(size=40) > 0).astype(np.float64)


@pytest.mark.parametrize("label, other", [(1.0, "0"), (0.0, "1")])
def test_balanced_weights_of_a_first_batch_of_one_class_are_refused(label, other):
    model = BayesianLogisticRegression(class_weight="balanced")
    with pytest.raises(ConfigError, match=rf"class_weight = 'balanced'.*every label of it is "
                                          rf"{label:g} \(40 rows\).*labelled {other} too"):
        model.fit(X, np.full(40, label))
    assert not hasattr(model, "mean_")


def test_balanced_weights_of_a_first_batch_of_both_classes_balance():
    # N / (2 N_c) by definition: each class then weighs N / 2 in total
    y = np.r_[np.ones(10), np.zeros(30)]
    model = BayesianLogisticRegression(class_weight="balanced").fit(X, y)
    assert model.class_weights_ == pytest.approx((40 / 60, 40 / 20))
    # and a later batch of one class is an ordinary update under those weights
    model.partial_fit(X, np.ones(40))
    assert model.class_weights_ == pytest.approx((40 / 60, 40 / 20))
    assert model.n_updates_ == 2


@pytest.mark.parametrize("method", ["fit", "partial_fit"])
@pytest.mark.parametrize("argument", ["y", "sample_weight"])
def test_a_series_in_another_row_order_than_the_frame_is_refused(method, argument):
    frame = pd.DataFrame(X, columns=["a", "b"])
    reversed_index = frame.index[::-1]
    y = pd.Series(Y, index=reversed_index) if argument == "y" else Y
    weight = pd.Series(np.ones(40), index=reversed_index) if argument == "sample_weight" \
        else None
    model = BayesianLogisticRegression()
    if method == "partial_fit":
        model.fit(frame, Y)
    before = None if method == "fit" else model.mean_.copy()
    with pytest.raises(BanditInputError, match=rf"BayesianLogisticRegression: X and "
                                               rf"{argument} are a pandas DataFrame and a pandas "
                                               r"Series with the same "
                                               r"index labels in different orders"):
        getattr(model, method)(frame, y, sample_weight=weight)
    if before is not None:
        np.testing.assert_array_equal(model.mean_, before)


def test_aligned_series_and_plain_arrays_give_the_same_posterior():
    frame = pd.DataFrame(X, columns=["a", "b"])
    shuffled = frame.sample(frac=1.0, random_state=0)
    by_label = BayesianLogisticRegression().fit(shuffled, pd.Series(Y)[shuffled.index])
    by_position = BayesianLogisticRegression().fit(shuffled.to_numpy(), Y[shuffled.index])
    np.testing.assert_allclose(by_label.mean_, by_position.mean_)

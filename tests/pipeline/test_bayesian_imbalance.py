"""Imbalanced clicks in the Bayesian logistic regression: downsampled negatives and class
weights, and the shared correction bringing the probabilities back to the base rate."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.special import expit

from recstack.errors import ConfigError
from recstack.pipeline.bayesian import BayesianLogisticRegression, probit_sigmoid


@pytest.fixture(scope="module")
def clicks():
    """About 3% positives from a known logistic model."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40_000, 3))
    y = (rng.random(len(X)) < expit(X @ np.array([1.0, -0.5, 0.8]) - 4.2)).astype(float)
    assert 0.02 < y.mean() < 0.05
    return X, y


@pytest.mark.parametrize("options", [{"negative_rate": 0.1},
                                     {"class_weight": "balanced"},
                                     {"class_weight": 5.0},
                                     {"negative_rate": 0.3, "class_weight": "balanced"}])
def test_corrected_probabilities_keep_the_base_rate(clicks, options):
    X, y = clicks
    model = BayesianLogisticRegression(**options).fit(X, y)
    corrected = model.predict_proba(X)
    assert corrected.mean() == pytest.approx(y.mean(), rel=0.08)
    # the training scale is far off: the correction is what brings the rate back
    raw = probit_sigmoid(*model.latent_mean_variance(X))
    assert raw.mean() > 2 * y.mean()
    # and the correction is q = p / (p + (1 - p) / r), r = w c0 / c1, worked here
    w = options.get("negative_rate", 1.0)
    c0, c1 = model.class_weights_
    if options.get("class_weight") == "balanced":
        kept = model._downsample(X, y, np.ones(len(y)), batch=0)[1]
        n, n1 = len(kept), kept.sum()
        assert (c0, c1) == pytest.approx((n / (2 * (n - n1)), n / (2 * n1)))
    r = w * c0 / c1
    np.testing.assert_allclose(corrected, raw / (raw + (1 - raw) / r), rtol=1e-12)
    np.testing.assert_allclose(model.predict_proba_map(X).mean(), y.mean(), rtol=0.08)


def test_the_defaults_train_on_every_row_unweighted(clicks):
    X, y = clicks
    model = BayesianLogisticRegression().fit(X, y)
    assert model.odds_rate_ == 1.0 and model.class_weights_ == (1.0, 1.0)
    np.testing.assert_array_equal(model.predict_proba(X),
                                  probit_sigmoid(*model.latent_mean_variance(X)))
    assert model.predict_proba(X).mean() == pytest.approx(y.mean(), rel=0.05)


def test_online_updates_keep_the_first_batchs_weights_and_the_base_rate(clicks):
    X, y = clicks
    model = BayesianLogisticRegression(negative_rate=0.2, class_weight="balanced", seed=3)
    model.fit(X[:20_000], y[:20_000])
    weights = model.class_weights_
    model.partial_fit(X[20_000:], y[20_000:])
    assert model.class_weights_ == weights
    assert model.predict_proba(X).mean() == pytest.approx(y.mean(), rel=0.08)


def test_bad_imbalance_options_are_refused(clicks):
    X, y = clicks
    with pytest.raises(ConfigError, match="class_weight must be None, 'balanced'"):
        BayesianLogisticRegression(class_weight="even").fit(X, y)
    with pytest.raises(ConfigError, match="class_weight must be > 0"):
        BayesianLogisticRegression(class_weight=0.0).fit(X, y)
    with pytest.raises(ConfigError, match="negative_rate"):
        BayesianLogisticRegression(negative_rate=0.0).fit(X, y)
    with pytest.raises(ConfigError, match="needs 0/1 labels"):
        BayesianLogisticRegression(negative_rate=0.5).fit(X[:10], np.full(10, 0.3))


def test_the_shared_imbalance_helpers_name_bad_labels_and_probabilities():
    from recstack.errors import RecstackError
    from recstack.pipeline.imbalance import (
        class_weights,
        correct_probability,
        downsample_negatives,
    )

    with pytest.raises(RecstackError, match="downsample_negatives: labels must be finite, row "
                       "1 is nan"):
        downsample_negatives(np.array([0.0, np.nan]), 0.5)  # NaN would count as a negative
    with pytest.raises(RecstackError, match="class_weights: labels must be an array of numbers"):
        class_weights(np.array(["click", "skip"]))
    with pytest.raises(RecstackError, match=r"correct_probability: p must be probabilities in "
                       r"\[0, 1\], row 0 is 1.5"):
        correct_probability(np.array([1.5]), 0.5)  # would give 3.0
    with pytest.raises(RecstackError, match="p must be finite"):
        correct_probability(np.array([np.nan]), 0.5)
    assert correct_probability(0.5, 1.0) == 0.5  # a scalar stays accepted


def test_a_batch_that_negative_rate_empties_is_refused_by_fit():
    X = np.random.default_rng(0).normal(size=(5, 2))
    with pytest.raises(ConfigError, match=r"negative_rate = 1e-09 dropped every row of the "
                       r"batch \(5 rows: 0 positives, 5 negatives, none kept\)"):
        BayesianLogisticRegression(negative_rate=1e-9).fit(X, np.zeros(5))
    # an emptied online batch adds no data: the posterior mean stays where it was
    model = BayesianLogisticRegression(negative_rate=1e-9).fit(X, np.r_[1.0, np.zeros(4)])
    before = model.mean_.copy()
    np.testing.assert_array_equal(model.partial_fit(X, np.zeros(5)).mean_, before)

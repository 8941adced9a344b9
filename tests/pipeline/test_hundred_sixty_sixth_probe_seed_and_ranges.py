"""Hundred-sixty-sixth bad-input probe of the online Bayesian logistic regression's seed and
of the pipeline's number checks.

- ``model.seed`` set to another value after fit was ignored by ``sample_weights`` (the
  Thompson draws went on from the generator fit had started from the old seed, without a
  word) while the online updates downsampled by the new one. As a bandit policy refuses
  its seed changed after reset, the model now refuses it in ``sample_weights`` (unless
  the draws come from a generator given as ``rng``) and in ``partial_fit``, naming both
  values; a value that is not a seed at all (-1, "3", true) is refused the same way rather
  than ignored.
- ``intercept_precision`` given with ``fit_intercept=False`` was ignored without a word;
  it is refused at fit, naming the switch, as the rankers' and re-rankers' settings read
  only under another's value are.
- A number with a lower bound only was told to be "a finite number in [0, inf]", a range
  whose upper end no finite number reaches; it is now "a finite number >= 0".
"""

from __future__ import annotations

import numpy as np
import pytest

from recstack.errors import ConfigError
from recstack.pipeline.bandit_checks import BanditInputError, check_number
from recstack.pipeline.bayesian import BayesianLogisticRegression
from recstack.pipeline.position_bias import estimate_propensities


def batch(seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(60, 3))
    return X, (X[:, 0] + 0.5 * rng.normal(size=60) > 0).astype(float)


@pytest.mark.parametrize("diagonal", [False, True])
@pytest.mark.parametrize("new", [5, 0, -1, "3", True, 3.0])
def test_a_seed_changed_after_fit_is_refused_by_the_draws(diagonal, new):
    X, y = batch()
    model = BayesianLogisticRegression(seed=3, diagonal=diagonal).fit(X, y)
    model.seed = new
    with pytest.raises(ConfigError, match=r"^BayesianLogisticRegression: seed=3 at fit, now "
                                          rf"{new!r}; the generator of the Thompson draws was "
                                          "started from the seed of fit, so the draws cannot "
                                          "follow the new one: call fit"):
        model.sample_weights(2)


def test_a_seed_changed_after_fit_is_refused_by_an_online_update():
    X, y = batch()
    model = BayesianLogisticRegression(seed=3, negative_rate=0.5).fit(X, y)
    model.seed = 4
    with pytest.raises(ConfigError, match="seed=3 at fit, now 4; .* so an online update "
                                          "cannot follow the new one"):
        model.partial_fit(*batch(1))


def test_the_seed_set_back_or_a_generator_given_draws_as_before():
    X, y = batch()
    model = BayesianLogisticRegression(seed=3).fit(X, y)
    twin = BayesianLogisticRegression(seed=3).fit(X, y)
    model.seed = 9
    # a generator given by the caller (a policy's own) does not read the model's seed
    np.testing.assert_array_equal(model.sample_weights(2, rng=np.random.default_rng(1)),
                                  twin.sample_weights(2, rng=np.random.default_rng(1)))
    model.seed = np.int64(3)  # the same seed, as a numpy integer
    np.testing.assert_array_equal(model.sample_weights(2), twin.sample_weights(2))
    model.partial_fit(*batch(1))
    twin.partial_fit(*batch(1))
    np.testing.assert_array_equal(model.mean_, twin.mean_)


def test_a_refit_starts_the_draws_from_the_new_seed():
    X, y = batch()
    model = BayesianLogisticRegression(seed=3).fit(X, y)
    model.seed = 7
    model.fit(X, y)
    np.testing.assert_array_equal(model.sample_weights(2),
                                  BayesianLogisticRegression(seed=7).fit(X, y).sample_weights(2))


# ------------------------------------------------------------------ unread settings
def test_an_intercept_precision_without_an_intercept_is_refused():
    X, y = batch()
    with pytest.raises(ConfigError, match=r"^BayesianLogisticRegression: intercept_precision "
                                          "= 5 is read only with fit_intercept = True, and "
                                          "fit_intercept is False, so it would be ignored"):
        BayesianLogisticRegression(fit_intercept=False, intercept_precision=5).fit(X, y)
    with pytest.raises(ConfigError, match="intercept_precision = 5 is read only"):
        BayesianLogisticRegression(fit_intercept=False, intercept_precision=5).partial_fit(X, y)


def test_the_default_intercept_precision_without_an_intercept_fits():
    """Without an intercept the weights have no constant feature: d = 3, and the intercept
    is 0."""
    X, y = batch()
    model = BayesianLogisticRegression(fit_intercept=False).fit(X, y)
    assert model.intercept_ == 0.0
    assert model.mean_.shape == (3,)


# ------------------------------------------------------------------ ranges in words
@pytest.mark.parametrize(("bounds", "value", "said"), [
    ({"low": 0.0}, -1, "x must be a finite number >= 0, got -1"),
    ({"low": 0.0, "low_inclusive": False}, 0, "x must be a finite number > 0, got 0"),
    ({"high": 1.0}, 2, "x must be a finite number <= 1, got 2"),
    ({"high": 1.0, "high_inclusive": False}, 1, "x must be a finite number < 1, got 1"),
    ({}, np.inf, "x must be a finite number, got inf"),
    ({"low": 0.0, "high": 1.0, "low_inclusive": False}, 0,
     r"x must be a finite number in \(0, 1\], got 0"),
])
def test_a_number_out_of_range_is_told_its_range_in_words(bounds, value, said):
    with pytest.raises(BanditInputError, match=rf"^f: {said}$"):
        check_number("f", "x", value, **bounds)


@pytest.mark.parametrize("smoothing", [-1, np.inf, np.nan])
def test_a_negative_or_infinite_smoothing_is_told_it_must_be_at_least_0(smoothing):
    with pytest.raises(BanditInputError, match=r"^estimate_propensities: smoothing must be a "
                                               "finite number >= 0, got "):
        estimate_propensities([1, 2, 2], [1, 0, 1], smoothing=smoothing)

"""Bayesian logistic regression: the MAP against scikit-learn, the Laplace posterior and the
probit prediction against formulas worked in the test, online updates against a full refit,
forgetting under drift, and bad input."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import integrate, special
from sklearn.linear_model import LogisticRegression

from recstack.errors import ConfigError, RecstackError
from recstack.pipeline.bandit_checks import BanditInputError
from recstack.pipeline.bayesian import BayesianLogisticRegression


def _data(n: int, weights: np.ndarray, bias: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, len(weights)))
    y = (rng.random(n) < special.expit(X @ weights + bias)).astype(np.float64)
    return X, y


TRUE_W = np.array([1.0, -2.0, 0.5, 0.0, 1.5])


@pytest.mark.parametrize("diagonal", [False, True])
@pytest.mark.parametrize("precision", [0.5, 4.0])
def test_map_matches_sklearn_l2_logistic_regression(diagonal: bool, precision: float) -> None:
    X, y = _data(1500, TRUE_W, -0.5, seed=1)
    ours = BayesianLogisticRegression(prior_precision=precision, fit_intercept=False,
                                      diagonal=diagonal).fit(X, y)
    reference = LogisticRegression(C=1 / precision, fit_intercept=False, tol=1e-12,
                                   max_iter=10_000).fit(X, y)
    np.testing.assert_allclose(ours.coef_, reference.coef_[0], atol=1e-6)
    assert ours.intercept_ == 0.0


def test_map_with_unpenalised_intercept_matches_sklearn() -> None:
    # scikit-learn does not penalise the intercept: a flat prior on ours
    X, y = _data(1500, TRUE_W, -0.5, seed=2)
    ours = BayesianLogisticRegression(prior_precision=2.0, intercept_precision=0.0).fit(X, y)
    reference = LogisticRegression(C=0.5, tol=1e-12, max_iter=10_000).fit(X, y)
    np.testing.assert_allclose(ours.coef_, reference.coef_[0], atol=1e-6)
    assert ours.intercept_ == pytest.approx(reference.intercept_[0], abs=1e-6)


def test_laplace_precision_is_prior_plus_weighted_gram_matrix() -> None:
    X, y = _data(400, TRUE_W[:3], 0.3, seed=3)
    full = BayesianLogisticRegression(prior_precision=2.0, intercept_precision=0.5).fit(X, y)
    design = np.hstack([X, np.ones((len(X), 1))])
    p = special.expit(design @ full.mean_)
    expected = np.diag([2.0, 2.0, 2.0, 0.5]) + design.T @ (design * (p * (1 - p))[:, None])
    np.testing.assert_allclose(full.precision_, expected, rtol=1e-10)
    np.testing.assert_allclose(full.covariance_, np.linalg.inv(expected), rtol=1e-8)

    diag = BayesianLogisticRegression(prior_precision=2.0, intercept_precision=0.5,
                                      diagonal=True).fit(X, y)
    p = special.expit(design @ diag.mean_)
    np.testing.assert_allclose(diag.precision_, [2.0, 2.0, 2.0, 0.5]
                               + (p * (1 - p)) @ design**2, rtol=1e-10)


def test_predictive_probability_is_the_probit_approximation() -> None:
    X, y = _data(60, TRUE_W[:3], 0.0, seed=4)   # little data: wide posterior
    model = BayesianLogisticRegression(prior_precision=1.0).fit(X, y)
    queries = np.array([[0.0, 0.0, 0.0], [3.0, -3.0, 2.0], [-4.0, 1.0, 0.5]])
    design = np.hstack([queries, np.ones((3, 1))])
    mu = design @ model.mean_
    s2 = np.einsum("ij,jk,ik->i", design, np.linalg.inv(model.precision_), design)
    expected = special.expit(mu / np.sqrt(1 + np.pi * s2 / 8))
    np.testing.assert_allclose(model.predict_proba(queries), expected, rtol=1e-10)
    # ... which is close to the exact Gaussian integral of the logistic and, far from the
    # data, less confident than the plug-in probability
    for m, v, approx in zip(mu, s2, expected, strict=True):
        exact = integrate.quad(lambda z, m=m, v=v: special.expit(z)
                               * np.exp(-(z - m) ** 2 / (2 * v)) / np.sqrt(2 * np.pi * v),
                               m - 12 * np.sqrt(v), m + 12 * np.sqrt(v))[0]
        assert approx == pytest.approx(exact, abs=0.02)
    plug_in = model.predict_proba_map(queries)
    assert np.all(np.abs(model.predict_proba(queries) - 0.5) <= np.abs(plug_in - 0.5) + 1e-12)
    # far from the data the posterior is wide: the logit shrinks by more than a tenth
    assert abs(special.logit(model.predict_proba(queries)[1])) < 0.9 * abs(special.logit(
        plug_in[1]))


@pytest.mark.parametrize("diagonal", [False, True])
def test_thompson_draws_follow_the_posterior_and_are_seeded(diagonal: bool) -> None:
    X, y = _data(300, TRUE_W[:3], 0.2, seed=5)
    model = BayesianLogisticRegression(diagonal=diagonal, seed=7).fit(X, y)
    draws = model.sample_weights(40_000)
    np.testing.assert_allclose(draws.mean(axis=0), model.mean_, atol=0.01)
    covariance = np.diag(1 / model.precision_) if diagonal else np.linalg.inv(model.precision_)
    np.testing.assert_allclose(np.cov(draws.T), covariance, atol=0.003)
    again = BayesianLogisticRegression(diagonal=diagonal, seed=7).fit(X, y)
    np.testing.assert_array_equal(again.sample_weights(5), draws[:5])


# the diagonal posterior drops the weights' correlations between batches, so it lands
# less close (measured: within 1.2 sd, against 0.15 sd for the full posterior)
@pytest.mark.parametrize(("diagonal", "in_sd", "in_p"), [(False, 0.25, 0.01), (True, 1.5, 0.02)])
def test_online_updates_land_near_a_full_refit_on_stationary_data(diagonal: bool, in_sd: float,
                                                                   in_p: float) -> None:
    X, y = _data(6000, TRUE_W, -0.5, seed=6)
    full = BayesianLogisticRegression(diagonal=diagonal).fit(X, y)
    online = BayesianLogisticRegression(diagonal=diagonal)
    for Xb, yb in zip(np.array_split(X, 12), np.array_split(y, 12), strict=True):
        online.partial_fit(Xb, yb)
    assert online.n_updates_ == 12
    sd = np.sqrt(np.diag(np.linalg.inv(full.precision_)) if not diagonal
                 else 1 / full.precision_)
    # within a fraction of a posterior standard deviation of the refit, weight by weight
    assert np.all(np.abs(online.mean_ - full.mean_) < in_sd * sd)
    np.testing.assert_allclose(online.precision_, full.precision_,
                               atol=0.03 * np.abs(full.precision_).max())
    X_new, _ = _data(2000, TRUE_W, -0.5, seed=60)
    assert np.abs(online.predict_proba(X_new) - full.predict_proba(X_new)).max() < in_p
    # and the two are far from a model that saw only the last batch
    last = BayesianLogisticRegression(diagonal=diagonal).fit(np.array_split(X, 12)[-1],
                                                             np.array_split(y, 12)[-1])
    assert np.abs(last.mean_ - full.mean_).max() > 3 * np.abs(online.mean_ - full.mean_).max()


def test_forgetting_tracks_drift_and_the_static_model_does_not() -> None:
    before = np.array([2.0, -1.0, 0.0])
    after = np.array([-2.0, 1.0, 1.5])     # behaviour changes half-way through the stream
    static = BayesianLogisticRegression()
    forgetting = BayesianLogisticRegression(forgetting=0.7)
    for step in range(40):
        X, y = _data(200, before if step < 20 else after, 0.0, seed=100 + step)
        static.partial_fit(X, y)
        forgetting.partial_fit(X, y)
    X_test, y_test = _data(5000, after, 0.0, seed=999)
    true_p = special.expit(np.hstack([X_test, np.ones((5000, 1))]) @ np.append(after, 0.0))

    def error(model: BayesianLogisticRegression) -> float:
        return float(np.abs(model.predict_proba(X_test) - true_p).mean())

    assert np.abs(forgetting.mean_[:3] - after).max() < 0.5
    assert np.abs(static.mean_[:3] - after).max() > 1.0
    assert error(forgetting) < 0.05 < 0.15 < error(static)


def test_forgetting_pulls_unused_weights_back_to_the_prior() -> None:
    # a feature that stops appearing: its precision decays towards the initial prior's
    X, y = _data(500, TRUE_W[:2], 0.0, seed=8)
    model = BayesianLogisticRegression(forgetting=0.5, prior_precision=3.0).fit(X, y)
    X_off = X.copy()
    X_off[:, 1] = 0.0
    for _ in range(30):
        model.partial_fit(X_off[:10], y[:10])
    assert model.precision_[1, 1] == pytest.approx(3.0, rel=1e-6)


def test_refit_forgets_earlier_batches() -> None:
    X, y = _data(300, TRUE_W[:3], 0.0, seed=9)
    X2, y2 = _data(300, -TRUE_W[:3], 0.0, seed=10)
    once = BayesianLogisticRegression().fit(X, y)
    twice = BayesianLogisticRegression().fit(X2, y2).fit(X, y)
    np.testing.assert_array_equal(once.mean_, twice.mean_)
    np.testing.assert_array_equal(once.precision_, twice.precision_)


@pytest.mark.parametrize(("X", "y", "message"), [
    (np.ones((3, 2)), [0.0, 1.0, 1.5], r"y must be probabilities in \[0, 1\], row 2 is 1.5"),
    (np.ones((3, 2)), [0.0, -0.1, 1.0], r"y must be probabilities in \[0, 1\], row 1 is -0.1"),
    (np.ones((3, 2)), [0.0, 1.0], r"one entry per round, got lengths X 3, y 2"),
    ([[1.0, np.nan], [0.0, 1.0]], [0.0, 1.0], r"X must be finite, position \[0, 1\] is nan"),
    (np.ones(3), [0.0, 1.0, 1.0], r"X must be a 2-D array"),
    (np.ones((0, 2)), np.ones(0), r"the batch is empty"),
])
def test_bad_batches_are_refused_with_a_clear_error(X: object, y: object, message: str) -> None:
    with pytest.raises(BanditInputError, match=message):
        BayesianLogisticRegression().fit(X, y)


def test_other_misuse_is_refused() -> None:
    X, y = _data(50, TRUE_W[:2], 0.0, seed=11)
    with pytest.raises(RecstackError, match="call fit"):
        BayesianLogisticRegression().predict_proba(X)
    model = BayesianLogisticRegression().fit(X, y)
    with pytest.raises(BanditInputError, match="X has 3 features, the model was fitted with 2"):
        model.partial_fit(np.ones((4, 3)), np.ones(4))
    with pytest.raises(BanditInputError, match="must have 2 features"):
        model.predict_proba(np.ones((4, 3)))
    with pytest.raises(BanditInputError, match="sample_weight must be >= 0"):
        BayesianLogisticRegression().fit(X, y, sample_weight=-np.ones(50))
    with pytest.raises(ConfigError, match="forgetting must be > 0.0"):
        BayesianLogisticRegression(forgetting=0.0).fit(X, y)
    with pytest.raises(ConfigError, match="prior_precision must be > 0.0"):
        BayesianLogisticRegression(prior_precision=-1.0).fit(X, y)
    with pytest.raises(ConfigError, match="every label is 1"):
        BayesianLogisticRegression(intercept_precision=0.0).fit(X, np.ones(50))


def test_predictions_draws_and_overflowing_features_are_checked() -> None:
    X, y = _data(50, TRUE_W[:2], 0.0, seed=11)
    model = BayesianLogisticRegression().fit(X, y)
    with pytest.raises(BanditInputError, match=r"X must be finite, position \[0, 1\] is nan"):
        model.predict_proba([[0.0, np.nan]])
    with pytest.raises(BanditInputError, match="X must be an array of numbers"):
        model.predict_proba([["a", "b"]])
    for bad in (-1, 1.5, "3", 10**15):  # 10**15 draws would take 24 PB
        with pytest.raises(BanditInputError, match=f"n_draws must be an integer from 1 to "
                           f".*got {bad!r}"):
            model.sample_weights(bad)  # type: ignore[arg-type]
    with pytest.raises(BanditInputError, match="rng must be a numpy.random.Generator"):
        model.sample_weights(2, rng=3)  # type: ignore[arg-type]
    with pytest.raises(BanditInputError, match="the MAP search overflowed .*standardise"):
        BayesianLogisticRegression().fit(X * 1e200, y)
    # an intercept-only model (no features) predicts for rows of zero width
    alone = BayesianLogisticRegression().fit(np.zeros((50, 0)), y)
    assert alone.predict_proba(np.zeros((3, 0))).shape == (3,)
    # whole numbers are accepted where a float is declared (TOML writes 1, not 1.0)
    BayesianLogisticRegression(prior_precision=2, forgetting=1).fit(X, y)

"""Faithfulness of the probability methods to their papers: reference values worked by
hand from the definitions, or from independent implementations (scikit-learn, scipy).

- Platt scaling fitted the plain logistic regression of the 0/1 labels, where Platt (1999,
  section 2.2) and scikit-learn's sigmoid calibration fit against the smoothed targets
  (N+ + 1) / (N+ + 2) and 1 / (N- + 2): the slope and intercept differed (by a third on
  six rows), and scores that separate the outcomes gave a slope of the solver's choosing.
  Platt's targets are now the default; ``targets="labels"`` keeps the plain fit.
- Isotonic regression, temperature scaling, the downsampling correction, histogram
  binning, the diagonal online Laplace update (Chapelle & Li 2011, Algorithm 3) and the
  probit approximation (MacKay 1992) are pinned against their definitions.
"""

from __future__ import annotations

import json
import math
import warnings

import numpy as np
import pytest
from scipy import optimize, special

from recstack.pipeline.bayesian import BayesianLogisticRegression, probit_sigmoid
from recstack.pipeline.calibration import (
    CalibrationError,
    DownsamplingCorrection,
    HistogramCalibrator,
    IsotonicCalibrator,
    PlattCalibrator,
    TemperatureCalibrator,
    load_calibrator,
)

sklearn = pytest.importorskip("sklearn")


def _held_out(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    scores = 3 * rng.normal(size=n)
    labels = (rng.random(n) < special.expit(2 * scores - 1)).astype(np.float64)
    return scores, labels


# --------------------------------------------------------------------------- Platt
def test_platt_two_rows_by_hand():
    # one positive and one negative: targets 2/3 and 1/3, two free parameters, so the fit
    # reaches them exactly: sigma(a + b) = 2/3, sigma(-a + b) = 1/3, a = ln 2, b = 0
    # (the plain fit on the labels 1 and 0 has no maximum: the slope runs away)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        platt = PlattCalibrator().fit([-1.0, 1.0], [0, 1])
    assert platt.slope_ == pytest.approx(math.log(2), rel=1e-7)
    assert platt.intercept_ == pytest.approx(0.0, abs=1e-7)
    assert platt.predict([1.0, -1.0]) == pytest.approx([2 / 3, 1 / 3], rel=1e-7)


def test_platt_two_score_values_by_hand():
    # scores 0 and 1, three rows each; N+ = N- = 3: targets 4/5 and 1/5. With two score
    # values the fit reaches each value's mean target: at 0, (1/5 + 1/5 + 4/5) / 3 = 2/5,
    # at 1, (1/5 + 4/5 + 4/5) / 3 = 3/5, so b = ln(2/3) and a + b = ln(3/2)
    scores, labels = [0, 0, 0, 1, 1, 1], [0, 0, 1, 0, 1, 1]
    platt = PlattCalibrator().fit(scores, labels)
    assert platt.slope_ == pytest.approx(2 * math.log(3 / 2), rel=1e-7)
    assert platt.intercept_ == pytest.approx(math.log(2 / 3), rel=1e-7)
    # the plain labels: rates 1/3 and 2/3, b = ln(1/2), a = 2 ln 2
    plain = PlattCalibrator(targets="labels").fit(scores, labels)
    assert plain.slope_ == pytest.approx(2 * math.log(2), rel=1e-7)
    assert plain.intercept_ == pytest.approx(math.log(1 / 2), rel=1e-7)


@pytest.mark.filterwarnings("ignore:The least populated class")  # sklearn's, n = 8
@pytest.mark.parametrize("n", [8, 57, 3000])
def test_platt_matches_scikit_learns_sigmoid_calibration(n):
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.frozen import FrozenEstimator
    from sklearn.linear_model import LogisticRegression

    scores, labels = _held_out(n, seed=n)
    labels[:2] = [0, 1]  # both classes, however small
    # a classifier whose decision function is the score itself: coef 1, intercept 0
    classifier = LogisticRegression().fit(scores[:, None], labels)
    classifier.coef_[:] = 1.0
    classifier.intercept_[:] = 0.0
    reference = CalibratedClassifierCV(FrozenEstimator(classifier), method="sigmoid").fit(
        scores[:, None], labels)
    queries = np.linspace(-6, 6, 25)
    ours = PlattCalibrator().fit(scores, labels)
    np.testing.assert_allclose(ours.predict(queries),
                               reference.predict_proba(queries[:, None])[:, 1], atol=1e-6)


def test_platt_scores_that_separate_the_outcomes_fit_a_finite_slope_quietly():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        platt = PlattCalibrator().fit([-1.0, -0.1, 0.1, 1.0], [0, 0, 1, 1])
    # the optimum against the targets t = 1/4, 1/4, 3/4, 3/4 (N+ = N- = 2): the gradient
    # of the cross-entropy, sum (p - t) and sum (p - t) s, is 0 at a finite slope, and the
    # data are symmetric (s -> -s, t -> 1 - t), so the intercept is 0
    scores, targets = np.array([-1.0, -0.1, 0.1, 1.0]), np.array([0.25, 0.25, 0.75, 0.75])
    p = platt.predict(scores)
    assert np.sum(p - targets) == pytest.approx(0.0, abs=1e-7)
    assert np.sum((p - targets) * scores) == pytest.approx(0.0, abs=1e-7)
    assert platt.intercept_ == pytest.approx(0.0, abs=1e-7)
    assert 0.5 < platt.predict([1.0])[0] < 0.8  # far from the certainty of the plain fit


def test_platt_targets_are_saved_and_an_older_file_reads_as_the_labels(tmp_path):
    scores, labels = _held_out(200, seed=1)
    path = PlattCalibrator().fit(scores, labels).save(tmp_path / "platt.json")
    assert json.loads(path.read_text())["targets"] == "platt"
    assert load_calibrator(path).targets == "platt"
    older = tmp_path / "older.json"
    older.write_text('{"format": "recstack-calibrator", "type": "platt", "slope": 2.0, '
                     '"intercept": -1.0}')
    loaded = load_calibrator(older)
    assert loaded.targets == "labels"
    assert loaded.predict([0.5]) == pytest.approx([0.5])


@pytest.mark.parametrize("targets,message", [
    ("plat", "targets must be 'platt' .* got 'plat' \\(did you mean 'platt'\\?\\)"),
    (True, "targets must be 'platt' .* got True"),
])
def test_platt_refuses_unknown_targets_by_name(targets, message):
    with pytest.raises(CalibrationError, match=message):
        PlattCalibrator(targets=targets).fit([0.0, 1.0], [0, 1])


# --------------------------------------------------------------------------- isotonic
def test_isotonic_matches_scikit_learn_with_ties_and_beyond_the_range():
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.frozen import FrozenEstimator
    from sklearn.isotonic import IsotonicRegression
    from sklearn.linear_model import LogisticRegression

    rng = np.random.default_rng(3)
    scores = np.round(rng.normal(size=500), 1)  # many ties
    labels = (rng.random(500) < special.expit(scores)).astype(np.float64)
    queries = np.linspace(-5, 5, 41)
    ours = IsotonicCalibrator().fit(scores, labels).predict(queries)
    reference = IsotonicRegression(out_of_bounds="clip").fit(scores, labels).predict(queries)
    np.testing.assert_allclose(ours, reference, atol=1e-12)
    classifier = LogisticRegression().fit(scores[:, None], labels)
    classifier.coef_[:] = 1.0
    classifier.intercept_[:] = 0.0
    calibrated = CalibratedClassifierCV(FrozenEstimator(classifier), method="isotonic").fit(
        scores[:, None], labels)
    np.testing.assert_allclose(ours, calibrated.predict_proba(queries[:, None])[:, 1],
                               atol=1e-12)


# --------------------------------------------------------------------------- temperature
def test_temperature_minimises_the_nll_over_one_temperature():
    logits = np.array([-3.0, -1.0, -0.5, 0.5, 1.0, 2.0, 4.0, -2.0])
    labels = np.array([0, 0, 1, 0, 1, 1, 1, 1], dtype=np.float64)

    def nll(t):
        z = logits / t
        return np.mean(np.logaddexp(0, z) - labels * z)

    reference = optimize.minimize_scalar(nll, bounds=(0.01, 100), method="bounded",
                                         options={"xatol": 1e-12}).x
    ours = TemperatureCalibrator().fit(logits, labels)
    assert ours.temperature_ == pytest.approx(reference, rel=1e-6)
    # the optimum's first-order condition: sum (sigma(z / T) - y) z = 0
    assert np.sum((special.expit(logits / ours.temperature_) - labels) * logits) == \
        pytest.approx(0.0, abs=1e-6)


# --------------------------------------------------------------------------- correction
def test_downsampling_correction_by_hand():
    # q = p / (p + (1 - p) / w): p = 1/2 at w = 1/10 is (1/2) / (1/2 + 5) = 1/11;
    # p = 0.9 at w = 0.5 is 0.9 / (0.9 + 0.2) = 9/11
    assert DownsamplingCorrection(rate=0.1).fit().predict([0.5]) == pytest.approx([1 / 11])
    assert DownsamplingCorrection(rate=0.5).fit().predict([0.9, 0.0, 1.0]) == \
        pytest.approx([9 / 11, 0.0, 1.0])


# --------------------------------------------------------------------------- histogram
def test_histogram_binning_is_each_bins_positive_rate():
    # quantile edges of 8 scores in 4 bins: right-closed bins of two scores each
    scores = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8]
    labels = [0, 0, 0, 1, 1, 0, 1, 1]
    h = HistogramCalibrator(n_bins=4).fit(scores, labels)
    np.testing.assert_array_equal(h.counts_, [2, 2, 2, 2])
    np.testing.assert_allclose(h.rates_, [0.0, 0.5, 0.5, 1.0])
    np.testing.assert_allclose(h.predict([0.0, 0.35, 0.55, 0.9]), [0.0, 0.5, 0.5, 1.0])


# --------------------------------------------------------------------------- Bayesian
def test_diagonal_online_update_is_chapelle_and_lis_algorithm_3():
    rng = np.random.default_rng(11)
    X1, X2 = rng.normal(size=(60, 3)), rng.normal(size=(40, 3))
    w_true = np.array([1.0, -1.0, 0.5])
    y1 = (rng.random(60) < special.expit(X1 @ w_true)).astype(np.float64)
    y2 = (rng.random(40) < special.expit(X2 @ w_true)).astype(np.float64)
    model = BayesianLogisticRegression(prior_precision=2.0, fit_intercept=False,
                                       diagonal=True, tol=1e-12).fit(X1, y1)

    def algorithm_3(m, q, X, y):
        signed = 2 * y - 1  # the paper's labels in {-1, 1}

        def objective(w):
            z = signed * (X @ w)
            return 0.5 * np.sum(q * (w - m) ** 2) + np.sum(np.logaddexp(0, -z)), \
                q * (w - m) - X.T @ (signed * special.expit(-z))

        w = optimize.minimize(objective, m, jac=True, method="BFGS",
                              options={"gtol": 1e-12}).x
        p = special.expit(X @ w)
        return w, q + (X**2).T @ (p * (1 - p))

    m1, q1 = algorithm_3(np.zeros(3), np.full(3, 2.0), X1, y1)
    np.testing.assert_allclose(model.mean_, m1, atol=1e-6)
    np.testing.assert_allclose(model.precision_, q1, rtol=1e-6)
    model.partial_fit(X2, y2)
    m2, q2 = algorithm_3(m1, q1, X2, y2)
    np.testing.assert_allclose(model.mean_, m2, atol=1e-6)
    np.testing.assert_allclose(model.precision_, q2, rtol=1e-6)


def test_probit_approximation_by_hand():
    # kappa = (1 + pi s^2 / 8)^(-1/2): s^2 = 8 / pi halves 1 + pi s^2 / 8 ... to 2
    assert probit_sigmoid(1.0, 8 / math.pi) == pytest.approx(special.expit(1 / math.sqrt(2)))
    assert probit_sigmoid(np.array([2.0, -3.0]), np.array([0.0, 24 / math.pi])) == \
        pytest.approx(special.expit([2.0, -1.5]))

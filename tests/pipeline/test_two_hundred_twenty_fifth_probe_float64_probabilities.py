"""Two-hundred-twenty-fifth bad-input probe: a ranker's probabilities near 0 and 1.

``predict_proba`` of the rankers took the float64 sigmoid of the logit and cast it to
float32, which holds no number between 1 - 6e-8 and 1: from a logit of about 17 on, every
probability was exactly 1.0, so ``log(1 - p)`` was infinite, candidates the ranker told
apart tied, and a calibrator of probabilities downstream (``DownsamplingCorrection`` in a
``CalibratedScorer``) gave 1.0 too. The probabilities are now float64, computed from the
logit (scores, the logits, stay float32).

Reference values, worked by hand: sigma(20) = 1 / (1 + e^-20) with e^-20 =
2.061153622438558e-09, so 1 - sigma(20) = e^-20 / (1 + e^-20) = 2.0611536182e-09;
sigma(-40) = e^-40 / (1 + e^-40) = 4.248354255291589e-18 (the 1 + e^-40 rounds to 1)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from recstack.pipeline.calibration import CalibratedScorer, DownsamplingCorrection
from recstack.pipeline.rankers import create_ranker
from recstack.pipeline.schema import Feature, FeatureFrame, FeatureSchema

SCHEMA = FeatureSchema((Feature("signal", "numeric", "label is signal > 0.5"),
                        Feature("genre", "categorical", "noise", cardinality=3)))
E20 = 2.061153622438558e-09
E40 = 4.248354255291589e-18


def _frame(signal) -> FeatureFrame:
    n = len(signal)
    groups = np.arange(n) // 6
    return FeatureFrame(SCHEMA, np.asarray(signal, float)[:, None], (np.arange(n) % 3)[:, None],
                        groups, np.arange(n), groups)


def _logistic(intercept: float, slope: float = 0.0):
    pytest.importorskip("sklearn")
    signal = np.linspace(0.0, 1.0, 60)
    ranker = create_ranker("logistic").fit(_frame(signal), (signal > 0.5).astype(float))
    # the logit is set by hand: coef . standardised features + intercept
    ranker.coef_ = np.zeros_like(ranker.coef_)
    ranker.coef_[0] = slope
    ranker.intercept_ = intercept
    return ranker


def test_a_logit_of_20_is_a_probability_below_1():
    ranker = _logistic(20.0)
    frame = _frame([0.2, 0.5, 0.9])
    np.testing.assert_array_equal(ranker.score(frame), np.float32(20.0))
    p = ranker.predict_proba(frame)
    assert p.dtype == np.float64
    np.testing.assert_allclose(1.0 - p, E20 / (1.0 + E20), rtol=1e-6)
    assert (p < 1.0).all()
    # the log loss of a negative is finite: -log(1 - p) = 20 + log(1 + e^-20)
    np.testing.assert_allclose(-np.log1p(-p), 20.0 + math.log1p(E20), rtol=1e-7)


def test_a_logit_of_minus_40_keeps_its_digits():
    p = _logistic(-40.0).predict_proba(_frame([0.2, 0.9]))
    assert p.dtype == np.float64
    np.testing.assert_allclose(p, E40, rtol=1e-12)


def test_candidates_the_ranker_tells_apart_do_not_tie_near_1():
    # logits 20 + slope x (signal - mean) / scale: six distinct values from about 18 to 22
    ranker = _logistic(20.0, slope=1.0)
    frame = _frame(np.linspace(0.0, 1.0, 6))
    scores = ranker.score(frame).astype(np.float64)
    assert scores.min() > 17 and np.unique(scores).size == 6
    p = ranker.predict_proba(frame)
    assert np.unique(p).size == 6
    np.testing.assert_array_equal(np.argsort(p), np.argsort(scores))
    # the scores are the logits rounded to float32 (about 1e-6 apart from the float64 ones)
    np.testing.assert_allclose(1.0 - p, np.exp(-scores) / (1.0 + np.exp(-scores)), rtol=1e-5)


def test_an_empty_frame_gives_an_empty_float64_array():
    p = _logistic(0.0).predict_proba(_frame(np.zeros(0)))
    assert p.shape == (0,) and p.dtype == np.float64


def test_a_downsampling_correction_of_the_ranker_stays_below_1():
    ranker = _logistic(20.0)
    frame = _frame([0.2, 0.9])
    scorer = CalibratedScorer(ranker, DownsamplingCorrection(rate=0.1)).fit(frame, [0.0, 1.0])
    q = scorer.predict(frame)
    # q = p / (p + (1 - p) / 0.1): 1 - q = 10 (1 - p) / (p + 10 (1 - p))
    one_minus_p = E20 / (1.0 + E20)
    expected = 10 * one_minus_p / ((1 - one_minus_p) + 10 * one_minus_p)
    np.testing.assert_allclose(1.0 - q, expected, rtol=1e-6)


@pytest.mark.parametrize("name", ["wide_deep", "dcn_v2", "multitask", "lightgbm"])
def test_every_ranker_gives_float64_probabilities_of_its_logits(name):
    from scipy import special

    pytest.importorskip("lightgbm" if name == "lightgbm" else "torch")
    signal = np.linspace(0.0, 1.0, 60)
    labels = (signal > 0.5).astype(float)
    if name == "multitask":
        labels = np.column_stack([labels, np.where(labels > 0, 5.0, 1.0)])
    options = ({"n_estimators": 5, "loss": "binary"} if name == "lightgbm" else
               {"epochs": 1, "hidden": (4,), "device": "cpu"})
    ranker = create_ranker(name, **options).fit(_frame(signal), labels)
    frame = _frame([0.1, 0.6, 0.9])
    p = ranker.predict_proba(frame)
    assert p.dtype == np.float64
    # the scores are the logits rounded to float32
    np.testing.assert_allclose(p, special.expit(ranker.score(frame).astype(np.float64)),
                               rtol=1e-6)


def test_the_bayesian_models_correction_is_taken_from_the_logit():
    # a logit of 30 on the downsampled scale, negatives kept at a rate of 1e-10: on the
    # original scale q = sigma(30 + log 1e-10), 1 - q = 1 / (1 + e^30 x 1e-10)
    # = 1 / (1 + 1068.6474581524463) = 9.34887464443e-04. From sigma(30) in float64
    # (1 - p held to 1 part in 1,000 there) it came out as 9.3393e-04.
    from recstack.pipeline.bayesian import BayesianLogisticRegression

    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 1))
    model = BayesianLogisticRegression().fit(X, (X[:, 0] > 0).astype(float))
    model.mean_ = np.array([1.0, 0.0])  # the logit is x itself
    model.odds_rate_ = 1e-10
    q = model.predict_proba_map(np.array([[30.0], [-40.0]]))
    assert q.dtype == np.float64
    np.testing.assert_allclose(1.0 - q[0], 9.34887464443e-04, rtol=1e-10)
    # sigma(-40 + log 1e-10) = e^-40 x 1e-10 / (1 + ...) = 4.248354255291589e-28
    np.testing.assert_allclose(q[1], E40 * 1e-10, rtol=1e-10)

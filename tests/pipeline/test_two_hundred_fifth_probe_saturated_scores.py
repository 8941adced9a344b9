"""Rankers whose scores were probabilities (logistic, LightGBM 'binary') gave float32 scores
of exactly 1.0 above a logit of about 17, so candidates the model told apart tied and the
list fell back to the candidates' order, silently. ``score`` is now the logit (the order
the model means) and ``predict_proba`` the probability; a calibrator of probabilities
wrapped around a ranker gets its ``predict_proba``."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.errors import RecstackError
from recstack.pipeline.calibration import CalibratedScorer, DownsamplingCorrection
from recstack.pipeline.imbalance import correct_probability
from recstack.pipeline.rankers import create_ranker, load_ranker
from recstack.pipeline.schema import Feature, FeatureFrame, FeatureSchema

pytest.importorskip("sklearn")

SCHEMA = FeatureSchema((Feature("signal", "numeric"),))


def frame_of(values) -> FeatureFrame:
    values = np.asarray(values, np.float64)
    n = len(values)
    groups = np.repeat(np.arange((n + 9) // 10), 10)[:n]
    return FeatureFrame(SCHEMA, values[:, None], np.zeros((n, 0), np.int64), groups,
                        np.arange(n) % 10, groups)


def separable() -> tuple[FeatureFrame, np.ndarray]:
    """400 rows, label = signal > 0 except three flipped rows: a steep logistic fit."""
    x = np.random.default_rng(0).normal(size=400) * 3
    y = (x > 0).astype(float)
    y[:3] = 1 - y[:3]
    return frame_of(x), y


@pytest.fixture(scope="module")
def logistic():
    frame, labels = separable()
    return create_ranker("logistic", C=1e6).fit(frame, labels)


def test_logistic_scores_are_logits_that_keep_their_order(logistic):
    candidates = frame_of([8.0, 9.0, 10.0, 11.0, -11.0])
    scores = logistic.score(candidates)
    # the logit worked from the fitted weights: w (x - mean) / scale + b
    expected = (logistic.coef_[0] * (np.array([8.0, 9.0, 10.0, 11.0, -11.0])
                                     - logistic.means_[0]) / logistic.scales_[0]
                + logistic.intercept_)
    np.testing.assert_allclose(scores, expected, rtol=1e-6)
    assert (expected[:4] > 17).all()  # where float32 probabilities are exactly 1.0
    assert np.all(np.diff(scores[:4]) > 0)  # told apart: no tie
    probabilities = logistic.predict_proba(candidates)
    # float64 (float32 was 1.0 from a logit of about 17 on); these logits (44 to 61) are
    # past float64's last number below 1 too (about 37)
    assert probabilities.dtype == np.float64
    assert probabilities[:4].tolist() == [1.0, 1.0, 1.0, 1.0]  # why they are not the score
    np.testing.assert_allclose(probabilities, 1 / (1 + np.exp(-expected)), rtol=1e-6)


def test_logistic_probabilities_survive_save_and_load(logistic, tmp_path):
    candidates = frame_of([-1.0, 0.0, 0.5])
    loaded = load_ranker(logistic.save(tmp_path / "ranker"))
    np.testing.assert_array_equal(loaded.score(candidates), logistic.score(candidates))
    np.testing.assert_array_equal(loaded.predict_proba(candidates),
                                  logistic.predict_proba(candidates))
    assert ((loaded.predict_proba(candidates) > 0) & (loaded.predict_proba(candidates) < 1)).all()


def test_a_very_negative_logit_gives_probability_zero_without_a_warning(logistic):
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        # within the training band (no clipping); its logit is below -745, exp(-z) overflows
        assert logistic.score(frame_of([-150.0]))[0] < -745
        assert logistic.predict_proba(frame_of([-150.0])).tolist() == [0.0]


def test_lightgbm_binary_scores_are_its_raw_logits():
    pytest.importorskip("lightgbm")
    x = np.linspace(-5, 5, 200)
    frame, labels = frame_of(x), (x > 0).astype(float)
    # heavy positives drive the trees' raw scores far past 17
    weights = np.where(x > 0, 1e6, 1.0) * (1 + (x > 2))
    ranker = create_ranker("lightgbm", loss="binary", n_estimators=100, learning_rate=1.0,
                           min_child_samples=2, num_leaves=8, n_jobs=1)
    ranker.fit(frame, labels, sample_weight=weights)
    scores, probabilities = ranker.score(frame), ranker.predict_proba(frame)
    raw = ranker.booster_.predict(x[:, None], raw_score=True)
    np.testing.assert_allclose(scores, raw.astype(np.float32), rtol=1e-6)
    np.testing.assert_allclose(probabilities, ranker.booster_.predict(x[:, None]), rtol=1e-6)
    positive = labels > 0
    # the probabilities tie (float32 1.0) where the logits still order the candidates
    assert len(np.unique(scores[positive])) > len(np.unique(probabilities[positive]))


def test_lambdarank_scores_have_no_probability():
    pytest.importorskip("lightgbm")
    frame, labels = separable()
    ranker = create_ranker("lightgbm", n_estimators=5, n_jobs=1).fit(frame, labels)
    with pytest.raises(RecstackError, match=r"^lightgbm\.predict_proba: the scores of loss "
                       r"'lambdarank' order the candidates and are not the log-odds of a "
                       r"click, so they have no probability; this ranker gives "
                       r"probabilities under loss 'binary'"):
        ranker.predict_proba(frame)


def test_predict_proba_before_fit_is_refused_as_score_is():
    with pytest.raises(RecstackError, match=r"logistic: call fit\(\) before predict_proba"):
        create_ranker("logistic").predict_proba(frame_of([1.0]))


def test_a_downsampling_correction_around_a_ranker_reads_its_probabilities(logistic):
    held, labels = frame_of([-1.0, -0.2, 0.1, 0.4, 2.0]), np.array([0, 0, 1, 1, 1])
    wrapped = CalibratedScorer(logistic, DownsamplingCorrection(rate=0.25)).fit(held, labels)
    expected = correct_probability(logistic.predict_proba(held).astype(np.float64), 0.25)
    np.testing.assert_allclose(wrapped.predict(held), expected, rtol=1e-6)

"""Calibrators against hand-worked examples, scipy and scikit-learn; AUC unchanged by the
monotone maps; measurements per segment; bad input (issue 12, points 2 and 6)."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from scipy.optimize import minimize
from sklearn.calibration import calibration_curve
from sklearn.isotonic import IsotonicRegression
from sklearn.metrics import roc_auc_score

from recstack.errors import ConfigError, RecstackError
from recstack.metrics.classification import expected_calibration_error
from recstack.pipeline.calibration import (
    CalibratedScorer,
    CalibrationError,
    DownsamplingCorrection,
    HistogramCalibrator,
    IsotonicCalibrator,
    PlattCalibrator,
    TemperatureCalibrator,
    activity_buckets,
    calibration_by_segment,
    calibrator_from_json,
    load_calibrator,
    reliability_table,
)


def _sigmoid(z):
    return 1 / (1 + np.exp(-z))


@pytest.fixture(scope="module")
def held_out():
    """Scores whose true probability is sigmoid(2 s - 1): over-spread as probabilities."""
    rng = np.random.default_rng(0)
    scores = rng.normal(size=4000)
    labels = (rng.random(4000) < _sigmoid(2 * scores - 1)).astype(float)
    return scores, labels


def test_platt_is_the_maximum_likelihood_logistic_fit(held_out):
    # targets="labels": the plain logistic regression of the 0/1 labels (the default takes
    # Platt's smoothed targets, pinned in test_two_hundred_ninety_fifth_probe_faithfulness)
    scores, labels = held_out
    platt = PlattCalibrator(targets="labels").fit(scores, labels)

    def nll(theta):
        z = theta[0] * scores + theta[1]
        return np.mean(np.logaddexp(0, z) - labels * z)

    reference = minimize(nll, x0=[1.0, 0.0], method="BFGS", options={"gtol": 1e-10}).x
    assert platt.slope_ == pytest.approx(reference[0], rel=1e-5)
    assert platt.intercept_ == pytest.approx(reference[1], rel=1e-5)
    assert platt.slope_ == pytest.approx(2, abs=0.2)  # the truth the data came from


def test_isotonic_pools_adjacent_violators_by_hand():
    iso = IsotonicCalibrator().fit([1, 2, 3, 4], [0, 1, 0, 1])
    # 1 -> 0; (2, 3) violate and pool to 0.5; 4 -> 1; linear between, flat outside
    np.testing.assert_allclose(iso.predict([0, 1, 2, 2.5, 3, 3.5, 4, 9]),
                               [0, 0, 0.5, 0.5, 0.5, 0.75, 1, 1])


def test_isotonic_agrees_with_scikit_learn(held_out):
    scores, labels = held_out
    ours = IsotonicCalibrator().fit(scores, labels)
    theirs = IsotonicRegression(out_of_bounds="clip").fit(scores, labels)
    probe = np.linspace(-5, 5, 301)
    np.testing.assert_allclose(ours.predict(probe), theirs.predict(probe), atol=1e-12)


def test_temperature_by_hand():
    # logit 2: 3 positives of 4; logit -2: 1 of 4. Best T solves sigmoid(2 / T) = 3/4.
    logits = [2, 2, 2, 2, -2, -2, -2, -2]
    labels = [1, 1, 1, 0, 1, 0, 0, 0]
    t = TemperatureCalibrator().fit(logits, labels)
    assert t.temperature_ == pytest.approx(2 / math.log(3), rel=1e-6)
    assert t.predict([2.0])[0] == pytest.approx(0.75, rel=1e-6)


def test_histogram_binning_by_hand():
    scores = [0.1, 0.2, 0.3, 0.4, 0.6, 0.7, 0.8, 0.9]
    labels = [0, 0, 1, 0, 1, 1, 0, 1]
    h = HistogramCalibrator(n_bins=2, strategy="quantile").fit(scores, labels)
    # median 0.5: bin (-inf, 0.5] holds 1 positive of 4, (0.5, inf) 3 of 4
    np.testing.assert_allclose(h.edges_, [0.5])
    np.testing.assert_allclose(h.predict([0.0, 0.5, 0.51, 5.0]), [0.25, 0.25, 0.75, 0.75])
    # uniform over [0.1, 0.9] in 4 bins, edges 0.3, 0.5, 0.7: bins hold
    # {0.1, 0.2, 0.3} -> 1/3, {0.4} -> 0, {0.6, 0.7} -> 1, {0.8, 0.9} -> 1/2
    u = HistogramCalibrator(n_bins=4, strategy="uniform").fit(scores, labels)
    np.testing.assert_allclose(u.predict([0.15, 0.45, 0.65, 0.85]), [1 / 3, 0, 1, 0.5])


def test_empty_bin_takes_the_overall_rate():
    h = HistogramCalibrator(n_bins=3, strategy="uniform").fit([0, 0, 1, 1], [0, 1, 1, 1])
    assert h.counts_.tolist() == [2, 0, 2]
    assert h.predict([0.5])[0] == pytest.approx(0.75)


def test_downsampling_correction_undoes_the_sampling():
    correction = DownsamplingCorrection(rate=0.1).fit()
    assert correction.predict([0.5])[0] == pytest.approx(1 / 11)
    # a base rate of 2% seen with 10% of the negatives kept looks like 0.02 / 0.118
    seen = 0.02 / (0.02 + 0.98 * 0.1)
    assert correction.predict([seen])[0] == pytest.approx(0.02, rel=1e-12)
    np.testing.assert_allclose(correction.predict([0.0, 1.0]), [0.0, 1.0])


@pytest.mark.parametrize("make", [PlattCalibrator, TemperatureCalibrator,
                                  lambda: DownsamplingCorrection(rate=0.05)])
def test_strictly_monotone_calibrators_keep_the_auc(held_out, make):
    scores, labels = held_out
    inputs = _sigmoid(scores) if isinstance(make(), DownsamplingCorrection) else scores
    calibrated = make().fit(inputs, labels).predict(inputs)
    assert roc_auc_score(labels, calibrated) == pytest.approx(roc_auc_score(labels, inputs),
                                                              abs=1e-12)


@pytest.mark.parametrize("make", [IsotonicCalibrator, HistogramCalibrator])
def test_step_calibrators_never_reverse_an_order(held_out, make):
    scores, labels = held_out
    order = np.argsort(scores)
    calibrated = make().fit(scores, labels).predict(scores[order])
    assert np.all(np.diff(calibrated) >= 0)
    # ties are all they can add: the AUC moves only by the pairs they tie
    assert roc_auc_score(labels, calibrated[np.argsort(order)]) == pytest.approx(
        roc_auc_score(labels, scores), abs=0.02)


@pytest.mark.parametrize("make", [PlattCalibrator, IsotonicCalibrator, HistogramCalibrator])
def test_calibrating_on_held_out_data_lowers_the_ece(held_out, make):
    scores, labels = held_out
    fit, test = slice(0, 2000), slice(2000, None)
    naive = _sigmoid(scores[test])  # treating the scores as logits: miscalibrated
    calibrated = make().fit(scores[fit], labels[fit]).predict(scores[test])
    assert expected_calibration_error(labels[test], calibrated) < 0.5 * \
        expected_calibration_error(labels[test], naive)


def test_reliability_table_matches_scikit_learn(held_out):
    scores, labels = held_out
    probs = _sigmoid(scores)
    table = reliability_table(labels, probs, n_bins=10)
    observed, predicted = calibration_curve(labels, probs, n_bins=10)
    filled = table[table["count"] > 0]
    np.testing.assert_allclose(filled["observed_rate"], observed)
    np.testing.assert_allclose(filled["mean_predicted"], predicted)


def test_segments_by_hand():
    buckets = activity_buckets([250, 0, 4, 5, 19, 20])
    assert buckets.tolist() == [">=100", "<5", "<5", "5-19", "5-19", "20-99"]
    ordered = calibration_by_segment(np.ones(6), np.full(6, 0.5), {"activity": buckets})
    assert ordered["value"].tolist() == ["all", "<5", "5-19", "20-99", ">=100"]
    labels = np.array([1, 0, 1, 1])
    probs = np.array([0.5, 0.5, 0.2, 0.4])
    table = calibration_by_segment(labels, probs, {"user": ["a", "a", "b", "b"]})
    assert table[["segment", "value", "n"]].values.tolist() == [
        ["all", "all", 4], ["user", "a", 2], ["user", "b", 2]]
    # all: (0.4, 0.5] gap 0, (0.1, 0.2] gap 0.8, (0.3, 0.4] gap 0.6, each of 4 rows
    # "a": one bin (0.4, 0.5] with mean 0.5 and rate 0.5 -> 0; ratio 1 / 1
    # "b": bins (0.1, 0.2] and (0.3, 0.4], gaps 0.8 and 0.6 -> 0.7; ratio 0.6 / 2
    np.testing.assert_allclose(table["ece"], [0.8 / 4 + 0.6 / 4, 0.0, 0.7])
    np.testing.assert_allclose(table["calibration_ratio"], [1.6 / 3, 1.0, 0.3])


def test_json_round_trip_and_files(held_out, tmp_path):
    scores, labels = held_out
    for calibrator in (PlattCalibrator(), IsotonicCalibrator(), TemperatureCalibrator(),
                       HistogramCalibrator(n_bins=7), DownsamplingCorrection(rate=0.3)):
        inputs = _sigmoid(scores) if calibrator.takes == "probability" else scores
        calibrator.fit(inputs, labels)
        path = calibrator.save(tmp_path / f"{calibrator.name}.json")
        again = load_calibrator(path)
        np.testing.assert_array_equal(again.predict(inputs), calibrator.predict(inputs))
    damaged = json.loads((tmp_path / "isotonic.json").read_text())
    damaged["values"] = damaged["values"][::-1]
    with pytest.raises(CalibrationError, match="damaged isotonic"):
        calibrator_from_json(damaged)
    with pytest.raises(CalibrationError, match="unknown calibrator type 'beta'"):
        calibrator_from_json({"format": "recstack-calibrator", "type": "beta"})


def test_numpy_numbers_are_accepted_as_settings_and_saved_as_json(held_out, tmp_path):
    scores, labels = held_out
    binned = HistogramCalibrator(n_bins=np.int64(5)).fit(scores, labels)
    again = load_calibrator(binned.save(tmp_path / "binned.json"))
    np.testing.assert_array_equal(again.predict(scores), binned.predict(scores))
    corrected = DownsamplingCorrection(rate=np.float32(0.5)).fit()
    assert load_calibrator(corrected.save(tmp_path / "down.json")).rate == 0.5


@pytest.mark.parametrize("fields, message", [
    ({"type": ["platt"]}, "unknown calibrator type \\['platt'\\]"),
    ({"type": "platt", "slope": True, "intercept": 0}, "damaged platt .*True is not a number"),
    ({"type": "isotonic", "thresholds": [float("nan"), 1.0], "values": [0, 1]},
     "damaged isotonic .*thresholds must be finite"),
    ({"type": "isotonic", "thresholds": [[0.5]], "values": [[1]]},
     "thresholds must be a list of numbers"),
    ({"type": "histogram", "n_bins": 3, "strategy": "uniform", "edges": [1, 2],
      "rates": [0, 0.5, 1], "counts": [1]}, "do not match n_bins"),
    ({"type": "histogram", "n_bins": 3, "strategy": "uniform", "edges": [float("nan"), 2],
      "rates": [0, 0.5, 1], "counts": [1, 1, 1]}, "edges must be finite"),
    ({"type": "downsampling", "rate": 2}, "calibrator.json: downsampling: rate"),
])
def test_a_damaged_saved_calibrator_is_refused_by_name(fields, message, tmp_path):
    path = tmp_path / "calibrator.json"
    # NaN is written as the bare constant a JSON encoder emits for it
    path.write_text(json.dumps({"format": "recstack-calibrator", **fields}))
    with pytest.raises(CalibrationError, match=message):
        load_calibrator(path)
    path.write_text("[" * 100_000 + "]" * 100_000)  # nested past the parser's recursion
    with pytest.raises(CalibrationError, match="calibrator.json: not JSON"):
        load_calibrator(path)
    with pytest.raises(CalibrationError, match="path must be a file's path .*got None"):
        load_calibrator(None)  # type: ignore[arg-type]
    with pytest.raises(CalibrationError, match="platt.save: path must be a file's path"):
        PlattCalibrator().fit([0.1, 0.9], [0, 1]).save(None)  # type: ignore[arg-type]


@pytest.mark.parametrize("call, message", [
    (lambda: DownsamplingCorrection(rate=0.1).fit().predict([0.2, 1.5]),
     "probabilities in \\[0, 1\\]; position 1 holds 1.5"),
    (lambda: DownsamplingCorrection(rate=0.1).fit([-0.1], [0]), "probabilities in"),
    (lambda: DownsamplingCorrection(rate=0.0).fit(), "rate .* must be in \\(0, 1\\]"),
    (lambda: PlattCalibrator().fit([0.1, 0.5, 0.9], [1, 1, 1]),
     "only label 1 \\(3 rows\\).*needs both outcomes"),
    (lambda: IsotonicCalibrator().fit([0.1, 0.5], [0, 0]), "only label 0"),
    (lambda: TemperatureCalibrator().fit([np.nan, 1.0], [0, 1]), "finite; position 0"),
    (lambda: HistogramCalibrator().fit([0.1, 0.2], [0, 1, 1]), "labels has 3 entries"),
    (lambda: HistogramCalibrator().fit([0.1, 0.2], [0, 2]), "0 or 1; position 1"),
    (lambda: HistogramCalibrator(n_bins=0).fit([0.1, 0.2], [0, 1]), "n_bins"),
    (lambda: PlattCalibrator().fit([], []), "empty"),
    (lambda: PlattCalibrator().predict([0.5]), "call fit"),
    # text, 2-D inputs and non-numbers name the argument instead of a numpy error
    (lambda: PlattCalibrator().fit([0.1, 0.9], [0, 1]).predict(["high"]),
     "platt: scores must be an array of numbers, got text 'high' at position 0"),
    (lambda: PlattCalibrator().fit(np.zeros((2, 2)), [0, 1, 0, 1]),
     "platt: scores must be a 1-D array .* got shape \\(2, 2\\)"),
    (lambda: IsotonicCalibrator().fit([0.1, 0.9], [[0, 1]]), "labels must be a 1-D array"),
    (lambda: CalibratedScorer(lambda x: ["a"] * len(x), PlattCalibrator()).fit([1, 2], [0, 1]),
     "the scorer's outputs for held_out must be an array of numbers"),
    (lambda: activity_buckets([3, np.nan]), "counts must be whole numbers >= 0; position 1"),
    (lambda: activity_buckets([3], edges=("a",)), "edges must be increasing integers"),
    (lambda: calibration_by_segment([0, 1], [0.5, np.nan]),
     "probabilities must be in \\[0, 1\\]; position 1 holds nan"),
    (lambda: calibration_by_segment(["a", "b"], [0.5, 0.5]), "labels must be an array"),
    (lambda: calibration_by_segment([0, 1], [0.5]), "labels has 2 entries, probabilities 1"),
    (lambda: calibration_by_segment([0, 1], [0.5, 0.5], segments=[1, 2]),
     "segments must be a dict"),
])
def test_bad_input_is_one_clear_error(call, message):
    with pytest.raises(CalibrationError, match=message) as caught:
        call()
    assert isinstance(caught.value, RecstackError)
    assert "\n" not in str(caught.value)


def test_a_wrapped_scorer_is_calibrated_on_held_out_inputs(held_out):
    scores, labels = held_out

    class Scorer:
        def score(self, rows):
            return scores[rows]

    wrapped = CalibratedScorer(Scorer(), PlattCalibrator()).fit(np.arange(2000),
                                                               labels[:2000])
    direct = PlattCalibrator().fit(scores[:2000], labels[:2000])
    test = np.arange(2000, 4000)
    np.testing.assert_array_equal(wrapped.predict(test), direct.predict(scores[test]))
    by_function = CalibratedScorer(lambda rows: scores[rows], PlattCalibrator())
    assert by_function.fit(np.arange(2000), labels[:2000]).predict([0]).shape == (1,)
    with pytest.raises(CalibrationError, match="score\\(\\) method or be callable"):
        CalibratedScorer(42, PlattCalibrator()).fit([0, 1], [0, 1])


def test_without_scikit_learn_the_error_says_what_to_install(monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "sklearn", None)
    with pytest.raises(RecstackError, match='pip install "recstack\\[ranking\\]"'):
        IsotonicCalibrator().fit([0.1, 0.9], [0, 1])


@pytest.mark.parametrize("make,message", [
    (lambda: PlattCalibrator(slope=2.0), "PlattCalibrator: no parameter 'slope'; its "
     "parameters: targets"),
    (lambda: HistogramCalibrator(n_bin=5), "HistogramCalibrator: no parameter 'n_bin' "
     "\\(did you mean 'n_bins'\\?\\); its parameters: n_bins, strategy"),
    (lambda: DownsamplingCorrection(rat=0.5), "did you mean 'rate'"),
    (lambda: DownsamplingCorrection(), "DownsamplingCorrection: missing option\\(s\\) rate"),
    (lambda: HistogramCalibrator(5), "HistogramCalibrator: options are given by keyword "
     "\\(its options: n_bins, strategy\\), got 1 positional"),
])
def test_a_wrong_constructor_keyword_is_a_config_error_naming_the_calibrator(make, message):
    with pytest.raises(ConfigError, match=message):
        make()


def test_calibrator_signatures_show_their_options():
    import inspect

    assert str(inspect.signature(HistogramCalibrator)) == "(*, n_bins=10, strategy='quantile')"
    assert HistogramCalibrator(strategy="uniform").strategy == "uniform"

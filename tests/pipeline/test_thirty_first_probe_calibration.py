"""Thirty-first bad-input probe, the calibrators and their measurements:

- ``activity_buckets`` took edges below 1 (``(-5, 3)`` made the buckets ``"<-5"`` and
  ``"-5-2"``, which no count can be in) and text (``"5"``, read character by character),
  called the whole edge ``10**30`` "not a whole number", and counted true/false as 1/0;
- ``calibration_by_segment`` and ``reliability_table`` said ``n_bins must be a positive
  integer`` (and the label checks ``labels must be 0 or 1``) without naming the function
  called, where the module's other messages name it; a calibrator's ``fit`` named no
  calibrator for bad labels either;
- ``DownsamplingCorrection.fit(None, labels)`` ignored the labels without a word, and
  ``fit`` of ragged rows without labels was numpy's "inhomogeneous shape" error;
- ``Calibrator.save`` wrote JSON into ``x.csv``, and into a file ``x`` for ``x/``;
  ``load_calibrator`` refused a file with an editor's byte-order mark as "not JSON";
- temperature scaling on logits that separate the outcomes ended anywhere in the flat zone
  of the loss, without a warning, and one outlier logit (1e10) lifted the search's lower
  bound above the temperature the other logits needed (every probability about 0.5); a
  temperature near 1e-305 predicted with numpy's "overflow encountered in divide"."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

from recstack.pipeline.calibration import (
    CalibrationError,
    DownsamplingCorrection,
    HistogramCalibrator,
    PlattCalibrator,
    TemperatureCalibrator,
    activity_buckets,
    calibration_by_segment,
    load_calibrator,
    reliability_table,
)

LABELS = [0, 0, 1, 1]
PROBABILITIES = [0.2, 0.4, 0.6, 0.8]


# ---------------------------------------------------------------- activity_buckets
@pytest.mark.parametrize(("edges", "message"), [
    ((-5, 3), r"edges\[0\] = -5 is below 1"),
    ((0, 5), r"edges\[0\] = 0 is below 1"),
    ((5, 20, 20), r"edges\[2\] = 20 is not above the edge before it \(20\)"),
    ((20, 5), r"edges\[1\] = 5 is not above the edge before it \(20\)"),
    ((5, 2.5), r"edges\[1\] = 2.5 is not a whole number"),
    ("5", r"got str '5'"),
    ({5, 20}, r"got set"),
    ((), r"got tuple \(\)"),
])
def test_bucket_edges_out_of_place_are_refused_by_position(edges, message):
    with pytest.raises(CalibrationError, match=r"^activity_buckets: edges must be increasing "
                                               r"integers >= 1 .*" + message):
        activity_buckets([0, 3, 7], edges)


def test_a_huge_whole_edge_is_not_called_fractional():
    # float(10**30) != 10**30: it was "not a whole number"
    with pytest.raises(CalibrationError, match=r"edges\[1\] = 10{30} is larger than any count"):
        activity_buckets([0, 3, 7], (5, 10**30))


def test_true_false_counts_are_refused():
    with pytest.raises(CalibrationError, match=r"^activity_buckets: counts must be whole numbers "
                                               r">= 0 .*got true/false values"):
        activity_buckets(np.array([True, False, True]))


def test_good_bucket_edges_still_name_the_buckets():
    # by hand: 0 < 1; 1 and 4 in [1, 5); 5 and 9 in [5, 10); 10 and over >= 10
    buckets = activity_buckets([0, 1, 4, 5, 9, 10, 250], np.array([1, 5, 10]))
    assert list(buckets) == ["<1", "1-4", "1-4", "5-9", "5-9", ">=10", ">=10"]


# ---------------------------------------------------------------- function names
@pytest.mark.parametrize(("call", "message"), [
    (lambda: calibration_by_segment(LABELS, PROBABILITIES, n_bins=0),
     r"^calibration_by_segment: n_bins must be a positive integer \(>= 1\), got 0"),
    (lambda: calibration_by_segment(LABELS, PROBABILITIES, n_bins="ten"),
     r"^calibration_by_segment: n_bins must be a positive integer, got 'ten'"),
    (lambda: calibration_by_segment([0, 2, 1, 1], PROBABILITIES),
     r"^calibration_by_segment: labels must be 0 or 1; position 1 holds 2.0"),
    (lambda: calibration_by_segment(LABELS, PROBABILITIES[:3]),
     r"^calibration_by_segment: labels has 4 entries, probabilities 3"),
    (lambda: calibration_by_segment(LABELS, [0.2, 1.4, 0.6, 0.8]),
     r"^calibration_by_segment: probabilities must be in \[0, 1\]; position 1 holds 1.4"),
    (lambda: calibration_by_segment(LABELS, [PROBABILITIES]),
     r"^calibration_by_segment: probabilities must be a 1-D array, got shape \(1, 4\)"),
    (lambda: calibration_by_segment(LABELS, PROBABILITIES, [1, 2]),
     r"^calibration_by_segment: segments must be a dict"),
    (lambda: calibration_by_segment(LABELS, PROBABILITIES, {"user": ["a"]}),
     r"^calibration_by_segment: segment 'user' has 1 entries for 4 predictions"),
    (lambda: calibration_by_segment(LABELS, None),
     r"^calibration_by_segment: probabilities must be an array of numbers"),
    (lambda: reliability_table(LABELS, PROBABILITIES, n_bins=0),
     r"^reliability_table: n_bins must be a positive integer \(>= 1\), got 0"),
    (lambda: reliability_table(LABELS, PROBABILITIES, strategy="even"),
     r"^reliability_table: strategy must be one of 'uniform', 'quantile'; got 'even'"),
    (lambda: PlattCalibrator().fit(PROBABILITIES, [0, 2, 1, 1]),
     r"^platt: labels must be 0 or 1; position 1 holds 2.0"),
    (lambda: HistogramCalibrator().fit(PROBABILITIES, [0, 1]),
     r"^histogram: labels has 2 entries, scores 4"),
    (lambda: PlattCalibrator().fit(PROBABILITIES, "0101"),
     r"^platt: labels must be an array of numbers, got str"),
])
def test_every_argument_error_names_the_function_or_calibrator(call, message):
    with pytest.raises(CalibrationError, match=message):
        call()


# ---------------------------------------------------------------- downsampling
def test_labels_without_scores_are_refused_by_the_downsampling_correction():
    with pytest.raises(CalibrationError, match=r"^downsampling: labels given without scores; "
                                               r"the correction learns nothing from labels"):
        DownsamplingCorrection(rate=0.5).fit(None, [0, 1])
    # neither, or probabilities with or without labels, are still checks it makes
    assert DownsamplingCorrection(rate=0.5).fit().predict([0.5]) == pytest.approx(1 / 3)
    DownsamplingCorrection(rate=0.5).fit(PROBABILITIES)
    DownsamplingCorrection(rate=0.5).fit(PROBABILITIES, LABELS)


def test_ragged_probabilities_without_labels_are_named():
    with pytest.raises(CalibrationError, match=r"^downsampling: scores"):
        DownsamplingCorrection(rate=0.5).fit([[0.1], [0.2, 0.3]])


# ---------------------------------------------------------------- temperature
def test_separating_logits_warn_once_naming_the_lower_bound():
    logits = np.array([-3.0, -2.0, 2.0, 3.0])
    with pytest.warns(RuntimeWarning) as caught:
        fitted = TemperatureCalibrator().fit(logits, LABELS)
    assert len(caught) == 1
    # the bound: the smallest |logit| (2) over e^10
    bound = 2.0 / math.exp(10)
    assert str(caught[0].message).startswith(
        "temperature: the logits separate the outcomes (every positive's logit is > 0 and "
        "every negative's < 0, or 0)")
    assert f"lower bound T = {bound:.3g}" in str(caught[0].message)
    assert fitted.temperature_ == pytest.approx(bound, rel=1e-9)
    assert fitted.predict([-1.0, 1.0]).tolist() == [0.0, 1.0]


def test_the_upper_bound_warning_names_the_bound():
    logits = np.array([3.0, 2.0, -2.0, -3.0])  # higher for the negatives
    with pytest.warns(RuntimeWarning, match=r"temperature: the log loss keeps falling as the "
                      r"temperature grows up to the search's upper bound T = 6.61e\+04 "
                      r"\(e\^10 times the largest \|logit\|, 3\), where the fit stopped"):
        TemperatureCalibrator().fit(logits, LABELS)


def test_one_outlier_logit_does_not_lift_the_lower_bound():
    # z / 2 fits labels drawn with probability sigma(z / 2): the temperature is near 2, and
    # the logit 1e10 of a positive changes it by nothing (its term is 0 at any T near 2)
    rng = np.random.default_rng(0)
    z = rng.normal(size=400) * 2
    y = (rng.random(400) < 1 / (1 + np.exp(-z / 2))).astype(float)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        alone = TemperatureCalibrator().fit(z, y).temperature_
        outlier = TemperatureCalibrator().fit(np.r_[z, 1e10], np.r_[y, 1.0]).temperature_
    assert 1.5 < alone < 2.7
    # before: the search started at 1e10 / e^10 = 4.5e5, every probability about 0.5
    assert outlier == pytest.approx(alone, rel=1e-6)


# ---------------------------------------------------------------- saving
@pytest.mark.parametrize(("name", "message"), [
    ("platt.csv", r"^platt.save: '.*platt.csv' ends with .csv, but this writes JSON; name "
                  r"the file .json"),
    ("platt/", r"^platt.save: '.*platt/' ends with '/', so it names a folder"),
])
def test_a_calibrator_file_named_for_another_format_is_refused(tmp_path, name, message):
    calibrator = PlattCalibrator().fit(PROBABILITIES, LABELS)
    with pytest.raises(CalibrationError, match=message):
        calibrator.save(f"{tmp_path}/{name}")
    assert list(tmp_path.iterdir()) == []


def test_a_saved_calibrator_with_a_byte_order_mark_reads_back(tmp_path):
    # an editor's byte-order mark: "not JSON (JSONDecodeError: Unexpected UTF-8 BOM ...)"
    path = tmp_path / "platt.json"
    path.write_text('{"format": "recstack-calibrator", "type": "platt", "slope": 2.0, '
                    '"intercept": 0.0}', encoding="utf-8-sig")
    # sigma(2 * 0) = 1/2
    assert load_calibrator(path).predict([0.0]).tolist() == [0.5]


def test_a_tiny_temperature_predicts_without_numpy_warnings():
    # separable logits 1e-300 from 0: T = 1e-300 / e^10, and 1e10 / T overflows
    with pytest.warns(RuntimeWarning, match="the logits separate the outcomes"):
        fitted = TemperatureCalibrator().fit([-1e-300, 1e-300], [0, 1])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        # 1e10 / T passes float64's range: the sigmoid of +-inf
        assert fitted.predict([-1e10, 1e10]).tolist() == [0.0, 1.0]

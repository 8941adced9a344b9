"""Three-hundred-twenty-fourth bad-input probe: labels that are not 0/1 outcomes, and
missing values, in the calibrators and the calibration measurements.

Labels of -1 and 1 (a margin classifier's convention), shares such as 0.3 (a probability or
a click rate where each row's outcome belongs), grades or counts such as 2, and a missing
label (None or pandas' NA, read as NaN) were all "labels must be 0 or 1; position 1 holds
2.0" alone, which said nothing of what the values looked like or of the way to 0/1 outcomes;
a missing score or label was "holds nan", a value the user never wrote. Each is now named
with what it looks like."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from recstack.pipeline.calibration import (
    CalibratedScorer,
    CalibrationError,
    HistogramCalibrator,
    IsotonicCalibrator,
    PlattCalibrator,
    TemperatureCalibrator,
    calibration_by_segment,
)

SCORES = [-1.5, -0.2, 0.4, 1.3]
CALIBRATORS = [PlattCalibrator, IsotonicCalibrator, TemperatureCalibrator, HistogramCalibrator]


@pytest.mark.parametrize("make", CALIBRATORS)
@pytest.mark.parametrize(("labels", "expected"), [
    ([-1, 1, -1, 1], r"position 0 holds -1\.0 \(labels of -1 and 1, the -1/\+1 convention: "
                     r"give the outcomes as 0 and 1, e\.g\. labels > 0\)$"),
    ([0, 0.3, 1, 0.75], r"position 1 holds 0\.3 \(a share between 0 and 1, as a probability "
                        r"or a rate: a label is the outcome observed on its row, 0 or 1"),
    ([0, 2, 1, 4], r"position 1 holds 2\.0 \(whole numbers up to 4: grades, ratings or "
                   r"counts\? give 0/1 outcomes, e\.g\. labels = grades >= 4, or counts > 0\)$"),
    ([0, 1, None, 1], r"position 2 holds nan \(a missing label: None, NA or NaN; leave out "
                      r"the rows whose outcome is unknown\)$"),
    (pd.Series([0, 1, pd.NA, 1], dtype="Int64"), r"position 2 holds nan \(a missing label"),
])
def test_labels_that_are_not_outcomes_are_named_by_what_they_look_like(make, labels, expected):
    with pytest.raises(CalibrationError, match=rf"^{make.name}: labels must be 0 or 1; "
                       + expected):
        make().fit(SCORES, labels)


@pytest.mark.parametrize("labels", [[0, 1, -2, 1], [0, 1, 2.5, 1], [0, 1, np.inf, 1]])
def test_other_labels_keep_the_plain_message(labels):
    # negative, fractional above 1, infinite: no kind of label known; nothing is guessed
    with pytest.raises(CalibrationError, match=r"^platt: labels must be 0 or 1; position 2 "
                       r"holds (-2\.0|2\.5|inf)$"):
        PlattCalibrator().fit(SCORES, labels)


def test_the_swapped_arguments_hint_still_comes_first():
    with pytest.raises(CalibrationError, match=r"were the two swapped\? the order is "
                       r"fit\(scores, labels\)\)$"):
        PlattCalibrator().fit([0, 1, 1, 0], [0.2, 0.8, 0.6, 0.4])


def test_the_measurements_and_the_scorer_name_the_labels_alike():
    with pytest.raises(CalibrationError, match=r"^calibration_by_segment: labels must be 0 or "
                       r"1; position 1 holds 2\.0 \(whole numbers up to 3: grades"):
        calibration_by_segment([0, 2, 1, 3], [0.2, 0.8, 0.6, 0.4])
    scorer = CalibratedScorer(lambda x: np.asarray(x, np.float64), PlattCalibrator())
    with pytest.raises(CalibrationError, match=r"^CalibratedScorer\.fit: labels must be 0 or "
                       r"1; position 0 holds -1\.0 \(labels of -1 and 1"):
        scorer.fit(SCORES, [-1, 1, 1, -1])


@pytest.mark.parametrize("make", CALIBRATORS)
def test_a_missing_score_is_named_missing(make):
    with pytest.raises(CalibrationError, match=rf"^{make.name}: scores must be finite; "
                       r"position 1 holds nan \(a missing value: None, NA or NaN\)$"):
        make().fit([-0.5, None, 0.5, 1.0], [0, 1, 0, 1])
    fitted = make().fit(SCORES, [0, 1, 0, 1])
    with pytest.raises(CalibrationError, match=rf"^{make.name}: scores must be finite; "
                       r"position 0 holds nan \(a missing value: None, NA or NaN\)$"):
        fitted.predict(pd.Series([None, 0.5], dtype="Float64"))
    # an infinite score is no missing value
    with pytest.raises(CalibrationError, match=rf"^{make.name}: scores must be finite; "
                       r"position 0 holds inf$"):
        fitted.predict([np.inf])


def test_a_missing_probability_is_named_missing():
    with pytest.raises(CalibrationError, match=r"^calibration_by_segment: probabilities must "
                       r"be in \[0, 1\]; position 1 holds nan \(a missing value: None, NA or "
                       r"NaN\)$"):
        calibration_by_segment([0, 1, 1], [0.2, None, 0.6])


def test_labels_that_are_outcomes_still_fit_with_hand_worked_values():
    # Platt's targets on two rows: t+ = 2/3, t- = 1/3, so sigma(a * 1 + b) = 2/3 and
    # sigma(-a + b) = 1/3: b = 0, a = log 2; true/false labels are the same outcomes
    for labels in ([0, 1], [False, True], pd.Series([0, 1], dtype="Int64")):
        fitted = PlattCalibrator().fit([-1.0, 1.0], labels)
        assert fitted.slope_ == pytest.approx(np.log(2), abs=1e-7)
        assert fitted.intercept_ == pytest.approx(0.0, abs=1e-7)

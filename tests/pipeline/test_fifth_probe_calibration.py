"""Fifth bad-input probe of calibration: a CalibratedScorer given a calibrator's name
instead of the object failed with AttributeError inside fit."""

from __future__ import annotations

import pytest

from recstack.pipeline.calibration import CalibratedScorer, CalibrationError, PlattCalibrator


@pytest.mark.parametrize("method", ["fit", "predict"])
def test_a_calibrator_name_instead_of_a_calibrator_is_refused(method):
    scorer = CalibratedScorer(lambda x: x, "platt")
    call = (lambda: scorer.fit([0.1, 0.9], [0, 1])) if method == "fit" \
        else (lambda: scorer.predict([0.5]))
    with pytest.raises(CalibrationError, match="calibrator must be a Calibrator such as "
                       "PlattCalibrator\\(\\), got str 'platt'; the calibrators: .*platt"):
        call()


def test_a_calibrated_scorer_still_calibrates():
    # scores 0.2 / 0.8 each labelled 0 and 1 once: Platt's maximum likelihood gives 1/2
    scorer = CalibratedScorer(lambda x: x, PlattCalibrator())
    scorer.fit([0.2, 0.2, 0.8, 0.8], [0, 1, 0, 1])
    assert scorer.predict([0.2, 0.8]).tolist() == pytest.approx([0.5, 0.5], abs=1e-6)


def test_segments_holding_the_labels_rows_in_another_order_are_refused():
    import pandas as pd

    from recstack.pipeline.calibration import calibration_by_segment

    labels = pd.Series([0, 1, 1, 0], index=[10, 11, 12, 13])
    shuffled = pd.Series(["a", "a", "b", "b"], index=[13, 12, 11, 10])
    with pytest.raises(CalibrationError, match="calibration_by_segment: labels and "
                       "segments\\['group'\\] are pandas Series with the same index labels in "
                       "different orders \\(position 0 is row 10 of labels but row 13"):
        calibration_by_segment(labels, [0.2, 0.8, 0.7, 0.1], {"group": shuffled})
    # in the labels' order group b holds rows 10 and 11, labels 0 and 1: n 2, 1 positive
    table = calibration_by_segment(labels, [0.2, 0.8, 0.7, 0.1],
                                   {"group": shuffled.loc[labels.index]})
    row = table[(table.segment == "group") & (table.value == "b")].iloc[0]
    assert (row.n, row.positives) == (2, 1)

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

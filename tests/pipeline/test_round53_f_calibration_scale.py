"""Round 53 (F): a calibrator fitted on one score scale and applied to another.

Before: a Platt or isotonic calibrator fitted on scores in [-2, 2] and given scores in the
hundreds (another model's, or the same model retrained on another scale) answered 1.0 for
every row, without a word. Now ``predict`` warns (``ScoreScaleWarning``) when more than
half of the scores lie outside the fitted scores' range, and the range is saved with the
calibrator (``score_range``), so a loaded calibrator warns too. Logit and probability
inputs (temperature scaling, the downsampling correction) have a scale of their own and
are not range-checked.
"""

from __future__ import annotations

import json
import warnings

import numpy as np
import pytest

from recstack.pipeline.calibration import (
    CalibrationError,
    IsotonicCalibrator,
    PlattCalibrator,
    ScoreScaleWarning,
    TemperatureCalibrator,
    load_calibrator,
)

SCORES = [-2.0, -1.5, -1.0, -0.5, 0.0, 0.5, 1.0, 1.5, 2.0]
LABELS = [0, 0, 1, 0, 0, 1, 0, 1, 1]
# the same scores on another scale: 100 s + 500 runs from 300 to 700
OTHER_SCALE = [100 * s + 500 for s in SCORES]


@pytest.mark.parametrize("calibrator", [PlattCalibrator, IsotonicCalibrator])
def test_scores_of_another_scale_are_warned_of(calibrator):
    fitted = calibrator().fit(SCORES, LABELS)
    with pytest.warns(ScoreScaleWarning, match=r": 9 of the 9 scores \(from 300 to 700\) lie "
                      r"outside the range of the scores it was fitted on \(-2 to 2\)"):
        probabilities = fitted.predict(OTHER_SCALE)
    # the symptom the warning is for: every row at the map's top end
    assert np.all(probabilities == probabilities[0])


@pytest.mark.parametrize("calibrator", [PlattCalibrator, IsotonicCalibrator])
def test_scores_of_the_fitted_scale_and_a_lone_outlier_are_not_warned_of(calibrator):
    fitted = calibrator().fit(SCORES, LABELS)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ScoreScaleWarning)
        fitted.predict(SCORES)
        # 2 of 5 outside: a minority, as the tails of the same distribution give
        fitted.predict([-3.0, -1.0, 0.0, 1.0, 3.0])
        # one score says nothing of a scale (a server predicts one at a time)
        fitted.predict([500.0])


def test_the_range_is_saved_and_a_loaded_calibrator_warns_too(tmp_path):
    path = PlattCalibrator().fit(SCORES, LABELS).save(tmp_path / "platt.json")
    saved = json.loads(path.read_text())
    assert saved["score_range"] == [-2.0, 2.0]
    loaded = load_calibrator(path)
    with pytest.warns(ScoreScaleWarning, match=r"fitted on \(-2 to 2\)"):
        loaded.predict(OTHER_SCALE)


def test_a_file_written_before_the_range_loads_and_predicts_without_a_warning(tmp_path):
    path = PlattCalibrator().fit(SCORES, LABELS).save(tmp_path / "platt.json")
    saved = json.loads(path.read_text())
    del saved["score_range"]
    del saved["sha256"]  # a file written before the range had no checksum either
    path.write_text(json.dumps(saved))
    with warnings.catch_warnings():
        warnings.simplefilter("error", ScoreScaleWarning)
        load_calibrator(path).predict(OTHER_SCALE)


@pytest.mark.parametrize("damaged", [[2.0, -2.0], [1.0], "wide", [0.0, None]])
def test_a_damaged_saved_range_is_refused_by_name(tmp_path, damaged):
    path = PlattCalibrator().fit(SCORES, LABELS).save(tmp_path / "platt.json")
    saved = json.loads(path.read_text())
    saved["score_range"] = damaged
    path.write_text(json.dumps(saved))
    with pytest.raises(CalibrationError, match=r"damaged platt calibrator \(score_range"):
        load_calibrator(path)


def test_temperature_scaling_takes_logits_whatever_their_spread():
    # logits have a scale of their own (0 is even odds): no range is kept or saved
    fitted = TemperatureCalibrator().fit(SCORES, LABELS)
    assert "score_range" not in fitted.to_json()
    with warnings.catch_warnings():
        warnings.simplefilter("error", ScoreScaleWarning)
        fitted.predict([-40.0, 40.0])

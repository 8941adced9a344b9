"""A saved calibrator records the SHA-256 of its content, as a saved model's ``model.json``
does: a value edited by hand after saving (a slope, a threshold, a bin's rate) loaded as a
calibrator that was never fitted, without a word. Now ``load_calibrator`` refuses it,
naming the file and saying that it changed after it was saved. A file without the field
(saved before it was recorded, or written by hand from the documented JSON form) loads as
before.

The checksum's reference value is computed here with hashlib over the documented canonical
form, not with recstack's own function.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from recstack.pipeline.calibration import (
    CalibrationError,
    DownsamplingCorrection,
    HistogramCalibrator,
    IsotonicCalibrator,
    PlattCalibrator,
    TemperatureCalibrator,
    calibrator_from_json,
    load_calibrator,
)

RNG = np.random.default_rng(465)
SCORES = RNG.normal(size=400)
LABELS = (SCORES + RNG.normal(size=400) > 0).astype(int)
PROBE = np.linspace(-3.0, 3.0, 25)


def _fitted() -> list[Any]:
    return [PlattCalibrator().fit(SCORES, LABELS), IsotonicCalibrator().fit(SCORES, LABELS),
            TemperatureCalibrator().fit(SCORES, LABELS),
            HistogramCalibrator(n_bins=5).fit(SCORES, LABELS),
            DownsamplingCorrection(rate=0.25).fit()]


def _probe(calibrator: Any) -> np.ndarray:
    return 1 / (1 + np.exp(-PROBE)) if calibrator.takes == "probability" else PROBE


#: for each kind, a field edited to another value the calibrator accepts
EDITS = {
    "platt": lambda d: d.update(slope=d["slope"] * 2),
    "isotonic": lambda d: d["thresholds"].__setitem__(0, d["thresholds"][0] - 0.5),
    "temperature": lambda d: d.update(temperature=d["temperature"] + 1.0),
    "histogram": lambda d: d["edges"].__setitem__(0, d["edges"][0] - 0.25),
    "downsampling": lambda d: d.update(rate=0.5),
}


def _read(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def _changed_message(path: Path) -> str:
    return (rf"^{re.escape(str(path))}: the file changed after it was saved: its content "
            r"does not match the SHA-256 recorded in its 'sha256' field \([0-9a-f]{12}\.\.\.\)"
            r", so a value was edited by hand or the file was damaged; restore the saved "
            r"file, or fit and save the calibrator again$")


@pytest.mark.parametrize("position", range(5))
def test_a_saved_calibrator_records_the_sha256_of_its_canonical_json(tmp_path, position):
    calibrator = _fitted()[position]
    data = _read(calibrator.save(tmp_path / "c.json"))
    body = {key: value for key, value in data.items() if key != "sha256"}
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    assert data["sha256"] == hashlib.sha256(canonical.encode("ascii")).hexdigest()


@pytest.mark.parametrize("position", range(5))
def test_an_unedited_file_loads_and_predicts_as_saved(tmp_path, position):
    calibrator = _fitted()[position]
    path = calibrator.save(tmp_path / "c.json")
    np.testing.assert_array_equal(load_calibrator(path).predict(_probe(calibrator)),
                                  calibrator.predict(_probe(calibrator)))
    # laid out otherwise (another indent, keys reordered): the same content still loads
    path.write_text(json.dumps(dict(reversed(list(_read(path).items())))), encoding="utf-8")
    np.testing.assert_array_equal(load_calibrator(path).predict(_probe(calibrator)),
                                  calibrator.predict(_probe(calibrator)))


@pytest.mark.parametrize("position", range(5))
def test_a_value_edited_after_saving_is_refused_naming_the_file(tmp_path, position):
    calibrator = _fitted()[position]
    path = calibrator.save(tmp_path / f"{calibrator.name}.json")
    data = _read(path)
    EDITS[calibrator.name](data)
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")
    # before: it loaded, and predicted otherwise than the calibrator that was saved
    with pytest.raises(CalibrationError, match=_changed_message(path)):
        load_calibrator(path)
    # the same object handed to calibrator_from_json is refused alike
    with pytest.raises(CalibrationError, match="the file changed after it was saved"):
        calibrator_from_json(data, str(path))


@pytest.mark.parametrize("field", ["score_range", "targets", "strategy"])
def test_a_saved_setting_or_range_edited_is_refused(tmp_path, field):
    calibrator = (HistogramCalibrator(n_bins=5) if field == "strategy"
                  else PlattCalibrator()).fit(SCORES, LABELS)
    path = calibrator.save(tmp_path / "c.json")
    data = _read(path)
    assert data[field] != (edited := {"score_range": [-10.0, 10.0], "targets": "labels",
                                      "strategy": "uniform"}[field])
    data[field] = edited
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")
    with pytest.raises(CalibrationError, match=_changed_message(path)):
        load_calibrator(path)
    del data["sha256"]  # the same edit without the checksum: a file written by hand loads
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")
    loaded = load_calibrator(path)
    attribute = {"score_range": "score_range_"}.get(field, field)
    assert np.asarray(getattr(loaded, attribute)).tolist() == edited


def test_a_truncated_file_is_refused_naming_the_file(tmp_path):
    path = IsotonicCalibrator().fit(SCORES, LABELS).save(tmp_path / "iso.json")
    text = path.read_text(encoding="utf-8")
    for cut in (1, len(text) // 3, len(text) // 2, len(text) - 3):
        path.write_text(text[:cut], encoding="utf-8")
        with pytest.raises(CalibrationError, match=rf"^{re.escape(str(path))}: "):
            load_calibrator(path)


@pytest.mark.parametrize("recorded", [None, 1, "", "abc", "A" * 64, ["x"]])
def test_a_checksum_field_of_another_form_is_refused_by_name(tmp_path, recorded):
    path = PlattCalibrator().fit(SCORES, LABELS).save(tmp_path / "platt.json")
    data = _read(path)
    data["sha256"] = recorded
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(CalibrationError, match=rf"^{re.escape(str(path))}: the field 'sha256' "
                                               r"must be the 64 lower-case hexadecimal "
                                               r"digits .*the file changed after it was saved"):
        load_calibrator(path)


def test_a_file_without_a_checksum_still_loads(tmp_path):
    """Saved before the checksum was recorded (or written by hand): read as before."""
    path = tmp_path / "older.json"
    path.write_text('{"format": "recstack-calibrator", "type": "platt", "slope": 2.0, '
                    '"intercept": -1.0}', encoding="utf-8")
    # sigma(2 * 0.5 - 1) = sigma(0) = 1/2; sigma(2 * 1 - 1) = 1 / (1 + e^-1)
    assert load_calibrator(path).predict([0.5, 1.0]).tolist() == pytest.approx(
        [0.5, 1 / (1 + math.exp(-1))])

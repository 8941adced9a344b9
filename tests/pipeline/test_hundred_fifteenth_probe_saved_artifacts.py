"""Hundred-fifteenth probe: one output rule for the pipeline's saved artifacts. A
calibrator's ``save`` replaced an existing file without a word, while a ranker's (and every
model's) ``save`` needs ``overwrite=True``; now a calibrator follows the same rule, and the
file already there is left as it was."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.pipeline.calibration import (
    CalibrationError,
    IsotonicCalibrator,
    PlattCalibrator,
    load_calibrator,
)


@pytest.fixture
def calibrator():
    return PlattCalibrator().fit([0.1, 0.4, 0.6, 0.9], [0, 0, 1, 1])


def test_saving_over_an_existing_calibrator_needs_overwrite(tmp_path, calibrator):
    path = tmp_path / "calibrator.json"
    other = IsotonicCalibrator().fit([0.1, 0.4, 0.6, 0.9], [0, 1, 0, 1])
    other.save(path)
    before = path.read_bytes()
    with pytest.raises(CalibrationError) as refused:
        calibrator.save(path)
    assert str(refused.value) == (f"{path} already exists; pass overwrite=True to replace "
                                  "it, or choose another name")
    assert path.read_bytes() == before  # the old calibrator is kept as it was
    assert sorted(p.name for p in tmp_path.iterdir()) == ["calibrator.json"]
    assert load_calibrator(path).name == "isotonic"


def test_overwrite_true_replaces_it(tmp_path, calibrator):
    path = tmp_path / "calibrator.json"
    path.write_text("{}", encoding="utf-8")
    calibrator.save(path, overwrite=True)
    assert load_calibrator(path).predict([0.5]) == pytest.approx(calibrator.predict([0.5]))


def test_a_new_file_needs_no_overwrite(tmp_path, calibrator):
    path = calibrator.save(tmp_path / "new.json")
    assert load_calibrator(path).name == "platt"


@pytest.mark.parametrize("overwrite", ["yes", 1, None, np.array([True])])
def test_overwrite_must_be_true_or_false(tmp_path, calibrator, overwrite):
    with pytest.raises(CalibrationError, match=r"^platt.save: overwrite must be True "
                                               r"\(replace an existing file\) or False"):
        calibrator.save(tmp_path / "c.json", overwrite=overwrite)
    assert not (tmp_path / "c.json").exists()

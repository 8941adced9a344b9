"""A calibrator's ``save`` writes into a folder that exists, as every file a Python call
writes (``save_table``, ``EvaluationResult.to_csv``): a misspelt folder made a new tree of
folders for the file, without a word. Bytes given as scores are named as bytes."""

import numpy as np
import pytest

from recstack.pipeline.calibration import CalibrationError, PlattCalibrator, load_calibrator


@pytest.fixture()
def calibrator() -> PlattCalibrator:
    return PlattCalibrator().fit([0.1, 0.4, 0.6, 0.9], [0, 0, 1, 1])


def test_a_missing_folder_is_refused_and_not_made(calibrator, tmp_path):
    target = tmp_path / "no" / "such" / "platt.json"
    with pytest.raises(CalibrationError, match=r"^platt\.save: .*platt\.json: cannot write "
                                               r"it, its folder .*such does not exist; "
                                               r"create it first$"):
        calibrator.save(target)
    assert not (tmp_path / "no").exists()


def test_a_file_where_the_folder_goes_is_named(calibrator, tmp_path):
    (tmp_path / "notes").write_text("x")
    with pytest.raises(CalibrationError, match=r"its folder .*notes is a file; choose "
                                               r"another path"):
        calibrator.save(tmp_path / "notes" / "platt.json")
    assert (tmp_path / "notes").read_text() == "x"


def test_a_folder_that_exists_still_takes_the_file(calibrator, tmp_path):
    saved = calibrator.save(tmp_path / "platt.json")
    assert load_calibrator(saved).predict([0.5]).shape == (1,)


@pytest.mark.parametrize("scores", [[b"1", b"2"], np.array([b"1", b"2"]),
                                    np.array([b"1", 2.0], dtype=object)])
def test_bytes_are_named_as_bytes(calibrator, scores):
    # among numbers, the bytes are named with their position (hundred-eighty-fifth probe)
    said = (r"bytes b'1' at position 0" if not isinstance(scores, np.ndarray)
            or scores.dtype != object else r"bytes b'1' at position 0 among the numbers")
    with pytest.raises(CalibrationError, match=r"got " + said + r"; bytes are not read as "
                                               r"numbers: decode them"):
        calibrator.predict(scores)
    with pytest.raises(CalibrationError, match=said):
        PlattCalibrator().fit(scores, [0, 1])


def test_text_is_still_named_as_text(calibrator):
    with pytest.raises(CalibrationError, match=r"got text '1' at position 0; text is not read "
                                               r"as numbers, even where it spells one: convert "
                                               r"it first"):
        calibrator.predict(["1", "2"])

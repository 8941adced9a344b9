"""Hundred-eighty-fifth probe: the JSON files of the pipeline's saved artifacts (a saved
calibrator, a saved ranker's ranker.json) read as a user's editor or a cut-short write
leaves them. An empty file was "not JSON (JSONDecodeError: Expecting value: line 1
column 1 (char 0))", a file saved in Latin-1 Python's UnicodeDecodeError, a truncated one
"char 26" without saying the text ended there, and a ranker.json with an editor's
byte-order mark was refused as corrupted (a calibrator's and a model's are read). Each is
now named for what it is, with its line and column."""

from __future__ import annotations

import shutil

import numpy as np
import pytest

from recstack.errors import RecstackError
from recstack.pipeline.calibration import CalibrationError, PlattCalibrator, load_calibrator
from recstack.pipeline.rankers.registry import create_ranker
from recstack.pipeline.rankers.storage import META, load_ranker
from tests.pipeline.saved_rankers import toy


@pytest.fixture(scope="module")
def saved_calibrator(tmp_path_factory):
    scores = np.linspace(0, 1, 20)
    calibrator = PlattCalibrator().fit(scores, (scores > 0.4).astype(float))
    return calibrator.save(tmp_path_factory.mktemp("calibrator") / "platt.json")


@pytest.fixture(scope="module")
def saved_ranker(tmp_path_factory):
    frame, labels = toy()
    folder = tmp_path_factory.mktemp("ranker") / "logistic"
    create_ranker("logistic").fit(frame, labels).save(folder)
    return folder


@pytest.mark.parametrize(("content", "said"), [
    (b"", r"is empty \(0 bytes\); give the calibrator's \.json file"),
    (b"  \n", r"is empty \(only 3 bytes of white space\)"),
    ('{"format": "recstack-calibrat\xe9"}'.encode("latin-1"),
     r"not UTF-8 text \(byte 29, line 1, is b'\\xe9'\)"),
    (b'{"format": "recstack-calibrator",\n "a": 1.0',
     r"not JSON \(line 2, column 10: Expecting ',' delimiter; the text ends before the "
     r"JSON does: is the file cut short\?\)"),
    (b'{"format": "recstack-cal', r"not JSON \(line 1, column 12: Unterminated string "
                                r"starting at; the text ends before the JSON does"),
    (b'{"format": 1,, "a": 2}', r"not JSON \(line 1, column 14: Expecting property name "
                               r"enclosed in double quotes\)$"),
])
def test_a_calibrator_file_is_named_for_what_it_holds(tmp_path, content, said):
    path = tmp_path / "calibrator.json"
    path.write_bytes(content)
    with pytest.raises(CalibrationError, match=r"calibrator\.json: " + said):
        load_calibrator(path)


def test_a_calibrator_with_a_byte_order_mark_still_loads(tmp_path, saved_calibrator):
    path = tmp_path / "platt.json"
    path.write_bytes(b"\xef\xbb\xbf" + saved_calibrator.read_bytes())
    np.testing.assert_array_equal(load_calibrator(path).predict([0.3, 0.7]),
                                  load_calibrator(saved_calibrator).predict([0.3, 0.7]))


def _copy(saved_ranker, tmp_path):
    folder = tmp_path / "ranker"
    shutil.copytree(saved_ranker, folder)
    return folder


def test_a_ranker_file_with_a_byte_order_mark_loads(tmp_path, saved_ranker):
    folder = _copy(saved_ranker, tmp_path)
    meta = folder / META
    meta.write_bytes(b"\xef\xbb\xbf" + meta.read_bytes())
    frame, _ = toy()
    np.testing.assert_array_equal(load_ranker(folder).score(frame),
                                  load_ranker(saved_ranker).score(frame))


@pytest.mark.parametrize(("cut", "said"), [
    (0, r"ranker\.json: is empty \(0 bytes\); the metadata is corrupted: save the ranker "
        r"again"),
    (40, r"ranker\.json: not valid UTF-8 JSON \(line \d+, column \d+: .*; the text ends "
         r"before the JSON does: is the file cut short\?\); the metadata is corrupted"),
])
def test_a_ranker_file_cut_short_is_said_to_be(tmp_path, saved_ranker, cut, said):
    folder = _copy(saved_ranker, tmp_path)
    meta = folder / META
    meta.write_bytes(meta.read_bytes()[:cut])
    with pytest.raises(RecstackError, match=said):
        load_ranker(folder)


def test_a_ranker_file_in_another_encoding_is_named(tmp_path, saved_ranker):
    folder = _copy(saved_ranker, tmp_path)
    meta = folder / META
    meta.write_bytes(b"\xff" + meta.read_bytes())
    with pytest.raises(RecstackError, match=r"ranker\.json: not UTF-8 text \(byte 0, line "
                                            r"1, is b'\\xff'\); the metadata is corrupted"):
        load_ranker(folder)

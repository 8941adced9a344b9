"""One JSON rule for everything recstack reads from a user: a key written twice in one
object, and the bare words NaN and Infinity, are refused (RFC 8259 says names should be
unique and has no such numbers; Python's reader kept the last key silently)."""

import json

import numpy as np
import pandas as pd
import pytest

from recstack import strict_json
from recstack.data import Interactions
from recstack.errors import RecstackError
from recstack.models import create_model, load_model
from recstack.pipeline.calibration import CalibrationError, PlattCalibrator, load_calibrator
from recstack.pipeline.features import FeatureBuilder


@pytest.mark.parametrize("text", [
    '{"a": 1, "a": 2}',
    '{"outer": {"b": 1, "c": 2, "b": 3}}',
    '[{"x": 1}, {"y": 1, "y": 1}]',
])
def test_a_key_given_twice_at_any_depth_is_refused_naming_it(text):
    with pytest.raises(strict_json.RepeatedKeyError, match="is given twice in one object"):
        strict_json.loads(text)


@pytest.mark.parametrize("word", ["NaN", "Infinity", "-Infinity"])
def test_numbers_json_has_not_are_refused(word):
    with pytest.raises(ValueError, match=f"{word} is not a JSON number"):
        strict_json.loads(f'{{"a": {word}}}')


def test_standard_json_reads_as_json_reads_it():
    text = '{"a": [1, 2.5, "x", null, true], "b": {"a": 1}, "c": 1e308}'
    assert strict_json.loads(text) == json.loads(text)


def test_a_saved_models_metadata_with_a_key_written_twice_is_refused(tmp_path):
    data = Interactions.from_arrays([0, 0, 1, 1, 2], [0, 1, 1, 2, 0])
    folder = create_model("most_popular").fit(data).save(tmp_path / "model")
    meta = folder / "model.json"
    text = meta.read_text()
    # a hand edit above the value written at save: the reader kept the later one
    meta.write_text(text.replace('"format": ', '"format": "edited", "format": ', 1))
    with pytest.raises(RecstackError, match=r"model\.json.*'format' is given twice"):
        load_model(folder)


def test_a_calibrator_file_with_a_key_written_twice_is_refused(tmp_path):
    path = tmp_path / "platt.json"
    PlattCalibrator().fit(np.array([0.1, 0.9, 0.4, 0.6]), np.array([0, 1, 0, 1])).save(path)
    path.write_text(path.read_text().replace('"slope": ', '"slope": 1.0, "slope": ', 1))
    with pytest.raises(CalibrationError, match=r"platt\.json: the key 'slope' is given twice"):
        load_calibrator(path)


def test_a_feature_builder_with_a_key_written_twice_is_refused():
    log = Interactions.from_frame(pd.DataFrame({"user_id": [0, 0, 1, 1, 2],
                                                "item_id": [0, 1, 1, 2, 0],
                                                "timestamp": [1, 2, 3, 4, 5]}))
    text = FeatureBuilder().fit(log, ("a",), 2).to_json()
    edited = text.replace('"n_per_source": ', '"n_per_source": 5, "n_per_source": ', 1)
    assert edited != text
    with pytest.raises(RecstackError, match="'n_per_source' is given twice"):
        FeatureBuilder.from_json(edited)

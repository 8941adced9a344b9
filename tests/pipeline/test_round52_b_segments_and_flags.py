"""Round 52 (B) bad-input probe of calibration by segment and of categorical features.

- A segment given as a table (2-D) had its cells read row after row as values: a 2 x 2
  table for 4 predictions was taken as 4 values, each paired with another prediction,
  silently; a table of two columns per prediction was "8 entries for 4 predictions".
- A segment named ``"all"`` gave rows whose ``segment`` read as the overall row's (with
  value ``"all"``, a second row ``("all", "all")`` beside the real one, other counts);
  two segment names that read alike mixed their rows.
- A DataFrame column of true/false among the categorical features was refused as "has the
  float 1.0", a value never written, where an array of true/false gets the reason.

Expected tables are counted by hand from the four predictions below.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from recstack.errors import RecstackError
from recstack.pipeline.calibration import CalibrationError, calibration_by_segment
from recstack.pipeline.schema import Feature, FeatureFrame, FeatureSchema

LABELS = [0, 1, 1, 0]
PROBABILITIES = [0.2, 0.7, 0.6, 0.4]


# ------------------------------------------------------------------ segments as tables
@pytest.mark.parametrize(("values", "shape", "said"), [
    ([["a", "b"], ["a", "b"]], r"\(2, 2\)", "a list of values per prediction, or a table"),
    ([["a", "b"]] * 4, r"\(4, 2\)", "a list of values per prediction, or a table"),
    (pd.DataFrame({"device": ["ios", "web"], "os": ["14", "15"]}), r"\(2, 2\)",
     "a list of values per prediction, or a table"),
])
def test_a_segment_given_as_a_table_is_refused_with_its_shape(values, shape, said):
    with pytest.raises(CalibrationError, match=rf"^calibration_by_segment: segment 'device' "
                       rf"must be 1-D, one value per prediction \(4\), got shape {shape} "
                       rf"\({said}"):
        calibration_by_segment(LABELS, PROBABILITIES, {"device": values})


@pytest.mark.parametrize("values", [
    pd.Series(["ios", "web", "ios", "web"]),
    pd.DataFrame({"device": ["ios", "web", "ios", "web"]}),  # one column: read as it
])
def test_a_segment_of_one_value_per_prediction_still_reports(values):
    table = calibration_by_segment(LABELS, PROBABILITIES, {"device": values})
    assert table[["segment", "value"]].values.tolist() == [
        ["all", "all"], ["device", "ios"], ["device", "web"]]
    # ios: predictions 0 and 2 (labels 0, 1), web: 1 and 3 (labels 1, 0)
    assert table["n"].tolist() == [4, 2, 2]
    assert table["positives"].tolist() == [2, 1, 1]
    assert table["mean_predicted"].tolist() == pytest.approx([0.475, 0.4, 0.55])


# ------------------------------------------------------------------ segment names
@pytest.mark.parametrize("name", ["all", "All", " all "])
def test_a_segment_named_as_the_overall_row_is_refused(name):
    with pytest.raises(CalibrationError, match=rf"^calibration_by_segment: segment "
                       rf"'{name}' is named as the table's overall row \('all', 'all'\), so "
                       "its rows would read as that row's; give the segment another name"):
        calibration_by_segment(LABELS, PROBABILITIES, {name: ["all", "all", "b", "b"]})


def test_two_segment_names_that_read_alike_are_refused():
    with pytest.raises(CalibrationError, match="^calibration_by_segment: segments 'device' "
                       "and 'Device ' have names that read alike"):
        calibration_by_segment(LABELS, PROBABILITIES, {"device": ["a"] * 4,
                                                       "Device ": ["b", "b", "c", "c"]})


def test_a_segment_named_otherwise_keeps_its_rows_apart_from_the_overall_one():
    table = calibration_by_segment(LABELS, PROBABILITIES,
                                   {"all_users": ["all", "all", "b", "b"]})
    assert table[["segment", "value", "n"]].values.tolist() == [
        ["all", "all", 4], ["all_users", "all", 2], ["all_users", "b", 2]]


# ------------------------------------------------------------------ true/false codes
SCHEMA = FeatureSchema((Feature("price", "numeric"),
                        Feature("genre", "categorical", cardinality=4),
                        Feature("flag", "categorical", cardinality=3)))


@pytest.mark.parametrize("flags", [[True, False], pd.array([True, None], dtype="boolean")])
def test_a_true_false_column_among_categorical_features_is_refused_by_name(flags):
    categorical = pd.DataFrame({"genre": [1, 2], "flag": flags})
    with pytest.raises(RecstackError, match=r"^feature frame: the categorical features hold "
                       r"true/false values \('flag' first\); .*False would be read as "
                       r"unknown"):
        FeatureFrame(SCHEMA, [[1.0], [2.0]], categorical, [0, 0], [0, 1], [0, 0])


def test_codes_of_a_flag_made_as_advised_are_taken():
    flags = pd.Series([True, False])
    categorical = pd.DataFrame({"genre": [1, 2], "flag": flags.astype(int) + 1})
    frame = FeatureFrame(SCHEMA, [[1.0], [2.0]], categorical, [0, 0], [0, 1], [0, 0])
    np.testing.assert_array_equal(frame.column("flag"), [2, 1])
    np.testing.assert_array_equal(frame.column("genre"), [1, 2])

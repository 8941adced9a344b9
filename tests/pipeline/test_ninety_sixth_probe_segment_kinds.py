"""Ninety-sixth bad-input probe, ``calibration_by_segment``: a segment holding the text
``'1'`` and the number ``1.0`` was split into two rows (``'1'`` and ``'1.0'``), and ``True``
beside ``1`` was counted as one value shown as whichever came first; boolean probabilities
(predicted classes) were read as certainties 1 and 0, where ``reliability_table`` and the
calibrators refuse them. One rule, as for case: a segment's values are of one kind (text,
numbers or true/false), else refused naming a position of each; 1 and 1.0 are one number."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from recstack.pipeline.calibration import CalibrationError, calibration_by_segment

LABELS = np.array([0, 1, 0, 1])
PROBABILITIES = np.array([0.2, 0.8, 0.3, 0.6])


@pytest.mark.parametrize(("values", "first", "second"), [
    (["1", 1.0, 2, 2], "text ('1' at position 0)", "numbers (1.0 at position 1)"),
    ([2, 2, 1.0, "1"], "numbers (2 at position 0)", "text ('1' at position 3)"),
    ([True, 1, 0, 0], "true/false values (True at position 0)", "numbers (1 at position 1)"),
    (["a", None, False, "a"], "text ('a' at position 0)",
     "true/false values (False at position 2)"),
    (pd.Categorical(["x", 5, "x", 5]), "text ('x' at position 0)", "numbers (5 at position 1)"),
])
def test_a_segment_mixing_kinds_is_refused_naming_a_position_of_each(values, first, second):
    with pytest.raises(CalibrationError) as refused:
        calibration_by_segment(LABELS, PROBABILITIES, {"group": values})
    assert str(refused.value).startswith(
        f"calibration_by_segment: segment 'group' holds {first} and {second}; a segment's "
        "values are written one way")


def test_whole_and_fractional_numbers_are_one_kind_and_one_value():
    table = calibration_by_segment(LABELS, PROBABILITIES, {"group": [1, 1.0, 2.5, 2.5]})
    rows = table[table["segment"] == "group"]
    # by definition: value 1 holds predictions 0 and 1 (labels 0, 1), value 2.5 the others
    assert rows["n"].tolist() == [2, 2]
    assert rows["positives"].tolist() == [1, 1]
    assert rows["mean_predicted"].tolist() == pytest.approx([0.5, 0.45])


def test_missing_values_beside_one_kind_are_still_their_own_row():
    table = calibration_by_segment(LABELS, PROBABILITIES,
                                   {"group": pd.array([1, None, 2, 2], dtype="Int64")})
    rows = table[table["segment"] == "group"].set_index("value")
    assert rows.loc["(missing)", "n"] == 1 and rows.loc["2", "n"] == 2


def test_true_false_probabilities_are_refused_as_predicted_classes():
    with pytest.raises(CalibrationError, match=r"calibration_by_segment: probabilities must "
                       r"be numbers, got true/false values; pass the predicted "
                       r"probabilities in \[0, 1\]"):
        calibration_by_segment(LABELS, PROBABILITIES > 0.5)
    # true/false labels are outcomes and stay allowed, as everywhere labels are read
    table = calibration_by_segment(LABELS.astype(bool), PROBABILITIES)
    assert table.loc[0, "positives"] == 2

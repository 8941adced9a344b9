"""Ninety-first bad-input probe, ``calibration_by_segment``: segment values that differ
only in case ('iOS' and 'ios') were two rows of the table, one segment split in two, while
the online metrics refuse variant names that differ only in case. A segment names a group
of users or items, never a token whose case carries meaning, so they are refused alike,
naming a position of each."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.pipeline.calibration import CalibrationError, calibration_by_segment

LABELS = np.array([0, 1, 0, 1, 1])
PROBABILITIES = np.array([0.2, 0.7, 0.3, 0.6, 0.9])


@pytest.mark.parametrize(("values", "first", "other", "positions"), [
    (["ios", "iOS", "ios", "android", "ios"], "iOS", "ios", (1, 0)),
    (["Android", "ios", "android", "ios", "ios"], "Android", "android", (0, 2)),
    (["straße", "x", "STRASSE", "x", "x"], "STRASSE", "straße", (2, 0)),
])
def test_values_differing_only_in_case_are_refused_naming_a_position_of_each(
        values, first, other, positions):
    with pytest.raises(CalibrationError) as refused:
        calibration_by_segment(LABELS, PROBABILITIES, {"device": values})
    assert str(refused.value) == (
        f"calibration_by_segment: segment 'device' holds {first!r} (position {positions[0]}) "
        f"and {other!r} (position {positions[1]}), which read alike but would be two rows of "
        "the table; write each value one way (all text or all numbers, without spaces "
        "around it, in one case)")


def test_values_written_one_way_are_a_row_each():
    table = calibration_by_segment(LABELS, PROBABILITIES,
                                   {"device": ["iOS", "iOS", "Android", "Android", "iOS"]})
    rows = table[table["segment"] == "device"].set_index("value")
    assert rows.loc["iOS", "n"] == 3 and rows.loc["Android", "n"] == 2
    assert rows.loc["iOS", "positives"] == 2  # labels 0, 1, 1


def test_an_empty_text_value_is_refused_as_a_missing_value_in_another_form():
    # a blank cell was a segment value of its own beside the '(missing)' row
    with pytest.raises(CalibrationError) as refused:
        calibration_by_segment(LABELS, PROBABILITIES, {"device": ["ios", "ios", " ", None,
                                                                  "ios"]})
    assert str(refused.value) == (
        "calibration_by_segment: segment 'device' holds the empty text ' ' at position 2; "
        "give every prediction a name or a number (a missing value is None or NaN, shown "
        "as '(missing)')")


def test_the_text_missing_beside_missing_values_is_refused():
    # two rows both named '(missing)', with different counts
    with pytest.raises(CalibrationError, match=r"segment 'device' holds the text "
                       r"'\(missing\)' \(position 1\) and missing values \(position 3\)"):
        calibration_by_segment(LABELS, PROBABILITIES,
                               {"device": ["ios", "(missing)", "ios", np.nan, "ios"]})
    # alone, or missing values alone, each is one row
    table = calibration_by_segment(LABELS, PROBABILITIES,
                                   {"device": ["ios", None, "ios", np.nan, "ios"]})
    rows = table[table["segment"] == "device"].set_index("value")
    assert rows.loc["(missing)", "n"] == 2 and rows.loc["ios", "n"] == 3

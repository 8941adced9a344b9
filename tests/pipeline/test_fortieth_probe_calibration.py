"""Fortieth bad-input probe, ``calibration_by_segment`` with a segment whose values are
written two ways (the number 1 beside the text '1', 'a' beside 'a '): each was a row of its
own, two rows shown with the same value and different counts. It is refused naming both
values and where they are. Each refusal test failed before the fix."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from recstack.pipeline.calibration import (
    CalibrationError,
    activity_buckets,
    calibration_by_segment,
)

LABELS = np.array([0, 1, 0, 1])
PROBABILITIES = np.array([0.2, 0.8, 0.3, 0.6])


@pytest.mark.parametrize("values, first, second", [
    ([1, "1", 2, 2], "1 (position 0)", "'1' (position 1)"),
    (["a", "a ", "b", "b"], "'a' (position 0)", "'a ' (position 1)"),
    (["b", "b", 7, " 7"], "7 (position 2)", "' 7' (position 3)"),
])
def test_values_written_two_ways_are_refused(values, first, second):
    expected = (f"calibration_by_segment: segment 'group' holds {first} and {second}, "
                "which read alike")
    with pytest.raises(CalibrationError, match=re.escape(expected)):
        calibration_by_segment(LABELS, PROBABILITIES, {"group": values})


def test_values_written_one_way_give_one_row_each():
    # by definition: segment value 1 holds predictions 0 and 1 (labels 0, 1; mean
    # prediction 0.5), value 2 predictions 2 and 3 (labels 0, 1; mean 0.45)
    table = calibration_by_segment(LABELS, PROBABILITIES, {"group": ["1", "1", "2", "2"]})
    rows = table[table["segment"] == "group"]
    assert rows["value"].tolist() == ["1", "2"]
    assert rows["n"].tolist() == [2, 2]
    assert rows["mean_predicted"].tolist() == pytest.approx([0.5, 0.45])
    # calibration ratio: sum of predictions over sum of labels
    assert rows["calibration_ratio"].tolist() == pytest.approx([1.0, 0.9])


def test_buckets_and_missing_values_still_work():
    buckets = activity_buckets(pd.Series([1, 5, 30, 200]))
    table = calibration_by_segment(LABELS, PROBABILITIES, {"activity": buckets,
                                                           "other": [1, 2, None, np.nan]})
    assert table[table["segment"] == "activity"]["value"].tolist() == ["<5", "5-19",
                                                                        "20-99", ">=100"]
    assert table[table["segment"] == "other"]["value"].tolist() == ["1", "2", "(missing)"]

"""Seventh bad-input probe of the calibrators: scores given as lists of different lengths
are named by row (the message quoted numpy's "inhomogeneous shape" jargon)."""

from __future__ import annotations

import re

import pytest

from recstack.pipeline.calibration import CalibrationError, PlattCalibrator


def test_ragged_scores_are_named_by_row():
    with pytest.raises(CalibrationError, match=re.escape(
            "platt: scores must be an array of numbers, got nested lists of different "
            "lengths (scores[0] holds 2 entries and scores[1] 1 entry); pad the short rows "
            "or give each list in its own call")):
        PlattCalibrator().fit([0.2, 0.9], [0, 1]).predict([[0.1, 0.2], [0.3]])

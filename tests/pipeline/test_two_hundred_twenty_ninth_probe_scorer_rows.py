"""Two hundred twenty-ninth bad-input probe of ``CalibratedScorer.fit``: a DataFrame of held-out
inputs and a Series of labels of the same rows in another order were paired by position, so
each output was calibrated against another row's label (a label Series in reverse order
inverted the calibration: 0.95 where the fit gives 0.05), without a word; the calibrator alone
(``PlattCalibrator.fit(scores, labels)``) refused the same pair. Now refused too."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from recstack.pipeline.calibration import CalibratedScorer, CalibrationError, PlattCalibrator

ROWS = list("abcdef")
HELD_OUT = pd.DataFrame({"score": [-2.0, -1.0, 0.0, 1.0, 2.0, 3.0]}, index=ROWS)
LABELS = pd.Series([0, 0, 1, 0, 1, 1], index=ROWS)


def scorer() -> CalibratedScorer:
    return CalibratedScorer(lambda frame: frame["score"].to_numpy(), PlattCalibrator())


def test_labels_of_the_held_out_rows_in_another_order_are_refused():
    with pytest.raises(CalibrationError, match=(
            r"^CalibratedScorer\.fit: held_out and labels are a pandas DataFrame and a pandas "
            r"Series with the same index labels in different orders \(position 0 is row 'a' "
            r"of held_out but row 'f' of labels\); values are paired by position")):
        scorer().fit(HELD_OUT, LABELS.iloc[::-1])


def test_aligned_labels_fit_as_plain_arrays_do():
    by_index = scorer().fit(HELD_OUT, LABELS.iloc[::-1].loc[HELD_OUT.index])
    plain = PlattCalibrator().fit(HELD_OUT["score"].to_numpy(), LABELS.to_numpy())
    probe = np.array([-2.0, -1.0, 3.0])
    np.testing.assert_allclose(by_index.predict(HELD_OUT.iloc[[0, 1, 5]]), plain.predict(probe))
    # the labels rise with the score: so does the fitted calibration (reversed labels gave
    # the opposite)
    assert np.all(np.diff(plain.predict(probe)) > 0)
    # a fresh 0..n-1 index beside row labels is read by position, as numpy does
    fresh = scorer().fit(HELD_OUT, LABELS.reset_index(drop=True))
    np.testing.assert_allclose(fresh.predict(HELD_OUT.iloc[[0, 1, 5]]), plain.predict(probe))

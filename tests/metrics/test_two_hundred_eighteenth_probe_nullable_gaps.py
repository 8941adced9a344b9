"""Two hundred eighteenth bad-input probe, the metrics called directly with a pandas nullable
column (``Int64``, ``Float64``, ``double[pyarrow]``) holding a gap: it was "position 1 holds
nan", numpy's reading of ``pd.NA``, a value the user never wrote (``evaluate_ratings`` and
``evaluate_probabilities`` named it; ``rmse``, ``log_loss``, ``roc_auc``... did not). A
real NaN in a float column is still named as nan."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from recstack.metrics import classification, regression
from recstack.metrics._validation import MetricInputError


@pytest.mark.parametrize("dtype", ["Int64", "Float64", "double[pyarrow]"])
def test_a_gap_of_a_nullable_column_is_named_as_pd_na(dtype):
    shown = "double\\[pyarrow\\]" if dtype == "double[pyarrow]" else dtype
    truth = pd.Series([1, None, 3], dtype=dtype)
    with pytest.raises(MetricInputError, match=rf"^y_true must be finite; position 1 holds "
                                               rf"pd.NA of the nullable type {shown} "
                                               r"\(a missing value\)$"):
        regression.rmse(truth, [1.0, 2.0, 3.0])
    with pytest.raises(MetricInputError, match=r"position 1 holds pd.NA of the nullable type"):
        regression.mae(pd.array([1, None, 3], dtype=dtype), [1.0, 2.0, 3.0])


def test_labels_and_scores_with_a_gap_are_named_too():
    with pytest.raises(MetricInputError, match=r"^y_true must be finite; position 1 holds "
                                               r"pd.NA of the nullable type Int64"):
        classification.log_loss(pd.Series([1, None], dtype="Int64"), [0.5, 0.5])
    with pytest.raises(MetricInputError, match=r"^y_score must be a number; position 1 holds "
                                               r"pd.NA of the nullable type Float64"):
        classification.roc_auc([0, 1], pd.Series([0.2, None], dtype="Float64"))


def test_a_nan_of_a_float_column_is_still_nan():
    with pytest.raises(MetricInputError, match=r"^y_true must be finite; position 1 holds "
                                               r"nan$"):
        regression.rmse(pd.Series([1.0, np.nan]), [1.0, 2.0])


def test_a_filled_nullable_column_is_scored_as_its_numbers():
    # errors 0, 2, 0: RMSE sqrt(4/3), MAE 2/3
    truth = pd.Series([1, None, 3], dtype="Int64").fillna(0)
    assert regression.rmse(truth, [1.0, 2.0, 3.0]) == pytest.approx(np.sqrt(4 / 3))
    assert regression.mae(truth, [1.0, 2.0, 3.0]) == pytest.approx(2 / 3)

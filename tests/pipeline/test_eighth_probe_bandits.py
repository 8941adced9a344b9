"""Eighth bad-input probe of the arrays the Bayesian logistic regression, bandits, off-policy
estimators and position bias read: a pandas frame whose nullable column (``Int64``,
``Float64``, as ``read_csv(dtype_backend="numpy_nullable")`` gives) holds a missing value
was refused with numpy's "float() argument must be ... not 'NAType'", naming neither row
nor column; now it is named like any NaN, with its column."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from recstack.pipeline.bandit_checks import BanditInputError
from recstack.pipeline.bayesian import BayesianLogisticRegression


def frame(dtype: str) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    values = pd.array([1, 0, 2, None, 1, 0], dtype=dtype)
    return pd.DataFrame({"signal": rng.normal(size=6), "visits": values})


@pytest.mark.parametrize("dtype", ["Int64", "Float64"])
def test_a_missing_value_in_a_nullable_column_is_named_by_row_and_column(dtype):
    labels = np.array([1, 0, 1, 0, 1, 0])
    with pytest.raises(BanditInputError, match=r"^BayesianLogisticRegression: X must be "
                       r"finite, position \[3, 1\] \(column 'visits'\) is nan \(a missing "
                       r"value\)"):
        BayesianLogisticRegression().fit(frame(dtype), labels)
    # the same frame with the value filled is read as its numbers
    filled = frame(dtype).fillna(0)
    fitted = BayesianLogisticRegression().fit(filled, labels)
    reference = BayesianLogisticRegression().fit(filled.to_numpy(np.float64), labels)
    np.testing.assert_array_equal(fitted.coef_, reference.coef_)

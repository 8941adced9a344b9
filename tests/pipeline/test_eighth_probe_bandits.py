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
                       r"finite, position \[3, 1\] \(column 'visits'\) is pd.NA \(a missing "
                       r"value\)"):
        BayesianLogisticRegression().fit(frame(dtype), labels)
    # the same frame with the value filled is read as its numbers
    filled = frame(dtype).fillna(0)
    fitted = BayesianLogisticRegression().fit(filled, labels)
    reference = BayesianLogisticRegression().fit(filled.to_numpy(np.float64), labels)
    np.testing.assert_array_equal(fitted.coef_, reference.coef_)


# ------------------------------------------------------------------ class weights
def batch(seed: int = 0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(200, 2))
    return x, 1.0 / (1.0 + np.exp(-x[:, 0]))  # click probabilities as labels


@pytest.mark.parametrize("weight", ["balanced", 3.0])
def test_class_weights_with_probabilities_as_labels_are_refused(weight):
    from recstack.errors import ConfigError

    x, probabilities = batch()
    # every row counted as a positive: 'balanced' weighed nothing, 3.0 scaled every row,
    # and predict_proba still divided the odds by 3
    with pytest.raises(ConfigError, match=rf"class_weight = {weight!r} needs 0/1 labels "
                       r"\(which rows are positives\?\), but y\[0\] = 0\.53"):
        BayesianLogisticRegression(class_weight=weight).fit(x, probabilities)
    # a later batch of probabilities after a fit on clicks is refused alike
    clicks = (probabilities > 0.5).astype(float)
    model = BayesianLogisticRegression(class_weight=weight).fit(x, clicks)
    with pytest.raises(ConfigError, match="needs 0/1 labels"):
        model.partial_fit(x, probabilities)
    # without class weights probabilities are labels as documented
    BayesianLogisticRegression().fit(x, probabilities)

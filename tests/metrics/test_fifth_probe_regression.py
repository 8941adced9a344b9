"""Fifth bad-input probe of the regression metrics: values near the float limit made the
squares or the differences overflow, so RMSE came out as inf (with a warning) although it
fits, and MSE as inf; now RMSE is exact and an overflow is refused by name. Expected values
by hand."""

from __future__ import annotations

import math

import pytest

from recstack.metrics import MetricInputError, huber_loss, mae, mse, rmse, smape


def test_rmse_of_huge_residuals_is_exact():
    # residuals 2e200 and 0: sqrt((4e400 + 0) / 2) = sqrt(2) * 1e200
    assert rmse([1e200, 1e200], [-1e200, 1e200]) == pytest.approx(math.sqrt(2) * 1e200)
    # ordinary values: residuals 1, -2: sqrt(5 / 2)
    assert rmse([1.0, 2.0], [0.0, 4.0]) == pytest.approx(math.sqrt(2.5))
    assert rmse([3.0], [3.0]) == 0.0


def test_an_mse_beyond_the_float_range_is_refused():
    with pytest.raises(MetricInputError, match="the MSE overflows the float range \\(residuals "
                       "up to 2e\\+200\\) \\(rmse is its square root and fits\\)"):
        mse([1e200, 1e200], [-1e200, 1e200])


@pytest.mark.parametrize("metric", [mse, rmse, mae, huber_loss, smape])
def test_a_difference_beyond_the_float_range_is_refused(metric):
    with pytest.raises(MetricInputError, match="y_true - y_pred overflows the float range at "
                       "position 1 \\(y_true holds 1e\\+308, y_pred -1e\\+308\\)"):
        metric([1.0, 1e308], [1.0, -1e308])


def test_huber_and_smape_of_large_values_stay_finite():
    # |r| = 1e200 > delta = 1: delta * (|r| - delta / 2) = 1e200 - 0.5
    assert huber_loss([1e200], [0.0]) == pytest.approx(1e200)
    # 2 |r| / (|y| + |y^|) = 2 * 1e308 / 1e308 = 2, without overflowing
    assert smape([1e308], [0.0]) == pytest.approx(2.0)

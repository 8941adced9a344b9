"""Regression metrics against scikit-learn, scipy and hand-computed values."""

from __future__ import annotations

import numpy as np
import pytest
import sklearn.metrics as skm
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.special import huber as scipy_huber

from recstack.metrics import (
    MetricInputError,
    huber_loss,
    mae,
    mape,
    mse,
    msle,
    quantile_loss,
    rmse,
    smape,
)


def random_pair(seed: int, n: int = 400, positive: bool = False) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    if positive:
        return rng.gamma(2.0, 3.0, n), rng.gamma(2.0, 3.0, n)
    y = rng.normal(3.0, 2.0, n)
    return y, y + rng.standard_t(3, n)


@pytest.mark.reference("mse", "rmse", "mae")
@pytest.mark.parametrize("seed", [0, 1])
def test_squared_and_absolute_errors_agree_with_sklearn(seed: int) -> None:
    y, p = random_pair(seed)
    assert mse(y, p) == pytest.approx(skm.mean_squared_error(y, p), abs=1e-9)
    assert rmse(y, p) == pytest.approx(skm.root_mean_squared_error(y, p), abs=1e-9)
    assert mae(y, p) == pytest.approx(skm.mean_absolute_error(y, p), abs=1e-9)


@pytest.mark.reference("mse", "rmse", "mae")
def test_errors_by_hand() -> None:
    assert mse([1, 2, 3], [1, 4, 0]) == (0 + 4 + 9) / 3
    assert rmse([0, 0], [3, 4]) == pytest.approx(np.sqrt(12.5), abs=1e-15)
    assert mae([1, 2, 3], [1, 4, 0]) == (0 + 2 + 3) / 3


@pytest.mark.reference("huber")
@pytest.mark.parametrize("delta", [0.1, 1.0, 2.5])
def test_huber_agrees_with_scipy(delta: float) -> None:
    y, p = random_pair(2)
    expected = np.mean(scipy_huber(delta, y - p))
    assert huber_loss(y, p, delta=delta) == pytest.approx(expected, abs=1e-9)
    # Quadratic inside delta, linear outside: r = 0.5 and r = 3 with delta = 1.
    assert huber_loss([0, 0], [0.5, 3.0]) == pytest.approx((0.125 + 2.5) / 2, abs=1e-15)


@pytest.mark.reference("quantile_loss")
@pytest.mark.parametrize("alpha", [0.0, 0.1, 0.5, 0.9, 1.0])
def test_quantile_loss_agrees_with_sklearn(alpha: float) -> None:
    y, p = random_pair(3)
    expected = skm.mean_pinball_loss(y, p, alpha=alpha)
    assert quantile_loss(y, p, alpha=alpha) == pytest.approx(expected, abs=1e-9)
    # Under-prediction by 2 costs 2 * alpha; over-prediction by 2 costs 2 * (1 - alpha).
    assert quantile_loss([2.0, 0.0], [0.0, 2.0], alpha=alpha) == pytest.approx(1.0, abs=1e-15)
    assert quantile_loss([2.0], [0.0], alpha=alpha) == pytest.approx(2 * alpha, abs=1e-15)


@pytest.mark.reference("mape")
def test_mape_agrees_with_sklearn_and_rejects_zero_targets() -> None:
    y, p = random_pair(4, positive=True)
    assert mape(y, p) == pytest.approx(skm.mean_absolute_percentage_error(y, p), abs=1e-9)
    assert mape([2.0, -4.0], [1.0, -5.0]) == pytest.approx((0.5 + 0.25) / 2, abs=1e-15)
    with pytest.raises(MetricInputError, match="1 zero target.*position 1.*use smape"):
        mape([1.0, 0.0], [1.0, 0.5])


@pytest.mark.reference("smape")
def test_smape_against_a_loop_and_by_hand() -> None:
    y, p = random_pair(5)
    y[:5], p[:5] = 0.0, 0.0  # both zero: a perfect prediction, term 0
    y[5], p[5] = 0.0, 3.0  # one zero: term 2
    expected = np.mean(
        [
            0.0 if a == b == 0 else 2 * abs(a - b) / (abs(a) + abs(b))
            for a, b in zip(y, p, strict=True)
        ]
    )
    assert smape(y, p) == pytest.approx(expected, abs=1e-12)
    assert smape([100.0, 0.0], [50.0, 0.0]) == pytest.approx((100 / 150 + 0) / 2, abs=1e-15)
    assert smape([1.0], [-1.0]) == 2.0


@pytest.mark.reference("msle")
def test_msle_agrees_with_sklearn() -> None:
    y, p = random_pair(6, positive=True)
    y[0] = 0.0
    assert msle(y, p) == pytest.approx(skm.mean_squared_log_error(y, p), abs=1e-9)
    with pytest.raises(MetricInputError, match="y_pred must be non-negative for MSLE"):
        msle([1.0, 2.0], [1.0, -0.5])


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.tuples(st.floats(-1e3, 1e3), st.floats(-1e3, 1e3)), min_size=1, max_size=30
    )
)
def test_orderings_between_metrics(pairs) -> None:
    y, p = map(np.array, zip(*pairs, strict=True))
    assert mae(y, p) <= rmse(y, p) * (1 + 1e-12) + 1e-12
    assert 0.0 <= smape(y, p) <= 2.0
    assert quantile_loss(y, p, alpha=0.5) == pytest.approx(mae(y, p) / 2, rel=1e-12, abs=1e-12)
    assert huber_loss(y, p, delta=1.0) <= mse(y, p) / 2 + 1e-9


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: mse([], []), "y_true is empty"),
        (lambda: mae([1.0, 2.0], [1.0]), "length mismatch: y_true has 2, y_pred has 1"),
        (lambda: rmse([1.0, np.inf], [1.0, 2.0]), "y_true must be finite; position 1"),
        (lambda: huber_loss([1.0], [1.0], delta=0), "delta must be a finite number > 0"),
        (lambda: quantile_loss([1.0], [1.0], alpha=1.5), r"alpha must lie in \[0, 1\]"),
        (lambda: quantile_loss([1.0], [1.0], alpha=-0.1), "alpha must be a finite number >= 0"),
        (lambda: smape([["a"]], [[1.0]]), "y_true must be an array of numbers"),
    ],
)
def test_bad_input_raises(call, message) -> None:
    with pytest.raises(MetricInputError, match=message):
        call()

r"""Error metrics for real-valued predictions (ratings, watch time, demand), one number per sample.

Every function takes ``y_true`` and ``y_pred``, 1-D, same length, finite, and returns the
mean of a per-sample loss: lower is better. An empty sample, differing lengths or a non-finite
value raise :class:`~recstack.metrics.MetricInputError` (a ``ValueError``). Percentage errors
are returned as fractions (0.1 means 10 %), as scikit-learn does. Residuals are
:math:`r_i = y_i - \hat y_i`.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from recstack.errors import shown
from recstack.metrics._validation import (
    MetricInputError,
    as_float_1d,
    check_aligned,
    check_positive_float,
    check_same_length,
)
from recstack.specs import arguments_named

__all__ = [
    "huber_loss",
    "mae",
    "mape",
    "mse",
    "msle",
    "quantile_loss",
    "rmse",
    "smape",
]


@arguments_named
def mse(y_true: ArrayLike, y_pred: ArrayLike) -> float:
    r"""Mean squared error, :math:`\frac{1}{n}\sum_i r_i^2`."""
    residual = _residuals(y_true, y_pred)
    with np.errstate(over="ignore"):
        value = float(np.mean(residual**2))
    return _finite("MSE", value, residual, " (rmse is its square root and fits)")


@arguments_named
def rmse(y_true: ArrayLike, y_pred: ArrayLike) -> float:
    r"""Root mean squared error, :math:`\sqrt{\frac{1}{n}\sum_i r_i^2}` (root of the mean over
    all samples, not a mean of per-user roots)."""
    residual = _residuals(y_true, y_pred)
    # scaled by the largest residual, so that squares beyond the float range (residuals
    # above 1e154) still give the root, which fits
    scale = float(np.max(np.abs(residual)))
    if scale == 0:
        return 0.0
    return float(scale * np.sqrt(np.mean((residual / scale) ** 2)))


@arguments_named
def mae(y_true: ArrayLike, y_pred: ArrayLike) -> float:
    r"""Mean absolute error, :math:`\frac{1}{n}\sum_i |r_i|`."""
    residual = _residuals(y_true, y_pred)
    with np.errstate(over="ignore"):
        value = float(np.mean(np.abs(residual)))
    return _finite("MAE", value, residual)


@arguments_named
def huber_loss(y_true: ArrayLike, y_pred: ArrayLike, *, delta: float = 1.0) -> float:
    r"""Mean Huber loss: quadratic for small residuals, linear for large ones.

    .. math:: L_\delta(r) = \begin{cases} \tfrac{1}{2} r^2 & |r| \le \delta \\
              \delta\,(|r| - \tfrac{1}{2}\delta) & |r| > \delta \end{cases}

    (Huber 1964; the same as :func:`scipy.special.huber`). Continuous with a continuous first
    derivative at :math:`|r| = \delta`.

    Parameters
    ----------
    y_true, y_pred : array_like of float, shape (n,)
    delta : float, default 1.0
        Where the loss turns linear; must be > 0.
    """
    residual = _residuals(y_true, y_pred)
    delta = check_positive_float(delta, "delta")
    abs_residual = np.abs(residual)
    with np.errstate(over="ignore", invalid="ignore"):
        quadratic = 0.5 * np.minimum(abs_residual, delta) ** 2
        linear = delta * (abs_residual - 0.5 * delta)
        value = float(np.mean(np.where(abs_residual <= delta, quadratic, linear)))
    return _finite("Huber loss", value, residual)


@arguments_named
def quantile_loss(y_true: ArrayLike, y_pred: ArrayLike, *, alpha: float = 0.5) -> float:
    r"""Mean quantile (pinball) loss of a prediction of the ``alpha`` quantile.

    .. math:: L_\alpha(r) = \max(\alpha\, r,\; (\alpha - 1)\, r), \qquad r = y - \hat y

    Under-prediction (:math:`r > 0`) costs :math:`\alpha` per unit, over-prediction
    :math:`1 - \alpha`. ``alpha = 0.5`` gives half the MAE. Same as
    :func:`sklearn.metrics.mean_pinball_loss`.

    Parameters
    ----------
    y_true, y_pred : array_like of float, shape (n,)
    alpha : float, default 0.5
        Target quantile, in ``[0, 1]``.
    """
    residual = _residuals(y_true, y_pred)
    alpha = check_positive_float(alpha, "alpha", allow_zero=True)
    if alpha > 1:
        raise MetricInputError(f"alpha must lie in [0, 1], got {alpha}")
    with np.errstate(over="ignore"):
        value = float(np.mean(np.maximum(alpha * residual, (alpha - 1.0) * residual)))
    return _finite("quantile loss", value, residual)


@arguments_named
def mape(y_true: ArrayLike, y_pred: ArrayLike) -> float:
    r"""Mean absolute percentage error, as a fraction.

    .. math:: \mathrm{MAPE} = \frac{1}{n}\sum_i \frac{|y_i - \hat y_i|}{|y_i|}

    Raises
    ------
    MetricInputError
        If any target is 0, where the percentage error is undefined. (scikit-learn instead
        divides by machine epsilon, which turns one zero target into an error near 1e15.)
        Drop such samples or use :func:`smape`.
    """
    true, pred = _pair(y_true, y_pred)
    zero = true == 0
    if np.any(zero):
        raise MetricInputError(
            f"y_true holds {int(zero.sum())} zero target(s) (first at position "
            f"{int(np.flatnonzero(zero)[0])}); MAPE is undefined there, use smape or drop them"
        )
    residual = _residuals(true, pred)
    with np.errstate(over="ignore"):
        value = float(np.mean(np.abs(residual) / np.abs(true)))
    return _finite("MAPE", value, residual, " (targets near 0 make huge percentages)")


@arguments_named
def smape(y_true: ArrayLike, y_pred: ArrayLike) -> float:
    r"""Symmetric mean absolute percentage error, as a fraction in ``[0, 2]``.

    .. math:: \mathrm{SMAPE} = \frac{1}{n}\sum_i \frac{2\,|y_i - \hat y_i|}{|y_i| + |\hat y_i|}

    The denominator is the mean of the *absolute* target and prediction (some sources omit the
    absolute values or the factor 2), so every term lies in ``[0, 2]`` and the metric is
    defined for negative values too. A sample with :math:`y_i = \hat y_i = 0` is a perfect
    prediction and contributes 0; any other sample has a positive denominator.
    """
    true, pred = _pair(y_true, y_pred)
    residual = _residuals(true, pred)
    # halved first: 2 |r| and |y| + |y^| overflow for values near the float limit
    numerator = np.abs(residual)
    denominator = 0.5 * np.abs(true) + 0.5 * np.abs(pred)
    terms = np.divide(
        numerator, denominator, out=np.zeros_like(numerator), where=denominator != 0
    )
    return float(np.mean(terms))


@arguments_named
def msle(y_true: ArrayLike, y_pred: ArrayLike) -> float:
    r"""Mean squared logarithmic error.

    .. math:: \mathrm{MSLE} = \frac{1}{n}\sum_i \left(\ln(1 + y_i) - \ln(1 + \hat y_i)\right)^2

    Defined here for non-negative targets and predictions (counts, durations, prices), as in
    scikit-learn.

    Raises
    ------
    MetricInputError
        If a target or prediction is negative.
    """
    true, pred = _pair(y_true, y_pred)
    for name, values in (("y_true", true), ("y_pred", pred)):
        if np.any(values < 0):
            first = int(np.flatnonzero(values < 0)[0])
            raise MetricInputError(
                f"{name} must be non-negative for MSLE; position {first} holds "
                f"{shown(values[first])}"
            )
    return float(np.mean((np.log1p(true) - np.log1p(pred)) ** 2))


def _residuals(y_true: ArrayLike, y_pred: ArrayLike) -> NDArray[np.float64]:
    """``y_true - y_pred`` after the checks of :func:`_pair`, refused where it overflows."""
    true, pred = _pair(y_true, y_pred)
    with np.errstate(over="ignore"):
        residual = true - pred
    bad = ~np.isfinite(residual)
    if bad.any():
        first = int(np.flatnonzero(bad)[0])
        raise MetricInputError(
            f"y_true - y_pred overflows the float range at position {first} (y_true holds "
            f"{float(true[first])!r}, y_pred {float(pred[first])!r}); rescale both (e.g. to "
            "thousands)")
    return residual


def _finite(metric: str, value: float, residual: NDArray[np.float64], hint: str = "") -> float:
    """``value``, refused when the metric overflowed the float range."""
    if not np.isfinite(value):
        raise MetricInputError(
            f"the {metric} overflows the float range (residuals up to "
            f"{float(np.max(np.abs(residual))):.3g}){hint}; rescale y_true and y_pred")
    return value


def _pair(y_true: ArrayLike, y_pred: ArrayLike) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    check_aligned(("y_true", y_true), ("y_pred", y_pred))
    true = as_float_1d(y_true, "y_true")
    pred = as_float_1d(y_pred, "y_pred")
    check_same_length(("y_true", true), ("y_pred", pred))
    return true, pred

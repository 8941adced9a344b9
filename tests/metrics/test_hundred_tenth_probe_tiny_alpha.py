"""Hundred-tenth probe: a confidence level so close to 1 that ``1 - alpha / 2`` rounds to 1
(an alpha below about 1e-16; for the off-policy estimators a level such as 1 - 2**-53, valid
and below 1) took its critical value at 1, which is infinite: the z-test's interval was NaN
with numpy's warnings, Welch's was refused as if the values were too large, and an
off-policy interval was (-inf, inf) without a word. The critical value now comes from the
upper tail; an alpha whose critical value float64 cannot hold is refused naming it.

Reference quantiles are solved here from the definitions (the normal tail with math.erfc,
Student's t tail with the regularised incomplete beta function), not taken from the code."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from scipy.special import betainc

from recstack.metrics import MetricInputError, two_proportion_ztest, welch_ttest
from recstack.pipeline.off_policy import ips


def _bisect(tail, target: float, high: float) -> float:
    """The x in (0, high) where the decreasing ``tail(x)`` equals ``target``."""
    low = 0.0
    for _ in range(400):
        middle = (low + high) / 2
        if tail(middle) > target:
            low = middle
        else:
            high = middle
    return (low + high) / 2


def normal_quantile(upper_tail: float) -> float:
    # P(Z > z) = erfc(z / sqrt 2) / 2
    return _bisect(lambda z: math.erfc(z / math.sqrt(2)) / 2, upper_tail, 60.0)


def t_upper_tail(t: float, df: float) -> float:
    # P(T > t) = I_{df / (df + t^2)}(df / 2, 1 / 2) / 2 for t > 0
    return float(betainc(df / 2, 0.5, df / (df + t * t))) / 2


def wilson(successes: int, trials: int, z: float) -> tuple[float, float]:
    p = successes / trials
    centre = (p + z * z / (2 * trials)) / (1 + z * z / trials)
    half = z / (1 + z * z / trials) * math.sqrt(p * (1 - p) / trials
                                                 + z * z / (4 * trials * trials))
    return centre - half, centre + half


@pytest.mark.parametrize("alpha", [1e-17, 1e-40])
def test_z_test_interval_for_a_level_that_rounds_to_one(alpha):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # numpy's "invalid value" warnings were raised
        result = two_proportion_ztest(3, 20, 9, 20, alpha=alpha)
    z = normal_quantile(alpha / 2)
    low_c, high_c = wilson(3, 20, z)
    low_t, high_t = wilson(9, 20, z)
    difference = 9 / 20 - 3 / 20
    # Newcombe's hybrid score interval
    assert result.ci_low == pytest.approx(
        difference - math.hypot(9 / 20 - low_t, high_c - 3 / 20), rel=1e-9)
    assert result.ci_high == pytest.approx(
        difference + math.hypot(high_t - 9 / 20, 3 / 20 - low_c), rel=1e-9)


def test_welch_interval_for_a_level_that_rounds_to_one():
    control = np.array([1.0, 2.0, 3.0, 2.5, 1.5, 2.2])
    treatment = np.array([2.0, 3.0, 5.0, 4.1, 3.3, 2.9, 3.8])
    alpha = 1e-20
    result = welch_ttest(control, treatment, alpha=alpha)
    v_c, v_t = control.var(ddof=1) / control.size, treatment.var(ddof=1) / treatment.size
    se = math.sqrt(v_c + v_t)
    # Welch-Satterthwaite degrees of freedom
    df = (v_c + v_t) ** 2 / (v_c ** 2 / (control.size - 1) + v_t ** 2 / (treatment.size - 1))
    difference = treatment.mean() - control.mean()
    assert math.isfinite(result.ci_low) and math.isfinite(result.ci_high)
    assert (result.ci_low + result.ci_high) / 2 == pytest.approx(difference, rel=1e-9)
    critical = (result.ci_high - difference) / se
    assert t_upper_tail(critical, df) == pytest.approx(alpha / 2, rel=1e-6)


def test_off_policy_interval_for_the_level_just_below_one():
    rewards = np.array([1.0, 0.0, 1.0, 0.0])
    actions = np.array([0, 1, 0, 1])
    estimate = ips(rewards, actions, np.full(4, 0.5), np.full((4, 2), 0.5),
                   confidence=1 - 2.0 ** -53)
    assert math.isfinite(estimate.lower) and math.isfinite(estimate.upper)
    z = normal_quantile(2.0 ** -54)
    assert (estimate.upper - estimate.value) / estimate.std_error == pytest.approx(z,
                                                                                    rel=1e-9)


@pytest.mark.parametrize("call", [
    lambda: two_proportion_ztest(3, 20, 9, 20, alpha=5e-324),
    lambda: welch_ttest([1.0, 2.0, 3.0], [2.0, 3.0, 5.0], alpha=1e-300),
])
def test_an_alpha_whose_critical_value_is_infinite_is_refused_naming_it(call):
    with pytest.raises(MetricInputError, match=r"^alpha = .* is too small for an interval: its "
                                               r"critical value is no finite float64 number"):
        call()


def test_the_usual_levels_are_unchanged():
    # the 95% interval of the paper's example (Newcombe 1998, method 10, table II,
    # 56/70 against 48/80): 0.0524 to 0.3339
    result = two_proportion_ztest(48, 80, 56, 70)
    assert result.ci_low == pytest.approx(0.0524, abs=5e-5)
    assert result.ci_high == pytest.approx(0.3339, abs=5e-5)

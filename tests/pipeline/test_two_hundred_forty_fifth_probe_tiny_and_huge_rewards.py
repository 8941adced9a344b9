"""Off-policy estimates of rewards far from 1 in magnitude (1e-300, 1e200).

Reference log worked by hand: rewards r = [1, 0, 1/2], actions [0, 1, 1], propensities 1/2,
target rows [1/2, 1/2], [1, 0], [0, 1], so the importance weights are w = [1, 0, 2].

* IPS terms w r = [1, 0, 1]: value 2/3, sample standard deviation sqrt(1/3), standard
  error sqrt(1/3) / sqrt(3) = 1/3.
* SNIPS: sum(w r) / sum(w) = 2/3; linearised terms V + (w r - w V) / mean(w) =
  [1, 2/3, 1/3], standard deviation 1/3, standard error 1 / (3 sqrt(3)).
* DR with the reward model q = [[0.2, 0.4], [0.1, 0.3], [0.5, 0.5]]: the terms
  sum_a pi q + w (r - q[a]) are [0.3 + 0.8, 0.1, 0.5] = [1.1, 0.1, 0.5], mean 1.7 / 3, sample
  variance (0.5333^2 + 0.4667^2 + 0.0667^2) / 2 = 0.76 / 3.
Everything scales with the rewards (and the reward model).
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

from recstack.pipeline.bandit_checks import BanditInputError
from recstack.pipeline.off_policy import direct_method, doubly_robust, ips, snips

REWARDS = np.array([1.0, 0.0, 0.5])
ACTIONS = [0, 1, 1]
PROPENSITIES = [0.5, 0.5, 0.5]
TARGET = np.array([[0.5, 0.5], [1.0, 0.0], [0.0, 1.0]])
MODEL = np.array([[0.2, 0.4], [0.1, 0.3], [0.5, 0.5]])
Z = 1.959963984540054  # the 97.5% normal quantile
SCALES = [1.0, 1e-160, 1e-300, 1e200]


@pytest.mark.parametrize("scale", SCALES)
def test_ips_and_snips_at_any_magnitude(scale):
    one = ips(REWARDS * scale, ACTIONS, PROPENSITIES, TARGET)
    assert one.value == pytest.approx(2 / 3 * scale, rel=1e-12, abs=0)
    assert one.std_error == pytest.approx(1 / 3 * scale, rel=1e-12, abs=0)
    assert one.lower == pytest.approx((2 / 3 - Z / 3) * scale, rel=1e-9, abs=0)
    assert one.upper == pytest.approx((2 / 3 + Z / 3) * scale, rel=1e-9, abs=0)
    two = snips(REWARDS * scale, ACTIONS, PROPENSITIES, TARGET)
    assert two.value == pytest.approx(2 / 3 * scale, rel=1e-12, abs=0)
    assert two.std_error == pytest.approx(scale / (3 * math.sqrt(3)), rel=1e-12, abs=0)


@pytest.mark.parametrize("scale", SCALES)
def test_doubly_robust_and_direct_method_at_any_magnitude(scale):
    result = doubly_robust(REWARDS * scale, ACTIONS, PROPENSITIES, TARGET, MODEL * scale)
    assert result.value == pytest.approx(1.7 / 3 * scale, rel=1e-12, abs=0)
    assert result.std_error == pytest.approx(math.sqrt(0.76 / 3 / 3) * scale, rel=1e-12, abs=0)
    # DM terms sum_a pi q = [0.3, 0.1, 0.5]: mean 0.3, sample sd 0.2, standard error 0.2/sqrt 3
    direct = direct_method(TARGET, MODEL * scale)
    assert direct.value == pytest.approx(0.3 * scale, rel=1e-12, abs=0)
    assert direct.std_error == pytest.approx(0.2 / math.sqrt(3) * scale, rel=1e-12, abs=0)


@pytest.mark.parametrize("scale", [1e-300, 1e200])
def test_bootstrap_interval_scales_with_the_rewards(scale):
    plain = ips(REWARDS, ACTIONS, PROPENSITIES, TARGET, interval="bootstrap", seed=4)
    scaled = ips(REWARDS * scale, ACTIONS, PROPENSITIES, TARGET, interval="bootstrap",
                 seed=4)
    assert scaled.lower == pytest.approx(plain.lower * scale, rel=1e-12, abs=0)
    assert scaled.upper == pytest.approx(plain.upper * scale, rel=1e-12, abs=0)


def test_tiny_rewards_get_an_interval_not_certainty():
    # rewards of 1e-300 had a standard error of exactly 0: the interval was the estimate
    result = ips(REWARDS * 1e-300, ACTIONS, PROPENSITIES, TARGET)
    assert result.std_error > 0
    assert result.lower < result.value < result.upper


def test_terms_past_float64_are_refused_without_numpy_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        for estimate in (ips, snips):
            with pytest.raises(BanditInputError, match="overflows float64"):
                estimate(np.full(3, 1.5e308), ACTIONS, PROPENSITIES, TARGET)
        with pytest.raises(BanditInputError, match="overflows float64"):
            doubly_robust(np.full(3, 1.5e308), ACTIONS, PROPENSITIES, TARGET, MODEL * 1e308)

"""Fifth probe: PSI of a reference whose values repeat (activity counts, ratings) no longer
puts everything above its repeated top value into that value's bin."""

from __future__ import annotations

import math

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.ops.drift import PSI_FLOOR, measure_drift, psi


def test_a_shift_above_a_constant_reference_is_seen():
    # every reference value is 1, every new one 5: the one quantile edge was 1, so both
    # samples fell in the bin [1, inf) and the PSI was 0.0. Now the bins are (-inf, 1),
    # [1, 1+) and above: p = (0, 1, 0), q = (0, 0, 1), each share floored to 1e-4
    expected = 2 * (1 - PSI_FLOOR) * math.log(1 / PSI_FLOOR)
    assert psi([1.0] * 10, [5.0] * 10) == pytest.approx(expected, rel=1e-12)
    assert psi([1.0] * 10, [5.0] * 10, bins=2) == pytest.approx(expected, rel=1e-12)


def test_a_shift_beyond_a_heavy_value_is_seen():
    # 95% ones, 5% twos: every quantile edge is 1. Bins (-inf, 1), [1, 1+), above:
    # p = (0, .95, .05), q = (0, 0, 1); the empty first bin adds nothing
    expected = ((PSI_FLOOR - 0.95) * math.log(PSI_FLOOR / 0.95)
                + (1 - 0.05) * math.log(1 / 0.05))
    assert psi([1.0] * 95 + [2.0] * 5, [3.0] * 100) == pytest.approx(expected, rel=1e-12)


def test_samples_within_the_reference_values_are_unchanged():
    assert psi([1.0] * 10, [1.0] * 10) == 0.0
    assert psi([1.0] * 5 + [2.0] * 5, [2.0] * 5 + [1.0] * 5) == 0.0
    # 1s and 2s kept apart as before (edge 1.5 between them): p = (.5, .5), q = (.2, .8)
    expected = (0.2 - 0.5) * math.log(0.2 / 0.5) + (0.8 - 0.5) * math.log(0.8 / 0.5)
    assert psi([1.0] * 5 + [2.0] * 5, [1.0] * 2 + [2.0] * 8, bins=2) == pytest.approx(expected)
    # a continuous sample has no value holding a bin's share: its quantile bins as before
    rng = np.random.default_rng(0)
    reference, new = rng.normal(size=2000), rng.normal(size=2000) + 0.3
    edges = np.quantile(reference, np.arange(1, 10) / 10)
    assert psi(reference, new) == psi(reference, new, edges=edges)


def test_user_activity_shift_in_one_interaction_windows_is_flagged():
    # the reference window: 200 users with one interaction each; the new window: 200 users
    # with 20 each. The activity PSI was 0.0 (only the KS test saw it)
    reference = Interactions.from_arrays(np.arange(200), np.arange(200) % 50)
    users = np.repeat(np.arange(200), 20)
    new = Interactions.from_arrays(users, np.arange(len(users)) % 50)
    report = measure_drift(reference, new)
    assert report.measures["user_activity_psi"] > 10
    assert "user_activity_psi" in report.flagged

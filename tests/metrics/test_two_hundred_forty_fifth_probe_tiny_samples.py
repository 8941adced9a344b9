"""Welch's t-test on samples far from 1 in magnitude: their squares left float64.

Reference: control [1, 2], treatment [3, 4] worked by hand. Both variances are 1/2, the
standard error sqrt(1/2 / 2 + 1/2 / 2) = sqrt(1/2), t = 2 / sqrt(1/2) = 2 sqrt(2), and the
Welch-Satterthwaite degrees of freedom (1/4 + 1/4)^2 / (1/16 + 1/16) = 2. With 2 degrees of
freedom the t distribution has closed forms: sf(t) = (1 - t / sqrt(t^2 + 2)) / 2, so
p = 1 - 2 sqrt(2) / sqrt(10) = 1 - 2 / sqrt(5), and the 97.5% quantile is
(2u - 1) / sqrt(2u(1 - u)) with u = 0.975, so the interval is 2 -+ that times sqrt(1/2).
Every figure but t and p scales with the data.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from recstack.metrics.online import compare_variants, welch_ttest

T = 2 * math.sqrt(2)
P = 1 - 2 / math.sqrt(5)
U = 0.975
HALF = (2 * U - 1) / math.sqrt(2 * U * (1 - U)) * math.sqrt(0.5)


@pytest.mark.parametrize("scale", [1.0, 1e-120, 1e-160, 1e-300, 1e200])
def test_welch_ttest_gives_the_same_test_at_any_magnitude(scale):
    result = welch_ttest([1 * scale, 2 * scale], [3 * scale, 4 * scale])
    assert result.statistic == pytest.approx(T, rel=1e-12, abs=0)
    assert result.p_value == pytest.approx(P, rel=1e-12, abs=0)
    assert result.difference == pytest.approx(2 * scale, rel=1e-12, abs=0)
    assert result.ci_low == pytest.approx((2 - HALF) * scale, rel=1e-12, abs=0)
    assert result.ci_high == pytest.approx((2 + HALF) * scale, rel=1e-12, abs=0)


def test_tiny_samples_are_not_called_certain():
    # 1e-300 against 2e-300 had variance 0: p = 0 and a zero-width interval, silently
    result = welch_ttest([1e-300, 2e-300], [3e-300, 4e-300])
    assert result.p_value > 0.1
    assert result.ci_low < 0 < result.ci_high


def test_compare_variants_revenue_of_tiny_amounts():
    # revenue_per_session goes through the same test: sessions of 1e-300 and 2e-300 against
    # 3e-300 and 4e-300 are the hand-worked case in units of 1e-300
    rows = []
    for variant, session, revenue in (("A", "s1", 1e-300), ("A", "s2", 2e-300),
                                      ("B", "s3", 3e-300), ("B", "s4", 4e-300)):
        rows.append((variant, session, "impression", 1_700_000_000.0, 0.0, 0.0))
        rows.append((variant, session, "purchase", 1_700_000_001.0, revenue, 0.0))
    events = pd.DataFrame(rows, columns=["variant", "session_id", "event", "timestamp",
                                         "revenue", "cost"])
    result = compare_variants(events, "revenue_per_session", "A", "B")
    assert result.p_value == pytest.approx(P, rel=1e-12, abs=0)
    assert result.ci_low == pytest.approx((2 - HALF) * 1e-300, rel=1e-12, abs=0)

"""Numbers in quotes given to the metrics' own settings (a test's alpha and counts,
novelty's smoothing, miscalibration's alpha) are refused with the spelling that is taken,
as every other setting's are; an alpha given as a percentage is said to be one."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from recstack.metrics import MetricInputError
from recstack.metrics.beyond_accuracy import novelty
from recstack.metrics.lists import miscalibration_kl
from recstack.metrics.online import compare_variants, two_proportion_ztest, welch_ttest

QUOTED = "(a number in quotes is text: write it without them, {})"


def _events() -> pd.DataFrame:
    rows = []
    for variant, clicks in (("A", 3), ("B", 5)):
        for session in range(10):
            key = f"{variant}{session}"
            rows.append((variant, key, "impression", session, 0.0, 0.5))
            if session < clicks:
                rows.append((variant, key, "click", session + 1, 0.0, 0.0))
    return pd.DataFrame(rows, columns=["variant", "session_id", "event", "timestamp",
                                       "revenue", "cost"])


@pytest.mark.parametrize("call", [
    lambda: welch_ttest([1.0, 2, 3, 4], [2.0, 3, 4, 5], alpha="0.05"),
    lambda: two_proportion_ztest(10, 100, 12, 100, alpha="0.05"),
    lambda: compare_variants(_events(), "ctr", "A", "B", alpha="0.05"),
])
def test_alpha_in_quotes(call):
    with pytest.raises(MetricInputError) as caught:
        call()
    assert str(caught.value) == ("alpha must lie in (0, 1), got '0.05' "
                                 + QUOTED.format("alpha = 0.05"))


def test_alpha_as_percentage():
    with pytest.raises(MetricInputError, match=re.escape(
            "alpha must lie in (0, 1), got 5 (a share, not a percentage: 0.05 for 5%)")):
        two_proportion_ztest(10, 100, 12, 100, alpha=5)
    # alpha = 1 or a huge one is no percentage anyone meant: no hint
    for alpha in (1, 1000, -0.5):
        with pytest.raises(MetricInputError) as caught:
            two_proportion_ztest(10, 100, 12, 100, alpha=alpha)
        assert str(caught.value) == f"alpha must lie in (0, 1), got {alpha}"


def test_compare_variants_with_the_number():
    # 3 of 10 impressions clicked in A, 5 of 10 in B: the z-test of those counts
    assert compare_variants(_events(), "ctr", "A", "B", alpha=0.05).statistic \
        == pytest.approx(two_proportion_ztest(3, 10, 5, 10).statistic)


def test_alpha_in_quotes_taken_as_its_number():
    # the spelling the hint names gives the z-test worked by hand: pooled p = 22/200 = 0.11,
    # se = sqrt(0.11 * 0.89 * (2 / 100)) = 0.044249..., z = 0.02 / se = 0.451988...
    result = two_proportion_ztest(10, 100, 12, 100, alpha=0.05)
    assert result.statistic == pytest.approx(0.02 / np.sqrt(0.11 * 0.89 * 0.02))


def test_ztest_count_in_quotes():
    with pytest.raises(MetricInputError) as caught:
        two_proportion_ztest("10", 100, 12, 100)
    assert str(caught.value) == ("successes_control must be a non-negative whole number, "
                                 "got '10' " + QUOTED.format("successes_control = 10"))


def test_novelty_smoothing_in_quotes():
    with pytest.raises(MetricInputError) as caught:
        novelty([[0]], [1, 0], 2, smoothing="1")
    assert str(caught.value).endswith(QUOTED.format("smoothing = 1"))
    # with the number: p(0) = (1 + 1) / (2 + 1), novelty -log2(2/3) = 0.5849...
    assert novelty([[0]], [1, 0], 2, smoothing=1) == pytest.approx([np.log2(1.5)])


def test_miscalibration_alpha_in_quotes():
    with pytest.raises(MetricInputError) as caught:
        miscalibration_kl([[0, 1]], np.eye(2), [[0.5, 0.5]], alpha="0.01")
    assert str(caught.value) == ("alpha must be in (0, 1], got '0.01' "
                                 + QUOTED.format("alpha = 0.01"))

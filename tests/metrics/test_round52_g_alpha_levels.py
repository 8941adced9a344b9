"""Significance tests: a confidence level given as alpha."""

from __future__ import annotations

import pandas as pd
import pytest

from recstack.metrics import MetricInputError, compare_variants, two_proportion_ztest, welch_ttest

LOG = pd.DataFrame({
    "variant": ["A", "A", "A", "A", "B", "B", "B", "B"],
    "session_id": [1, 1, 2, 2, 3, 3, 4, 4],
    "event": ["impression", "click"] * 4,
    "timestamp": [0, 1, 0, 2, 0, 3, 0, 5],
    "revenue": 0.0, "cost": 0.0})


@pytest.mark.parametrize("alpha", [0.95, 0.9, 0.51])
@pytest.mark.parametrize("test", [
    lambda alpha: two_proportion_ztest(3, 10, 5, 10, alpha=alpha),
    lambda alpha: welch_ttest([1.0, 2.0, 4.0], [2.0, 3.0, 7.0], alpha=alpha),
    lambda alpha: compare_variants(LOG, "engagement", "A", "B", alpha=alpha),
], ids=["z-test", "welch", "compare_variants"])
def test_a_confidence_level_given_as_alpha_is_refused(test, alpha: float) -> None:
    with pytest.raises(MetricInputError, match=f"alpha is the share left out.*got {alpha}.*"
                                               f"give alpha={1 - alpha:.4g}"):
        test(alpha)


def test_an_alpha_of_one_half_is_taken() -> None:
    # a 50% interval is narrow but is what was asked for: it is no share left out by mistake
    result = two_proportion_ztest(3, 10, 5, 10, alpha=0.5)
    assert result.confidence == 0.5

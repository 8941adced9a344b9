"""MetricSummary: one user of one value, and confidence levels written as a
percentage or as the share left out."""

from __future__ import annotations

import math

import numpy as np
import pytest

from recstack.errors import ConfigError
from recstack.evaluation.results import MetricSummary


def test_one_user_of_one_value_keeps_a_nan_interval() -> None:
    summary = MetricSummary.from_values("ndcg@10", np.array([0.2, math.nan]))
    assert summary.mean == 0.2 and summary.n_users == 1
    assert math.isnan(summary.ci_low) and math.isnan(summary.ci_high)


@pytest.mark.parametrize("confidence, share", [(95, "0.95 for 95%"), (90.0, "0.9 for 90%")])
def test_a_percentage_level_is_refused_naming_the_share(confidence: float, share: str) -> None:
    with pytest.raises(ConfigError, match=f"got {confidence:g}.*a share, not a percentage: "
                                          f"{share}"):
        MetricSummary.from_values("m", np.array([1.0, 2.0, 3.0]), confidence)


@pytest.mark.parametrize("confidence", [0.05, 0.1, 0.49])
def test_a_level_below_one_half_is_refused_as_the_share_left_out(confidence: float) -> None:
    with pytest.raises(ConfigError, match=f"confidence is the level.*got {confidence}.*give "
                                          f"confidence={1 - confidence:g}"):
        MetricSummary.from_values("m", np.array([1.0, 2.0, 3.0]), confidence)


def test_a_level_of_one_half_is_taken() -> None:
    # values 1, 2, 3: mean 2, sd 1, n 3; t with 2 degrees of freedom has the distribution
    # function 1/2 + t / (2 sqrt(2 + t^2)), which is 0.75 at t = sqrt(2/3), so the half
    # width is sqrt(2/3) / sqrt(3) = sqrt(2) / 3
    summary = MetricSummary.from_values("m", np.array([1.0, 2.0, 3.0]), 0.5)
    half = math.sqrt(2) / 3
    assert summary.ci_low == pytest.approx(2 - half, rel=1e-12)
    assert summary.ci_high == pytest.approx(2 + half, rel=1e-12)

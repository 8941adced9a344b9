"""Hundred-forty-fifth probe: ``ipw_sample_weights``' ``clip`` is the smallest propensity used,
in (0, 1] (the README's range: propensities are relative to position 1, whose is 1), but a
clip of 0, NaN or true/false was told "must be a finite number in (0, inf]", a range whose
upper part is refused too. Every refusal of a clip now names (0, 1]."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pytest

from recstack.pipeline.bandit_checks import BanditInputError
from recstack.pipeline.position_bias import ipw_sample_weights

POSITIONS, LABELS, THETA = [1, 2], [1, 1], [1.0, 0.5]


@pytest.mark.parametrize("clip", [0, 0.0, -0.5, np.nan, np.inf, True, "0.1", -np.inf])
def test_a_clip_outside_its_range_names_the_range_0_to_1(clip):
    with pytest.raises(BanditInputError, match=r"^ipw_sample_weights: clip must be a finite "
                                               r"number in \(0, 1\], got "):
        ipw_sample_weights(POSITIONS, LABELS, THETA, clip=clip)


@pytest.mark.parametrize("clip", [2, 1.5, Decimal("1.01")])
def test_a_clip_above_one_says_why_and_names_the_range(clip):
    with pytest.raises(BanditInputError, match=r"clip must be at most 1, got .*a larger clip "
                                               r"would lower every weight below 1; give a "
                                               r"clip in \(0, 1\]"):
        ipw_sample_weights(POSITIONS, LABELS, THETA, clip=clip)


def test_clips_in_the_range_still_work():
    # w = 1 / max(theta, clip) for the clicked rows
    assert ipw_sample_weights(POSITIONS, LABELS, THETA, clip=1).tolist() == [1.0, 1.0]
    assert ipw_sample_weights(POSITIONS, LABELS, THETA, clip=0.25).tolist() == [1.0, 2.0]
    assert ipw_sample_weights(POSITIONS, LABELS, THETA,
                              clip=Decimal("0.8")).tolist() == [1.0, 1 / 0.8]

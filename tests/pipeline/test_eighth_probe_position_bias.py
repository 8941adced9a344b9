"""Eighth bad-input probe of position bias: propensities not relative to position 1 (click
rates per position, given as they were measured) weighted every click 1 / theta_1 times
too much against the non-clicks, and an unsmoothed estimate gave a position the log never
showed the propensity 0 (0 / 0 read as "nobody examines it"). Expected weights by hand from
w = 1 / theta_k for a click, 1 otherwise."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.pipeline.bandit_checks import BanditInputError
from recstack.pipeline.position_bias import estimate_propensities, ipw_sample_weights


@pytest.mark.parametrize("propensities", [[0.3, 0.15, 0.06], [2.0, 1.0, 0.5]])
def test_propensities_whose_top_is_not_1_are_refused(propensities):
    # click rates 0.3, 0.15, 0.06: a click at position 1 would have weighed 3.33, not 1
    with pytest.raises(BanditInputError, match=r"propensities must be relative to position "
                       rf"1, so the first must be 1 .*it is {propensities[0]!r}: divide them "
                       r"by it \(propensities / propensities\[0\]\)"):
        ipw_sample_weights([1, 2, 3], [1, 1, 0], propensities)
    # divided by the first as told: 1, 0.5, 0.2 -> clicks at 1 and 2 weigh 1 and 2, the
    # row without a click 1
    relative = np.asarray(propensities) / propensities[0]
    np.testing.assert_allclose(ipw_sample_weights([1, 2, 3], [1, 1, 0], relative), [1, 2, 1])


def test_unshown_positions_without_smoothing_are_refused():
    # position 2 never shown: its click rate is 0 / 0 (it came out as propensity 0)
    with pytest.raises(BanditInputError, match=r"with smoothing = 0, position\(s\) 2 have no "
                       r"impression in the log \(of positions 1..3\).*give smoothing > 0"):
        estimate_propensities([1, 1, 3, 3], [1, 0, 1, 0], smoothing=0)
    # every position shown: CTR 1/2 at position 1, 1/4 at position 2 -> 1, 0.5
    np.testing.assert_allclose(
        estimate_propensities([1, 1, 2, 2, 2, 2], [1, 0, 1, 0, 0, 0], smoothing=0), [1, 0.5])


def test_positions_beyond_the_log_without_smoothing_are_refused():
    with pytest.raises(BanditInputError, match=r"position\(s\) 3, 4 have no impression .*"
                       r"a smaller n_positions"):
        estimate_propensities([1, 1, 2, 2], [1, 0, 1, 0], smoothing=0, n_positions=4)

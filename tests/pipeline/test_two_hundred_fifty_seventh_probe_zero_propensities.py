"""A propensity of 0 that no weight needs: estimate_propensities(..., smoothing=0) gives 0 to
a position shown but never clicked, and ipw_sample_weights on the same log refused it as "a
position nobody examines cannot be reweighted", though the rows there are all unclicked and
weigh 1 (clicked_only=True, the default). Such a 0 is now taken; a 0 that a weight needs is
refused naming the row that needs it. Weights by hand: 1 / theta_k for a click, 1 otherwise."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.pipeline.bandit_checks import BanditInputError
from recstack.pipeline.position_bias import estimate_propensities, ipw_sample_weights

# positions 1..3 shown twice each; clicks at 1 (twice) and 2 (once), never at 3
POSITIONS = np.array([1, 2, 3, 1, 2, 3])
CLICKS = np.array([1, 1, 0, 1, 0, 0])


def test_an_unsmoothed_estimate_feeds_the_weights_of_its_own_log() -> None:
    # CTR 2/2, 1/2, 0/2 -> propensities 1, 0.5, 0
    table = estimate_propensities(POSITIONS, CLICKS, smoothing=0)
    np.testing.assert_allclose(table, [1.0, 0.5, 0.0])
    # the click at position 2 weighs 1 / 0.5 = 2; every other row 1 (position 3: no click)
    np.testing.assert_allclose(ipw_sample_weights(POSITIONS, CLICKS, table), [1, 2, 1, 1, 1, 1])
    np.testing.assert_allclose(ipw_sample_weights(POSITIONS, CLICKS, table, clip=None),
                               [1, 2, 1, 1, 1, 1])


def test_a_zero_that_a_weight_needs_is_refused_naming_the_row() -> None:
    table = np.array([1.0, 0.5, 0.0])
    with pytest.raises(BanditInputError, match=(
            r"^ipw_sample_weights: propensities must be > 0 \(a position nobody examines "
            r"cannot be reweighted\); position 3 has 0\.0, and row 2 there needs its weight "
            r"\(clicked_only=False weights every row\); estimate_propensities\(\.\.\., "
            r"smoothing=0\) gives 0 to a position shown but never clicked: give smoothing > 0")):
        ipw_sample_weights(POSITIONS, CLICKS, table, clicked_only=False)
    # a click at a position whose propensity is 0: refused, the clicked row named
    with pytest.raises(BanditInputError, match=r"position 2 has 0\.0, and row 1 there is "
                       r"clicked$"):
        ipw_sample_weights(POSITIONS, CLICKS, np.array([1.0, 0.0, 0.5]))


@pytest.mark.parametrize("table", [[0.0, 0.5, 0.2], [1.0, -0.5, 0.2], [1.0, 0.5, -0.2]])
def test_position_one_zero_and_negatives_are_refused_wherever_they_are(table) -> None:
    # position 1 is the reference of the others; a negative propensity is no probability
    bad = next(k for k, v in enumerate(table) if v <= 0)
    with pytest.raises(BanditInputError, match=rf"position {bad + 1} has {table[bad]!r}$"):
        ipw_sample_weights(POSITIONS, CLICKS, np.array(table))


def test_per_row_propensities_follow_the_same_rule() -> None:
    # rows 2, 4, 5 are unclicked: their 0 is not needed; row 1 (clicked, 0.5) weighs 2
    rows = np.array([1.0, 0.5, 0.0, 1.0, 0.0, 0.0])
    for clip in (0.05, None):
        np.testing.assert_allclose(
            ipw_sample_weights(POSITIONS, CLICKS, rows, per="row", clip=clip),
            [1, 2, 1, 1, 1, 1])
    with pytest.raises(BanditInputError, match=r"a row nobody examines cannot be reweighted\); "
                       r"row 2 has 0\.0"):
        ipw_sample_weights(POSITIONS, CLICKS, rows, per="row", clicked_only=False)
    with pytest.raises(BanditInputError, match=r"row 1 has 0\.0$"):
        ipw_sample_weights(POSITIONS, CLICKS, np.array([1.0, 0.0, 0.2, 1.0, 0.5, 0.2]),
                           per="row")

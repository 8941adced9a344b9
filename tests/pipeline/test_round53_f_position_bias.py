"""Round 53 (F): a click log deeper than the ``n_positions`` asked of
``estimate_propensities``.

Before: "n_positions=2 but the log has position 4", naming neither the row nor what would
be right. Now the first row beyond ``n_positions`` and the bound to give are named.
"""

from __future__ import annotations

import numpy as np
import pytest

from recstack.pipeline.bandit_checks import BanditInputError
from recstack.pipeline.position_bias import estimate_propensities


def test_a_log_deeper_than_n_positions_names_the_row_and_the_bound():
    positions = np.array([1, 2, 3, 1, 2, 3, 4])
    clicks = np.array([1, 0, 0, 1, 1, 0, 0])
    # row 2 is the first shown below position 2 (at 3); the deepest position is 4
    with pytest.raises(BanditInputError, match=r"^estimate_propensities: n_positions=2 but "
                       r"the log has position 4 \(first beyond it: row 2, position 3\); give "
                       r"n_positions >= 4, or None to cover every position of the log$"):
        estimate_propensities(positions, clicks, n_positions=2)


def test_n_positions_at_the_deepest_position_is_accepted():
    positions = np.array([1, 2, 1, 2])
    clicks = np.array([1, 1, 1, 0])
    # smoothing 0: CTR_1 = 2/2 = 1, CTR_2 = 1/2, so theta = [1, 0.5]
    np.testing.assert_allclose(
        estimate_propensities(positions, clicks, n_positions=2, smoothing=0.0), [1.0, 0.5])

"""Two hundred twenty-ninth bad-input probe of position-bias estimation and weighting.

- ``ipw_sample_weights(per="row")`` took a row's propensity above 1 without a word (its
  click weighted below 1), where the same value in a table by position is warned of; both
  readings now warn, naming the entry.
- ``estimate_propensities`` with a tiny smoothing (1e-320) and no click at position 1 divided
  by a subnormal click rate: numpy's "overflow encountered" warning, infinite estimates
  capped to 1 as if they were noise, and a table of ones returned. It is now refused, naming
  position 1's click rate and the smoothing.
- ``ipw_sample_weights``' propensities, one per row as a pandas Series in another order than
  the positions or labels, were paired by position: each click weighted by another row's
  propensity, silently (positions and labels were checked against each other). They are now
  refused, as every other pair of arrays of the pipeline is.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from recstack.pipeline.bandit_checks import BanditInputError
from recstack.pipeline.position_bias import estimate_propensities, ipw_sample_weights

POSITIONS = np.array([1, 1, 2, 2, 3, 3])
CLICKS = np.array([1, 0, 1, 0, 1, 0])


# ------------------------------------------------------------------ propensities above 1
def test_a_row_propensity_above_one_is_warned_of_as_a_position_one_is():
    rows = np.array([1.0, 1.0, 2.0, 0.5, 0.25, 0.25])
    with pytest.warns(UserWarning, match=r"^ipw_sample_weights: propensities above 1 \(row 2 "
                      r"at position 2: 2\) say those rows were examined more than position "
                      r"1, so their clicks get weights below 1; if they are estimates"):
        weights = ipw_sample_weights(POSITIONS, CLICKS, rows, per="row")
    # by hand: clicked rows 0, 2, 4 get 1 / theta (1, 1 / 2, 1 / 0.25); the others 1
    np.testing.assert_array_equal(weights, [1.0, 1.0, 0.5, 1.0, 4.0, 1.0])


def test_the_table_by_position_keeps_its_warning_and_names_positions():
    with pytest.warns(UserWarning, match=r"^ipw_sample_weights: propensities above 1 "
                      r"\(position 3: 1\.5\) say those positions are examined more than "
                      r"position 1"):
        weights = ipw_sample_weights(POSITIONS, CLICKS, np.array([1.0, 0.5, 1.5]))
    np.testing.assert_allclose(weights, [1.0, 1.0, 2.0, 1.0, 1 / 1.5, 1.0])


def test_row_propensities_up_to_one_stay_quiet():
    rows = np.array([1.0, 1.0, 0.5, 0.5, 1.0, 0.25])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        weights = ipw_sample_weights(POSITIONS, CLICKS, rows, per="row")
    np.testing.assert_array_equal(weights, [1.0, 1.0, 2.0, 1.0, 1.0, 1.0])


def test_many_rows_above_one_are_counted_past_five():
    positions = np.array([1] + [2] * 7)
    rows = np.array([1.0] + [3.0] * 7)
    with pytest.warns(UserWarning, match=r"row 5 at position 2: 3 and 2 more\)"):
        ipw_sample_weights(positions, np.ones(8), rows, per="row")


# ------------------------------------------------------------------ a tiny smoothing
def test_a_smoothing_too_small_for_the_ratio_is_refused_naming_position_one():
    clicks = np.array([0, 0, 1, 0, 0, 0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # numpy's overflow warning, and the capping one
        with pytest.raises(BanditInputError, match=(
                r"^estimate_propensities: position 1's click rate \(0 click\(s\) in 2 "
                r"impression\(s\), smoothing = 1e-320\) is [0-9.e-]+, so small that position "
                r"2's \(0\.5\) divided by it passes float64 and no propensity can be "
                r"estimated; give a larger smoothing \(1, the default\)")):
            estimate_propensities(POSITIONS, clicks, smoothing=1e-320)


def test_a_small_smoothing_that_fits_float64_still_estimates():
    # by hand, smoothing 1e-300, overall rate 1/6: CTR_1 = (0 + 1e-300 / 6) / 2,
    # CTR_2 = 1 / 2 (the smoothing is lost beside it), CTR_3 = CTR_1: theta = [1, 6e300, 1],
    # the middle capped at 1 with the warning
    clicks = np.array([0, 0, 1, 0, 0, 0])
    with pytest.warns(UserWarning, match=r"position 2: 6e\+300 from 2 impression\(s\)"):
        theta = estimate_propensities(POSITIONS, clicks, smoothing=1e-300)
    np.testing.assert_array_equal(theta, [1.0, 1.0, 1.0])


def test_the_default_smoothing_gives_the_hand_values():
    # overall rate 1/2; CTR_k = (1 + 0.5) / 3 = 0.5 at every position: theta = 1 everywhere
    np.testing.assert_allclose(estimate_propensities(POSITIONS, CLICKS), [1.0, 1.0, 1.0])
    # clicks 1, 0 at position 1 and none lower: overall 1/6; CTR_1 = (1 + 1/6) / 3 = 7/18,
    # CTR_2 = CTR_3 = (0 + 1/6) / 3 = 1/18: theta = [1, 1/7, 1/7]
    clicks = np.array([1, 0, 0, 0, 0, 0])
    np.testing.assert_allclose(estimate_propensities(POSITIONS, clicks),
                               [1.0, 1 / 7, 1 / 7])


# ------------------------------------------------------------------ rows of pandas Series
ROWS = [10, 11, 12]
SHUFFLED = pd.Series([1.0, 0.5, 0.25], index=[10, 12, 11])  # row 11's is 0.25, row 12's 0.5


@pytest.mark.parametrize("per", ["row", None])
def test_row_propensities_in_another_order_than_the_positions_are_refused(per):
    positions = pd.Series([1, 2, 2], index=ROWS)
    labels = pd.Series([1, 1, 0], index=ROWS)
    with pytest.raises(BanditInputError, match=(
            r"^ipw_sample_weights: labels and propensities are pandas Series with the same "
            r"index labels in different orders \(position 1 is row 11 of labels but row 12 "
            r"of propensities\); values are paired by position")):
        ipw_sample_weights(positions, labels, SHUFFLED, per=per)


def test_row_propensities_are_checked_against_the_positions_when_labels_are_an_array():
    with pytest.raises(BanditInputError, match=r"^ipw_sample_weights: positions and "
                       r"propensities are pandas Series .* \(position 1 is row 11 of positions "
                       r"but row 12 of propensities\)"):
        ipw_sample_weights(pd.Series([1, 2, 2], index=ROWS), np.array([1, 1, 0]), SHUFFLED,
                           per="row")


def test_aligned_row_propensities_give_the_hand_weights():
    positions = pd.Series([1, 2, 2], index=ROWS)
    labels = pd.Series([1, 1, 1], index=ROWS)
    aligned = SHUFFLED.loc[positions.index]  # 1, 0.25, 0.5
    # by hand: 1 / 1, 1 / 0.25, 1 / 0.5
    np.testing.assert_array_equal(ipw_sample_weights(positions, labels, aligned, per="row"),
                                  [1.0, 4.0, 2.0])
    # a fresh 0..n-1 index beside row labels is read by position, as numpy does
    fresh = pd.Series([1.0, 0.25, 0.5])
    np.testing.assert_array_equal(ipw_sample_weights(positions, labels, fresh, per="row"),
                                  [1.0, 4.0, 2.0])


def test_a_table_by_position_is_not_aligned_with_the_rows():
    # per="position": propensities[k - 1] is position k's, whatever its index says
    positions = pd.Series([1, 2, 2], index=ROWS)
    labels = pd.Series([1, 1, 1], index=ROWS)
    np.testing.assert_array_equal(
        ipw_sample_weights(positions, labels, SHUFFLED, per="position"), [1.0, 2.0, 2.0])

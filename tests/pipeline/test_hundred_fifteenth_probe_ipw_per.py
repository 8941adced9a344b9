"""Hundred-fifteenth probe: ``ipw_sample_weights`` reads its propensities by position
(``propensities[k - 1]`` is position k's) or, with ``per="row"``, one per row. An array of
one propensity per row whose length happened to cover the positions was read by position,
giving wrong weights silently; now that case warns, asking which is meant, and
``per=`` says it."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from recstack.pipeline.bandit_checks import BanditInputError
from recstack.pipeline.position_bias import ipw_sample_weights

POSITIONS = np.array([1, 2, 4, 4])
CLICKS = np.array([1, 1, 1, 0])


def test_per_row_propensities_give_each_row_its_own_weight():
    theta = np.array([1.0, 0.5, 0.2, 0.02])  # row i's propensity
    # w_i = 1 / max(theta_i, clip) for clicked rows, 1 otherwise
    np.testing.assert_allclose(
        ipw_sample_weights(POSITIONS, CLICKS, theta, clip=None, per="row"), [1, 2, 5, 1])
    np.testing.assert_allclose(
        ipw_sample_weights(POSITIONS, CLICKS, theta, clip=0.05, per="row",
                           clicked_only=False), [1, 2, 5, 20])


def test_the_ambiguous_case_warns_and_per_position_keeps_it_quiet():
    table = np.array([1.0, 0.5, 0.3, 0.2])  # four positions, four rows
    with pytest.warns(UserWarning, match=r"propensities has one value per row \(4\) and also "
                                         r"covers the positions 1\.\.4.*per='position' or "
                                         r"per='row'"):
        weights = ipw_sample_weights(POSITIONS, CLICKS, table, clip=None)
    np.testing.assert_allclose(weights, [1, 2, 5, 1])  # read by position
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        np.testing.assert_allclose(
            ipw_sample_weights(POSITIONS, CLICKS, table, clip=None, per="position"),
            [1, 2, 5, 1])


def test_a_table_shorter_than_the_rows_is_not_ambiguous():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        weights = ipw_sample_weights(np.array([1, 2, 2, 1, 2]), np.array([1, 1, 0, 0, 1]),
                                     np.array([1.0, 0.25]), clip=None)
    np.testing.assert_allclose(weights, [1, 4, 1, 1, 4])


@pytest.mark.parametrize("per, propensities, message", [
    ("rows", [1.0, 0.5, 0.2, 0.1], r"per must be 'position' .* or 'row' .*got 'rows'"),
    ("row", [1.0, 0.5], r"per='row' needs one propensity per row \(4\), got 2"),
    ("row", [1.0, 0.5, 0.0, 0.1], r"propensities must be > 0 .* row 2 has 0\.0"),
    ("row", [0.5, 0.5, 0.2, 0.1], r"a row at position 1 has 1; row 0 has 0\.5"),
])
def test_bad_per_row_inputs_are_named(per, propensities, message):
    with pytest.raises(BanditInputError, match=message):
        ipw_sample_weights(POSITIONS, CLICKS, np.array(propensities), per=per)

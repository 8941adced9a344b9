"""Hundred-forty-fifth probe: the pipeline's conversion of arrays of numbers (rewards,
clicks, labels, propensities...) named a bad value by its float: None was "nan", and a list
holding ``pd.NA`` was refused with numpy's "float() argument must be a string or a real
number, not 'NAType'", naming no position. Each is now named at its position as the user
wrote it; numbers keep their float."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pandas as pd
import pytest

from recstack.pipeline.bandit_checks import BanditInputError
from recstack.pipeline.bandits import UCB1
from recstack.pipeline.off_policy import ips
from recstack.pipeline.position_bias import estimate_propensities

TARGET = np.full((3, 2), 0.5)


@pytest.mark.parametrize(("value", "written"), [
    (None, "None (a missing value)"),
    (pd.NA, "pd.NA (a missing value)"),
    (Decimal("NaN"), "Decimal('NaN') (a missing value)"),
    (Decimal("-Infinity"), "Decimal('-Infinity')"),
    (np.nan, "nan (a missing value)"),
    (float("inf"), "inf"),
])
def test_a_bad_reward_is_named_as_written(value, written):
    with pytest.raises(BanditInputError, match=rf"^ips: rewards must be finite, row 1 is "
                                               rf"{_escaped(written)}$"):
        ips([1, value, 0], [0, 1, 0], [0.5, 0.5, 0.5], TARGET)


def test_a_missing_click_and_reward_are_named_by_position():
    with pytest.raises(BanditInputError, match=r"^estimate_propensities: clicks must be "
                                               r"finite, row 1 is pd.NA \(a missing value\)$"):
        estimate_propensities([1, 2], [1, pd.NA])
    with pytest.raises(BanditInputError, match=r"^ucb1.update: rewards must be finite, "
                                               r"position \[0, 1\] is None \(a missing "
                                               r"value\)$"):
        UCB1(n_items=3).update([0], [[0, 1]], [[1, None]])


def test_good_values_are_still_read():
    # IPS: mean(0.5 / 0.5 * r) over r = 1, 0, 1 -> 2/3
    assert ips([Decimal(1), 0, True], [0, 1, 0], [0.5, 0.5, 0.5],
               TARGET).value == pytest.approx(2 / 3)


def _escaped(text: str) -> str:
    import re

    return re.escape(text)

"""Hundred-forty-fifth probe: the metrics' one conversion of arrays to numbers named a bad
value by its float: None and ``Decimal('NaN')`` in a list of scores were "nan", and a list
holding ``pd.NA`` was refused as "values that are not numbers, or rows of different
lengths", naming no position. Each is now named at its position as the user wrote it."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pandas as pd
import pytest

from recstack.metrics import MetricInputError, log_loss, rmse, roc_auc

LABELS = [1, 0, 1]


@pytest.mark.parametrize(("value", "written"), [
    (None, "None (a missing value)"),
    (pd.NA, "pd.NA (a missing value)"),
    (Decimal("NaN"), "Decimal('NaN')"),
    (Decimal("Infinity"), "Decimal('Infinity')"),
])
def test_a_bad_value_is_named_as_written(value, written):
    scores = [0.9, value, 0.4]
    with pytest.raises(MetricInputError, match=rf"^y_prob must be finite; position 1 holds "
                                               rf"{_escaped(written)}$"):
        log_loss(LABELS, scores)
    if value is not None and value is not pd.NA and value.is_infinite():
        return  # roc_auc takes infinite scores (only the order matters)
    with pytest.raises(MetricInputError, match=rf"^y_score must be a number; position 1 "
                                               rf"holds {_escaped(written)}$"):
        roc_auc(LABELS, np.array(scores, dtype=object))


def test_numbers_are_still_named_by_their_float():
    with pytest.raises(MetricInputError, match=r"^y_pred must be finite; position 2 holds "
                                               r"nan$"):
        rmse([1.0, 2.0, 3.0], np.array([1.0, 2.0, np.nan]))
    with pytest.raises(MetricInputError, match=r"position 0 holds inf$"):
        rmse([1.0], [float("inf")])


def test_a_list_with_pd_na_elsewhere_than_the_bad_value_is_still_read():
    # pd.NA is a missing value: refused where it stands, never read as a number
    with pytest.raises(MetricInputError, match=r"position 0 holds pd.NA"):
        rmse([1.0, 2.0], [pd.NA, 2.0])
    assert rmse([1.0, 2.0], [Decimal("1"), 4]) == pytest.approx(np.sqrt((0 + 4) / 2))


def _escaped(text: str) -> str:
    import re

    return re.escape(text)

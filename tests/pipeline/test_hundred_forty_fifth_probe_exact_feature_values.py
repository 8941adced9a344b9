"""Hundred-forty-fifth probe: a FeatureFrame's numeric features given as exact numbers
(Python ints, ``Decimal``) in an object array. The warning of a value float32 changes showed
its float64 (``16777217.0`` for ``Decimal('16777217')``), not the value as written, and a
whole number past 2**53 (``Decimal('123456789012345678901')``), which float64 itself had
rounded before the check, changed without a word. Both are read from the values as given
now, as the data layer's tables are."""

from __future__ import annotations

import warnings
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest

from recstack.data.interactions import InexactValueWarning
from recstack.pipeline.schema import Feature, FeatureFrame, FeatureSchema

SCHEMA = FeatureSchema((Feature("price", "numeric"), Feature("age", "numeric")))


def frame(first):
    values = np.array([[first, 1], [2, 3]], dtype=object)
    return FeatureFrame(SCHEMA, values, np.zeros((2, 0), np.int64), [0, 0], [0, 1], [0, 0])


@pytest.mark.parametrize(("value", "written"), [
    (Decimal("16777217"), "Decimal('16777217')"),
    (16777217, "16777217"),
    (Decimal("123456789012345678901"), "Decimal('123456789012345678901')"),
    (2**70 + 1, str(2**70 + 1)),
    (Decimal("1e-50"), "Decimal('1E-50')"),
])
def test_the_warning_shows_the_value_as_given(value, written):
    with pytest.warns(InexactValueWarning) as caught:
        built = frame(value)
    message = str(caught[0].message)
    assert "column 'price': 1 value(s) change on becoming float32" in message
    assert f"(row 0 holds {written}, kept as " in message
    assert built.numeric[0, 0] == np.float32(float(value))


@pytest.mark.parametrize("value", [Decimal("0.5"), Decimal("16777216"), Fraction(1, 4), 7])
def test_values_float32_holds_are_not_warned_of(value):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        built = frame(value)
    assert built.numeric[0, 0] == float(value)

"""Hundred-sixty-seventh probe: values and times given as masked arrays, missing values and
numbers beyond the float range.

- A numpy masked array of values or times was read with its masked entries' hidden numbers
  (a masked rating kept as whatever lay under the mask), where the id columns refuse it.
- ``10**400`` or ``Fraction(10**400)`` among values or times was numpy's OverflowError
  traceback, and ``Decimal("1e400")`` was called "non-finite" or "NaN or infinite".
- pandas' NA among values was "holds object values, e.g. [<NA>, 1]", and None "1 non-finite
  value(s), first at row 0: nan".
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import DataFormatError


def _build(**column):
    return Interactions.from_arrays([1, 2, 3], [1, 2, 3], **column)


@pytest.mark.parametrize("keyword", ["values", "timestamps"])
def test_a_masked_entry_is_refused_by_its_row(keyword):
    masked = np.ma.masked_array([10.0, 20.0, 30.0], mask=[False, True, True])
    column = "value" if keyword == "values" else "timestamp"
    with pytest.raises(DataFormatError) as refused:
        _build(**{keyword: masked})
    assert str(refused.value) == (
        f"column '{column}': row 1 holds a masked entry (a missing value; 2 in all) "
        "(expected a number in every row: drop the masked rows first, or fill them "
        "(array.filled(...)))")


def test_a_masked_array_without_masked_entries_is_read_as_its_numbers():
    unmasked = np.ma.masked_array([10.0, 20.0, 30.0], mask=[False, False, False])
    assert _build(values=unmasked).value.tolist() == [10.0, 20.0, 30.0]
    assert _build(timestamps=unmasked).timestamp.tolist() == [10, 20, 30]
    data = _build(values=[1.0, 2.0, 3.0])
    with pytest.raises(DataFormatError, match=r"row 0 holds a masked entry"):
        data.with_values(np.ma.masked_array([1.0, 2.0, 3.0], mask=[True, False, False]))


@pytest.mark.parametrize(("huge", "shown"), [
    (10**400, "a 401-digit integer"),
    (-10**400, "a 401-digit integer"),
    (Decimal("1e400"), "Decimal('1E+400')"),
    (Fraction(10**400, 3), "Fraction("),
])
def test_a_number_past_the_float_range_is_named_not_an_overflow(huge, shown):
    with pytest.raises(DataFormatError) as refused:
        _build(values=[1, huge, 2])
    assert str(refused.value).startswith(
        f"column 'value': 1 value(s) beyond float32's range, first at row 1: {shown}")
    with pytest.raises(DataFormatError) as refused:
        _build(timestamps=[1, 2, huge])
    assert str(refused.value).startswith(
        "column 'timestamp': holds times out of range: 1 time(s) outside the years 1 to "
        f"9999, first at row 2: {shown}")


def test_a_real_infinity_is_still_called_non_finite():
    with pytest.raises(DataFormatError, match=r"1 non-finite value\(s\), first at row 0: inf"):
        _build(values=[float("inf"), 1, 2])
    with pytest.raises(DataFormatError, match=r"holds NaN or infinite times: row 1 holds "
                                              r"Decimal\('Infinity'\)"):
        _build(timestamps=[1, Decimal("Infinity"), 2])


@pytest.mark.parametrize(("missing", "name"), [(None, "None"), (pd.NA, "pd.NA")])
@pytest.mark.parametrize(("keyword", "column", "wanted"), [
    ("values", "value", "a number"), ("timestamps", "timestamp", "a time")])
def test_a_missing_value_is_named_as_written(missing, name, keyword, column, wanted):
    with pytest.raises(DataFormatError) as refused:
        _build(**{keyword: [1, missing, missing]})
    assert str(refused.value) == (
        f"column '{column}': row 1 holds a missing value ({name}; 2 in all) (expected "
        f"{wanted} in every row: drop the rows without one first, or fill them)")


def test_exact_numbers_within_the_range_are_still_read():
    data = _build(values=[Fraction(1, 2), Decimal("2.5"), 2**40],
                  timestamps=[Fraction(10), Decimal("20"), 30])
    assert data.value.tolist() == [0.5, 2.5, 2.0**40]
    assert data.timestamp.tolist() == [10, 20, 30]

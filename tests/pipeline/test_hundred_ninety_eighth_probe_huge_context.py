"""Hundred-ninety-eighth bad-input probe: a numeric context value past the features' range.

``FeatureBuilder.check_context`` read a numeric context column with ``pd.to_numeric``,
which raised Python's ``OverflowError: int too large to convert to float`` for an integer
past float64's range (``10**400``, ``-10**400``, ``10**5000``); text of such digits and
``Decimal("1e400")`` passed the check and failed later (the text with the same traceback,
the Decimal as "holds inf (row 0)", its value lost). Each is now refused by the check,
naming the column, the row and the value (a long integer by its digit count). An exact
number pandas does not read (``Fraction(1, 2)``) was refused as not a number; it is read
as the number it is, as ``Decimal("1.5")`` already was.
"""

from __future__ import annotations

import re
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import RecstackError
from recstack.pipeline.features import FeatureBuilder


def _builder() -> FeatureBuilder:
    data = Interactions.from_arrays(
        np.array([1, 1, 2, 2]), np.array([5, 6, 5, 7]), None, np.arange(4),
        context=pd.DataFrame({"price": [1.0, 2.0, 3.0, 4.0]}))
    builder = FeatureBuilder(context_columns=["price"]).fit(data, ["popular"], 3)
    assert [(c.column, c.role) for c in builder.context_] == [("price", "numeric")]
    return builder


BEYOND = (", beyond the range of the features (float32: finite, at most 3.4e+38 in size); "
          "scale the column (e.g. a logarithm) as in the training log, or leave it out")


@pytest.mark.parametrize(("values", "row", "shown"), [
    ([1.0, 10**400], 1, "a 401-digit integer"),
    ([-(10**400)], 0, "a 401-digit integer"),
    ([None, 2.0, 10**5000], 2, "a 5,001-digit integer"),
    ([Decimal("1e400")], 0, "Decimal('1E+400')"),
    ([1e39], 0, "1e+39"),
    ([np.inf], 0, "inf"),
    (["9" * 400], 0, "'" + "9" * 59 + "..." + "9" * 19 + "' (402 characters)"),
])
def test_a_number_past_the_features_range_is_refused_naming_it(values, row, shown):
    builder = _builder()
    context = pd.DataFrame({"price": pd.Series(values, dtype=object)})
    said = f"context column 'price': request row {row} holds {shown}{BEYOND}"
    with pytest.raises(RecstackError, match="^" + re.escape(said)):
        builder.check_context(context, "request row")
    # building the features checks them alike (rows: the frame's)
    with pytest.raises(RecstackError, match=re.escape(f"row {row} holds {shown}{BEYOND}")):
        builder.context_features(context, len(values))


def test_exact_and_large_but_representable_numbers_are_read_as_their_values():
    builder = _builder()
    values = [Fraction(1, 2), Decimal("1.5"), "2.5", None, 2**100, -(2**64)]
    context = pd.DataFrame({"price": pd.Series(values, dtype=object)})
    builder.check_context(context, "request row")
    numbers, _ = builder.context_features(context, len(values))
    np.testing.assert_array_equal(
        numbers[:, 0], np.array([0.5, 1.5, 2.5, np.nan, 2.0**100, -(2.0**64)], np.float32))


def test_text_that_is_no_number_is_still_named_with_both_types():
    builder = _builder()
    context = pd.DataFrame({"price": pd.Series([1.0, "abc"], dtype=object)})
    with pytest.raises(RecstackError, match=r"^context column 'price' held numbers at fit and "
                                            r"holds text now \(such as 'abc', request row "
                                            r"1\); give a number"):
        builder.check_context(context, "request row")

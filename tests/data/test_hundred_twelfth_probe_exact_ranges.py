"""A rating_range of exact numbers (Decimal, Fraction, numpy) is two numbers, kept as
Python's; an end past the float range is refused by name; numpy text given as values or
times is named as text with the conversion that reads it."""

from __future__ import annotations

import json
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import DataFormatError


@pytest.mark.parametrize(("given", "kept"), [
    ((Decimal("0.5"), Decimal("5")), (0.5, 5)),
    ((Fraction(1, 2), 5), (0.5, 5)),
    ((np.float32(1), np.int64(5)), (1.0, 5)),
    ([1, 5], (1, 5)),
    ((1, 5), (1, 5)),
])
def test_exact_and_numpy_ends_are_kept_as_python_numbers(given, kept):
    data = Interactions.from_arrays([1, 2], [1, 2], [1.0, 5.0], rating_range=given)
    assert data.rating_range == kept
    assert all(type(end) in (int, float) for end in data.rating_range)
    assert json.loads(json.dumps(data.rating_range)) == list(kept)
    # and it survives slicing (the dataclass is rebuilt)
    assert data.select([0]).rating_range == kept


@pytest.mark.parametrize(("given", "shown"), [
    ((1, 10**400), "(1, a 401-digit integer)"),
    ((Decimal("-Infinity"), 5), "(Decimal('-Infinity'), 5)"),
    ((5, Decimal("1")), "(5, Decimal('1'))"),
])
def test_ends_that_are_not_finite_or_in_order_are_refused_by_name(given, shown):
    with pytest.raises(DataFormatError, match="finite numbers with low < high") as info:
        Interactions.from_arrays([1], [1], [3.0], rating_range=given)
    assert f"rating_range = {shown}" in str(info.value)


@pytest.mark.parametrize(("values", "timestamps", "expected"), [
    (["1", "2"], None, r"column 'value': holds <U1 values, text such as '1' \(expected "
                       r"numbers \(convert text first, e.g. with pandas.to_numeric\)\)"),
    (None, ["2020-01-01", "2020-02-01"], r"column 'timestamp': holds <U10 values, text "
                                         r"such as '2020-01-01' .*pandas.to_datetime"),
])
def test_numpy_text_is_named_with_the_conversion_that_reads_it(values, timestamps,
                                                                expected):
    with pytest.raises(DataFormatError, match=expected):
        Interactions.from_arrays([1, 2], [1, 2], values, timestamps)


def test_load_table_takes_exact_ends_and_names_a_huge_one_briefly(tmp_path):
    from recstack.data.files import load_table
    from recstack.errors import RecstackError

    path = tmp_path / "ratings.csv"
    path.write_text("user_id,item_id,value\n1,2,3\n")
    assert load_table(path, rating_range=(Decimal(1), Decimal(5))).rating_range == (1, 5)
    with pytest.raises(RecstackError, match=r"got \(1, a 401-digit integer\)$"):
        load_table(path, rating_range=(1, 10**400))

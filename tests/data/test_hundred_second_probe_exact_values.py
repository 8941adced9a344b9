"""One rule for values float32 changes: exact Python numbers (int, Decimal, Fraction) beyond
2**53 were made float64 first, which rounded them, so ``Decimal("1e30")`` or ``10**30``
changed on becoming float32 without the ``InexactValueWarning`` a uint64 of the same kind
gets. Whether float32 holds a number is decided from the definition: the exact value of the
float32 is compared with the number given."""

from __future__ import annotations

import warnings
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest

from recstack.data import InexactValueWarning, Interactions


def _build(values, through):
    if through == "arrays":
        return Interactions.from_arrays([1, 2], [1, 2], values=values)
    return Interactions.from_frame(pd.DataFrame({"user_id": [1, 2], "item_id": [1, 2],
                                                 "value": values}))


@pytest.mark.parametrize("through", ["arrays", "frame"])
@pytest.mark.parametrize("big", [Decimal("1e30"), 10**30, 2**70 + 1, Fraction(10**25),
                                 Decimal(2**60 + 1), -(10**30)])
def test_an_exact_whole_number_float32_changes_is_warned_of(big, through):
    # the float32 nearest the number is not the number (its exact value, as a Fraction)
    assert Fraction(float(np.float32(float(big)))) != Fraction(big)
    with pytest.warns(InexactValueWarning, match=r"column 'value': 1 value\(s\) change.*"
                                                 r"row 0 holds"):
        data = _build([big, 1], through)
    assert data.value.tolist()[1] == 1.0


@pytest.mark.parametrize("through", ["arrays", "frame"])
@pytest.mark.parametrize("held", [2**70, Decimal(2**60), Fraction(2**64), Decimal("1e3"),
                                  Decimal("0.1"), 10**6])
def test_an_exact_number_float32_holds_or_a_fraction_is_not_warned_of(held, through):
    with warnings.catch_warnings():
        warnings.simplefilter("error", InexactValueWarning)
        data = _build([held, 1], through)
    assert data.value[0] == np.float32(float(held))


def test_the_message_shows_the_number_as_given():
    with pytest.warns(InexactValueWarning) as caught:
        Interactions.from_arrays([1, 2], [1, 2], values=[1, Decimal("1e30")])
    assert "row 1 holds Decimal('1E+30')" in str(caught[0].message)


# ---------------------------------------------------------------- files holding exact numbers
# A CSV's text and a Parquet decimal column hold the number exactly; pyarrow reads both as
# float64, which rounded a whole number beyond 2**53 before the float32 check saw it.

@pytest.mark.parametrize("text", ["1000000000000000000000000000001", "9223372036854775809",
                                  "18446744073709551615", "1e30", "-9007199254740993"])
def test_a_whole_number_in_csv_text_that_float32_changes_is_warned_of(tmp_path, text):
    from recstack.data.files import load_table

    number = Decimal(text)
    assert Fraction(float(np.float32(float(number)))) != Fraction(number)
    path = tmp_path / "counts.csv"
    path.write_text(f"user_id,item_id,value\n1,2,3\n2,3,{text}\n")
    with pytest.warns(InexactValueWarning, match=r"counts.csv: column 'value': 1 value\(s\) "
                                                 r"change.*line 3 holds"):
        data = load_table(path)
    assert data.value.tolist()[0] == 3.0


@pytest.mark.parametrize("text", ["18014398509481984", "1.5", "1e-3", "123456.25"])
def test_csv_numbers_float32_holds_or_fractions_are_not_warned_of(tmp_path, text):
    from recstack.data.files import load_table

    path = tmp_path / "counts.csv"
    path.write_text(f"user_id,item_id,value\n1,2,3\n2,3,{text}\n")
    with warnings.catch_warnings():
        warnings.simplefilter("error", InexactValueWarning)
        load_table(path)


def test_a_parquet_decimal_column_is_checked_exactly(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    from recstack.data.files import load_table

    path = tmp_path / "counts.parquet"
    pq.write_table(pa.table({"user_id": [1, 2], "item_id": [1, 2], "value": pa.array(
        [Decimal(1), Decimal("1E+30")], pa.decimal128(38, 0))}), path)
    with pytest.warns(InexactValueWarning, match=r"counts.parquet: column 'value': 1 "
                                                 r"value\(s\) change.*row 2"):
        load_table(path)
    held = tmp_path / "held.parquet"
    pq.write_table(pa.table({"user_id": [1, 2], "item_id": [1, 2], "value": pa.array(
        [Decimal(1), Decimal(2**60)], pa.decimal128(38, 0))}), held)
    with warnings.catch_warnings():
        warnings.simplefilter("error", InexactValueWarning)
        assert load_table(held).value.tolist()[1] == float(2**60)


def test_a_partitioned_dataset_decimal_column_is_checked_exactly(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    from recstack.data.partitioned import read_partitioned

    folder = tmp_path / "ds" / "year=2024" / "month=01"
    folder.mkdir(parents=True)
    pq.write_table(pa.table({
        "user_id": [1, 2], "item_id": [1, 2],
        "value": pa.array([Decimal(1), Decimal("1E+30")], pa.decimal128(38, 0)),
        "timestamp": [1704067200, 1704067300]}), folder / "part-0.parquet")
    with pytest.warns(InexactValueWarning, match=r"ds: column 'value': 1 value\(s\) change.*"
                                                 r"part-0.parquet, row 2 holds "
                                                 r"1000000000000000000000000000000"):
        data = read_partitioned(tmp_path / "ds")
    assert data.value.tolist()[0] == 1.0

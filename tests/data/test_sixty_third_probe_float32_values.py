"""Sixty-third bad-input probe, values float32 cannot hold: ``Interactions.value`` is
float32 (README, Data), which holds every whole number up to 2**24 = 16,777,216 exactly
and not 16,777,217; a count of 16777217 in a CSV or Parquet file, or given to
``from_arrays``, became 16777216 without a word. It is now warned of, naming the column,
the line or row and the value it became (as is a non-zero value that float32 rounds to
0); fractions rounded (0.1) are not."""

from __future__ import annotations

import warnings

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from recstack.data.files import load_table
from recstack.data.interactions import InexactValueWarning, Interactions

# 2**24 + 1 is the smallest positive whole number float32 cannot hold (its 24-bit
# significand holds 2**24 and 2**24 + 2)
FIRST_INEXACT = 2**24 + 1


def test_a_csv_count_above_2_24_is_warned_of_with_its_line(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text(f"user_id,item_id,count\n1,1,3\n1,2,{FIRST_INEXACT}\n")
    with pytest.warns(InexactValueWarning) as caught:
        data = load_table(path)
    message = str(caught[0].message)
    assert str(path) in message and "'count'" in message
    assert f"line 3 holds {FIRST_INEXACT}" in message and "kept as 16777216" in message
    assert data.value.dtype == np.float32  # still kept, as documented


@pytest.mark.parametrize("kind", [pa.int64(), pa.float64(), pa.int32(), pa.uint64()])
def test_a_parquet_count_above_2_24_is_warned_of_with_its_row(tmp_path, kind):
    path = tmp_path / "log.parquet"
    pq.write_table(pa.table({"user_id": [1, 2], "item_id": [1, 2],
                             "value": pa.array([1, FIRST_INEXACT], kind)}), path)
    with pytest.warns(InexactValueWarning, match=r"'value'.*row 2 holds 16777217"):
        load_table(path)


def test_from_arrays_warns_too():
    with pytest.warns(InexactValueWarning, match="row 1 holds 16777217"):
        Interactions.from_arrays([1, 2], [1, 2], np.array([5, FIRST_INEXACT], np.int64))


def test_a_huge_integer_is_judged_exactly_not_through_float64():
    # 2**60 + 1 reads as 2**60 in float64 as in float32: only an exact test sees the loss
    with pytest.warns(InexactValueWarning):
        Interactions.from_arrays([1], [1], np.array([2**60 + 1], np.int64))


def test_a_value_float32_rounds_to_zero_is_warned_of(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text("user_id,item_id,weight\n1,1,1e-50\n1,2,1\n")
    with pytest.warns(InexactValueWarning, match="line 2 holds 1e-50"):
        load_table(path)


@pytest.mark.parametrize("values", [
    [2**24, 2**24 + 2, -2**24, 2**30, 3 * 2**40],  # whole numbers float32 holds exactly
    [0.1, 2.5, 16777216.5, 1e30, 0.0],             # fractions and huge floats: rounding
])
def test_values_float32_holds_or_only_rounds_load_without_a_warning(tmp_path, values):
    path = tmp_path / "log.parquet"
    pq.write_table(pa.table({"user_id": list(range(len(values))),
                             "item_id": list(range(len(values))),
                             "value": pa.array(values, pa.float64())}), path)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        data = load_table(path)
    assert data.value.tolist() == np.asarray(values, np.float32).tolist()


def test_a_value_beyond_float32_is_still_refused_and_not_warned_of(tmp_path):
    from recstack.errors import DataFormatError
    path = tmp_path / "log.csv"
    path.write_text("user_id,item_id,value\n1,1,1e39\n")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(DataFormatError, match=r":2: column 'value': found '1e39'"):
            load_table(path)

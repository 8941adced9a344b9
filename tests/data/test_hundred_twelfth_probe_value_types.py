"""Value columns stored as numbers of different kinds in a partitioned dataset's files
are read (as float64, then float32); a Parquet decimal beyond float32's range is named by
its digits, not by the float it became."""

from __future__ import annotations

import decimal

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from recstack.data.files import load_table
from recstack.data.partitioned import read_partitioned
from recstack.errors import DataFormatError

_MARCH = {2020: int(pd.Timestamp("2020-03-01").timestamp()),
          2021: int(pd.Timestamp("2021-03-01").timestamp())}


def _partitions(root, values_by_year):
    for year, values in values_by_year.items():
        folder = root / f"year={year}"
        folder.mkdir(parents=True)
        pq.write_table(pa.table({"user_id": [1, 2], "item_id": [1, 2], "value": values,
                                 "timestamp": pa.array([_MARCH[year]] * 2, pa.int64())}),
                       folder / "part-0.parquet")
    return root


@pytest.mark.parametrize(("first", "second"), [
    (pa.array([1, 2], pa.int64()), pa.array([1.5, 2.5], pa.float64())),
    (pa.array([1.5, 2.5], pa.float64()), pa.array([1, 2], pa.int64())),
    (pa.array([1, 2], pa.int32()), pa.array([1.5, 2.5], pa.float32())),
    (pa.array([1, 2], pa.int64()),
     pa.array([decimal.Decimal("1.5"), decimal.Decimal("2.5")], pa.decimal128(5, 1))),
    (pa.array([decimal.Decimal("1"), decimal.Decimal("2")], pa.decimal128(5, 0)),
     pa.array([1.5, 2.5], pa.float64())),
])
def test_values_of_different_number_kinds_are_read_as_written(tmp_path, first, second):
    root = _partitions(tmp_path / "ds", {2020: first, 2021: second})
    data = read_partitioned(root)
    expected = [float(v) for v in first.to_pylist() + second.to_pylist()]
    assert sorted(data.value.tolist()) == sorted(expected)
    # a time range that reads only the second partition
    assert sorted(read_partitioned(root, start="2021-01-01").value.tolist()) == sorted(
        float(v) for v in second.to_pylist())


@pytest.mark.parametrize(("first", "second"), [
    (pa.array([1, 2], pa.int32()), pa.array([3, 4], pa.int64())),
    (pa.array([1.5, 2], pa.float32()), pa.array([3.5, 4], pa.float64())),
])
def test_widths_of_one_kind_merge_as_before(tmp_path, first, second):
    root = _partitions(tmp_path / "ds", {2020: first, 2021: second})
    assert sorted(read_partitioned(root).value.tolist()) == sorted(
        float(v) for v in first.to_pylist() + second.to_pylist())


def test_text_values_in_one_partition_are_still_refused_by_file(tmp_path):
    root = _partitions(tmp_path / "ds", {2020: pa.array([1, 2], pa.int64()),
                                         2021: pa.array(["1.5", "2"])})
    with pytest.raises(DataFormatError, match=r"year=2021/part-0\.parquet holds value as "
                                              r"string"):
        read_partitioned(root)


def test_a_decimal_beyond_float32_is_named_by_its_digits(tmp_path):
    path = tmp_path / "ratings.parquet"
    pq.write_table(pa.table({
        "user_id": [1, 2], "item_id": [1, 2],
        "value": pa.array([decimal.Decimal(1), decimal.Decimal(10**50)], pa.decimal256(60, 0))}),
        path)
    with pytest.raises(DataFormatError) as info:
        load_table(path)
    message = str(info.value)
    assert "found 1" + "0" * 50 + " (a decimal)" in message
    assert "1e+50" not in message


def test_a_partitioned_decimal_beyond_float32_is_named_by_its_digits(tmp_path):
    big = pa.array([decimal.Decimal(1), decimal.Decimal(10**45)], pa.decimal256(60, 0))
    root = _partitions(tmp_path / "ds", {2020: big})
    with pytest.raises(DataFormatError, match="found 1" + "0" * 45 + r" \(a decimal\)"):
        read_partitioned(root)


def test_decimals_of_other_scales_are_read_as_written(tmp_path):
    first = pa.array([decimal.Decimal("1.5"), decimal.Decimal("2.5")], pa.decimal128(3, 1))
    second = pa.array([decimal.Decimal("123.25"), decimal.Decimal("4.75")],
                      pa.decimal128(6, 2))
    root = _partitions(tmp_path / "ds", {2020: first, 2021: second})
    assert sorted(read_partitioned(root).value.tolist()) == [1.5, 2.5, 4.75, 123.25]

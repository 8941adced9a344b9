"""Decimal keys in a Parquet side table (a database's NUMERIC ids, exported as decimal128)
stayed Python Decimal objects: 4.5 was kept as a key that no log id matches, and as text
(key_as_text) Decimal('4.0') became '4.0', not the service's '4'. The logs' rule applies
now: whole numbers within int64 are those integers, others are refused by row."""

from __future__ import annotations

import decimal

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from recstack.data.side_table import read_side_table
from recstack.errors import DataFormatError


def _items(path, keys, scale):
    pq.write_table(pa.table({
        "item_id": pa.array([decimal.Decimal(k) for k in keys], pa.decimal128(10, scale)),
        "title": [f"t{i}" for i in range(len(keys))]}), path)
    return path


def test_whole_decimal_keys_are_integers(tmp_path):
    table = read_side_table(_items(tmp_path / "items.parquet", ["4", "5", "6"], 1))
    assert table["item_id"].dtype == "int64"
    assert table["item_id"].tolist() == [4, 5, 6]


def test_as_text_they_are_written_as_integers(tmp_path):
    table = read_side_table(_items(tmp_path / "items.parquet", ["4.0", "5.0"], 1),
                            key_as_text=True)
    assert table["item_id"].tolist() == ["4", "5"]


def test_a_fractional_decimal_key_is_refused_by_row(tmp_path):
    path = _items(tmp_path / "items.parquet", ["4", "5.5"], 1)
    with pytest.raises(DataFormatError) as refused:
        read_side_table(path)
    assert (refused.value.file, refused.value.column) == (str(path), "item_id")
    assert "row 2: found 5.5, not a whole number within int64 (expected integer or text ids " \
           "in the items file)" in str(refused.value)

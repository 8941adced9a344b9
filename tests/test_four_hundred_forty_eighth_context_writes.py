"""Context columns of kinds a writer could not take: lists, dicts, pandas periods and
intervals in a CSV or TSV file (pyarrow's ``ArrowInvalid: Unsupported Type``, naming no
column) are refused naming the column; a sparse column (pyarrow's TypeError "Sparse pandas
data ... not supported") is written as the values it holds. Also the DOS end-of-file byte at
the end of a compressed CSV, whose end the content check does not read.

Expected values are written out by hand; files are read back with pyarrow or the csv
module directly.
"""

from __future__ import annotations

import csv
import gzip

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from recstack.data.files import load_table, save_table
from recstack.data.interactions import Interactions
from recstack.data.partitioned import write_partitioned
from recstack.errors import DataFormatError

#: 2020-01-01 and 2020-01-02 00:00 UTC
TIMES = [1577836800, 1577923200]


def _data(context: pd.DataFrame) -> Interactions:
    return Interactions.from_arrays(["u1", "u2"], ["i1", "i2"], timestamps=TIMES,
                                    context=context)


@pytest.mark.parametrize(("column", "kind", "example"), [
    (pd.Series([None, [2, 3]], dtype=object), "list<item: int64>", "[2, 3] at row 2"),
    (pd.Series([{"a": 1}, {"a": 2}], dtype=object), "struct<a: int64>",
     "{'a': 1} at row 1"),
    (pd.Series(pd.period_range("2020-01", periods=2, freq="M")), "pandas Period", None),
    (pd.Series(pd.interval_range(0, 2)), "pandas Interval", None),
    # written fine when empty, so a check on no values let it through to pyarrow's error
    (pd.Series(pa.array([None, pa.MonthDayNano([1, 2, 3])],
                        pa.month_day_nano_interval()).to_pandas()),
     "month_day_nano_interval", "MonthDayNano(months=1, days=2, nanoseconds=3) at row 2"),
])
@pytest.mark.parametrize("name", ["out.csv", "out.tsv", "out.csv.gz"])
def test_a_text_file_refuses_context_values_it_cannot_hold(tmp_path, column, kind, example,
                                                            name):
    target = tmp_path / name
    with pytest.raises(DataFormatError) as caught:
        save_table(_data(pd.DataFrame({"tags": column})), target)
    message = str(caught.value)
    assert caught.value.column == "tags" and caught.value.file == str(target)
    assert f"holds {kind}" in message and "CSV or TSV file cannot hold" in message
    if example is not None:
        assert f"such as {example}" in message
    assert ".parquet" in message and "astype(str)" in message
    assert list(tmp_path.iterdir()) == []  # nothing half-written


def test_parquet_still_keeps_lists_and_periods(tmp_path):
    context = pd.DataFrame({"tags": pd.Series([["a"], ["b", "c"]], dtype=object),
                            "month": pd.period_range("2020-01", periods=2, freq="M")})
    save_table(_data(context), tmp_path / "out.parquet")
    table = pq.read_table(tmp_path / "out.parquet")
    assert table.column("tags").to_pylist() == [["a"], ["b", "c"]]


@pytest.mark.parametrize("name", ["out.parquet", "out.csv"])
def test_a_sparse_context_column_is_written_as_its_values(tmp_path, name):
    # it was TypeError: Sparse pandas data (column clicks) not supported
    context = pd.DataFrame({"clicks": pd.arrays.SparseArray([0.0, 1.5])})
    target = tmp_path / name
    save_table(_data(context), target)
    if name.endswith(".parquet"):
        assert pq.read_table(target).column("clicks").to_pylist() == [0.0, 1.5]
    else:
        with open(target, newline="") as stream:
            rows = list(csv.DictReader(stream))
        assert [float(row["clicks"]) for row in rows] == [0.0, 1.5]


def test_a_sparse_context_column_is_written_into_partitions(tmp_path):
    context = pd.DataFrame({"clicks": pd.arrays.SparseArray([0, 3])})
    write_partitioned(_data(context), tmp_path / "parts")
    written = sorted((tmp_path / "parts").rglob("*.parquet"))
    values = [value for path in written
              for value in pq.read_table(path).column("clicks").to_pylist()]
    assert values == [0, 3]


def test_a_compressed_csv_ending_with_ctrl_z_names_the_byte(tmp_path):
    # it was "the row has 1 field(s) (expected 3 fields separated by ',')"
    path = tmp_path / "log.csv.gz"
    path.write_bytes(gzip.compress(b"user_id,item_id,value\na,b,1\n\x1a"))
    with pytest.raises(DataFormatError) as caught:
        load_table(path)
    assert caught.value.line == 3
    assert "0x1A (Ctrl-Z)" in str(caught.value) and "decompressed first" in str(caught.value)

"""Fiftieth bad-input probe, the column types of a time-partitioned dataset: Spark and
Polars write typed date-times (``timestamp[ns, tz=UTC]``, ``timestamp[us]``), dates,
decimal ratings, ``large_string`` and dictionary-encoded ids. ``load_table`` reads them in
one Parquet file; ``read_partitioned`` refused the same table once partitioned. The same
table must give the same interactions stored either way."""

from __future__ import annotations

import decimal
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from recstack.data.files import load_table
from recstack.data.interactions import Interactions
from recstack.data.partitioned import read_partitioned, write_partitioned
from recstack.errors import DataFormatError

# Unix seconds in three months (2023-11, 2024-01, 2024-03)
SECONDS = np.array([1_700_000_000, 1_700_050_000, 1_705_000_000, 1_710_000_123,
                    1_710_000_200])
RATINGS = ["4.5", "3.0", "5.0", "1.0", "2.5"]


def _times(kind: str) -> pa.Array:
    if kind == "date32":
        return pa.array((SECONDS // 86400).astype(np.int32), pa.date32())
    unit, _, zone = kind.partition(",")
    per_second = {"s": 1, "ms": 10**3, "us": 10**6, "ns": 10**9}[unit]
    # a third of a second past each second: floored to the second on reading
    return pa.array(SECONDS * per_second + per_second // 3, pa.timestamp(unit, tz=zone or None))


def _ids(kind: str, values: list) -> pa.Array:
    array = pa.array(values)
    if kind == "large_string":
        return array.cast(pa.large_string())
    if kind == "dictionary":
        return array.dictionary_encode()
    return array


def _table(times: str = "ns,UTC", values: str = "decimal", ids: str = "large_string"
           ) -> pa.Table:
    ratings = (pa.array([decimal.Decimal(r) for r in RATINGS], pa.decimal128(4, 1))
               if values == "decimal" else pa.array([float(r) for r in RATINGS]))
    return pa.table({"user_id": _ids(ids, ["u1", "u2", "u1", "u3", "u2"]),
                     "item_id": _ids(ids, ["a", "b", "c", "a", "b"]),
                     "value": ratings, "timestamp": _times(times)})


def _write_both(table: pa.Table, folder: Path) -> tuple[Path, Path]:
    """The table as one Parquet file, and as year=/month= folders (by each row's UTC month,
    from SECONDS), the way Spark's partitionBy writes it."""
    folder.mkdir(parents=True, exist_ok=True)
    one = folder / "one.parquet"
    pq.write_table(table, one)
    when = pd.to_datetime(SECONDS, unit="s", utc=True)
    months = sorted(set(zip(when.year, when.month, strict=True)))
    for year, month in months:
        rows = [i for i in range(len(SECONDS)) if (when.year[i], when.month[i]) == (year, month)]
        part = folder / "parts" / f"year={year:04d}" / f"month={month:02d}"
        part.mkdir(parents=True)
        pq.write_table(table.take(rows), part / "part-00000.parquet")
    return one, folder / "parts"


def _rows(data: Interactions) -> pd.DataFrame:
    return data.to_frame().sort_values(["timestamp", "user_id", "item_id"]).reset_index(
        drop=True)


@pytest.mark.parametrize("times", ["ns,UTC", "us", "ms,UTC", "s", "ns,Europe/Paris",
                                   "date32"])
@pytest.mark.parametrize(("values", "ids"), [("decimal", "large_string"),
                                             ("float", "dictionary"), ("decimal", "plain")])
def test_a_partitioned_table_reads_as_the_same_table_in_one_file(tmp_path, times, values, ids):
    one, parts = _write_both(_table(times, values, ids), tmp_path)
    expected = _rows(load_table(one))
    got = _rows(read_partitioned(parts))
    pd.testing.assert_frame_equal(got, expected)


def test_typed_times_are_the_unix_seconds_they_name(tmp_path):
    # from the definition: a date-time is its UTC second (fraction floored), a date its
    # midnight UTC; values are the decimals' numbers
    _, parts = _write_both(_table("ns,UTC"), tmp_path / "a")
    data = _rows(read_partitioned(parts))
    assert data["timestamp"].tolist() == SECONDS.tolist()
    assert data["value"].tolist() == pytest.approx([float(r) for r in RATINGS])
    assert sorted(set(data["user_id"])) == ["u1", "u2", "u3"]
    _, parts = _write_both(_table("date32"), tmp_path / "b")
    assert _rows(read_partitioned(parts))["timestamp"].tolist() == (
        SECONDS // 86400 * 86400).tolist()


@pytest.mark.parametrize("times", ["ns,UTC", "us", "ms,Europe/Paris"])
def test_a_time_range_bounds_typed_times_exactly(tmp_path, times):
    _, parts = _write_both(_table(times), tmp_path)
    # the UTC seconds are compared, fractions floored: [1710000123, 1710000124)
    window = read_partitioned(parts, start=1_710_000_123, end=1_710_000_124)
    assert _rows(window)["timestamp"].tolist() == [1_710_000_123]
    since = read_partitioned(parts, start="2023-11-15")  # 1700006400
    assert _rows(since)["timestamp"].tolist() == SECONDS[1:].tolist()
    before = read_partitioned(parts, end=1_700_050_000)
    assert _rows(before)["timestamp"].tolist() == [1_700_000_000]


def test_typed_times_outside_their_folder_are_still_refused(tmp_path):
    table = _table("us")
    (tmp_path / "parts" / "year=2024" / "month=02").mkdir(parents=True)
    # a January time in the folder of February
    pq.write_table(table.take([2]), tmp_path / "parts" / "year=2024" / "month=02" / "p.parquet")
    with pytest.raises(DataFormatError, match=re.escape(
            "year=2024/month=02/p.parquet, row 1: the time 1705000000")):
        read_partitioned(tmp_path / "parts")


def test_numbers_and_date_times_in_different_files_are_refused(tmp_path):
    table = _table("us")
    _, parts = _write_both(table, tmp_path)
    # one month rewritten with integer seconds: merged, a count of microseconds and a count
    # of seconds would be read alike
    march = parts / "year=2024" / "month=03" / "part-00000.parquet"
    rewritten = pq.read_table(march)
    rewritten = rewritten.set_column(3, "timestamp", pa.array(SECONDS[3:]))
    pq.write_table(rewritten, march)
    with pytest.raises(DataFormatError, match="holds timestamp as .*; merged"):
        read_partitioned(parts)


def test_a_dataset_written_by_recstack_with_a_typed_partition_added_is_refused(tmp_path):
    data = Interactions.from_arrays(np.array([1, 2]), np.array([3, 4]), np.array([1., 2.]),
                                    np.array([1_700_000_000, 1_700_000_100]))
    root = write_partitioned(data, tmp_path / "log")
    extra = root / "year=2023" / "month=11" / "spark.parquet"
    pq.write_table(pa.table({"user_id": [5], "item_id": [6], "value": [1.0],
                             "timestamp": pa.array([1_700_000_200 * 10**6],
                                                   pa.timestamp("us"))}), extra)
    with pytest.raises(DataFormatError, match=re.escape(
            "year=2023/month=11/spark.parquet holds timestamp as timestamp[us]")):
        read_partitioned(root)


@pytest.mark.parametrize(("times", "message"), [
    (pa.array([1_704_412_800_000_000, None], pa.timestamp("us", tz="UTC")),
     "row 2: is empty"),
    # a date32 of day 3,000,000 is in the year 10183
    (pa.array([19_727, 3_000_000], pa.date32()), "row 2: found 3000000 (date32[day])"),
])
def test_a_bad_typed_time_is_named_by_its_file_and_row(tmp_path, times, message):
    folder = tmp_path / "parts" / "year=2024" / "month=01"
    folder.mkdir(parents=True)
    pq.write_table(pa.table({"user_id": [1, 2], "item_id": [3, 4], "value": [1.0, 2.0],
                             "timestamp": times}), folder / "a.parquet")
    with pytest.raises(DataFormatError, match=re.escape(
            f"year=2024/month=01/a.parquet, {message}")):
        read_partitioned(tmp_path / "parts")

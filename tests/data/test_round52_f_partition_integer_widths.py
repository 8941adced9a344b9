"""Round 52 (F), time partitions that store one column as integers of different widths, as
hand-written partitions do (pandas' ``downcast``, a writer that picks the smallest type per
file): read in the first file's type, a later file's valid number was refused as one that
type "cannot hold exactly": a user id 1000 of an int16 file beside an int8 file, a weight
-1 of an int8 file beside a uint8 one, a Unix time past 2038 of an int64 file beside an
int32 one. Every file was valid alone; the integers are now read in a type that holds
them all (int64; uint64 where every file's integers are unsigned)."""

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from recstack.data.partitioned import read_partitioned
from recstack.errors import DataFormatError

JAN_2020 = 1_578_182_400  # 2020-01-05T00:00:00Z
FEB_2040 = 2_211_926_400  # 2040-02-05T00:00:00Z, past int32's 2038


def _partition(root, year, month, columns):
    folder = root / f"year={year}" / f"month={month:02d}"
    folder.mkdir(parents=True)
    pq.write_table(pa.table(columns), folder / "part-0.parquet")


def _columns(*, user, item, value, timestamp):
    return {"user_id": user, "item_id": item, "value": value, "timestamp": timestamp}


def _two_partitions(root, first, second):
    """Two one-row partitions, January 2020 and February 2040; ``first`` and ``second``
    replace some of their columns."""
    _partition(root, 2020, 1, _columns(
        user=pa.array([1], pa.int64()), item=pa.array([5], pa.int64()),
        value=pa.array([1.0], pa.float32()), timestamp=pa.array([JAN_2020], pa.int64()))
        | first)
    _partition(root, 2040, 2, _columns(
        user=pa.array([2], pa.int64()), item=pa.array([6], pa.int64()),
        value=pa.array([2.0], pa.float32()), timestamp=pa.array([FEB_2040], pa.int64()))
        | second)


def _rows(data):
    # row by row, each column in its own type (a frame's .values made a uint64 id a float)
    return [list(row) for row in data.to_frame().itertuples(index=False)]


@pytest.mark.parametrize(("first", "second", "expected"), [
    ({"user_id": pa.array([3], pa.int8())}, {"user_id": pa.array([1000], pa.int16())},
     [[3, 5, 1.0, JAN_2020], [1000, 6, 2.0, FEB_2040]]),
    ({"user_id": pa.array([3], pa.uint8())}, {"user_id": pa.array([-1], pa.int8())},
     [[3, 5, 1.0, JAN_2020], [-1, 6, 2.0, FEB_2040]]),
    ({"item_id": pa.array([3], pa.int8())}, {"item_id": pa.array([1000.0], pa.float64())},
     [[1, 3, 1.0, JAN_2020], [2, 1000, 2.0, FEB_2040]]),
    ({"item_id": pa.array([3], pa.uint8())},
     {"item_id": pa.array([2**64 - 1], pa.uint64())},
     [[1, 3, 1.0, JAN_2020], [2, 2**64 - 1, 2.0, FEB_2040]]),
    ({"value": pa.array([3], pa.uint8())}, {"value": pa.array([-1], pa.int8())},
     [[1, 5, 3.0, JAN_2020], [2, 6, -1.0, FEB_2040]]),
    ({"value": pa.array([3], pa.int8())}, {"value": pa.array([1000], pa.int64())},
     [[1, 5, 3.0, JAN_2020], [2, 6, 1000.0, FEB_2040]]),
    ({"timestamp": pa.array([JAN_2020], pa.int32())}, {},
     [[1, 5, 1.0, JAN_2020], [2, 6, 2.0, FEB_2040]]),
], ids=["user-int8-int16", "user-uint8-int8", "item-int8-float", "item-uint8-uint64",
        "value-uint8-int8", "value-int8-int64", "time-int32-int64"])
def test_integers_of_another_width_in_a_later_partition_are_read(tmp_path, first, second,
                                                                  expected):
    _two_partitions(tmp_path / "logs", first, second)
    assert _rows(read_partitioned(tmp_path / "logs")) == expected


def test_a_time_range_reads_the_later_partition_alone(tmp_path):
    # the bound filter compares in the merged type too: 2040 was not in int32's range
    _two_partitions(tmp_path / "logs", {"timestamp": pa.array([JAN_2020], pa.int32())}, {})
    assert _rows(read_partitioned(tmp_path / "logs", start="2040-01-01")) == [
        [2, 6, 2.0, FEB_2040]]


def test_an_unsigned_id_beyond_int64_beside_signed_ids_is_still_named(tmp_path):
    # no integer type holds both -1 and 2**64 - 1: refused naming the file and row, as
    # before, not read in a type that wraps one of them
    _two_partitions(tmp_path / "logs", {"user_id": pa.array([-1], pa.int8())},
                    {"user_id": pa.array([2**64 - 1], pa.uint64())})
    with pytest.raises(DataFormatError, match=r"column 'user_id': year=2040/month=02/"
                       r"part-0\.parquet, row 1: found 18446744073709551615 \(uint64\)"):
        read_partitioned(tmp_path / "logs")


def test_a_fractional_id_beside_integer_ids_is_still_refused(tmp_path):
    _two_partitions(tmp_path / "logs", {"user_id": pa.array([3], pa.int8())},
                    {"user_id": pa.array([2.5], pa.float64())})
    with pytest.raises(DataFormatError, match=r"found 2\.5 \(double\), which is not a whole "
                                              r"number: ids must be whole numbers or text"):
        read_partitioned(tmp_path / "logs")

"""Time-partitioned Parquet datasets: layout, exact time bounds, pruning, atomic writes."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from recstack.data import partitioned
from recstack.data.interactions import Interactions
from recstack.data.partitioned import (
    is_partitioned,
    partition_files,
    read_partitioned,
    write_partitioned,
)
from recstack.errors import DataFormatError, RecstackError, UnknownColumnError


def _seconds(text: str) -> int:
    return int(np.datetime64(text, "s").astype(np.int64))


# One row per day from 2023-11-20 to 2024-02-09 (82 days), user = day % 5, item = day % 7.
_DAYS = np.arange(np.datetime64("2023-11-20"), np.datetime64("2024-02-10"))
_TIMES = _DAYS.astype("datetime64[s]").astype(np.int64) + 3600  # 01:00 UTC each day


@pytest.fixture
def daily() -> Interactions:
    n = len(_TIMES)
    shuffled = np.random.default_rng(7).permutation(n)  # written out of order on purpose
    return Interactions.from_arrays(
        (np.arange(n) % 5)[shuffled], (np.arange(n) % 7)[shuffled],
        (1 + np.arange(n) % 5)[shuffled].astype(float), _TIMES[shuffled],
        rating_range=(1.0, 5.0))


def _tree(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def test_layout_is_year_and_zero_padded_month(daily, tmp_path):
    root = write_partitioned(daily, tmp_path / "log")
    assert _tree(root) == ["_common_metadata",  # schema + partitioning, read without data
                           "year=2023/month=11/part-0.parquet",
                           "year=2023/month=12/part-0.parquet",
                           "year=2024/month=01/part-0.parquet",
                           "year=2024/month=02/part-0.parquet"]


def test_round_trip_in_time_order(daily, tmp_path):
    root = write_partitioned(daily, tmp_path / "log")
    assert is_partitioned(root) and not is_partitioned(tmp_path)
    (root / "_common_metadata").unlink()  # a dataset written by another tool has none
    assert is_partitioned(root)
    back = read_partitioned(root)
    assert back.timestamp.tolist() == _TIMES.tolist()  # sorted by time on the way in
    assert back.rating_range == (1.0, 5.0)
    original = daily.sort_by_time().to_frame()
    assert back.to_frame().equals(original)


def test_time_bounds_are_exact_and_half_open(daily, tmp_path):
    root = write_partitioned(daily, tmp_path / "log")
    start, end = _seconds("2023-12-30T01:00:00"), _seconds("2024-01-02T01:00:00")
    # exactly at `start` is in, exactly at `end` is out: Dec 30, Dec 31, Jan 1
    window = read_partitioned(root, start=start, end=end)
    assert window.timestamp.tolist() == [start, start + 86_400, start + 2 * 86_400]
    same = read_partitioned(root, start="2023-12-30T01:00:00Z",
                            end=dt.datetime(2024, 1, 2, 1, tzinfo=dt.UTC))
    assert same.timestamp.tolist() == window.timestamp.tolist()
    assert len(read_partitioned(root, start=dt.date(2024, 2, 1))) == 9
    assert len(read_partitioned(root, end="2023-12-01")) == 11


def test_pruning_opens_only_the_folders_of_the_range(daily, tmp_path):
    root = write_partitioned(daily, tmp_path / "log")
    assert len(partition_files(root)) == 4
    narrow = partition_files(root, start="2024-01-10", end="2024-01-20")
    assert [Path(f).relative_to(root).as_posix() for f in narrow] == [
        "year=2024/month=01/part-0.parquet"]
    # across a year boundary: December and January only
    across = partition_files(root, start="2023-12-31", end="2024-01-01T00:00:01")
    assert len(across) == 2
    # Proof that the other folders are never opened: break their files. A narrow read
    # still works; reading everything fails on the broken files.
    for name in ("year=2023/month=11", "year=2023/month=12", "year=2024/month=02"):
        (root / name / "part-0.parquet").write_bytes(b"not parquet at all")
    assert len(read_partitioned(root, start="2024-01-10", end="2024-01-20")) == 10
    # (which broken file is met first depends on thread timing)
    with pytest.raises(DataFormatError,
                       match=r"year=20\d\d/month=(11|12|02)/part-0\.parquet: not a readable "
                             r"Parquet file"):
        read_partitioned(root)


def test_day_partitioning(daily, tmp_path):
    root = write_partitioned(daily, tmp_path / "log", partitioning=("year", "month", "day"))
    assert len(_tree(root)) == 1 + 82
    assert "year=2024/month=02/day=09/part-0.parquet" in _tree(root)
    assert len(partition_files(root, start="2024-01-31", end="2024-02-02")) == 2


def test_columns_choose_the_optional_columns(daily, tmp_path):
    root = write_partitioned(daily, tmp_path / "log")
    implicit = read_partitioned(root, columns=["timestamp"])
    assert implicit.rating_range is None and set(implicit.value.tolist()) == {1.0}
    assert read_partitioned(root, columns=["value"]).timestamp is None
    with pytest.raises(UnknownColumnError, match="'rating'.*the columns are: 'value', "
                                                 "'timestamp'"):
        read_partitioned(root, columns=["rating"])


def test_write_refuses_to_clobber_and_overwrite_replaces(daily, tmp_path):
    root = write_partitioned(daily, tmp_path / "log")
    with pytest.raises(RecstackError, match="exists; pass overwrite=True"):
        write_partitioned(daily, root)
    write_partitioned(daily.select(slice(0, 3)), root, overwrite=True)
    assert len(read_partitioned(root)) == 3
    assert sorted(p.name for p in tmp_path.iterdir()) == ["log"]  # no staging left behind


def test_a_failed_write_leaves_the_old_dataset_whole(daily, tmp_path, monkeypatch):
    root = write_partitioned(daily, tmp_path / "log")
    before = _tree(root)

    def failing_write(table, base_dir, **kwargs):
        Path(base_dir, "year=2099").mkdir(parents=True)
        (Path(base_dir) / "year=2099" / "half.parquet").write_bytes(b"half")
        raise OSError("disk full")

    monkeypatch.setattr(partitioned.ds, "write_dataset", failing_write)
    with pytest.raises(OSError, match="disk full"):
        write_partitioned(daily, root, overwrite=True)
    assert _tree(root) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["log"]
    with pytest.raises(OSError):
        write_partitioned(daily, tmp_path / "fresh")
    assert not (tmp_path / "fresh").exists()


def test_an_empty_window_and_an_empty_dataset(daily, tmp_path):
    root = write_partitioned(daily, tmp_path / "log")
    assert len(read_partitioned(root, start="2030-01-01")) == 0
    empty = write_partitioned(daily.select(slice(0, 0)), tmp_path / "empty")
    assert len(read_partitioned(empty)) == 0


def test_bad_arguments_are_explained(daily, tmp_path):
    no_time = Interactions.from_arrays([1], [2])
    with pytest.raises(RecstackError, match="no timestamps"):
        write_partitioned(no_time, tmp_path / "a")
    with pytest.raises(RecstackError, match="leading run"):
        write_partitioned(daily, tmp_path / "b", partitioning=("month",))
    # not the levels 'y', 'e', 'a', 'r'
    with pytest.raises(RecstackError, match=r"partitioning must be a list of names such as "
                                            r"\('year', 'month'\), not 'year'"):
        write_partitioned(daily, tmp_path / "b", partitioning="year")
    root = write_partitioned(daily, tmp_path / "log")
    with pytest.raises(RecstackError, match=r"^start: cannot read 'next week' as a time; use "
                                            r"Unix seconds"):
        read_partitioned(root, start="next week")
    with pytest.raises(RecstackError, match="not a time-partitioned dataset"):
        read_partitioned(tmp_path)


@pytest.mark.parametrize("target", ["part", "_common_metadata"])
def test_a_damaged_file_is_an_error_naming_the_dataset(daily, tmp_path, target):
    root = write_partitioned(daily, tmp_path / "log")
    path = (root / "_common_metadata" if target == "_common_metadata"
            else sorted(root.rglob("part-*.parquet"))[0])
    path.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 2])
    with pytest.raises(DataFormatError) as caught:
        read_partitioned(root)
    assert str(root) in str(caught.value)
    assert caught.value.__cause__ is None


def test_a_file_given_for_the_dataset_folder(tmp_path):
    (tmp_path / "log.parquet").write_bytes(b"PAR1")
    with pytest.raises(RecstackError, match="is a file; expected the folder"):
        read_partitioned(tmp_path / "log.parquet")


def test_time_bounds_that_hold_no_time_or_pass_the_calendar(daily, tmp_path):
    root = write_partitioned(daily, tmp_path / "log")
    with pytest.raises(RecstackError, match="start='2024-02-01' must come before end="):
        read_partitioned(root, start="2024-02-01", end="2024-01-01")
    with pytest.raises(RecstackError, match="must come before end"):
        partition_files(root, start=100, end=100)
    # a bound past the years 1..9999 on its open side is no bound at all, never an
    # OverflowError
    assert len(read_partitioned(root, start=-10**30, end=10**30)) == len(daily)


@pytest.mark.parametrize(("bounds", "message"), [
    ({"start": 1_704_067_200_000}, r"start=1704067200000 is after the year 9999"),
    ({"start": 10**20, "end": 10**21}, r"start=100000000000000000000 is after the year"),
    ({"end": -10**20}, r"end=-100000000000000000000 is before the year 1"),
])
def test_a_bound_that_leaves_no_possible_time_is_refused(daily, tmp_path, bounds, message):
    # 2024-01-01 in milliseconds read as seconds is the year 55,970: nothing was read,
    # without a word
    root = write_partitioned(daily, tmp_path / "log")
    with pytest.raises(RecstackError, match=message + r".*one in milliseconds is 1000 "
                                                      r"times too large"):
        read_partitioned(root, **bounds)
    with pytest.raises(RecstackError, match=message):
        partition_files(root, **bounds)


def test_columns_given_as_one_string_are_refused(daily, tmp_path):
    root = write_partitioned(daily, tmp_path / "log")
    with pytest.raises(RecstackError, match="columns must be a list of names such as"):
        read_partitioned(root, columns="value")  # not the columns 'v', 'a', 'l'...


def _replace_file(root: Path, position: int, table) -> str:
    path = sorted(root.rglob("part-*.parquet"))[position]
    pq.write_table(table, path)
    return path.relative_to(root).as_posix()


@pytest.mark.parametrize(("columns", "message"), [
    ({"user_id": [1], "item_id": [2]}, "has no column 'value'"),
    ({"uid": [1], "item_id": [2], "value": [1.0], "timestamp": [1]},
     "has no column 'user_id'"),
    ({"user_id": [1], "item_id": [2], "value": ["4"], "timestamp": [1]},
     "holds value as string"),
    # a typed date-time would merge as its raw count of milliseconds
    ({"user_id": [1], "item_id": [2], "value": [1.0],
      "timestamp": np.array(["2024-01-05"], "datetime64[ms]")}, "holds timestamp as timestamp"),
    # (fractional Unix seconds beside integer ones merge: read as float64, floored)
    ({"user_id": [1], "item_id": [2], "value": [1.0], "timestamp": ["2024-01-05"]},
     "holds timestamp as string (text), _common_metadata as integer Unix seconds"),
])
def test_a_data_file_that_cannot_merge_is_named(daily, tmp_path, columns, message):
    root = write_partitioned(daily, tmp_path / "log")
    where = _replace_file(root, 2, pa.table(columns))
    with pytest.raises(DataFormatError, match=re.escape(f"{where} {message}")):
        read_partitioned(root)


def test_a_bad_row_is_named_by_its_file_and_row(daily, tmp_path):
    root = write_partitioned(daily, tmp_path / "log")
    path = sorted(root.rglob("part-*.parquet"))[1]
    table = pq.read_table(path)
    values = table.column("value").to_numpy().copy()
    values[4] = np.nan
    where = _replace_file(root, 1, table.set_column(
        table.schema.get_field_index("value"), "value", pa.array(values)))
    for start in (None, int(table.column("timestamp")[2].as_py())):
        with pytest.raises(DataFormatError, match=re.escape(f"{where}, row 5: found 'nan'")):
            read_partitioned(root, start=start)


def test_a_partition_folder_that_is_not_a_number_is_named(daily, tmp_path):
    root = write_partitioned(daily, tmp_path / "log")
    (root / "_common_metadata").unlink()
    (root / "year=20x4" / "month=01").mkdir(parents=True)
    pq.write_table(pa.table({"user_id": [1], "item_id": [2], "value": [1.0],
                             "timestamp": [1]}), root / "year=20x4" / "month=01" / "p.parquet")
    with pytest.raises(DataFormatError, match="'year=20x4/month=01': year='20x4' is not a"):
        read_partitioned(root)


def test_a_stray_file_in_the_dataset_is_named_as_not_parquet(daily, tmp_path):
    root = write_partitioned(daily, tmp_path / "log")
    (root / "year=2024" / "month=01" / "NOTES.md").write_text("checked by hand")
    with pytest.raises(DataFormatError, match=r"year=2024/month=01/NOTES\.md is not a Parquet "
                                              r"file .*move other files out"):
        read_partitioned(root)
    (root / "year=2024" / "month=01" / "NOTES.md").rename(
        root / "year=2024" / "month=01" / "_NOTES.md")  # ignored, as Hive tools do
    assert len(read_partitioned(root)) == len(daily)

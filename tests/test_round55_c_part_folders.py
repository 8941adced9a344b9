"""A folder of Parquet part files (Spark, Polars, pyarrow, Dask) is read as one table.

It was refused with advice to join the parts first. Expected values here are written by
hand from the rows each test writes, not taken from the loader."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from recstack.cli import main
from recstack.data.files import load_table
from recstack.data.partitioned import is_partitioned
from recstack.data.sources import TableFile, load_source, resolve_source
from recstack.errors import DataFormatError, RecstackError


def _part(folder, name, users, items, **more):
    folder.mkdir(parents=True, exist_ok=True)
    columns = {"user_id": users, "item_id": items, **more}
    pq.write_table(pa.table(columns), folder / name)


def _users_in_order(data):
    return data.to_frame()["user_id"].tolist()


def test_bookkeeping_files_beside_the_parts_are_passed_over(tmp_path):
    folder = tmp_path / "ratings.parquet"
    _part(folder, "part-00000-abc.snappy.parquet", [1, 2], [10, 20])
    _part(folder, "part-00001-abc.snappy.parquet", [3], [30])
    for name in ("_SUCCESS", "_committed_4711", "_started_4711", ".part-00000-abc.crc",
                 "part-00001-abc.snappy.parquet.crc", ".DS_Store", "_metadata"):
        (folder / name).write_bytes(b"not parquet")
    (folder / "_temporary" / "0").mkdir(parents=True)
    data = load_source(str(folder))
    assert resolve_source(str(folder)) == TableFile(str(folder))
    assert _users_in_order(data) == [1, 2, 3]
    assert data.to_frame()["item_id"].tolist() == [10, 20, 30]


def test_the_folder_is_read_by_load_table_and_the_cli_too(tmp_path, capsys):
    folder = tmp_path / "log"
    _part(folder, "part-0.parquet", [1, 2], [10, 20])
    _part(folder, "part-1.parquet", [2], [30])
    assert len(load_table(folder)) == 3
    assert main(["data", "info", str(folder)]) == 0
    out = capsys.readouterr().out
    assert [line.split() for line in out.splitlines()[:3]] == [
        ["rows", "3"], ["users", "2"], ["items", "3"]]


def test_a_stray_file_that_is_not_parquet_is_named(tmp_path):
    folder = tmp_path / "log"
    _part(folder, "part-0.parquet", [1], [10])
    (folder / "notes.txt").write_text("written by hand")
    with pytest.raises(DataFormatError) as refused:
        load_source(str(folder))
    assert refused.value.file == str(folder)
    message = str(refused.value)
    assert "notes.txt is a text file, not Parquet, among the Parquet parts" in message
    assert "move other files out, or name them with a leading '_' or '.'" in message


def test_a_subfolder_among_the_parts_is_named(tmp_path):
    folder = tmp_path / "log"
    _part(folder, "part-0.parquet", [1], [10])
    (folder / "old").mkdir()
    with pytest.raises(DataFormatError, match="holds a subfolder 'old' among its part files"):
        load_source(str(folder))


def test_a_part_missing_a_column_is_refused_naming_both_parts_and_the_column(tmp_path):
    folder = tmp_path / "log"
    _part(folder, "part-0.parquet", [1], [10], rating=[4.0])
    _part(folder, "part-1.parquet", [2], [20])
    with pytest.raises(DataFormatError) as refused:
        load_source(str(folder))
    assert refused.value.column == "rating"
    assert ("its parts part-0.parquet and part-1.parquet disagree on column 'rating': "
            "part-0.parquet has a column 'rating', part-1.parquet has none") in str(refused.value)


def test_ids_as_integers_in_one_part_and_text_in_another_are_refused(tmp_path):
    folder = tmp_path / "log"
    _part(folder, "part-0.parquet", [1], [10])
    _part(folder, "part-1.parquet", ["u2"], [20])
    with pytest.raises(DataFormatError) as refused:
        load_source(str(folder))
    assert refused.value.column == "user_id"
    message = str(refused.value)
    assert "part-0.parquet and part-1.parquet disagree on column 'user_id'" in message
    assert "(int64), part-1.parquet as" in message and "(string)" in message


def test_integer_widths_are_merged_exactly(tmp_path):
    folder = tmp_path / "log"
    _part(folder, "part-0.parquet", pa.array([1, 2], pa.int32()), [10, 20])
    # 2**40 does not fit the first part's int32: read in int64, exactly
    _part(folder, "part-1.parquet", pa.array([2**40], pa.int64()), [30])
    assert _users_in_order(load_source(str(folder))) == [1, 2, 2**40]


def test_timestamp_units_are_merged_and_zones_that_differ_refused(tmp_path):
    folder = tmp_path / "log"
    second = dt.datetime(2024, 3, 1, tzinfo=dt.UTC)
    _part(folder, "part-0.parquet", [1], [10],
          timestamp=pa.array([second], pa.timestamp("ms", "UTC")))
    _part(folder, "part-1.parquet", [2], [20],
          timestamp=pa.array([second + dt.timedelta(seconds=5)], pa.timestamp("us", "UTC")))
    data = load_source(str(folder))
    # 2024-03-01T00:00:00Z is 1709251200 Unix seconds
    assert data.timestamp.tolist() == [1709251200, 1709251205]
    other = tmp_path / "zones"
    _part(other, "part-0.parquet", [1], [10],
          timestamp=pa.array([second], pa.timestamp("us", "UTC")))
    _part(other, "part-1.parquet", [2], [20],
          timestamp=pa.array([second.replace(tzinfo=None)], pa.timestamp("us")))
    with pytest.raises(DataFormatError, match="disagree on column 'timestamp'"):
        load_source(str(other))


def test_an_empty_part_is_fine(tmp_path):
    folder = tmp_path / "log"
    _part(folder, "part-0.parquet", [1], [10])
    _part(folder, "part-1.parquet", pa.array([], pa.int64()), pa.array([], pa.int64()))
    _part(folder, "part-2.parquet", [3], [30])
    assert _users_in_order(load_source(str(folder))) == [1, 3]


def test_a_damaged_part_is_named(tmp_path):
    folder = tmp_path / "log"
    _part(folder, "part-0.parquet", [1], [10])
    _part(folder, "part-1.parquet", [2], [20])
    damaged = folder / "part-1.parquet"
    damaged.write_bytes(damaged.read_bytes()[:-30])
    with pytest.raises(DataFormatError) as refused:
        load_source(str(folder))
    assert refused.value.file == str(damaged)
    assert "not a readable Parquet file" in str(refused.value)


def test_a_folder_without_data_parts_is_refused(tmp_path):
    folder = tmp_path / "log"
    folder.mkdir()
    (folder / "_SUCCESS").write_bytes(b"")
    with pytest.raises(DataFormatError, match="holds no data parts"):
        load_source(str(folder))


def test_a_bad_row_is_named_in_its_part(tmp_path):
    folder = tmp_path / "log"
    _part(folder, "part-0.parquet", [1, 2], [10, 20])
    _part(folder, "part-1.parquet", [3, None], [30, 40])
    with pytest.raises(DataFormatError) as refused:
        load_source(str(folder))
    assert refused.value.file == str(folder / "part-1.parquet")
    assert "row 2 is empty" in str(refused.value)


def test_parts_are_read_in_natural_name_order_whatever_order_they_were_written(tmp_path):
    folder = tmp_path / "log"
    # written out of order: the listing order of the file system must not matter
    for number in (10, 2, 0, 1):
        _part(folder, f"part-{number}.parquet", [number], [number + 100])
    # pyarrow.dataset names parts part-0 ... part-10 without zeros in front
    assert _users_in_order(load_source(str(folder))) == [0, 1, 2, 10]


def test_csv_part_folders_are_refused_with_the_reason(tmp_path):
    folder = tmp_path / "log.csv"
    folder.mkdir()
    (folder / "_SUCCESS").write_bytes(b"")
    (folder / "part-00000-abc.csv").write_text("user_id,item_id\n1,10\n")
    (folder / "part-00001-abc.csv").write_text("user_id,item_id\nu2,20\n")
    with pytest.raises(DataFormatError) as refused:
        load_source(str(folder))
    message = str(refused.value)
    assert "holds 2 CSV/TSV part file(s) such as part-00000-abc.csv" in message
    assert "CSV parts are each typed from their own text" in message
    assert "df.write.parquet(folder)" in message


def test_a_dask_folder_with_common_metadata_is_one_table_not_a_time_partition(tmp_path):
    folder = tmp_path / "log"
    _part(folder, "part.0.parquet", [1], [10])
    _part(folder, "part.1.parquet", [2], [20])
    pq.write_metadata(pq.read_schema(folder / "part.0.parquet"), folder / "_common_metadata")
    assert not is_partitioned(folder)
    assert _users_in_order(load_source(str(folder))) == [1, 2]


def test_loader_options_apply_to_a_part_folder(tmp_path):
    folder = tmp_path / "log"
    _part(folder, "part-0.parquet", ["a"], ["x"], who=["a"], what=["x"])
    data = load_source(str(folder), options={"user_col": "who", "item_col": "what"})
    assert len(data) == 1


def test_a_folder_of_independent_exports_is_still_no_source(tmp_path):
    folder = tmp_path / "exports"
    _part(folder, "a.parquet", [1], [10])
    _part(folder, "b.parquet", [2], [20])
    with pytest.raises(RecstackError, match="give one file's path"):
        load_source(str(folder))


def test_parts_beside_partition_folders_are_refused_saying_why(tmp_path):
    folder = tmp_path / "log"
    _part(folder, "part-0.parquet", [1], [10])
    _part(folder / "date=2024-01-01", "part-0.parquet", [2], [20])
    with pytest.raises(RecstackError) as refused:
        load_source(str(folder))
    assert "beside partition folders (key=value)" in str(refused.value)
    with pytest.raises(RecstackError) as refused:
        load_table(folder)
    assert "beside partition folders (key=value, such as " in str(refused.value)


def test_a_reader_of_one_file_given_a_folder_of_parts_is_told_to_join_them(tmp_path):
    # check_file serves the readers of one file (a MovieLens release's ratings.csv): no
    # partition folder is there to blame, and one part is not the table
    from recstack.data.files import check_file

    folder = tmp_path / "ratings.csv"
    _part(folder, "part-0.parquet", [1], [10])
    with pytest.raises(RecstackError) as refused:
        check_file(folder)
    assert "join the parts into one file first" in str(refused.value)
    assert "partition" not in str(refused.value)

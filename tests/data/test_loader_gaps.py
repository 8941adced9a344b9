"""Loader gaps found by an adversarial sweep (issue #9, points 3 and 6).

Each class of problem has a test that failed before its fix: repeated column names,
values and timestamps dropped because their column had another well-known name, a
codec that refuses a whole file, a file in the way of a folder on saving, and
partitions that cannot be merged or hold no files. Expected values are worked by hand
from the few rows written in each test.
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from recstack.cli import main
from recstack.data.files import DETECT, WELL_KNOWN_COLUMNS, load_table, save_table
from recstack.data.interactions import Interactions
from recstack.data.partitioned import read_partitioned, write_partitioned
from recstack.data.sources import load_source
from recstack.errors import DataFormatError, RecstackError

JAN_2020 = 1_577_836_800  # 2020-01-01T00:00:00Z
FEB_2020 = 1_580_515_200  # 2020-02-01T00:00:00Z


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _rows(data: Interactions) -> list[list]:
    return data.to_frame().values.tolist()


# ---------------------------------------------------------------------------- 1. names twice
@pytest.mark.parametrize(("name", "text"), [
    ("d.csv", "user_id,user_id,item_id\n1,2,3\n"),
    ("d.tsv", "item_id\tuser_id\tvalue\tuser_id\n3\t1\t4\t2\n"),
])
def test_a_header_naming_a_column_twice_is_refused_with_both_positions(tmp_path, name, text):
    path = _write(tmp_path, name, text)
    with pytest.raises(DataFormatError) as caught:
        load_table(path)
    first, second = (1, 2) if name == "d.csv" else (2, 4)
    assert str(caught.value).startswith(
        f"{path}:1: the header names column 'user_id' twice (columns {first} and {second})")


def test_a_repeated_column_that_is_not_read_is_refused_too(tmp_path):
    # which 'note' is meant does not matter here, but a file like this is ambiguous
    path = _write(tmp_path, "d.csv", "user_id,item_id,note,note\n1,2,a,b\n")
    with pytest.raises(DataFormatError, match=r"'note' twice \(columns 3 and 4\)"):
        load_table(path)


def test_a_parquet_schema_naming_a_column_twice_is_refused(tmp_path):
    path = tmp_path / "d.parquet"
    table = pa.Table.from_arrays([pa.array([1]), pa.array([2]), pa.array([3])],
                                 names=["user_id", "item_id", "user_id"])
    pq.write_table(table, path)
    with pytest.raises(DataFormatError, match=r"d\.parquet: its schema names column "
                                              r"'user_id' twice \(columns 1 and 3\)"):
        load_table(path)


def test_a_partition_naming_a_column_twice_is_refused(tmp_path):
    root = tmp_path / "log"
    folder = root / "year=2020" / "month=01"
    folder.mkdir(parents=True)
    pq.write_table(pa.Table.from_arrays(
        [pa.array([1]), pa.array([2]), pa.array([2]), pa.array([JAN_2020])],
        names=["user_id", "item_id", "item_id", "timestamp"]), folder / "part-0.parquet")
    with pytest.raises(DataFormatError, match=r"year=2020/month=01/part-0\.parquet names "
                                              r"column 'item_id' twice \(columns 2 and 3\)"):
        read_partitioned(root, columns=["timestamp"])


def test_the_cli_refuses_a_repeated_header_name_with_exit_status_2(tmp_path, capsys):
    path = _write(tmp_path, "d.csv", "user_id,user_id,item_id\n1,2,3\n")
    code = main(["data", "info", str(path)])
    err = capsys.readouterr().err
    assert code == 2
    assert "'user_id' twice (columns 1 and 2)" in err and "Traceback" not in err


# ---------------------------------------------------------------------------- 2. roles by name
@pytest.mark.parametrize("value_name", WELL_KNOWN_COLUMNS["values"][1:])
def test_a_value_column_of_a_well_known_name_is_read(tmp_path, value_name):
    path = _write(tmp_path, "r.csv", f"user_id,item_id,{value_name}\n1,10,3.5\n2,10,2\n")
    data = load_table(path)
    assert _rows(data) == [[1, 10, 3.5], [2, 10, 2.0]]


@pytest.mark.parametrize("time_name", WELL_KNOWN_COLUMNS["timestamps"][1:])
def test_a_timestamp_column_of_a_well_known_name_is_read(tmp_path, time_name):
    path = _write(tmp_path, "t.csv", f"user_id,item_id,{time_name}\n1,10,100\n2,10,200\n")
    data = load_table(path)
    assert data.timestamp is not None and data.timestamp.tolist() == [100, 200]


def test_a_movielens_style_header_needs_no_options(tmp_path):
    path = _write(tmp_path, "ratings.csv",
                  "userId,movieId,rating,timestamp\n1,31,2.5,1260759144\n7,31,4,1260759179\n")
    data = load_table(path)
    assert _rows(data) == [[1, 31, 2.5, 1260759144], [7, 31, 4.0, 1260759179]]


@pytest.mark.parametrize(("user", "item"), [("uid", "iid"), ("user", "product_id"),
                                            ("userid", "itemid"), ("userId", "itemId")])
def test_id_columns_of_well_known_names_are_read(tmp_path, user, item):
    path = _write(tmp_path, "ids.csv", f"{item},{user}\na,u1\nb,u2\n")
    assert _rows(load_table(path)) == [["u1", "a", 1.0], ["u2", "b", 1.0]]


def test_the_choice_is_logged_at_info_level(tmp_path, caplog):
    path = _write(tmp_path, "r.csv", "user_id,item_id,score,ts\n1,10,0.5,7\n")
    with caplog.at_level(logging.INFO, logger="recstack.data.files"):
        load_table(path)
    notes = [r.getMessage() for r in caplog.records if r.levelno == logging.INFO]
    assert any("values from column 'score'" in n and "value_col" in n for n in notes)
    assert any("timestamps from column 'ts'" in n and "timestamp_col" in n for n in notes)


def test_several_candidates_are_refused_naming_them_and_the_option(tmp_path):
    path = _write(tmp_path, "r.csv", "user_id,item_id,rating,count\n1,10,4,2\n")
    with pytest.raises(RecstackError) as caught:
        load_table(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: several columns could hold the values: 'rating', "
                              "'count'")
    assert "value_col=" in message
    # naming one settles it
    assert _rows(load_table(path, value_col="count")) == [[1, 10, 2.0]]


def test_several_time_candidates_are_refused(tmp_path):
    path = _write(tmp_path, "r.csv", "user_id,item_id,time,date\n1,10,5,2020-01-01\n")
    with pytest.raises(RecstackError, match="could hold the timestamps: 'time', 'date'.*"
                                            "timestamp_col="):
        load_table(path)


def test_the_default_name_wins_over_other_well_known_ones(tmp_path):
    path = _write(tmp_path, "r.csv", "user_id,item_id,rating,value\n1,10,4,0.25\n")
    assert load_table(path).value.tolist() == [0.25]


def test_explicit_none_keeps_the_implicit_meaning(tmp_path):
    path = _write(tmp_path, "r.csv", "user_id,item_id,rating,time\n1,10,4,100\n2,10,5,50\n")
    data = load_table(path, value_col=None, timestamp_col=None)
    assert data.value.tolist() == [1.0, 1.0] and data.timestamp is None
    assert DETECT is not None  # the default that finds the columns is not None


def test_a_parquet_file_without_recorded_roles_is_read_by_names(tmp_path):
    path = tmp_path / "r.parquet"
    pq.write_table(pa.table({"user": ["a", "b"], "movieId": [3, 4], "rating": [4.5, 1.0],
                             "datetime": [100, 200]}), path)
    assert _rows(load_table(path)) == [["a", 3, 4.5, 100], ["b", 4, 1.0, 200]]


def test_recorded_roles_still_come_first(tmp_path):
    data = Interactions.from_arrays(np.array([1, 2]), np.array([5, 6]),
                                    np.array([2.0, 3.0], np.float32))
    path = save_table(data, tmp_path / "saved.parquet")
    table = pq.read_table(path)
    # a column added later with a well-known name does not replace the recorded one
    pq.write_table(table.append_column("rating", pa.array([9.0, 9.0])), path)
    assert load_table(path).value.tolist() == [2.0, 3.0]


def test_the_cli_and_sources_read_the_detected_values(tmp_path, capsys):
    path = _write(tmp_path, "r.csv", "user_id,item_id,rating\n1,10,4\n2,10,2\n2,11,5\n")
    assert load_source(str(path)).value.tolist() == [4.0, 2.0, 5.0]
    assert main(["data", "info", str(path), "--json"]) == 0
    summary = capsys.readouterr().out
    # the histogram of values has the three ratings, not three 1.0
    assert '"4.0"' in summary or '"4"' in summary, summary


# ---------------------------------------------------------------------------- 3. encodings
def test_utf16_without_a_byte_order_mark_is_a_data_format_error(tmp_path):
    path = tmp_path / "u16.csv"
    path.write_bytes("user_id,item_id\n1,2\n".encode("utf-16-le"))
    with pytest.raises(DataFormatError) as caught:
        load_table(path, encoding="utf-16")
    message = str(caught.value)
    assert message.startswith(f"{path}: cannot be read as utf-16 text")
    assert "'utf-16-le'" in message
    # the byte order spelt out, the same file reads
    assert _rows(load_table(path, encoding="utf-16-le")) == [[1, 2, 1.0]]


def test_utf16_with_a_byte_order_mark_still_reads(tmp_path):
    path = tmp_path / "u16.csv"
    path.write_bytes("user_id,item_id,rating\nü,2,3\n".encode("utf-16"))
    assert _rows(load_table(path, encoding="utf-16")) == [["ü", 2, 3.0]]


# ---------------------------------------------------------------------------- 4. save_table
@pytest.mark.parametrize("inside", ["sub.csv", "a/b/sub.parquet"])
def test_saving_under_a_file_names_the_file_in_the_way(tmp_path, inside):
    blocker = _write(tmp_path, "x.csv", "not a folder")
    data = Interactions.from_arrays(np.array([1]), np.array([2]))
    with pytest.raises(RecstackError) as caught:
        save_table(data, blocker / inside)
    assert f"{blocker} is a file, not a folder" in str(caught.value)
    assert blocker.read_text() == "not a folder"


def test_saving_into_a_missing_folder_still_says_so(tmp_path):
    data = Interactions.from_arrays(np.array([1]), np.array([2]))
    with pytest.raises(RecstackError, match=r"nowhere: no such folder"):
        save_table(data, tmp_path / "nowhere" / "d.csv")


# ---------------------------------------------------------------------------- 5. partitions
def _partition(root: Path, month: int, users: pa.Array, first_second: int) -> None:
    folder = root / "year=2020" / f"month={month:02d}"
    folder.mkdir(parents=True)
    n = len(users)
    pq.write_table(pa.table({"user_id": users, "item_id": pa.array(range(n), pa.int64()),
                             "value": pa.array([1.0] * n),
                             "timestamp": pa.array(range(first_second, first_second + n),
                                                   pa.int64())}),
                   folder / "part-0.parquet")


def test_partitions_with_number_and_text_ids_are_refused(tmp_path):
    root = tmp_path / "log"
    _partition(root, 1, pa.array([i % 5 for i in range(55)], pa.int64()), JAN_2020)
    _partition(root, 2, pa.array([str(i % 5) for i in range(55)]), FEB_2020)
    with pytest.raises(DataFormatError) as caught:
        read_partitioned(root)
    message = str(caught.value)
    assert "year=2020/month=01/part-0.parquet holds user_id as numbers" in message
    assert "year=2020/month=02/part-0.parquet as text" in message
    # each partition alone is fine: 5 users either way
    assert read_partitioned(root, end=FEB_2020).n_users == 5
    assert read_partitioned(root, start=FEB_2020).n_users == 5


def test_text_ids_against_recorded_number_ids_are_refused(tmp_path):
    data = Interactions.from_arrays(np.array([1, 2]), np.array([5, 6]), None,
                                    np.array([JAN_2020, JAN_2020 + 1]))
    root = write_partitioned(data, tmp_path / "log")
    _partition(root, 2, pa.array(["1", "2"]), FEB_2020)
    with pytest.raises(DataFormatError, match=r"_common_metadata holds user_id as numbers, "
                                              r"year=2020/month=02/part-0\.parquet as text"):
        read_partitioned(root)


def test_partitions_with_integer_ids_of_other_widths_merge(tmp_path):
    root = tmp_path / "log"
    _partition(root, 1, pa.array([1, 2], pa.int32()), JAN_2020)
    _partition(root, 2, pa.array([2, 3], pa.int64()), FEB_2020)
    data = read_partitioned(root)
    assert data.users.external_ids.tolist() == [1, 2, 3] and len(data) == 4


def test_a_tree_of_folders_without_files_says_so(tmp_path):
    root = tmp_path / "log"
    (root / "year=2020" / "month=01").mkdir(parents=True)
    (root / "year=2020" / "month=02").mkdir(parents=True)
    with pytest.raises(RecstackError) as caught:
        read_partitioned(root)
    message = str(caught.value)
    assert message.startswith(f"{root}: no data files were found under it")
    assert "year=2020/month=01, year=2020/month=02" in message
    assert "the columns are" not in message


def test_a_time_range_over_a_tree_without_files_names_the_folders_looked_at(tmp_path):
    root = tmp_path / "log"
    for month in (1, 2, 3):
        (root / "year=2020" / f"month={month:02d}").mkdir(parents=True)
    with pytest.raises(RecstackError) as caught:
        read_partitioned(root, start="2020-02-01", end="2020-03-01")
    message = str(caught.value)
    assert "no data files were found" in message
    assert "[2020-02-01T00:00:00, 2020-03-01T00:00:00): year=2020/month=02" in message
    assert "year=2020/month=01" not in message and "year=2020/month=03" not in message


def test_an_empty_dataset_written_by_recstack_still_reads_as_empty(tmp_path):
    empty = Interactions.from_arrays(np.array([], np.int64), np.array([], np.int64), None,
                                     np.array([], np.int64))
    root = write_partitioned(empty, tmp_path / "log")
    assert len(read_partitioned(root)) == 0

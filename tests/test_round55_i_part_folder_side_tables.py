"""A folder of Parquet part files as an items or users table, in the refusal of a folder
that is no source, and one part given on its own.

Side tables refused such a folder as "is a folder" where the logs' reader read it; the
refusal of a folder that is no source did not list it among the kinds it takes; and one
part file of such a folder was read without a word as if it were the whole table.
Expected values are written by hand from the rows each test writes."""

from __future__ import annotations

import datetime as dt
import re
import warnings

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from recstack.cli import main
from recstack.data.files import OnePartWarning, load_table
from recstack.data.side_table import read_side_table
from recstack.data.sources import DatasetFolder, load_source, resolve_source
from recstack.errors import ConfigError, DataFormatError


def _part(folder, name, **columns):
    folder.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.table(columns), folder / name)


def _spark_items(tmp_path):
    """items.parquet/ as Spark writes it: two parts, _SUCCESS and checksum files."""
    folder = tmp_path / "items.parquet"
    _part(folder, "part-00000-abc.snappy.parquet", item_id=[1, 2], title=["Alien", "Heat"])
    _part(folder, "part-00001-abc.snappy.parquet", item_id=[3], title=["Ran"])
    for name in ("_SUCCESS", ".part-00000-abc.snappy.parquet.crc",
                 ".part-00001-abc.snappy.parquet.crc"):
        (folder / name).write_bytes(b"")
    return folder


# ------------------------------------------------------------------ side tables

def test_a_folder_of_parts_is_read_as_one_items_table(tmp_path):
    table = read_side_table(_spark_items(tmp_path), columns=["title"], require_rows=True)
    assert table["item_id"].tolist() == [1, 2, 3]
    assert table["title"].tolist() == ["Alien", "Heat", "Ran"]
    assert list(table.columns) == ["item_id", "title"]


def test_parts_come_in_natural_name_order(tmp_path):
    folder = tmp_path / "users"
    # pyarrow numbers parts without zeros in front: part-10 comes after part-2
    _part(folder, "part-10.parquet", user_id=["u10"], age=[10])
    _part(folder, "part-2.parquet", user_id=["u2"], age=[2])
    _part(folder, "part-1.parquet", user_id=["u1"], age=[1])
    table = read_side_table(folder, what="users file", key="user_id")
    assert table["user_id"].tolist() == ["u1", "u2", "u10"]
    assert table["age"].tolist() == [1, 2, 10]


def test_the_service_reads_a_folder_of_parts_as_its_items_file(tmp_path):
    from recstack.serving.rerank import read_item_table

    table = read_item_table(_spark_items(tmp_path), columns=["title"])
    assert table["item_id"].tolist() == ["1", "2", "3"]


def test_a_stray_file_among_the_parts_is_named(tmp_path):
    folder = _spark_items(tmp_path)
    (folder / "notes.txt").write_text("written by hand")
    with pytest.raises(DataFormatError) as refused:
        read_side_table(folder)
    assert refused.value.file == str(folder)
    assert "notes.txt is a text file, not Parquet, among the Parquet parts" in \
        str(refused.value)


def test_parts_that_disagree_are_named_with_both_parts_and_the_column(tmp_path):
    folder = tmp_path / "items"
    _part(folder, "part-0.parquet", item_id=[1], genre=["Drama"])
    _part(folder, "part-1.parquet", item_id=[2], genre=[7])
    with pytest.raises(DataFormatError) as refused:
        read_side_table(folder)
    assert refused.value.column == "genre"
    assert "its parts part-0.parquet and part-1.parquet disagree on column 'genre'" in \
        str(refused.value)


def test_a_folder_of_csv_parts_is_refused_with_the_reason(tmp_path):
    folder = tmp_path / "items"
    folder.mkdir()
    (folder / "part-00000.csv").write_text("item_id,title\n1,Alien\n")
    (folder / "part-00001.csv").write_text("item_id,title\n2,Heat\n")
    with pytest.raises(DataFormatError, match="holds 2 CSV/TSV part file"):
        read_side_table(folder)


def test_a_key_that_is_no_whole_number_is_named_in_its_part_by_its_row(tmp_path):
    folder = tmp_path / "items"
    _part(folder, "part-0.parquet", item_id=[1.0, 2.0], title=["a", "b"])
    _part(folder, "part-1.parquet", item_id=[3.0, 4.5], title=["c", "d"])
    with pytest.raises(DataFormatError) as refused:
        read_side_table(folder)
    # the table's row 4 is row 2 of the second part
    assert refused.value.file == str(folder / "part-1.parquet")
    assert str(refused.value).startswith(
        f"{folder / 'part-1.parquet'}: column 'item_id': row 2: found 4.5, not a whole number")


def test_an_empty_key_is_named_in_its_part_by_its_row(tmp_path):
    folder = tmp_path / "items"
    _part(folder, "part-0.parquet", item_id=["i1", "i2"])
    _part(folder, "part-1.parquet", item_id=pa.array(["i3", None, "i5"], pa.string()))
    with pytest.raises(DataFormatError) as refused:
        read_side_table(folder)
    assert refused.value.file == str(folder / "part-1.parquet")
    assert "column 'item_id': row 2 is empty" in str(refused.value)


def test_a_key_in_two_parts_names_each_row_in_its_part(tmp_path):
    folder = tmp_path / "items"
    _part(folder, "part-0.parquet", item_id=[1, 2, 3])
    _part(folder, "part-1.parquet", item_id=[4, 2])
    with pytest.raises(DataFormatError) as refused:
        read_side_table(folder)
    assert refused.value.file == str(folder)
    assert ("item_id 2 is listed twice (row 2 of part-0.parquet and row 2 of "
            "part-1.parquet)") in str(refused.value)


def test_a_date_beyond_the_calendar_is_named_in_its_part_by_its_row(tmp_path):
    folder = tmp_path / "items"
    _part(folder, "part-0.parquet", item_id=[1], released=pa.array([dt.date(1999, 1, 1)]))
    # 3,000,000 days after 1970 is past the year 9999, which pandas cannot hold
    _part(folder, "part-1.parquet", item_id=[2, 3],
          released=pa.array([0, 3_000_000], pa.int32()).cast(pa.date32()))
    with pytest.raises(DataFormatError) as refused:
        read_side_table(folder)
    assert refused.value.file == str(folder / "part-1.parquet")
    assert "column 'released': row 2: found" in str(refused.value)


def test_an_empty_folder_says_a_folder_of_parts_would_do(tmp_path):
    folder = tmp_path / "catalog"
    folder.mkdir()
    with pytest.raises(DataFormatError) as refused:
        read_side_table(folder, what="[data] items file")
    assert ("expected the [data] items file, a .csv or .parquet file, or a folder of "
            "Parquet part files (part-*) holding one table") in str(refused.value)


def test_a_dataset_folder_written_by_spark_is_read(tmp_path):
    root = tmp_path / "shop"
    _part(root / "interactions.parquet", "part-00000-x.snappy.parquet",
          user_id=[1, 2], item_id=[1, 3])
    _part(root / "interactions.parquet", "part-00001-x.snappy.parquet",
          user_id=[3], item_id=[2])
    _spark_items(root)
    assert resolve_source(str(root)) == DatasetFolder(str(root))
    data = load_source(str(root))
    assert data.to_frame()["user_id"].tolist() == [1, 2, 3]
    assert data.item_table["title"].tolist() == ["Alien", "Heat", "Ran"]


# ------------------------------------------------------- a folder that is no source

def test_the_refusal_of_a_folder_lists_a_folder_of_parts_among_the_kinds(tmp_path, capsys):
    folder = tmp_path / "empty"
    folder.mkdir()
    with pytest.raises(ConfigError, match=re.escape(
            "a partitioned Parquet dataset (year=YYYY/month=MM/), a folder of Parquet part "
            "files holding one table (part-*, as Spark, Polars, pyarrow or Dask write it), "
            "a folder with interactions.parquet nor a graph-CF split")):
        load_source(str(folder))
    assert main(["data", "info", str(folder)]) == 2
    assert "a folder of Parquet part files holding one table" in capsys.readouterr().err


# ------------------------------------------------------------- one part on its own

def _log_parts(tmp_path):
    folder = tmp_path / "ratings.parquet"
    _part(folder, "part-00000-x.snappy.parquet", user_id=[1, 2], item_id=[10, 20])
    _part(folder, "part-00001-x.snappy.parquet", user_id=[3], item_id=[30])
    _part(folder, "part-00002-x.snappy.parquet", user_id=[4], item_id=[40])
    (folder / "_SUCCESS").write_bytes(b"")
    (folder / ".part-00000-x.snappy.parquet.crc").write_bytes(b"")
    return folder


def test_one_part_read_alone_warns_naming_the_folder_and_its_parts(tmp_path):
    folder = _log_parts(tmp_path)
    part = folder / "part-00000-x.snappy.parquet"
    with pytest.warns(OnePartWarning) as caught:
        data = load_table(part)
    assert len(data) == 2  # still read: one part may be meant
    message = str(caught[0].message)
    assert message.startswith(f"{part}: one of the 3 part files of one table in {folder}")
    assert f"give the folder, {folder}, to read all its parts as one table" in message
    assert caught[0].filename == __file__  # pointed at the caller, not at recstack


def test_one_part_as_a_source_and_as_an_items_file_warns_too(tmp_path):
    folder = _log_parts(tmp_path)
    with pytest.warns(OnePartWarning, match="one of the 3 part files"):
        load_source(str(folder / "part-00001-x.snappy.parquet"))
    items = _spark_items(tmp_path)
    with pytest.warns(OnePartWarning, match=re.escape(
            "one of the 2 part files of one table in " + str(items))):
        read_side_table(items / "part-00001-abc.snappy.parquet")


def test_the_command_line_warns_of_one_part(tmp_path, capsys):
    folder = _log_parts(tmp_path)
    # pytest records the warning, so the command leaves it to pytest rather than
    # printing it as its own "recstack: warning:" line
    with pytest.warns(OnePartWarning, match=re.escape(f"give the folder, {folder}")):
        assert main(["data", "info", str(folder / "part-00002-x.snappy.parquet")]) == 0
    assert capsys.readouterr().out.splitlines()[0].split() == ["rows", "1"]


def test_a_folders_only_part_and_a_file_among_exports_pass_silently(tmp_path):
    alone = tmp_path / "alone"
    _part(alone, "part-0.parquet", user_id=[1], item_id=[10])
    (alone / "_SUCCESS").write_bytes(b"")
    exports = tmp_path / "exports"
    _part(exports, "a.parquet", user_id=[1], item_id=[10])
    _part(exports, "b.parquet", user_id=[2], item_id=[20])
    with warnings.catch_warnings():
        warnings.simplefilter("error", OnePartWarning)
        assert len(load_table(alone / "part-0.parquet")) == 1
        assert len(load_table(exports / "a.parquet")) == 1


def test_a_part_of_a_partition_names_the_dataset_above_it(tmp_path):
    leaf = tmp_path / "events" / "year=2024" / "month=03"
    _part(leaf, "part-0.parquet", user_id=[1], item_id=[10])
    _part(leaf, "part-1.parquet", user_id=[2], item_id=[20])
    with pytest.warns(OnePartWarning, match=re.escape(
            f"the folder is one partition (month=03) of the dataset in "
            f"{tmp_path / 'events'}: give that folder")):
        load_table(leaf / "part-1.parquet")


def test_one_csv_part_is_told_to_join_the_parts(tmp_path):
    folder = tmp_path / "log"
    folder.mkdir()
    (folder / "part-00000.csv").write_text("user_id,item_id\n1,10\n")
    (folder / "part-00001.csv").write_text("user_id,item_id\n2,20\n")
    with pytest.warns(OnePartWarning, match="join the parts into one CSV file"):
        load_table(folder / "part-00000.csv")

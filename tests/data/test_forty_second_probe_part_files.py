"""Folders that other tools write. A stray non-Parquet file (or a damaged part) that pyarrow
met first while inferring a partitioned dataset's schema was "cannot be read: Error creating
dataset..." in pyarrow's words; it is now named with what to do. A flat folder of Spark /
Polars part files was answered with "give one file's path", which reads a fraction of the
table; it is now read as the one table it is."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from recstack.data.files import load_table
from recstack.data.partitioned import read_partitioned
from recstack.data.sources import load_source
from recstack.errors import ConfigError, DataFormatError, RecstackError


def _month(root, month, seconds):
    folder = root / "year=2020" / f"month={month:02d}"
    folder.mkdir(parents=True)
    pq.write_table(pa.table({"user_id": [1], "item_id": [2], "value": [1.0],
                             "timestamp": [seconds]}), folder / "part-0.parquet")
    return folder


def test_a_stray_text_file_that_pyarrow_meets_first_is_named(tmp_path):
    folder = _month(tmp_path / "log", 1, 1577836800)
    (folder / "notes.txt").write_text("hi")  # sorts before part-0.parquet
    with pytest.raises(DataFormatError) as refused:
        read_partitioned(tmp_path / "log")
    message = str(refused.value)
    assert message.startswith(f"{tmp_path / 'log'}: year=2020/month=01/notes.txt is not a "
                              "Parquet file")
    assert "move other files out, or name them with a leading '_' or '.'" in message


def test_a_damaged_first_part_is_named_as_damaged(tmp_path):
    folder = _month(tmp_path / "log", 1, 1577836800)
    _month(tmp_path / "log", 2, 1580515200)
    part = folder / "part-0.parquet"
    part.write_bytes(part.read_bytes()[:-20])
    with pytest.raises(DataFormatError) as refused:
        read_partitioned(tmp_path / "log")
    assert refused.value.file == str(part)
    assert "not a readable Parquet file" in str(refused.value)


def test_spark_debris_is_skipped(tmp_path):
    folder = _month(tmp_path / "log", 1, 1577836800)
    (tmp_path / "log" / "_SUCCESS").write_bytes(b"")
    (folder / ".part-0.parquet.crc").write_bytes(b"crc")
    assert len(read_partitioned(tmp_path / "log")) == 1


def _spark_folder(root, parts=2, success=True):
    root.mkdir()
    if success:
        (root / "_SUCCESS").write_bytes(b"")
    for i in range(parts):
        pq.write_table(pa.table({"user_id": [i], "item_id": [i + 1], "rating": [1.0]}),
                       root / f"part-{i:05d}-abc.snappy.parquet")
    return root


@pytest.mark.parametrize(("parts", "success"), [(2, False), (1, True), (3, True)])
def test_a_folder_of_part_files_as_a_source_is_one_table_not_one_file(tmp_path, parts,
                                                                       success):
    # it was refused with advice to join the parts: pandas, pyarrow, Polars and Spark read
    # such a folder as one table, and so does recstack now
    folder = _spark_folder(tmp_path / "ratings.parquet", parts, success)
    data = load_source(str(folder))
    assert data.to_frame()["user_id"].tolist() == list(range(parts))


def test_a_folder_of_part_files_given_to_load_table_is_read_whole(tmp_path):
    folder = _spark_folder(tmp_path / "ratings.parquet")
    assert load_table(folder).to_frame()["item_id"].tolist() == [1, 2]


def test_a_folder_of_independent_exports_still_names_one_file(tmp_path):
    folder = tmp_path / "exports"
    folder.mkdir()
    for name in ("a.parquet", "b.parquet"):
        pq.write_table(pa.table({"user_id": [1], "item_id": [2]}), folder / name)
    with pytest.raises(ConfigError, match="give one file's path, e.g."):
        load_source(str(folder))
    with pytest.raises(RecstackError) as refused:
        load_table(folder)
    assert str(refused.value) == f"{folder}: is a folder; expected a file"


def test_spark_null_partition_folder_is_refused_by_name_not_a_type_error(tmp_path):
    _month(tmp_path / "log", 1, 1577836800)
    folder = tmp_path / "log" / "year=2020" / "month=__HIVE_DEFAULT_PARTITION__"
    folder.mkdir()
    pq.write_table(pa.table({"user_id": [1], "item_id": [2], "value": [1.0],
                             "timestamp": [1577836800]}), folder / "part-0.parquet")
    with pytest.raises(DataFormatError) as refused:
        read_partitioned(tmp_path / "log")
    assert str(refused.value).startswith(
        f"{tmp_path / 'log'}: partition folder 'year=2020/month=__HIVE_DEFAULT_PARTITION__': "
        "month='__HIVE_DEFAULT_PARTITION__' is not a whole number, the folder Spark and Hive "
        "give rows with no value")


def test_a_data_file_holding_its_partition_column_is_named(tmp_path):
    folder = tmp_path / "log" / "year=2020" / "month=01"
    folder.mkdir(parents=True)
    pq.write_table(pa.table({"user_id": [1], "item_id": [2], "value": [1.0],
                             "timestamp": [1577836800], "year": [2020]}),
                   folder / "part-0.parquet")
    with pytest.raises(DataFormatError) as refused:
        read_partitioned(tmp_path / "log")
    assert refused.value.column == "year"
    assert "year=2020/month=01/part-0.parquet holds a column 'year', which its folder names " \
           "already" in str(refused.value)


def test_common_metadata_without_the_user_column_is_named_not_a_key_error(tmp_path):
    # found by the loader fuzz test: a _common_metadata whose schema lost user_id (edited,
    # damaged) while every data file holds it ended in pyarrow's KeyError
    from recstack.data.partitioned import write_partitioned
    from recstack.data.synthetic import generate

    root = tmp_path / "log"
    write_partitioned(generate(n_users=20, n_items=30, n_interactions=200, months=3), root)
    metadata = root / "_common_metadata"
    raw = metadata.read_bytes()
    assert raw.count(b"\x07user_id") >= 1
    metadata.write_bytes(raw.replace(b"\x07user_id", b"\x07tser_id", 1))
    with pytest.raises(DataFormatError) as refused:
        read_partitioned(root)
    assert (refused.value.file, refused.value.column) == (str(metadata), "user_id")
    assert "stores no column 'user_id' (its columns: 'tser_id'" in str(refused.value)

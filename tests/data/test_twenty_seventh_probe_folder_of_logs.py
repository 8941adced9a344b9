"""Twenty-seventh probe, a folder of exported logs (``a.parquet``, ``b.csv``) given as a
source: it was refused as "a folder, but neither a MovieLens release, a partitioned
Parquet dataset ... nor a graph-CF split", which is true but left the user to guess that
a source reads one log file at a time. Now the message names the log files the folder
holds and a path to give; a folder without any says only what it said."""

import re

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from recstack.cli import main
from recstack.data.sources import load_source
from recstack.errors import ConfigError

NOT_A_DATASET = ("a folder, but neither a MovieLens release, a partitioned Parquet dataset "
                 "(year=YYYY/month=MM/), a folder of Parquet part files holding one table "
                 "(part-*, as Spark, Polars, pyarrow or Dask write it), a folder with "
                 "interactions.parquet nor a graph-CF split (train.txt and test.txt)")


def _folder(tmp_path, *names):
    folder = tmp_path / "exports"
    folder.mkdir()
    for name in names:
        if name.endswith(".parquet"):
            pq.write_table(pa.table({"user_id": [1], "item_id": [2]}), folder / name)
        else:
            (folder / name).write_text("user_id,item_id\n1,2\n")
    return folder


def test_a_folder_of_logs_names_them_and_a_path_to_give(tmp_path):
    folder = _folder(tmp_path, "b.csv", "a.parquet", "notes.md", ".hidden.csv")
    with pytest.raises(ConfigError, match=re.escape(
            f"{folder}: {NOT_A_DATASET}; it holds a.parquet, b.csv: give one file's path, "
            f"e.g. {folder / 'a.parquet'}")):
        load_source(str(folder))


def test_many_logs_are_counted_not_listed(tmp_path):
    folder = _folder(tmp_path, *(f"day{n}.csv" for n in range(1, 6)))
    with pytest.raises(ConfigError, match=r"; it holds day1\.csv, day2\.csv, day3\.csv and 2 "
                                          r"more: give one file's path"):
        load_source(str(folder))


def test_a_folder_without_logs_says_what_it_said(tmp_path):
    folder = _folder(tmp_path, "notes.md")
    with pytest.raises(ConfigError, match=re.escape(f"{folder}: {NOT_A_DATASET}") + "$"):
        load_source(str(folder))


def test_the_command_line_says_it_in_one_line(tmp_path, capsys):
    folder = _folder(tmp_path, "ratings.parquet")
    assert main(["data", "info", str(folder)]) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err
    assert err.endswith(f"it holds ratings.parquet: give one file's path, e.g. "
                        f"{folder / 'ratings.parquet'}")

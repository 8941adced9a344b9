"""Ninety-eighth bad-input probe, partition folders of a time-partitioned dataset.

``year=2024/month=1`` beside ``year=2024/month=01`` (a second export job's spelling, or a
month exported again) named one period twice, and ``read_partitioned`` read both: every
row of a re-exported month counted twice, where the pipeline's partitions refuse such
folders. Now the two folders are named, with the remedy. And folders partitioned by
another key (Spark's ``date=2024-01-31``) were "not a time-partitioned dataset" without a
word of what was found; the message now names their levels."""

from __future__ import annotations

import re

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from recstack.data.partitioned import read_partitioned
from recstack.errors import DataFormatError, RecstackError

JAN_1 = 1704067200  # 2024-01-01T00:00:00Z


def _dataset(root, folders):
    for folder, users in folders.items():
        (root / folder).mkdir(parents=True)
        pq.write_table(pa.table({"user_id": users, "item_id": ["x"] * len(users),
                                 "value": [1.0] * len(users),
                                 "timestamp": pa.array([JAN_1] * len(users), pa.int64())}),
                       root / folder / "part-0.parquet")
    return root


@pytest.mark.parametrize(("first", "second"), [
    ("year=2024/month=01", "year=2024/month=1"),
    ("year=02024/month=01", "year=2024/month=01"),
    ("year=2024/month=01/day=01", "year=2024/month=01/day=1"),
])
def test_two_folders_of_one_period_are_refused_naming_both(tmp_path, first, second):
    root = _dataset(tmp_path / "log", {first: ["a"], second: ["b"]})
    with pytest.raises(DataFormatError, match=re.escape(
            f"partition folders {first!r} and {second!r} name one period")) as error:
        read_partitioned(root)
    assert "move the files of one into the other" in str(error.value)


def test_one_folder_per_period_still_reads(tmp_path):
    root = _dataset(tmp_path / "log", {"year=2024/month=01": ["a", "b"]})
    assert len(read_partitioned(root)) == 2


@pytest.mark.parametrize("folder", ["date=2024-01-01", "dt=2024-13-01", "month=01/year=2024"])
def test_folders_of_other_levels_are_named(tmp_path, folder):
    root = _dataset(tmp_path / "log", {folder: ["a"]})
    levels = "/".join(part.split("=")[0] + "=.." for part in folder.split("/"))
    with pytest.raises(RecstackError, match=re.escape(
            f"is not a time-partitioned dataset (expected folders such as year=2024/month=03, "
            f"as written by write_partitioned); its folders are partitioned by {levels}, ")):
        read_partitioned(root)

"""Fifteenth probe, time-partitioned datasets: a partition folder not named ``level=value``
for its level (``month02``, ``mnth=02``, ``2020``) was a TypeError from the check of rows
against their folder; ``write_partitioned(overwrite=True)`` over a folder that is not a
dataset deleted everything in it (or replaced a file)."""

import os

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.data.partitioned import read_partitioned, write_partitioned
from recstack.errors import DataFormatError, RecstackError

JAN_1_2020 = 1577836800
FEB_1_2020 = 1580515200
MAR_1_2020 = 1583020800


def _logs(n: int = 3) -> Interactions:
    """One row in each of January, February and March 2020."""
    times = [JAN_1_2020, FEB_1_2020, MAR_1_2020][:n]
    return Interactions.from_arrays(list(range(1, n + 1)), [10] * n, np.ones(n), times)


@pytest.mark.parametrize(("renamed", "shown", "level"), [
    ("year=2020/month02", "year=2020/month02", "month"),   # the '=' lost
    ("year=2020/mnth=02", "year=2020/mnth=02", "month"),   # the level misspelt
    ("year=2020/Month=02", "year=2020/Month=02", "month"),  # the level's case changed
    ("2020", "2020", "year"),                               # a top folder without its key
])
@pytest.mark.parametrize("bounded", [False, True])
def test_a_folder_not_named_for_its_level_is_refused_by_name(tmp_path, renamed, shown, level,
                                                             bounded):
    root = write_partitioned(_logs(), tmp_path / "logs")
    original = "year=2020/month=02" if "/" in renamed else "year=2020"
    os.rename(root / original, root / renamed)
    bounds = {"start": "2020-02-01"} if bounded else {}
    with pytest.raises(DataFormatError) as error:
        read_partitioned(root, **bounds)
    message = str(error.value)
    assert message.startswith(f"{root}: partition folder {shown!r} is not named {level}=..")
    assert f"are the {level} partitions of this dataset (levels: year, month)" in message
    assert "expected folders such as year=2024/month=03" in message


def test_folders_of_tools_starting_with_an_underscore_or_a_dot_are_not_partitions(tmp_path):
    root = write_partitioned(_logs(), tmp_path / "logs")
    (root / "year=2020" / "_temporary").mkdir()
    (root / ".staging").mkdir()
    assert len(read_partitioned(root)) == 3


def test_overwrite_keeps_a_folder_that_is_not_a_dataset(tmp_path):
    folder = tmp_path / "project"
    folder.mkdir()
    (folder / "thesis.txt").write_text("years of work")
    (folder / "notes").mkdir()
    with pytest.raises(RecstackError) as error:
        write_partitioned(_logs(), folder, overwrite=True)
    message = str(error.value)
    assert message.startswith(f"{folder}: holds 'notes', 'thesis.txt', so it is not a "
                              "partitioned dataset; overwrite=True replaces only a dataset")
    assert "choose another folder" in message
    assert (folder / "thesis.txt").read_text() == "years of work"
    assert sorted(p.name for p in folder.iterdir()) == ["notes", "thesis.txt"]
    assert [p.name for p in tmp_path.iterdir()] == ["project"]  # no staging left behind


def test_overwrite_refuses_a_file_in_the_place_of_the_dataset(tmp_path):
    target = tmp_path / "logs"
    target.write_text("a file of the user's")
    with pytest.raises(RecstackError, match=rf"^{target}: is a file, not a partitioned "
                                            "dataset; overwrite=True replaces only"):
        write_partitioned(_logs(), target, overwrite=True)
    assert target.read_text() == "a file of the user's"


def test_overwrite_still_replaces_a_dataset_and_fills_an_empty_folder(tmp_path):
    root = write_partitioned(_logs(3), tmp_path / "logs")
    write_partitioned(_logs(1), root, overwrite=True)
    assert len(read_partitioned(root)) == 1
    empty = tmp_path / "empty"
    empty.mkdir()
    write_partitioned(_logs(2), empty, overwrite=True)
    assert len(read_partitioned(empty)) == 2

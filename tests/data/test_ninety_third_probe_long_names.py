"""Ninety-third bad-input probe, a path the file system cannot name.

A file or folder name longer than the file system holds (255 bytes on Linux's file
systems: a name pasted twice, a generated one) made every loader and the shared path
helpers raise the operating system's ``OSError: [Errno 36] File name too long`` from
pathlib, before any of recstack's own words. Now each loader refuses it as a
``RecstackError`` naming the argument, the part that is too long, its size and the limit,
and the helpers (``describe_path``, ``special_file_problem``, ``folder_problem``,
``check_regular_file``, ``broken_link``) say what it is instead of raising."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from recstack.atomic import (
    broken_link,
    check_regular_file,
    describe_path,
    folder_problem,
    name_too_long,
    special_file_problem,
)
from recstack.data.adjacency import load_adjacency_splits
from recstack.data.files import load_table, save_table
from recstack.data.interactions import Interactions
from recstack.data.movielens import load_movielens
from recstack.data.partitioned import read_partitioned, write_partitioned
from recstack.errors import RecstackError

# the limit of the file system under test, asked of it rather than taken from the code
NAME_MAX = os.pathconf("/tmp", "PC_NAME_MAX")
TOO_LONG = "x" * (NAME_MAX + 45)


def _data():
    return Interactions.from_arrays([1, 2], [1, 2], None, [5, 6])


LOADERS = {
    "load_table": lambda p: load_table(p / f"{TOO_LONG}.csv"),
    "save_table": lambda p: save_table(_data(), p / f"{TOO_LONG}.csv"),
    "load_movielens": lambda p: load_movielens(p / TOO_LONG),
    "load_adjacency_splits": lambda p: load_adjacency_splits(p / TOO_LONG),
    "read_partitioned": lambda p: read_partitioned(p / TOO_LONG),
    "write_partitioned": lambda p: write_partitioned(_data(), p / TOO_LONG / "out"),
}


@pytest.mark.parametrize("call", LOADERS.values(), ids=LOADERS.keys())
def test_every_loader_names_the_part_that_is_too_long(tmp_path, call):
    with pytest.raises(RecstackError, match=rf"is a name longer than the file system allows: "
                                            rf"its part .* is [0-9,]+ bytes long, and a file "
                                            rf"or folder name holds at most {NAME_MAX}"):
        call(tmp_path)
    assert list(tmp_path.iterdir()) == []  # nothing written


def test_a_whole_path_beyond_the_system_limit_is_named(tmp_path):
    path_max = os.pathconf("/tmp", "PC_PATH_MAX")
    deep = Path(tmp_path, *["d" * 100] * (path_max // 100 + 1), "log.csv")
    with pytest.raises(RecstackError, match=r"is a path longer than the system allows"):
        load_table(deep)


def test_the_path_helpers_say_what_it_is(tmp_path):
    path = tmp_path / TOO_LONG
    assert "longer than the file system allows" in describe_path(path)
    assert special_file_problem(path).startswith("is a name longer")
    assert folder_problem(path).startswith("is a name longer")
    assert broken_link(path) is None
    with pytest.raises(RecstackError, match=r"is a name longer than the file system allows"):
        check_regular_file(path, "the log")


def test_names_within_the_limits_are_left_alone(tmp_path):
    fits = tmp_path / ("x" * NAME_MAX)
    assert name_too_long(fits) is None
    assert describe_path(fits) == "nothing"
    fits.write_text("user_id,item_id\n1,2\n")
    assert len(load_table(fits.rename(tmp_path / ("y" * (NAME_MAX - 4) + ".csv")),
                          value_col=None)) == 1

"""Sixth probe, paths: every loader and writer of the data package refuses what is not a
path by name (a number or None was os.fspath's TypeError) and an empty path (the current
folder: read as data, or replaced by write_partitioned(overwrite=True))."""

import re

import pytest

from recstack.data.adjacency import load_adjacency_splits
from recstack.data.files import load_table, save_table
from recstack.data.interactions import Interactions
from recstack.data.movielens import load_movielens
from recstack.data.partitioned import partition_files, read_partitioned, write_partitioned
from recstack.data.side_table import read_side_table
from recstack.errors import RecstackError

DATA = Interactions.from_arrays([1], [2], timestamps=[5])

CALLS = {
    "load_table": (load_table, "path"),
    "save_table": (lambda path: save_table(DATA, path), "path"),
    "load_movielens": (load_movielens, "path"),
    "read_partitioned": (read_partitioned, "root"),
    "partition_files": (partition_files, "root"),
    "write_partitioned": (lambda root: write_partitioned(DATA, root, overwrite=True), "root"),
    "read_side_table": (read_side_table, "path"),
    "load_adjacency_splits": (load_adjacency_splits, "source"),
    "load_adjacency_splits (mapping)": (
        lambda path: load_adjacency_splits({"train": path, "test": path}), "the train file"),
}


@pytest.mark.parametrize("call", CALLS)
@pytest.mark.parametrize("value", [3, None, b"/tmp/log.csv"])
def test_what_is_not_a_path_is_refused_by_name(call, value):
    function, what = CALLS[call]
    with pytest.raises(RecstackError, match=rf"^{what} must be a path \(text or a "
                                            rf"pathlib\.Path\), got {re.escape(repr(value))}$"):
        function(value)


@pytest.mark.parametrize("call", CALLS)
@pytest.mark.parametrize("value", ["", "  "])
def test_an_empty_path_is_refused_not_read_as_the_current_folder(call, value, tmp_path,
                                                                 monkeypatch):
    # in a folder of its own: were the check lost, write_partitioned would replace it
    monkeypatch.chdir(tmp_path)
    function, what = CALLS[call]
    with pytest.raises(RecstackError, match=rf"^{what} is empty; give the path of a file or "
                                            r"folder"):
        function(value)

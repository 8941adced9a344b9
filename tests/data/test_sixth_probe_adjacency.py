"""Sixth probe, adjacency splits: one file given as two parts is refused (every held-out
pair repeated a training pair; the report only counted them)."""

import pytest

from recstack.data.adjacency import load_adjacency_splits
from recstack.errors import DataFormatError


def test_the_train_file_given_as_the_test_file_is_refused(tmp_path):
    train = tmp_path / "train.txt"
    train.write_text("0 1 2\n1 2 3\n")
    with pytest.raises(DataFormatError, match=r"train\.txt: the test file is the train file"):
        load_adjacency_splits({"train": train, "test": train})


def test_a_link_to_the_train_file_is_the_same_file(tmp_path):
    (tmp_path / "train.txt").write_text("0 1 2\n1 2 3\n")
    (tmp_path / "test.txt").symlink_to(tmp_path / "train.txt")
    with pytest.raises(DataFormatError, match=r"test\.txt: the test file is the train file"):
        load_adjacency_splits(tmp_path)

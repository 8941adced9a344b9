"""Thirtieth probe, adjacency-list splits: an item listed twice on one user's line was read
once and only counted in the report's ``duplicate_rows``, so a user who never printed the
report never learnt that the file held repeats. The graph-CF benchmarks' loaders build a
set of each user's items, so reading it once stays right; a warning now names the file,
the line, the user and the item, and how many repeats the file holds."""

import warnings

import pytest

from recstack.data.adjacency import load_adjacency_splits


def _split(tmp_path, train, test="0 3\n"):
    (tmp_path / "train.txt").write_text(train)
    (tmp_path / "test.txt").write_text(test)
    return tmp_path


def test_an_item_listed_twice_is_read_once_with_a_warning_naming_file_and_line(tmp_path):
    folder = _split(tmp_path, "0 1 2\n1 4 2 4\n")
    with pytest.warns(UserWarning, match=rf"^{tmp_path / 'train.txt'}:2: item 4 is listed "
                                         r"twice on user 1's line; read once, as the "
                                         r"graph-CF benchmarks' loaders do \(counted in the "
                                         r"report's duplicate_rows\)$"):
        split = load_adjacency_splits(folder)
    # user 1's items are {4, 2}: four rows in train (two per user), not five
    assert split.report.train_rows == 4 and split.report.duplicate_rows["train"] == 1


def test_the_warning_counts_every_repeat_and_names_the_first_line(tmp_path):
    folder = _split(tmp_path, "0 1 2\n1 4 2\n3 2 2 2\n5 7 7\n")
    with pytest.warns(UserWarning, match=r"train\.txt:3: item 2 is listed twice on user 3's "
                                         r"line; .*\(3 repeats in the file, counted in the "
                                         r"report's duplicate_rows\)$"):
        split = load_adjacency_splits(folder)
    assert split.report.duplicate_rows["train"] == 3  # 2 twice more on line 3, 7 once on 4


def test_a_repeat_in_the_test_file_names_the_test_file(tmp_path):
    folder = _split(tmp_path, "0 1 2\n", test="0 3 3\n")
    with pytest.warns(UserWarning, match=r"test\.txt:1: item 3 is listed twice on user 0's"):
        load_adjacency_splits(folder)


def test_files_without_repeats_load_without_a_warning(tmp_path):
    folder = _split(tmp_path, "0 1 2\n1 4 2\n")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert load_adjacency_splits(folder).report.duplicate_rows == {"train": 0, "test": 0}

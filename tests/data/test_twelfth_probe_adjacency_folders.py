"""Twelfth probe, adjacency split folders: a validation file under another name or a broken
valid.txt link was ignored without a word (no validation part: tuning carved one out of
train and the refit left those rows out), and part names that are not text raised a
TypeError."""

import pytest

from recstack.data.adjacency import load_adjacency_splits
from recstack.errors import DataFormatError, RecstackError


@pytest.fixture
def folder(tmp_path):
    (tmp_path / "train.txt").write_text("0 1 2\n1 2 3\n")
    (tmp_path / "test.txt").write_text("0 3\n1 1\n")
    return tmp_path


@pytest.mark.parametrize("name", ["val.txt", "validation.txt", "Valid.txt", "dev.txt"])
def test_a_validation_file_under_another_name_is_refused(folder, name):
    (folder / name).write_text("0 4\n")
    with pytest.raises(DataFormatError, match=rf"the folder holds {name} but no valid\.txt, "
                                              rf"so {name} would be ignored") as caught:
        load_adjacency_splits(folder)
    assert caught.value.file == str(folder)
    assert "named valid.txt (rename it)" in str(caught.value)


def test_a_broken_valid_link_is_refused_not_ignored(folder):
    (folder / "valid.txt").symlink_to(folder / "gone.txt")
    with pytest.raises(DataFormatError, match=r"valid\.txt: the valid file: is a symbolic "
                                              r"link to .*gone\.txt'?, which does not exist"):
        load_adjacency_splits(folder)


def test_a_missing_train_file_names_the_files_the_folder_holds(tmp_path):
    (tmp_path / "Train.txt").write_text("0 1\n")
    (tmp_path / "test.txt").write_text("0 1\n")
    with pytest.raises(DataFormatError, match=r"train\.txt: the train file: no such file "
                                              r"\(did you mean '.*Train\.txt'\?\) "
                                              r"\(the folder holds: Train\.txt, test\.txt\)"):
        load_adjacency_splits(tmp_path)


def test_unrelated_files_beside_the_parts_are_still_read_past(folder):
    (folder / "user_list.txt").write_text("org_id remap_id\n")
    splits = load_adjacency_splits(folder)
    assert splits.valid is None and len(splits.train) == 4 and len(splits.test) == 2


def test_part_names_of_any_type_are_named_not_compared(folder):
    with pytest.raises(RecstackError, match=r"unknown part\(s\) \['x', 1\]; the parts are "
                                            r"train, valid, test"):
        load_adjacency_splits({"train": folder / "train.txt", "test": folder / "test.txt",
                               1: folder / "test.txt", "x": folder / "test.txt"})

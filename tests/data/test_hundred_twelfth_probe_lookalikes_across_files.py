"""An adjacency split's files are read with one vocabulary of integers: an id written with
leading zeros in one file and otherwise in another is one id, and is warned of."""

from __future__ import annotations

import warnings

import pytest

from recstack.data import LookalikeIdWarning
from recstack.data.adjacency import load_adjacency_splits


def _split(folder, **files):
    folder.mkdir()
    for part, text in files.items():
        (folder / f"{part}.txt").write_text(text)
    return folder


def test_a_user_padded_in_train_and_plain_in_test_is_warned_of(tmp_path):
    folder = _split(tmp_path / "s", train="1 7 8\n02 8\n3 7\n", test="1 8\n2 7\n")
    with pytest.warns(LookalikeIdWarning, match=r"user ids: 1 id\(s\) are written one way "
                      r"in one file and another way in another, e\.g\. '02' \(train\.txt, "
                      r"line 2\) and '2' \(test\.txt, line 2\)") as record:
        split = load_adjacency_splits(folder)
    assert len(record) == 1
    assert str(folder / "train.txt") in str(record[0].message)
    assert split.train.n_users == 3  # one id, as the warning says


def test_items_across_three_files_are_counted_once_each(tmp_path):
    folder = _split(tmp_path / "s", train="1 7 8\n2 8 0009\n3 7\n", valid="1 9\n",
                    test="1 08\n2 7 09\n")
    with pytest.warns(LookalikeIdWarning) as record:
        load_adjacency_splits(folder)
    messages = [str(w.message) for w in record]
    assert len(messages) == 1
    # 8 ('8' and '08') and 9 ('0009', '9', '09'): two ids
    assert "item ids: 2 id(s)" in messages[0]
    assert "'8' (train.txt, line 1) and '08' (test.txt, line 1)" in messages[0]


@pytest.mark.parametrize(("train", "test"), [
    ("1 007 8\n2 8\n", "1 007\n2 8\n"),     # padded alike in every file
    ("1 7 8\n2 8\n", "1 7\n2 8\n"),         # no leading zero anywhere
    ("01 7 8\n2 8\n", "01 8\n2 7\n"),       # a user padded alike
])
def test_ids_written_alike_in_every_file_are_silent(tmp_path, train, test):
    folder = _split(tmp_path / "s", train=train, test=test)
    with warnings.catch_warnings():
        warnings.simplefilter("error", LookalikeIdWarning)
        load_adjacency_splits(folder)


def test_an_id_written_twice_in_one_file_is_warned_of_by_that_file_only(tmp_path):
    folder = _split(tmp_path / "s", train="1 7 8\n2 8\n", test="1 007\n2 7\n")
    with pytest.warns(LookalikeIdWarning) as record:
        load_adjacency_splits(folder)
    assert len(record) == 1
    # an adjacency file has no columns, and load_table cannot read it: "item ids", and
    # the advice to renumber (it was "column 'item'", "read the file with load_table")
    assert "test.txt: item ids:" in str(record[0].message)
    assert "load_table" not in str(record[0].message)

"""An adjacency file writing one id two ways (``007`` and ``7``) is warned of in the words
of the warning across files: "user ids"/"item ids" and the advice to renumber. It said
"column 'item'" of a file that has no columns, and advised reading the file with
``load_table``, which cannot read an adjacency list."""

from __future__ import annotations

import pytest

from recstack.data import LookalikeIdWarning
from recstack.data.adjacency import load_adjacency_splits


def _split(folder, **files):
    folder.mkdir()
    for part, text in files.items():
        (folder / f"{part}.txt").write_text(text)
    return folder


@pytest.mark.parametrize(("train", "first", "second"), [
    ("1 007 8\n2 7\n", "'007' (line 1)", "'7' (line 2)"),
    ("1 8 7\n2 00007 8\n", "'7' (line 1)", "'00007' (line 2)"),
])
def test_one_item_written_two_ways_in_a_file_is_named_by_role(tmp_path, train, first,
                                                             second):
    # (a user written two ways in one file has two lines, which is refused)
    folder = _split(tmp_path / "s", train=train, test="3 8\n")
    with pytest.warns(LookalikeIdWarning) as record:
        split = load_adjacency_splits(folder)
    message = str(record[0].message)
    assert message.startswith(
        f"{folder / 'train.txt'}: item ids: 1 id(s) differ from another id only in how "
        f"they are written, e.g. {first} and {second},")
    assert message.endswith(
        "the split files are read with one vocabulary of integers, so they were read as one "
        "id. If they are different ids, renumber them; if they are one id, write it one way "
        "(without leading zeros), or silence this with warnings.filterwarnings('ignore', "
        "category=recstack.data.LookalikeIdWarning)")
    assert "column" not in message and "load_table" not in message
    assert split.train.n_items == 2  # read as one id, as it says


def test_the_warning_across_files_keeps_its_words(tmp_path):
    folder = _split(tmp_path / "s", train="1 7 8\n02 8\n", test="1 8\n2 7\n")
    with pytest.warns(LookalikeIdWarning) as record:
        load_adjacency_splits(folder)
    assert str(record[0].message).endswith(
        "the split files are read with one vocabulary of integers, so they were read as one "
        "id. If they are different ids, renumber them; if they are one id, write it one way "
        "in every file (without leading zeros), or silence this with "
        "warnings.filterwarnings('ignore', category=recstack.data.LookalikeIdWarning)")

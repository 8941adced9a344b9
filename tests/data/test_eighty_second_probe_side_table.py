"""A side-table path that is a folder is said to be a folder, naming the key, whatever
its name looks like."""

from __future__ import annotations

import pytest

from recstack.data.side_table import read_side_table
from recstack.errors import RecstackError


@pytest.mark.parametrize("name", ["logs", "items.csv", "items.parquet"])
def test_a_folder_is_called_a_folder(tmp_path, name):
    (tmp_path / name).mkdir()
    with pytest.raises(RecstackError, match=r": is a folder; expected the \[data\] items "
                                            r"file, a \.csv or \.parquet file, or a folder "
                                            r"of Parquet part files \(part-\*\) holding one "
                                            r"table$"):
        read_side_table(tmp_path / name, what="[data] items file")


def test_a_broken_link_is_called_one(tmp_path):
    (tmp_path / "items.csv").symlink_to(tmp_path / "gone.csv")
    with pytest.raises(RecstackError, match=r"items\.csv: is a symbolic link to .*; expected the "
                                            r"item table, a \.csv or \.parquet file"):
        read_side_table(tmp_path / "items.csv", what="item table")


def test_a_wrong_suffix_and_a_missing_file_still_say_so(tmp_path):
    with pytest.raises(RecstackError, match="must be a .csv or .parquet file"):
        read_side_table(tmp_path / "items.txt")
    with pytest.raises(RecstackError, match="no such items file"):
        read_side_table(tmp_path / "items.csv")


@pytest.mark.parametrize("text, line", [('item_id,title\n1,a\n2,"b\n', 3),
                                        ('item_id,title\n1,a\n2,"b\n3,c\n', 3)])
def test_a_truncated_quote_names_its_line(tmp_path, text, line):
    from recstack.errors import DataFormatError

    path = tmp_path / "items.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataFormatError) as caught:
        read_side_table(path)
    message = str(caught.value)
    assert message.startswith(f"{path}:{line}: not a readable CSV items file: unterminated "
                              "quote"), message
    assert "EOF" not in message and "tokenizing" not in message

"""Ninety-seventh bad-input probe, side tables (items and users files): the logs' advice to
pass an option the side-table reader does not have ("pass its encoding=" of a NUL byte or
UTF-16 text), text in a .parquet file told to take a ".csv or .tsv" name (a side table
is never .tsv), and a key that is no column name ('' or 5) said to be missing from the
file. Each test failed before its fix, but the one keeping the separator advice."""

from __future__ import annotations

import pytest

from recstack.data.side_table import read_side_table
from recstack.errors import DataFormatError, RecstackError


@pytest.mark.parametrize("name, data", [
    ("nul.csv", b"item_id,title\n1,A\x00B\n"),
    ("utf16.csv", "item_id,title\n1,A\n".encode("utf-16")),
    ("utf16le.csv", "item_id,title\n1,A\n".encode("utf-16-le")),
])
def test_text_in_another_encoding_is_told_to_be_saved_as_utf8(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(DataFormatError) as refused:
        read_side_table(path)
    message = str(refused.value)
    assert "encoding=" not in message, message
    assert message.endswith("(expected UTF-8 text (the items file is read as UTF-8 only: "
                            "save the file as UTF-8))"), message


def test_text_in_a_parquet_name_is_told_the_csv_name(tmp_path):
    path = tmp_path / "items.parquet"
    path.write_text("item_id,title\n1,A\n")
    with pytest.raises(DataFormatError) as refused:
        read_side_table(path, what="users file", key="user_id")
    assert str(refused.value) == (f"{path}: holds text, not Parquet data (expected a .csv "
                                  "name for a text file)")


def test_the_separator_advice_is_kept(tmp_path):
    path = tmp_path / "items.csv"
    path.write_text("item_id;title\n1;A\n")
    with pytest.raises(DataFormatError, match=r"read with ',' between fields: save it so\)\)$"):
        read_side_table(path)


@pytest.mark.parametrize("key", ["", "  ", 5, None])
def test_a_key_that_is_no_column_name_is_refused_as_the_argument(tmp_path, key):
    path = tmp_path / "items.csv"
    path.write_text("item_id,title\n1,A\n")
    with pytest.raises(RecstackError) as refused:
        read_side_table(path, key=key)
    assert not isinstance(refused.value, DataFormatError)  # the call, not the file
    assert str(refused.value) == ("key must be the name of the items file's id column, such "
                                  f"as 'item_id', got {type(key).__name__} {key!r}")

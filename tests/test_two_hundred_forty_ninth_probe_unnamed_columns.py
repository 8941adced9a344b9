"""Two-hundred-forty-ninth bad-input probe, side tables (items and users CSV files): a
header column without a name (``item_id,,genres``, a name of blanks, a trailing ``,``
over values, pandas' row numbers written by ``to_csv()``) whose fields hold values was
kept as pandas' ``Unnamed: 1`` (or ``' '``) without a word. It is refused, naming the
column's place, its first value and line, and what would be right; an empty column under
no name (a ``,`` ending every line) is still dropped."""

from __future__ import annotations

import pytest

from recstack.data.side_table import read_side_table
from recstack.errors import DataFormatError

RIGHT = ("(expected a name for every column that holds values: name it in the header, or "
         "remove the column)")


@pytest.mark.parametrize("text, column, value, line", [
    ("item_id,,genres\n1,foo,Action\n2,bar,Drama\n", 2, "foo", 2),
    ("item_id, ,genres\n1,foo,Action\n", 2, "foo", 2),
    ("item_id,,genres\n1,,Action\n2,bar,Drama\n", 2, "bar", 3),
    ("item_id,title,\n1,foo,\n2,bar,x\n", 3, "x", 3),
])
def test_a_column_of_values_without_a_name_is_refused(tmp_path, text, column, value, line):
    path = tmp_path / "items.csv"
    path.write_text(text)
    with pytest.raises(DataFormatError) as caught:
        read_side_table(path)
    assert str(caught.value) == (
        f"{path}:1: not a readable CSV items file: the header's column {column} has no "
        f"name, but its fields hold values ('{value}' on line {line}) {RIGHT}")


def test_pandas_row_numbers_are_named_as_such(tmp_path):
    path = tmp_path / "users.csv"
    path.write_text(",user_id,age\n0,7,30\n1,8,40\n")
    with pytest.raises(DataFormatError) as caught:
        read_side_table(path, what="users file", key="user_id")
    assert str(caught.value) == (
        f"{path}:1: not a readable CSV users file: the header's column 1 has no name, but "
        "its fields hold values ('0' on line 2) (pandas' to_csv() writes its row numbers "
        f"so: save the table with index=False) {RIGHT}")


def test_an_empty_column_under_no_name_is_still_dropped(tmp_path):
    path = tmp_path / "items.csv"
    path.write_text("item_id,title,\n1,foo,\n2,bar,\n")
    table = read_side_table(path)
    assert list(table.columns) == ["item_id", "title"]
    assert table.values.tolist() == [[1, "foo"], [2, "bar"]]


def test_a_header_of_the_id_column_alone_is_a_table_of_ids(tmp_path):
    path = tmp_path / "items.csv"
    path.write_text("item_id\n1\n2\n")
    assert read_side_table(path).values.tolist() == [[1], [2]]

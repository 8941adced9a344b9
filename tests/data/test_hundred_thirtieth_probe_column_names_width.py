"""Hundred-thirtieth probe, ``column_names`` of another length than the file's lines.

``load_table(path, column_names=["user_id", "item_id"])`` on a file of three fields a line
said "the row has 3 field(s) (expected 2 fields separated by ',')", without a word that
the 2 came from ``column_names``; on a file with a header of other width, nothing said
that ``column_names`` is for a file without one. Both are now said."""

from __future__ import annotations

import pytest

from recstack.data.files import load_table
from recstack.errors import DataFormatError


@pytest.mark.parametrize("names", [["user_id", "item_id"],
                                   ["user_id", "item_id", "value", "timestamp"]])
def test_names_of_another_width_than_the_lines_are_refused_naming_both(tmp_path, names):
    path = tmp_path / "log.csv"
    path.write_text("1,2,3\n2,3,4\n")
    with pytest.raises(DataFormatError) as refused:
        load_table(path, column_names=names)
    assert str(refused.value) == (
        f"{path}:1: column_names gives {len(names)} name(s), {names}, but the line has 3 "
        "field(s) separated by ',' (expected column_names with 3 name(s), one per field (or "
        "the separator the file uses, as separator=))")


def test_names_given_for_a_file_with_a_header_of_another_width(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text("user_id,item_id,rating\n1,2,3\n")
    with pytest.raises(DataFormatError) as refused:
        load_table(path, column_names=["user_id", "item_id"])
    assert str(refused.value) == (
        f"{path}:1: column_names gives 2 name(s), ['user_id', 'item_id'], but the first line "
        "is a header of 3 field(s) (user_id, item_id, rating) (expected column_names only "
        "for a file without a header; leave it out to read this header)")


def test_names_of_the_right_width_read_the_file(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text("1,2,3\n2,3,4\n")
    data = load_table(path, column_names=["user_id", "item_id", "value"])
    assert data.value.tolist() == [3.0, 4.0]
    # a separator ending every line is not a width mismatch: it is read as with a header
    # ending in one (an unnamed last column), the one rule of a trailing separator
    path.write_text("1,2,3,\n2,3,4,\n")
    assert load_table(path, column_names=["user_id", "item_id", "value"]).value.tolist() == [
        3.0, 4.0]


@pytest.mark.parametrize("names", [["user_id", "item_id"], ["user_id", "item_id", "value"]])
def test_a_line_of_one_field_under_another_separator_names_the_separator(tmp_path, names):
    # a tab-separated file read with ',': the separator is the mistake, not the names
    path = tmp_path / "log.txt"
    path.write_text("1\t2\t3\n2\t3\t4\n")
    with pytest.raises(DataFormatError) as refused:
        load_table(path, column_names=names, separator=",")
    assert str(refused.value) == (
        f"{path}:1: the line is one field, '1\\t2\\t3': its fields seem to be separated by "
        "'\\t', not ',' (expected separator='\\t', the file's separator)")

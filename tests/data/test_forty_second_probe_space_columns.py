"""A log whose columns are separated (or aligned) by spaces was refused as "no column
'user_id'; the columns are: 'user_id  item_id  rating'"; the header is now said to be one
column that spaces seem to separate, with what to do for single spaces and for runs."""

from __future__ import annotations

import pytest

from recstack.data.files import load_table
from recstack.errors import DataFormatError


def test_columns_aligned_by_runs_of_spaces_are_said_so(tmp_path):
    path = tmp_path / "printed.tsv"
    path.write_text("user_id  item_id  rating\n1        2        3\n")
    with pytest.raises(DataFormatError) as refused:
        load_table(path)
    assert refused.value.line == 1
    assert str(refused.value) == (
        f"{path}:1: the header is one column, 'user_id  item_id  rating': its fields seem to "
        "be separated by runs of spaces, not '\\t' (expected fields separated by '\\t' (one "
        "separator character is read between fields: replace each run of spaces with one "
        "tab or comma))")


def test_single_spaces_point_to_the_separator_option_which_reads_them(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text("user_id item_id rating\n1 2 3\n")
    with pytest.raises(DataFormatError, match=r"separated by spaces, not ','.*pass "
                                              r"separator=' '"):
        load_table(path)
    assert load_table(path, separator=" ").value.tolist() == [3.0]


def test_a_one_column_name_with_a_space_is_left_to_the_column_check(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text("some thing\n1\n")
    with pytest.raises(Exception) as refused:
        load_table(path)
    assert "separated by spaces" not in str(refused.value)


def test_a_web_page_saved_as_csv_is_not_said_to_be_space_separated(tmp_path):
    path = tmp_path / "ratings.csv"
    path.write_text("<!DOCTYPE html><html><body>Not found</body></html>\n")
    with pytest.raises(Exception) as refused:
        load_table(path)
    assert "separated by spaces" not in str(refused.value)

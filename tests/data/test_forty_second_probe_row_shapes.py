"""Rows of the wrong width in the two shapes other tools write them: a separator at the end
of every data line (some exporters), and a line of blanks only. The error said only "the row
has 4 field(s)"; it now says which shape it is."""

from __future__ import annotations

import pytest

from recstack.data.files import load_table
from recstack.errors import DataFormatError


def test_a_separator_at_the_end_of_data_lines_is_said_so(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text("user_id,item_id,rating\n1,2,3,\n2,3,4,\n")
    with pytest.raises(DataFormatError) as refused:
        load_table(path)
    assert (refused.value.file, refused.value.line) == (str(path), 2)
    assert str(refused.value) == (
        f"{path}:2: the line ends with a separator, so the row has 4 field(s) (expected 3 "
        "fields separated by ',')")


def test_a_separator_at_the_end_of_header_and_data_lines_reads(tmp_path):
    # the header's extra column has no name and no role: nothing to refuse
    path = tmp_path / "export.csv"
    path.write_text("user_id,item_id,rating,\n1,2,3,\n2,3,4,\n")
    assert load_table(path).value.tolist() == [3.0, 4.0]


def test_a_line_of_blanks_is_said_so(tmp_path):
    # a bare line of blanks is now skipped as an empty line is (one rule for blank lines,
    # test_hundred_second_probe_blank_lines); a quoted blank field alone on a line is a
    # row of one field
    path = tmp_path / "log.csv"
    path.write_text('user_id,item_id,rating\n1,2,3\n"   "\n2,3,4\n')
    with pytest.raises(DataFormatError) as refused:
        load_table(path)
    assert refused.value.line == 3
    assert "a line of blanks only: the row has 1 field(s) (expected 3 fields separated by " \
           "',')" in str(refused.value)


def test_an_extra_field_with_a_value_keeps_the_plain_message(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text("user_id,item_id,rating\n1,2,3,x\n")
    with pytest.raises(DataFormatError) as refused:
        load_table(path)
    assert str(refused.value) == (f"{path}:2: the row has 4 field(s) (expected 3 fields "
                                  "separated by ',')")

"""Seventh probe, a spreadsheet's separator hint: a CSV saved by Excel may begin with the
line 'sep=,' (or 'sep=;'), which was read as the header, columns 'sep=' and '', and the
file's own columns were reported missing. Now named as the hint, with the line to delete
and the separator to pass."""

import pytest

from recstack.data.files import load_table
from recstack.data.side_table import read_side_table
from recstack.errors import DataFormatError


@pytest.mark.parametrize("hint, body, advice", [
    ("sep=,", "user_id,item_id\n1,2\n", r"delete the 'sep=,' line\)"),
    ("SEP=,", "user_id,item_id\r\n1,2\r\n", r"delete the 'SEP=,' line\)"),
    ("sep=;", "user_id;item_id\n1;2\n", r"delete the 'sep=;' line \(its fields are "
                                        r"separated by ';': pass separator=';'\)"),
])
def test_a_separator_hint_line_is_named_with_what_to_do(tmp_path, hint, body, advice):
    path = tmp_path / "log.csv"
    path.write_bytes(f"{hint}\r\n{body}".encode() if "\r" in body
                     else f"{hint}\n{body}".encode())
    with pytest.raises(DataFormatError, match=rf"log\.csv:1: the first line, '{hint}', is a "
                                              rf"spreadsheet's separator hint, not a header "
                                              rf"\(expected .*{advice}"):
        load_table(path)


def test_a_side_table_with_the_hint_is_named_too(tmp_path):
    path = tmp_path / "items.csv"
    path.write_text("sep=,\nitem_id,title\n1,Heat\n")
    with pytest.raises(DataFormatError, match=r"items\.csv:1: .*separator hint"):
        read_side_table(path)

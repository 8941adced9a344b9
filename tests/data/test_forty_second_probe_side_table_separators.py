"""An items file saved by a spreadsheet with ';' between fields (or with Excel's 'sep=;'
first line) was refused with the logs' advice "pass separator=';'", an option the side-table
reader does not have; the advice now says to save the file with commas."""

from __future__ import annotations

import pytest

from recstack.data.side_table import read_side_table
from recstack.errors import DataFormatError


@pytest.mark.parametrize("text", [
    b"\xef\xbb\xbfitem_id;title\r\n1;A\r\n2;B\r\n",  # Excel, a European locale
    b"sep=;\r\nitem_id;title\r\n1;A\r\n",           # with its separator hint
])
def test_a_semicolon_items_file_is_not_told_of_an_option_it_has_not(tmp_path, text):
    path = tmp_path / "items.csv"
    path.write_bytes(text)
    with pytest.raises(DataFormatError) as refused:
        read_side_table(path)
    message = str(refused.value)
    assert refused.value.line == 1
    assert "pass separator=" not in message
    assert message.endswith("(the items file is read with ',' between fields: save it so))")


def test_the_users_file_is_named_as_such(tmp_path):
    path = tmp_path / "users.csv"
    path.write_text("user_id;age\n1;30\n")
    with pytest.raises(DataFormatError, match=r"seem to be separated by ';'.*the users file "
                                              r"is read with ','"):
        read_side_table(path, what="users file", key="user_id")

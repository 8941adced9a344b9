"""Bad inputs of the fourth probe (files a new user gets wrong).

Each test failed before its fix; expected values are worked by hand from the few rows
written in each test.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from recstack.data.files import load_table
from recstack.errors import DataFormatError


def _write(tmp_path: Path, name: str, data: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.write_bytes(data)
    return path


# ------------------------------------------------------------- a header repeated mid-file
@pytest.mark.parametrize("text", [
    # text ids only: the second header was read as user 'user_id' rating item 'item_id'
    "user_id,item_id\na,b\nuser_id,item_id\nc,d\n",
    # ids and an inferred timestamp column, the header at the end, blanks around names
    "user_id,item_id,timestamp\na,b,2020-01-01\n user_id , item_id ,timestamp\n",
    # a number column: was "found 'value' (expected a number)"
    "user_id,item_id,value\n1,2,3\nuser_id,item_id,value\n4,5,6\n",
])
def test_a_header_repeated_mid_file_is_refused_at_its_line(tmp_path, text):
    path = _write(tmp_path, "joined.csv", text)
    with pytest.raises(DataFormatError, match=r"joined\.csv:3: the header line is repeated "
                                              r"here .*one header line, at the top"):
        load_table(path)


def test_a_row_naming_one_column_is_still_data(tmp_path):
    # a user called 'user_id' is odd but not a header: the item is not 'item_id'
    path = _write(tmp_path, "odd.csv", "user_id,item_id\nuser_id,x\nb,item_id\n")
    data = load_table(path)
    assert data.to_frame()[["user_id", "item_id"]].values.tolist() == [
        ["user_id", "x"], ["b", "item_id"]]

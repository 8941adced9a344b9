"""Files joined with ``cat`` where each was saved with a byte-order mark (Excel's "CSV
UTF-8" does so): the mark (U+FEFF, invisible) then opens a line inside the file. A repeated
header behind it was read as the interaction of user '\\ufeffuser_id' with item 'item_id',
and a data row behind it as a user '\\ufeff3', other than 3; both are now refused by line."""

from __future__ import annotations

import pytest

from recstack.data.files import load_table
from recstack.data.side_table import read_side_table
from recstack.errors import DataFormatError

BOM = b"\xef\xbb\xbf"


@pytest.mark.parametrize("header", [b"user_id,item_id\n", b"user_id,item_id,rating\n"])
def test_a_repeated_header_behind_a_byte_order_mark_is_a_repeated_header(tmp_path, header):
    rows = b"1,2\n" if header.count(b",") == 1 else b"1,2,3\n"
    path = tmp_path / "joined.csv"
    path.write_bytes(BOM + header + rows + BOM + header + rows)
    with pytest.raises(DataFormatError) as refused:
        load_table(path)
    assert refused.value.line == 3
    assert "the header line is repeated here" in str(refused.value)


@pytest.mark.parametrize(("text", "options", "line"), [
    (BOM + b"user_id,item_id,rating\n1,2,3\n" + BOM + b"3,4,5\n", {}, 3),
    (BOM + b"1,2,3\n" + BOM + b"3,4,5\n", {"column_names": ["user_id", "item_id", "rating"]},
     2),
])
def test_an_id_behind_a_byte_order_mark_is_refused_by_line(tmp_path, text, options, line):
    path = tmp_path / "joined.csv"
    path.write_bytes(text)
    with pytest.raises(DataFormatError) as refused:
        load_table(path, **options)
    error = refused.value
    assert (error.file, error.line, error.column) == (str(path), line, "user_id")
    assert "found '\\ufeff3', which starts with a byte-order mark (U+FEFF)" in str(error)


def test_the_mark_at_the_start_of_the_file_is_no_problem(tmp_path):
    path = tmp_path / "excel.csv"
    path.write_bytes(BOM + b"user_id,item_id\r\n1,2\r\n3,4\r\n")
    assert load_table(path).users.external_ids.tolist() == [1, 3]


def test_an_items_file_joined_so_is_refused_too(tmp_path):
    path = tmp_path / "items.csv"
    path.write_bytes(BOM + b"item_id,title\n1,A\n" + BOM + b"2,B\n")
    with pytest.raises(DataFormatError, match=r"found '\\ufeff2', which starts with a "
                                              r"byte-order mark") as refused:
        read_side_table(path)
    assert refused.value.line == 3

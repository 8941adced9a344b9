"""Eighth probe, a UTF-8 file with a byte-order mark (what Excel's 'CSV UTF-8' writes) read
with encoding='latin-1': the mark became 'ï»¿' at the start of the first column's name, so
that column was not found; a first column of ratings was dropped without a word and the
file read as implicit feedback."""

import pytest

from recstack.data.files import load_table
from recstack.errors import DataFormatError

BOM = "\ufeff"


@pytest.mark.parametrize("encoding", ["latin-1", "cp1252", "iso-8859-15"])
def test_a_utf8_mark_read_in_a_one_byte_encoding_is_named(tmp_path, encoding):
    path = tmp_path / "ratings.csv"
    path.write_text(BOM + "rating,user_id,item_id\n4.5,1,2\n2,1,3\n", encoding="utf-8")
    with pytest.raises(DataFormatError, match=rf"ratings\.csv: is UTF-8 text \(it starts with "
                                              rf"a UTF-8 byte-order mark\), not {encoding} "
                                              r"\(expected encoding='utf-8' \(the default"):
        load_table(path, encoding=encoding)
    # read as the UTF-8 it is, the ratings are there
    assert load_table(path).value.tolist() == [4.5, 2.0]
    assert load_table(path, encoding="utf-8-sig").value.tolist() == [4.5, 2.0]

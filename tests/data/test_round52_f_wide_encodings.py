"""Round 52 (F), a text file read as UTF-16 or UTF-32 that is not, or is of the other byte
order or width. A UTF-8 file read with ``encoding='utf-16-le'`` became a header of CJK
characters ("no column 'user_id' for user ids; the columns are: '獵牥楟...'"), with
``'utf-16'`` or ``'utf-32'`` the advice was to spell out a byte order (which reads the same
garbage), and UTF-16-LE read as BE, or UTF-16 read as UTF-32, likewise named no encoding.
Each now says what the bytes are and the encoding that reads them."""

import pytest

from recstack.data.files import load_table
from recstack.errors import DataFormatError

TEXT = "user_id,item_id\n1,2\n"


@pytest.mark.parametrize("asked", ["utf-16", "utf-16-le", "utf-16-be", "utf-32",
                                   "utf-32-le", "utf-32-be"])
def test_utf8_text_read_as_wide_text_is_named_utf8(tmp_path, asked):
    path = tmp_path / "log.csv"
    path.write_bytes("user_id,item_id\ncafé,2\n".encode())  # UTF-8
    with pytest.raises(DataFormatError) as refused:
        load_table(path, encoding=asked)
    assert str(refused.value) == (
        f"{path}: cannot be read as {asked} text: it holds no byte 0, which "
        f"{asked[:6].upper()} text of commas, tabs or line ends does; it is UTF-8 (or "
        "ASCII) text (expected encoding='utf-8' (the default: leave encoding out))")


def test_latin1_text_read_as_utf16_asks_for_its_real_encoding(tmp_path):
    path = tmp_path / "log.csv"
    path.write_bytes("user_id,item_id\ncafé,2\n".encode("latin-1"))
    with pytest.raises(DataFormatError, match=r"cannot be read as utf-16-le text: it holds "
                       r"no byte 0, which UTF-16 text of commas, tabs or line ends does "
                       r"\(expected the file's real encoding as encoding=, e\.g\. 'latin-1'"):
        load_table(path, encoding="utf-16-le")


@pytest.mark.parametrize(("written", "asked"), [
    ("utf-16-le", "utf-16-be"), ("utf-16-be", "utf-16-le"),
    ("utf-32-le", "utf-32-be"), ("utf-32-be", "utf-32-le"),
    ("utf-16-le", "utf-32"), ("utf-16-be", "utf-32-be"),
    ("utf-32-le", "utf-16"), ("utf-32-be", "utf-16-be"),
])
def test_wide_text_of_another_order_or_width_names_the_one_it_is(tmp_path, written, asked):
    path = tmp_path / "log.csv"
    path.write_bytes(TEXT.encode(written))
    endian = "little-endian" if written.endswith("le") else "big-endian"
    with pytest.raises(DataFormatError) as refused:
        load_table(path, encoding=asked)
    assert str(refused.value) == (
        f"{path}: cannot be read as {asked} text: it looks like {endian} "
        f"{written[:6].upper()} text (its 0 bytes stand where that encoding puts them) "
        f"(expected encoding='{written}')")
    # the encoding named reads it
    assert load_table(path, encoding=written).to_frame().values.tolist() == [[1, 2, 1.0]]


@pytest.mark.parametrize("written", ["utf-16", "utf-32"])
def test_wide_text_with_its_mark_still_reads(tmp_path, written):
    path = tmp_path / "log.csv"
    path.write_bytes("user_id,item_id\ncafé,2\n".encode(written))
    rows = load_table(path, encoding=written).to_frame().values.tolist()
    assert rows == [["café", 2, 1.0]]


def test_a_compressed_utf8_file_read_as_utf16_is_named_utf8(tmp_path):
    import gzip

    path = tmp_path / "log.csv.gz"
    path.write_bytes(gzip.compress(TEXT.encode()))
    with pytest.raises(DataFormatError, match=r"it is UTF-8 \(or ASCII\) text"):
        load_table(path, encoding="utf-16-le")

"""Adjacency-list split files whose bytes are not ASCII/UTF-8 text are named for what they are.

Before: a UTF-32 file was "UTF-16 text"; a UTF-16 or UTF-32 file without its byte-order mark,
and a file holding a NUL byte, was "'1\\x00' is not an integer id" (a token the user never
wrote); a latin-1 byte was shown as the replacement character '\\ufffd'; a no-break space, a
vertical tab or a byte-order mark in the middle of a file was a mistyped "id" without saying
which character it was.
"""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from recstack.data.adjacency import load_adjacency_splits
from recstack.errors import DataFormatError

_TEXT = "0 1 2\n1 2 3\n2 3\n"


def _refused(tmp_path: Path, train: bytes, part: str = "train") -> DataFormatError:
    tmp_path.mkdir(parents=True, exist_ok=True)
    files = {"train": _TEXT.encode(), "test": b"0 4\n1 4\n", "valid": b"0 5\n"}
    files[part] = train
    for name, content in files.items():
        (tmp_path / f"{name}.txt").write_bytes(content)
    with pytest.raises(DataFormatError) as caught:
        load_adjacency_splits(tmp_path)
    error = caught.value
    assert error.file == str(tmp_path / f"{part}.txt")
    return error


@pytest.mark.parametrize(("codec", "mark", "name"), [
    ("utf-32-le", codecs.BOM_UTF32_LE, "UTF-32"),
    ("utf-32-be", codecs.BOM_UTF32_BE, "UTF-32"),
    ("utf-16-le", codecs.BOM_UTF16_LE, "UTF-16"),
    ("utf-16-be", codecs.BOM_UTF16_BE, "UTF-16"),
])
def test_a_wide_encoding_with_its_mark_is_named(tmp_path, codec, mark, name):
    # UTF-32 little-endian's mark begins with UTF-16's: it was called "UTF-16 text"
    error = _refused(tmp_path, mark + _TEXT.encode(codec))
    assert f"the file is {name} text (it starts with a {name} byte-order mark); save it " \
           "as ASCII or UTF-8" in str(error)


@pytest.mark.parametrize(("codec", "words"), [
    ("utf-16-le", "UTF-16 text without a byte-order mark (every other byte is 0)"),
    ("utf-16-be", "UTF-16 text without a byte-order mark (every other byte is 0)"),
    ("utf-32-le", "UTF-32 text without a byte-order mark (three bytes of every four are 0)"),
    ("utf-32-be", "UTF-32 text without a byte-order mark (three bytes of every four are 0)"),
])
@pytest.mark.parametrize("part", ["train", "valid", "test"])
def test_a_wide_encoding_without_its_mark_is_named(tmp_path, codec, words, part):
    error = _refused(tmp_path, _TEXT.encode(codec), part)
    assert words in str(error)
    assert "is not an integer id" not in str(error)


@pytest.mark.parametrize(("content", "line", "character"), [
    (b"0 1\n1 2\x00\n", 2, 4),
    (b"0 1\r1 2\r\x003\r", 3, 1),  # lone CRs end lines
    (b"\x00\x01\x02binary", 1, 1),
])
def test_a_nul_byte_is_named_with_its_line(tmp_path, content, line, character):
    error = _refused(tmp_path, content)
    assert error.line == line
    assert f"holds a NUL byte (code 0) at character {character}, which no text file does" \
        in str(error)


@pytest.mark.parametrize(("content", "line", "byte", "character"), [
    (b"0 1\n1 2\xe9\n", 2, "0xE9", 4),        # latin-1 e-acute
    (b"0 1\r\n1 \x93 3\r\n", 2, "0x93", 3),   # cp1252 quote
    (b"0 1\n1 caf\xc3\xa9 \xff\n", 2, "0xFF", 8),  # valid UTF-8 before: counted as one
    (b"0 1\n1 2\xc3", 2, "0xC3", 4),          # cut in the middle of a character
])
def test_a_byte_that_is_not_utf8_is_named_not_replaced(tmp_path, content, line, byte,
                                                       character):
    error = _refused(tmp_path, content)
    assert error.line == line
    assert f"byte {byte} (character {character}) is not UTF-8 text" in str(error)
    assert "\ufffd" not in str(error)


@pytest.mark.parametrize(("content", "line", "words"), [
    ("0 1\n1\u00a02\n", 2, "'1\\xa02' is not an integer id (character 2): U+00A0 "
                           "(no-break space) does not separate ids: only spaces and tabs do"),
    ("0 1\n1 2\x0b3\n", 2, "'2\\x0b3' is not an integer id (character 4): U+000B "
                           "(vertical tab) does not separate ids"),
    ("0 1\n1 2\x0c\n", 2, "(character 4): U+000C (form feed) does not separate ids"),
    ("0 1\n1 2\u30003\n", 2, "(character 4): U+3000 (ideographic space) does not"),
    ("0 1\n1 2\x853\n", 2, "(character 4): U+0085 (next line) does not separate ids"),
    ("0 1\n\ufeff1 2\n", 2, "'\\ufeff1' is not an integer id (character 1): U+FEFF (zero "
                            "width no-break space) is a byte-order mark, which belongs only "
                            "at the start of a file (two files joined?)"),
])
def test_a_space_or_mark_that_separates_nothing_is_named(tmp_path, content, line, words):
    error = _refused(tmp_path, content.encode())
    assert error.line == line
    assert words in str(error)


def test_text_that_is_right_is_still_read(tmp_path):
    # a UTF-8 mark at the start, CRLF, a lone CR, tabs and no final newline are all read
    (tmp_path / "train.txt").write_bytes(b"\xef\xbb\xbf0 1\t2\r\n1 2 3\r2 3")
    (tmp_path / "test.txt").write_bytes(b"0 3\n")
    split = load_adjacency_splits(tmp_path)
    assert len(split.train) == 5 and len(split.test) == 1

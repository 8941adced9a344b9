"""A UTF-8 log read with another ``encoding`` (latin-1, cp1252, shift_jis) is warned of,
naming the line and the text both ways: ``café`` became ``cafÃ©`` without a word."""

import gzip
import warnings

import pytest

from recstack.data import MisreadTextWarning
from recstack.data.files import load_table

HEADER = "user_id,item_id,rating,timestamp\n"


def _write(tmp_path, name, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(("encoding", "misread"), [
    ("latin-1", "cafÃ©"), ("cp1252", "cafÃ©"), ("shift_jis", "cafﾃｩ"),
])
def test_utf8_text_read_in_another_encoding_is_warned_of(tmp_path, encoding, misread):
    # 'é' is c3 a9 in UTF-8: latin-1 reads 'Ã' (c3) and '©' (a9)
    path = _write(tmp_path, "log.csv",
                  (HEADER + "1,tea,4,1000000000\n2,café,5,1000000001\n").encode())
    with pytest.warns(MisreadTextWarning) as caught:
        data = load_table(path, encoding=encoding)
    message = str(caught[0].message)
    assert message.startswith(f"{path}:3: 'café' is written in UTF-8, but "
                              f"encoding={encoding!r} reads it as {misread!r}")
    assert "leave encoding out (UTF-8 is the default)" in message
    assert caught[0].filename == __file__
    assert sorted(data.items.external_ids.tolist()) == sorted([misread, "tea"])  # as asked


def test_a_compressed_utf8_log_is_warned_of_too(tmp_path):
    path = _write(tmp_path, "log.csv.gz",
                  gzip.compress((HEADER + "1,café,4,1000000000\n").encode()))
    with pytest.warns(MisreadTextWarning, match=r"log\.csv\.gz:2: 'café'"):
        load_table(path, encoding="latin-1")


@pytest.mark.parametrize(("data", "encoding"), [
    ((HEADER + "1,café,4,1000000000\n").encode("latin-1"), "latin-1"),  # latin-1 indeed
    ((HEADER + "1,cafe,4,1000000000\n").encode(), "latin-1"),           # ASCII only
    ((HEADER + "1,café,4,1000000000\n").encode(), "utf-8"),
    ((HEADER + "1,café,4,1000000000\n").encode(), "UTF8"),
    # valid UTF-8 first, then a latin-1 byte: not UTF-8, so the encoding may be right
    ((HEADER + "1,cafÃ©,4,1000000000\n").encode("latin-1")
     + "2,thé,4,1000000001\n".encode("latin-1"), "latin-1"),
], ids=["latin-1", "ascii", "utf-8", "UTF8", "utf-8-then-latin-1"])
def test_files_that_are_not_utf8_or_read_as_utf8_pass_without_a_word(tmp_path, data,
                                                                    encoding):
    path = _write(tmp_path, "log.csv", data)
    with warnings.catch_warnings():
        warnings.simplefilter("error", MisreadTextWarning)
        load_table(path, encoding=encoding)

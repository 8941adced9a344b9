"""Hundred-thirtieth probe, ``encoding=`` names that name no file's text encoding.

``load_table(path, encoding="base64")`` (or ``"zlib"``, ``"rot13"``: codecs Python knows,
which turn bytes into bytes) was a raw ``LookupError`` from ``open``; ``"idna"`` and
``"undefined"`` were "cannot be read as idna text", blaming the file; ``None`` was
"unknown encoding None" and a misspelt name got no nearest one. Each is refused before
the file is read, naming the option."""

from __future__ import annotations

import pytest

from recstack.data.files import load_table
from recstack.errors import RecstackError


@pytest.fixture
def log(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text("user_id,item_id\n1,2\n")
    return path


@pytest.mark.parametrize(("encoding", "purpose"), [
    ("base64", "bytes to bytes, not bytes to text"), ("zlib", "bytes to bytes, not bytes "
                                                            "to text"),
    ("rot13", "bytes to bytes, not bytes to text"), ("idna", "domain names"),
    ("punycode", "domain names"), ("undefined", "refusing all text")])
def test_a_codec_that_reads_no_file_text_is_refused_as_such(log, encoding, purpose):
    with pytest.raises(RecstackError) as refused:
        load_table(log, encoding=encoding)
    assert str(refused.value) == (
        f"encoding {encoding!r} is not the encoding of a text file (Python's codec of that "
        f"name is for {purpose}); use the file's text encoding, e.g. 'utf-8' or 'latin-1'")


@pytest.mark.parametrize(("encoding", "near"), [("utf-9", "utf-8"), ("latni-1", "latin-1"),
                                                ("cp1525", "cp1252")])
def test_a_misspelt_encoding_gets_the_nearest_name(log, encoding, near):
    with pytest.raises(RecstackError, match=rf"^unknown encoding '{encoding}' \(did you mean "
                                            rf"'{near}'\?\); use e\.g\. 'utf-8' or 'latin-1'$"):
        load_table(log, encoding=encoding)


@pytest.mark.parametrize("encoding", [None, 8, b"utf-8"])
def test_an_encoding_that_is_no_name_is_refused_showing_it(log, encoding):
    with pytest.raises(RecstackError, match=r"^encoding must be the name of a text encoding "
                                            r"such as 'utf-8' or 'latin-1', got "):
        load_table(log, encoding=encoding)


@pytest.mark.parametrize("encoding", ["utf8", "UTF-8", "latin1", "utf_8", "cp1252"])
def test_the_other_spellings_python_knows_still_read_the_file(log, encoding):
    assert len(load_table(log, encoding=encoding)) == 1

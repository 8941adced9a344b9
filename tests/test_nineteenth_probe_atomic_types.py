"""Nineteenth bad-input probe, ``recstack.atomic``: a value of the wrong kind to write
(bytes for text, text for bytes, a number) or a writer that is not a function failed with
Python's TypeError from inside the write. Each test failed before its fix."""

from __future__ import annotations

import pytest

from recstack.atomic import write_bytes, write_text, write_with
from recstack.errors import RecstackError


def _left(folder):
    return sorted(p.name for p in folder.iterdir())


@pytest.mark.parametrize("value, says", [
    (5, r"write_text takes text \(str\), got int; use write_bytes for bytes$"),
    (b"x", r"write_text takes text \(str\), got bytes; use write_bytes for bytes$"),
])
def test_write_text_refuses_what_is_not_text(tmp_path, value, says):
    target = tmp_path / "out.txt"
    with pytest.raises(RecstackError, match=rf"^{target}: " + says):
        write_text(target, value)
    assert _left(tmp_path) == []


def test_write_bytes_refuses_text_pointing_to_write_text(tmp_path):
    target = tmp_path / "out.bin"
    with pytest.raises(RecstackError, match=rf"^{target}: write_bytes takes bytes, got str; "
                                            r"use write_text for text$"):
        write_bytes(target, "x")
    assert _left(tmp_path) == []


def test_write_with_refuses_a_writer_that_is_not_a_function(tmp_path):
    target = tmp_path / "out.txt"
    with pytest.raises(RecstackError, match=rf"^{target}: write_with takes a function"):
        write_with(target, "text")
    assert _left(tmp_path) == []


def test_the_right_kinds_are_written(tmp_path):
    write_text(tmp_path / "a.txt", "é")
    write_bytes(tmp_path / "b.bin", bytearray(b"\x00\x01"))
    assert (tmp_path / "a.txt").read_bytes() == b"\xc3\xa9"
    assert (tmp_path / "b.bin").read_bytes() == b"\x00\x01"
    assert _left(tmp_path) == ["a.txt", "b.bin"]

"""check_output_file called from Python accepted names that ``--out`` refuses as typed: one
ending in a dot or a space (``a.csv.``, another file than ``a.csv``, which some file
systems silently rename to it), starting with a space, or naming a folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from recstack.errors import RecstackError
from recstack.experiment import check_output_file


@pytest.fixture(autouse=True)
def _in_empty_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)


@pytest.mark.parametrize(("out", "message"), [
    ("a.csv.", "out: 'a.csv.' ends with a dot, which makes it another file than 'a.csv'; "
               "write it without: 'a.csv'"),
    (Path("a.csv."), "out: 'a.csv.' ends with a dot, which makes it another file than "
                     "'a.csv'; write it without: 'a.csv'"),
    ("sub/a.csv..", "out: 'sub/a.csv..' ends with a dot, which makes it another file than "
                    "'sub/a.csv'; write it without: 'sub/a.csv'"),
    ("a.csv ", "out: 'a.csv ' ends with a space, which makes it another file than 'a.csv'; "
               "write it without: 'a.csv'"),
    (" a.csv", "out: ' a.csv' starts with a space, which makes it another file than "
               "'a.csv'; write it without: 'a.csv'"),
    ("sub/", "out: 'sub/' ends with '/', so it names a folder, but a file is written here; "
             "give the file's name, e.g. sub/output.csv"),
    ("...", "out: '...' is no file name (only dots and spaces), but a file is written "
            "here; give the file's name, e.g. output.csv"),
])
def test_a_name_the_command_line_refuses_is_refused(out, message):
    with pytest.raises(RecstackError) as caught:
        check_output_file(out, overwrite=False)
    assert str(caught.value) == message
    assert list(Path.cwd().iterdir()) == []  # nothing made


def test_the_suggested_name_is_the_callers():
    with pytest.raises(RecstackError, match=r"e\.g\. sub/tuned\.toml$"):
        check_output_file("sub/", overwrite=False, example="tuned.toml")


def test_an_overwrite_does_not_let_a_trailing_dot_through():
    Path("a.csv").write_text("x")
    with pytest.raises(RecstackError, match="ends with a dot"):
        check_output_file("a.csv.", overwrite=True)


@pytest.mark.parametrize("out", ["a.csv", "sub/a.csv", "a..csv", "a.tuned.toml",
                                 Path("sub") / "b.html"])
def test_plain_names_pass(out):
    assert check_output_file(out, overwrite=False) == Path(out)

"""Mends of a review of the CSV reader's checks of round 56: the check for a quote closing
before its value's end reads the file's record starts in one pass (it re-read the file from
line 1 for every line inside a quoted review that began with ``""word""``), and the warning
of text ids trimmed into one id runs only where the ids stay text (``5`` and `` 5`` are the
integer 5) and builds Python objects only for the rows trimming touched. Expected lines and
rows are counted by hand from the fixtures."""

from __future__ import annotations

import warnings
from pathlib import Path

import pyarrow as pa
import pytest

from recstack.data import files
from recstack.data.files import DelimitedLayout, ids_from_text, load_table
from recstack.data.interactions import LookalikeIdWarning
from recstack.errors import DataFormatError

HEADER = "user_id,item_id,review,rating\n"


def _review(user: int) -> str:
    # a quoted review over three lines: its inner lines open with '""' and hold a quote
    # between two letters, the shape a raw quote closing early has at a record's start
    return f'{user},{user % 7},"great\n""word"" said x,\n""more"" text",4\n'


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8", newline="")
    return path


def _count_record_spans(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    exact_reader = files._record_spans

    def counted(*args, **kwargs):
        calls.append(1)
        return exact_reader(*args, **kwargs)

    monkeypatch.setattr(files, "_record_spans", counted)
    return calls


def test_suspect_lines_inside_reviews_are_checked_in_one_pass(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _write(tmp_path / "reviews.csv", HEADER + "".join(map(_review, range(200))))
    calls = _count_record_spans(monkeypatch)
    # 400 suspect lines (two per review), none starting a record: nothing refused
    files._refuse_text_after_closing_quote(
        path, DelimitedLayout(","), ["user_id", "item_id", "review", "rating"],
        ["user_id", "item_id"])
    assert len(calls) <= 1


def test_a_load_reads_no_more_passes_for_more_reviews(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _count_record_spans(monkeypatch)
    passes = []
    for reviews in (5, 150):
        path = _write(tmp_path / f"reviews{reviews}.csv",
                      HEADER + "".join(map(_review, range(reviews))))
        calls.clear()
        data = load_table(path)
        assert data.users.external_ids.tolist() == list(range(reviews))
        passes.append(len(calls))
    assert passes[1] == passes[0]


def test_a_raw_quote_after_many_reviews_is_still_refused_at_its_line(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # 50 reviews of three lines after the header: the next record starts on line 152
    path = _write(tmp_path / "reviews.csv", HEADER + "".join(map(_review, range(50)))
                  + '9,"Weird Al" Yankovic,fine,3\n')
    calls = _count_record_spans(monkeypatch)
    with pytest.raises(DataFormatError) as caught:
        files._refuse_text_after_closing_quote(
            path, DelimitedLayout(","), ["user_id", "item_id", "review", "rating"],
            ["user_id", "item_id"])
    assert (caught.value.line, caught.value.column) == (152, "item_id")
    assert len(calls) <= 1
    with pytest.raises(DataFormatError) as loaded:
        load_table(path)
    assert (loaded.value.line, loaded.value.column) == (152, "item_id")
    assert "quoting=False" in loaded.value.expected


def test_integer_ids_spaced_differently_are_not_warned_of(tmp_path: Path) -> None:
    path = _write(tmp_path / "ratings.csv", "user_id,item_id\n1,5\n2, 5\n 3,6\n3,6 \n")
    with warnings.catch_warnings():
        warnings.simplefilter("error", LookalikeIdWarning)
        data = load_table(path)
    assert data.items.external_ids.tolist() == [5, 6]
    assert data.users.external_ids.tolist() == [1, 2, 3]


def test_text_ids_trimmed_into_one_are_warned_of_by_their_lines(tmp_path: Path) -> None:
    # ' a' on line 5 and 'a' on line 7 (the header is line 1): the rows before them are
    # not handed to the warning, whose lines must still be the file's
    path = _write(tmp_path / "ratings.csv",
                  'user_id,item_id\nx,1\ny,2\nz,3\n" a",4\nb,5\na,6\n')
    with pytest.warns(LookalikeIdWarning) as caught:
        data = load_table(path)
    assert sorted(data.users.external_ids.tolist()) == ["a", "b", "x", "y", "z"]
    said = [str(warning.message) for warning in caught]
    assert len(said) == 1
    assert "column 'user_id'" in said[0]
    assert "' a' (line 5) and 'a' (line 7)" in said[0]


def test_ids_from_text_names_rows_of_the_whole_column() -> None:
    column = pa.chunked_array([["x", "y"], ["\ta", "b", "a"]])
    with pytest.warns(LookalikeIdWarning, match=r"'\\ta' \(row 2\) and 'a' \(row 4\)"):
        ids = ids_from_text(column, "user_id")
    assert ids.tolist() == ["x", "y", "a", "b", "a"]


def test_only_rows_trimming_touched_become_python_objects(
        monkeypatch: pytest.MonkeyPatch) -> None:
    handed: list[list[str]] = []

    def record(given, trimmed, subject, **_):
        handed.append(given.to_pylist())

    monkeypatch.setattr(files, "warn_of_ids_merged_by_trimming", record)
    ids_from_text(pa.chunked_array([[f"u{i}" for i in range(1000)]]), "user_id")
    assert handed == []  # no id held surrounding whitespace: no object array at all
    ids_from_text(pa.chunked_array([[f"u{i}" for i in range(1000)] + [" u7"]]), "user_id")
    assert handed == [["u7", " u7"]]

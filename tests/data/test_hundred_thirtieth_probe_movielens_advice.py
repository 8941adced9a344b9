"""Hundred-thirtieth probe, advice load_movielens cannot follow.

``load_movielens`` reads its files with the readers ``load_table`` uses, and passed their
advice on: a ``u.item`` saved with a UTF-8 byte-order mark in front of its latin-1 text was
"not latin-1 (expected encoding='utf-8' (the default: leave encoding out))", and a UTF-16
file, a NUL byte or a ``;``-separated ``ratings.csv`` were told to pass ``encoding=`` or
``separator=``: options ``load_movielens`` does not have. The advice now names what the
file must be (the release's own file), and a mark in front of latin-1 bytes is refused as
a file in two encodings, at the line of the first byte that is not UTF-8."""

from __future__ import annotations

import codecs
import inspect
import re

import pytest

from recstack.data.files import load_table
from recstack.data.movielens import load_movielens
from recstack.errors import DataFormatError

_RATINGS_CSV = "userId,movieId,rating,timestamp\n1,1,4.5,964982703\n1,2,4.0,964982704\n"
_MOVIES_CSV = "movieId,title,genres\n1,Toy Story (1995),Animation|Comedy\n2,Heat (1995),Action\n"
_RATINGS_BYTES, _MOVIES_BYTES = _RATINGS_CSV.encode(), _MOVIES_CSV.encode()
# the options of load_table that load_movielens lacks, read from the two signatures
_NOT_OPTIONS = sorted(set(inspect.signature(load_table).parameters)
                      - set(inspect.signature(load_movielens).parameters))


def _csv_release(folder, ratings=_RATINGS_BYTES, movies=_MOVIES_BYTES):
    folder.mkdir()
    (folder / "ratings.csv").write_bytes(ratings)
    (folder / "movies.csv").write_bytes(movies)
    return folder


def _refusal(folder) -> DataFormatError:
    with pytest.raises(DataFormatError) as refused:
        load_movielens(folder)
    return refused.value


def _assert_no_option_named(error: DataFormatError) -> None:
    for option in _NOT_OPTIONS:
        assert f"{option}=" not in str(error), (option, str(error))


def test_a_byte_order_mark_before_latin1_text_is_a_file_in_two_encodings(
        tmp_path, write_tiny_ml100k):
    folder = write_tiny_ml100k(tmp_path / "ml-100k")
    item = folder / "u.item"
    item.write_bytes(codecs.BOM_UTF8 + item.read_bytes())
    error = _refusal(folder)
    # "Café" (latin-1 byte 0xE9) is on the first line of the tiny u.item
    assert str(error) == (
        f"{item}:1: starts with a UTF-8 byte-order mark, but holds bytes that are not UTF-8 "
        "(e9): the file mixes two encodings (expected the file in one encoding: saved as "
        "UTF-8 throughout, or as latin-1 without the byte-order mark)")


@pytest.mark.parametrize(("name", "edit"), [
    ("u.item", lambda raw: raw.decode("latin-1").encode("utf-16")),
    ("u.item", lambda raw: raw.decode("latin-1").encode("utf-16-le")),
    ("u.data", lambda raw: raw.decode("latin-1").encode("utf-16")),
    ("u.user", lambda raw: raw[:10] + b"\x00" + raw[10:]),
])
def test_advice_for_a_file_in_another_encoding_names_no_option_of_load_table(
        tmp_path, write_tiny_ml100k, name, edit):
    folder = write_tiny_ml100k(tmp_path / "ml-100k")
    (folder / name).write_bytes(edit((folder / name).read_bytes()))
    error = _refusal(folder)
    assert error.file == str(folder / name)
    _assert_no_option_named(error)
    assert error.expected.startswith("the release's file as it ships")
    assert "load_table" in error.expected  # where a file of one's own is read


def test_a_ratings_csv_with_another_separator_names_no_separator_option(tmp_path):
    folder = _csv_release(tmp_path / "ml-latest-small",
                          ratings=_RATINGS_CSV.replace(",", ";").encode())
    error = _refusal(folder)
    _assert_no_option_named(error)
    assert str(error) == (f"{folder / 'ratings.csv'}:1: the header is one column, "
                          "'userId;movieId;rating;timestamp': its fields seem to be separated "
                          "by ';', not ',' (expected fields separated by ',')")


def test_a_json_ratings_file_is_not_told_to_become_parquet(tmp_path):
    folder = _csv_release(tmp_path / "ml-latest-small", ratings=b'{"userId": 1}\n')
    error = _refusal(folder)
    _assert_no_option_named(error)
    assert "to_parquet" not in str(error)
    assert re.search(r"holds JSON lines, not delimited text", str(error))


def test_the_release_files_as_shipped_still_load(tmp_path, write_tiny_ml100k):
    # the tiny 100K is latin-1 without a mark, and a csv release UTF-8 with one
    assert len(load_movielens(write_tiny_ml100k(tmp_path / "ml-100k"))) == 5
    folder = _csv_release(tmp_path / "ml-latest-small",
                          movies=codecs.BOM_UTF8 + _MOVIES_CSV.encode())
    assert len(load_movielens(folder)) == 2

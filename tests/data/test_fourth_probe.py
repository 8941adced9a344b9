"""Bad inputs of the fourth probe (files a new user gets wrong).

Each test failed before its fix; expected values are worked by hand from the few rows
written in each test.
"""

from __future__ import annotations

import bz2
import datetime
import gzip
import io
import lzma
import os
import re
import zipfile
from decimal import Decimal
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from recstack.cli import main
from recstack.data.adjacency import load_adjacency_splits
from recstack.data.files import load_table
from recstack.data.movielens import detect_variant, load_movielens
from recstack.data.side_table import read_side_table
from recstack.errors import DataFormatError, RecstackError


def _write(tmp_path: Path, name: str, data: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.write_bytes(data)
    return path


# ------------------------------------------------------------- a header repeated mid-file
@pytest.mark.parametrize("text", [
    # text ids only: the second header was read as user 'user_id' rating item 'item_id'
    "user_id,item_id\na,b\nuser_id,item_id\nc,d\n",
    # ids and an inferred timestamp column, the header at the end, blanks around names
    "user_id,item_id,timestamp\na,b,2020-01-01\n user_id , item_id ,timestamp\n",
    # a number column: was "found 'value' (expected a number)"
    "user_id,item_id,value\n1,2,3\nuser_id,item_id,value\n4,5,6\n",
])
def test_a_header_repeated_mid_file_is_refused_at_its_line(tmp_path, text):
    path = _write(tmp_path, "joined.csv", text)
    with pytest.raises(DataFormatError, match=r"joined\.csv:3: the header line is repeated "
                                              r"here .*one header line, at the top"):
        load_table(path)


def test_a_row_naming_one_column_is_still_data(tmp_path):
    # a user called 'user_id' is odd but not a header: the item is not 'item_id'
    path = _write(tmp_path, "odd.csv", "user_id,item_id\nuser_id,x\nb,item_id\n")
    data = load_table(path)
    assert data.to_frame()[["user_id", "item_id"]].values.tolist() == [
        ["user_id", "x"], ["b", "item_id"]]


# ------------------------------------------------ content that is not what the name says
_LOG = "user_id,item_id\na,b\n"


def _zip(name: str, text: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(name, text)
    return buffer.getvalue()


@pytest.mark.parametrize(("name", "data", "message"), [
    # each was "the header holds bytes that are not valid utf-8 text"
    ("log.csv", gzip.compress(_LOG.encode(), mtime=0),
     r"log\.csv: holds gzip-compressed data, but its name does not end in \.gz "
     r"\(expected the name log\.csv\.gz"),
    ("log.tsv", bz2.compress(_LOG.encode()),
     r"holds bzip2-compressed data, but its name does not end in \.bz2"),
    ("log.csv", _LOG.encode("utf-16"),
     r"log\.csv: is UTF-16 text \(it starts with a UTF-16 byte-order mark\), not utf-8 "
     r"\(expected encoding='utf-16'"),
    ("log.csv", _LOG.encode("utf-32"), r"is UTF-32 text .* \(expected encoding='utf-32'"),
    # was "cannot tell the format from the extension .zip / .csv.xz"
    ("log.csv.zip", _zip("log.csv", _LOG), r"log\.csv\.zip: is a zip archive, which "
                                             r"recstack does not unpack"),
    ("log.csv.xz", lzma.compress(_LOG.encode()), r"is xz-compressed data, which recstack "
                                                  r"does not unpack"),
    # was pyarrow's "Parquet magic bytes not found in footer"
    ("log.parquet", _LOG.encode(), r"log\.parquet: holds text, not Parquet data"),
    ("log.parquet.gz", gzip.compress(b"PAR1 whatever", mtime=0),
     r"holds gzip-compressed data, not Parquet \(expected the file decompressed"),
])
def test_content_that_is_not_what_the_name_says_is_named(tmp_path, name, data, message):
    with pytest.raises(DataFormatError, match=message):
        load_table(_write(tmp_path, name, data))


def test_text_that_only_starts_like_a_bzip2_header_is_read(tmp_path):
    path = _write(tmp_path, "log.csv", "BZh9,item_id\nu,i\n")
    assert load_table(path, user_col="BZh9").to_frame()["user_id"].tolist() == ["u"]


def test_utf16_named_as_such_and_compressed_files_named_as_such_are_read(tmp_path):
    assert len(load_table(_write(tmp_path, "a.csv", _LOG.encode("utf-16")),
                          encoding="utf-16")) == 1
    assert len(load_table(_write(tmp_path, "a.csv.gz", gzip.compress(_LOG.encode())))) == 1


def test_a_compressed_adjacency_file_is_named_as_compressed(tmp_path):
    # was "'\x1f\ufffd\x08...' is not an integer id (character 1)"
    _write(tmp_path, "train.txt", gzip.compress(b"0 1 2\n"))
    _write(tmp_path, "test.txt", "0 3\n")
    with pytest.raises(DataFormatError, match=r"train\.txt: holds gzip-compressed data, not "
                                              r"text \(expected the file decompressed\)"):
        load_adjacency_splits(tmp_path)


@pytest.mark.parametrize(("name", "data", "message"), [
    ("items.csv", gzip.compress(b"item_id,title\n1,x\n", mtime=0), r"holds gzip-compressed data"),
    ("items.csv", "item_id,title\n1,x\n".encode("utf-16"), r"is UTF-16 text"),
    ("items.parquet", b"item_id,title\n1,x\n", r"holds text, not Parquet data"),
])
def test_a_side_table_that_is_not_what_its_name_says_is_named(tmp_path, name, data, message):
    with pytest.raises(DataFormatError, match=rf"{name.replace('.', '[.]')}: {message}"):
        read_side_table(_write(tmp_path, name, data))


# --------------------------------------------- links that loop or lead nowhere, and pipes
def _odd_paths(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    loop = tmp_path / "loop.csv"
    os.symlink(tmp_path / "back.csv", loop)
    os.symlink(loop, tmp_path / "back.csv")
    dangling = tmp_path / "dangling.csv"
    os.symlink(tmp_path / "gone.csv", dangling)
    pipe = tmp_path / "pipe.csv"
    os.mkfifo(pipe)
    return {"loop": (loop, r"is a symbolic link that loops \(it leads back to itself\)"),
            "dangling": (dangling, r"is a symbolic link to '.*gone\.csv', which does not "
                                   r"exist"),
            "pipe": (pipe, r"not a regular file \(a pipe, socket or device\)")}


@pytest.mark.parametrize("kind", ["loop", "dangling", "pipe"])
def test_a_path_that_is_no_file_is_named_for_what_it_is(tmp_path, kind):
    path, message = _odd_paths(tmp_path)[kind]
    # load_table said "no such file" for a link; the adjacency reader "does not exist"
    with pytest.raises(RecstackError, match=rf"{path.name}: {message}"):
        load_table(path)
    with pytest.raises(RecstackError, match=rf"{path.name}: the train file: {message}"):
        load_adjacency_splits({"train": path, "test": path})
    with pytest.raises(RecstackError, match=rf"{path.name}: {message}"):
        read_side_table(path)


@pytest.mark.parametrize("kind", ["loop", "dangling", "pipe"])
def test_the_cli_names_a_source_path_that_is_no_file(tmp_path, capsys, kind):
    # a looping link was a RuntimeError traceback from Path.resolve()
    path, message = _odd_paths(tmp_path)[kind]
    assert main(["data", "info", str(path)]) == 2
    assert re.fullmatch(rf"recstack: error: .*{path.name}: {message}\n",
                        capsys.readouterr().err)


# ------------------------------------------------- Parquet columns of database-like types
def _parquet(tmp_path: Path, **columns: pa.Array) -> Path:
    path = tmp_path / "log.parquet"
    pq.write_table(pa.table(columns), path)
    return path


def test_decimal_and_category_ratings_are_read_as_numbers(tmp_path):
    # both were "holds decimal128(3, 2) values / dictionary<...> values (expected numbers)"
    ratings = [Decimal("4.50"), Decimal("3.00"), Decimal("1.25")]
    path = _parquet(tmp_path, user_id=pa.array([1, 2, 3]), item_id=pa.array([7, 8, 9]),
                    value=pa.array(ratings, pa.decimal128(3, 2)))
    assert load_table(path).value.tolist() == [4.5, 3.0, 1.25]
    path = _parquet(tmp_path, user_id=pa.array([1, 2, 3]), item_id=pa.array([7, 8, 9]),
                    value=pa.array([5.0, 1.0, 5.0]).dictionary_encode())
    assert load_table(path).value.tolist() == [5.0, 1.0, 5.0]


def test_whole_decimal_ids_are_integers_and_others_are_refused_at_their_row(tmp_path):
    items = pa.array([7, 8, 9])
    path = _parquet(tmp_path, user_id=pa.array([Decimal(10), Decimal(-2), Decimal(10)],
                                               pa.decimal128(20, 0)), item_id=items)
    data = load_table(path)
    ids = data.users.external_ids
    assert ids.tolist() == [-2, 10] and ids.dtype == np.int64
    path = _parquet(tmp_path, user_id=pa.array([Decimal("1.0"), Decimal("2.5"), Decimal("3")],
                                               pa.decimal128(5, 1)), item_id=items)
    with pytest.raises(DataFormatError, match=r"log\.parquet: column 'user_id': row 2: found "
                                              r"2\.5, not a whole number within int64"):
        load_table(path)
    path = _parquet(tmp_path, user_id=pa.array([Decimal(1), Decimal(2**63)],
                                               pa.decimal128(38, 0)), item_id=items[:2])
    with pytest.raises(DataFormatError, match=r"row 2: found 9223372036854775808, not a whole "
                                              r"number within int64"):
        load_table(path)


@pytest.mark.parametrize(("times", "what"), [
    (pa.array([datetime.time(1, 2)] * 2), r"times of day without a date \(time64\[us\]\), "
                                          r"such as 01:02:00"),
    (pa.array([datetime.timedelta(days=1)] * 2), r"durations, not points in time"),
])
def test_times_of_day_and_durations_are_not_taken_for_timestamps(tmp_path, times, what):
    # were "cannot read '01:02:00' as a time (expected a Unix timestamp ... or ISO-8601)"
    path = _parquet(tmp_path, user_id=pa.array([1, 2]), item_id=pa.array([7, 8]),
                    timestamp=times)
    with pytest.raises(DataFormatError, match=rf"log\.parquet: column 'timestamp': row 1: "
                                              rf"holds {what}"):
        load_table(path)


def test_decimal_unix_seconds_are_read(tmp_path):
    path = _parquet(tmp_path, user_id=pa.array([1, 2]), item_id=pa.array([7, 8]),
                    timestamp=pa.array([Decimal("1577836800.5"), Decimal("1577836801")],
                                       pa.decimal128(12, 1)))
    assert load_table(path).timestamp.tolist() == [1_577_836_800, 1_577_836_801]


@pytest.mark.parametrize(("options", "named"), [
    ({"separator": ";"}, "separator applies"),
    ({"column_names": ["u", "i"]}, "column_names applies"),
    ({"separator": "\t", "column_names": ["u", "i"]}, "separator and column_names apply"),
])
def test_text_options_given_for_a_parquet_file_are_refused(tmp_path, options, named):
    # they were ignored without a word
    path = _parquet(tmp_path, user_id=pa.array([1]), item_id=pa.array([2]))
    with pytest.raises(RecstackError, match=rf"log\.parquet: {named} to CSV/TSV text files; a "
                                            r"Parquet file records its own columns"):
        load_table(path, **options)


# ---------------------------------------------------------- MovieLens folders mixed up
def _movielens_csv(folder: Path) -> Path:
    folder.mkdir()
    (folder / "ratings.csv").write_text("userId,movieId,rating,timestamp\n1,1,4.5,978300760\n")
    (folder / "movies.csv").write_text('movieId,title,genres\n1,"Heat, the (1995)",Action\n')
    return folder


def test_a_folder_holding_two_releases_is_refused_naming_both(tmp_path):
    # u.data won silently: the ratings.csv meant (perhaps) was never read
    folder = _movielens_csv(tmp_path / "mixed")
    (folder / "u.data").write_text("1\t1\t5\t874965758\n")
    (folder / "u.item").write_text("1|Toy Story (1995)|01-Jan-1995||url|0|0\n")
    with pytest.raises(DataFormatError, match=r"mixed: holds the ratings files of more than "
                                              r"one MovieLens release \(u\.data and "
                                              r"ratings\.csv\)"):
        load_movielens(folder)


def test_the_folder_name_chooses_only_among_releases_of_the_files_layout(tmp_path):
    # CSV files in a folder named ml-100k were taken for 100K ("u.data is missing")
    data = load_movielens(_movielens_csv(tmp_path / "ml-100k"))
    assert data.rating_range == (0.5, 5.0) and data.value.tolist() == [4.5]
    assert data.item_table["title"].tolist() == ["Heat, the (1995)"]


def test_ml_1m_without_users_dat_is_still_1m(tmp_path):
    # it was read as 10M: ratings 0.5..5 and 10M's name in every report
    folder = tmp_path / "ml-1m"
    folder.mkdir()
    (folder / "ratings.dat").write_text("1::1::5::978300760\n")
    (folder / "movies.dat").write_text("1::Toy Story (1995)::Animation\n", encoding="latin-1")
    assert detect_variant(folder) == "1m"
    assert load_movielens(folder).rating_range == (1.0, 5.0)


# ---------------------------------------------------------------- names that are not UTF-8
@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_a_file_name_that_is_not_utf8_is_named_as_the_problem(tmp_path, suffix):
    # it was "cannot be read as utf-8 text ('utf-8' codec can't encode character
    # '\udce9'...)", blaming the file's content for the bytes of its name
    path = tmp_path / os.fsdecode(b"caf\xe9" + suffix.encode())
    if suffix == ".csv":
        path.write_text(_LOG)
    else:
        buffer = io.BytesIO()
        pq.write_table(pa.table({"user_id": [1], "item_id": [2]}), buffer)
        path.write_bytes(buffer.getvalue())
    with pytest.raises(RecstackError, match=r"caf\\xe9\.\w+: the file's name \(or its "
                                            r"folder's\) holds bytes that are not UTF-8 text"):
        load_table(path)


@pytest.mark.parametrize(("data", "message"), [
    # was an item id '2\x00'
    (b"user_id,item_id\n1,2\x00\n", r"log\.csv:2: holds a NUL byte \(code 0\) at character 4"),
    # were "no column 'user_id'; the columns are: 'u\x00s\x00e\x00r...'"
    (_LOG.encode("utf-16-le"), r"looks like UTF-16 text without a byte-order mark .*"
                               r"\(expected encoding='utf-16-le'"),
    (_LOG.encode("utf-16-be"), r"\(expected encoding='utf-16-be'"),
    (_LOG.encode("utf-32-le"), r"log\.csv:1: holds a NUL byte"),
])
def test_nul_bytes_in_a_text_file_are_refused_with_their_likely_cause(tmp_path, data,
                                                                       message):
    with pytest.raises(DataFormatError, match=message):
        load_table(_write(tmp_path, "log.csv", data))


def test_utf16_without_a_mark_is_read_in_its_named_encoding(tmp_path):
    path = _write(tmp_path, "log.csv", _LOG.encode("utf-16-le"))
    assert load_table(path, encoding="utf-16-le").to_frame()["user_id"].tolist() == ["a"]


@pytest.mark.parametrize(("times", "shown"), [
    (pa.array([253_402_300_800_000 * 10, 0], pa.timestamp("ms")),
     r"found 2534023008000000 \(timestamp\[ms\]\), outside the years 1 to 9999"),
    (pa.array([-62_135_596_800_000 * 2, 0], pa.timestamp("ms", tz="UTC")),
     r"found -124271193600000 \(timestamp\[ms, tz=UTC\]\), outside the years 1 to 9999"),
    (pa.array([3_000_000, 0], pa.date32()), r"found 3000000 \(date32\[day\]\)"),
])
def test_typed_times_beyond_the_calendar_are_refused_at_their_row(tmp_path, times, shown):
    # the message's own rendering of the value was an OverflowError traceback
    path = _parquet(tmp_path, user_id=pa.array([1, 2]), item_id=pa.array([7, 8]),
                    timestamp=times)
    with pytest.raises(DataFormatError, match=rf"log\.parquet: column 'timestamp': row 1: "
                                              rf"{shown}"):
        load_table(path)


def test_a_byte_order_mark_on_a_blank_first_line_is_not_a_header(tmp_path):
    # the header was read as one column named '' ("no column 'user_id'; the columns are: ''")
    path = _write(tmp_path, "log.csv", "\ufeff\n\nuser_id,item_id\na,b\n")
    assert load_table(path).to_frame()[["user_id", "item_id"]].values.tolist() == [["a", "b"]]
    path = _write(tmp_path, "bad.csv", "\ufeff\n\nuser_id,item_id\na,b\nc,\n")
    with pytest.raises(DataFormatError, match=r"bad\.csv:5: column 'item_id': found an empty"):
        load_table(path)


def test_a_dat_folder_with_another_name_and_neither_users_nor_tags_is_told_by_its_size(
        tmp_path):
    # it was 10M whenever users.dat was missing: 1M's ratings read with 10M's 0.5..5 range
    folder = tmp_path / "my-ratings"
    folder.mkdir()
    (folder / "ratings.dat").write_text("1::1::5::978300760\n")
    (folder / "movies.dat").write_text("1::Toy Story (1995)::Animation\n", encoding="latin-1")
    assert detect_variant(folder) == "1m"
    (folder / "tags.dat").write_text("15::1::dark hero::1215184630\n")
    assert detect_variant(folder) == "10m"
    (folder / "tags.dat").unlink()
    with (folder / "ratings.dat").open("ab") as ratings:  # sparse: 10M's size, no bytes
        ratings.truncate(300 * 2**20)
    assert detect_variant(folder) == "10m"

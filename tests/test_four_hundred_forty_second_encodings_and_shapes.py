"""Data in unusual encodings and shapes: text a file cannot hold (lone surrogates, bytes
that are not UTF-8) is refused before anything is written, naming the column and the row;
Parquet text columns holding bytes that are not UTF-8 are refused naming column and row;
part files that hold one column in a dictionary-encoded and a plain form are read as one
table; an encoding given for Parquet is refused rather than ignored; and the line of bad
bytes or a NUL is counted as every reader counts lines (LF, CRLF or a lone CR).

Expected values are written out by hand; what comes back from a file is read with pyarrow
or the csv module directly where the writer under test produced it.
"""

from __future__ import annotations

import csv
import dataclasses

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from recstack.data.files import load_table, save_table
from recstack.data.interactions import Interactions
from recstack.data.partitioned import write_partitioned
from recstack.data.side_table import read_side_table
from recstack.errors import ConfigError, DataFormatError, RecstackError

#: text with a lone surrogate, as ``os.fsdecode`` or ``errors="surrogateescape"`` leave it
HALF = "caf\udce9"

#: 2020-01-01, 2020-01-02 and 2020-02-01 00:00 UTC
TIMES = [1577836800, 1577923200, 1580515200]


def _with_context(context: pd.DataFrame) -> Interactions:
    base = Interactions.from_arrays(["u1", "u2", "u3"], ["i1", "i2", "i3"], timestamps=TIMES)
    return dataclasses.replace(base, context=context)


def _object_column(values: list) -> pd.Series:
    # pandas' own text type (pyarrow-backed) cannot even hold a lone surrogate
    return pd.Series(values, dtype=object)


# ------------------------------------------------------------------ lone surrogates

@pytest.mark.parametrize("name", ["out.parquet", "out.csv", "out.tsv", "out.csv.gz"])
def test_context_text_with_a_lone_surrogate_is_refused_naming_column_and_row(tmp_path, name):
    # it was UnicodeEncodeError: 'utf-8' codec can't encode character '\udce9' ... (pyarrow)
    data = _with_context(pd.DataFrame({"device": _object_column(["web", HALF, "app"])}))
    target = tmp_path / name
    with pytest.raises(DataFormatError) as caught:
        save_table(data, target)
    message = str(caught.value)
    assert caught.value.column == "device"
    assert "row 2" in message and "lone surrogate" in message and "'\\udce9'" in message
    assert "surrogateescape" in message
    assert not target.exists() and list(tmp_path.iterdir()) == []


def test_partitioned_writer_refuses_context_text_with_a_lone_surrogate(tmp_path):
    data = _with_context(pd.DataFrame({"device": _object_column(["web", "app", HALF])}))
    with pytest.raises(DataFormatError) as caught:
        write_partitioned(data, tmp_path / "parts")
    assert caught.value.column == "device" and "row 3" in str(caught.value)
    assert not (tmp_path / "parts").exists()


def test_a_lone_surrogate_inside_a_list_of_context_is_refused_naming_its_row(tmp_path):
    data = _with_context(pd.DataFrame({"tags": _object_column([["a"], ["b", HALF], []])}))
    with pytest.raises(DataFormatError) as caught:
        save_table(data, tmp_path / "out.parquet")
    assert caught.value.column == "tags"
    assert "row 2" in str(caught.value) and "lone surrogate" in str(caught.value)


def test_a_categorical_context_column_with_a_lone_surrogate_is_refused(tmp_path):
    used = pd.Categorical(_object_column(["web", HALF, "web"]))
    with pytest.raises(DataFormatError) as caught:
        save_table(_with_context(pd.DataFrame({"device": used})), tmp_path / "a.parquet")
    assert caught.value.column == "device" and "row 2" in str(caught.value)
    # a category no row uses is still written into the file's dictionary
    unused = pd.Categorical(_object_column(["web", "web", "web"]),
                            categories=pd.Index(["web", HALF], dtype=object))
    with pytest.raises(DataFormatError) as caught:
        save_table(_with_context(pd.DataFrame({"device": unused})), tmp_path / "b.parquet")
    assert "category number 2" in str(caught.value) and "no row holds" in str(caught.value)


def test_a_context_column_named_with_a_lone_surrogate_is_refused(tmp_path):
    context = pd.DataFrame([[1], [2], [3]], columns=pd.Index([HALF], dtype=object))
    with pytest.raises(DataFormatError) as caught:
        save_table(_with_context(context), tmp_path / "out.parquet")
    assert "lone surrogate" in str(caught.value) and caught.value.file is not None
    assert list(tmp_path.iterdir()) == []


def test_context_text_that_utf8_encodes_is_still_written(tmp_path):
    # the check stops only text UTF-8 cannot encode: a surrogate pair's character is fine
    data = _with_context(pd.DataFrame({"device": _object_column(["web", "😀", "café"])}))
    save_table(data, tmp_path / "out.parquet")
    assert pq.read_table(tmp_path / "out.parquet").column("device").to_pylist() == [
        "web", "😀", "café"]


# ------------------------------------------------------- bytes written to a text file

def test_context_bytes_that_are_not_utf8_are_refused_for_a_text_file(tmp_path):
    # it was pyarrow's ArrowInvalid: Invalid UTF8 payload, from inside the atomic writer
    data = _with_context(pd.DataFrame({"raw": _object_column([b"a", None, b"caf\xe9"])}))
    with pytest.raises(DataFormatError) as caught:
        save_table(data, tmp_path / "out.csv")
    assert caught.value.column == "raw" and "row 3" in str(caught.value)
    assert "b'caf\\xe9'" in str(caught.value) and ".parquet" in str(caught.value)
    assert list(tmp_path.iterdir()) == []
    # Parquet keeps bytes as they are
    save_table(data, tmp_path / "out.parquet")
    assert pq.read_table(tmp_path / "out.parquet").column("raw").to_pylist() == [
        b"a", None, b"caf\xe9"]


def test_context_bytes_holding_a_line_break_are_refused_before_writing(tmp_path):
    # written, the record ran over two lines and load_table refused the file it was given
    data = _with_context(pd.DataFrame({"raw": _object_column([b"a", b"b\nc", b"d"])}))
    with pytest.raises(RecstackError) as caught:
        save_table(data, tmp_path / "out.csv")
    assert "line break" in str(caught.value) and "row 2" in str(caught.value)
    assert list(tmp_path.iterdir()) == []


def test_context_bytes_of_utf8_text_are_written_as_that_text(tmp_path):
    data = _with_context(pd.DataFrame({"raw": _object_column([b"a,b", "é".encode(), b"c"])}))
    save_table(data, tmp_path / "out.csv")
    with open(tmp_path / "out.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert [row[-1] for row in rows] == ["raw", "a,b", "é", "c"]


# ------------------------------------------------- part folders and dictionary columns

def _part(path, **columns) -> None:
    pq.write_table(pa.table(columns), path)


def test_part_folder_with_a_dictionary_column_beside_a_plain_one_is_one_table(tmp_path):
    # pandas' categories (or Polars' categoricals) in one part, plain text in the next: it
    # was refused as "dictionary<values=string, ...>" against "string"
    folder = tmp_path / "log"
    folder.mkdir()
    _part(folder / "part-00000.parquet",
          user_id=pa.array(["a", "b"]).dictionary_encode(),
          item_id=pa.array([1, 2], pa.int64()).dictionary_encode())
    _part(folder / "part-00001.parquet",
          user_id=pa.array(["c", "a"], pa.large_string()),
          item_id=pa.array([3, 1], pa.int32()))
    frame = load_table(folder).to_frame()
    assert frame["user_id"].tolist() == ["a", "b", "c", "a"]
    assert frame["item_id"].tolist() == [1, 2, 3, 1]


def test_side_table_part_folder_with_a_dictionary_column_beside_a_plain_one(tmp_path):
    folder = tmp_path / "items"
    folder.mkdir()
    _part(folder / "part-00000.parquet", item_id=pa.array(["x", "y"]),
          genre=pa.DictionaryArray.from_arrays(pa.array([0, 1], pa.int8()),
                                               ["Drama", "Comedy"]))
    _part(folder / "part-00001.parquet", item_id=pa.array(["z"]),
          genre=pa.DictionaryArray.from_arrays(pa.array([0], pa.int32()), ["Drama"]))
    table = read_side_table(folder)
    assert table["item_id"].tolist() == ["x", "y", "z"]
    assert table["genre"].tolist() == ["Drama", "Comedy", "Drama"]


def test_part_folder_with_dictionary_text_beside_integers_is_still_refused(tmp_path):
    folder = tmp_path / "log"
    folder.mkdir()
    _part(folder / "part-00000.parquet", user_id=pa.array(["a", "b"]).dictionary_encode(),
          item_id=pa.array(["x", "y"]))
    _part(folder / "part-00001.parquet", user_id=pa.array([1, 2]), item_id=pa.array(["x", "y"]))
    with pytest.raises(DataFormatError) as caught:
        load_table(folder)
    assert caught.value.column == "user_id" and "part-00001.parquet" in str(caught.value)


# ------------------------------------------------------------- encoding and Parquet

@pytest.mark.parametrize("encoding", ["latin-1", "cp1252", "utf-16"])
def test_an_encoding_other_than_utf8_given_for_parquet_is_refused(tmp_path, encoding):
    # it was ignored without a word: Parquet text is UTF-8 whatever was asked
    path = tmp_path / "log.parquet"
    _part(path, user_id=pa.array(["a"]), item_id=pa.array(["caf\u00e9"]))
    with pytest.raises(ConfigError) as caught:
        load_table(path, encoding=encoding)
    assert f"encoding={encoding!r}" in str(caught.value) and "UTF-8" in str(caught.value)
    folder = tmp_path / "parts"
    folder.mkdir()
    _part(folder / "part-0.parquet", user_id=pa.array(["a"]), item_id=pa.array(["b"]))
    _part(folder / "part-1.parquet", user_id=pa.array(["c"]), item_id=pa.array(["d"]))
    with pytest.raises(ConfigError):
        load_table(folder, encoding=encoding)


@pytest.mark.parametrize("encoding", ["utf-8", "UTF8", "utf_8", "utf-8-sig"])
def test_utf8_spelt_any_way_is_accepted_for_parquet(tmp_path, encoding):
    path = tmp_path / "log.parquet"
    _part(path, user_id=pa.array(["a"]), item_id=pa.array(["caf\u00e9"]))
    assert load_table(path, encoding=encoding).to_frame()["item_id"].tolist() == ["café"]


# ------------------------------------------- Parquet text columns holding other bytes

def _unchecked_text(values: list[bytes]) -> pa.Array:
    """A column typed as text holding ``values`` as they are, as a writer that does not
    check its text (a latin-1 export typed as strings) leaves it in a Parquet file."""
    return pa.Array.from_buffers(pa.string(), len(values), pa.array(values).buffers())


def _refusal(call) -> DataFormatError:
    with pytest.raises(DataFormatError) as caught:
        call()
    return caught.value


@pytest.mark.parametrize("column", ["user_id", "item_id", "device"])
def test_parquet_text_that_is_not_utf8_is_refused_naming_column_and_row(tmp_path, column):
    # ids: "cannot be read: Invalid UTF8 sequence in input" (no column, no row);
    # context: pyarrow's ArrowException "Unknown error: Wrapping caf? failed"
    columns = {"user_id": pa.array(["u1", "u2", "u3"]), "item_id": pa.array(["a", "b", "c"]),
               "device": pa.array(["web", "app", "web"])}
    columns[column] = _unchecked_text([b"ok", b"fine", b"caf\xe9"])
    path = tmp_path / "log.parquet"
    pq.write_table(pa.table(columns), path)
    error = _refusal(lambda: load_table(path, context=["device"]))
    assert error.column == column and error.file == str(path)
    assert "row 3" in str(error) and "b'caf\\xe9'" in str(error) and "UTF-8" in str(error)


def test_dictionary_encoded_parquet_text_that_is_not_utf8_names_its_row(tmp_path):
    words = _unchecked_text([b"web", b"caf\xe9"])
    path = tmp_path / "log.parquet"
    pq.write_table(pa.table({
        "user_id": pa.array(["u1", "u2", "u3"]), "item_id": pa.array(["a", "b", "c"]),
        "device": pa.DictionaryArray.from_arrays(pa.array([0, 0, 1], pa.int32()), words)}),
        path)
    error = _refusal(lambda: load_table(path, context=["device"]))
    assert error.column == "device" and "row 3" in str(error)


def test_part_folder_text_that_is_not_utf8_names_the_part_and_its_row(tmp_path):
    folder = tmp_path / "log"
    folder.mkdir()
    _part(folder / "part-00000.parquet", user_id=pa.array(["u1", "u2"]),
          item_id=pa.array(["a", "b"]))
    _part(folder / "part-00001.parquet", user_id=pa.array(["u3", "u4"]),
          item_id=_unchecked_text([b"c", b"\xff"]))
    error = _refusal(lambda: load_table(folder))
    assert error.file == str(folder / "part-00001.parquet")
    assert error.column == "item_id" and "row 2" in str(error)


@pytest.mark.parametrize("column", ["item_id", "title"])
def test_side_table_text_that_is_not_utf8_is_refused_naming_column_and_row(tmp_path, column):
    # it was pyarrow's ArrowInvalid or ArrowException, from pandas' conversion
    columns = {"item_id": pa.array(["a", "b"]), "title": pa.array(["One", "Two"])}
    columns[column] = _unchecked_text([b"x", b"Caf\xe9"])
    path = tmp_path / "items.parquet"
    pq.write_table(pa.table(columns), path)
    error = _refusal(lambda: read_side_table(path))
    assert error.column == column and "row 2" in str(error)
    assert "items file" in str(error)


def test_partitioned_text_that_is_not_utf8_names_the_file_and_its_row(tmp_path):
    from recstack.data.partitioned import read_partitioned

    root = tmp_path / "log"
    for day, items in ((1, pa.array(["a", "b"])), (2, _unchecked_text([b"\xe9t\xe9", b"c"]))):
        folder = root / "year=2020" / "month=1" / f"day={day}"
        folder.mkdir(parents=True)
        start = TIMES[0] + 86400 * (day - 1)
        pq.write_table(pa.table({"user_id": ["u1", "u2"], "item_id": items,
                                 "value": [1.0, 1.0], "timestamp": [start, start + 60]}),
                       folder / "part-0.parquet")
    error = _refusal(lambda: read_partitioned(root))
    assert error.column == "item_id"
    assert "year=2020/month=1/day=2/part-0.parquet, row 1" in str(error)


# ------------------------------------------- line numbers in files of other line ends

def _lines(rows: list[bytes], end: bytes) -> bytes:
    return b"".join(row + end for row in rows)


#: a log whose 4th line (the 3rd record) holds latin-1's e-acute, not UTF-8
LATIN1_ON_LINE_4 = [b"user_id,item_id,value", b"u1,i1,1", b"u2,i2,2", b"u3,caf\xe9,3",
                    b"u4,i4,4"]


@pytest.mark.parametrize("end", [b"\r", b"\r\n", b"\n"])
@pytest.mark.parametrize("name", ["log.csv", "log.csv.gz"])
def test_bytes_not_utf8_are_named_on_their_line_whatever_the_line_ends(tmp_path, end, name):
    # an old Mac file (CR only) was refused at line 1: lines were counted at LF alone,
    # while every other refusal of the same file counts CR as a line end
    import gzip

    data = _lines(LATIN1_ON_LINE_4, end)
    path = tmp_path / name
    path.write_bytes(gzip.compress(data) if name.endswith(".gz") else data)
    assert _refusal(lambda: load_table(path)).line == 4
    side = tmp_path / "items.csv"
    side.write_bytes(_lines([b"item_id,title", b"x,a", b"y,b", b"z,caf\xe9"], end))
    assert _refusal(lambda: read_side_table(side)).line == 4


def test_lines_ending_in_three_ways_in_one_file_are_each_counted_once(tmp_path):
    path = tmp_path / "log.csv"
    path.write_bytes(b"user_id,item_id,value\r\nu1,i1,1\ru2,i2,2\nu3,caf\xe9,3\n")
    assert _refusal(lambda: load_table(path)).line == 4


@pytest.mark.parametrize("end", [b"\r", b"\r\n"])
def test_a_nul_byte_is_named_on_its_line_and_character(tmp_path, end):
    path = tmp_path / "log.csv"
    path.write_bytes(_lines([b"user_id,item_id,value", b"u1,i1,1", b"u2,i2,2",
                             b"u3,caf\x00,3"], end))
    error = _refusal(lambda: load_table(path))
    # 'u3,caf' is six characters: the NUL is the seventh of line 4
    assert error.line == 4 and "at character 7," in str(error)


def test_a_nul_byte_after_letters_beyond_ascii_is_counted_in_characters(tmp_path):
    path = tmp_path / "log.csv"
    path.write_bytes("user_id,item_id\nu1,été\x00\n".encode())
    # 'u1,été' is six characters (eight bytes)
    assert "at character 7," in str(_refusal(lambda: load_table(path)))


def test_a_crlf_cut_by_the_reading_chunks_is_one_line_end(tmp_path):
    from recstack.data.files import first_undecodable

    chunk = 1 << 22  # the bytes first_undecodable reads at a time
    rows = [b"user_id,item_id", *[b"u%08d,i" % n for n in range(1000)]]
    before = len(_lines(rows, b"\r\n"))
    # a last row long enough that its CR is the chunk's last byte, its LF the next's first
    rows.append(b"x" * (chunk - 1 - before))
    rows += [b"u,caf\xe9", b"u,i"]
    data = _lines(rows, b"\r\n")
    assert data[chunk - 1:chunk + 1] == b"\r\n"  # the test's own premise
    path = tmp_path / "log.csv"
    path.write_bytes(data)
    # lines 1 to 1,002: the header, the 1,000 rows and the long one; then the bad one
    assert first_undecodable(path, "utf-8") == (1003, b"\xe9")


def test_the_misread_text_warning_names_the_line_of_an_old_mac_file(tmp_path):
    from recstack.data import MisreadTextWarning

    path = tmp_path / "log.csv"
    path.write_bytes(_lines([b"user_id,item_id", b"u1,i1", b"u2,i2", "u3,café".encode(),
                             b"u4,i4"], b"\r"))
    with pytest.warns(MisreadTextWarning) as warned:
        load_table(path, encoding="latin-1")
    assert str(warned[0].message).startswith(f"{path}:4: 'café' is written in UTF-8")


def test_movielens_mixed_encodings_are_named_on_their_lines_in_an_old_mac_file(tmp_path):
    from recstack.data.movielens import load_movielens

    folder = tmp_path / "ml-1m"
    folder.mkdir()
    (folder / "ratings.dat").write_bytes(b"1::10::5::978300760\r2::20::3::978300761\r")
    (folder / "movies.dat").write_bytes(b"10::H\xc3\xa9at (1995)::Action\r"      # UTF-8
                                        b"20::T\xf6y Story (1995)::Animation\r")  # latin-1
    error = _refusal(lambda: load_movielens(folder))
    assert error.line == 2
    assert "line 1 holds 'é' written as UTF-8" in str(error)
    assert "line 2 bytes that are not UTF-8 (f6)" in str(error)

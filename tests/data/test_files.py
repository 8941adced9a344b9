"""Generic CSV / TSV / Parquet loading with a column mapping, errors, and save_table."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from recstack.data import LookalikeIdWarning, files
from recstack.data.files import load_table, save_table
from recstack.data.interactions import Interactions
from recstack.errors import DataFormatError, RecstackError, UnknownColumnError

LOG = "who,what,stars,when\nu1,i1,4.5,100\nu2,i1,3,200\nu1,i2,1,300\n"


def _file(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _mapping(**extra):
    return {"user_col": "who", "item_col": "what", "value_col": "stars",
            "timestamp_col": "when", **extra}


# ---------------------------------------------------------------------------- reading
def test_csv_with_a_column_mapping(tmp_path):
    data = load_table(_file(tmp_path, "log.csv", LOG), **_mapping(rating_range=(1, 5)))
    assert data.to_frame().values.tolist() == [["u1", "i1", 4.5, 100], ["u2", "i1", 3.0, 200],
                                               ["u1", "i2", 1.0, 300]]
    assert data.rating_range == (1, 5)
    assert data.timestamp.dtype == np.int64


def test_tsv_is_recognised_by_its_extension_and_ids_stay_integers(tmp_path):
    path = _file(tmp_path, "log.tsv", "user_id\titem_id\n7\t70\n8\t70\n7\t71\n")
    data = load_table(path)
    assert data.users.external_ids.tolist() == [7, 8]
    assert data.items.external_ids.dtype.kind == "i"
    assert data.value.tolist() == [1.0, 1.0, 1.0] and data.timestamp is None  # implicit


def test_compressed_csv_and_headerless_file_with_names(tmp_path):
    path = tmp_path / "log.csv.gz"
    path.write_bytes(gzip.compress(b"1,10,5\n2,20,4\n"))
    data = load_table(path, column_names=["u", "i", "r"], user_col="u", item_col="i", value_col="r")
    assert data.to_frame().values.tolist() == [[1, 10, 5.0], [2, 20, 4.0]]


def test_other_extensions_need_sep(tmp_path):
    path = _file(tmp_path, "log.txt", "user_id;item_id\n1;2\n")
    with pytest.raises(RecstackError, match="pass separator="):
        load_table(path)
    assert len(load_table(path, separator=";")) == 1


def test_ids_that_change_type_half_way_are_read_as_text(tmp_path, monkeypatch):
    # ids look like integers in the first block; a text id in a later block must not make
    # the file unreadable (small blocks make "a later block" cheap to reach)
    monkeypatch.setattr(files, "_BLOCK_SIZE", 1 << 12)
    rows = "".join(f"{i},{i % 7}\n" for i in range(5_000)) + "user-x,5\n"
    data = load_table(_file(tmp_path, "log.csv", "user_id,item_id\n" + rows))
    assert len(data) == 5_001
    assert data.users.external_ids.tolist()[-1] == "user-x"  # sorted as text: "999" < "u..."


@pytest.mark.parametrize(("text", "fmt", "expected"), [
    ("100\n200", None, [100, 200]),
    ("2020-01-01T00:00:00\n2020-01-01 00:00:10Z", None, [1577836800, 1577836810]),
    ("2020-01-01T02:00:00+02:00\n2020-01-01", None, [1577836800, 1577836800]),
    ("1577836800500\n1577836801999", "unix", [1577836800, 1577836801]),
    ("31/12/2019 23:59\n01/01/2020 00:00", "%d/%m/%Y %H:%M", [1577836740, 1577836800]),
    ("1577836800.9\n1.5e9", None, [1577836800, 1500000000]),
])
def test_timestamp_formats(tmp_path, text, fmt, expected):
    rows = [f"1,{i},{t}" for i, t in enumerate(text.split("\n"))]
    path = _file(tmp_path, "log.csv", "user_id,item_id,t\n" + "\n".join(rows) + "\n")
    data = load_table(path, timestamp_col="t", timestamp_format=fmt)
    assert data.timestamp.tolist() == expected


def test_duplicates_policy_is_applied(tmp_path):
    path = _file(tmp_path, "log.csv", "user_id,item_id,v\n1,2,1\n1,2,3\n")
    assert load_table(path, value_col="v", duplicates="sum").value.tolist() == [4.0]
    assert len(load_table(path, value_col="v")) == 2  # "keep" by default


# ---------------------------------------------------------------------------- bad input
def _located(path: Path, line: int, column: str, expected: str, **kwargs) -> None:
    with pytest.raises(DataFormatError) as caught:
        load_table(path, **kwargs)
    error = caught.value
    assert (error.file, error.line, error.column) == (str(path), line, column), str(error)
    assert str(error).startswith(f"{path}:{line}: column {column!r}: ")
    assert expected in str(error)
    # no chained traceback behind a user's mistake
    assert error.__cause__ is None and (error.__context__ is None or error.__suppress_context__)


@pytest.mark.parametrize(("bad_row", "column", "expected"), [
    ("u3,i3,5", "when", "the row has 3 field(s) (expected 4 fields separated by ',')"),
    ("u3,i3,five,400", "stars", "found 'five' (expected a number)"),
    ("u3,i3,,400", "stars", "found an empty field (expected a number)"),
    ("u3,i3,nan,400", "stars", "found 'nan' (expected a finite number within"),
    ("u3,i3,inf,400", "stars", "found 'inf' (expected a finite number within"),
    ("u3,i3,4,last tuesday", "when",
     "cannot read 'last tuesday' as a time (expected a Unix timestamp (a number) "
     "or an ISO-8601 date-time"),
    ("u3,i3,6,400", "stars", "found 6 (expected a rating between 1 and 5)"),
    (",i3,4,400", "who", "found an empty field (expected an id)"),
])
def test_bad_rows_are_located(tmp_path, bad_row, column, expected):
    # the bad row is line 5: header, three good rows, then it
    path = _file(tmp_path, "log.csv", LOG + bad_row + "\n" + "u9,i9,2,900\n")
    _located(path, 5, column, expected, **_mapping(rating_range=(1, 5)))


def test_a_row_with_an_extra_field_is_located(tmp_path):
    path = _file(tmp_path, "log.csv", LOG + "u3,i3,5,400,extra\n")
    with pytest.raises(DataFormatError) as caught:
        load_table(path, **_mapping())
    assert (caught.value.file, caught.value.line) == (str(path), 5)
    assert str(caught.value) == (f"{path}:5: the row has 5 field(s) "
                                 "(expected 4 fields separated by ',')")


def test_a_quote_left_open_is_named_with_its_line(tmp_path):
    # one record per line in a ratings file: a quote that runs into the next line is a
    # mistake, and silently reading the rest of the file as one id would lose rows
    # (a quote that closes on a later line is a value holding a line break, named so)
    for text, problem in [
            ('who,what,stars,when\nu1,i1,4,100\n"u\n2",i1,3,200\n', "holds a line break"),
            ('who,what,stars,when\nu1,i1,4,100\n"u2,i1,3,200\nu3,i1,3,300\n',
             "unterminated quote")]:
        path = _file(tmp_path, "log.csv", text)
        with pytest.raises(DataFormatError) as caught:
            load_table(path, **_mapping())
        assert (caught.value.file, caught.value.line) == (str(path), 3)
        assert problem in str(caught.value)


def test_lines_are_counted_across_multi_line_quoted_fields(tmp_path):
    # movies.csv may hold quoted titles over several lines: the bad id is on line 4
    folder = tmp_path / "ml-latest-small"
    folder.mkdir()
    (folder / "ratings.csv").write_text("userId,movieId,rating,timestamp\n1,1,4,100\n")
    (folder / "movies.csv").write_text(
        'movieId,title,genres\n1,"A\nB (1995)",Drama\nx2,"C (1996)",Drama\n')
    from recstack.data.movielens import load_movielens
    with pytest.raises(DataFormatError) as caught:
        load_movielens(folder)
    error = caught.value
    assert (error.file, error.line, error.column) == (str(folder / "movies.csv"), 4, "movieId")


def test_unix_timestamps_asked_for_but_not_given(tmp_path):
    path = _file(tmp_path, "log.csv", LOG.replace("300", "2020-01-01"))
    _located(path, 4, "when", "cannot read '2020-01-01' as a time (expected a Unix timestamp "
             "(a number) in seconds)", **_mapping(timestamp_format="unix", timestamp_unit="s"))


def test_an_unknown_column_lists_the_columns(tmp_path):
    path = _file(tmp_path, "log.csv", LOG)
    with pytest.raises(UnknownColumnError) as caught:
        load_table(path, **_mapping(value_col="rating"))
    message = str(caught.value)
    assert message == (f"{path}: no column 'rating' for values; the columns are: 'who', "
                       "'what', 'stars', 'when'")


def test_an_unknown_timestamp_format_is_refused_before_reading(tmp_path):
    with pytest.raises(RecstackError, match="unknown timestamp_format 'epoch'"):
        load_table(_file(tmp_path, "log.csv", LOG), **_mapping(timestamp_format="epoch"))


def test_parquet_errors_name_the_row(tmp_path):
    path = tmp_path / "log.parquet"
    pq.write_table(pa.table({"u": [1, 2, 3], "i": [1, 1, 2], "r": [1.0, float("inf"), 2.0]}),
                   path)
    with pytest.raises(DataFormatError, match=r"log\.parquet: column 'r': row 2: found 'inf' "
                                              r"\(expected a finite number within"):
        load_table(path, user_col="u", item_col="i", value_col="r")
    with pytest.raises(UnknownColumnError, match="the columns are: 'u', 'i', 'r'"):
        load_table(path, user_col="user")


# ---------------------------------------------------------------------------- save_table
def _sample() -> Interactions:
    return Interactions.from_arrays(np.array(["b", "a", "b"]), np.array([3, 1, 2]),
                                    np.array([4.5, 1.0, 2.0]), np.array([30, 10, 20]),
                                    rating_range=(0.5, 5.0))


def test_save_and_load_round_trip(tmp_path):
    data = _sample()
    path = save_table(data, tmp_path / "log.parquet")
    assert pq.read_schema(path).names == ["user_id", "item_id", "value", "timestamp"]
    back = load_table(path)  # the roles come from the file's metadata
    assert back.to_frame().equals(data.to_frame())
    assert back.rating_range == (0.5, 5.0)


def test_save_table_is_atomic(tmp_path, monkeypatch):
    path = tmp_path / "log.parquet"
    save_table(_sample(), path)
    before = path.read_bytes()

    def broken_writer(table, where, **kwargs):
        Path(where).write_bytes(b"half a file")
        raise OSError("disk full")

    monkeypatch.setattr(files.pq, "write_table", broken_writer)
    with pytest.raises(OSError, match="disk full"):
        save_table(_sample().select(slice(0, 1)), path, overwrite=True)
    assert path.read_bytes() == before  # the old file is intact
    assert sorted(p.name for p in tmp_path.iterdir()) == ["log.parquet"]  # no debris


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 5), st.sampled_from(["x", "y", "z"]),
                          st.floats(1, 5, width=32), st.integers(-2**35, 2**35)),
                min_size=1, max_size=30))
def test_round_trip_property(tmp_path_factory, rows):
    users, items, values, times = (np.array(c) for c in zip(*rows, strict=True))
    data = Interactions.from_arrays(users, items, values, times, rating_range=(1.0, 5.0))
    path = save_table(data, tmp_path_factory.mktemp("rt") / "log.parquet")
    back = load_table(path, value_col="value", timestamp_col="timestamp")
    assert back.to_frame().equals(data.to_frame())


# ---------------------------------------------------------------------------- roles travel
def test_parquet_records_the_column_roles_and_load_table_needs_no_arguments(tmp_path):
    path = save_table(_sample(), tmp_path / "log.parquet")
    roles = json.loads(pq.read_schema(path).metadata[b"recstack"])
    assert roles == {"version": 1, "user": "user_id", "item": "item_id", "value": "value",
                     "timestamp": "timestamp", "value_kind": "explicit",
                     "rating_range": [0.5, 5.0], "timestamp_unit": "s"}
    back = load_table(path)
    assert back.value.tolist() == [1.0, 4.5, 2.0] or back.value.tolist() == [4.5, 1.0, 2.0]
    assert back.timestamp.tolist() == [30, 10, 20] and back.rating_range == (0.5, 5.0)


def test_recorded_roles_follow_renamed_columns_and_arguments_override_them(tmp_path):
    path = tmp_path / "log.parquet"
    roles = files.TableRoles(user="who", item="what", value="stars", timestamp="ms",
                             rating_range=(1.0, 10.0), timestamp_unit="ms")
    table = pa.table({"who": [1, 2], "what": ["a", "b"], "stars": [10.0, 1.0],
                      "ms": [1_577_836_800_000, 1_577_836_801_999], "other": [7.0, 8.0]})
    pq.write_table(table.replace_schema_metadata(roles.to_metadata()), path)
    back = load_table(path)
    assert back.to_frame().values.tolist() == [[1, "a", 10.0, 1577836800],
                                               [2, "b", 1.0, 1577836801]]
    assert back.rating_range == (1.0, 10.0)
    other = load_table(path, value_col="other")  # another value column: not those ratings
    assert other.value.tolist() == [7.0, 8.0] and other.rating_range is None
    assert load_table(path, rating_range=(0, 20)).rating_range == (0.0, 20.0)


def test_an_implicit_table_comes_back_implicit_with_its_weights(tmp_path):
    data = Interactions.from_arrays(np.array([1, 1]), np.array([2, 3]), np.array([3.0, 7.0]))
    back = load_table(save_table(data, tmp_path / "log.parquet"))
    assert back.value.tolist() == [3.0, 7.0] and back.rating_range is None
    assert back.timestamp is None


def test_files_written_before_the_roles_keep_their_rating_range(tmp_path):
    path = tmp_path / "old.parquet"
    table = pa.table({"user_id": [1], "item_id": [2], "value": [4.0]})
    pq.write_table(table.replace_schema_metadata({b"recstack.rating_range": b"1.0,5.0"}), path)
    back = load_table(path)
    assert back.value.tolist() == [4.0] and back.rating_range == (1.0, 5.0)


def test_damaged_roles_are_an_error_naming_the_file(tmp_path):
    path = tmp_path / "log.parquet"
    table = pa.table({"user_id": [1], "item_id": [2]})
    pq.write_table(table.replace_schema_metadata({b"recstack": b"{not json"}), path)
    with pytest.raises(DataFormatError, match=r"log\.parquet: its recstack metadata"):
        load_table(path)


@pytest.mark.parametrize("name", ["log.csv", "log.tsv", "log.csv.gz", "log.tab"])
def test_text_round_trip(tmp_path, name):
    with pytest.warns(LookalikeIdWarning, match="'007'"):  # kept apart, as written
        data = Interactions.from_arrays(
            np.array(["u,1", 'say "hi"', "u,1"]), np.array(["007", "7", "1.0"]),
            np.array([4.5, 0.1, 2.0]), np.array([1_577_836_800, 0, -86_400]))
    path = save_table(data, tmp_path / name)
    raw = gzip.decompress(path.read_bytes()) if name.endswith(".gz") else path.read_bytes()
    assert not raw.startswith(b"PAR1")
    separator = "\t" if name.endswith((".tsv", ".tab")) else ","
    header = raw.decode().splitlines()[0].replace('"', "").split(separator)
    assert header == ["user_id", "item_id", "value", "timestamp"]
    with pytest.warns(LookalikeIdWarning, match="'007'"):
        back = load_table(path)  # the default column names read the file back
    assert back.to_frame().values.tolist() == data.to_frame().values.tolist()
    assert back.value.dtype == np.float32 and back.value.tolist() == data.value.tolist()


def test_text_round_trip_of_integer_ids(tmp_path):
    big = np.array([2**63 - 1, -(2**63), 5], dtype=np.int64)
    data = Interactions.from_arrays(big, big, rating_range=None)
    back = load_table(save_table(data, tmp_path / "log.csv"))
    assert back.users.external_ids.dtype == np.int64
    assert back.to_frame().values.tolist() == data.to_frame().values.tolist()


def test_save_table_refuses_an_extension_it_cannot_honour(tmp_path):
    for name in ("log.txt", "log", "log.parquet.gz", "log.json"):
        with pytest.raises(RecstackError, match="use .parquet, .csv, .tsv"):
            save_table(_sample(), tmp_path / name)
    assert list(tmp_path.iterdir()) == []


def test_parquet_bytes_under_a_csv_name_are_named_as_such(tmp_path):
    path = tmp_path / "log.csv"
    pq.write_table(pa.table({"user_id": [1], "item_id": [2]}), path)
    with pytest.raises(DataFormatError, match=r"log\.csv: holds Parquet data.*rename"):
        load_table(path)


# ---------------------------------------------------------------------------- loader options
def test_separator_encoding_and_column_names(tmp_path):
    path = tmp_path / "log.txt"
    path.write_bytes("Zoë;Café;3\nAnn;Tea;4\n".encode("latin-1"))
    data = load_table(path, separator=";", encoding="latin-1",
                      column_names=["user", "item", "stars"], user_col="user",
                      item_col="item", value_col="stars", rating_range=(1, 5))
    assert data.to_frame().values.tolist() == [["Zoë", "Café", 3.0], ["Ann", "Tea", 4.0]]


@pytest.mark.parametrize(("options", "message"), [
    ({"separator": "::"}, "separator must be one character"),
    ({"separator": '"'}, "separator must be one character"),
    ({"encoding": "utf-99"}, "unknown encoding 'utf-99'"),
    ({"timestamp_unit": "minutes"}, "unknown timestamp_unit 'minutes'"),
    ({"timestamp_format": "unix_ms"}, "timestamp_format='unix', timestamp_unit='ms'"),
    ({"timestamp_format": "iso8601"}, "write 'iso'"),
    ({"rating_range": (5, 1)}, "low < high"),
    ({"column_names": ["a", "a"]}, "column_names names 'a' twice"),
    # a lone string is not read as a list of its characters
    ({"column_names": "user_id,item_id"}, "column_names must be a list of names such as"),
    ({"column_names": []}, "column_names must be a list of non-empty names"),
    ({"context": "device"}, "context must be a list of names such as"),
    # an empty or non-text column option is refused, not taken as "find it by name"
    ({"user_col": ""}, "user_col must be a column name, not ''"),
    ({"item_col": 0}, "item_col must be a column name, not 0"),
])
def test_bad_options_are_refused_before_reading(tmp_path, options, message):
    with pytest.raises(RecstackError, match=re.escape(message)):
        load_table(_file(tmp_path, "log.csv", LOG), **options)


# ---------------------------------------------------------------------------- timestamps
@pytest.mark.parametrize(("stamps", "unit", "seconds"), [
    # 1577836800 is 2020-01-01T00:00:00Z; the same instant in each unit
    (["1577836800", "1577836801"], "auto", [1577836800, 1577836801]),
    (["1577836800123", "1577836801999"], "auto", [1577836800, 1577836801]),
    (["1577836800123456", "1577836801000000"], "auto", [1577836800, 1577836801]),
    (["1577836800123456789", "1577836801000000000"], "auto", [1577836800, 1577836801]),
    (["1577836800123", "-1500"], "ms", [1577836800, -2]),  # floored, also before 1970
    (["86400", "1"], "us", [0, 0]),
])
def test_timestamp_units(tmp_path, stamps, unit, seconds):
    rows = "".join(f"1,{i},{t}\n" for i, t in enumerate(stamps))
    path = _file(tmp_path, "log.csv", "user_id,item_id,timestamp\n" + rows)
    assert load_table(path, timestamp_unit=unit).timestamp.tolist() == seconds


def test_milliseconds_read_as_seconds_are_refused_with_the_option_to_set(tmp_path):
    # 1e12 seconds would be the year 33658: never taken silently
    path = _file(tmp_path, "log.csv", "user_id,item_id,timestamp\n1,1,10\n1,2,1577836800123\n")
    with pytest.raises(DataFormatError) as caught:
        load_table(path, timestamp_unit="s")
    error = caught.value
    assert (error.file, error.line, error.column) == (str(path), 3, "timestamp")
    assert "outside the years 1 to 9999" in str(error) and "timestamp_unit" in str(error)


def test_out_of_range_iso_and_float_timestamps_are_located(tmp_path):
    path = _file(tmp_path, "log.csv", "user_id,item_id,timestamp\n1,1,1e30\n")
    with pytest.raises(DataFormatError, match=r"log\.csv:2: column 'timestamp'"):
        load_table(path, timestamp_unit="ns")


# ---------------------------------------------------------------------------- ids
def test_ids_are_exact(tmp_path):
    path = _file(tmp_path, "log.csv",
                 "user_id,item_id\n123456789012345678901234567,1.0\n9223372036854775807,1\n")
    data = load_table(path)
    users = data.users.to_external(data.user_index).tolist()
    assert users == ["123456789012345678901234567", "9223372036854775807"]  # text, no 1e+26
    assert data.items.to_external(data.item_index).tolist() == ["1.0", "1"]  # two items
    path = _file(tmp_path, "zeros.csv", "user_id,item_id\n007,1\n7,1\n-0,1\n")
    with pytest.warns(LookalikeIdWarning, match=r"'007' \(line 2\) and '7' \(line 3\)"):
        data = load_table(path)  # leading zeros: three spellings, three users, kept as text
    assert data.users.to_external(data.user_index).tolist() == ["007", "7", "-0"]
    path = _file(tmp_path, "big.csv", "user_id,item_id\n9223372036854775807,-5\n 12 ,0\n")
    data = load_table(path)
    assert data.users.to_external(data.user_index).tolist() == [9223372036854775807, 12]
    assert data.items.external_ids.dtype == np.int64


def test_parquet_float_ids_must_be_whole(tmp_path):
    path = tmp_path / "log.parquet"
    pq.write_table(pa.table({"user_id": [1.0, 2.0], "item_id": [3, 4]}), path)
    assert load_table(path).users.external_ids.tolist() == [1, 2]
    pq.write_table(pa.table({"user_id": [1.0, 2.5], "item_id": [3, 4]}), path)
    with pytest.raises(DataFormatError, match=r"column 'user_id': row 2: found 2\.5, not a whole"):
        load_table(path)


def test_parquet_text_ids_are_trimmed_as_csv_ids_are(tmp_path):
    path = tmp_path / "log.parquet"
    pq.write_table(pa.table({"user_id": [" a", "b "], "item_id": ["x", "y"]}), path)
    from_parquet = load_table(path)
    assert from_parquet.users.external_ids.tolist() == ["a", "b"]
    save_table(from_parquet, tmp_path / "log.csv")
    assert load_table(tmp_path / "log.csv").users.external_ids.tolist() == ["a", "b"]
    pq.write_table(pa.table({"user_id": ["a", " \t"], "item_id": ["x", "y"]}), path)
    with pytest.raises(DataFormatError, match=r"column 'user_id': row 2: found an empty id"):
        load_table(path)


def test_csv_and_parquet_floor_fractional_negative_times(tmp_path):
    pd.DataFrame({"user_id": [1, 2], "item_id": [1, 2], "timestamp": [-1.5, 2.5]}).to_csv(
        tmp_path / "log.csv", index=False)
    pq.write_table(pa.table({"user_id": [1, 2], "item_id": [1, 2],
                             "timestamp": [-1.5, 2.5]}), tmp_path / "log.parquet")
    for name in ("log.csv", "log.parquet"):
        assert load_table(tmp_path / name, timestamp_unit="s").timestamp.tolist() == [-2, 2]


# ---------------------------------------------------------------------------- bad bytes
def test_bytes_that_are_not_utf8_are_located(tmp_path):
    path = tmp_path / "log.csv"
    path.write_bytes(b"user_id,item_id\nu1,i1\nu2,caf\xe9\n")
    with pytest.raises(DataFormatError) as caught:
        load_table(path)
    assert (caught.value.file, caught.value.line) == (str(path), 3)
    assert "not valid utf-8" in str(caught.value) and "encoding=" in str(caught.value)
    assert load_table(path, encoding="latin-1").items.external_ids.tolist() == ["café", "i1"]


def test_a_header_that_is_not_utf8_is_located(tmp_path):
    path = tmp_path / "log.csv"
    path.write_bytes(b"user_id,item_id,v\xe4lue\n1,2,3\n")
    with pytest.raises(DataFormatError, match=r"log\.csv:1: the header holds bytes"):
        load_table(path)


def test_a_damaged_gzip_file_is_named(tmp_path):
    path = tmp_path / "log.csv.gz"
    path.write_bytes(gzip.compress(LOG.encode() * 200)[:60])
    with pytest.raises(DataFormatError, match=r"log\.csv\.gz: .*intact \.gz file"):
        load_table(path, **_mapping())


@pytest.mark.parametrize(("text", "message"), [
    ("", "the file is empty"),
    ("user_id,item_id\n", "holds no interactions"),
    # names that are not among the well-known ones (user, item would be found)
    ("who,what\n1,2\n", "no column 'user_id' for user ids"),
    ("1,2\n3,4\n", "no column 'user_id' for user ids"),
])
def test_empty_and_headless_files(tmp_path, text, message):
    with pytest.raises(RecstackError, match=message):
        load_table(_file(tmp_path, "log.csv", text))


def test_blank_lines_before_the_header_do_not_turn_it_into_data(tmp_path):
    path = _file(tmp_path, "log.csv", "\n\nuser_id,item_id\n1,2\n")
    data = load_table(path)
    assert data.to_frame().values.tolist() == [[1, 2, 1.0]]
    with pytest.raises(DataFormatError, match="holds no data rows"):
        load_table(_file(tmp_path, "head.csv", "\nuser_id,item_id"))


@pytest.mark.parametrize(("values", "nonfinite", "outside"), [
    ([1.0, 2.0, 3.0], None, None),
    ([1.0, np.nan, 3.0], 1, 1),
    ([3.0, 2.0, np.inf], 2, 2),
    ([-np.inf, 2.0], 0, 0),
    ([2.0, 9.0, 0.0], None, 1),
    ([], None, None),
])
def test_first_bad_value_helpers(values, nonfinite, outside):
    # the fast paths decide from min and max alone; the index must still be the first one
    array = np.array(values, dtype=np.float32)
    assert files.first_nonfinite(array) == nonfinite
    assert files.first_out_of_range(array, (1.0, 5.0)) == outside


@pytest.mark.parametrize(("header", "separator"), [
    ("user_id;item_id;rating", ";"), ("user_id\titem_id\trating", "\t"),
    ("user_id|item_id|rating", "|")])
def test_a_header_split_by_another_separator_names_it(tmp_path, header, separator):
    # read with ',' the header is one column: say which separator the file seems to use
    row = separator.join(["1", "2", "3"])
    path = _file(tmp_path, "log.csv", f"{header}\n{row}\n")
    with pytest.raises(DataFormatError, match=re.escape(f"separator={separator!r}")) as error:
        load_table(path)
    assert error.value.file == str(path) and error.value.line == 1
    assert load_table(path, separator=separator).to_frame()["value"].tolist() == [3.0]


def test_unix_timestamps_asked_for_refuse_dates(tmp_path):
    # the reader recognises '2020-01-01' as a date; timestamp_format="unix" wants numbers
    path = _file(tmp_path, "log.csv", "user_id,item_id,timestamp\n1,2,2020-01-01\n")
    with pytest.raises(DataFormatError, match="cannot read '2020-01-01' as a time") as error:
        load_table(path, timestamp_format="unix")
    assert (error.value.line, error.value.column) == (2, "timestamp")
    assert load_table(path).timestamp.tolist() == [1577836800]


@pytest.mark.parametrize("suffix", ["csv", "parquet"])
def test_duplicates_error_names_the_file_line_and_pair(tmp_path, suffix):
    frame = pd.DataFrame({"user_id": ["a", "b", "a"], "item_id": [1, 2, 1]})
    path = tmp_path / f"log.{suffix}"
    frame.to_csv(path, index=False) if suffix == "csv" else frame.to_parquet(path)
    with pytest.raises(DataFormatError, match=r"user 'a' and item 1 again, as in data row 1"
                       ) as error:
        load_table(path, duplicates="error")
    assert error.value.file == str(path) and error.value.column == "user_id"
    assert "np.int64" not in str(error.value)
    if suffix == "csv":
        assert error.value.line == 4  # the second occurrence, after the header


@pytest.mark.parametrize(("text", "message"), [
    ("user_id,item_id\n1,2\n", "the first line is a header naming the columns given"),
    ("u,i\n1,2\n3,4\n", "the first row, 'u', 'i', looks like a header"),
])
def test_column_names_on_a_file_with_a_header_are_refused(tmp_path, text, message):
    # the header was read as an interaction of user 'user_id' (or 'u') with item 'item_id'
    path = _file(tmp_path, "log.csv", text)
    with pytest.raises(DataFormatError, match=re.escape(message)) as error:
        load_table(path, column_names=["user_id", "item_id"])
    assert error.value.line == 1
    # a file without a header, whose first ids happen to be text, is still read
    plain = _file(tmp_path, "plain.csv", "abc,1\n2,3\n")
    assert len(load_table(plain, column_names=["user_id", "item_id"])) == 2


def test_a_value_beyond_float32_is_refused_saying_why(tmp_path):
    # 1e39 is finite, but not as a float32: "expected a finite number" did not say why
    path = _file(tmp_path, "log.csv", "user_id,item_id,value\n1,2,1e39\n")
    with pytest.raises(DataFormatError, match=r"found '1e39' \(expected a finite number within "
                                              r"±3\.4e\+38 \(float32's range\)\)"):
        load_table(path)

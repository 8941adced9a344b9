"""Generic CSV / TSV / Parquet loading with a column mapping, errors, and save_table."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from recstack.data import files
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
    data = load_table(path, names=["u", "i", "r"], user_col="u", item_col="i", value_col="r")
    assert data.to_frame().values.tolist() == [[1, 10, 5.0], [2, 20, 4.0]]


def test_other_extensions_need_sep(tmp_path):
    path = _file(tmp_path, "log.txt", "user_id;item_id\n1;2\n")
    with pytest.raises(RecstackError, match="pass sep="):
        load_table(path)
    assert len(load_table(path, sep=";")) == 1


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
    ("1577836800500\n1577836801999", "unix_ms", [1577836800, 1577836801]),
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
    ("u3,i3,nan,400", "stars", "found 'nan' (expected a finite number)"),
    ("u3,i3,inf,400", "stars", "found 'inf' (expected a finite number)"),
    ("u3,i3,4,last tuesday", "when",
     "cannot read 'last tuesday' as a time (expected a Unix timestamp (integer seconds) "
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


def test_a_multi_line_quoted_field_counts_its_lines(tmp_path):
    # the bad record starts on line 4 (after a two-line record) and ends on line 5
    path = _file(tmp_path, "log.csv",
                 'who,what,stars,when\n"u\n1",i1,4,100\n"u\n2",i1,bad,200\n')
    _located(path, 4, "stars", "found 'bad'", **_mapping())


def test_unix_timestamps_asked_for_but_not_given(tmp_path):
    path = _file(tmp_path, "log.csv", LOG.replace("300", "2020-01-01"))
    _located(path, 4, "when", "found '2020-01-01' (expected an integer Unix timestamp in "
             "seconds)", **_mapping(timestamp_format="unix"))


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
                                              r"\(expected a finite number\)"):
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
    back = load_table(path, value_col="value", timestamp_col="timestamp")
    assert back.to_frame().equals(data.to_frame())
    assert back.rating_range == (0.5, 5.0)  # kept in the file's metadata


def test_save_table_is_atomic(tmp_path, monkeypatch):
    path = tmp_path / "log.parquet"
    save_table(_sample(), path)
    before = path.read_bytes()

    def broken_writer(table, where, **kwargs):
        Path(where).write_bytes(b"half a file")
        raise OSError("disk full")

    monkeypatch.setattr(files.pq, "write_table", broken_writer)
    with pytest.raises(OSError, match="disk full"):
        save_table(_sample().select(slice(0, 1)), path)
    assert path.read_bytes() == before  # the old file is intact
    assert sorted(p.name for p in tmp_path.iterdir()) == ["log.parquet"]  # no debris


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 5), st.sampled_from(["x", "y", "z"]),
                          st.floats(1, 5, width=32), st.integers(-2**40, 2**40)),
                min_size=1, max_size=30))
def test_round_trip_property(tmp_path_factory, rows):
    users, items, values, times = (np.array(c) for c in zip(*rows, strict=True))
    data = Interactions.from_arrays(users, items, values, times, rating_range=(1.0, 5.0))
    path = save_table(data, tmp_path_factory.mktemp("rt") / "log.parquet")
    back = load_table(path, value_col="value", timestamp_col="timestamp")
    assert back.to_frame().equals(data.to_frame())

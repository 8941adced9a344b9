"""Bad inputs the fifth probe found slipping through the data loaders, each refused with
its place named."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from recstack.data import partitioned
from recstack.data.files import DelimitedLayout, load_table, read_delimited
from recstack.data.interactions import Interactions
from recstack.data.side_table import read_side_table
from recstack.errors import DataFormatError


# ---------------------------------------------------------------- values shown in messages
@pytest.mark.parametrize(("column", "shown"), [
    # 10183-01-01 is 3 000 000 days after 1970-01-01: beyond Python's datetime.date
    (pa.array([3_000_000], pa.date32()), r"found 3000000 \(date32\[day\]\), outside the "
                                         r"years 1 to 9999"),
    # 82000 * 365.25 days of milliseconds: the year 83970
    (pa.array([2_525_000_000_000_000], pa.timestamp("ms")),
     r"found 2525000000000000 \(timestamp\[ms\]\)"),
])
def test_a_partitioned_row_error_shows_a_time_beyond_the_calendar(monkeypatch, column, shown):
    # Every check of the partitioned reader that names a bad value renders it with the
    # same fail_at; one that refuses the first id stands in for them all. The rendering
    # was pyarrow's as_py(), an OverflowError traceback for such a value.
    def refuse_first(values, name, fail_at):
        raise fail_at(0, name, "found {text}", "integer or text ids")

    monkeypatch.setattr(partitioned, "ids_to_numpy", refuse_first)
    table = pa.table({"user_id": column, "item_id": pa.array([1])})
    with pytest.raises(DataFormatError, match=rf"log: column 'user_id': part-0\.parquet, row 1: "
                                              rf"{shown}"):
        partitioned._to_interactions(table, Path("log"), [], None,
                                     lambda index: f"part-0.parquet, row {index + 1}")


# ---------------------------------------------------------------- repeated column names
def _table_with_twice(key: str, name: str) -> pd.DataFrame:
    table = pd.DataFrame([[1, "A", "x"], [2, "B", "y"]], columns=[key, "title", "genre"])
    return table.set_axis([key, "title", name], axis=1)


@pytest.mark.parametrize("keep_unseen_items", [False, True])
@pytest.mark.parametrize("name", ["title", "item_id"])
def test_an_item_table_naming_a_column_twice_is_refused(name, keep_unseen_items):
    table = _table_with_twice("item_id", name)
    position = list(table.columns).index(name) + 1
    with pytest.raises(DataFormatError, match=rf"column '{name}': the item table names column "
                                              rf"'{name}' twice \(columns {position} and 3\)"):
        Interactions.from_arrays([0, 1], [1, 2], item_table=table,
                                 keep_unseen_items=keep_unseen_items)


def test_a_user_table_naming_a_column_twice_is_refused():
    table = _table_with_twice("user_id", "title")
    with pytest.raises(DataFormatError, match=r"column 'title': the user table names column "
                                              r"'title' twice \(columns 2 and 3\)"):
        Interactions.from_arrays([1, 2], [5, 6], user_table=table)


def test_a_context_naming_a_column_twice_is_refused():
    context = pd.DataFrame([["a", "b"], ["c", "d"]], columns=["device", "device"])
    with pytest.raises(DataFormatError, match=r"the context names column 'device' twice"):
        Interactions.from_arrays([1, 2], [5, 6], context=context)


def test_a_frame_naming_its_id_column_twice_is_refused():
    frame = pd.DataFrame([[1, 5, 9], [2, 6, 9]], columns=["user_id", "item_id", "user_id"])
    with pytest.raises(DataFormatError, match=r"column 'user_id': the frame names column "
                                              r"'user_id' twice \(columns 1 and 3\)"):
        Interactions.from_frame(frame)


# ---------------------------------------------------------------- hexadecimal numbers
_HEX_LOG = "user_id,item_id,value,timestamp\na,b,4,1700000000\na,c,5,0x10\n"


def _write(path: Path, text: str) -> Path:
    if path.suffix == ".gz":
        path.write_bytes(gzip.compress(text.encode()))
    else:
        path.write_text(text)
    return path


@pytest.mark.parametrize("name", ["log.csv", "log.csv.gz"])
@pytest.mark.parametrize("written", ["0x10", "0X1f", " 0x10"])
def test_a_hex_timestamp_is_refused_at_its_line(tmp_path, name, written):
    # it was read as 16, the Unix time 1970-01-01 00:00:16, without a word
    path = _write(tmp_path / name, _HEX_LOG.replace("0x10", written))
    with pytest.raises(DataFormatError,
                       match=rf"{re.escape(name)}:3: column 'timestamp': found "
                             rf"'{written.strip()}', a hexadecimal number"):
        load_table(path)


def test_a_hex_integer_id_is_refused_at_its_line(tmp_path):
    # columns read as integers (MovieLens ids, adjacency lists) took 0x1F as 31
    path = _write(tmp_path / "ratings.csv", "userId,movieId\n1,2\n3,0x1F\n")
    with pytest.raises(DataFormatError, match=r"ratings\.csv:3: column 'movieId': found "
                                              r"'0x1F', a hexadecimal number"):
        read_delimited(path, DelimitedLayout(","), {"userId": "int32", "movieId": "int32"})


def test_a_hex_id_after_which_the_file_breaks_is_named_first(tmp_path):
    # pyarrow stops at the later word; the exact reader must not pass over the hex id
    path = _write(tmp_path / "ratings.csv", "userId,movieId\n1,0x2\n3,four\n")
    with pytest.raises(DataFormatError, match=r"ratings\.csv:2: column 'movieId': found "
                                              r"'0x2'"):
        read_delimited(path, DelimitedLayout(","), {"userId": "int32", "movieId": "int32"})


def test_text_ids_that_look_hex_stay_text_ids(tmp_path):
    # a hash id such as 0x1f is a name, never the number 31: it may not merge with '31'
    path = _write(tmp_path / "log.csv", "user_id,item_id,timestamp\n0x1f,31,5\n31,0x1F,6\n")
    frame = load_table(path).to_frame()
    assert frame["user_id"].tolist() == ["0x1f", "31"]
    assert frame["item_id"].tolist() == ["31", "0x1F"]
    assert frame["timestamp"].tolist() == [5, 6]


# ---------------------------------------------------------------- quoted line breaks
def test_a_closed_quoted_value_holding_a_line_break_is_named_as_such(tmp_path):
    # the quote closes on line 3: the message suggested an "unterminated quote?"
    path = _write(tmp_path / "log.csv",
                  'user_id,item_id,value\nu1,i1,4\nu2,"the\nitem",5\nu3,i3,3\n')
    with pytest.raises(DataFormatError) as caught:
        load_table(path)
    error = caught.value
    assert (error.file, error.line, error.column) == (str(path), 3, "item_id")
    assert "the quoted value 'the\\nitem' holds a line break (the record runs on to line 4)" \
        in str(error)
    assert "unterminated" not in str(error)


def test_a_quote_never_closed_is_named_unterminated(tmp_path):
    path = _write(tmp_path / "log.csv", 'user_id,item_id,value\nu1,i1,4\nu2,"i2,5\nu3,i3,3\n')
    with pytest.raises(DataFormatError, match=r"log\.csv:3: unterminated quote: a field opened "
                                              r"with '\"' is not closed before the end"):
        load_table(path)


def test_a_stray_quote_closed_by_another_names_both_lines(tmp_path):
    # two stray quotes make one record of lines 3 to 4: u2, "i2,5\nu3,i3", 3 and 7
    path = _write(tmp_path / "log.csv",
                  'user_id,item_id,value\nu1,i1,4\nu2,"i2,5\nu3,i3",3,7\n')
    with pytest.raises(DataFormatError, match=r"log\.csv:3: a field opened with '\"' closes "
                                              r"only on line 4, making one record of 4 "
                                              r"field\(s\) of lines 3 to 4 \(a stray quote\?\)"):
        load_table(path)


@pytest.mark.parametrize(("days", "shown"), [(3_000_000, "3000000"), (-800_000, "-800000")])
def test_a_side_table_date_beyond_the_calendar_is_named_with_column_and_row(tmp_path, days,
                                                                           shown):
    # was "not a readable Parquet items file (year 10183 is out of range)": no column, no row
    path = tmp_path / "items.parquet"
    pq.write_table(pa.table({"item_id": [1, 2, 3],
                             "released": pa.array([0, days, None], pa.date32())}), path)
    with pytest.raises(DataFormatError, match=rf"items\.parquet: column 'released': row 2: "
                                              rf"found {shown} \(date32\[day\]\), outside the "
                                              r"years 1 to 9999"):
        read_side_table(path)


def test_a_side_table_with_dates_in_the_calendar_reads(tmp_path):
    path = tmp_path / "items.parquet"
    pq.write_table(pa.table({"item_id": [1], "released": pa.array([0], pa.date32())}), path)
    assert str(read_side_table(path)["released"][0]) == "1970-01-01"


# ---------------------------------------------------------------- times given as columns
@pytest.mark.parametrize(("seconds", "unit"), [
    (253_402_300_800, "; read as milliseconds it is 1978-01-11T21:31:40Z: the times look like "
                      "milliseconds; divide them by 1,000 first"),
    (-62_135_596_801, ""),
    (10**15, "; read as microseconds it is 2001-09-09T01:46:40Z: the times look like "
             "microseconds; divide them by 1,000,000 first")])
def test_from_arrays_refuses_a_time_beyond_the_calendar_as_the_loaders_do(seconds, unit):
    # 253 402 300 800 is 10000-01-01T00:00:00; -62 135 596 801 one second before the year 1.
    # It was kept, and describe() (the first and last time) failed with "year ... is out
    # of range". (A time of a finer unit's magnitude is named so since the 187th probe.)
    with pytest.raises(DataFormatError, match=rf"column 'timestamp': 1 time\(s\) outside the "
                                              rf"years 1 to 9999, first at row 1: {seconds} "
                                              r"\(expected Unix seconds between the years 1 "
                                              rf"and 9999{re.escape(unit)}[,)]"):
        Interactions.from_arrays([1, 2], [5, 6], timestamps=[0, seconds])


def test_from_arrays_keeps_the_first_and_last_second_of_the_calendar():
    edges = [-62_135_596_800, 253_402_300_799]  # 0001-01-01T00:00:00, 9999-12-31T23:59:59
    assert Interactions.from_arrays([1, 2], [5, 6], timestamps=edges).timestamp.tolist() == edges

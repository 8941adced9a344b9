"""Three leads of the last round: context text that no file can hold refused when the
interactions are built (naming column and row, as the ids' text is); a CSV ending with the
DOS end-of-file byte 0x1A refused naming that byte; and one time-zone rule for the parts of
a part folder (load_table) and the partitions of a partitioned dataset (read_partitioned):
zones that differ are read as the instants they are, a zone beside none is refused.

Expected values are worked by hand: 2024-01-01T00:00:00Z is 1704067200 Unix seconds,
2024-02-01T00:00:00Z is 1706745600.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from recstack.data.files import load_table
from recstack.data.interactions import Interactions
from recstack.data.partitioned import read_partitioned
from recstack.errors import DataFormatError

#: text with a lone surrogate, as ``errors="surrogateescape"`` leaves the byte 0xE9
HALF = "caf\udce9"
JAN, FEB = 1704067200, 1706745600


def _text(values: list) -> pd.Series:
    # pandas' own text type (Arrow-backed) cannot hold a lone surrogate at all
    return pd.Series(values, dtype=object)


# ------------------------------------------------------------ context text UTF-8 refuses

@pytest.mark.parametrize(("column", "row"), [
    (_text(["web", HALF, "app"]), 1),
    (_text([["a"], [], ["b", HALF]]), 2),          # inside a list, as Arrow stores it
    (_text([{"k": 1}, {HALF: 2}, {}]), 1),         # a dict's key
    (_text([1, "app", HALF]), 2),                  # among values of mixed kinds
    (pd.Series(["web", "app", HALF], dtype=pd.StringDtype("python")), 2),
    (pd.Categorical(_text(["web", HALF, "web"])), 1),
])
def test_from_arrays_refuses_context_text_utf8_cannot_encode(column, row):
    # it was built, and refused only when save_table or write_partitioned wrote it
    with pytest.raises(DataFormatError) as caught:
        Interactions.from_arrays(["u1", "u2", "u3"], ["i1", "i2", "i3"],
                                 context=pd.DataFrame({"device": column}))
    message = str(caught.value)
    assert caught.value.column == "device"
    assert f"row {row} holds" in message
    assert "lone surrogate ('\\udce9')" in message and "surrogateescape" in message


def test_from_frame_names_its_own_context_column():
    frame = pd.DataFrame({"user_id": ["u1", "u2"], "item_id": ["i1", "i2"],
                          "page": _text(["home", HALF])})
    with pytest.raises(DataFormatError) as caught:
        Interactions.from_frame(frame, context_cols=["page"])
    assert caught.value.column == "page" and "row 1 holds 'caf\\udce9'" in str(caught.value)


def test_a_category_no_row_holds_is_refused_too():
    # a file's dictionary would still hold it
    unused = pd.Categorical(_text(["web", "web"]), categories=pd.Index(["web", HALF],
                                                                       dtype=object))
    with pytest.raises(DataFormatError, match="category number 2, which no row holds"):
        Interactions.from_arrays(["u1", "u2"], ["i1", "i2"],
                                 context=pd.DataFrame({"device": unused}))


def test_context_text_utf8_encodes_is_kept_as_given():
    context = pd.DataFrame({"device": _text(["😀", "café"]), "n": _text([1, "a"])})
    data = Interactions.from_arrays(["u1", "u2"], ["i1", "i2"], context=context)
    assert data.context["device"].tolist() == ["😀", "café"]
    assert data.context["n"].tolist() == [1, "a"]


# ----------------------------------------------------------- the DOS end-of-file byte

@pytest.mark.parametrize(("content", "line"), [
    (b"user_id,item_id,value\n1,2,3\n2,3,4\n\x1a", 4),        # on a line of its own
    (b"user_id,item_id,value\r\n1,2,3\r\n2,3,4\r\n\x1a", 4),  # CRLF lines
    (b"user_id,item_id,value\n1,2,3\n2,3,4\x1a", 3),          # after the last number
    (b"user_id,item_id\na,b\nc,d\x1a", 3),                     # after the last id
    (b"user_id,item_id\na,b\nc,d\x1a\r\n", 3),                 # before a closing line end
])
def test_a_file_ending_with_ctrl_z_is_refused_naming_the_byte(tmp_path, content, line):
    # it was "the row has 1 field(s)" or "found '4\x1a' (expected a number)", naming no
    # byte; after an id, the id 'd\x1a' was read without a word
    path = tmp_path / "log.csv"
    path.write_bytes(content)
    with pytest.raises(DataFormatError) as caught:
        load_table(path)
    message = str(caught.value)
    assert caught.value.line == line
    assert "0x1A (Ctrl-Z)" in message and "end-of-file mark" in message
    assert "rstrip(b'\\x1a" in message  # what to do


def test_ctrl_z_inside_a_number_is_named(tmp_path):
    path = tmp_path / "log.csv"
    path.write_bytes(b"user_id,item_id,value\n1,2,3\x1a\n2,3,4\n")
    with pytest.raises(DataFormatError) as caught:
        load_table(path)
    assert caught.value.line == 2 and caught.value.column == "value"
    assert "0x1A (Ctrl-Z)" in str(caught.value)


def test_a_file_without_the_byte_reads_as_before(tmp_path):
    path = tmp_path / "log.csv"
    path.write_bytes(b"user_id,item_id\na,b\nc,d\n")
    data = load_table(path)
    assert data.users.external_ids.tolist() == ["a", "c"]
    assert data.items.external_ids.tolist() == ["b", "d"]


# --------------------------------------------------------- one rule for time zones

def _write(path, times: pa.Array) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.table({"user_id": [1, 2], "item_id": [3, 4],
                             "timestamp": times}), path)


def _parts(root, january: pa.Array, february: pa.Array, *, partitioned: bool) -> None:
    if partitioned:
        _write(root / "year=2024" / "month=01" / "part-0.parquet", january)
        _write(root / "year=2024" / "month=02" / "part-1.parquet", february)
    else:
        _write(root / "part-0.parquet", january)
        _write(root / "part-1.parquet", february)


def _read(root, partitioned: bool) -> Interactions:
    return (read_partitioned(root, columns=["timestamp"]) if partitioned
            else load_table(root))


@pytest.mark.parametrize("partitioned", [False, True], ids=["part folder", "partitioned"])
def test_parts_in_different_zones_are_read_as_their_instants(tmp_path, partitioned):
    # load_table refused them as parts that "disagree"; read_partitioned merged them
    tokyo = [dt.datetime(2024, 1, 1, 9, tzinfo=dt.timezone(dt.timedelta(hours=9))),
             dt.datetime(2024, 1, 1, 9, 0, 5, tzinfo=dt.timezone(dt.timedelta(hours=9)))]
    _parts(tmp_path / "d",
           pa.array(tokyo, pa.timestamp("s", tz="Asia/Tokyo")),
           pa.array([FEB * 10**6, (FEB + 5) * 10**6], pa.timestamp("us", tz="UTC")),
           partitioned=partitioned)
    assert _read(tmp_path / "d", partitioned).timestamp.tolist() == [JAN, JAN + 5, FEB,
                                                                      FEB + 5]


@pytest.mark.parametrize("partitioned", [False, True], ids=["part folder", "partitioned"])
@pytest.mark.parametrize("zoned_first", [True, False])
def test_a_zone_beside_none_is_refused_by_both(tmp_path, partitioned, zoned_first):
    # read_partitioned cast the times without a zone into the other's zone as UTC times,
    # without a word, where load_table refused the same parts
    zoned = pa.array([JAN, JAN + 5], pa.timestamp("s", tz="Europe/Paris"))
    plain = pa.array([FEB, FEB + 5], pa.timestamp("s"))
    january, february = (zoned, plain) if zoned_first else (plain, zoned)
    _parts(tmp_path / "d", january, february, partitioned=partitioned)
    with pytest.raises(DataFormatError) as caught:
        _read(tmp_path / "d", partitioned)
    message = str(caught.value)
    assert caught.value.column == "timestamp"
    zoned_part, plain_part = ("part-0", "part-1") if zoned_first else ("part-1", "part-0")
    assert f"{zoned_part}.parquet holds date-times in the time zone Europe/Paris" in message
    assert f"{plain_part}.parquet date-times without a zone" in message
    assert "tz_localize('UTC')" in message


@pytest.mark.parametrize("partitioned", [False, True], ids=["part folder", "partitioned"])
def test_times_without_a_zone_in_every_part_are_utc(tmp_path, partitioned):
    _parts(tmp_path / "d", pa.array([JAN, JAN + 5], pa.timestamp("s")),
           pa.array([FEB * 1000, (FEB + 5) * 1000], pa.timestamp("ms")),
           partitioned=partitioned)
    assert _read(tmp_path / "d", partitioned).timestamp.tolist() == [JAN, JAN + 5, FEB,
                                                                      FEB + 5]

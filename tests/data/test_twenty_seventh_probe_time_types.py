"""Twenty-seventh probe, a Parquet time column of a type that holds no time (a list, a
struct, a map: a nested export) or of bytes that are not UTF-8: pyarrow's cast to text
failed and the file was refused as "cannot be read: Unsupported cast from list<element:
int64> to utf8 using function cast_string" (or "Invalid UTF8 payload"), naming neither
the column nor what it should hold. Now the column, a row and its type are named; bytes
that are UTF-8 text are read as that text, as before."""

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from recstack.cli import main
from recstack.data.files import load_table
from recstack.errors import DataFormatError

WANTED = r"\(expected date-times, dates, Unix time or text such as 2024-01-31T12:00:00\)$"


def _log(tmp_path, times):
    path = tmp_path / "log.parquet"
    pq.write_table(pa.table({"user_id": [1, 2, 3], "item_id": [10, 11, 12],
                             "timestamp": times}), path)
    return path


@pytest.mark.parametrize(("times", "shown"), [
    (pa.array([[1577836800], [2], [3]]), r"list<element: int64> values, such as \[1577836800\]"),
    (pa.array([{"t": 1}] * 3), r"struct<t: int64> values, such as \{'t': 1\}"),
    (pa.array([[("t", 1)]] * 3, pa.map_(pa.string(), pa.int64())),
     r"map<string, int64 \('timestamp'\)> values, such as \[\('t', 1\)\]"),
])
@pytest.mark.parametrize("fmt", [None, "unix", "iso"])
def test_a_nested_time_column_is_named(tmp_path, times, shown, fmt):
    path = _log(tmp_path, times)
    with pytest.raises(DataFormatError, match=rf"^{path}: column 'timestamp': row 1: holds "
                                              rf"{shown} {WANTED}"):
        load_table(path, timestamp_format=fmt)


def test_time_bytes_that_are_not_utf8_are_named_at_their_row(tmp_path):
    path = _log(tmp_path, pa.array([b"2020-01-01", b"2020-01-02", b"\xff2020"]))
    with pytest.raises(DataFormatError, match=rf"^{path}: column 'timestamp': row 3: holds "
                                              rf"bytes that are not UTF-8 text, such as "
                                              rf"b'\\xff2020' {WANTED}"):
        load_table(path)


@pytest.mark.parametrize("kind", [pa.binary(), pa.binary(10)])
def test_time_bytes_holding_text_are_read_as_that_text(tmp_path, kind):
    path = _log(tmp_path, pa.array([b"2020-01-01"] * 3, kind))
    assert load_table(path).timestamp.tolist() == [1577836800] * 3


def test_the_command_line_says_it_in_one_line(tmp_path, capsys):
    path = _log(tmp_path, pa.array([[1], [2], [3]]))
    assert main(["data", "info", str(path)]) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err
    assert "column 'timestamp': row 1: holds list<element: int64> values" in err

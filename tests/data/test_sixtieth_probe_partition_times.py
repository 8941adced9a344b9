"""Sixtieth bad-input probe, timestamps of a time-partitioned dataset stored as fractional
Unix seconds or as text (ISO-8601 or digits), as pandas, Polars or a database export
write them: ``load_table`` reads them in one Parquet file, while ``read_partitioned``
refused the same table once partitioned ("holds timestamp as double"). The same table must
give the same interactions stored either way, and a time range bounds the seconds the
text names."""

from __future__ import annotations

import re

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from recstack.data.files import load_table
from recstack.data.partitioned import read_partitioned
from recstack.errors import DataFormatError

# 2024-01-01T00:00:00Z, 100 s later, and 2024-01-02T00:00:00Z (the Unix seconds the
# text below names, from the calendar: 19723 days after 1970-01-01)
JAN_1 = 19_723 * 86_400
SECONDS = [JAN_1, JAN_1 + 100, JAN_1 + 86_400]
TIMES = {
    "fractional": pa.array([JAN_1 + 0.25, JAN_1 + 100.0, JAN_1 + 86_400.75]),
    "iso": pa.array(["2024-01-01T00:00:00", "2024-01-01 00:01:40",
                     "2024-01-02T02:00:00+02:00"]),
    "digits": pa.array([str(s) for s in SECONDS]),
    "large_string": pa.array(["2024-01-01T00:00:00Z", "2024-01-01T00:01:40Z",
                              "2024-01-02"], pa.large_string()),
}


def _write_both(tmp_path, times: pa.Array):
    table = pa.table({"user_id": [1, 2, 3], "item_id": [4, 5, 6], "value": [1.0, 2.0, 3.0],
                      "timestamp": times})
    one = tmp_path / "one.parquet"
    pq.write_table(table, one)
    folder = tmp_path / "parts" / "year=2024" / "month=01"
    folder.mkdir(parents=True)
    pq.write_table(table, folder / "part-0.parquet")
    return one, tmp_path / "parts"


@pytest.mark.parametrize("kind", sorted(TIMES))
def test_text_and_fractional_times_read_as_load_table_reads_them(tmp_path, kind):
    one, parts = _write_both(tmp_path, TIMES[kind])
    got = read_partitioned(parts)
    assert got.timestamp.tolist() == SECONDS
    assert got.timestamp.tolist() == load_table(one).timestamp.tolist()


@pytest.mark.parametrize("kind", sorted(TIMES))
def test_a_time_range_bounds_the_seconds_the_text_names(tmp_path, kind):
    _, parts = _write_both(tmp_path, TIMES[kind])
    window = read_partitioned(parts, start=JAN_1 + 100, end=JAN_1 + 86_400)
    assert window.timestamp.tolist() == [JAN_1 + 100]
    assert window.to_frame()["user_id"].tolist() == [2]
    # bounded without reading the times
    assert len(read_partitioned(parts, start="2024-01-02", columns=["value"])) == 1


def test_text_that_is_no_time_is_named_by_file_and_row(tmp_path):
    _, parts = _write_both(tmp_path, pa.array(["2024-01-01", "yesterday", "2024-01-02"]))
    with pytest.raises(DataFormatError, match=re.escape(
            "year=2024/month=01/part-0.parquet, row 2: cannot read 'yesterday' as a time")):
        read_partitioned(parts)
    with pytest.raises(DataFormatError, match="row 2: cannot read 'yesterday'"):
        read_partitioned(parts, start=JAN_1)


def test_an_empty_text_time_is_named(tmp_path):
    _, parts = _write_both(tmp_path, pa.array(["2024-01-01", None, "2024-01-02"]))
    with pytest.raises(DataFormatError, match=re.escape("part-0.parquet, row 2: is empty")):
        read_partitioned(parts, end=JAN_1 + 86_400)


def test_a_text_time_outside_its_folder_is_still_refused(tmp_path):
    _, parts = _write_both(tmp_path, pa.array(["2024-01-01", "2024-02-01", "2024-01-02"]))
    with pytest.raises(DataFormatError, match=re.escape(
            "row 2: the time 1706745600 (2024-02-01T00:00:00) is outside its folder")):
        read_partitioned(parts)


def test_text_times_in_one_file_and_numbers_in_another_are_refused(tmp_path):
    _, parts = _write_both(tmp_path, TIMES["iso"])
    february = parts / "year=2024" / "month=02"
    february.mkdir()
    pq.write_table(pa.table({"user_id": [7], "item_id": [8], "value": [1.0],
                             "timestamp": np.array([JAN_1 + 31 * 86_400])}),
                   february / "part-0.parquet")
    with pytest.raises(DataFormatError, match="holds timestamp as int64 .*; merged"):
        read_partitioned(parts)


@pytest.mark.parametrize(("text", "options", "seconds"), [
    (" 2024-01-01T00:01:40 ", {}, JAN_1 + 100),
    ('"  2024-01-02"', {}, JAN_1 + 86_400),
    (" 02/01/2024\t", {"timestamp_format": "%d/%m/%Y"}, JAN_1 + 86_400),
])
def test_date_text_with_surrounding_blanks_reads_as_numbers_with_them_do(tmp_path, text,
                                                                         options, seconds):
    # ' 1704067300 ' was read, ' 2024-01-01T00:01:40 ' was "cannot read ... as a time"
    path = tmp_path / "log.csv"
    path.write_text(f"user_id,item_id,timestamp\n1,2,{text}\n")
    assert load_table(path, **options).timestamp.tolist() == [seconds]


def test_date_text_with_surrounding_blanks_in_parquet_reads(tmp_path):
    one, parts = _write_both(tmp_path, pa.array([" 2024-01-01 ", "2024-01-01T00:01:40\t",
                                                 "\u00a02024-01-02"]))
    assert load_table(one).timestamp.tolist() == SECONDS
    assert read_partitioned(parts).timestamp.tolist() == SECONDS

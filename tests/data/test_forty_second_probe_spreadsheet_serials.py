"""Spreadsheet date serials (Excel's 44927.5 is 2023-01-01 12:00) in a timestamp column were
read silently as Unix seconds: the whole log on 1 January 1970. Under timestamp_unit="auto" a
column whose every value is a serial of 1950 to 2099 now warns, naming the column and a row;
the times are still read as told, and timestamp_unit='s' reads them without a word."""

from __future__ import annotations

import warnings

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from recstack.data.files import load_table

HEADER = "user_id,item_id,rating,timestamp\n"


def test_a_csv_of_serial_days_warns_naming_column_line_and_the_date_it_would_be(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text(HEADER + "1,2,3,44927.5\n2,3,4,44928.25\n")
    says = (r"column 'timestamp': every time lies between 44927\.5 and 44928\.25.*1970-01-01 "
            r"\(line 2 holds 44927\.5.*2023-01-01T12:00:00.*timestamp_unit='s'")
    with pytest.warns(UserWarning, match=says) as caught:
        data = load_table(path)
    assert str(caught[0].message).startswith(f"{path}: column 'timestamp': ")
    # read as told: Unix seconds, floored (44927.5 s after the epoch)
    assert data.timestamp.tolist() == [44927, 44928]


def test_a_parquet_column_of_whole_serial_days_warns_naming_the_row(tmp_path):
    path = tmp_path / "export.parquet"
    pq.write_table(pa.table({"user_id": [1, 2], "item_id": [3, 4],
                             "timestamp": [44927, 45000]}), path)
    with pytest.warns(UserWarning, match=r"row 1 holds 44927.*2023-01-01T00:00:00"):
        load_table(path)


@pytest.mark.parametrize("times", [
    ["1600000000", "1600000001"],        # Unix seconds
    ["1600000000000", "1600000001000"],  # milliseconds
    ["1", "2", "3"],                     # a counter used as time
    ["0", "86400"],                      # the first day of Unix time, crossing the band
    ["18263", "50000"],                  # one value below 1950 as a serial
    ["50000", "73051"],                  # one value from 2100 on
])
def test_other_times_read_without_the_warning(tmp_path, times):
    path = tmp_path / "log.csv"
    path.write_text(HEADER + "".join(f"{i},{i + 1},3,{t}\n" for i, t in enumerate(times)))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        load_table(path)


def test_an_explicit_unit_reads_serials_as_unix_seconds_without_the_warning(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text(HEADER + "1,2,3,44927\n2,3,4,44928\n")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        data = load_table(path, timestamp_unit="s")
    assert data.timestamp.tolist() == [44927, 44928]

"""Seventh probe, dates written as digits in a timestamp column (20200131, as many logs
store days): the unit "auto" read them as Unix time, 20200131 as a second of August 1970
(every row within a month of it) and 20200131235959 as milliseconds in the 27th century,
without a word. Now refused, pointing to the timestamp_format that reads them."""

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from recstack.data.files import load_table
from recstack.errors import DataFormatError

# 2020-01-01 and 2020-01-02 00:00 UTC: 18262 and 18263 days after 1970-01-01
_JAN_1, _JAN_2 = 18262 * 86400, 18263 * 86400


def _log(tmp_path, times):
    path = tmp_path / "log.csv"
    path.write_text("user_id,item_id,timestamp\n"
                    + "".join(f"{u},{u},{t}\n" for u, t in enumerate(times)))
    return path


@pytest.mark.parametrize("times, shape, pattern", [
    (["20200101", "20200102"], "YYYYMMDD", "%Y%m%d"),
    (["20200101000000", "20200102000000"], "YYYYMMDDhhmmss", "%Y%m%d%H%M%S"),
])
def test_dates_written_as_digits_are_refused_naming_the_format(tmp_path, times, shape,
                                                                pattern):
    with pytest.raises(DataFormatError, match=rf"log\.csv:2: column 'timestamp': found "
                                              rf"{times[0]}, which looks like a date written "
                                              rf"as digits \({shape}\).*timestamp_format="
                                              rf"'{pattern}'"):
        load_table(_log(tmp_path, times))
    # and the format it names reads them
    data = load_table(_log(tmp_path, times), timestamp_format=pattern)
    assert data.timestamp.tolist() == [_JAN_1, _JAN_2]


def test_a_parquet_column_of_digit_dates_is_refused_too(tmp_path):
    path = tmp_path / "log.parquet"
    pq.write_table(pa.table({"user_id": [1, 2], "item_id": [1, 2],
                             "timestamp": [20200101, 20200102]}), path)
    with pytest.raises(DataFormatError, match=r"row 1: found 20200101, which looks like a "
                                              r"date"):
        load_table(path)


def test_only_a_column_of_digit_dates_is_refused_and_an_explicit_unit_reads_it(tmp_path):
    digit_dates = ["20200101", "20200102"]
    with pytest.raises(DataFormatError, match=r"looks like a date written as digits"):
        load_table(_log(tmp_path, digit_dates))
    assert load_table(_log(tmp_path, digit_dates), timestamp_unit="s"
                      ).timestamp.tolist() == [20200101, 20200102]
    for times in (["20200101", "20201301"],      # month 13: no date
                  ["20200101", "1600000000"],    # one row is no date
                  ["1577836800", "1577923200"]):  # plain Unix seconds
        assert load_table(_log(tmp_path, times)).timestamp.tolist() == [int(t) for t in times]


def test_a_column_of_bare_years_is_refused_naming_the_format(tmp_path):
    # 1995 was read as Unix seconds: 1970-01-01 00:33:15, every row within 35 minutes
    years = ["1995", "2003"]
    with pytest.raises(DataFormatError, match=r"log\.csv:2: column 'timestamp': found 1995, "
                                              r"which looks like a year, as does every row.*"
                                              r"1970-01-01T00:33:15.*timestamp_format='%Y'"):
        load_table(_log(tmp_path, years))
    data = load_table(_log(tmp_path, years), timestamp_format="%Y")
    # 1995-01-01 and 2003-01-01: 9131 and 12053 days after 1970-01-01
    assert data.timestamp.tolist() == [9131 * 86400, 12053 * 86400]
    assert load_table(_log(tmp_path, years), timestamp_unit="s").timestamp.tolist() == [
        1995, 2003]
    # one row outside the years: ordinary small numbers, read as they are
    assert load_table(_log(tmp_path, ["1995", "3"])).timestamp.tolist() == [1995, 3]

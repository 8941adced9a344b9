"""Two hundred thirty-fourth probe: the data files of one partitioned dataset that store
their times as typed date-times of different units (seconds in one file, nanoseconds in
another, as Spark, pandas and Polars write them), or dates beside date-times. The files
were merged in the first file's type: a date file first dropped the later files' times of
day without a word, a later file's fine or far times were refused as values that type
"cannot hold exactly", and a time range over files of two units and zones was pyarrow's
"no kernel matching input types". Each time now reads as it is, floored to the second."""

import os
from decimal import Decimal

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from recstack.data.partitioned import read_partitioned
from recstack.errors import DataFormatError

JAN = 1_704_067_200  # 2024-01-01T00:00:00Z
FEB = 1_706_745_600  # 2024-02-01T00:00:00Z
Y2286 = 10_000_000_000  # 2286-11-20T17:46:40Z, past the nanoseconds' end (2262)


def _dataset(root, files):
    for relative, times in files.items():
        path = root / relative
        os.makedirs(path.parent, exist_ok=True)
        pq.write_table(pa.table({"user_id": list(range(1, len(times) + 1)),
                                 "item_id": [10] * len(times), "timestamp": times}), path)
    return root


def _times(root, **options):
    return read_partitioned(root, columns=["timestamp"], **options).timestamp.tolist()


def test_a_date_file_first_keeps_the_times_of_day_of_the_others(tmp_path):
    # 2024-01-01 as a date; 01:00:01 and 00:00:05 on 2024-02-01 as date-times
    root = _dataset(tmp_path / "d", {
        "year=2024/month=01/a.parquet": pa.array([19_723], pa.date32()),
        "year=2024/month=02/b.parquet": pa.array([FEB + 3_601, FEB + 5], pa.timestamp("s"))})
    # they were all midnights: [JAN, FEB, FEB]
    assert _times(root) == [JAN, FEB + 5, FEB + 3_601]


def test_seconds_beside_nanoseconds_with_fractions(tmp_path):
    root = _dataset(tmp_path / "d", {
        "year=2024/month=01/a.parquet": pa.array([JAN, JAN + 5], pa.timestamp("s")),
        # 2024-02-01 00:00:00 and 00:00:02.000000005: floored to the second
        "year=2024/month=02/b.parquet": pa.array([FEB * 10**9, (FEB + 2) * 10**9 + 5],
                                                 pa.timestamp("ns"))})
    assert _times(root) == [JAN, JAN + 5, FEB, FEB + 2]


def test_milliseconds_beside_microseconds(tmp_path):
    root = _dataset(tmp_path / "d", {
        "year=2024/month=01/a.parquet": pa.array([JAN * 1000 + 1], pa.timestamp("ms")),
        "year=2024/month=02/b.parquet": pa.array([FEB * 10**6 + 2_500_001],
                                                 pa.timestamp("us"))})
    assert _times(root) == [JAN, FEB + 2]


def test_a_time_past_2262_beside_nanoseconds(tmp_path):
    root = _dataset(tmp_path / "d", {
        "year=2024/month=01/a.parquet": pa.array([JAN * 10**9 + 7_000], pa.timestamp("ns")),
        "year=2286/month=11/b.parquet": pa.array([Y2286, Y2286 + 5], pa.timestamp("s")),
        # 2300-01-03 as a date: 120,532 days after 1970-01-01
        "year=2300/month=01/c.parquet": pa.array([120_532], pa.date32())})
    assert _times(root) == [JAN, Y2286, Y2286 + 5, 120_532 * 86_400]


def test_a_time_range_over_two_units_and_zones(tmp_path):
    root = _dataset(tmp_path / "d", {
        "year=2024/month=01/a.parquet": pa.array([JAN, JAN + 5],
                                                 pa.timestamp("s", tz="Asia/Tokyo")),
        "year=2024/month=02/b.parquet": pa.array([FEB * 10**9, (FEB + 5) * 10**9],
                                                 pa.timestamp("ns", tz="UTC"))})
    assert _times(root, start="2024-02") == [FEB, FEB + 5]
    assert _times(root, start=JAN + 1, end=FEB + 1) == [JAN + 5, FEB]


def test_one_unit_in_every_file_reads_as_before(tmp_path):
    root = _dataset(tmp_path / "d", {
        "year=2024/month=01/a.parquet": pa.array([JAN * 10**9 + 5], pa.timestamp("ns")),
        "year=2024/month=02/b.parquet": pa.array([FEB * 10**9], pa.timestamp("ns"))})
    assert _times(root) == [JAN, FEB]


def test_fractions_no_unit_holds_beside_far_times_are_still_named(tmp_path):
    # a nanosecond fraction needs ns, a time of 2286 cannot have it: refused by file and row
    root = _dataset(tmp_path / "d", {
        "year=2024/month=01/a.parquet": pa.array([JAN * 10**9 + 7], pa.timestamp("ns")),
        "year=2286/month=11/b.parquet": pa.array([Y2286], pa.timestamp("s"))})
    with pytest.raises(DataFormatError, match=r"year=2024/month=01/a.parquet, row 1"):
        _times(root)


# ----------------------------------------------- files of a time range, numbers of seconds
def _pair(root, january, february):
    return _dataset(root, {"year=2024/month=01/a.parquet": january,
                           "year=2024/month=02/b.parquet": february})


@pytest.mark.parametrize(("january", "february"), [
    # the unread January file's type was the dataset's: February's date-times were read
    # as counts of seconds (refused as "milliseconds: divide by 1,000"), its integer
    # seconds as milliseconds (1970: no row in the range, a warning of the wrong cause),
    # its text and fractional seconds refused as values int64 "cannot hold exactly"
    (pa.array([JAN]), pa.array([(FEB + 3) * 1000], pa.timestamp("ms"))),
    (pa.array([JAN]), pa.array([(FEB + 3) * 10**6], pa.timestamp("us"))),
    (pa.array([JAN], pa.timestamp("s")), pa.array([FEB + 3])),
    (pa.array([JAN]), pa.array(["2024-02-01T00:00:03"])),
    (pa.array([JAN]), pa.array([FEB + 3.5])),
])
def test_a_range_reads_its_files_by_their_own_type(tmp_path, january, february):
    root = _pair(tmp_path / "d", january, february)
    assert _times(root, start="2024-02") == [FEB + 3]


@pytest.mark.parametrize(("january", "february"), [
    (pa.array([JAN]), pa.array([FEB + 3.5])),
    (pa.array([JAN + 0.5]), pa.array([FEB + 3])),
    (pa.array([JAN]), pa.array([Decimal(FEB + 3) + Decimal("0.5")], pa.decimal128(12, 1))),
])
def test_whole_and_fractional_seconds_merge(tmp_path, january, february):
    # they were refused: "merged, the numbers would be read as counts of the date-times'
    # unit", though neither file holds date-times
    root = _pair(tmp_path / "d", january, february)
    assert _times(root) == [JAN, FEB + 3]


def test_text_beside_date_times_is_refused_in_its_own_words(tmp_path):
    root = _pair(tmp_path / "d", pa.array(["2024-01-01"]),
                 pa.array([FEB], pa.timestamp("s")))
    with pytest.raises(DataFormatError) as refused:
        _times(root)
    message = str(refused.value)
    assert ("year=2024/month=02/b.parquet holds timestamp as timestamp[ms] (date-times), "
            "year=2024/month=01/a.parquet as text; merged, the date-times would be read as "
            "text, by the rules of another type") in message
    assert "counts of the date-times' unit" not in message


def test_numbers_beside_date_times_keep_their_words(tmp_path):
    root = _pair(tmp_path / "d", pa.array([JAN]), pa.array([FEB], pa.timestamp("s")))
    with pytest.raises(DataFormatError, match=(
            r"b.parquet holds timestamp as timestamp\[ms\] \(date-times\), "
            r"year=2024/month=01/a.parquet as integer Unix seconds; merged, the numbers "
            r"would be read as counts of the date-times' unit")):
        _times(root)

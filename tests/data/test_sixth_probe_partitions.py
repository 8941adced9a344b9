"""Sixth probe, time-partitioned folders: a folder that names no date, a file outside the
last level and a row outside its folder are refused by name (a read with a time range
skipped them without a word); time bounds are read as ISO-8601 by Python's rule."""

import warnings

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from recstack.data.partitioned import read_partitioned
from recstack.errors import DataFormatError, RecstackError

JAN_1_2020 = 1577836800
FEB_1_2020 = 1580515200


def _dataset(root, files):
    """Write each ``relative path -> list of timestamps`` as a data file of that folder."""
    for number, (relative, times) in enumerate(files.items()):
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        pq.write_table(pa.table({"user_id": [number] * len(times),
                                 "item_id": list(range(len(times))),
                                 "value": [1.0] * len(times), "timestamp": times}), path)
    return root


@pytest.mark.parametrize(("folder", "message"), [
    ("year=2020/month=13", r"'year=2020/month=13': month=13 is not a month from 1 to 12"),
    ("year=2020/month=00", r"'year=2020/month=00': month=0 is not a month from 1 to 12"),
    ("year=0000/month=01", r"'year=0000/month=01': year=0 is not a year from 1 to 9999"),
    ("year=2021/month=02/day=29",
     r"'year=2021/month=02/day=29': day=29 is not a day of 2021-02 \(1 to 28\)"),
])
def test_a_folder_that_names_no_date_is_refused(tmp_path, folder, message):
    depth = folder.count("/") + 1
    # a leap day is a date
    good, time = (("year=2020/month=02/day=29", FEB_1_2020 + 28 * 86400) if depth == 3
                  else ("year=2020/month=01", JAN_1_2020))
    root = _dataset(tmp_path / "events", {f"{good}/part-0.parquet": [time],
                                          f"{folder}/part-0.parquet": [time]})
    with pytest.raises(DataFormatError, match=rf"events: partition folder {message}"):
        read_partitioned(root)
    # a range that leaves that folder out read the others as if it were not there
    with pytest.raises(DataFormatError, match=message):
        read_partitioned(root, end="2020-03-01")


def test_a_data_file_above_the_last_level_is_refused(tmp_path):
    # its rows have no day: a read from 2020-02-01 on left them out
    root = _dataset(tmp_path / "events", {
        "year=2020/month=01/day=01/part-0.parquet": [JAN_1_2020],
        "year=2020/month=02/part-0.parquet": [FEB_1_2020]})
    with pytest.raises(DataFormatError, match=r"events: year=2020/month=02/part-0\.parquet is "
                                              r"not in a folder of the last level, "
                                              r"year=\.\./month=\.\./day=\.\."):
        read_partitioned(root, start="2020-02-01")


def test_a_row_outside_its_folder_is_refused_naming_file_and_row(tmp_path):
    # read whole, the row was kept; read from February on, it was lost
    root = _dataset(tmp_path / "events", {
        "year=2020/month=01/part-0.parquet": [JAN_1_2020, FEB_1_2020 + 5],
        "year=2020/month=02/part-0.parquet": [FEB_1_2020]})
    with pytest.raises(DataFormatError, match=r"events: column 'timestamp': "
                                              r"year=2020/month=01/part-0\.parquet, row 2: the "
                                              r"time 1580515205 \(2020-02-01T00:00:05\) is "
                                              r"outside its folder year=2020/month=01"):
        read_partitioned(root)


@pytest.mark.parametrize(("bound", "rows"), [
    # numpy read it as the year 20,200,101: past every row, an empty read
    ("20200101", 2),
    # an offset: numpy's deprecation warning
    ("2020-02-01T05:00:00+05:00", 1),
])
def test_time_bounds_are_read_as_iso_8601(tmp_path, bound, rows):
    root = _dataset(tmp_path / "events", {"year=2020/month=01/part-0.parquet": [JAN_1_2020],
                                          "year=2020/month=02/part-0.parquet": [FEB_1_2020]})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert len(read_partitioned(root, start=bound)) == rows


@pytest.mark.parametrize("bound", ["NaT", "today", np.datetime64("NaT")])
def test_a_bound_that_is_no_fixed_time_is_refused(tmp_path, bound):
    # 'NaT' was no bound at all, 'today' the day of the run
    root = _dataset(tmp_path / "events", {"year=2020/month=01/part-0.parquet": [JAN_1_2020]})
    with pytest.raises(RecstackError, match=r"^start(: cannot read '(today|NaT)' as a time| is NaT "
                                            r"\(no time\)); use Unix seconds"):
        read_partitioned(root, start=bound)


def test_partitions_of_text_in_the_plain_and_the_view_layout_merge(tmp_path):
    # 'holds user_id as text, ... as string_view; merged, the number 1 and the text '1'
    # would become one id': both are text
    root = tmp_path / "events"
    for month, time, kind in (("01", JAN_1_2020, pa.string()), ("02", FEB_1_2020,
                                                                 pa.string_view())):
        path = root / "year=2020" / f"month={month}" / "part-0.parquet"
        path.parent.mkdir(parents=True)
        pq.write_table(pa.table({"user_id": pa.array(["u1"], kind),
                                 "item_id": pa.array(["a"], kind), "value": [1.0],
                                 "timestamp": [time]}), path)
    assert read_partitioned(root).to_frame()["user_id"].tolist() == ["u1", "u1"]


def test_a_dataset_without_values_says_how_to_read_it(tmp_path):
    # "no column 'value' for an optional column", though no column had been named
    path = tmp_path / "events" / "year=2020" / "month=01" / "part-0.parquet"
    path.parent.mkdir(parents=True)
    pq.write_table(pa.table({"user_id": [1], "item_id": [2], "timestamp": [JAN_1_2020]}), path)
    with pytest.raises(DataFormatError, match=r"events: column 'value': stores no column "
                                              r"'value' .* e\.g\. columns=\['timestamp'\] "
                                              r"\(every row then counts 1\.0\)"):
        read_partitioned(tmp_path / "events")
    assert read_partitioned(tmp_path / "events", columns=["timestamp"]).value.tolist() == [1.0]

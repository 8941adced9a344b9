"""Round 53 (D), a time-partitioned dataset read with a time range but without the
timestamp column (``columns=["value"]``): the timestamps still bound the rows, so a
partition without them lost its rows to the filter without a word (or, without
``_common_metadata``, pyarrow's "No match for FieldRef.Name(timestamp)"). Now refused,
naming the partition and the column. A column the run does not read at all may be missing
from a partition, as before."""

import os
import re

import pandas as pd
import pyarrow.parquet as pq
import pytest

from recstack.data.interactions import Interactions
from recstack.data.partitioned import read_partitioned, write_partitioned
from recstack.errors import DataFormatError

JAN, FEB = 1_672_531_200, 1_675_209_600  # 2023-01-01, 2023-02-01 (UTC)
FILES = ("year=2023/month=01/part-0.parquet", "year=2023/month=02/part-0.parquet")


def _written(root, *, common_metadata):
    write_partitioned(Interactions.from_frame(pd.DataFrame({
        "user_id": [1, 2, 3, 4], "item_id": [1, 2, 1, 2], "value": [1.0, 2.0, 3.0, 4.0],
        "timestamp": [JAN, JAN + 100, FEB, FEB + 100]})), root)
    if not common_metadata:
        os.remove(root / "_common_metadata")


def _drop(root, file, column):
    table = pq.read_table(root / file)
    pq.write_table(table.drop_columns([column]).replace_schema_metadata(
        table.schema.metadata), root / file)


@pytest.mark.parametrize("common_metadata", [True, False])
@pytest.mark.parametrize("without", [0, 1])
def test_a_range_read_refuses_a_partition_without_timestamps(tmp_path, common_metadata,
                                                             without):
    root = tmp_path / "logs"
    _written(root, common_metadata=common_metadata)
    _drop(root, FILES[without], "timestamp")
    with pytest.raises(DataFormatError, match=rf"column 'timestamp': "
                                              rf"{re.escape(FILES[without])} has no column "
                                              r"'timestamp'"):
        # JAN + 50 keeps 3 of the 4 rows: the rows of the partition without times were
        # dropped by the filter
        read_partitioned(root, columns=["value"], start=JAN + 50)


@pytest.mark.parametrize("common_metadata", [True, False])
def test_a_range_over_a_dataset_without_timestamps_says_what_bounds_the_rows(
        tmp_path, common_metadata):
    root = tmp_path / "logs"
    _written(root, common_metadata=common_metadata)
    for file in FILES:
        _drop(root, file, "timestamp")
    if common_metadata:
        pq.write_metadata(pq.read_schema(root / FILES[0]), root / "_common_metadata")
    with pytest.raises(DataFormatError, match=r"column 'timestamp': stores no column "
                                              r"'timestamp' .*which start=1672531250 and "
                                              r"end=None bound the rows by .*read without "
                                              r"start and end"):
        read_partitioned(root, columns=["value"], start=JAN + 50)


@pytest.mark.parametrize("common_metadata", [True, False])
@pytest.mark.parametrize("without", [0, 1])
def test_a_column_the_run_does_not_read_may_be_missing_from_a_partition(
        tmp_path, common_metadata, without):
    root = tmp_path / "logs"
    _written(root, common_metadata=common_metadata)
    _drop(root, FILES[without], "value")
    back = read_partitioned(root, columns=["timestamp"], start=JAN + 50)
    assert back.timestamp.tolist() == [JAN + 100, FEB, FEB + 100]
    assert back.value.tolist() == [1.0, 1.0, 1.0]  # implicit events, as documented
    # and a range read without the timestamps, of partitions that all hold them
    _written(tmp_path / "whole", common_metadata=common_metadata)
    assert read_partitioned(tmp_path / "whole", columns=["value"],
                            start=JAN + 50).value.tolist() == [2.0, 3.0, 4.0]

"""A partition whose file holds one column name twice (a join that kept both sides' ids, a
frame written with a repeated header): the quality check and the partition reader name the
column, where pyarrow raised a KeyError, or a "Multiple matches for FieldRef" error with
the whole schema in it."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from recstack.errors import RecstackError
from recstack.ops.partitions import list_partitions, read_table
from recstack.ops.quality import QualitySpec, check_partition


def repeated_user_id() -> pa.Table:
    return pa.Table.from_arrays(
        [pa.array([1, 2]), pa.array([1, None]), pa.array([3, 4]), pa.array([5, 6]),
         pa.array([1.0, 2.0])], names=["user_id", "item_id", "user_id", "timestamp", "value"])


def test_the_schema_check_fails_naming_the_repeated_column():
    results = {r.check: r for r in check_partition(repeated_user_id(), QualitySpec())}
    assert results["schema"].status == "failed"
    assert "column 'user_id' appears 2 times" in results["schema"].message
    # the other columns are still counted; the checks that need user_id are skipped
    assert results["nulls"].status == "failed" and results["nulls"].count == 1
    assert "(in item_id)" in results["nulls"].message
    assert results["duplicates"].status == "skipped"


def test_the_partition_reader_names_the_repeated_column(tmp_path):
    folder = tmp_path / "logs" / "year=2019" / "month=01"
    folder.mkdir(parents=True)
    pq.write_table(repeated_user_id(), folder / "part-0.parquet")
    (partition,) = list_partitions(tmp_path / "logs")
    with pytest.raises(RecstackError) as refused:
        read_table(tmp_path / "logs", partition)
    message = str(refused.value)
    assert "part-0.parquet: column 'user_id' appears more than once" in message
    assert "\n" not in message  # one line, not pyarrow's schema dump

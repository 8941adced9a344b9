"""Spark ``read_partitioned`` kept the rating range the dataset's metadata records but did
not check the values against it: a 7 on a 1-5 scale (a file of the dataset rewritten by
another tool) was read as a rating, where one machine's ``read_partitioned`` refuses it
naming the file. Spark ``read_table`` of a ``save_table`` Parquet file lost the range
(explicit ratings came back implicit) and checked nothing. Tiny data, the session fixture
of conftest.py."""

from __future__ import annotations

import glob

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from recstack.data.interactions import Interactions
from recstack.data.partitioned import read_partitioned as read_on_one_machine
from recstack.data.partitioned import write_partitioned
from recstack.errors import DataFormatError

T0 = 1_600_000_000  # 2020-09-13; + 5,000,000 s is 2020-11-09


def _written(root, rating_range, values) -> None:
    frame = pd.DataFrame({"user_id": ["a", "a", "b", "b"], "item_id": ["x", "y", "x", "y"],
                          "value": values,
                          "timestamp": [T0, T0 + 5_000_000, T0 + 100, T0 + 5_000_100]})
    write_partitioned(Interactions.from_frame(frame, rating_range=rating_range), root)


def _rewrite_values(path: str, values: list[float]) -> None:
    """The file's values replaced, its recstack metadata kept (as another tool would)."""
    table = pq.read_table(path)
    index = table.schema.get_field_index("value")
    changed = table.set_column(index, "value", pa.array(values, table.column("value").type))
    pq.write_table(changed.replace_schema_metadata(table.schema.metadata), path)


def test_read_partitioned_refuses_values_outside_the_recorded_range(spark, tmp_path):
    from recstack.spark.data import read_partitioned

    root = tmp_path / "events"
    _written(root, (1, 5), [1.0, 3.0, 4.0, 5.0])
    (november,) = glob.glob(str(root / "year=2020" / "month=11" / "*.parquet"))
    # November holds (a, y) at T0 + 5,000,000 and (b, y) 100 s later: both out of range
    _rewrite_values(november, [7.0, 0.5])
    with pytest.raises(DataFormatError, match="a rating between 1 and 5") as one:
        read_on_one_machine(root)
    with pytest.raises(DataFormatError) as error:
        read_partitioned(spark, root)
    assert error.value.file == str(root) == one.value.file
    assert error.value.column == "value" == one.value.column
    assert error.value.expected == "a rating between 1 and 5" == one.value.expected
    detail = error.value.detail
    assert detail.startswith("year=2020/month=11/part-")
    assert "(2 such values in all)" in detail
    assert ("found 7 (user 'a', item 'y')" in detail) != ("found 0.5 (user 'b', item 'y')"
                                                          in detail)
    # values at the ends of the range, compared in float32 as one machine compares them
    # (0.1 is float32's 0.100000001 in the file, and the range's 0.1 too): kept, as there
    edge = tmp_path / "edge"
    _written(edge, (0.1, 1.0), [0.1, 1.0, 0.5, 0.1])
    collected = read_partitioned(spark, edge).to_interactions()
    assert collected.rating_range == (0.1, 1.0)
    assert sorted(collected.value.tolist()) == sorted(
        np.array([0.1, 1.0, 0.5, 0.1], np.float32).tolist())
    assert sorted(read_on_one_machine(edge).value.tolist()) == sorted(collected.value.tolist())


def test_read_table_keeps_and_checks_the_recorded_range(spark, tmp_path):
    from recstack.data.files import load_table, save_table
    from recstack.spark.data import read_table

    path = tmp_path / "ratings.parquet"
    frame = pd.DataFrame({"user_id": ["a", "b"], "item_id": ["x", "y"], "value": [1.0, 5.0]})
    save_table(Interactions.from_frame(frame, rating_range=(1, 5)), path)
    collected = read_table(spark, path, value_col="value").to_interactions()
    assert collected.rating_range == (1.0, 5.0) == load_table(path).rating_range
    assert collected.is_explicit
    assert read_table(spark, path).to_interactions().rating_range is None  # no values read
    _rewrite_values(str(path), [7.0, 5.0])
    with pytest.raises(DataFormatError, match="a rating between 1 and 5"):
        load_table(path)
    with pytest.raises(DataFormatError) as error:
        read_table(spark, path, value_col="value")
    assert error.value.file == str(path)
    assert error.value.column == "value"
    assert error.value.expected == "a rating between 1 and 5"
    # the file read is named by the error's file already, not again in the detail
    assert error.value.detail == ("found 7 (user 'a', item 'x'), outside the rating range 1 "
                                  "to 5 the data's metadata records")

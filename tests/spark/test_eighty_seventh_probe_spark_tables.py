"""Eighty-seventh bad-input probe of the Spark path: a side table none of whose keys is an
id of the data (text keys against integer ids, another vocabulary) gave every id an empty
row without a word, where the single-machine data refuse it; local paths Spark can neither
read nor write (a link that loops or leads nowhere, a named pipe) were "[PATH_NOT_FOUND]
Path does not exist" or a CSV file "with no columns at all". Each test failed before its
fix."""

from __future__ import annotations

import os

import pandas as pd
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import ConfigError, DataFormatError

ROWS = pd.DataFrame({"user_id": [1, 1, 2, 2, 3], "item_id": [1, 2, 1, 3, 2],
                     "value": [5.0, 4.0, 3.0, 2.0, 1.0]})


@pytest.fixture(scope="module")
def data(spark):
    from recstack.spark.data import encode

    return encode(spark.createDataFrame(ROWS))


@pytest.mark.parametrize("role, keys", [("item", ["a", "b"]), ("user", [10, 11])])
def test_a_side_table_of_other_ids_is_refused_as_on_one_machine(spark, data, role, keys):
    from recstack.spark.data import with_side_tables

    table = pd.DataFrame({f"{role}_id": keys, "g": ["x", "y"]})
    expected = (f"column '{role}_id': none of the side table's 2 keys in column '{role}_id' "
                f"(e.g. {keys!r}) is one of the 3 ids of the interactions (e.g. [1, 2, 3]) "
                f"(expected a table keyed by the same ids, in a column named {role}_id (or "
                "its first column))")
    with pytest.raises(DataFormatError) as on_one_machine:
        Interactions.from_frame(ROWS, **{f"{role}_table": table})
    assert str(on_one_machine.value) == expected
    with pytest.raises(DataFormatError) as on_spark:
        with_side_tables(data, **{f"{role}_table": spark.createDataFrame(table)})
    assert str(on_spark.value) == expected


def test_a_side_table_with_some_ids_of_the_data_is_kept(spark, data):
    from recstack.spark.data import with_side_tables

    table = spark.createDataFrame(pd.DataFrame({"item_id": ["1", "x"], "g": ["a", "b"]}))
    rows = {row["item_id"]: row["g"] for row in
            with_side_tables(data, item_table=table).item_table.collect()}
    assert rows == {1: "a", 2: None, 3: None}


def test_local_paths_spark_cannot_read_are_named(spark, tmp_path):
    from recstack.spark.data import read_partitioned, read_table, write_parquet

    loop = tmp_path / "loop"
    os.symlink(tmp_path / "other", loop)
    os.symlink(loop, tmp_path / "other")
    with pytest.raises(ConfigError, match=r"^read_table path '.*loop': is a symbolic link "
                                          r"that loops \(it leads back to itself\)$"):
        read_table(spark, loop)
    with pytest.raises(ConfigError, match=r"^read_partitioned root '.*loop': is a symbolic "
                                          r"link that loops"):
        read_partitioned(spark, loop)
    with pytest.raises(ConfigError, match=r"^write_parquet path '.*loop': is a symbolic link "
                                          r"that loops"):
        write_parquet(spark.createDataFrame(ROWS), loop)
    dangling = tmp_path / "gone.csv"
    os.symlink("nowhere.csv", dangling)
    with pytest.raises(ConfigError, match=r"^read_table path '.*gone\.csv': is a symbolic "
                                          r"link to 'nowhere\.csv', which does not exist$"):
        read_table(spark, dangling)
    if hasattr(os, "mkfifo"):
        fifo = tmp_path / "log.csv"
        os.mkfifo(fifo)
        with pytest.raises(ConfigError, match=r"^read_table path '.*log\.csv': is a pipe, "
                                              r"socket or device, not a file or a folder of "
                                              r"files$"):
            read_table(spark, fifo)

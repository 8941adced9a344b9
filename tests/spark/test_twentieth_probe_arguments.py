"""Twentieth bad-input probe of the Spark path: arguments of the wrong kind. A Spark or
pandas DataFrame or single-machine Interactions where SparkInteractions are expected, no
session where one is expected, a lone filter where a list is, a pandas table to write, a
truthy text for overwrite and a ``[spark]`` value that is no table: each failed on a
missing attribute inside the function (or, for overwrite="no", replaced the folder)."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from recstack.data.filters import KCore
from recstack.data.interactions import Interactions
from recstack.data.splits import RandomSplit
from recstack.errors import ConfigError


@pytest.fixture(scope="module")
def frames(spark):
    rows = [(1, 10, 1.0, 100), (1, 11, 1.0, 200), (2, 10, 1.0, 300), (2, 11, 1.0, 400)]
    table = pd.DataFrame(rows, columns=["user_id", "item_id", "value", "timestamp"])
    return {"DataFrame": spark.createDataFrame(table), "pandas": table,
            "Interactions": Interactions.from_frame(table)}


def test_data_that_is_not_spark_interactions_is_named_with_the_conversion(spark, frames):
    from recstack.spark import data as sd
    from recstack.spark import filters, splits

    calls = {
        "random_split(data)": lambda d: sd.random_split(d, 0.5),
        "temporal_split(data)": lambda d: sd.temporal_split(d, test_fraction=0.5),
        "leave_last_out(data)": lambda d: sd.leave_last_out(d, 1),
        "k_core(data)": lambda d: sd.k_core(d, 1, 1),
        "compact(data)": sd.compact,
        "with_side_tables(data)": sd.with_side_tables,
        "user_split(data)": lambda d: splits.user_split(d, 0.5),
        "kfold_split(data)": lambda d: list(splits.kfold_split(d, 2)),
        "apply_split(data)": lambda d: splits.apply_split(d, RandomSplit(0.5)),
        "apply_filters(data)": lambda d: filters.apply_filters(d, [KCore(1, 1)]),
        "min_value(data)": lambda d: filters.min_value(d, 1.0),
        "time_window(data)": lambda d: filters.time_window(d, 0),
        "deduplicate(data)": lambda d: filters.deduplicate(d, "last"),
    }
    hints = {"DataFrame": r"recstack\.spark\.data\.encode\(frame\) indexes a Spark DataFrame",
             "pandas": r"encode\(spark\.createDataFrame\(table\)\) makes one of a pandas",
             "Interactions": r"from_interactions\(spark, data\) makes one of Interactions"}
    for where, call in calls.items():
        for kind, given in frames.items():
            # before: "Attribute `frame` is not supported" (PySparkAttributeError) or
            # "'DataFrame' object has no attribute 'frame'"
            with pytest.raises(ConfigError, match=rf"^{re.escape(where)}: expected "
                                                  rf"SparkInteractions .*got "
                                                  rf"{type(given).__name__}; .*{hints[kind]}"):
                call(given)


def test_a_frame_that_is_not_spark_is_named_before_encoding(frames):
    pytest.importorskip("pyspark")
    from recstack.spark.data import encode

    # before: "'DataFrame' object has no attribute 'sparkSession'"
    with pytest.raises(ConfigError, match=r"encode\(frame\): expected a Spark DataFrame, got "
                                          r"DataFrame; spark\.createDataFrame\(table\)"):
        encode(frames["pandas"])
    with pytest.raises(ConfigError, match=r"got Interactions; from_interactions\(spark, data\)"):
        encode(frames["Interactions"])
    with pytest.raises(ConfigError, match=r"encode\(frame\): expected a Spark DataFrame, got "
                                          r"NoneType"):
        encode(None)


def test_a_missing_or_misplaced_session_is_named(spark, frames, tmp_path):
    from recstack.spark.data import from_interactions, read_movielens, read_partitioned, read_table
    from recstack.spark.evaluation import factor_frame

    path = tmp_path / "ratings.csv"
    path.write_text("user_id,item_id\n1,2\n")
    calls = {"read_table": lambda s: read_table(s, path),
             "read_movielens": lambda s: read_movielens(s, tmp_path),
             "read_partitioned": lambda s: read_partitioned(s, tmp_path),
             "from_interactions": lambda s: from_interactions(s, frames["Interactions"]),
             "factor_frame": lambda s: factor_frame(s, [[1.0]], "user_index")}
    for name, call in calls.items():
        # before: "'NoneType' object has no attribute 'read'" / "... 'createDataFrame'"
        with pytest.raises(ConfigError, match=rf"^{name}\(spark, .*\): the first argument must "
                                              rf"be the SparkSession .*got NoneType; call it as "
                                              rf"{name}\(spark, \.\.\.\)"):
            call(None)
    # the path given first
    with pytest.raises(ConfigError, match=r"got '.*ratings\.csv'; call it as read_table"):
        read_table(str(path), spark)
    with pytest.raises(ConfigError, match=r"index_column must be 'user_index' or 'item_index', "
                                          r"got 'user'"):
        factor_frame(spark, [[1.0]], "user")


def test_filters_must_be_a_list(spark, frames):
    from recstack.spark.data import encode
    from recstack.spark.filters import apply_filters

    data = encode(frames["DataFrame"])
    # before: TypeError "'KCore' object is not iterable"
    with pytest.raises(ConfigError, match=r"filters must be a list of filters such as "
                                          r"\[KCore\(user_min=5\)\], got KCore\(.*\) \(one "
                                          r"filter: put it in a list, \[filter\]\)"):
        apply_filters(data, KCore(1, 1))
    with pytest.raises(ConfigError, match=r"filters must be a list .*got None"):
        apply_filters(data, None)
    assert apply_filters(data, (KCore(1, 1),))[0].n_users == 2  # a tuple is a list here


def test_write_parquet_checks_the_frame_and_overwrite(spark, frames, tmp_path):
    from recstack.spark.data import encode, write_parquet

    # before: "writing ... failed, and nothing was written there: 'DataFrame' object has no
    # attribute 'write'", as if the disk were at fault
    with pytest.raises(ConfigError, match=r"write_parquet\(frame\): expected a Spark "
                                          r"DataFrame, got DataFrame; spark\.createDataFrame"):
        write_parquet(frames["pandas"], tmp_path / "a")
    with pytest.raises(ConfigError, match=r"got SparkInteractions; its \.frame is the "
                                          r"DataFrame of indices"):
        write_parquet(encode(frames["DataFrame"]), tmp_path / "b")
    # before: overwrite="no" is truthy and replaced what was there
    target = tmp_path / "kept"
    write_parquet(frames["DataFrame"], target)
    before = sorted(p.name for p in target.iterdir())
    with pytest.raises(ConfigError, match=r"write_parquet overwrite: expected True or False, "
                                          r"got 'no'"):
        write_parquet(frames["DataFrame"].limit(1), target, overwrite="no")
    assert sorted(p.name for p in target.iterdir()) == before
    assert spark.read.parquet(str(target)).count() == 4


def test_a_spark_table_that_is_no_table_is_named():
    from recstack.spark.session import settings_from_table

    # before: the letters of 'local[4]' were read as keys: "unknown key 'l'"
    with pytest.raises(ConfigError, match=r"\[spark\]: expected a table of Spark options .*"
                                          r"got 'local\[4\]'"):
        settings_from_table("local[4]")
    with pytest.raises(ConfigError, match=r"\[spark\]: expected a table .*got None"):
        settings_from_table(None)

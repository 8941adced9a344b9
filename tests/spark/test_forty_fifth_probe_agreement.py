"""Forty-fifth bad-input probe of the Spark path: inputs where Spark and one machine
disagreed. A recorded value of 0 (a preference of confidence 1 in recstack's ALS) was
skipped by Spark's ALS; values beyond float32's range (refused on one machine) were kept
and became infinite grades; float seconds (floored on one machine) were refused; a zero
heap ('0g') passed the settings check and stopped the JVM."""

from __future__ import annotations

import math
from dataclasses import replace
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import ConfigError, DataFormatError


def _frame(spark, rows, schema):
    return spark.createDataFrame(rows, schema)


def test_als_zero_values_are_preferences_of_confidence_one(spark):
    """By the definition c = 1 + alpha * r with preference 1 for every recorded row, data
    whose values are all 0 (any alpha) is data whose values are all 1 with alpha = 0.
    Spark skipped ratings of 0: the fit failed in LAPACK (or gave zero factors)."""
    from recstack.spark.data import encode
    from recstack.spark.models import SparkALS

    rows = [(u, i) for u in range(6) for i in range(5) if (u + i) % 3]
    zeros = encode(_frame(spark, [(u, i, 0.0) for u, i in rows],
                          "user_id long, item_id long, value double"))
    ones = encode(_frame(spark, [(u, i, 1.0) for u, i in rows],
                         "user_id long, item_id long, value double"))
    params = dict(factors=2, iterations=2, blocks=1, seed=7, regularization=0.05)
    from_zeros = SparkALS(alpha=3.0, **params).fit(zeros).factor_arrays()
    from_ones = SparkALS(alpha=0.0, **params).fit(ones).factor_arrays()
    assert np.abs(from_zeros[0]).max() > 0.01
    for got, expected in zip(from_zeros, from_ones, strict=True):
        np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("value", [1e300, -1e300, 3.5e38])
def test_values_beyond_float32_are_refused_as_on_one_machine(spark, value):
    from recstack.spark.data import encode

    with pytest.raises(DataFormatError) as one_machine:
        Interactions.from_frame(pd.DataFrame({"user_id": [1, 2], "item_id": [3, 4],
                                              "value": [1.0, value]}))
    assert "float32" in str(one_machine.value)
    frame = _frame(spark, [(1, 3, 1.0), (2, 4, value)],
                   "user_id long, item_id long, value double")
    with pytest.raises(DataFormatError, match=r"column 'value'.*float32"):
        encode(frame)


def test_values_within_float32_are_kept(spark):
    from recstack.spark.data import encode

    data = encode(_frame(spark, [(1, 3, 3.0e38), (2, 4, -3.0e38)],
                         "user_id long, item_id long, value double"))
    assert sorted(r["value"] for r in data.frame.collect()) == [-3.0e38, 3.0e38]


@pytest.mark.parametrize("kind", ["double", "float", "decimal(14,2)"])
def test_fractional_seconds_are_floored_as_on_one_machine(spark, kind):
    from recstack.spark.data import encode

    seconds = [1577836800.75, -1.5, 86400.0]
    floored = [1577836800, -2, 86400]  # floor, the one-machine rule
    one_machine = Interactions.from_frame(pd.DataFrame(
        {"user_id": [1, 2, 3], "item_id": [4, 5, 6], "timestamp": seconds}))
    assert one_machine.timestamp.tolist() == floored
    typed = [Decimal(str(s)) for s in seconds] if kind.startswith("decimal") else seconds
    rows = list(zip([1, 2, 3], [4, 5, 6], typed, strict=True))
    data = encode(_frame(spark, rows, f"user_id long, item_id long, timestamp {kind}"))
    assert data.has_timestamps
    got = data.to_interactions()
    assert got.timestamp.tolist() == floored


@pytest.mark.parametrize(("time", "says"), [
    (math.nan, r"column 'timestamp': nan on the row"),
    (math.inf, r"column 'timestamp': inf on the row"),
    (2.0e12, r"column 'timestamp': 2000000000000.0 on the row .* milliseconds"),
])
def test_fractional_seconds_that_are_no_time_are_refused(spark, time, says):
    from recstack.spark.data import encode

    frame = _frame(spark, [(1, 4, 10.0), (2, 5, time)],
                   "user_id long, item_id long, timestamp double")
    with pytest.raises(DataFormatError, match=says):
        encode(frame)


@pytest.mark.parametrize(("key", "amount"), [
    ("spark.driver.memory", "0g"), ("spark.driver.memory", "00m"),
    ("spark.executor.memory", "0"), ("spark.executor.memory", "0g")])
def test_a_heap_of_zero_is_refused(key, amount):
    from recstack.spark.session import settings_from_table

    with pytest.raises(ConfigError, match=rf"'{key}' = '{amount}'.*more than zero"):
        settings_from_table({"conf": {key: amount}})


@pytest.mark.parametrize(("key", "amount"), [("spark.driver.maxResultSize", "0"),
                                             ("spark.memory.offHeap.size", "0")])
def test_zero_where_spark_reads_it_as_no_limit_is_kept(key, amount):
    from recstack.spark.session import settings_from_table

    assert settings_from_table({"conf": {key: amount}}).conf[key] == amount


def _parquet_folder(folder, tables):
    import pyarrow.parquet as pq

    folder.mkdir()
    for number, table in enumerate(tables):
        pq.write_table(table, folder / f"part-{number}.parquet")
    return folder


@pytest.mark.parametrize(("column", "first", "second"), [
    ("user_id", ("int64", [1, 2]), ("string", ["5", "x"])),
    ("user_id", ("string", ["5", "x"]), ("int64", [1, 2])),
    ("user_id", ("int32", [1, 2]), ("int64", [5, 6])),
    ("value", ("float64", [1.5, 2.0]), ("string", ["1.5", "x"])),
])
def test_parquet_files_of_one_folder_with_other_column_types(spark, tmp_path, column, first,
                                                             second):
    """Spark takes a folder's column types from one file; another file's column of another
    type failed in the first job with a Py4JJavaError traceback."""
    import pyarrow as pa

    from recstack.errors import RecstackError
    from recstack.spark.data import read_table

    def table(kind, values):
        columns = {"user_id": pa.array([7, 8], pa.int64()), "item_id": pa.array([3, 4]),
                   "value": pa.array([1.0, 1.0])}
        columns[column] = pa.array(values, getattr(pa, kind)())
        return pa.table(columns)

    folder = _parquet_folder(tmp_path / "ratings", [table(*first), table(*second)])
    with pytest.raises(RecstackError, match=rf"ratings: cannot read it as parquet \(.*part-1"
                                            rf"\.parquet.*\[{column}\].*share one schema"):
        read_table(spark, str(folder), file_format="parquet", value_col="value")


@pytest.mark.parametrize("order", ["with_first", "without_first"])
def test_parquet_column_in_only_some_files_of_a_folder(spark, tmp_path, order):
    """A timestamp column in one file of two: never read as no column at all (Spark took
    the columns of the file without it) nor kept with nulls."""
    import pyarrow as pa

    from recstack.spark.data import read_table

    timed = pa.table({"user_id": [1, 2], "item_id": [3, 4], "timestamp": [10, 20]})
    plain = pa.table({"user_id": [5, 6], "item_id": [3, 4]})
    tables = [timed, plain] if order == "with_first" else [plain, timed]
    folder = _parquet_folder(tmp_path / "ratings", tables)
    with pytest.raises(DataFormatError, match=r"column 'timestamp': (only some of the "
                                              r"folder's Parquet files have this column|a "
                                              r"missing \(null\) value)"):
        read_table(spark, str(folder), file_format="parquet", timestamp_col="timestamp")


def test_a_stopped_session_is_refused_by_name(spark):
    """After ``spark.stop()`` pyspark drops the context's Java side (``_jsc`` is None);
    encode failed with PySparkRuntimeError SESSION_OR_CONTEXT_NOT_EXISTS. A stand-in
    session in that state (the shared one cannot be stopped here)."""
    from types import SimpleNamespace

    from recstack.spark.data import check_data, encode, read_table

    stopped = SimpleNamespace(read=None, createDataFrame=None, conf=spark.conf,
                              sparkContext=SimpleNamespace(_jsc=None))
    with pytest.raises(ConfigError, match=r"read_table\(spark, path\): the Spark session was "
                                          r"stopped \(spark.stop\(\)\); start another"):
        read_table(stopped, "ratings.csv")
    frame = SimpleNamespace(sparkSession=stopped, columns=["user_id", "item_id"])
    with pytest.raises(ConfigError, match=r"encode\(frame\): the Spark session was stopped"):
        encode(frame)
    data = encode(_frame(spark, [(1, 2)], "user_id long, item_id long"))
    with pytest.raises(ConfigError, match=r"k_core: the Spark session was stopped"):
        check_data(replace(data, frame=frame), "k_core")


def test_factor_rows_a_model_never_gives_are_refused(spark):
    """Factors unioned with others': a user on two rows failed in a Python worker, an item
    on two rows was ranked twice in one list (its hit counted twice); a row without
    features failed in the worker too."""
    from recstack.spark.data import from_interactions
    from recstack.spark.evaluation import evaluate_factors, factor_frame, top_k

    full = from_interactions(spark, Interactions.from_arrays([0, 0, 1, 1, 2], [0, 1, 1, 2, 0]))
    users = factor_frame(spark, np.eye(3, 2), "user_index")
    items = factor_frame(spark, np.eye(3, 2), "item_index")
    with pytest.raises(ConfigError, match=r"user_factors: user_index 0 on 2 rows; expected "
                                          r"one row of features per index"):
        evaluate_factors(users.union(users), items, full, full, ks=[2])
    with pytest.raises(ConfigError, match=r"item_factors: item_index 0 on 2 rows"):
        evaluate_factors(users, items.union(items), full, full, ks=[2])
    empty = spark.createDataFrame([(1, None)], "item_index int, features array<float>")
    with pytest.raises(ConfigError, match=r"item_factors: item_index 1 without features"):
        top_k(users, items.filter("item_index != 1").union(empty), None, 2)

"""Side tables and context columns that go from pandas to Spark and back keep their pandas
types: a UTC time came back naive, a ``Float32`` column with gaps as float32 whose NaN
stood for a missing value too, a category as text (read by the feature builder as text).
Each round trip is compared with the pandas frame that went in."""

from __future__ import annotations

import datetime
from contextlib import contextmanager

import numpy as np
import pandas as pd
import pandas.testing as pdt
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import ConfigError, DataFormatError

USERS = ["u1", "u1", "u2", "u2", "u3"]
ITEMS = ["a", "b", "b", "c", "c"]


def _times(texts, zone=None):
    times = pd.Series(pd.to_datetime(texts, format="ISO8601")).astype("datetime64[ns]")
    return times if zone is None else times.dt.tz_localize(zone)


@contextmanager
def _session_conf(spark, key, value):
    before = spark.conf.get(key)
    spark.conf.set(key, value)
    try:
        yield
    finally:
        spark.conf.set(key, before)


def _round_trip(spark, **tables):
    from recstack.spark.data import from_interactions

    data = Interactions.from_arrays(USERS, ITEMS, **tables)
    return data, from_interactions(spark, data).to_interactions()


def test_utc_times_come_back_aware_and_naive_times_naive(spark):
    table = pd.DataFrame({
        "item_id": ["a", "b", "c"],
        "added": _times(["2020-01-01 10:00:00.000001", None, "2021-06-01 23:59"], "UTC"),
        "released": _times(["1999-03-01 00:30", "2004-05-02 12:00", None]),
    })
    context = pd.DataFrame({"seen_at": _times(["2020-01-01 10:00", None, "2020-01-02",
                                               "2020-01-03", "2020-01-04 00:00:01"], "UTC"),
                            "local": _times([None, "2020-03-08 02:30", "2020-01-02",
                                             "2020-01-03", "2020-01-04"])})
    # a session in another zone: naive times stay the wall-clock times that went in, even
    # one that does not exist there (02:30 on the night clocks go forward), and aware ones
    # the same instants
    with _session_conf(spark, "spark.sql.session.timeZone", "America/New_York"):
        data, back = _round_trip(spark, item_table=table, context=context)
    assert str(back.item_table["added"].dtype) == "datetime64[ns, UTC]"
    assert back.item_table["added"][0] == pd.Timestamp("2020-01-01 10:00:00.000001", tz="UTC")
    assert str(back.item_table["released"].dtype) == "datetime64[ns]"
    assert back.context["local"][1] == pd.Timestamp("2020-03-08 02:30")
    pdt.assert_frame_equal(back.item_table, data.item_table)
    pdt.assert_frame_equal(back.context, data.context)


def test_times_in_another_zone_come_back_as_the_same_instants(spark):
    tokyo = _times(["2020-01-01 09:00", None, "2021-06-01 08:59"], "Asia/Tokyo")
    offset = _times(["2020-01-01 09:00", "2020-01-01 10:00", None],
                    datetime.timezone(datetime.timedelta(hours=-3, minutes=-30)))
    # past 2**53 microseconds from 1970 (the year 2255), where a float loses microseconds
    far = pd.Series(pd.to_datetime(["2300-01-01 00:00:00.000001", None, "1969-12-31 23:59:59"],
                                   format="ISO8601")).astype("datetime64[us]").dt.tz_localize("UTC")
    table = pd.DataFrame({"item_id": ["a", "b", "c"], "tokyo": tokyo, "offset": offset,
                          "far": far})
    data, back = _round_trip(spark, item_table=table)
    pdt.assert_frame_equal(back.item_table, data.item_table)
    assert back.item_table["far"][0].microsecond == 1
    # by hand: 09:00 in Tokyo is midnight UTC
    assert back.item_table["tokyo"][0].tz_convert("UTC") == pd.Timestamp("2020-01-01", tz="UTC")


@pytest.mark.parametrize("arrow", ["true", "false"])
def test_nullable_floats_keep_missing_values_apart_from_nan(spark, arrow):
    # a NaN and a missing value in one Float32 column (pandas' own arithmetic makes 0/0 a
    # missing value, so the NaN is set directly)
    score = pd.arrays.FloatingArray(np.array([1.5, np.nan, 0.0], np.float32),
                                    np.array([False, False, True]))
    weight = pd.array([None, 0.25, 1e300], dtype="Float64")
    # nullable integers and flags beside them: without Arrow, pyspark failed on a missing
    # flag (CANNOT_MERGE_TYPE)
    table = pd.DataFrame({"item_id": ["a", "b", "c"], "score": score, "weight": weight,
                          "rank": pd.array([3, None, 1], dtype="Int32"),
                          "new": pd.array([None, True, False], dtype="boolean")})
    context = pd.DataFrame({"price": pd.array([1.0, None, 2.5, None, 3.0], dtype="Float32")})
    with _session_conf(spark, "spark.sql.execution.arrow.pyspark.enabled", arrow):
        data, back = _round_trip(spark, item_table=table, context=context)
    assert str(back.item_table["score"].dtype) == "Float32"
    assert back.item_table["score"].isna().tolist() == [False, False, True]
    assert np.isnan(back.item_table["score"].to_numpy(np.float32, na_value=0.0)[1])
    pdt.assert_frame_equal(back.item_table, data.item_table)
    pdt.assert_frame_equal(back.context, data.context)


def test_categories_come_back_as_categories_with_their_order(spark):
    genre = pd.Categorical(["drama", None, "comedy"], categories=["horror", "drama", "comedy"],
                           ordered=True)
    decade = pd.Categorical([1990, 2000, None], categories=[2000, 1990, 1980])
    table = pd.DataFrame({"item_id": ["a", "b", "c"], "genre": genre, "decade": decade})
    context = pd.DataFrame({"device": pd.Categorical(["tv", "phone", "tv", None, "tv"],
                                                     categories=["tv", "phone", "web"])})
    data, back = _round_trip(spark, item_table=table, context=context)
    assert back.item_table["genre"].cat.categories.tolist() == ["horror", "drama", "comedy"]
    assert back.item_table["genre"].cat.ordered
    assert back.item_table["decade"].tolist()[:2] == [1990, 2000]
    pdt.assert_frame_equal(back.item_table, data.item_table)
    pdt.assert_frame_equal(back.context, data.context)


def test_the_types_survive_compaction_deduplication_and_parquet(spark, tmp_path):
    from recstack.spark.data import (
        compact,
        from_interactions,
        from_pandas,
        k_core,
        with_side_tables,
        write_parquet,
    )
    from recstack.spark.filters import deduplicate

    table = pd.DataFrame({
        "item_id": ["a", "b", "c"],
        "added": _times(["2020-01-01 10:00", None, "2021-06-01"], "UTC"),
        "score": pd.array([0.5, None, 2.0], dtype="Float32"),
        "genre": pd.Categorical(["x", "y", None], categories=["y", "x", "z"], ordered=True),
    })
    context = pd.DataFrame({"at": _times(["2020-01-01", "2020-01-02", "2020-01-03", None,
                                          "2020-01-05", "2020-01-06"], "UTC"),
                            "device": pd.Categorical(["tv", "tv", "web", "tv", "web", None])})
    users, items = ["u1", "u1", "u3", "u2", "u2", "u2"], ["a", "a", "b", "c", "c", "c"]
    data = from_interactions(spark, Interactions.from_arrays(
        users, items, timestamps=np.arange(6), item_table=table, context=context))
    cored, _ = k_core(data, user_min=1, item_min=2)
    back = compact(deduplicate(cored, "sum")[0]).to_interactions()
    # by hand: item "b" has one row and goes (renumbering the rest); each pair keeps its
    # latest row's context
    kept = table.iloc[[0, 2]].reset_index(drop=True)
    pdt.assert_frame_equal(back.item_table, kept)
    pdt.assert_frame_equal(back.context, context.iloc[[1, 5]].reset_index(drop=True))

    path = write_parquet(data.item_table.drop("item_index"), tmp_path / "items.parquet")
    again = with_side_tables(data, item_table=spark.read.parquet(path)).to_interactions()
    pdt.assert_frame_equal(again.item_table, table)
    # a pandas table made a Spark one by hand keeps them too
    made = with_side_tables(data, item_table=from_pandas(spark, table)).to_interactions()
    pdt.assert_frame_equal(made.item_table, table)


def test_a_value_outside_the_recorded_categories_is_refused(spark):
    from pyspark.sql import functions as F

    from recstack.spark.data import from_interactions, with_side_tables

    table = pd.DataFrame({"item_id": ["a", "b", "c"],
                          "genre": pd.Categorical(["x", "y", "x"])})
    data = from_interactions(spark, Interactions.from_arrays(USERS, ITEMS, item_table=table))
    side = data.item_table.drop("item_index")
    # a step that wrote another value but kept the column's metadata (the record)
    changed = side.withColumn("genre", F.when(F.col("item_id") == "b", F.lit("w"))
                              .otherwise(F.col("genre"))
                              .alias("genre", metadata=side.schema["genre"].metadata))
    with pytest.raises(DataFormatError, match=r"'w' is none of the column's 2 categories"):
        with_side_tables(data, item_table=changed).to_interactions()


def test_from_pandas_refuses_what_is_no_table(spark):
    from recstack.spark.data import from_pandas

    with pytest.raises(ConfigError, match=r"must be a pandas DataFrame, got Series \(its "
                                          r"\.to_frame\(\) makes one"):
        from_pandas(spark, pd.Series([1, 2]))
    with pytest.raises(ConfigError, match="the first argument must be the SparkSession"):
        from_pandas(pd.DataFrame({"a": [1]}), spark)
    with pytest.raises(DataFormatError, match="names the column 'a' more than once"):
        from_pandas(spark, pd.DataFrame([[1, 2]], columns=["a", "a"]))


def test_a_movielens_like_table_comes_back_whole_without_arrow(spark):
    # the columns read_movielens sends (lists of genres, an Int64 year with gaps) with the
    # session's default of no Arrow: the year's gap was not read as a missing value
    table = pd.DataFrame({"item_id": ["a", "b", "c"],
                          "title": ["Heat (1995)", "Untitled", "Up (2009)"],
                          "year": pd.array([1995, None, 2009], dtype="Int64"),
                          "genres": [["Action", "Crime"], [], ["Animation"]]})
    with _session_conf(spark, "spark.sql.execution.arrow.pyspark.enabled", "false"):
        data, back = _round_trip(spark, item_table=table)
    assert back.item_table["genres"].tolist() == [["Action", "Crime"], [], ["Animation"]]
    pdt.assert_frame_equal(back.item_table, data.item_table)

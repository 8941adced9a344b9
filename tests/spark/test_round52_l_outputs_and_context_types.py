"""Round 52 (L): ``write_parquet`` refuses the output names ``--out`` refuses and never
half-replaces an existing output; ``read_partitioned`` gives context columns back in the
pandas types one machine's reader gives."""

from __future__ import annotations

import os
import re

import numpy as np
import pandas as pd
import pytest

from recstack.errors import RecstackError

pytest.importorskip("pyspark")


@pytest.fixture()
def small(spark):
    return spark.createDataFrame(pd.DataFrame({"user_id": [1, 2, 3], "item_id": [4, 5, 6]}))


@pytest.mark.parametrize(("name", "words"), [
    ("out.", r"ends with a dot, which makes it another folder than 'out'; write it without"),
    (" out", r"starts with a space, which makes it another folder than 'out'"),
    ("out ", r"ends with a space, which makes it another folder than 'out'"),
    ("...", r"is no folder name \(only dots and spaces\)"),
    (".", r"is the working folder, which writing the Parquet output there would replace"),
    ("..", r"is the folder above the working one"),
    ("sub/..", r"ends with '/\.\.', so it names a folder above"),
    ("~", r"names a home folder"),
])
def test_an_output_name_refused_by_out_is_refused_before_spark_writes(
        spark, small, tmp_path, monkeypatch, name, words):
    from recstack.spark.data import write_parquet

    monkeypatch.chdir(tmp_path)
    (tmp_path / "sub").mkdir()
    (tmp_path / "keep.txt").write_text("mine")
    before = sorted(os.listdir(tmp_path))
    # before: '.' with overwrite=True deleted the working folder's files, 'out.' and ' out'
    # made folders beside 'out', '~' made a folder named '~'
    for overwrite in (False, True):
        with pytest.raises(RecstackError,
                           match=rf"^write_parquet path: {re.escape(repr(name))} {words}"):
            write_parquet(small, name, overwrite=overwrite)
    assert sorted(os.listdir(tmp_path)) == before
    assert (tmp_path / "keep.txt").read_text() == "mine"


def test_a_folder_holding_the_working_folder_is_never_replaced(spark, small, tmp_path,
                                                                monkeypatch):
    from recstack.spark.data import write_parquet

    inner = tmp_path / "outer" / "work"
    inner.mkdir(parents=True)
    monkeypatch.chdir(inner)
    with pytest.raises(RecstackError, match=r"holds the working folder .*give a new "
                                            r"folder's name"):
        write_parquet(small, tmp_path / "outer", overwrite=True)
    assert inner.is_dir()


def test_a_failed_overwrite_keeps_the_old_output_whole(spark, small, tmp_path):
    from pyspark.sql import functions as F

    from recstack.spark.data import write_parquet

    target = tmp_path / "out.parquet"
    write_parquet(small, target)

    def fail(value: int) -> int:
        raise RuntimeError("injected failure while writing")

    broken = small.withColumn("checked", F.udf(fail, "long")(F.col("user_id")))
    # before: Spark's overwrite deleted the old output first, and the failed job left an
    # empty folder, read as an empty dataset
    with pytest.raises(RecstackError, match=r"failed, and the output already there was "
                                            r"left as it was"):
        write_parquet(broken, target, overwrite=True)
    rows = sorted(tuple(row) for row in spark.read.parquet(str(target)).collect())
    assert rows == [(1, 4), (2, 5), (3, 6)]
    assert not [p for p in os.listdir(tmp_path) if p != "out.parquet"]  # no staging left
    write_parquet(small.limit(1), target, overwrite=True)
    assert spark.read.parquet(str(target)).count() == 1


def test_context_columns_come_back_in_the_types_one_machine_reads(spark, tmp_path):
    from recstack.data.interactions import Interactions
    from recstack.data.partitioned import write_partitioned
    from recstack.spark.data import read_partitioned

    seconds = [1704067200, 1704153600, 1706745600, 1706918400]  # Jan and Feb 2024
    frame = pd.DataFrame({
        "user_id": [1, 1, 2, 2], "item_id": [10, 11, 10, 12], "value": 1.0,
        "timestamp": seconds,
        "when": pd.to_datetime(["2024-01-01 10:00"] * 4).tz_localize("Europe/Paris"),
        "count": pd.array([1, None, 3, 2**53 + 1], dtype="Int64"),
        "small": pd.array([1, None, 3, 4], dtype="Int32"),
        "byte": np.array([0, 200, 255, 7], dtype="uint8"),
        "share": pd.array([0.5, None, np.nan, 1.0], dtype="Float64"),
        "flag": pd.array([True, None, False, True], dtype="boolean"),
        "label": pd.array(["x", None, "z", "w"], dtype="string"),
    })
    context = ["when", "count", "small", "byte", "share", "flag", "label"]
    root = tmp_path / "data"
    write_partitioned(Interactions.from_frame(frame, context_cols=context), root)
    # before: the zone was lost (naive UTC wall-clock times), Int64/Int32 came back as
    # float64 (NaN for <NA>, 2**53 + 1 as 2**53), uint8 as int16, Float64 as float64,
    # boolean as objects and string as str
    read = read_partitioned(spark, root).to_interactions()
    # in the order written (Spark's row order follows the files it lists first)
    back = read.context.iloc[np.argsort(read.timestamp, kind="stable")].reset_index(
        drop=True)
    expected = {"when": "datetime64[us, Europe/Paris]", "count": "Int64", "small": "Int32",
                "byte": "uint8", "share": "Float64", "flag": "boolean", "label": "string"}
    assert {name: str(back[name].dtype) for name in context} == expected
    assert back["when"].iloc[0] == pd.Timestamp("2024-01-01 10:00", tz="Europe/Paris")
    assert back["count"].tolist()[0] == 1 and back["count"].isna().tolist() == [
        False, True, False, False]
    assert int(back["count"].iloc[3]) == 9007199254740993
    assert back["byte"].tolist() == [0, 200, 255, 7]
    assert back["share"].tolist()[0] == 0.5
    assert back["share"].isna().tolist() == [False, True, True, False]
    assert back["flag"].isna().tolist() == [False, True, False, False]
    assert back["label"].isna().tolist() == [False, True, False, False]


def test_ids_mixing_text_and_numbers_are_refused_as_on_one_machine(spark):
    from recstack.errors import DataFormatError
    from recstack.spark.data import encode, from_pandas

    table = pd.DataFrame({"user_id": [1, "1", "a"], "item_id": [4, 5, 6]})
    # before: pyspark made the integer 1 the text '1', and user 1 and user "1" became one
    # user; Interactions.from_frame refuses the same frame
    with pytest.raises(DataFormatError, match=r"column 'user_id': ids mix text and other "
                                              r"types \(int, str\): position 0 holds 1, "
                                              r"position 1 '1'"):
        encode(from_pandas(spark, table))
    assert encode(from_pandas(spark, table.astype({"user_id": str}))).n_users == 2


@pytest.mark.parametrize(("make", "says"), [
    (lambda m: m.SparkALS(factor=3), r"SparkALS\(\) has no argument 'factor' \(did you mean "
                           r"'factors'\?\)"),
    (lambda m: m.SparkALS(3), r"SparkALS\(\) takes no positional arguments, got 1"),
    (lambda m: m.SparkItemCooccurrence(neighbours=5), r"SparkItemCooccurrence\(\) has no argument "
                                            r"'neighbours' \(did you mean 'neighbors'\?\)"),
    (lambda m: m.SparkPopularity(k=10), r"SparkPopularity\(\) has no argument 'k'; it takes no "
                              r"arguments"),
    (lambda m: m.SparkPopularity().top(n=10), r"SparkPopularity.top\(\) has no argument 'n'; it "
                                    r"takes SparkPopularity.top\(k\)"),
])
def test_a_misspelt_model_setting_is_a_config_error(make, says):
    from recstack.errors import ConfigError
    from recstack.spark import models

    # before: Python's TypeError ("got an unexpected keyword argument 'neighbours'"), where
    # the single-machine models name the parameter meant and list their parameters
    with pytest.raises(ConfigError, match=says):
        make(models)

"""Eighth bad-input probe of the Spark path's data: CSV ids read by the single-machine id
rule rather than Spark's schema inference, and timestamps given as dates, as zone-less
date-times or in milliseconds."""

from __future__ import annotations

import datetime

import pandas as pd
import pytest

from recstack.errors import ConfigError, DataFormatError


def ids(vocabulary, column: str) -> list:
    """A vocabulary's external ids in index order."""
    return [row[column] for row in vocabulary.orderBy(f"{column[:4]}_index").collect()]


def test_csv_ids_spelled_differently_stay_different_ids(spark, tmp_path):
    from recstack.spark.data import read_table

    path = tmp_path / "spellings.csv"
    path.write_text("user_id,item_id\n007,1\n7,2\n+7,001\n7.0,3\n")
    data = read_table(spark, path)
    # before: 007, 7, +7 and 7.0 were all read as the number 7, one user of 4 rows (and the
    # items 001 and 1 one item); every single-machine reader keeps them as text, 4 users
    assert (data.n_users, data.n_items) == (4, 4)
    assert ids(data.users, "user_id") == ["+7", "007", "7", "7.0"]
    assert ids(data.items, "item_id") == ["001", "1", "2", "3"]
    # ids that are all integers written plainly (blanks around them aside) are integers
    path = tmp_path / "plain.csv"
    path.write_text("user_id, item_id,rating\n 2,10,5\n1 ,-3,4\n")
    data = read_table(spark, path, value_col="rating")
    assert ids(data.users, "user_id") == [1, 2]
    assert ids(data.items, "item_id") == [-3, 10]
    assert data.frame.schema["value"].dataType.simpleString() == "double"


def test_csv_ids_no_number_type_holds_are_text_ids(spark, tmp_path):
    from recstack.spark.data import read_table

    path = tmp_path / "words.csv"
    path.write_text("user_id,item_id\n123456789012345678901234567,true\n"
                    "123456789012345678901234568,2020-01-01\n")
    # before: refused, 'Decimal(...) is not a whole number below 2**53' and 'holds boolean'
    # (the ids as Spark's inference typed them); one machine reads them as text ids
    data = read_table(spark, path)
    assert ids(data.users, "user_id") == ["123456789012345678901234567",
                                          "123456789012345678901234568"]
    assert ids(data.items, "item_id") == ["2020-01-01", "true"]


def test_dates_and_zone_less_times_are_utc_unix_seconds(spark, tmp_path):
    from recstack.spark.data import encode, read_table

    path = tmp_path / "dates.csv"
    path.write_text("user_id,item_id,day\n1,1,2020-01-01\n2,2,2020-01-02\n")
    # before: an AnalysisException traceback (Spark cannot cast a date to a number)
    data = read_table(spark, path, timestamp_col="day")
    midnight = int(datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC).timestamp())
    times = sorted(row["timestamp"] for row in data.frame.collect())
    assert times == [midnight, midnight + 86_400]

    naive = pd.DataFrame({"user_id": [1, 2], "item_id": [1, 2], "timestamp": pd.to_datetime(
        ["2020-01-01 10:30:15", "2020-01-02 00:00:00"])})
    naive.to_parquet(tmp_path / "naive.parquet")
    frame = spark.read.parquet(str(tmp_path / "naive.parquet"))
    assert frame.schema["timestamp"].dataType.simpleString() == "timestamp_ntz"
    # before: refused, 'holds timestamp_ntz'; one machine reads such times as UTC
    times = sorted(row["timestamp"] for row in encode(frame).frame.collect())
    assert times == [midnight + 10 * 3600 + 30 * 60 + 15, midnight + 86_400]


def test_milliseconds_are_refused_rather_than_read_as_seconds(spark, tmp_path):
    from recstack.spark.data import read_table

    path = tmp_path / "millis.csv"
    path.write_text("user_id,item_id,t\n1,1,1577836800000\n2,2,1577836801000\n")
    # before: read as seconds, 1577836800000 the year 51970 (every time filter and split
    # then cut in the wrong place)
    with pytest.raises(DataFormatError) as raised:
        read_table(spark, path, timestamp_col="t")
    message = str(raised.value)
    assert message.startswith(f"{path}: column 'timestamp': 1577836800000 on the row ")
    assert "looks like milliseconds" in message
    assert "expected whole Unix seconds, below 1e11" in message
    seconds = tmp_path / "seconds.csv"
    seconds.write_text("user_id,item_id,t\n1,1,1577836800\n")
    assert read_table(spark, seconds, timestamp_col="t").frame.collect()[0]["timestamp"] \
        == 1577836800


def test_train_and_test_indexed_apart_are_refused(spark, tmp_path):
    from recstack.spark.data import random_split, read_table
    from recstack.spark.evaluation import evaluate_factors, factor_frame, ranking_metrics

    train_path, test_path = tmp_path / "train.csv", tmp_path / "test.csv"
    train_path.write_text("user_id,item_id\nann,a\nann,b\nbob,b\nbob,c\ncid,a\n")
    # test.csv holds only bob and cid, a and c: read apart, bob is user 0 here and 1 there
    test_path.write_text("user_id,item_id\nbob,a\ncid,c\n")
    train, test = read_table(spark, train_path), read_table(spark, test_path)
    users = factor_frame(spark, [[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]], "user_index")
    items = factor_frame(spark, [[1.0, 0.0], [0.0, 1.0], [0.5, 0.5]], "item_index")
    # before: metrics of other users' lists against other items, as plausible numbers
    with pytest.raises(ConfigError, match=r"test and train were indexed apart: user_index 0 "
                                          r"is the user 'bob' in test and user 'ann' in "
                                          r"train"):
        evaluate_factors(users, items, train, test, ks=[2])
    lists = spark.createDataFrame([(0, 1, 0, 1.0)], "user_index int, rank int, "
                                                    "item_index int, score float")
    with pytest.raises(ConfigError, match=r"indexed apart: user_index 0 is the user 'bob'"):
        ranking_metrics(lists, test, [1], train=train, metrics=["precision"])
    # the splits of one SparkInteractions share their vocabularies
    split = random_split(train, 0.4, seed=1)
    _per_user, means = evaluate_factors(users, items, split.train, split.test, ks=[2])
    assert set(means) == {"precision@2", "recall@2", "ndcg@2", "map@2"}


def test_csv_date_times_without_a_zone_are_utc_whatever_the_sessions_zone(spark, tmp_path):
    from recstack.spark.data import read_table

    path = tmp_path / "times.csv"
    path.write_text("user_id,item_id,when\n1,1,2020-01-01 10:00:00\n")
    expected = int(datetime.datetime(2020, 1, 1, 10, tzinfo=datetime.UTC).timestamp())
    zone = spark.conf.get("spark.sql.session.timeZone")
    spark.conf.set("spark.sql.session.timeZone", "Asia/Tokyo")
    try:
        # before: read in the session's zone, 9 hours earlier than one machine reads it
        read = read_table(spark, path, timestamp_col="when").frame.collect()
        kept = read_table(spark, path, timestamp_col="when",
                          options={"timeZone": "Asia/Tokyo"}).frame.collect()
    finally:
        spark.conf.set("spark.sql.session.timeZone", zone)
    assert read[0]["timestamp"] == expected
    assert kept[0]["timestamp"] == expected - 9 * 3600  # a zone the user names is kept

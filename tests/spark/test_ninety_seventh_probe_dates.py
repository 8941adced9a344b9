"""Ninety-seventh probe: Python ``datetime.date`` values in a ``timestamp`` column. One
machine's ``Interactions.from_frame`` now reads each date as its midnight UTC (the data
helper's rule, as a Parquet date column is read); Spark's ``encode`` of the same frame
(``createDataFrame`` makes a DateType column) must give the same seconds. The expected
seconds are written from the definition: days since 1970-01-01 times 86400."""

from __future__ import annotations

import datetime

import pandas as pd

from recstack.data.interactions import Interactions

DATES = [datetime.date(2020, 1, 1), datetime.date(2020, 1, 2), datetime.date(1969, 12, 31)]
#: midnight UTC of each date, in Unix seconds
MIDNIGHTS = [(d - datetime.date(1970, 1, 1)).days * 86400 for d in DATES]


def _frame():
    return pd.DataFrame({"user_id": [1, 1, 2], "item_id": [10, 11, 10], "value": 1.0,
                         "timestamp": pd.Series(DATES, dtype=object)})


def test_one_machine_reads_python_dates_as_midnight_utc():
    data = Interactions.from_frame(_frame())
    assert sorted(data.timestamp.tolist()) == sorted(MIDNIGHTS)


def test_spark_encode_agrees_with_one_machine_on_python_dates(spark):
    from pyspark.sql import types as T

    from recstack.spark.data import encode

    frame = spark.createDataFrame(_frame())
    assert isinstance(frame.schema["timestamp"].dataType, T.DateType)
    encoded = encode(frame)
    spark_seconds = sorted(r["timestamp"] for r in encoded.frame.select("timestamp").collect())
    one = Interactions.from_frame(_frame())
    assert spark_seconds == sorted(one.timestamp.tolist()) == sorted(MIDNIGHTS)

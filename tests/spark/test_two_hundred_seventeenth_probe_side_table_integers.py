"""A side table's integer column with a gap, taken through Spark and collected back, holds
the integers one machine holds: toPandas carries such a column as float64, and an integer
past 2**53 came back changed (2**53 + 1 as 2**53)."""
import pandas as pd
import pandas.testing as pdt

from recstack.data.interactions import Interactions
from recstack.spark.data import from_interactions, with_side_tables


def test_integers_past_2_53_with_a_gap_come_back_as_written(spark):
    from pyspark.sql import types as T

    big = 2 ** 53 + 1  # 9007199254740993: the nearest float64 is 2**53
    items = pd.DataFrame({"item_id": ["a", "b", "c"],
                          "year": pd.array([1999, None, big], dtype="Int64"),
                          "zip": ["02139", None, "007"]})
    data = Interactions.from_arrays(["u1", "u1", "u2"], ["a", "b", "c"], item_table=items)
    back = from_interactions(spark, data).to_interactions()
    pdt.assert_frame_equal(back.item_table, data.item_table)
    assert back.item_table["year"].tolist() == [1999, pd.NA, 9007199254740993]
    assert back.item_table["zip"].tolist()[::2] == ["02139", "007"]

    # a Spark table of longs with a null, given to with_side_tables: the same integers
    schema = T.StructType([T.StructField("user_id", T.StringType()),
                           T.StructField("score", T.LongType(), True)])
    users = spark.createDataFrame([("u1", -big), ("u2", None)], schema)
    carried = with_side_tables(from_interactions(spark, data), user_table=users)
    table = carried.to_interactions().user_table
    assert str(table["score"].dtype) == "Int64"
    assert table["score"].tolist() == [-9007199254740993, pd.NA]

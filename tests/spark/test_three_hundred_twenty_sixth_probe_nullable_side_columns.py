"""A Parquet side table with gaps, read by Spark and collected to the driver, holds the
kinds one machine reads from the same file: a true/false column with a null came back as
objects (True, None), which the feature builder reads as categories, where one machine
keeps pandas' nullable ``boolean``; an int32 column with a null came back as ``Int64``
where one machine keeps ``Int32``. Times and dates with gaps already agreed; checked here
too."""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd
import pandas.testing as pdt

from recstack.data.interactions import Interactions
from recstack.data.side_table import read_side_table


def test_a_parquet_side_table_with_gaps_comes_back_as_one_machine_reads_it(spark, tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    from recstack.spark.data import from_interactions, with_side_tables

    path = tmp_path / "items.parquet"
    pq.write_table(pa.table({
        "item_id": pa.array(["a", "b", "c"]),
        "new": pa.array([True, None, False], pa.bool_()),
        "seen": pa.array([True, False, True], pa.bool_()),
        "year": pa.array([1999, None, 2004], pa.int32()),
        "rank": pa.array([1, None, 3], pa.int8()),
        "count": pa.array([10, None, 30], pa.int64()),
        "added": pa.array([datetime(2020, 1, 1, 12), None, datetime(2021, 6, 1)],
                          pa.timestamp("us")),
        "released": pa.array([date(1999, 3, 1), None, date(2004, 5, 2)], pa.date32()),
    }), path)
    one_machine = Interactions.from_arrays(["u1", "u1", "u2"], ["a", "b", "c"],
                                           item_table=read_side_table(path))
    data = from_interactions(spark, Interactions.from_arrays(["u1", "u1", "u2"],
                                                              ["a", "b", "c"]))
    back = with_side_tables(data, item_table=spark.read.parquet(str(path))).to_interactions()
    table = back.item_table

    # by hand, as the file holds them
    assert str(table["new"].dtype) == "boolean"
    assert table["new"].tolist() == [True, pd.NA, False]
    assert str(table["seen"].dtype) == "bool"
    assert str(table["year"].dtype) == "Int32" and table["year"].tolist() == [1999, pd.NA, 2004]
    assert str(table["rank"].dtype) == "Int8" and table["rank"].tolist() == [1, pd.NA, 3]
    assert str(table["count"].dtype) == "Int64"
    assert table["added"].tolist()[::2] == [pd.Timestamp("2020-01-01 12:00"),
                                            pd.Timestamp("2021-06-01")]
    assert table["added"].isna().tolist() == [False, True, False]
    assert table["released"].tolist() == [date(1999, 3, 1), None, date(2004, 5, 2)]
    # and as one machine reads the same file
    pdt.assert_frame_equal(table, one_machine.item_table)

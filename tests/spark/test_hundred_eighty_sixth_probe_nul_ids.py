"""Hundred-eighty-sixth probe of the Spark backend: text ids holding a NUL character
(``'b\\x00'``) were ids on the cluster, in a DataFrame, a CSV file or a side table's keys,
where one machine's loaders refuse them (no text file carries one, and a saved model drops
a trailing one): the data moved to one machine with ``to_interactions`` kept them. Now the
Spark loader refuses them as one machine does, naming the column, the row and the count.
Each test failed before its fix."""

from __future__ import annotations

import pandas as pd
import pytest

from recstack.errors import DataFormatError

RULE = ("is text holding a NUL character ('\\x00'), which no id can hold (no text file "
        "carries one, and a saved model would drop it); strip NUL characters from the ids")


def test_a_nul_in_a_text_id_is_refused_naming_the_row_and_count(spark):
    from recstack.spark.data import encode

    frame = spark.createDataFrame(pd.DataFrame({"user_id": ["a", "b\x00", "c\x00d"],
                                                "item_id": ["x", "y", "z"]}))
    with pytest.raises(DataFormatError) as caught:
        encode(frame)
    error = caught.value
    assert error.column == "user_id" and error.expected == "integer or text ids"
    # the first row holding one (Spark's order), and the 2 rows holding one
    assert error.detail in (
        f"'b\\x00' on the row (user_id='b\\x00', item_id='y') {RULE} (2 such values in all)",
        f"'c\\x00d' on the row (user_id='c\\x00d', item_id='z') {RULE} (2 such values in all)")


def test_a_nul_in_a_csv_id_and_a_side_table_key_is_refused(spark, tmp_path):
    from recstack.spark.data import encode, read_table, with_side_tables

    path = tmp_path / "log.csv"
    path.write_bytes(b"user_id,item_id\n1,a\n2,b\x00\n")
    with pytest.raises(DataFormatError) as caught:
        read_table(spark, path)
    assert caught.value.column == "item_id"
    assert caught.value.detail == f"'b\\x00' on the row (user_id=2, item_id='b\\x00') {RULE}"

    data = encode(spark.createDataFrame(pd.DataFrame({"user_id": [1, 2],
                                                      "item_id": ["x", "y"]})))
    table = spark.createDataFrame(pd.DataFrame({"item_id": ["x", "y\x00"], "t": ["a", "b"]}))
    with pytest.raises(DataFormatError) as caught:
        with_side_tables(data, item_table=table)
    assert caught.value.column == "item_id"
    assert caught.value.detail == (f"'y\\x00' on the side table's row (item_id='y\\x00', "
                                   f"t='b') {RULE}")


def test_ids_without_a_nul_are_read_as_before(spark):
    from recstack.spark.data import encode

    data = encode(spark.createDataFrame(pd.DataFrame({"user_id": ["a", "b", "a"],
                                                      "item_id": ["x\\x00", "y", "y"]})))
    # the four characters x, \, x, 0, 0 written out are no NUL
    assert data.n_users == 2 and data.n_items == 2
    assert sorted(data.to_interactions().items.external_ids.tolist()) == ["x\\x00", "y"]

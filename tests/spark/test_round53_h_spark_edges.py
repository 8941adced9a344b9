"""Round 53 (H): CSV rows of another width, and SparkALS settings at their edges."""

from __future__ import annotations

import pytest

from recstack.data import Interactions
from recstack.errors import ConfigError, DataFormatError, RecstackError


def test_a_csv_row_with_an_extra_field_is_refused_as_on_one_machine(spark, tmp_path):
    from recstack.data.files import load_table
    from recstack.spark.data import read_table

    path = tmp_path / "ratings.csv"
    # the last row has a fourth field: Spark read it as rating 4 and dropped the 9
    path.write_text("user_id,item_id,rating\n1,2,5\n1,3,4,9\n", encoding="utf-8")
    with pytest.raises(DataFormatError, match="has 4 field"):
        load_table(path, value_col="rating")
    with pytest.raises(DataFormatError) as caught:
        read_table(spark, path, value_col="rating")
    assert str(caught.value) == (
        f"{path}: the row '1,3,4,9' has 4 field(s) (expected 3 fields separated by ',', "
        "as the header names, on every row)")


def test_a_csv_row_with_a_missing_unread_field_is_refused(spark, tmp_path):
    from recstack.spark.data import read_table

    path = tmp_path / "ratings.tsv"
    # the short row lacks only the column not read: nothing else would notice it
    path.write_text("user_id\titem_id\tnote\n1\t2\tx\n1\t3\n", encoding="utf-8")
    with pytest.raises(DataFormatError, match=r"the row '1\\t3' has 2 field\(s\) \(expected "
                       r"3 fields separated by '\\t'"):
        read_table(spark, path)


def test_als_without_regularization_and_more_factors_than_items_says_why(spark):
    from recstack.spark.data import from_interactions
    from recstack.spark.models import SparkALS

    data = from_interactions(spark, Interactions.from_arrays([0, 0, 1, 2], [0, 1, 1, 2]))
    with pytest.raises(RecstackError) as caught:
        SparkALS(factors=8, regularization=0.0, iterations=1, blocks=1).fit(data)
    assert "with regularization = 0 and factors = 8" in str(caught.value)
    assert "give regularization > 0, or fewer factors" in str(caught.value)


@pytest.mark.parametrize("blocks", [46_341, 10**6])
def test_als_blocks_past_what_spark_counts_are_refused_before_any_job(blocks):
    pytest.importorskip("pyspark")
    from recstack.spark.models import SparkALS

    # 46,340 squared fits a Java int, 46,341 squared does not
    assert 46_340 ** 2 <= 2**31 - 1 < 46_341 ** 2
    with pytest.raises(ConfigError, match=rf"SparkALS blocks: expected an integer in "
                       rf"\[1, 46340\], got {blocks}"):
        SparkALS(blocks=blocks).fit(None)

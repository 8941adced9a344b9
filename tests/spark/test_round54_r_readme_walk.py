"""Walking the README's Spark section with one mistake at a time: a folder that holds no
Parquet (CSV files given to read_partitioned) is refused naming the file Spark could not
read, not with a Py4J error's first line ("An error occurred while calling o38.parquet.")."""

from __future__ import annotations

import pytest

from recstack.errors import RecstackError


def test_a_folder_of_csv_files_names_the_file_that_is_no_parquet(spark, tmp_path):
    from recstack.spark.data import read_partitioned

    (tmp_path / "ratings.csv").write_text("user_id,item_id,rating\n1,2,5\n2,3,4\n")
    with pytest.raises(RecstackError) as caught:
        read_partitioned(spark, tmp_path)
    message = str(caught.value)
    assert "ratings.csv" in message
    assert "Could not read footer" in message
    assert "An error occurred while calling" not in message
    assert "write_partitioned" in message

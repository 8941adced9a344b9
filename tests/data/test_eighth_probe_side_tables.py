"""Eighth probe, side tables (items and users files): texts pandas reads as missing values,
header names with spaces, the empty column of a separator at the end of each line, and a
Parquet file whose key was saved as the pandas index."""

import math

import pandas as pd
import pytest

from recstack.data.side_table import read_side_table


def _items(tmp_path, text):
    path = tmp_path / "items.csv"
    path.write_text(text)
    return path


@pytest.mark.parametrize("title", ["NA", "None", "null", "nan", "N/A", "NULL"])
def test_a_title_pandas_reads_as_missing_is_kept_as_written(tmp_path, title):
    # pandas made each of these a missing value: the service showed the title as null
    table = read_side_table(_items(tmp_path, f"item_id,title\n1,{title}\n2,Heat\n"))
    assert table["title"].tolist() == [title, "Heat"]


def test_a_region_code_na_is_a_region_and_na_among_numbers_a_missing_number(tmp_path):
    table = read_side_table(_items(tmp_path, "item_id,region,price\n1,EU,3.5\n2,NA,NA\n"
                                             "3,,\n4,US,nan\n"))
    assert table["region"].tolist()[:2] == ["EU", "NA"]
    assert pd.isna(table["region"].iloc[2])  # an empty field is the one missing value
    assert pd.api.types.is_float_dtype(table["price"])
    assert table["price"].iloc[0] == 3.5
    assert all(math.isnan(v) for v in table["price"].iloc[1:])


def test_header_names_are_trimmed_as_in_the_logs(tmp_path):
    table = read_side_table(_items(tmp_path, "item_id , title\n1,Heat\n2,Ran\n"),
                            columns=["title"])
    assert list(table.columns) == ["item_id", "title"]
    assert table["item_id"].tolist() == [1, 2]


def test_a_separator_ending_every_line_adds_no_column(tmp_path):
    table = read_side_table(_items(tmp_path, "item_id,title,\n1,Heat,\n2,Ran,\n"))
    assert list(table.columns) == ["item_id", "title"]


def test_a_parquet_key_saved_as_the_index_is_the_key(tmp_path):
    path = tmp_path / "items.parquet"
    pd.DataFrame({"title": ["Heat", "Ran"]},
                 index=pd.Index([7, 9], name="item_id")).to_parquet(path)
    table = read_side_table(path)
    assert table.to_dict("list") == {"item_id": [7, 9], "title": ["Heat", "Ran"]}

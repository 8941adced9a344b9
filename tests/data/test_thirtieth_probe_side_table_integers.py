"""Thirtieth probe, a side table (items or users file) whose integer column has a gap: pandas
holds a missing integer as NaN, so every other value of the column became a float (a
year 1999 shown as 1999.0 in the item metadata) without a word. Now such a column is
read as pandas' nullable integers, 1999 and <NA>, in CSV and Parquet tables alike, as the
MovieLens loaders already give ``year``."""

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from recstack.data.files import save_table
from recstack.data.interactions import Interactions
from recstack.data.side_table import read_side_table
from recstack.data.sources import DATASET_INTERACTIONS, DATASET_ITEMS, load_source


def test_a_csv_integer_column_with_a_gap_stays_integers(tmp_path):
    path = tmp_path / "items.csv"
    path.write_text("item_id,title,year,score\n1,a,1999,1.5\n2,b,,2\n3,c,2001,\n")
    table = read_side_table(path)
    assert str(table["year"].dtype) == "Int64"
    assert table["year"].tolist() == [1999, pd.NA, 2001]
    # a column of decimals keeps its floats, gap and all
    assert table["score"].dtype == "float64" and table["score"].tolist()[:2] == [1.5, 2.0]


def test_a_marker_of_a_missing_number_is_a_gap_too(tmp_path):
    path = tmp_path / "items.csv"
    path.write_text("item_id,year\n1,1999\n2,NA\n3,-12\n")
    assert read_side_table(path)["year"].tolist() == [1999, pd.NA, -12]


def test_a_parquet_integer_column_with_a_null_stays_integers(tmp_path):
    path = tmp_path / "items.parquet"
    pq.write_table(pa.table({"item_id": [1, 2, 3],
                             "year": pa.array([1999, None, 2001], pa.int64()),
                             "votes": pa.array([None, 7, 8], pa.int32())}), path)
    table = read_side_table(path)
    assert str(table["year"].dtype) == "Int64" and str(table["votes"].dtype) == "Int32"
    assert table["year"].tolist() == [1999, pd.NA, 2001]
    assert table["votes"].tolist() == [pd.NA, 7, 8]


def test_a_dataset_folder_shows_whole_years_in_its_item_table(tmp_path):
    save_table(Interactions.from_arrays([1, 2], [10, 20]), tmp_path / DATASET_INTERACTIONS)
    pq.write_table(pa.table({"item_id": [10, 20], "year": pa.array([1999, None], pa.int64())}),
                   tmp_path / DATASET_ITEMS)
    items = load_source(str(tmp_path)).item_table
    assert items.set_index("item_id")["year"].astype(object).tolist() == [1999, pd.NA]
    assert str(items["year"].dtype) == "Int64"


def test_columns_without_gaps_keep_their_types(tmp_path):
    path = tmp_path / "items.csv"
    path.write_text("item_id,year,score\n1,1999,1.5\n2,2000,2.5\n")
    table = read_side_table(path)
    assert table["year"].dtype == "int64" and table["score"].dtype == "float64"

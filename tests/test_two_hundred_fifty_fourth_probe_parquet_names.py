"""A Parquet side table's column names by the rule a CSV header and the logs' Parquet reader
follow: a column without a name that holds values is refused (it was kept as ``''`` or
``' '``), one without values is dropped, and names lose surrounding spaces and a
byte-order mark (``' item_id'`` was no ``item_id`` in Parquet where it was in CSV)."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from recstack.data.side_table import read_side_table
from recstack.errors import DataFormatError


def _parquet(tmp_path, columns: dict, names: list[str] | None = None):
    path = tmp_path / "items.parquet"
    arrays = [pa.array(values) if not isinstance(values, pa.Array) else values
              for values in columns.values()]
    pq.write_table(pa.table(arrays, names=names or list(columns)), path)
    return path


@pytest.mark.parametrize(("name", "blank"), [("", ""), ("  ", " (its name is '  ', blank)"),
                                             ("\t", " (its name is '\\t', blank)")])
def test_a_parquet_column_without_a_name_holding_values_is_refused(tmp_path, name, blank):
    path = _parquet(tmp_path, {"item_id": [1, 2], name: [None, "b"]})
    with pytest.raises(DataFormatError) as caught:
        read_side_table(path)
    assert str(caught.value) == (
        f"{path}: not a readable Parquet items file: its schema's column 2 has no "
        f"name{blank}, but it holds values ('b' in row 2) (expected a name for every column "
        "that holds values: rewrite the file with the column named, or without it)")
    # the CSV twin is refused alike
    csv = tmp_path / "items.csv"
    csv.write_text("item_id,,title\n1,,x\n2,b,y\n")
    with pytest.raises(DataFormatError, match=r"the header's column 2 has no name, but its "
                                              r"fields hold values \('b' on line 3\)"):
        read_side_table(csv)


def test_a_number_in_an_unnamed_column_is_shown_as_a_number(tmp_path):
    path = _parquet(tmp_path, {"item_id": [1, 2, 3],
                               "": pa.array([None, None, 7], pa.int64())})
    with pytest.raises(DataFormatError, match=r"column 2 has no name, but it holds values "
                                              r"\(7 in row 3\)"):
        read_side_table(path)


def test_unnamed_columns_without_values_are_dropped_as_in_csv(tmp_path):
    path = _parquet(tmp_path, {"item_id": [1, 2], "title": ["a", "b"],
                               "": pa.array([None, None], pa.string()),
                               " ": pa.array([None, None], pa.int64())})
    table = read_side_table(path)
    assert list(table.columns) == ["item_id", "title"]
    assert table.to_dict("list") == {"item_id": [1, 2], "title": ["a", "b"]}
    csv = tmp_path / "items.csv"
    csv.write_text("item_id,title,\n1,a,\n2,b,\n")
    assert read_side_table(csv).to_dict("list") == table.to_dict("list")


def test_parquet_names_are_trimmed_as_csv_and_the_logs_trim_them(tmp_path):
    path = _parquet(tmp_path, {" item_id ": ["i1 ", "i2"], "\ufefftitle": ["a", "b"],
                               " year": pa.array([None, 1999], pa.int64())})
    table = read_side_table(path, columns=["title", "year"])
    assert list(table.columns) == ["item_id", "title", "year"]
    # the key by the logs' rule once found (text keys trimmed); a missing year stays a gap
    assert table["item_id"].tolist() == ["i1", "i2"]
    assert table["year"].isna().tolist() == [True, False] and table["year"].iloc[1] == 1999
    csv = tmp_path / "items.csv"
    csv.write_text(" item_id ,title, year\ni1,a,\ni2,b,1999\n")
    assert list(read_side_table(csv, columns=["title", "year"]).columns) == list(table.columns)
    # a frame saved with a padded key as its index
    frame = pd.DataFrame({" item_id ": [1, 2], "title": ["a", "b"]}).set_index(" item_id ")
    frame.to_parquet(path)
    assert read_side_table(path).to_dict("list") == {"item_id": [1, 2], "title": ["a", "b"]}


def test_names_made_one_by_trimming_are_refused_naming_both(tmp_path):
    path = _parquet(tmp_path, {"item_id": [1, 2], "title": ["a", "b"], " title": ["c", "d"]})
    with pytest.raises(DataFormatError) as caught:
        read_side_table(path)
    assert str(caught.value) == (
        f"{path}: its schema names column 'title' twice (columns 2 and 3, 'title' and "
        "' title' once surrounding spaces are dropped) (expected distinct column names in the "
        "items file)")

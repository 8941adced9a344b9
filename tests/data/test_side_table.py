"""Side tables (items or users files): each way a file can be wrong is one clear error."""

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from recstack.data.side_table import read_side_table
from recstack.errors import DataFormatError, RecstackError


@pytest.fixture
def items():
    return pd.DataFrame({"title": ["A", "B"], "item_id": [10, 20], "genres": ["x|y", "z"]})


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_reads_either_kind_with_the_key_first(tmp_path, items, suffix):
    path = tmp_path / f"items{suffix}"
    items.to_csv(path, index=False) if suffix == ".csv" else items.to_parquet(path)
    table = read_side_table(path, columns=["title"])
    assert list(table.columns) == ["item_id", "title", "genres"]
    assert table["item_id"].tolist() == [10, 20]  # the file's own type
    as_text = read_side_table(path, key_as_text=True)
    assert as_text["item_id"].tolist() == ["10", "20"]


def test_a_missing_file_and_a_wrong_kind_are_named(tmp_path):
    with pytest.raises(RecstackError, match=r"nowhere\.csv: no such items file"):
        read_side_table(tmp_path / "nowhere.csv")
    (tmp_path / "items.txt").write_text("item_id\n1\n")
    with pytest.raises(RecstackError, match=r"items\.txt: the users file must be a \.csv or "
                                            r"\.parquet file"):
        read_side_table(tmp_path / "items.txt", what="users file")


@pytest.mark.parametrize(("name", "content", "kind"), [
    ("broken.parquet", b"PAR1 this is not parquet", "Parquet"),
    ("empty.csv", b"", "CSV"),
    ("binary.csv", bytes(range(128, 256)) * 4, "CSV"),
    ("ragged.csv", b'item_id,title\n1,"unclosed\n', "CSV"),
])
def test_an_unreadable_file_is_one_data_format_error(tmp_path, name, content, kind):
    path = tmp_path / name
    path.write_bytes(content)
    # the CSV reader of the logs names the line where it can
    with pytest.raises(DataFormatError, match=rf"{name}(:\d+)?: not a readable {kind} items "
                                              r"file"):
        read_side_table(path)


def test_missing_columns_are_listed_with_the_ones_there(tmp_path, items):
    path = tmp_path / "items.csv"
    items.drop(columns="title").to_csv(path, index=False)
    with pytest.raises(DataFormatError, match=r"needs the column\(s\) 'title'; it has "
                                              r"'item_id', 'genres'"):
        read_side_table(path, columns=["title"])
    with pytest.raises(DataFormatError, match=r"needs the column\(s\) 'user_id'"):
        read_side_table(path, key="user_id", what="users file")


@pytest.mark.parametrize(("text", "message"), [
    # pandas renamed the second column 'title.1'
    ("item_id,title,title\n1,a,b\n", r"items\.csv:1: not a readable CSV items file: the "
                                     r"header names column 'title' twice"),
    # pandas made the extra leading fields the index: item 'b' titled 'c'
    ("item_id,title\n1,a,b,c\n2,d\n", r"items\.csv:2: not a readable CSV items file: the row "
                                      r"has 4 field\(s\) \(expected 2 fields"),
    ("item_id,title\n1,a\n,b\n", r"items\.csv:3: column 'item_id': not a readable CSV items "
                                 r"file: found an empty field"),
    # pandas kept both rows: which title item 1 has was a guess
    ('item_id,title\n1,"a\nsecond line"\n2,b\n1,c\n',
     r"items\.csv: column 'item_id': item_id 1 is listed twice \(line 2 and line 5\)"),
])
def test_a_csv_side_table_pandas_would_misread_is_refused_at_its_line(tmp_path, text, message):
    path = tmp_path / "items.csv"
    path.write_text(text)
    with pytest.raises(DataFormatError, match=message):
        read_side_table(path)


def test_a_description_spanning_lines_is_read(tmp_path):
    path = tmp_path / "items.csv"
    path.write_text('item_id,description\n1,"two\nlines"\n2,one\n')
    assert read_side_table(path)["description"].tolist() == ["two\nlines", "one"]


@pytest.mark.parametrize(("table", "message"), [
    (pa.Table.from_arrays([pa.array([1, 2]), pa.array(["a", "b"]), pa.array(["c", "d"])],
                          names=["item_id", "title", "title"]),
     r"items\.parquet: its schema names column 'title' twice \(columns 2 and 3\)"),
    (pa.table({"item_id": [1, None], "title": ["a", "b"]}),
     r"items\.parquet: column 'item_id': row 2 is empty"),
    (pa.table({"item_id": ["x", "y", "x"], "title": ["a", "b", "c"]}),
     r"items\.parquet: column 'item_id': item_id 'x' is listed twice \(row 1 and row 3\)"),
])
def test_a_parquet_side_table_with_ambiguous_rows_or_columns_is_refused(tmp_path, table,
                                                                          message):
    # a repeated column was pyarrow's "Multiple matches for FieldRef.Name(title)"; an empty
    # or repeated key was read without a word
    path = tmp_path / "items.parquet"
    pq.write_table(table, path)
    with pytest.raises(DataFormatError, match=message):
        read_side_table(path)


def test_codes_with_leading_zeros_stay_as_written(tmp_path):
    # pandas read them as numbers: the zip code 02139 became 2139 and the title 007 became 7
    path = tmp_path / "users.csv"
    path.write_text("user_id,zip,title,price,year\n1,02139,007,1.50,1999\n2,10001,1984,2,\n"
                    "3,,-01,0.5,2001\n")
    table = read_side_table(path, key="user_id")
    assert table["zip"].tolist()[:2] == ["02139", "10001"] and pd.isna(table["zip"][2])
    assert table["title"].tolist() == ["007", "1984", "-01"]
    # a number without a leading zero stays a number, whatever its spelling
    assert table["price"].tolist() == [1.5, 2.0, 0.5]
    assert pd.api.types.is_numeric_dtype(table["year"])
    assert table["year"][0] == 1999 and pd.isna(table["year"][1]) and table["year"][2] == 2001

"""Side tables (items or users files): each way a file can be wrong is one clear error."""

import pandas as pd
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
    with pytest.raises(DataFormatError, match=rf"{name}: not a readable {kind} items file"):
        read_side_table(path)


def test_missing_columns_are_listed_with_the_ones_there(tmp_path, items):
    path = tmp_path / "items.csv"
    items.drop(columns="title").to_csv(path, index=False)
    with pytest.raises(DataFormatError, match=r"needs the column\(s\) 'title'; it has "
                                              r"'item_id', 'genres'"):
        read_side_table(path, columns=["title"])
    with pytest.raises(DataFormatError, match=r"needs the column\(s\) 'user_id'"):
        read_side_table(path, key="user_id", what="users file")

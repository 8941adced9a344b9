"""Sixty-third bad-input probe, ids spelled as other tools write a missing value: a cell
``NA``, ``null``, ``nan``, ``None``, ``#N/A``... in an id column (pandas' ``to_csv`` of a
missing id writes ``nan`` or nothing, R writes ``NA``, a database export ``NULL``) was
read as a user or item named so without a word, and among integer ids it turned every id
of the column into text. An empty id cell is refused; these are kept (``NA`` may be a
real id, a region code) but warned of, naming the file, the column and the line."""

from __future__ import annotations

import warnings

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from recstack.data.files import MissingValueIdWarning, load_table
from recstack.data.interactions import Interactions
from recstack.data.partitioned import read_partitioned, write_partitioned
from recstack.data.side_table import read_side_table

SPELLINGS = ["NA", "nan", "NaN", "N/A", "n/a", "null", "NULL", "None", "#N/A", "<NA>", "-nan"]


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_a_csv_user_id_spelled_as_missing_is_warned_of_with_its_line(tmp_path, spelling):
    path = tmp_path / "log.csv"
    path.write_text(f"user_id,item_id,rating\n1,2,3\n{spelling},3,4\n")
    with pytest.warns(MissingValueIdWarning) as caught:
        data = load_table(path)
    message = str(caught[0].message)
    assert str(path) in message and "'user_id'" in message and "line 3" in message
    assert "every id is read as text" in message  # the other id, 1, is an integer
    assert sorted(data.users.external_ids.tolist()) == sorted(["1", spelling])


def test_a_csv_item_id_spelled_as_missing_among_text_ids(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text("user_id,item_id\na,x\nb, null \nc,y\n")
    with pytest.warns(MissingValueIdWarning, match=r"column 'item_id'.*'null'.*line 3"):
        data = load_table(path)
    assert sorted(data.items.external_ids.tolist()) == ["null", "x", "y"]


@pytest.mark.parametrize("kind", [pa.string(), pa.large_string()])
def test_a_parquet_text_id_spelled_as_missing_is_warned_of_with_its_row(tmp_path, kind):
    path = tmp_path / "log.parquet"
    pq.write_table(pa.table({"user_id": pa.array(["a", "b", "None"], kind),
                             "item_id": [1, 2, 3]}), path)
    with pytest.warns(MissingValueIdWarning, match=r"column 'user_id'.*'None'.*row 3"):
        load_table(path)


def test_a_dictionary_encoded_parquet_id_is_warned_of(tmp_path):
    path = tmp_path / "log.parquet"
    pq.write_table(pa.table({"user_id": [1, 2],
                             "item_id": pa.array(["x", "N/A"]).dictionary_encode()}), path)
    with pytest.warns(MissingValueIdWarning, match="'item_id'"):
        load_table(path)


def test_a_partitioned_dataset_warns_naming_the_part_file(tmp_path):
    data = Interactions.from_arrays(["a", "NA"], [1, 2], timestamps=[0, 100])
    write_partitioned(data, tmp_path / "parts")
    with pytest.warns(MissingValueIdWarning, match=r"part-0\.parquet.*row"):
        read_partitioned(tmp_path / "parts")


def test_a_side_table_key_spelled_as_missing_is_warned_of(tmp_path):
    path = tmp_path / "items.csv"
    path.write_text("item_id,title\nx,Heat\nNULL,Ran\n")
    with pytest.warns(MissingValueIdWarning, match="'item_id'"):
        assert read_side_table(path)["item_id"].tolist() == ["x", "NULL"]


@pytest.mark.parametrize("text", ["NAN_X", "nana", "Nancy", "n", "NAB", "non"])
def test_ids_that_only_contain_such_letters_are_not_warned_of(tmp_path, text):
    path = tmp_path / "log.csv"
    path.write_text(f"user_id,item_id\n{text},1\nb,2\n")
    with warnings.catch_warnings():
        warnings.simplefilter("error", MissingValueIdWarning)
        assert text in load_table(path).users.external_ids.tolist()


def test_an_empty_id_is_still_refused(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text("user_id,item_id\n1,2\n,3\n")
    from recstack.errors import DataFormatError
    with pytest.raises(DataFormatError, match=r":3: column 'user_id': found an empty field"):
        load_table(path)

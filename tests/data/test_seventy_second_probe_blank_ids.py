"""Blank ids ("", " ", a tab) and ids spelled as a missing value ("NA") follow one rule in
every loader: an empty id is refused naming its file, column and row or line, a text id is
trimmed, and "NA"-like ids are kept with a MissingValueIdWarning. The Parquet side tables
and bytes ids given to ``Interactions.from_arrays`` had escaped it."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from recstack.data.interactions import Interactions, MissingValueIdWarning
from recstack.data.side_table import read_side_table
from recstack.errors import DataFormatError


def _parquet(tmp_path, keys, name="items.parquet"):
    path = tmp_path / name
    pd.DataFrame({"item_id": keys, "genre": [f"g{i}" for i in range(len(keys))]}).to_parquet(
        path)
    return path


@pytest.mark.parametrize("blank", ["", " ", "\t", "  \u00a0 "])
def test_a_blank_key_of_a_parquet_side_table_is_refused_naming_file_column_and_row(
        tmp_path, blank):
    path = _parquet(tmp_path, ["i1", "i2", blank])
    with pytest.raises(DataFormatError) as caught:
        read_side_table(path)
    message = str(caught.value)
    assert str(path) in message and "'item_id'" in message
    assert "row 3" in message and "empty id" in message


def test_a_blank_key_of_a_category_column_is_refused_too(tmp_path):
    path = tmp_path / "items.parquet"
    pd.DataFrame({"item_id": pd.Categorical(["i1", " "]), "genre": ["a", "b"]}).to_parquet(path)
    with pytest.raises(DataFormatError, match=r"row 2: found an empty id"):
        read_side_table(path)


def test_parquet_side_table_keys_are_trimmed_as_the_logs_ids_are(tmp_path):
    # the logs' Parquet reader trims text ids: " i1 " in a table is the log's "i1"
    table = read_side_table(_parquet(tmp_path, [" i1 ", "i2\t"]))
    assert table["item_id"].tolist() == ["i1", "i2"]
    # and two keys that trim to one are one key listed twice
    with pytest.raises(DataFormatError, match=r"item_id 'i1' is listed twice \(row 1 and "
                                              r"row 2\)"):
        read_side_table(_parquet(tmp_path, ["i1", " i1"], "twice.parquet"))


def test_a_parquet_side_table_key_spelled_as_a_missing_value_is_warned_of(tmp_path):
    path = _parquet(tmp_path, ["i1", "NA"])
    with pytest.warns(MissingValueIdWarning, match=r"column 'item_id'.*'NA' \(row 2 holds "
                                                   r"NA\)") as caught:
        table = read_side_table(path)
    assert str(path) in str(caught[0].message)
    assert table["item_id"].tolist() == ["i1", "NA"]  # kept: "NA" may be a real id


def test_a_csv_side_table_key_spelled_as_a_missing_value_names_its_line(tmp_path):
    path = tmp_path / "items.csv"
    path.write_text("item_id,genre\ni1,a\ni2,b\nnull,c\n")
    with pytest.warns(MissingValueIdWarning, match=r"'null' \(line 4 holds null\)"):
        read_side_table(path)


def test_a_csv_side_table_with_a_blank_key_is_still_refused_by_line(tmp_path):
    path = tmp_path / "items.csv"
    path.write_text('item_id,genre\ni1,a\n" ",b\n')
    with pytest.raises(DataFormatError, match=r"items.csv:3: column 'item_id'.*empty"):
        read_side_table(path)


def test_integer_and_float_parquet_keys_are_unchanged(tmp_path):
    path = tmp_path / "items.parquet"
    pd.DataFrame({"item_id": [3.0, 1.0], "genre": ["a", "b"]}).to_parquet(path)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert read_side_table(path)["item_id"].tolist() == [3, 1]


@pytest.mark.parametrize("blank", [b"", b" ", b"\t"])
def test_a_blank_bytes_id_is_refused_as_a_blank_text_id_is(blank):
    with pytest.raises(DataFormatError, match=r"column 'user_id': row 1 holds an empty id"):
        Interactions.from_arrays([b"a", blank], ["x", "y"])
    with pytest.raises(DataFormatError, match=r"column 'item_id': row 1 holds an empty id"):
        Interactions.from_arrays(["a", "b"], np.array([b"x", blank]))


def test_bytes_ids_are_trimmed_text_as_in_every_loader():
    data = Interactions.from_arrays([b"a", b" a ", b"b"], [b"x", b"y", b"x"])
    # " a " is "a": two users, and their ids are text
    assert data.n_users == 2 and sorted(data.users.to_external(np.arange(2))) == ["a", "b"]
    assert data.n_items == 2


def test_a_bytes_id_spelled_as_a_missing_value_is_warned_of():
    with pytest.warns(MissingValueIdWarning, match=r"column 'user_id'.*'NULL'"):
        data = Interactions.from_arrays([b"a", b"NULL"], ["x", "y"])
    assert data.n_users == 2


def test_bytes_that_are_not_utf8_are_still_refused_by_position():
    with pytest.raises(DataFormatError, match=r"column 'user_id': the value at position 1 is "
                                              r"bytes b'\\xff', not UTF-8 text"):
        Interactions.from_arrays([b"a", b"\xff"], ["x", "y"])


# ---------------------------------------------------------------- tables given as frames
@pytest.mark.parametrize("blank", ["", " ", None, np.nan])
@pytest.mark.parametrize("keep_unseen_items", [False, True])
def test_a_blank_or_missing_key_of_an_item_table_frame_is_refused_naming_table_and_row(
        blank, keep_unseen_items):
    table = pd.DataFrame({"item_id": ["x", blank, "y"], "genre": ["a", "b", "c"]})
    with pytest.raises(DataFormatError) as caught:
        Interactions.from_arrays(["u1", "u2"], ["x", "y"], item_table=table,
                                 keep_unseen_items=keep_unseen_items)
    message = str(caught.value)
    assert message.startswith("column 'item_id': in the item table, row 1 holds an empty id")


def test_a_blank_key_of_a_user_table_keyed_by_its_first_column_is_refused():
    table = pd.DataFrame({"account": ["u1", "  "], "age": [30, 40]})
    with pytest.raises(DataFormatError, match=r"^column 'account': in the user table, row 1 "
                                              r"holds an empty id"):
        Interactions.from_arrays(["u1", "u2"], ["x", "y"], user_table=table)


def test_table_keys_mixing_text_and_numbers_are_refused_as_ids_are():
    # the row keyed 2 matched no text id and was dropped without a word
    table = pd.DataFrame({"item_id": ["x", 2], "genre": ["a", "b"]})
    with pytest.raises(DataFormatError, match=r"in the item table, ids mix text and other "
                                              r"types"):
        Interactions.from_arrays(["u1", "u2"], ["x", "y"], item_table=table)


def test_a_fractional_table_key_names_the_table_and_column():
    table = pd.DataFrame({"item_id": [10.5, 20.0], "genre": ["a", "b"]})
    with pytest.raises(DataFormatError, match=r"^column 'item_id': in the item table, the "
                                              r"value at position 0 is 10\.5"):
        Interactions.from_arrays([1, 2], [10, 20], item_table=table)


def test_well_formed_table_keys_still_align_by_the_id_rule():
    table = pd.DataFrame({"item_id": [" y ", "x", "z"], "genre": ["b", "a", "c"]})
    data = Interactions.from_arrays(["u1", "u2"], ["x", "y"], item_table=table)
    assert data.item_table.to_dict("list") == {"item_id": ["x", "y"], "genre": ["a", "b"]}
    # text keys of integer ids find them ("7" is 7), and a key "NA" is an ordinary key
    numbers = pd.DataFrame({"item_id": ["10", " 20"], "genre": ["a", "b"]})
    spelled = pd.DataFrame({"item_id": ["x", "NA"], "genre": ["a", "c"]})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        data = Interactions.from_arrays([1, 2], [10, 20], item_table=numbers)
        assert data.item_table["genre"].tolist() == ["a", "b"]
        data = Interactions.from_arrays(["u1", "u2"], ["x", "y"], item_table=spelled)
        assert data.item_table["genre"].tolist() == ["a", None]

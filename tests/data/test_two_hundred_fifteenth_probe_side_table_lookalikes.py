"""Side tables whose keys are the interactions' ids written another way ("01" for item 1)
are refused naming the key, and keep_unseen_items keeps integer item ids integers."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import DataFormatError


@pytest.mark.parametrize(("keys", "ids", "written", "meant"), [
    (["01", "2"], [1, 2], "'01'", "item 1"),          # zero-padded text for an integer id
    (["+1", "2"], [1, 2], "'+1'", "item 1"),          # a sign
    (["1.0", "2"], [1, 2], "'1.0'", "item 1"),        # a spreadsheet's whole decimal
    (["１", "2"], [1, 2], "'１'", "item 1"),           # full-width digit
    ([1, 2], ["01", "2"], "1", "item '01'"),          # integer keys for zero-padded text ids
    (["Cafe\u0301", "b"], ["Caf\u00e9", "b"], "'Cafe\u0301'", "item 'Caf\u00e9'"),  # NFD for NFC
])
def test_item_table_key_written_another_way_is_refused(keys, ids, written, meant):
    table = pd.DataFrame({"item_id": keys, "title": ["a", "b"]})
    with pytest.raises(DataFormatError, match=(
            f"in the item table, the key {re.escape(written)} at row 0 of column 'item_id' is "
            f"no item id of the interactions, but is {re.escape(meant)} written another "
            "way")):
        Interactions.from_arrays([1, 1], ids, item_table=table)


def test_the_unicode_forms_are_told_apart_in_the_message():
    table = pd.DataFrame({"item_id": ["Cafe\u0301"], "title": ["a"]})
    with pytest.raises(DataFormatError, match=r"another Unicode form: 'Cafe\\u0301' and "
                                              r"'Caf\\xe9'"):
        Interactions.from_arrays([1], ["Caf\u00e9"], item_table=table)


def test_user_table_is_checked_the_same_way():
    table = pd.DataFrame({"user_id": ["007", "2"], "age": [30, 40]})
    with pytest.raises(DataFormatError, match="the key '007' at row 0 of column 'user_id' "
                                              "is no user id .* but is user 7"):
        Interactions.from_arrays([7, 2], [1, 2], user_table=table)


def test_keys_matching_by_the_id_rule_still_join():
    # "1" is the integer 1 by the id rule, and 2.0 is 2: no refusal, every row found
    table = pd.DataFrame({"item_id": ["1", "2"], "title": ["a", "b"]})
    data = Interactions.from_arrays([1, 1], [1, 2], item_table=table)
    assert data.item_table["title"].tolist() == ["a", "b"]
    table = pd.DataFrame({"item_id": [1.0, 2.0, 30.0], "title": ["a", "b", "c"]})
    data = Interactions.from_arrays([1, 1], [1, 2], item_table=table)
    assert data.item_table["title"].tolist() == ["a", "b"]
    # a key that is no id in any spelling is dropped, as documented
    table = pd.DataFrame({"item_id": ["1", "2", "3"], "title": ["a", "b", "c"]})
    data = Interactions.from_arrays([1, 1], [1, 2], item_table=table)
    assert data.item_table["item_id"].tolist() == [1, 2]


def test_keep_unseen_items_refuses_a_lookalike_of_a_seen_item():
    table = pd.DataFrame({"item_id": ["1", "02", "3"], "title": ["a", "b", "c"]})
    with pytest.raises(DataFormatError, match="the key '02' at row 1 of column 'item_id' "
                                              "is no item id .* but is item '2'"):
        Interactions.from_arrays([1, 1], ["1", "2"], item_table=table, keep_unseen_items=True)


def test_keep_unseen_items_keeps_integer_ids_integers():
    # a table read as text (a CSV) made every item id text: item 1 came back as '1'
    table = pd.DataFrame({"item_id": ["2", "3"], "title": ["b", "c"]})
    data = Interactions.from_arrays([1, 1], [1, 2], item_table=table, keep_unseen_items=True)
    assert data.items.external_ids.dtype.kind == "i"
    assert data.items.external_ids.tolist() == [1, 2, 3]
    assert data.item_table["title"].tolist() == [None, "b", "c"]


@pytest.mark.parametrize(("key", "row"), [("x", 1), ("01", 0)])
def test_keep_unseen_items_refuses_a_key_that_is_no_plain_integer(key, row):
    keys = [key, "5"] if row == 0 else ["5", key]
    table = pd.DataFrame({"item_id": keys, "title": ["a", "b"]})
    with pytest.raises(DataFormatError, match=(
            f"the key '{key}' at row {row} of column 'item_id' is not an integer in plain "
            "digits, as the item ids of the interactions are")):
        Interactions.from_arrays([1, 1], np.array([1, 2]), item_table=table,
                                 keep_unseen_items=True)

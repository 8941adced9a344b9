"""Hundred-sixty-seventh probe: side tables of odd shapes, and one rule for numbers as ids.

- An item or user table without a column (``pd.DataFrame(index=range(2))``) was pandas'
  IndexError "single positional indexer is out-of-bounds" from the key lookup.
- A user table keyed by ``item_id`` (the item table given in the user table's place) took
  its first column as the user key: where user and item ids overlap (both 1..n) every user
  silently got the row of the item with the same number.
- A repeated key was "item_id repeats in the side table: [1]", naming neither the table nor
  the rows, and a key missing twice (NaN, NaN) was called a repeat, not a missing id.
- ``Decimal("2")`` was the id 2 but ``Fraction(2)`` was refused as "not an id", and
  ``Decimal("sNaN")`` was decimal's InvalidOperation traceback.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest

from recstack.data.idmap import IdMap
from recstack.data.interactions import Interactions
from recstack.errors import ConfigError, DataFormatError

NO_COLUMNS = r"the (item|user) table has no columns, so no key column holding the ids"


@pytest.mark.parametrize("table", [pd.DataFrame(index=range(2)), pd.DataFrame()])
@pytest.mark.parametrize("side", ["item_table", "user_table"])
def test_a_side_table_without_columns_is_refused_by_name(table, side):
    with pytest.raises(DataFormatError, match=NO_COLUMNS) as refused:
        Interactions.from_arrays(["a", "b"], [1, 2], **{side: table})
    assert refused.value.column == ("item_id" if side == "item_table" else "user_id")


def test_a_table_without_columns_is_refused_with_unseen_items_kept_and_from_a_frame():
    with pytest.raises(DataFormatError, match=NO_COLUMNS):
        Interactions.from_arrays(["a"], [1], item_table=pd.DataFrame(index=[0, 1]),
                                 keep_unseen_items=True)
    with pytest.raises(DataFormatError, match=NO_COLUMNS):
        Interactions.from_frame(pd.DataFrame({"user_id": [1], "item_id": [2]}),
                                item_table=pd.DataFrame(index=[0]))


def test_a_table_with_its_key_as_index_alone_is_still_read():
    # no column but an index named item_id: the key column, and no other
    data = Interactions.from_arrays(["a", "b"], [2, 1], item_table=pd.DataFrame(
        index=pd.Index([1, 2, 3], name="item_id")))
    assert data.item_table.to_dict("list") == {"item_id": [1, 2]}


def test_a_user_table_keyed_by_item_ids_is_refused_where_the_ids_overlap():
    # users and items are both 1..3: the item table's rows matched every user before
    items = pd.DataFrame({"item_id": [1, 2, 3], "title": ["A", "B", "C"]})
    with pytest.raises(DataFormatError, match=r"the user table has no column 'user_id', and "
                                              r"its first column, the key it would be keyed "
                                              r"by, is 'item_id': item ids, not user ids"):
        Interactions.from_arrays([1, 2, 3], [3, 2, 1], user_table=items)
    users = pd.DataFrame({"user_id": [1, 2, 3], "age": [20, 30, 40]})
    with pytest.raises(DataFormatError, match=r"the item table has no column 'item_id'.* is "
                                              r"'user_id': user ids, not item ids"):
        Interactions.from_arrays([1, 2, 3], [3, 2, 1], item_table=users)


def test_tables_keyed_by_their_own_column_anywhere_still_align():
    # user_id beside item_id in an item table is no mistake: the key is found by name
    table = pd.DataFrame({"user_id": [9, 9], "item_id": [2, 1], "title": ["two", "one"]})
    data = Interactions.from_arrays(["a", "b"], [1, 2], item_table=table)
    assert data.item_table.to_dict("list") == {"item_id": [1, 2], "user_id": [9, 9],
                                               "title": ["one", "two"]}
    # a first column of another name is the key, as before
    data = Interactions.from_arrays(["a", "b"], [1, 2], user_table=pd.DataFrame(
        {"who": ["b", "a"], "age": [30, 20]}))
    assert data.user_table["age"].tolist() == [20, 30]


def test_a_repeated_key_names_the_table_and_the_rows():
    with pytest.raises(DataFormatError, match=r"^column 'user_id': in the user table, "
                                              r"'user_id' repeats the key 'a' at rows 0, 2 "
                                              r"\(2 rows share a key with another\)"):
        Interactions.from_arrays(["a", "b"], [1, 2], user_table=pd.DataFrame(
            {"user_id": ["a", "b", "a"], "age": [1, 2, 3]}))
    # four rows of one key and two of another: the first three rows named, six in all
    with pytest.raises(DataFormatError, match=r"repeats the key 1 at rows 0, 1, 2 \.\.\. "
                                              r"\(6 rows share a key with another\)"):
        Interactions.from_arrays(["a"], [1], item_table=pd.DataFrame(
            {"item_id": [1, 1, 1, 1, 2, 2]}))
    # a repeated key of an id the interactions lack is refused too (its rows would be
    # dropped, but the table is wrong)
    with pytest.raises(DataFormatError, match=r"repeats the key 9 at rows 1, 2"):
        Interactions.from_arrays(["a"], [1], item_table=pd.DataFrame({"item_id": [1, 9, 9]}))


def test_a_key_missing_twice_is_a_missing_key_not_a_repeat():
    with pytest.raises(DataFormatError, match=r"in the item table, the value at position 1 is "
                                              r"NaN \(a missing id\) \(2 such values in all\)"):
        Interactions.from_arrays(["a"], [1], item_table=pd.DataFrame(
            {"item_id": [1, np.nan, np.nan]}))


@pytest.mark.parametrize("two", [2, 2.0, np.float32(2.0), Decimal("2"), Decimal("2.000"),
                                 Fraction(2), Fraction(4, 2), np.int8(2)])
def test_every_whole_real_number_is_the_integer_id(two):
    ids = IdMap([1, 2, 3])
    assert ids.to_index([two]).tolist() == [1]
    assert ids.to_index(two).tolist() == [1]
    # a map of text ids finds the integer's digits, as for an int
    assert IdMap(["a", "2"]).to_index([two]).tolist() == [1]


def test_fractions_build_vocabularies_and_key_side_tables_as_decimals_do():
    assert IdMap([Fraction(3), 1]).external_ids.tolist() == [3, 1]
    ids, codes = IdMap.encode([Fraction(2), 1, Fraction(2)])
    assert (ids.external_ids.tolist(), codes.tolist()) == ([1, 2], [1, 0, 1])
    data = Interactions.from_arrays([Fraction(1), Fraction(2)], [1, 2],
                                    item_table=pd.DataFrame({"item_id": [Fraction(2), 1],
                                                             "title": ["two", "one"]}))
    assert data.users.external_ids.tolist() == [1, 2]
    assert data.item_table["title"].tolist() == ["one", "two"]


@pytest.mark.parametrize(("value", "said"), [
    (Fraction(5, 2), r"Fraction\(5, 2\), not a whole number below 2\*\*53"),
    (Decimal("2.5"), r"Decimal\('2.5'\), not a whole number below 2\*\*53"),
    (Decimal("Infinity"), r"Decimal\('Infinity'\), not a whole number below 2\*\*53"),
    (Fraction(2**60), r"Fraction\(1152921504606846976, 1\), not a whole number below 2\*\*53"),
    (Decimal("NaN"), r"NaN \(a missing id\)"),
    (Decimal("sNaN"), r"NaN \(a missing id\)"),
])
def test_other_real_numbers_are_refused_by_one_rule(value, said):
    with pytest.raises(DataFormatError, match=rf"^user ids: the value at position 0 is {said}"):
        IdMap([1, 2]).to_index([value], what="user ids")


def test_a_fraction_past_the_float_range_is_refused_not_an_overflow():
    with pytest.raises(DataFormatError, match=r"not a whole number below 2\*\*53"):
        IdMap([1]).to_index([Fraction(10**400)], missing="ignore")


@pytest.mark.parametrize("indices", [
    [Fraction(3, 2)], [Decimal("1.5")], np.array([0, 2.5], dtype=object),
    np.array([True, 2], dtype=object), [Fraction(1)], [Decimal("1")]])
def test_dense_indices_that_are_not_integers_are_never_truncated(indices):
    # an object array was cast to int64: Fraction(3, 2) was index 1 and True index 1,
    # naming another id without a word (whole floats are refused as they are by select)
    ids = IdMap(["a", "b", "c"])
    with pytest.raises(ConfigError, match=r"^indices must be integers in 0\.\.2 \(dense "
                                          r"indices, not external ids\), got .* \(object\)$"):
        ids.to_external(indices)
    with pytest.raises(ConfigError, match=r"^indices must be integers in 0\.\.2"):
        ids.subset(indices)


def test_dense_indices_of_python_and_numpy_integers_still_look_up():
    ids = IdMap(["a", "b", "c"])
    assert ids.to_external(np.array([2, np.int64(0)], dtype=object)).tolist() == ["c", "a"]
    assert ids.subset([np.int32(1), 0]).external_ids.tolist() == ["b", "a"]

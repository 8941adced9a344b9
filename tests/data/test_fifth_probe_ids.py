"""Fifth bad-input probe: what IdMap lookups and encodings accept as an id.

One rule for every container: integers and text (bytes are UTF-8 text, as a Parquet
column of binary ids is read); a whole float is that integer (as the loaders read float id
columns); missing values, masked entries, booleans, fractions, complex numbers and other
objects are refused by position whatever ``missing`` says."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from recstack.data.idmap import IdMap
from recstack.data.interactions import Interactions
from recstack.errors import DataFormatError

NUMERIC = IdMap([0, 1, 2, 3, 4])
TEXT = IdMap(["a", "b", "0", "1"])


def test_masked_entries_are_missing_ids_not_the_values_under_the_mask():
    ids = np.ma.array([0, 1, 2], mask=[False, True, False])
    for missing in ("raise", "ignore"):
        with pytest.raises(DataFormatError, match=r"user ids: the value at position 1 is a "
                                                  r"masked entry \(a missing id\)"):
            NUMERIC.to_index(ids, missing=missing, what="user ids")
    # a masked array without masked entries is its values
    assert NUMERIC.to_index(np.ma.array([4, 0])).tolist() == [4, 0]


@pytest.mark.parametrize("value, detail", [
    (True, "True, a boolean"), (np.True_, "True, a boolean"),
    (1.5, "1.5, not a whole number"), (float("inf"), "inf, not a whole number"),
    (float("nan"), r"NaN \(a missing id\)"), (None, r"None \(a missing id\)"),
    (pd.NA, r"<NA> \(a missing id\)"), (1 + 0j, r"\(1\+0j\)"),
    (b"\xff", r"bytes b'\\xff', not UTF-8 text"), ({1: 2}, r"\{1: 2\} \(dict\)"),
])
@pytest.mark.parametrize("ids", [NUMERIC, TEXT])
def test_values_that_are_not_ids_are_refused_even_when_unknown_ids_are_ignored(ids, value,
                                                                               detail):
    with pytest.raises(DataFormatError, match=r"position 1 is " + detail):
        ids.to_index(np.array([1, value], dtype=object), missing="ignore")


def test_booleans_and_fractions_in_numpy_arrays_are_refused():
    with pytest.raises(DataFormatError, match=r"position 0 is True, a boolean \(2 such"):
        NUMERIC.to_index(np.array([True, False]))
    with pytest.raises(DataFormatError, match=r"position 1 is 0.5, not a whole number"):
        NUMERIC.to_index(np.array([1.0, 0.5]))
    with pytest.raises(DataFormatError, match=r"position 0 is NaN"):
        NUMERIC.to_index(pd.Series([np.nan, 1.0]))
    with pytest.raises(DataFormatError, match=r"position 1 is <NA>"):
        NUMERIC.to_index(pd.array([1, None], dtype="Int64"))


def test_a_whole_float_is_that_integer_in_every_map_as_in_the_loaders():
    assert NUMERIC.to_index([0.0, 3.0]).tolist() == [0, 3]
    assert NUMERIC.to_index(np.array([4.0])).tolist() == [4]
    # a map of text ids finds an integer by its plain text: 0.0 is 0 is "0"
    assert TEXT.to_index([0.0, 1]).tolist() == [2, 3]
    # a nullable integer column without missing values is its integers
    assert TEXT.to_index(pd.array([1, 0], dtype="Int64")).tolist() == [3, 2]


def test_bytes_are_utf8_text_in_every_container():
    assert NUMERIC.to_index([b"0"]).tolist() == [0]
    assert NUMERIC.to_index(b"3").tolist() == [3]
    assert NUMERIC.to_index(np.array([b"1", 2], dtype=object)).tolist() == [1, 2]
    assert TEXT.to_index(np.array([b"a", "b"], dtype=object)).tolist() == [0, 1]


def test_a_trailing_nul_is_part_of_the_id_not_dropped():
    # numpy's fixed-width text drops trailing NULs: "1\x00" was found as user 1
    assert NUMERIC.to_index(["1\x00"], missing="ignore").tolist() == [-1]
    assert TEXT.to_index(["a\x00", "a"], missing="ignore").tolist() == [-1, 0]


def test_integers_beyond_int64_are_looked_up_as_their_digits():
    big = 2**70
    assert NUMERIC.to_index([big], missing="ignore").tolist() == [-1]
    assert IdMap(["x", str(big)]).to_index([big]).tolist() == [1]


def test_encode_follows_the_same_rule():
    ids, codes = IdMap.encode([3.0, 1.0, 3.0])
    assert ids.external_ids.tolist() == [1, 3] and ids.external_ids.dtype.kind == "i"
    assert codes.tolist() == [1, 0, 1]
    ids, _ = IdMap.encode(np.array([b"b", b"a"]))
    assert ids.external_ids.tolist() == ["a", "b"]  # text, so a saved model keeps "a"
    for bad, detail in (([1.0, 2.5], "2.5, not a whole number"),
                        ([True, False], "True, a boolean"), ([1 + 0j], r"\(1\+0j\)")):
        with pytest.raises(DataFormatError, match=detail):
            IdMap.encode(bad)


def test_from_arrays_reads_ids_by_the_rule():
    data = Interactions.from_arrays([1.0, 2.0], [b"x", b"y"])
    assert data.users.external_ids.tolist() == [1, 2]
    assert data.items.external_ids.tolist() == ["x", "y"]
    with pytest.raises(DataFormatError, match="0.5, not a whole number"):
        Interactions.from_arrays([0.5, 1.0], [1, 2])


def test_from_arrays_refuses_masked_entries_instead_of_reading_the_values_under_them():
    users = np.ma.array([1, 2, 3], mask=[False, True, False])
    with pytest.raises(DataFormatError, match=r"column 'user_id': the value at position 1 "
                                              r"is a masked entry"):
        Interactions.from_arrays(users, [1, 2, 3])
    data = Interactions.from_arrays(np.ma.array([1, 2]), [1, 2])  # nothing masked
    assert data.users.external_ids.tolist() == [1, 2]


@pytest.mark.parametrize("indices", [[True], np.array([True, False, True]), [1.5], [1.0],
                                     ["1"]])
def test_to_external_takes_integer_indices_only(indices):
    # a boolean array was read as a mask (['a', 'c'] for [True, False, True])
    from recstack.errors import RecstackError

    with pytest.raises(RecstackError, match=r"indices must be integers in 0..2 \(dense "
                                            r"indices, not external ids\)"):
        IdMap(["a", "b", "c"]).to_external(indices)


def test_to_external_of_no_indices_is_empty():
    assert IdMap(["a", "b"]).to_external([]).tolist() == []
    assert IdMap(["a", "b"]).to_external(np.array([1], dtype=object)).tolist() == ["b"]


def test_a_column_mixing_integers_and_text_is_encoded_as_text_as_a_loader_reads_it():
    ids, codes = IdMap.encode(np.array([2, "a", 10], dtype=object))
    assert ids.external_ids.tolist() == ["10", "2", "a"]  # text order, as from a CSV file
    assert codes.tolist() == [1, 2, 0]
    ids, codes = IdMap.encode([2**70, 1])  # beyond int64: the ids are text
    assert ids.external_ids.tolist() == ["1", "1180591620717411303424"]
    assert codes.tolist() == [1, 0]
    assert ids.to_index([2**70, 1]).tolist() == [1, 0]


def test_a_misspelt_missing_policy_is_a_recstack_error():
    from recstack.errors import ConfigError

    with pytest.raises(ConfigError, match=r"missing must be 'raise' or 'ignore', not 'ignor'"):
        NUMERIC.to_index([1], missing="ignor")

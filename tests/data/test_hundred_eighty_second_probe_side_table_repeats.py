"""A side table whose keys the lookup finds as one id is refused in the words of the
side-table loaders: the table, its key column, the key, the rows and how they wrote it.
It was "item_id repeats in the side table: [' 7', '7'] are the same id", naming neither
the table nor the rows. (The id rule now tells such keys apart before the lookup, so the
lookup's own check is reached here by reading the keys raw.)"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from recstack.data import interactions as module
from recstack.data.interactions import Interactions
from recstack.errors import DataFormatError


def _raw_keys(keys: pd.Series, key: str) -> np.ndarray:
    return keys.to_numpy()  # untrimmed: " 7" and "7" stay apart until the lookup


def test_keys_the_lookup_finds_as_one_id_name_table_rows_and_spellings(monkeypatch):
    monkeypatch.setattr(module, "_table_keys", _raw_keys)
    table = pd.DataFrame({"item_id": ["8", " 7", "7"], "title": ["b", "a", "c"]})
    with pytest.raises(DataFormatError) as caught:
        Interactions.from_arrays(np.array([1, 2, 3]), np.array([7, 8, 9]), item_table=table)
    assert str(caught.value) == (
        "column 'item_id': in the item table, 'item_id' repeats the key 7 at rows 1, 2, "
        "written ' 7', '7': the same id once trimmed (2 rows share a key with another) "
        "(expected one row per id)")


def test_keys_repeated_by_the_id_rule_are_said_the_same_way():
    table = pd.DataFrame({"user_id": [" 5", "4", "5"], "age": [30, 40, 50]})
    with pytest.raises(DataFormatError) as caught:
        Interactions.from_arrays(np.array([4, 5]), np.array([1, 2]), user_table=table)
    assert str(caught.value) == (
        "column 'user_id': in the user table, 'user_id' repeats the key '5' at rows 0, 2, "
        "written ' 5', '5': the same id once trimmed (2 rows share a key with another) "
        "(expected one row per id)")


def test_distinct_keys_still_align_by_id():
    table = pd.DataFrame({"item_id": [" 9", "7"], "title": ["nine", "seven"]})
    data = Interactions.from_arrays(np.array([1, 2, 3]), np.array([7, 8, 9]),
                                    item_table=table)
    assert data.item_table["title"].tolist() == ["seven", None, "nine"]

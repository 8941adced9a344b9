"""Ninety-second bad-input probe, side tables: a Parquet items or users file whose key
column held booleans, date-times or lists was read, its keys matching no id of the logs
(whose reader refuses such ids); and a key column named in another case ('Item_ID') was
"needs the column(s) 'item_id'" without the near name. Each test failed before its fix."""

from __future__ import annotations

import pandas as pd
import pytest

from recstack.data.side_table import read_side_table
from recstack.errors import DataFormatError


@pytest.mark.parametrize("keys, kind", [
    ([True, False], "bool"),
    (pd.to_datetime(["2020-01-01", "2020-01-02"]), "timestamp[us]"),
    ([[1], [2]], "list<element: int64>"),
])
def test_a_parquet_key_of_a_type_no_id_has_is_refused(tmp_path, keys, kind):
    path = tmp_path / "items.parquet"
    pd.DataFrame({"item_id": keys, "title": ["a", "b"]}).to_parquet(path)
    with pytest.raises(DataFormatError) as caught:
        read_side_table(path)
    assert str(caught.value) == (f"{path}: column 'item_id': holds {kind} values (expected "
                                 "integer or text ids in the items file, as in the logs)")


@pytest.mark.parametrize("keys, expected", [
    ([1, 2], [1, 2]), ([1.0, 2.0], [1, 2]), (["a", " b"], ["a", "b"]),
])
def test_integer_float_and_text_keys_are_still_read(tmp_path, keys, expected):
    path = tmp_path / "items.parquet"
    pd.DataFrame({"item_id": keys, "title": ["a", "b"]}).to_parquet(path)
    assert read_side_table(path)["item_id"].tolist() == expected


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_a_key_column_named_in_another_case_is_suggested(tmp_path, suffix):
    path = tmp_path / f"items{suffix}"
    frame = pd.DataFrame({"Item_ID": [1, 2], "title": ["a", "b"]})
    frame.to_csv(path, index=False) if suffix == ".csv" else frame.to_parquet(path)
    with pytest.raises(DataFormatError, match=r"needs the column\(s\) 'item_id' \(did you "
                                              r"mean 'Item_ID'\?\); it has 'Item_ID', "
                                              "'title'"):
        read_side_table(path)

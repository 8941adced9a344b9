"""Thirty-fourth probe, a Parquet side table whose key column holds floats: 1.5 (or
infinity) was accepted as a key that no log id can match, and whole floats (1.0) stayed
floats where the logs' Parquet rule makes them the integers they equal. Now a float key
that is not a whole number is refused naming the file, the column and the row, and whole
ones are integers, as in the logs."""

import numpy as np
import pandas as pd
import pytest

from recstack.data.side_table import read_side_table
from recstack.errors import DataFormatError


@pytest.mark.parametrize(("value", "shown"), [(1.5, r"1\.5"), (np.inf, "inf")])
def test_a_float_key_that_is_no_whole_number_is_refused_with_its_row(tmp_path, value, shown):
    path = tmp_path / "items.parquet"
    pd.DataFrame({"item_id": [1.0, 2.0, value], "title": ["a", "b", "c"]}).to_parquet(path)
    with pytest.raises(DataFormatError, match=rf"^{path}: column 'item_id': row 3: found "
                                              rf"{shown}, not a whole number \(expected integer "
                                              r"or text ids in the items file; a float id must "
                                              r"be a whole number below 2\*\*53"):
        read_side_table(path)


def test_whole_float_keys_are_the_integers_they_equal(tmp_path):
    path = tmp_path / "users.parquet"
    pd.DataFrame({"user_id": [3.0, 1.0], "age": [30, 40]}).to_parquet(path)
    table = read_side_table(path, what="users file", key="user_id")
    assert table["user_id"].tolist() == [3, 1]
    assert table["user_id"].dtype == np.int64


def test_a_missing_float_key_is_still_named_as_empty(tmp_path):
    path = tmp_path / "items.parquet"
    pd.DataFrame({"item_id": [1.0, np.nan], "title": ["a", "b"]}).to_parquet(path)
    with pytest.raises(DataFormatError, match=r"column 'item_id': row 2 is empty"):
        read_side_table(path)

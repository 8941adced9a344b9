"""A missing items file is said to be missing whatever its name ends with: 'nosuch' was
told only that it "must be a .csv or .parquet file", as if it were there under another
name."""

from __future__ import annotations

import pytest

from recstack.data.side_table import read_side_table
from recstack.errors import DataFormatError


@pytest.mark.parametrize("name", ["nosuch", "nosuch.json", "nosuch.parquet", "nosuch.csv"])
def test_a_missing_items_file_is_said_to_be_missing(tmp_path, name):
    with pytest.raises(DataFormatError, match="no such items file") as refused:
        read_side_table(tmp_path / name)
    assert refused.value.file == str(tmp_path / name)


def test_an_existing_file_of_another_kind_is_still_told_the_kinds_read(tmp_path):
    (tmp_path / "items.json").write_text("{}")
    with pytest.raises(DataFormatError, match=r"must be a \.csv or \.parquet file; convert"):
        read_side_table(tmp_path / "items.json")

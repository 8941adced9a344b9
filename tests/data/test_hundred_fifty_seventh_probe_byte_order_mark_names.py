"""A byte-order mark (U+FEFF) at the start of a column name is dropped in every format, as
surrounding spaces are: a CSV header lost it, but a Parquet file, a partition file or a
frame whose first column was named '\\ufeffuser_id' was "no column 'user_id'"."""

from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from recstack.data.files import load_table
from recstack.data.interactions import Interactions, trimmed_column_name
from recstack.data.partitioned import read_partitioned, write_partitioned
from recstack.errors import DataFormatError

BOM = "\ufeff"


@pytest.mark.parametrize("given, wanted", [
    (BOM + "user_id", "user_id"),
    (BOM + " user_id ", "user_id"),
    (" " + BOM + "user_id", "user_id"),
    ("user_id", "user_id"),
    ("user" + BOM + "_id", "user" + BOM + "_id"),  # only a mark at the start is an editor's
])
def test_the_one_rule_for_a_column_name(given: str, wanted: str) -> None:
    assert trimmed_column_name(given) == wanted


@pytest.mark.parametrize("name", [BOM + "user_id", BOM + " user_id"])
def test_a_parquet_column_name_loses_its_mark(tmp_path: Path, name: str) -> None:
    path = tmp_path / "rows.parquet"
    pq.write_table(pa.table({name: ["1", "2", "3"], "item_id": ["a", "b", "a"],
                             "rating": [1.0, 2.0, 3.0]}), path)
    data = load_table(path)
    assert data.n_users == 3
    # Parquet text ids stay text
    assert sorted(data.users.to_external([0, 1, 2]).tolist()) == ["1", "2", "3"]


def test_a_parquet_file_naming_a_column_with_and_without_the_mark_is_refused(
        tmp_path: Path) -> None:
    path = tmp_path / "rows.parquet"
    pq.write_table(pa.table({BOM + "user_id": ["1"], "user_id": ["2"], "item_id": ["a"]}),
                   path)
    with pytest.raises(DataFormatError, match=r"names column 'user_id' twice \(columns 1 and "
                                              r"2, .* once surrounding spaces and a "
                                              r"byte-order mark are dropped\)"):
        load_table(path)


def test_a_frame_column_name_loses_its_mark() -> None:
    frame = pd.DataFrame({BOM + "user_id": [1, 2], "item_id": [3, 4]})
    data = Interactions.from_frame(frame)
    assert data.n_users == 2 and data.n_items == 2


def _partitioned(tmp_path: Path) -> tuple[Path, list[Path]]:
    data = Interactions.from_frame(pd.DataFrame({
        "user_id": [1, 2, 3], "item_id": [4, 5, 6], "value": [1.0, 1.0, 1.0],
        "timestamp": [1.7e9, 1.7e9 + 10, 1.7e9 + 3e6]}))
    root = write_partitioned(data, tmp_path / "log")
    (root / "_common_metadata").unlink(missing_ok=True)
    files = sorted(root.rglob("*.parquet"))
    assert len(files) == 2
    return root, files


def _mark_user_column(file: Path) -> None:
    table = pq.read_table(file)
    marked = table.rename_columns([BOM + n if n == "user_id" else n
                                   for n in table.schema.names])
    pq.write_table(marked.replace_schema_metadata(pq.read_schema(file).metadata), file)


def test_partition_files_whose_names_all_carry_the_mark_are_read(tmp_path: Path) -> None:
    root, files = _partitioned(tmp_path)
    for file in files:
        _mark_user_column(file)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        data = read_partitioned(root)
    assert len(data) == 3
    assert sorted(data.users.to_external([0, 1, 2]).tolist()) == [1, 2, 3]


def test_a_partition_file_spelling_a_name_with_the_mark_alone_is_refused(
        tmp_path: Path) -> None:
    root, files = _partitioned(tmp_path)
    _mark_user_column(files[1])
    with pytest.raises(DataFormatError, match=r"spells column 'user_id' as '\\ufeffuser_id'"):
        read_partitioned(root)

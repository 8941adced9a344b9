"""Hundred-eighty-seventh probe, a ``_common_metadata`` that lacks a column every data
file holds (its name changed there, as a fuzzed byte did): ``read_partitioned`` looked for
the file without the column to name, found none, and failed with Python's StopIteration.
It now names ``_common_metadata`` and the remedy."""

from __future__ import annotations

import re

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from recstack.data.interactions import Interactions
from recstack.data.partitioned import read_partitioned, write_partitioned
from recstack.errors import DataFormatError


@pytest.mark.parametrize("column", ["timestamp", "value"])
def test_metadata_without_a_column_the_files_hold_is_named(tmp_path, column):
    data = Interactions.from_arrays(["a", "b"], ["x", "y"], [1, 2],
                                    [1_577_836_800, 1_580_515_200])  # 2020-01-01, 2020-02-01
    root = write_partitioned(data, tmp_path / "log")
    metadata = root / "_common_metadata"
    schema = pq.read_schema(metadata)
    pq.write_metadata(pa.schema([field.with_name(f"{column}_x") if field.name == column
                                 else field for field in schema], metadata=schema.metadata),
                      metadata)
    with pytest.raises(DataFormatError, match=re.escape(
            f"{metadata}: column {column!r}: stores no column {column!r}, which every data "
            "file holds (e.g. year=2020/month=01/part-0.parquet) (expected the schema of the "
            "data files, as write_partitioned writes it: write the dataset again, or delete "
            "_common_metadata to read the files' own schema)")):
        read_partitioned(root)
    # the remedy: without _common_metadata the files' own schema is read
    metadata.unlink()
    assert read_partitioned(root).value.tolist() == [1.0, 2.0]


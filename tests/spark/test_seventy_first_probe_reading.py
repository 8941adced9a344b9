"""Seventy-first probe of Spark's read_table against one machine's load_table: a '.pq'
file was read as CSV (its header "PAR1\\x15..."), '.tsv' and '.tab' files needed
options={"sep": "\\t"} although their suffix says it, and a file holding only a header
was read as data without rows (refused on one machine; here the first split said
"cannot split: the data have no rows", the file no longer named)."""

from __future__ import annotations

import pandas as pd
import pytest

from recstack.data.files import load_table
from recstack.errors import DataFormatError

FRAME = pd.DataFrame({"user_id": [1, 2, 2], "item_id": [10, 11, 10], "value": [4.0, 3.0, 5.0],
                      "timestamp": [100, 200, 300]})
ROLES = {"value_col": "value", "timestamp_col": "timestamp"}


def _pairs(data):
    frame = data.to_interactions().to_frame() if hasattr(data, "to_interactions") \
        else data.to_frame()
    return sorted(zip(frame["user_id"], frame["item_id"], frame["value"], frame["timestamp"],
                      strict=True))


@pytest.mark.parametrize("name", ["log.pq", "log.PQ", "log.parquet"])
def test_a_pq_file_is_parquet(spark, tmp_path, name):
    from recstack.spark.data import read_table

    FRAME.to_parquet(tmp_path / name)
    expected = _pairs(load_table(tmp_path / name, **ROLES))
    assert _pairs(read_table(spark, str(tmp_path / name), **ROLES)) == expected


@pytest.mark.parametrize("name", ["log.tsv", "log.tab", "log.TSV"])
def test_tab_suffixes_are_tab_separated(spark, tmp_path, name):
    from recstack.spark.data import read_table

    FRAME.to_csv(tmp_path / name, sep="\t", index=False)
    expected = _pairs(load_table(tmp_path / name, **ROLES))
    assert _pairs(read_table(spark, str(tmp_path / name), **ROLES)) == expected


def test_a_given_separator_still_wins(spark, tmp_path):
    from recstack.spark.data import read_table

    FRAME.to_csv(tmp_path / "log.tsv", sep=";", index=False)  # misnamed: ';' inside
    data = read_table(spark, str(tmp_path / "log.tsv"), options={"sep": ";"}, **ROLES)
    assert data.frame.count() == 3


@pytest.mark.parametrize("suffix", ["csv", "parquet"])
def test_a_file_without_rows_is_refused_naming_it(spark, tmp_path, suffix):
    from recstack.spark.data import read_table

    path = tmp_path / f"empty.{suffix}"
    if suffix == "csv":
        path.write_text("user_id,item_id,value,timestamp\n")
    else:
        FRAME.iloc[:0].to_parquet(path)
    with pytest.raises(DataFormatError, match="holds no interactions"):
        load_table(path, **ROLES)
    with pytest.raises(DataFormatError) as refused:
        read_table(spark, str(path), **ROLES)
    assert str(refused.value) == (f"{path}: holds no interactions (no data rows) (expected one "
                                  "row per interaction)")

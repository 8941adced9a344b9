"""A Parquet value column that holds text (a frame whose ratings were read as strings and
saved with ``to_parquet``) or true/false is refused with the way out in ``load_table``
(naming the column and a row) and ``read_partitioned`` (naming the column and the data
file), not with a bare type name."""
from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from recstack.data.files import load_table
from recstack.data.partitioned import read_partitioned
from recstack.errors import DataFormatError

JANUARY_2020 = 1577836800  # 2020-01-01T00:00:00Z


def _write_log(path: Path, values: pa.Array) -> Path:
    pq.write_table(pa.table({"user_id": [1, 2, 3], "item_id": [4, 5, 6], "rating": values}),
                   path)
    return path


def _write_dataset(root: Path, values: pa.Array) -> Path:
    month = root / "year=2020" / "month=01"
    month.mkdir(parents=True)
    pq.write_table(pa.table({"user_id": [1, 2], "item_id": [3, 4], "value": values,
                             "timestamp": [JANUARY_2020, JANUARY_2020]}),
                   month / "part-0.parquet")
    return root


def test_text_numbers_name_the_column_a_row_and_the_conversion(tmp_path: Path) -> None:
    path = _write_log(tmp_path / "log.parquet", pa.array(["4", "2.5", "3"]))
    with pytest.raises(DataFormatError) as caught:
        load_table(path)
    message = str(caught.value)
    assert "log.parquet" in message
    assert "column 'rating'" in message
    assert "row 1 holds '4'" in message
    assert "pandas.to_numeric(frame['rating'])" in message


def test_text_that_is_no_number_names_its_row(tmp_path: Path) -> None:
    path = _write_log(tmp_path / "log.parquet", pa.array(["4", " 2.5 ", "good"],
                                                         pa.large_string()))
    with pytest.raises(DataFormatError, match=r"row 3 holds 'good', which is not a number"):
        load_table(path)


def test_partitioned_text_values_are_refused_by_the_same_rule(tmp_path: Path) -> None:
    root = _write_dataset(tmp_path / "events", pa.array(["4", "5"]))
    with pytest.raises(DataFormatError) as caught:
        read_partitioned(root)
    message = str(caught.value)
    assert "column 'value'" in message
    assert "year=2020/month=01/part-0.parquet" in message
    assert "pandas.to_numeric(frame['value'])" in message


def test_partitioned_true_false_values_get_the_implicit_feedback_advice(
        tmp_path: Path) -> None:
    root = _write_dataset(tmp_path / "events", pa.array([True, False]))
    with pytest.raises(DataFormatError, match=r"true/false.*implicit feedback"):
        read_partitioned(root)


def test_numbers_are_still_read(tmp_path: Path) -> None:
    path = _write_log(tmp_path / "log.parquet", pa.array([4.0, 2.5, 3.0]))
    assert load_table(path).value.tolist() == [4.0, 2.5, 3.0]

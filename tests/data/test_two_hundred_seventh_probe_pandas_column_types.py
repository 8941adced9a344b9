"""A frame's ``Period`` or ``Interval`` column saved by pandas (``to_parquet``) and read by
``load_table`` or ``read_partitioned``: the column was named by pyarrow's type,
``extension<pandas.period<ArrowPeriodType>>``, and a period of times shown by its count of
months since 1970 ("such as 600" for January 2020). It is named in pandas' words, and a
column of periods given for the times is told, as ``from_frame`` tells it, that periods are
spans of time, and how to convert them."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from recstack.data.files import load_table
from recstack.data.partitioned import read_partitioned
from recstack.errors import DataFormatError

MONTHS = pd.period_range("2020-01", periods=3, freq="M")


def _saved(tmp_path: Path, **columns: object) -> Path:
    path = tmp_path / "log.parquet"
    pd.DataFrame({"user_id": [1, 2, 3], "item_id": [4, 5, 6], **columns}).to_parquet(path)
    return path


def test_periods_given_for_the_times_are_named_as_spans_with_the_first_one(tmp_path: Path
                                                                           ) -> None:
    path = _saved(tmp_path, timestamp=MONTHS)
    with pytest.raises(DataFormatError) as caught:
        load_table(path)
    assert str(caught.value) == (
        f"{path}: column 'timestamp': row 1: holds pandas Period (freq 'M') values, spans "
        "of time rather than points in time, such as 2020-01 (expected date-times, dates "
        "or Unix time (convert the column with pandas' Period.to_timestamp() before "
        "writing the file))")


@pytest.mark.parametrize(("column", "values", "named"), [
    ("value", MONTHS, "pandas Period (freq 'M')"),
    ("value", pd.interval_range(0, 3), "pandas Interval (of int64, closed 'right')"),
    ("user_id", MONTHS, "pandas Period (freq 'M')"),
    ("item_id", pd.interval_range(0, 3), "pandas Interval (of int64, closed 'right')"),
])
def test_pandas_columns_of_values_or_ids_are_named_in_pandas_words(
        tmp_path: Path, column: str, values: object, named: str) -> None:
    path = _saved(tmp_path, **{column: values})
    with pytest.raises(DataFormatError) as caught:
        load_table(path)
    assert f"column {column!r}: holds {named} values (expected " in str(caught.value)
    assert "extension<" not in str(caught.value)


def test_a_partition_file_of_periods_is_named_in_pandas_words(tmp_path: Path) -> None:
    folder = tmp_path / "log" / "year=2020" / "month=01"
    folder.mkdir(parents=True)
    pd.DataFrame({"user_id": [1, 2], "item_id": [1, 2],
                  "timestamp": pd.period_range("2020-01-01", periods=2, freq="D")}
                 ).to_parquet(folder / "part-0.parquet")
    with pytest.raises(DataFormatError, match=r"column 'timestamp': year=2020/month=01/"
                                              r"part-0\.parquet holds timestamp as pandas "
                                              r"Period \(freq 'D'\) \(expected"):
        read_partitioned(tmp_path / "log")

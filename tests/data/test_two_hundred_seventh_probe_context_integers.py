"""Context columns of integers read back from a file or a partitioned dataset: a column with
a missing value came back as float64, so a written ``Int64`` column's counts became floats
and an integer past 2**53 changed without a word (2**53 + 1 read back as 2**53); a text
file's column of codes with leading zeros (``02139``) lost its zeros, and integers too long
for 64 bits were rounded floats. They are read as a CSV side table's columns are."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from recstack.data.files import load_table, save_table
from recstack.data.interactions import Interactions
from recstack.data.partitioned import read_partitioned, write_partitioned

BIG = 2**53 + 1  # 9007199254740993: float64 holds it as 9007199254740992
TIMES = [1_577_836_800, 1_577_923_200, 1_580_515_200]  # 2020-01-01, 01-02, 02-01


def _with_context(context: pd.DataFrame) -> Interactions:
    return Interactions.from_arrays([1, 2, 3], [1, 2, 3], None, TIMES, context=context)


def _context() -> pd.DataFrame:
    return pd.DataFrame({
        "count": pd.array([BIG, None, 3], dtype="Int64"),
        "code": pd.array([2**64 - 1, None, 3], dtype="UInt64"),
        "small": pd.array([1, None, -3], dtype="Int8"),
        "whole": [1, 2, 3],  # no gap: plain int64, as before
    })


@pytest.mark.parametrize("how", ["parquet file", "partitioned dataset"])
def test_integers_with_a_gap_come_back_as_the_integers_written(tmp_path: Path, how: str
                                                               ) -> None:
    data = _with_context(_context())
    if how == "parquet file":
        save_table(data, tmp_path / "log.parquet")
        back = load_table(tmp_path / "log.parquet")
    else:
        write_partitioned(data, tmp_path / "log")
        back = read_partitioned(tmp_path / "log")
    assert back.context is not None
    assert {name: str(dtype) for name, dtype in back.context.dtypes.items()} == {
        "count": "Int64", "code": "UInt64", "small": "Int8", "whole": "int64"}
    assert back.context["count"].tolist()[0] == 9007199254740993
    assert back.context["count"].tolist()[2] == 3
    assert back.context["code"].tolist()[0] == 18446744073709551615
    assert back.context["small"].tolist()[2] == -3
    assert back.context.isna().sum().tolist() == [1, 1, 1, 0]
    pd.testing.assert_frame_equal(back.context, data.context)


def test_a_text_files_context_keeps_integers_codes_and_long_numbers(tmp_path: Path) -> None:
    path = tmp_path / "log.csv"
    path.write_text(
        "user_id,item_id,visits,zip,unsigned,ratio,whole,huge\n"
        "1,1,9007199254740993,02139,18446744073709551615,1.5,1,123456789012345678901234\n"
        "2,2,,,,,2,1\n"
        "3,3,+3,10001,1,2,3,2\n")
    context = load_table(path, context=["visits", "zip", "unsigned", "ratio", "whole",
                                        "huge"]).context
    assert context is not None
    assert str(context["visits"].dtype) == "Int64"
    assert context["visits"].tolist()[0] == 9007199254740993
    assert context["visits"].tolist()[2] == 3
    assert pd.isna(context["visits"].iloc[1])
    # codes: the zeros are part of them
    assert context["zip"].tolist() == ["02139", None, "10001"]
    assert str(context["unsigned"].dtype) == "UInt64"
    assert context["unsigned"].tolist()[0] == 18446744073709551615
    # numbers with a fraction stay floats; integers without a gap stay int64
    assert context["ratio"].dtype == np.float64
    assert context["ratio"].tolist()[0] == 1.5 and np.isnan(context["ratio"].iloc[1])
    assert context["whole"].dtype == np.int64 and context["whole"].tolist() == [1, 2, 3]
    # past 64 bits: kept as written, not rounded to 1.2345678901234568e+23
    assert context["huge"].tolist() == ["123456789012345678901234", "1", "2"]

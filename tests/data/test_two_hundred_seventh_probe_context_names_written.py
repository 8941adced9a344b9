"""Context columns whose names a file cannot keep apart: a file names its columns by text,
read without surrounding spaces. The columns ``0`` and ``'0'``, ``' d'`` and ``'d'``, a
column ``' user_id'`` beside the file's own ``user_id``, a blank name, or one of the
columns pyarrow's reader adds (``__filename``) were written into a file that ``load_table``
refused as damaged or a CSV whose reading was a ``KeyError`` traceback, and
``write_partitioned`` failed inside pyarrow (``ArrowInvalid: Multiple matches for
FieldRef.Name(0)``) or wrote a dataset ``read_partitioned`` could not read (``KeyError:
'Column d does not exist in schema'``). Each is refused before anything is written."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from recstack.data.files import load_table, save_table
from recstack.data.interactions import Interactions
from recstack.data.partitioned import read_partitioned, write_partitioned
from recstack.errors import DataFormatError

TIMES = [1_577_836_800, 1_577_923_200, 1_580_515_200]


def _with_context(names: list[object]) -> Interactions:
    frame = pd.DataFrame([[7] * len(names)] * 3, columns=pd.Index(names, dtype=object))
    return Interactions.from_arrays([1, 2, 3], ["a", "b", "c"], None, TIMES, context=frame)


CASES = [
    ([0, "0"], "the context columns 0 and '0' are both written as the column '0'"),
    ([" d", "d"], "the context columns ' d' and 'd' are both written as the column 'd'"),
    ([1.5, "1.5"], "the context columns 1.5 and '1.5' are both written as the column '1.5'"),
    ([" user_id"], "the context column ' user_id' is read back as 'user_id', the name of "
                   "the file's column of user ids"),
    (["value "], "the context column 'value ' is read back as 'value', the name of the "
                 "file's column of values"),
    (["timestamp\t"], "the context column 'timestamp\\t' is read back as 'timestamp', the "
                      "name of the file's column of timestamps"),
    (["__filename"], "the context column '__filename' has the name of a column pyarrow adds "
                     "to every row it reads"),
    (["  "], "the context column '  ' has no name once written"),
]


@pytest.mark.parametrize("how", ["data.parquet", "data.csv", "dataset"])
@pytest.mark.parametrize(("names", "message"), CASES)
def test_names_a_file_cannot_keep_apart_are_refused_before_writing(
        tmp_path: Path, how: str, names: list[object], message: str) -> None:
    target = tmp_path / how
    with pytest.raises(DataFormatError) as caught:
        if how == "dataset":
            write_partitioned(_with_context(names), target)
        else:
            save_table(_with_context(names), target)
    assert f"not written: {message}" in str(caught.value)
    assert str(caught.value).startswith(f"{target}: column ")
    assert "rename the column in the frame the interactions are made from" in str(
        caught.value)
    assert list(tmp_path.iterdir()) == []  # nothing written, nothing left behind


def test_a_spaced_partition_level_name_is_refused(tmp_path: Path) -> None:
    with pytest.raises(DataFormatError, match="the context column ' month' is read back as "
                                              "'month', the name of a partition level's "
                                              "column, made from the timestamps"):
        write_partitioned(_with_context([" month"]), tmp_path / "log")
    assert list(tmp_path.iterdir()) == []


def test_names_that_stay_apart_are_written_and_read_back(tmp_path: Path) -> None:
    data = _with_context(["x", "X", "day", "user"])
    save_table(data, tmp_path / "log.parquet")
    assert list(load_table(tmp_path / "log.parquet").context.columns) == [
        "x", "X", "day", "user"]
    write_partitioned(data, tmp_path / "log")  # by year and month: 'day' is no level here
    back = read_partitioned(tmp_path / "log").context
    assert list(back.columns) == ["x", "X", "day", "user"]
    assert back["day"].tolist() == [7, 7, 7]

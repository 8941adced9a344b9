"""Hundred-thirty-eighth probe, write_partitioned's target and context columns.

A file given as the dataset's folder was told "exists; pass overwrite=True", which then
refused to replace it; a file where a folder above the target belongs was Python's
FileExistsError; a context column named like a partition level ('month') and a context
column Arrow cannot store (1 beside 'a', a dict beside a list) were pyarrow's
ArrowInvalid, in save_table too. Nothing is written in any of these cases."""

from __future__ import annotations

import pandas as pd
import pytest

from recstack.data.files import save_table
from recstack.data.interactions import Interactions
from recstack.data.partitioned import read_partitioned, write_partitioned
from recstack.errors import DataFormatError, RecstackError

TIMES = [1_600_000_000, 1_650_000_000]


def _data(context=None):
    return Interactions.from_arrays([1, 2], [1, 2], timestamps=TIMES,
                                    context=None if context is None else pd.DataFrame(context))


def test_a_file_for_the_folder_is_refused_as_a_file(tmp_path):
    target = tmp_path / "log"
    target.write_text("x")
    with pytest.raises(RecstackError, match=r": is a file, not a dataset folder; "
                                            r"write_partitioned writes a folder"):
        write_partitioned(_data(), target)
    assert target.read_text() == "x"


def test_a_file_above_the_folder_is_named(tmp_path):
    (tmp_path / "file").write_text("x")
    with pytest.raises(RecstackError, match=r"file/sub: cannot write here: .*file is a file, "
                                            r"not a folder"):
        write_partitioned(_data(), tmp_path / "file" / "sub")


@pytest.mark.parametrize("level", ["year", "month"])
def test_a_context_column_named_like_a_level_is_refused(tmp_path, level):
    with pytest.raises(RecstackError, match=rf"the context column '{level}' has the name of "
                                            r"a partition level"):
        write_partitioned(_data({level: [1, 2]}), tmp_path / "out")
    assert list(tmp_path.iterdir()) == []


def test_a_context_column_of_a_level_not_written_is_kept(tmp_path):
    write_partitioned(_data({"day": [5, 6]}), tmp_path / "out", partitioning=("year",))
    assert read_partitioned(tmp_path / "out").context["day"].tolist() == [5, 6]


@pytest.mark.parametrize(("values", "shown", "row"), [
    ([1, "a"], "'a'", 2),
    ([{"a": 1}, [1]], "[1]", 2),
    ([1 + 2j, 3j], "(1+2j)", 1),
])
@pytest.mark.parametrize("writer", ["save_table", "write_partitioned"])
def test_a_context_column_arrow_cannot_store_is_named(tmp_path, values, shown, row, writer):
    data = _data({"device": values})
    target = tmp_path / ("out.parquet" if writer == "save_table" else "out")
    with pytest.raises(DataFormatError) as refused:
        if writer == "save_table":
            save_table(data, target)
        else:
            write_partitioned(data, target)
    message = str(refused.value)
    assert message.startswith(f"column 'device': not written: the context column holds "
                              f"{shown} at row {row}"), message
    assert list(tmp_path.iterdir()) == []


def test_numbers_of_two_types_are_one_kind(tmp_path):
    # ints beside floats are stored as floats; the object after them is the problem
    data = _data({"device": [1, 2.5]})
    save_table(data, tmp_path / "ok.parquet")
    rows = Interactions.from_arrays([1, 2, 3], [1, 2, 3],
                                    context=pd.DataFrame({"device": [1, 2.5, object()]}))
    with pytest.raises(DataFormatError, match=r"holds <object object at .*> at row 3"):
        save_table(rows, tmp_path / "bad.parquet")

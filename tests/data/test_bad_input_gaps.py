"""Bad inputs the fifth probe found slipping through the data loaders, each refused with
its place named."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest

from recstack.data import partitioned
from recstack.data.interactions import Interactions
from recstack.errors import DataFormatError


# ---------------------------------------------------------------- values shown in messages
@pytest.mark.parametrize(("column", "shown"), [
    # 10183-01-01 is 3 000 000 days after 1970-01-01: beyond Python's datetime.date
    (pa.array([3_000_000], pa.date32()), r"found 3000000 \(date32\[day\]\), outside the "
                                         r"years 1 to 9999"),
    # 82000 * 365.25 days of milliseconds: the year 83970
    (pa.array([2_525_000_000_000_000], pa.timestamp("ms")),
     r"found 2525000000000000 \(timestamp\[ms\]\)"),
])
def test_a_partitioned_row_error_shows_a_time_beyond_the_calendar(monkeypatch, column, shown):
    # Every check of the partitioned reader that names a bad value renders it with the
    # same fail_at; one that refuses the first id stands in for them all. The rendering
    # was pyarrow's as_py(), an OverflowError traceback for such a value.
    def refuse_first(values, name, fail_at):
        raise fail_at(0, name, "found {text}", "integer or text ids")

    monkeypatch.setattr(partitioned, "ids_to_numpy", refuse_first)
    table = pa.table({"user_id": column, "item_id": pa.array([1])})
    with pytest.raises(DataFormatError, match=rf"log: column 'user_id': part-0\.parquet, row 1: "
                                              rf"{shown}"):
        partitioned._to_interactions(table, Path("log"), [], None,
                                     lambda index: f"part-0.parquet, row {index + 1}")


# ---------------------------------------------------------------- repeated column names
def _table_with_twice(key: str, name: str) -> pd.DataFrame:
    table = pd.DataFrame([[1, "A", "x"], [2, "B", "y"]], columns=[key, "title", "genre"])
    return table.set_axis([key, "title", name], axis=1)


@pytest.mark.parametrize("keep_unseen_items", [False, True])
@pytest.mark.parametrize("name", ["title", "item_id"])
def test_an_item_table_naming_a_column_twice_is_refused(name, keep_unseen_items):
    table = _table_with_twice("item_id", name)
    position = list(table.columns).index(name) + 1
    with pytest.raises(DataFormatError, match=rf"column '{name}': the item table names column "
                                              rf"'{name}' twice \(columns {position} and 3\)"):
        Interactions.from_arrays([0, 1], [1, 2], item_table=table,
                                 keep_unseen_items=keep_unseen_items)


def test_a_user_table_naming_a_column_twice_is_refused():
    table = _table_with_twice("user_id", "title")
    with pytest.raises(DataFormatError, match=r"column 'title': the user table names column "
                                              r"'title' twice \(columns 2 and 3\)"):
        Interactions.from_arrays([1, 2], [5, 6], user_table=table)


def test_a_context_naming_a_column_twice_is_refused():
    context = pd.DataFrame([["a", "b"], ["c", "d"]], columns=["device", "device"])
    with pytest.raises(DataFormatError, match=r"the context names column 'device' twice"):
        Interactions.from_arrays([1, 2], [5, 6], context=context)


def test_a_frame_naming_its_id_column_twice_is_refused():
    frame = pd.DataFrame([[1, 5, 9], [2, 6, 9]], columns=["user_id", "item_id", "user_id"])
    with pytest.raises(DataFormatError, match=r"column 'user_id': the frame names column "
                                              r"'user_id' twice \(columns 1 and 3\)"):
        Interactions.from_frame(frame)

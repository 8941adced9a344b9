"""Hundred-forty-sixth probe, time partitions that disagree about a context column the
dataset records (``write_partitioned`` records the context columns of what it writes).

* A partition without the column (one written before the column was added, or edited):
  its rows were read with the column missing, without a word, or, when the first file
  lacked it and no ``_common_metadata`` was there, the column was dropped for every row.
* A partition holding it as numbers where the others hold text (or the reverse): the
  numbers were read as text (``1`` became ``"1"``).

Each is now refused naming the partition file (and one that holds the column), as ids and
timestamps of two kinds already were. Likewise a value or timestamp column that only the
later partitions hold, in a dataset without ``_common_metadata`` (whose schema is then the
first file's): it was "stores no column 'value'", with the advice to read without it. A
day folder named with a whole date (``day=2023-02-30``) is refused saying it is a date,
and whether it is a real one."""

import os

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from recstack.data.interactions import Interactions
from recstack.data.partitioned import read_partitioned, write_partitioned
from recstack.errors import DataFormatError

JAN, FEB = 1_672_531_200, 1_675_209_600  # 2023-01-01, 2023-02-01 (UTC)


def _written(root, *, common_metadata=True):
    data = Interactions.from_frame(pd.DataFrame({
        "user_id": [1, 2, 3, 4], "item_id": [1, 2, 1, 2], "value": [1.0, 2.0, 3.0, 4.0],
        "timestamp": [JAN, JAN + 100, FEB, FEB + 100], "device": ["a", "b", "c", "d"],
        "n": [1, 2, 3, 4]}), context_cols=["device", "n"])
    write_partitioned(data, root)
    if not common_metadata:
        os.remove(root / "_common_metadata")
    return [root / "year=2023" / "month=01" / "part-0.parquet",
            root / "year=2023" / "month=02" / "part-0.parquet"]


def _rewrite(path, edit):
    table = pq.read_table(path)
    pq.write_table(edit(table).replace_schema_metadata(table.schema.metadata), path)


def _set(table, name, values):
    return table.set_column(table.schema.get_field_index(name), name, pa.array(values))


@pytest.mark.parametrize("common_metadata", [True, False])
@pytest.mark.parametrize(("without", "holder"), [(0, 1), (1, 0)])
def test_a_partition_without_a_recorded_context_column_is_named(tmp_path, common_metadata,
                                                                without, holder):
    files = _written(tmp_path / "logs", common_metadata=common_metadata)
    _rewrite(files[without], lambda table: table.drop_columns(["device"]))
    missing = files[without].relative_to(tmp_path / "logs").as_posix()
    held = files[holder].relative_to(tmp_path / "logs").as_posix()
    with pytest.raises(DataFormatError, match=rf"column 'device': {missing} has no column "
                                              rf"'device', a context column the dataset "
                                              rf"records; {held} holds it"):
        read_partitioned(tmp_path / "logs")


@pytest.mark.parametrize("common_metadata", [True, False])
@pytest.mark.parametrize(("column", "values", "stored", "odd"), [
    ("device", [1, 2], "text", "numbers"),
    ("n", ["x", "y"], "numbers", "text"),
])
def test_a_context_column_of_another_kind_in_one_partition_is_named(
        tmp_path, common_metadata, column, values, stored, odd):
    files = _written(tmp_path / "logs", common_metadata=common_metadata)
    _rewrite(files[1], lambda table: _set(table, column, values))
    first = "_common_metadata" if common_metadata else "year=2023/month=01/part-0.parquet"
    with pytest.raises(DataFormatError, match=rf"column '{column}': {first} holds {column} "
                                              rf"as {stored}, year=2023/month=02/"
                                              rf"part-0\.parquet as {odd}; merged, the {odd} "
                                              rf"would be read as {stored}"):
        read_partitioned(tmp_path / "logs")


def test_a_time_range_checks_only_the_partitions_it_reads(tmp_path):
    files = _written(tmp_path / "logs")
    _rewrite(files[1], lambda table: _set(table, "device", [1, 2]))
    back = read_partitioned(tmp_path / "logs", end="2023-02-01")
    assert back.context["device"].tolist() == ["a", "b"]


def test_partitions_that_agree_are_read_as_before(tmp_path):
    _written(tmp_path / "logs")
    back = read_partitioned(tmp_path / "logs")
    assert back.context["device"].tolist() == ["a", "b", "c", "d"]
    assert back.context["n"].tolist() == [1, 2, 3, 4]


@pytest.mark.parametrize(("day", "named"), [
    ("2023-02-30", r"day='2023-02-30' is not a whole number: it is written as a date, and "
                   r"not a real one \(day=30 is not a day of 2023-02 \(1 to 28\)\), but a day "
                   r"folder names the day alone, as a number"),
    ("2023-02-03", r"day='2023-02-03' is not a whole number: it is written as a date, but a "
                   r"day folder names the day alone, as a number, e\.g\. day=03"),
])
def test_a_day_folder_named_with_a_date_says_so(tmp_path, day, named):
    folder = tmp_path / "logs" / "year=2023" / "month=02" / f"day={day}"
    folder.mkdir(parents=True)
    pq.write_table(pa.table({"user_id": [1], "item_id": [1], "timestamp": [FEB]}),
                   folder / "part-0.parquet")
    with pytest.raises(DataFormatError, match=rf"partition folder 'year=2023/month=02/"
                                              rf"day={day}': {named}"):
        read_partitioned(tmp_path / "logs")


@pytest.mark.parametrize("column", ["value", "timestamp"])
def test_a_column_of_the_later_partitions_only_is_named_by_partition(tmp_path, column):
    files = _written(tmp_path / "logs", common_metadata=False)
    _rewrite(files[0], lambda table: table.drop_columns([column]))
    with pytest.raises(DataFormatError, match=rf"column '{column}': year=2023/month=01/"
                                              rf"part-0\.parquet has no column '{column}', "
                                              rf"which year=2023/month=02/part-0\.parquet "
                                              rf"holds"):
        read_partitioned(tmp_path / "logs")

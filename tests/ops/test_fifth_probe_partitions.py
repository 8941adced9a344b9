"""Fifth probe: partition folders at the end of the calendar, or in other digits."""

from __future__ import annotations

import pytest

from recstack.errors import RecstackError
from recstack.ops.partitions import list_partitions


def _logs(tmp_path, relative):
    folder = tmp_path / "logs" / relative
    folder.mkdir(parents=True)
    (folder / "part-0.parquet").write_bytes(b"")
    return tmp_path / "logs"


@pytest.mark.parametrize("relative", ["year=9999", "year=9999/month=12",
                                      "year=9999/month=12/day=31"])
def test_a_period_ending_past_the_calendar_is_named(tmp_path, relative):
    # its end (10000-01-01) raised ValueError / OverflowError: a traceback
    with pytest.raises(RecstackError, match=rf"folder '{relative}' names a period that ends "
                                            r"after the year 9999"):
        list_partitions(_logs(tmp_path, relative))


def test_the_last_periods_before_it_are_read(tmp_path):
    assert [p.label for p in list_partitions(_logs(tmp_path, "year=9999/month=11"))] == [
        "9999-11"]


def test_folder_names_take_ascii_digits(tmp_path):
    # 'year=٢٠١٩' was read as 2019: beside year=2019, two folders for one partition
    with pytest.raises(RecstackError, match=r"folder 'year=٢٠١٩' is not a time partition"):
        list_partitions(_logs(tmp_path, "year=٢٠١٩"))

"""Warnings of the data layer point at the caller's line; an empty time range read from
a partitioned dataset is warned of, naming the range and the times the data cover."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest

from recstack.data import EmptyTimeRangeWarning, MissingValueIdWarning
from recstack.data.adjacency import load_adjacency_splits
from recstack.data.files import load_table
from recstack.data.interactions import Interactions
from recstack.data.partitioned import read_partitioned, write_partitioned


def _caught(call) -> list[warnings.WarningMessage]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        call()
    return caught


def test_the_missing_id_warning_of_from_arrays_points_at_the_callers_line():
    caught = _caught(lambda: Interactions.from_arrays(["NA", "1", "2"], [1, 2, 3]))
    (warning,) = [w for w in caught if issubclass(w.category, MissingValueIdWarning)]
    assert warning.filename == __file__  # it pointed at recstack/data/interactions.py


def test_the_missing_id_warning_of_a_file_points_at_the_callers_line(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text("user_id,item_id\nNA,1\n1,2\n2,3\n")
    caught = _caught(lambda: load_table(path))
    warned = [w for w in caught if issubclass(w.category, MissingValueIdWarning)]
    assert warned and all(w.filename == __file__ for w in warned)


def test_the_adjacency_repeat_warning_points_at_the_callers_line(tmp_path):
    (tmp_path / "train.txt").write_text("0 1 1 2\n1 0 2\n")
    (tmp_path / "test.txt").write_text("0 0\n1 1\n")
    caught = _caught(lambda: load_adjacency_splits(tmp_path))
    warned = [w for w in caught if "listed twice" in str(w.message)]
    assert warned and all(w.filename == __file__ for w in warned)


# one row a day at noon UTC, 2024-01-10 .. 2024-03-19
_DAYS = np.arange(np.datetime64("2024-01-10"), np.datetime64("2024-03-20"))
_TIMES = _DAYS.astype("datetime64[s]").astype(np.int64) + 12 * 3600


@pytest.fixture
def dataset(tmp_path) -> Path:
    n = len(_TIMES)
    data = Interactions.from_arrays(np.arange(n) % 4, np.arange(n) % 6, None, _TIMES)
    return write_partitioned(data, tmp_path / "log")


@pytest.mark.parametrize("bounds", [{"start": "2030-01-01"}, {"end": "2001-01-01"},
                                    {"start": "2024-03-19T12:00:01"},
                                    {"start": "2024-01-01", "end": "2024-01-10"}])
def test_a_time_range_outside_the_data_is_warned_of(dataset, bounds):
    with pytest.warns(EmptyTimeRangeWarning) as caught:
        assert len(read_partitioned(dataset, **bounds)) == 0  # still read, as before
    message = str(caught[0].message)
    assert caught[0].filename == __file__
    assert str(dataset) in message and "no row has a time in [" in message
    # the earliest and latest rows: 2024-01-10 and 2024-03-19 at noon
    assert "from 2024-01-10T12:00:00 to 2024-03-19T12:00:00" in message


def test_a_time_range_with_rows_is_not_warned_of(dataset):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert len(read_partitioned(dataset, start="2024-02-01", end="2024-02-03")) == 2
        assert len(read_partitioned(dataset)) == len(_TIMES)

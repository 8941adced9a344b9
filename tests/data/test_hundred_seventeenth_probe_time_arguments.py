"""One rule for a time given as an argument across the data layer: ``Interactions.between``
took only Unix seconds (``between("2024-01-01")`` was refused) while ``time_window`` and
``temporal_split`` took ISO text and dates; ``read_partitioned`` alone read a year or a
month (``"2024-03"``), and a fraction of a second before 1970 was truncated by one reader
(to 0) and floored by the other (to -1)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from recstack.data.filters import TimeWindow, apply_filters, to_unix_seconds
from recstack.data.interactions import Interactions
from recstack.data.partitioned import read_partitioned, write_partitioned
from recstack.data.splits import temporal_split
from recstack.errors import ConfigError, RecstackError

JAN_1_2024 = 1_704_067_200  # 2024-01-01T00:00:00Z
MAR_1_2024 = 1_709_251_200  # 2024-03-01T00:00:00Z

MOMENTS = [
    (JAN_1_2024, JAN_1_2024), (np.int64(JAN_1_2024), JAN_1_2024),
    ("2024-01-01", JAN_1_2024), ("2024-01-01T01:00:00+01:00", JAN_1_2024),
    ("2024", JAN_1_2024), ("2024-03", MAR_1_2024), (dt.date(2024, 1, 1), JAN_1_2024),
    (dt.datetime(2024, 1, 1), JAN_1_2024), (pd.Timestamp("2024-03-01"), MAR_1_2024),
    (pd.Timestamp("2024-01-01 01:00", tz="Europe/Paris"), JAN_1_2024),
    (np.datetime64("2024-03-01"), MAR_1_2024), (np.datetime64("2024-01-01T00:00:00.9"), JAN_1_2024),
    # floored, as the loaders floor times: the second that holds the moment
    ("1969-12-31T23:59:59.5", -1),
]


def _data() -> Interactions:
    times = [-1, JAN_1_2024 - 1, JAN_1_2024, MAR_1_2024]
    return Interactions.from_arrays(["a"] * 4 + ["b"] * 4, list("xyzwzwxy"),
                                    timestamps=times + times)


@pytest.mark.parametrize(("moment", "seconds"), MOMENTS)
def test_every_time_argument_reads_a_moment_alike(tmp_path, moment, seconds):
    data = _data()
    assert to_unix_seconds(moment, "start") == seconds
    expected = sorted(int(t) for t in data.timestamp if t >= seconds)
    assert sorted(data.between(moment).timestamp.tolist()) == expected
    assert sorted(data.between(end=moment).timestamp.tolist()) == sorted(
        int(t) for t in data.timestamp if t < seconds)
    kept, _ = apply_filters(data, [TimeWindow(start=moment)])
    assert sorted(kept.timestamp.tolist()) == expected
    split = temporal_split(data, moment) if expected and len(expected) < len(data) else None
    if split is not None:
        assert sorted(split.test.timestamp.tolist()) == expected
    if seconds >= 0:  # the partitions hold 1970 onwards here
        root = write_partitioned(data.between(0), tmp_path / "log")
        assert sorted(read_partitioned(root, start=moment).timestamp.tolist()) == [
            t for t in expected if t >= 0]


@pytest.mark.parametrize(("moment", "says"), [
    ("yesterday", r"^between: start: cannot read 'yesterday' as a time; use Unix seconds or "
                  r"an ISO date"),
    (1_704_067_200.5, r"^between: start: cannot read 1704067200\.5 as a time"),
    ("1704067200", r"^between: start: '1704067200' is a number in quotes"),
    (True, r"^between: start: expected Unix seconds or an ISO date .*got the boolean True"),
    ("2024-02-30", r"^between: start: '2024-02-30' is not a real date: February 2024 has 29"),
    (np.datetime64("NaT"), r"^between: start is NaT \(no time\)"),
    (pd.NaT, r"^between: start is NaT \(no time\)"),
])
def test_between_refuses_what_names_no_moment_as_the_others_do(moment, says):
    with pytest.raises(ConfigError, match=says):
        _data().between(moment)


@pytest.mark.parametrize("moment", [np.datetime64("NaT"), pd.NaT])
def test_nat_is_named_as_nat_not_none(moment, tmp_path):
    # to_unix_seconds said "cannot read None as a time" of numpy's NaT
    with pytest.raises(ConfigError, match=r"^start is NaT \(no time\)"):
        to_unix_seconds(moment, "start")
    root = write_partitioned(_data().between(0), tmp_path / "log")
    with pytest.raises(RecstackError, match=r"^start is NaT \(no time\); use Unix seconds"):
        read_partitioned(root, start=moment)


def test_between_with_iso_bounds_swapped_is_refused():
    with pytest.raises(ConfigError, match=r"between: start \(1709251200\) is after end "
                                          r"\(1704067200\)"):
        _data().between("2024-03", "2024-01-01")

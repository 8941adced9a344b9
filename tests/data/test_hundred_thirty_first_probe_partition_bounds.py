"""``read_partitioned``'s ``start`` and ``end`` were refused in words of their own ("start=NaT
is not a time (NaT names no moment); give Unix seconds, a datetime or ...") while every other
time argument (``between``, ``time_window``, ``temporal_split``'s cutoff) says one message
from :func:`recstack.data.dates.to_unix_seconds`, listing every form a time may take."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from recstack.data.dates import TIME_FORMS, to_unix_seconds
from recstack.data.interactions import Interactions
from recstack.data.partitioned import partition_files, read_partitioned, write_partitioned
from recstack.errors import ConfigError


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    data = Interactions.from_arrays([1, 2, 3], [1, 2, 3],
                                    timestamps=[1577836800, 1580515200, 1583020800])
    return write_partitioned(data, tmp_path_factory.mktemp("log") / "log")


@pytest.mark.parametrize("bound", [pd.NaT, np.datetime64("NaT"), "next week", 1.5,
                                   np.float64(1.5e9), True, "2020-02-30", "1600000000"])
@pytest.mark.parametrize("name", ["start", "end"])
def test_a_bound_is_refused_in_the_words_of_every_time_argument(root, bound, name):
    with pytest.raises(ConfigError) as expected:
        to_unix_seconds(bound, name)
    assert TIME_FORMS in str(expected.value) or "number in quotes" in str(expected.value)
    with pytest.raises(ConfigError) as got:
        read_partitioned(root, **{name: bound})
    assert str(got.value) == str(expected.value)
    with pytest.raises(ConfigError) as listed:
        partition_files(root, **{name: bound})
    assert str(listed.value) == str(expected.value)


def test_nat_is_named_as_nat(root):
    with pytest.raises(ConfigError, match=r"^end is NaT \(no time\); use Unix seconds or an "
                                          r"ISO date"):
        read_partitioned(root, end=pd.NaT)


def test_bounds_that_are_times_still_read(root):
    # [2020-02-01, 2020-03-01): the one row of February
    assert len(read_partitioned(root, start="2020-02", end=pd.Timestamp("2020-03-01"))) == 1
    assert len(read_partitioned(root, start=np.int64(1580515200))) == 2

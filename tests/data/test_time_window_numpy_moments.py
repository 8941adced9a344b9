"""A time window's bounds given as numpy moments (``numpy.datetime64``, what a datetime64
column's ``max()`` gives) are the same UTC moments a datetime or ISO text names, as
``temporal_split`` reads its cutoff; they were "expected an integer or a string"."""

import datetime

import numpy as np
import pandas as pd
import pytest

from recstack.data.filters import TimeWindow
from recstack.data.interactions import Interactions
from recstack.errors import ConfigError

JAN_1 = int(datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC).timestamp())
DAY = 86_400


@pytest.mark.parametrize("start", [np.datetime64("2024-01-01"),
                                   np.datetime64("2024-01-01T00:00:00", "s"),
                                   np.datetime64("2024-01-01T00:00:00.000", "ms")])
def test_a_numpy_moment_bounds_the_window_as_the_iso_date_does(start):
    data = Interactions.from_arrays([0, 1, 2], [0, 1, 2],
                                    timestamps=[JAN_1 - 1, JAN_1, JAN_1 + DAY])
    by_numpy, _ = TimeWindow(start=start, end=np.datetime64("2024-01-02")).apply(data)
    by_text, _ = TimeWindow(start="2024-01-01", end="2024-01-02").apply(data)
    # start <= t < end: the second row alone
    assert by_numpy.timestamp.tolist() == by_text.timestamp.tolist() == [JAN_1]


def test_nat_is_no_moment_and_is_refused():
    # in the words of every time argument (pandas' NaT was "cannot read 'NaT' as a time"
    # and numpy's "time_window: start = NaT: expected an integer or a string")
    for nat in (np.datetime64("NaT"), pd.NaT):
        with pytest.raises(ConfigError,
                           match=r"^time_window: start is NaT \(no time\); use Unix seconds"):
            TimeWindow(start=nat)

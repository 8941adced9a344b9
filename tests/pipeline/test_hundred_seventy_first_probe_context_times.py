"""Hundred-seventy-first bad-input probe: a request time that is not a point in time.

``context_time``'s hour and weekday come from the request's ``timestamp``. A duration
(``pd.Timedelta(hours=5)``, an offset from some start) was read as its nanoseconds, a
period (``pd.Period("2024-01-01 00:00", "h")``) as its count of periods since 1970, and a
complex number as its real part, each as seconds: hour and weekday features of another
time, silently (the duration of 5 hours gave hour 8 on a Wednesday). They are now refused,
naming the row, as text and true/false already were.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import RecstackError
from recstack.pipeline.features import FeatureBuilder, request_context


def _builder() -> FeatureBuilder:
    data = Interactions.from_arrays(np.array([1, 1, 2, 2]), np.array([5, 6, 5, 7]), None,
                                    np.array([1, 2, 3, 4]))
    return FeatureBuilder(context_time=True).fit(data, ["a"], 3)


DURATION = r"a duration, not a time \(add it to the start time it counts from\)"


@pytest.mark.parametrize(("times", "row", "shown", "what"), [
    ([pd.Timedelta(hours=5)], 0, r"Timedelta\('0 days 05:00:00'\)", DURATION),
    (pd.Series(pd.to_timedelta([0, 5], unit="h")), 0, r"Timedelta\('0 days 00:00:00'\)",
     DURATION),
    ([0, dt.timedelta(hours=1)], 1, r"datetime.timedelta\(seconds=3600\)", DURATION),
    (pd.Series(pd.period_range("2024-01-01", periods=2, freq="h")), 0,
     r"Period\('2024-01-01 00:00', 'h'\)", r"a period, not a time \(its start is "
                                            r"period.to_timestamp\(\)\)"),
    (pd.Series([3600, 1j], dtype=object), 1, "1j", "a complex number"),
    (np.array([3600 + 0j, 0j]), 0, r"\(3600\+0j\)", "a complex number"),
])
def test_a_time_of_another_kind_is_refused_naming_its_row(times, row, shown, what):
    builder = _builder()
    context = request_context(pd.DataFrame({"timestamp": times}), len(times))
    with pytest.raises(RecstackError, match=f"^context column 'timestamp': row {row} holds "
                                            f"{shown}, {what}; give Unix seconds or a "
                                            "datetime"):
        builder.context_features(context, len(times))
    with pytest.raises(RecstackError, match=f"^context column 'timestamp': request {row} "):
        builder.check_context(context, "request")


def test_times_and_missing_times_still_give_their_hour_and_weekday():
    # 1970-01-05 was a Monday (weekday code 1); 13:00 is hour code 14; a missing time and
    # a missing duration (NaT) are the unknown level, code 0
    builder = _builder()
    monday_13h = 4 * 86_400 + 13 * 3600
    times = [monday_13h, pd.Timestamp(monday_13h, unit="s"), None, pd.NaT]
    _, codes = builder.context_features(request_context({"timestamp": times}, 4), 4)
    assert codes.tolist() == [[14, 1], [14, 1], [0, 0], [0, 0]]

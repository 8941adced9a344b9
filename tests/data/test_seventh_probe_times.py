"""Seventh probe, date-time columns handed to Interactions: a time-zone aware column (what
pandas.to_datetime(..., utc=True) gives) was refused as 'dates or times' with the advice
to use pandas.to_numeric, a missing time (NaT) was named as the time -9223372036854775808
'out of range', and from_arrays refused numpy datetime64 that from_frame read."""

import numpy as np
import pandas as pd
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import DataFormatError

# 2020-01-01T00:00:00Z and 2020-01-02T00:00:00Z: 18262 and 18263 days after 1970-01-01
_DAY_1, _DAY_2 = 18262 * 86400, 18263 * 86400


def _frame(times):
    return pd.DataFrame({"user_id": [1, 2], "item_id": [3, 4], "timestamp": times})


def test_time_zone_aware_times_are_their_utc_instants():
    # midnight in Paris (UTC+1 in winter) is 23:00 UTC the day before
    times = pd.to_datetime(["2020-01-01", "2020-01-02"]).tz_localize("Europe/Paris")
    data = Interactions.from_frame(_frame(times))
    assert data.timestamp.tolist() == [_DAY_1 - 3600, _DAY_2 - 3600]


def test_utc_times_from_to_datetime_are_read():
    times = pd.to_datetime(["2020-01-01T00:00:00Z", "2020-01-02T00:00:00Z"], utc=True)
    assert Interactions.from_frame(_frame(times)).timestamp.tolist() == [_DAY_1, _DAY_2]


@pytest.mark.parametrize("aware", [False, True])
def test_a_missing_time_is_named_by_row(aware):
    times = pd.to_datetime(["2020-01-01", None])
    if aware:
        times = times.tz_localize("UTC")
    with pytest.raises(DataFormatError, match=r"column 'timestamp': row 1 has no time \(NaT"):
        Interactions.from_frame(_frame(times))


def test_from_arrays_reads_numpy_date_times_as_from_frame_does():
    days = np.array(["2020-01-01", "2020-01-02"], dtype="datetime64[D]")
    data = Interactions.from_arrays([1, 2], [3, 4], None, days)
    assert data.timestamp.tolist() == [_DAY_1, _DAY_2]


def test_dates_as_text_point_to_to_datetime():
    with pytest.raises(DataFormatError, match=r"pandas\.to_datetime"):
        Interactions.from_frame(_frame(pd.Series(["2020-01-01", "2020-01-02"], dtype=object)))

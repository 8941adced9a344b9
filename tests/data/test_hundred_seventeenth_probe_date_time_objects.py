"""Python ``datetime`` and pandas ``Timestamp`` objects as times: a list of them (or a
frame's object column mixing zones) was refused as "holds dates or times ... (convert text
first)", though it held no text, while a datetime64 array, a zoned pandas column and a
list of ``date`` objects were read. One rule now: naive ones are UTC, aware ones their UTC
instant, fractions of a second floored."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import DataFormatError

JAN_1_2024 = 1_704_067_200  # 2024-01-01T00:00:00Z, from the definition


def _times(times) -> list[int]:
    users = [f"u{i}" for i in range(len(times))]
    return Interactions.from_arrays(users, ["x"] * len(users),
                                    timestamps=times).timestamp.tolist()


@pytest.mark.parametrize(("times", "seconds"), [
    ([pd.Timestamp("2024-01-01")], [JAN_1_2024]),
    ([dt.datetime(2024, 1, 1, 0, 0, 30)], [JAN_1_2024 + 30]),
    ([pd.Timestamp("2024-01-01 01:00", tz="Europe/Paris"), dt.datetime(2024, 1, 1)],
     [JAN_1_2024, JAN_1_2024]),
    ([dt.datetime(2024, 1, 1, 9, tzinfo=dt.timezone(dt.timedelta(hours=9)))], [JAN_1_2024]),
    ([pd.Timestamp("2024-01-01 00:00:00.999999999")], [JAN_1_2024]),
    ([dt.datetime(1969, 12, 31, 23, 59, 59, 500_000)], [-1]),  # floored, not truncated
    ([dt.datetime(1, 1, 1), dt.datetime(9999, 12, 31, 23, 59, 59)],
     [-62_135_596_800, 253_402_300_799]),
])
def test_date_time_objects_are_read_as_their_utc_moments(times, seconds):
    assert _times(times) == seconds


def test_a_frame_column_mixing_zones_is_read():
    column = pd.Series([pd.Timestamp("2024-01-01", tz="UTC"),
                        pd.Timestamp("2024-01-01 09:00", tz="Asia/Tokyo")], dtype=object)
    frame = pd.DataFrame({"user_id": [1, 2], "item_id": [1, 1], "timestamp": column})
    assert Interactions.from_frame(frame).timestamp.tolist() == [JAN_1_2024, JAN_1_2024]


def test_a_missing_one_is_refused_by_row():
    with pytest.raises(DataFormatError, match=r"column 'timestamp': row 1 has no time"):
        _times([dt.datetime(2024, 1, 1), None])

"""Thirty-first bad-input probe, event times that pandas keeps as objects: times in two
time zones (or some with a zone and some without) made the column one of objects, which the
online metrics refused as holding no datetimes ("must hold datetimes ...; row 0 holds
Timestamp('2024-01-01 00:00:00+0000', tz='UTC')"). Times that all have a zone are now read
as the instants they are; a zone beside no zone, and a time beside a number, are refused
naming a row of each."""

from __future__ import annotations

import datetime

import pandas as pd
import pytest

from recstack.metrics import MetricInputError, online_metrics

T = pd.Timestamp


def _events(times: list) -> pd.DataFrame:
    return pd.DataFrame({"variant": ["A", "A", "B", "B"], "session_id": ["s1", "s1", "s2", "s2"],
                         "event": ["impression", "click", "impression", "click"],
                         "timestamp": pd.Series(times, dtype=object), "revenue": 0.0,
                         "cost": 0.0})


def test_times_in_two_zones_are_read_as_instants():
    # A: 10:00 UTC to 12:30 in Paris (UTC+1 in January) = 11:30 UTC, 5400 s; B: 10 s apart
    table = online_metrics(_events([T("2024-01-10 10:00", tz="UTC"),
                                    T("2024-01-10 12:30", tz="Europe/Paris"),
                                    T("2024-01-10 10:00:00", tz="UTC"),
                                    T("2024-01-10 11:00:10", tz="Europe/Paris")]))
    assert table["engagement"].to_dict() == {"A": 5400.0, "B": 10.0}


def test_a_time_with_a_zone_beside_one_without_is_refused_by_row():
    with pytest.raises(MetricInputError, match=r"^events column 'timestamp' holds times with a "
                       r"time zone \(row 0: 2024-01-10 10:00:00\+00:00\) and without one \(row "
                       r"2: 2024-01-10 10:00:00\)"):
        online_metrics(_events([T("2024-01-10 10:00", tz="UTC"),
                                T("2024-01-10 11:00", tz="Europe/Paris"),
                                T("2024-01-10 10:00"), T("2024-01-10 10:05")]))


def test_a_time_beside_a_number_is_refused_by_row():
    with pytest.raises(MetricInputError, match=r"^events column 'timestamp' holds the time "
                       r"datetime.datetime\(2024, 1, 10, 10, 0\) at row 0 and 5 at row 1; give "
                       r"every event a time of one kind"):
        online_metrics(_events([datetime.datetime(2024, 1, 10, 10), 5, 6, 7]))

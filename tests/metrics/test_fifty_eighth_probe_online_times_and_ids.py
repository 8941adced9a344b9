"""Fifty-eighth bad-input probe of the online metrics: a time of 0 or 1 (an epoch
placeholder for a missing time, or 1970-01-01) beside Unix times made its session last
decades and its variant's engagement that many seconds, silently; and a log holding an
``event_id`` twice (appended twice) counted the repeated events again. Both are refused
naming the rows; logs of small offsets only, and missing event ids, are kept."""

from __future__ import annotations

import pandas as pd
import pytest

from recstack.metrics import MetricInputError, online_metrics

T0 = 1_700_000_000


def _events(times, **extra) -> pd.DataFrame:
    return pd.DataFrame({"variant": ["A", "A", "B", "B"], "session_id": ["s1", "s1", "s2", "s2"],
                         "event": ["impression", "click", "impression", "click"],
                         "timestamp": times, "revenue": 0.0, "cost": 0.0, **extra})


@pytest.mark.parametrize(("first", "shown"), [(0, "0"), (1, "1"), (-1, "-1")])
def test_an_epoch_placeholder_beside_unix_times_is_refused(first, shown):
    with pytest.raises(MetricInputError, match=rf"^events column 'timestamp' holds {shown} at "
                                               rf"row 0, {shown} s from 1970-01-01 00:00 UTC, "
                                               rf"while other events are times such as "
                                               rf"{T0 + 5} at row 1: a placeholder"):
        online_metrics(_events([first, T0 + 5, T0, T0 + 10]))


def test_1970_beside_recent_datetimes_is_refused():
    times = pd.to_datetime(["1970-01-01 00:00:00", "2024-01-01 00:00:00",
                            "2024-01-01 00:00:00", "2024-01-01 00:00:10"])
    with pytest.raises(MetricInputError, match=r"^events column 'timestamp' holds "
                                               r"Timestamp\('1970-01-01 00:00:00'\) at row 0"):
        online_metrics(_events(times))


def test_offsets_alone_and_unix_times_alone_are_kept():
    # engagement = mean session duration (last - first event)
    assert online_metrics(_events([0, 5, 0, 10]))["engagement"].to_dict() == {"A": 5.0, "B": 10.0}
    assert online_metrics(_events([T0, T0 + 5, T0, T0 + 10]))["engagement"].to_dict() == {
        "A": 5.0, "B": 10.0}


def test_an_event_id_given_twice_is_refused():
    with pytest.raises(MetricInputError, match=r"^events column 'event_id' holds 'e2' at row 1 "
                                               r"and again at row 3; each event is logged once"):
        online_metrics(_events([0, 5, 0, 10], event_id=["e1", "e2", "e3", "e2"]))


def test_distinct_or_missing_event_ids_are_kept():
    table = online_metrics(_events([0, 5, 0, 10], event_id=["e1", None, "e3", None]))
    assert table["clicks"].to_dict() == {"A": 1, "B": 1}
    assert online_metrics(_events([0, 5, 0, 10], event_id=[1, 2, 3, 4]))["ctr"].tolist() == [
        1.0, 1.0]

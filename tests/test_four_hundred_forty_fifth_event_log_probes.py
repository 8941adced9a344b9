"""Event logs as a new user writes them: times across midnight and a change of daylight
saving, in several offsets or none; refunds; one event. Each is measured by its
definition or refused naming the file, line and column."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import recstack.serving.online as online
from recstack.errors import RecstackError
from recstack.metrics.online import MetricInputError, online_metrics

HEADER = "timestamp,event,user_id,item_id,session_id,variant,revenue,cost\n"


def _csv(tmp_path: Path, *times: str, name: str = "events.csv") -> Path:
    """A session of an impression, a click and a purchase at ``times``."""
    path = tmp_path / name
    path.write_text(HEADER + "".join(
        f"{time},{event},u1,i1,s1,control,{'9.5' if event == 'purchase' else ''},\n"
        for time, event in zip(times, ("impression", "click", "purchase"), strict=False)))
    return path


def test_a_session_across_a_daylight_saving_change_lasts_its_seconds(tmp_path: Path) -> None:
    # 01:59 CET and 03:01 CEST on 2026-03-29 are two minutes apart (the clocks went from
    # 02:00 to 03:00); 01:02:30 UTC is 3 minutes 30 s after the first
    path = _csv(tmp_path, "2026-03-29T01:59:00+01:00", "2026-03-29T03:01:00+02:00",
                "2026-03-29T01:02:30Z")
    metrics = online.online_report(path).metrics
    assert metrics.loc["control", "engagement"] == 120.0 + 90.0
    assert metrics.loc["control", "ctr"] == 1.0


def test_a_session_across_midnight_in_several_offsets_is_one_clock(tmp_path: Path) -> None:
    # 23:59:30 UTC, then 00:00:30 and 00:01:00 UTC the next day
    path = _csv(tmp_path, "2026-12-03T23:59:30Z", "2026-12-04T01:00:30+01:00",
                "2026-12-03T19:01:00-05:00")
    assert online.online_report(path).metrics.loc["control", "engagement"] == 90.0


def test_a_log_of_offset_free_times_is_read_as_utc_as_documented(tmp_path: Path) -> None:
    path = _csv(tmp_path, "2026-12-03 23:59:30", "2026-12-04 00:00:45")
    assert online.online_report(path).metrics.loc["control", "engagement"] == 75.0


def test_a_refund_in_a_csv_log_is_refused_with_what_to_do(tmp_path: Path) -> None:
    path = tmp_path / "events.csv"
    path.write_text(HEADER + "1796000000,impression,u1,i1,s1,control,,\n"
                    "1796000005,purchase,u1,i1,s1,control,-3.50,\n")
    with pytest.raises(RecstackError) as raised:
        online.online_report(path)
    assert str(raised.value) == (
        f"{path}: line 3: 'revenue' is -3.5; expected a finite number >= 0 (or none) (a "
        "refund is no event of the log: take it off the revenue of the purchase it "
        "refunds, or leave the refunded purchase out)")


def test_a_refund_in_a_frame_is_refused_with_what_to_do() -> None:
    events = pd.DataFrame({"variant": ["control"] * 2, "session_id": ["s1"] * 2,
                           "event": ["impression", "purchase"], "timestamp": [0.0, 5.0],
                           "revenue": [None, -3.5], "cost": [0.1, None]})
    with pytest.raises(MetricInputError, match=r"'revenue' must be finite and >= 0; row 1 "
                                               r"holds -3.5 \(a refund is no event of the "
                                               r"log: take it off the revenue"):
        online_metrics(events)


def test_a_negative_cost_is_refused_without_the_refunds_advice() -> None:
    events = pd.DataFrame({"variant": ["control"], "session_id": ["s1"],
                           "event": ["impression"], "timestamp": [0.0], "revenue": [None],
                           "cost": [-0.1]})
    with pytest.raises(MetricInputError) as raised:
        online_metrics(events)
    assert str(raised.value) == "events column 'cost' must be finite and >= 0; row 0 holds -0.1"


def test_a_log_of_one_event_is_measured(tmp_path: Path) -> None:
    path = _csv(tmp_path, "1796000000")
    report = online.online_report(path)
    row = report.metrics.loc["control"]
    assert (row["sessions"], row["impressions"], row["clicks"]) == (1, 1, 0)
    assert (row["ctr"], row["bounce_rate"], row["engagement"]) == (0.0, 1.0, 0.0)
    assert report.tests == [] and report.skipped == []

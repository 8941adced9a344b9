"""An event log exported as CSV keeps its ids as the text the service wrote: pandas'
type guessing read session "007" and session "7" as one session, and variants "01" and
"1" as one variant, silently merging their events."""

from __future__ import annotations

from recstack.serving.online import online_report

HEADER = "timestamp,event,user_id,item_id,session_id,variant,revenue,cost\n"


def test_sessions_spelt_differently_stay_two_sessions(tmp_path):
    path = tmp_path / "events.csv"
    path.write_text(HEADER + "1,impression,u,i,007,control,,\n"
                             "2,impression,v,i,7,control,,\n"
                             "3,click,v,i,7,control,,\n", encoding="utf-8")
    metrics = online_report(path).metrics
    # by definition: two sessions, one of which clicked on its one impression
    assert metrics.loc["control", "sessions"] == 2
    assert metrics.loc["control", "impressions"] == 2
    assert metrics.loc["control", "bounce_rate"] == 0.5


def test_variants_spelt_differently_stay_two_variants(tmp_path):
    path = tmp_path / "events.csv"
    path.write_text(HEADER + "1,impression,u,i,s1,01,,\n"
                             "2,impression,v,i,s2,1,,\n"
                             "3,click,v,i,s2,1,,\n", encoding="utf-8")
    report = online_report(path, control="01")
    assert sorted(report.metrics.index) == ["01", "1"]
    assert report.metrics.loc["01", "ctr"] == 0.0
    assert report.metrics.loc["1", "ctr"] == 1.0

"""An event log file (``recstack online``, ``online_report``, ``read_events``) whose event
type is misspelt or of another case (``Click``, ``clicks``, `` click``) was refused
without the nearest type, where ``POST /events`` names it ("did you mean 'click'?"); and a
number in a Parquet file's ``event`` column was shown as numpy writes it
(``np.int64(0)``)."""

from __future__ import annotations

import pandas as pd
import pytest

from recstack.errors import RecstackError
from recstack.serving.online import online_report, read_events

HEADER = "variant,session_id,event,timestamp,revenue,cost\n"
ROWS = ("control,s1,impression,1796323465,0,0\n"
        "control,s1,click,1796323466,0,0\n"
        "b,s2,impression,1796323465,0,0\n")
TYPES = "impression, click, purchase"


@pytest.mark.parametrize(("typed", "nearest"), [
    ("Click", "click"), ("CLICK", "click"), ("clicks", "click"), (" click", "click"),
    ("purchse", "purchase"), ("Impressions", "impression"),
])
def test_a_misspelt_event_type_is_named_with_the_nearest(tmp_path, typed, nearest):
    path = tmp_path / "events.csv"
    path.write_text(HEADER + ROWS + f"b,s2,{typed},1796323467,0,0\n", encoding="utf-8")
    with pytest.raises(RecstackError) as caught:
        online_report(path)
    assert str(caught.value) == (f"{path}: line 5: event {typed!r} is not one of {TYPES} "
                                 f"(did you mean {nearest!r}?)")


def test_an_event_type_near_none_is_refused_as_before(tmp_path):
    path = tmp_path / "events.csv"
    path.write_text(HEADER + ROWS + "b,s2,view,1796323467,0,0\n", encoding="utf-8")
    with pytest.raises(RecstackError) as caught:
        read_events(path)
    assert str(caught.value) == f"{path}: line 5: event 'view' is not one of {TYPES}"


def test_a_number_as_the_event_type_is_shown_as_written(tmp_path):
    frame = pd.DataFrame({"variant": ["control", "b"], "session_id": ["s1", "s2"],
                          "event": [0, 1], "timestamp": [1796323465, 1796323466],
                          "revenue": [0.0, 0.0], "cost": [0.0, 0.0]})
    path = tmp_path / "events.parquet"
    frame.to_parquet(path)
    with pytest.raises(RecstackError) as caught:
        read_events(path)
    assert str(caught.value) == (f"{path}: row 0: event 0 (a number) is not one of {TYPES}; "
                                 "give the event type as text")

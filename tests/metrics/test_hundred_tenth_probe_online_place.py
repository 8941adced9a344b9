"""Hundred-tenth probe: ``place`` (how a file reader names a row in the online metrics'
messages) given as a file name was accepted, and failed only once a row was to be named,
with Python's "'str' object is not callable" in place of the message. It is refused up
front now, naming what it takes; a function still names the rows."""

from __future__ import annotations

import pandas as pd
import pytest

from recstack.metrics import MetricInputError, compare_variants, online_metrics

T0 = 1_700_000_000
LOG = pd.DataFrame({"variant": ["A", "A"], "session_id": ["a1", "a1"],
                    "event": ["impression", "clik"], "timestamp": [T0, T0 + 4],
                    "revenue": [0.0, 0.0], "cost": [1.0, 0.0]})


@pytest.mark.parametrize("call", [
    lambda: online_metrics(LOG, place="events.csv"),
    lambda: compare_variants(LOG, "ctr", "A", "B", place="events.csv"),
])
def test_a_place_that_is_no_function_is_refused_naming_it(call):
    with pytest.raises(MetricInputError, match=r"^place must be a function of a row's "
                                               r"position that names it.*got str "
                                               r"'events\.csv'$"):
        call()


def test_a_function_still_names_the_row():
    with pytest.raises(MetricInputError, match=r"the first at line 3 of events\.csv;"):
        online_metrics(LOG, place=lambda row: f"line {row + 2} of events.csv")

"""Hundred-thirty-sixth bad-input probe: an event log without a required column was told
"did you mean 'revenue' for 'event'?", a column that is itself required and present; only
the log's other columns are offered as the misspelling now."""

from __future__ import annotations

import pandas as pd
import pytest

from recstack.metrics import MetricInputError, online_metrics

LOG = pd.DataFrame({"variant": ["A", "B"], "session_id": [1, 2], "event": ["click"] * 2,
                    "timestamp": [0, 1], "revenue": [0.0, 1.0], "cost": [0.0, 0.0]})


@pytest.mark.parametrize("dropped", ["event", "cost", "variant"])
def test_a_missing_column_is_not_matched_to_another_required_one(dropped):
    with pytest.raises(MetricInputError, match=rf"^events lacks column\(s\) \['{dropped}'\]; "
                       r"it has \[[^]]*\]\. Required: ") as caught:
        online_metrics(LOG.drop(columns=dropped))
    assert "did you mean" not in str(caught.value)


def test_a_misspelt_column_is_still_offered():
    with pytest.raises(MetricInputError, match=r"\(did you mean 'events' for 'event'\?\)"):
        online_metrics(LOG.rename(columns={"event": "events"}))

"""Hundred-fifteenth probe: the online metrics suggest the nearest name by the project's one
rule (``recstack.specs.closest``); their own stricter rule suggested nothing for two
swapped letters (``'crt'`` for ``'ctr'``)."""

from __future__ import annotations

import pandas as pd
import pytest

from recstack.metrics import MetricInputError, compare_variants, validate_events


def _log(**changes) -> pd.DataFrame:
    log = pd.DataFrame({"variant": ["a", "a", "b", "b"], "session_id": ["s1", "s1", "s2", "s2"],
                        "event": ["impression", "click", "impression", "click"],
                        "timestamp": [1.0, 2.0, 3.0, 4.0], "revenue": [0.0, 1.0, 0.0, 2.0],
                        "cost": [0.0, 0.0, 0.0, 0.0]})
    return log.assign(**changes)


@pytest.mark.parametrize("metric, near", [("crt", "ctr"), ("conversoin_rate", "conversion_rate"),
                                          ("Bounce-Rate", "bounce_rate")])
def test_a_misspelt_metric_gets_the_nearest_name(metric, near):
    with pytest.raises(MetricInputError, match=rf"^unknown online metric '{metric}' \(did you "
                                               rf"mean '{near}'\?\)"):
        compare_variants(_log(), metric, "a", "b")


def test_a_misspelt_event_type_gets_the_nearest_name():
    with pytest.raises(MetricInputError, match=r"unknown type\(s\) \['clcik'\] \(did you mean "
                                               r"'click' for 'clcik'\?\)"):
        validate_events(_log(event=["impression", "clcik", "impression", "click"]))

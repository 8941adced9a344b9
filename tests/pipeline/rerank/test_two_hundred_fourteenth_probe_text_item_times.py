"""Two-hundred-fourteenth bad-input probe: a freshness time column of ISO-8601 text.

An item table read from a CSV file holds its release dates as text. ``freshness`` refused
such a column ("must be numeric (Unix seconds) or datetimes") where the same dates as
datetimes were read. It now reads the text as the loaders read a text time column:
ISO-8601, trimmed, naive times as UTC; text that is no time, a day its month lacks or a
number among the dates is refused naming its item.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import RecstackError
from recstack.pipeline.rerank import FreshnessBoost

DAY = 86_400
NOW = 1_700_000_000  # 2023-11-14T22:13:20Z, the last training time


def _data(times: list) -> Interactions:
    table = pd.DataFrame({"item_id": [10, 11, 12], "released": times})
    return Interactions.from_arrays(["a", "b", "b"], [10, 11, 12],
                                    timestamps=[NOW - DAY, NOW - DAY, NOW], item_table=table)


@pytest.mark.parametrize("times", [
    # 10 and 20 days before NOW; 12 has no time (new, boost 1)
    ["2023-11-04T22:13:20", "2023-10-25T22:13:20Z", None],
    [" 2023-11-04T22:13:20 ", "2023-10-25T23:13:20+01:00", None],
    pd.array(["2023-11-04T22:13:20", "2023-10-25T22:13:20", None], dtype="string"),
])
def test_iso_text_times_give_the_ages_datetimes_give(times):
    # half-life 10 days: 10 days old is 0.5, 20 days 0.25, no time 1
    boost = FreshnessBoost(time_column="released", half_life_days=10.0).fit(_data(times))
    np.testing.assert_allclose(boost.value_, [0.5, 0.25, 1.0])


@pytest.mark.parametrize(("times", "item", "held"), [
    (["2023-11-04", "1600000000", None], 11,
     "'1600000000', a number among dates: give one form for the whole column"),
    (["2023-02-30", "2023-11-04", None], 10,
     "'2023-02-30', which is not a real date: February 2023 has 28 days"),
    (["2023-11-04", "soon", None], 11, "'soon'"),
])
def test_text_that_is_no_time_is_refused_naming_its_item(times, item, held):
    with pytest.raises(RecstackError) as raised:
        FreshnessBoost(time_column="released").fit(_data(times))
    assert str(raised.value) == (
        "freshness: column 'released' must be numeric (Unix seconds), datetimes or ISO-8601 "
        f"text such as 2024-01-31 or 2024-01-31T12:00:00; item {item} holds {held}")

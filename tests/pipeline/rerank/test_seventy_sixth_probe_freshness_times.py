"""A freshness boost whose time column holds small numbers (prices, counts, years) beside a
present that is a Unix time: read as seconds after 1970 they made every item decades old and
its boost about 0, silently (round ten)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import RecstackError
from recstack.pipeline.rerank import FreshnessBoost

DAY = 86_400
#: 2023-11-14 22:13:20 UTC, a Unix time
NOW = 1_700_000_000


def _data(**columns) -> Interactions:
    table = pd.DataFrame({"item_id": [10, 11, 12], **columns})
    return Interactions.from_arrays(["a", "b", "b"], [10, 11, 12],
                                    timestamps=[NOW - DAY, NOW - DAY, NOW], item_table=table)


@pytest.mark.parametrize(("values", "shown", "item"), [
    ([9.99, 24.5, 3.0], "9.99", 10),              # prices
    ([NOW - 10 * DAY, 2005, NOW], "2005", 11),    # a year among Unix times
    ([NOW - 10 * DAY, NOW - DAY, 0], "0", 12),    # a 0 written for a missing time
])
def test_small_numbers_beside_unix_times_are_refused_naming_the_column(values, shown, item):
    with pytest.raises(RecstackError) as raised:
        FreshnessBoost(time_column="price", half_life_days=10.0).fit(_data(price=values))
    message = str(raised.value)
    assert message.startswith(f"freshness: column 'price' holds {shown} for item {item}, ")
    assert "before 1973-03-03" in message and f"now is the Unix time {NOW}" in message


def test_an_explicit_unix_now_is_checked_the_same_way():
    with pytest.raises(RecstackError, match="column 'count' holds 3 for item 10"):
        FreshnessBoost(time_column="count", now=NOW).fit(_data(count=[3, 5, 8]))


def test_unix_seconds_and_datetimes_keep_their_boost():
    # 10 is 10 days old, 11 20 days, 12 has no time (new): 2 ** (-age / 10 days)
    seconds = [NOW - 10 * DAY, NOW - 20 * DAY, None]
    boost = FreshnessBoost(time_column="released", half_life_days=10.0).fit(
        _data(released=seconds))
    np.testing.assert_allclose(boost.value_, [0.5, 0.25, 1.0])
    # items older than 1973 are given as datetimes: no number is read as seconds
    old = pd.to_datetime([-315_619_200, NOW - 10 * DAY, None], unit="s")  # 1960-01-01
    boost = FreshnessBoost(time_column="released", half_life_days=10.0).fit(
        _data(released=old))
    np.testing.assert_allclose(boost.value_[1:], [0.5, 1.0])


def test_small_times_throughout_are_kept():
    # offsets from a start on both sides (a synthetic log): one scale, nothing to refuse
    data = Interactions.from_arrays(["a", "b", "b"], [10, 11, 12],
                                    timestamps=[50 * DAY, 50 * DAY, 60 * DAY],
                                    item_table=pd.DataFrame({"item_id": [10, 11, 12],
                                                             "t": [50 * DAY, 40 * DAY, None]}))
    boost = FreshnessBoost(time_column="t", half_life_days=10.0).fit(data)
    np.testing.assert_allclose(boost.value_, [0.5, 0.25, 1.0])

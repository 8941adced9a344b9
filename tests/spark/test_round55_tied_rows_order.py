"""Spark's leave_last_out judges the order of tied rows by one machine's rule: with 8 or
more tied users, ties in item order are warned of in the same words, ties in no order are
not (row order breaks them as a shuffle would)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from recstack.data.interactions import Interactions
from recstack.data.splits import TiedLastRowsWarning, leave_last_out


def _tied(ordered: bool) -> Interactions:
    # 10 users, times 100, 200, 300, 300: the last two rows tie. In item order the later
    # row (held out) has the larger item id for every user; otherwise for every other user.
    # Every held-out item is a training item of other users (none is set apart as unseen)
    users, items = [], []
    for user in range(10):
        if user % 2:
            rows = [12, 10, 13, 14]
        else:
            rows = [14, 11, 12, 13] if ordered else [14, 11, 13, 12]
        users += [user] * 4
        items += rows
    frame = pd.DataFrame({"user_id": users, "item_id": items, "value": 1.0,
                          "timestamp": np.tile([100, 200, 300, 300], 10)})
    return Interactions.from_frame(frame)


def _messages(run) -> list[str]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        run()
    return [str(w.message) for w in caught if issubclass(w.category, TiedLastRowsWarning)]


def test_ties_in_item_order_are_warned_of_and_others_not_as_on_one_machine(spark):
    from recstack.spark.data import from_interactions
    from recstack.spark.data import leave_last_out as spark_leave_last_out

    for ordered, expected in ((True, 1), (False, 0)):
        data = _tied(ordered)
        one = _messages(lambda data=data: leave_last_out(data, 1))
        distributed = _messages(
            lambda data=data: spark_leave_last_out(from_interactions(spark, data), 1))
        assert len(one) == expected
        assert distributed == one
        if expected:
            assert "the tied rows are in item id order in the data" in one[0]

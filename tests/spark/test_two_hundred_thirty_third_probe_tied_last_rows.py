"""Spark's leave_last_out and user_split(by_time=True) warn of a held-out row that shares
its time with a row kept (TiedLastRowsWarning), in one machine's words: they said nothing,
where one machine warned that row order, not time, chose the test row."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from recstack.data.interactions import Interactions
from recstack.data.splits import TiedLastRowsWarning, leave_last_out


def _tied() -> Interactions:
    # each user: times 100, 200, 300, 300; the last two rows tie at 300
    frame = pd.DataFrame({
        "user_id": np.repeat([1, 2, 3], 4),
        "item_id": [10, 11, 12, 13, 13, 12, 11, 10, 11, 13, 10, 12],
        "value": 1.0, "timestamp": np.tile([100, 200, 300, 300], 3),
        "device": ["web", "tv", "app", "web"] * 3})
    return Interactions.from_frame(frame, context_cols=["device"])


def _tied_last_rows_messages(run) -> list[str]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        run()
    return [str(w.message) for w in caught if issubclass(w.category, TiedLastRowsWarning)]


def test_leave_last_out_warns_of_ties_as_one_machine(spark):
    from recstack.spark.data import from_interactions
    from recstack.spark.data import leave_last_out as spark_leave_last_out

    data = _tied()
    on_spark = from_interactions(spark, data)
    one = _tied_last_rows_messages(lambda: leave_last_out(data, 1))
    distributed = _tied_last_rows_messages(lambda: spark_leave_last_out(on_spark, 1))
    # by hand: every user's test row (the later row at 300) ties with the kept row at 300;
    # the first such user is user 1, whose item 13 went to test and item 12 stayed
    assert len(one) == 1
    assert one[0].startswith(
        "leave_last_out: for 3 users of the 3 with test rows, a test row has the time of a "
        "row kept in training (e.g. user 1: item 13 went to test and item 12 to training, "
        "both at 300 (1970-01-01T00:05:00Z))")
    assert distributed == one
    # n=2: the boundary is 300 (test) against 200 (kept): no tie, no warning
    assert _tied_last_rows_messages(lambda: spark_leave_last_out(on_spark, 2)) == []


def test_user_split_by_time_warns_of_ties(spark):
    from recstack.spark.data import from_interactions
    from recstack.spark.splits import user_split as spark_user_split

    on_spark = from_interactions(spark, _tied())
    # one user held out (0.34 of 3); of their 4 rows one target (0.25 of 4): the later row
    # at 300, while the other row at 300 is revealed - a tie, whichever user is held out
    messages = _tied_last_rows_messages(lambda: spark_user_split(
        on_spark, 0.34, fold_in_fraction=0.75, by_time=True, seed=0))
    assert len(messages) == 1
    assert messages[0].startswith(
        "user split (by_time=True): for 1 user of the 1 with test rows, a test row has the "
        "time of a row kept in the fold-in history (e.g. user ")
    assert "both at 300 (1970-01-01T00:05:00Z)" in messages[0]
    # half the rows as targets: 300 and 300 are held out, 200 revealed - no tie
    assert _tied_last_rows_messages(lambda: spark_user_split(
        on_spark, 0.34, fold_in_fraction=0.5, by_time=True, seed=0)) == []
    # by_time=False chooses targets at random, not by time: never warned
    assert _tied_last_rows_messages(lambda: spark_user_split(
        on_spark, 0.34, fold_in_fraction=0.75, by_time=False, seed=0)) == []

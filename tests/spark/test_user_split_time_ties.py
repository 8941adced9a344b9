"""Spark's held-out-user split by time breaks ties at one time as one machine does: the later
row in the data is the later event, so it is the test target (Spark held out the earlier
row of a tie, one machine the later, so the two backends' test parts differed)."""

from __future__ import annotations

import warnings

import numpy as np

from recstack.data.interactions import Interactions
from recstack.data.splits import user_split


def _tied_last_rows() -> Interactions:
    # every user: items 10, 11 at times 100, 200, then items 12 and 13 both at 300
    users = np.repeat([1, 2, 3], 4)
    items = np.tile([10, 11, 12, 13], 3)
    times = np.tile([100, 200, 300, 300], 3)
    return Interactions.from_arrays(users, items, timestamps=times)


def test_the_later_row_of_a_tie_is_the_target_on_both_backends(spark):
    from recstack.spark.data import from_interactions
    from recstack.spark.splits import user_split as spark_user_split

    data = _tied_last_rows()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the tie itself is warned of; not what is tested
        one = user_split(data, 0.34, fold_in_fraction=0.75, by_time=True, seed=0)
        on_spark = spark_user_split(from_interactions(spark, data), 0.34,
                                    fold_in_fraction=0.75, by_time=True, seed=0)
    # one held-out user (0.34 of 3), one target of its 4 rows (0.25 of 4): the row of item
    # 13, the later of the two rows at time 300; the other three rows are revealed
    for test, fold_in in ((one.test, one.fold_in),
                          (on_spark.test.to_interactions(), on_spark.fold_in.to_interactions())):
        assert test.items.to_external(test.item_index).tolist() == [13]
        assert sorted(fold_in.items.to_external(fold_in.item_index).tolist()) == [10, 11, 12]

"""The Spark splits count each user's share by the single-machine rule
(:func:`recstack.data.splits.share_count`: exact, a half rounded up). Spark worked
``floor(f x n + 0.5)`` in floats, so 0.29 x 50 = 14.499999999999998 kept 14 test rows
where one machine keeps 15, and held out ``round(0.5 x 5) = 2`` users (Python's half to even)
where one machine holds out 3. Counts worked by hand below."""

from __future__ import annotations

import pytest

from recstack.data.interactions import Interactions
from recstack.data.splits import random_split as local_random_split
from recstack.data.splits import user_split as local_user_split


def _interactions(n_users, n_rows):
    """``n_users`` users of ``n_rows`` rows: user u's row j is item j, at time 100u + j
    (every item is every user's, so no test item is left without training rows)."""
    users = [u for u in range(n_users) for _ in range(n_rows)]
    items = [j for _ in range(n_users) for j in range(n_rows)]
    times = [100 * u + j for u in range(n_users) for j in range(n_rows)]
    return Interactions.from_arrays(users, items, timestamps=times)


def test_random_split_rounds_the_exact_half_up_as_one_machine_does(spark):
    from recstack.spark import data as sd

    local = _interactions(10, 50)
    # 0.29 x 50 = 14.5 exactly: 15 test rows per user
    split = sd.random_split(sd.from_interactions(spark, local), test_fraction=0.29, seed=0)
    per_user = split.test.frame.groupBy("user_index").count().collect()
    assert sorted(row["count"] for row in per_user) == [15] * 10
    assert len(local_random_split(local, 0.29, seed=0).test) == 10 * 15


@pytest.fixture(scope="module")
def data(spark):
    from recstack.spark import data as sd

    local = _interactions(5, 15)
    return local, sd.from_interactions(spark, local)


def test_user_split_rounds_held_users_and_targets_as_one_machine_does(data):
    from recstack.spark.splits import user_split

    local, distributed = data
    # 0.5 x 5 users = 2.5: 3 held out; (1 - 0.9) x 15 rows = 1.5: 2 test targets each
    split = user_split(distributed, test_users=0.5, fold_in_fraction=0.9, seed=0)
    per_user = split.test.frame.groupBy("user_index").count().collect()
    assert sorted(row["count"] for row in per_user) == [2, 2, 2]
    assert split.fold_in.frame.count() == 3 * 13
    here = local_user_split(local, test_users=0.5, fold_in_fraction=0.9, seed=0)
    assert len(here.test) == 3 * 2 and len(here.fold_in) == 3 * 13


def test_temporal_split_takes_the_latest_rounded_share_as_one_machine_does(spark):
    from recstack.data.splits import temporal_split as local_temporal_split
    from recstack.spark import data as sd

    # 10 rows at times 0..9: user 0 rates items 0-4 first, user 1 the same items after
    local = Interactions.from_arrays([0] * 5 + [1] * 5, list(range(5)) * 2,
                                     timestamps=list(range(10)))
    # 0.34 x 10 = 3.4: the latest 3 rows (times 7, 8, 9); the old quantile rule,
    # 1 + floor(0.34 x 9), took 4
    split = sd.temporal_split(sd.from_interactions(spark, local), test_fraction=0.34)
    times = sorted(row[0] for row in split.test.frame.select("timestamp").collect())
    assert times == [7, 8, 9]
    assert sorted(local_temporal_split(local, test_fraction=0.34).test.timestamp) == [7, 8, 9]

"""Hundred-twenty-second probe of the Spark backend: whole numbers past Java's long (2**63 - 1),
which Python and the single-machine filters and splits take, reached Spark as literals and
failed there: ``k_core(user_min=10**20)``, ``leave_last_out(n=2**70)`` and
``time_window(start=10**20)`` with a Py4J ``NumberFormatException``, a temporal cutoff of
10**20 with "int too big to convert". Each now does what one machine does."""

from __future__ import annotations

import pytest

from recstack.data.filters import FILTERS
from recstack.data.interactions import Interactions
from recstack.errors import ConfigError, EmptyResultError

HUGE = [2**63, 10**20, 2**70]


@pytest.fixture(scope="module")
def local():
    # 4 users with 2, 3, 4, 5 rows; item i of user u is (u + j) % 6; times 100 * u + j
    users, items, times = [], [], []
    for u, n in enumerate([2, 3, 4, 5]):
        for j in range(n):
            users.append(u)
            items.append((u * 2 + j) % 6)
            times.append(100 * u + j)
    return Interactions.from_arrays(users, items, timestamps=times)


@pytest.fixture(scope="module")
def data(spark, local):
    from recstack.spark import data as sd

    return sd.from_interactions(spark, local)


@pytest.mark.parametrize("bound", HUGE)
def test_a_k_core_bound_past_a_long_removes_every_row_saying_so(data, bound):
    from recstack.spark import data as sd

    with pytest.raises(EmptyResultError, match=rf"removed all 14 rows .*under {bound}"):
        sd.k_core(data, bound, 1)
    with pytest.raises(EmptyResultError, match=rf"under {bound} in turn"):
        sd.k_core(data, 1, bound)


@pytest.mark.parametrize("n", HUGE)
def test_a_leave_last_out_count_past_a_long_chooses_nothing_saying_so(data, n):
    from recstack.spark import data as sd

    # the most rows of one user is 5: at most 4 can be held out
    with pytest.raises(EmptyResultError, match=rf"\(n={n}\).* the most any user has is 5; "
                                               r"choose an n of at most 4"):
        sd.leave_last_out(data, n)


def test_a_leave_last_out_count_below_the_bound_still_splits(data):
    from recstack.spark import data as sd

    split = sd.leave_last_out(data, 4)
    # only the user of 5 rows has more than 4: its last 4 are test
    assert split.test.frame.count() == 4


@pytest.mark.parametrize("cutoff, side", [(10**20, "after the year 9999"),
                                          (-(10**20), "before the year 1"),
                                          (2**63, "after the year 9999")])
def test_a_temporal_cutoff_beyond_the_calendar_is_refused_as_on_one_machine(data, local,
                                                                           cutoff, side):
    from recstack.data.splits import temporal_split
    from recstack.spark import data as sd

    with pytest.raises(ConfigError, match=rf"cutoff={cutoff} is {side} read as Unix "
                                          r"seconds") as spark_error:
        sd.temporal_split(data, cutoff)
    with pytest.raises(ConfigError) as single:
        temporal_split(local, cutoff)
    assert str(spark_error.value) == str(single.value)


@pytest.mark.parametrize("window, kept", [
    ({"start": 10**20}, 0), ({"start": 2**63}, 0), ({"end": -(10**20)}, 0),
    # a bound beyond the calendar on the other side bounds nothing
    ({"end": 10**20}, 14), ({"start": -(10**20)}, 14),
    ({"start": -(10**20), "end": 300}, 2 + 3 + 4),
])
def test_a_time_window_bound_past_a_long_keeps_what_one_machine_keeps(data, local, window,
                                                                      kept):
    from recstack.spark import filters as sf

    spec = FILTERS.build("time_window", window, "")
    if kept:
        assert len(spec.apply(local)[0]) == kept  # one machine keeps the same rows
        result, _ = sf.apply_filters(data, [spec])
        assert result.frame.count() == kept
    else:
        with pytest.raises(EmptyResultError, match=r"removed all 14 remaining rows"):
            sf.apply_filters(data, [spec])


@pytest.mark.parametrize("k, block_size", [(2**63, 4096), (10**20, 4096), (3, 2**63),
                                           (10**20, 10**20)])
def test_top_k_sizes_past_a_long_list_every_unseen_item(spark, data, k, block_size):
    import numpy as np

    from recstack.spark import evaluation as se

    rng = np.random.default_rng(0)
    users = se.factor_frame(spark, rng.normal(size=(data.n_users, 3)), "user_index")
    items = se.factor_frame(spark, rng.normal(size=(data.n_items, 3)), "item_index")
    lists = se.top_k(users, items, data, k, block_size=block_size).toPandas()
    # a list longer than the catalog holds every item the user has not seen (the
    # definition); a list of 3 holds 3
    seen = data.frame.select("user_index", "item_index").distinct().toPandas()
    unseen = {u: data.n_items - int((seen["user_index"] == u).sum())
              for u in range(data.n_users)}
    got = lists.groupby("user_index").size().reindex(range(data.n_users), fill_value=0)
    expected = {u: min(n, k) for u, n in unseen.items()}
    assert got.to_dict() == expected


def test_true_false_values_are_refused_as_on_one_machine(spark):
    import pandas as pd

    from recstack.errors import DataFormatError
    from recstack.spark import data as sd

    rows = pd.DataFrame({"user_id": [1, 2, 3], "item_id": [1, 2, 1],
                         "value": [True, False, True]})
    # they were read as ratings 1.0 and 0.0: a false row counted as an interaction
    with pytest.raises(DataFormatError, match=r"column 'value': holds true/false values "
                                              r"\(expected numbers; true/false is no rating"):
        sd.encode(spark.createDataFrame(rows))
    with pytest.raises(DataFormatError, match=r"column 'value': holds true/false values"):
        Interactions.from_frame(rows)

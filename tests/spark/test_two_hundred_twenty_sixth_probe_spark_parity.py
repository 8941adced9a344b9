"""Spark parity with one machine (tiny data): the rating range of explicit ratings was lost
by every Spark reader (``to_interactions()`` gave implicit data), ``from_interactions``
dropped the per-row context, and deduplicating with ``sum``/``max``/``mean`` data that
carries context failed in Spark's words (the grouping dropped the context columns)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from recstack.data.interactions import Interactions
from recstack.data.partitioned import write_partitioned
from recstack.errors import ConfigError

T0 = 1_600_000_000


def _explicit_with_context() -> Interactions:
    frame = pd.DataFrame({
        "user_id": ["a", "a", "a", "a", "b", "b"],
        "item_id": ["x", "x", "x", "y", "x", "y"],
        "value": [1.0, 3.0, 3.0, 2.0, 4.0, 5.0],
        "timestamp": [T0 + 100, T0 + 300, T0 + 200, T0 + 150, T0 + 110, T0 + 120],
        "device": ["web", "tv", "app", "web", "web", "tv"]})
    return Interactions.from_frame(frame, context_cols=["device"], rating_range=(1, 5))


def test_from_interactions_keeps_context_and_range_through_deduplicate(spark):
    from recstack.spark.data import compact, from_interactions, leave_last_out
    from recstack.spark.filters import deduplicate

    one = _explicit_with_context()
    data = from_interactions(spark, one)
    assert data.context_cols == ("device",)
    collected = data.to_interactions()
    assert collected.rating_range == (1.0, 5.0)
    assert collected.context["device"].tolist() == ["web", "tv", "app", "web", "web", "tv"]
    assert compact(data).to_interactions().rating_range == (1.0, 5.0)
    # pairs in (user, item) order: (a, x) has three rows, the others one each; worked by
    # hand: sum 1 + 3 + 3 = 7 with the latest row's context (tv, at +300); max 3 with the
    # context of the earliest row holding 3 (app, at +200) and the latest time (+300);
    # mean 7 / 3 in float32 with the latest row's context
    expected = {"sum": ([7.0, 2.0, 4.0, 5.0], ["tv", "web", "web", "tv"]),
                "max": ([3.0, 2.0, 4.0, 5.0], ["app", "web", "web", "tv"]),
                "mean": ([np.float32(7 / 3), 2.0, 4.0, 5.0], ["tv", "web", "web", "tv"])}
    counts = replace(one, rating_range=None)
    for policy, (values, devices) in expected.items():
        if policy == "sum":
            # 'sum' on ratings is refused here as on one machine (test_two_hundred_sixty_
            # second_probe_summed_ratings, test_two_hundred_seventy_first_probe_spark_
            # parity); the same rows as implicit counts sum on both
            for refusing in (lambda: deduplicate(data, "sum"), lambda: one.deduplicate("sum")):
                with pytest.raises(ConfigError, match="explicit ratings, rating_range"):
                    refusing()
            got = deduplicate(from_interactions(spark, counts), policy)[0].to_interactions()
            mine = counts.deduplicate(policy)
        else:
            got = deduplicate(data, policy)[0].to_interactions()
            mine = one.deduplicate(policy)
        np.testing.assert_array_equal(got.value, np.asarray(values, np.float32))
        assert got.context["device"].tolist() == devices, policy
        np.testing.assert_array_equal(got.value, mine.value)
        assert got.context["device"].tolist() == mine.context["device"].tolist()
        np.testing.assert_array_equal(got.timestamp, mine.timestamp)
        assert got.timestamp[0] == T0 + 300
        assert got.rating_range == mine.rating_range
        assert got.rating_range == (None if policy == "sum" else (1.0, 5.0))
    split = leave_last_out(data, 1)
    assert split.train.to_interactions().rating_range == (1.0, 5.0)


def test_read_partitioned_keeps_the_recorded_rating_range(spark, tmp_path):
    from recstack.data.partitioned import read_partitioned as read_on_one_machine
    from recstack.spark.data import read_partitioned

    root = tmp_path / "events"
    write_partitioned(_explicit_with_context(), root)
    assert read_on_one_machine(root).rating_range == (1.0, 5.0)
    collected = read_partitioned(spark, root).to_interactions()
    assert collected.rating_range == (1.0, 5.0)
    assert collected.is_explicit

"""Seventh bad-input probe, item-popularity buckets of the report with equal counts: items
were ranked by index among equals, so a catalog where every item has the same training
rows was cut into a head, a middle and a tail that differed in nothing but their ids (and
two items of the top count could land in different buckets). Equal counts now share the
bucket of the first of them, as users of equal activity share a quartile."""

from __future__ import annotations

import numpy as np

from recstack.analysis.report import popularity_buckets


def test_a_catalog_of_equal_popularity_is_all_head():
    bucket, labels = popularity_buckets(np.array([5, 5, 5, 5]))
    assert bucket.tolist() == [0, 0, 0, 0]
    assert labels == ["head (4 items)", "middle (0 items)", "tail (0 items)"]


def test_items_of_one_count_share_a_bucket():
    # 23 rows: the 10-row items start at 0 rows before them (head); the 1-row items at
    # 20 / 23 = 87% (tail). Ranked by index, the second 10-row item started at 43%: middle
    bucket, labels = popularity_buckets(np.array([10, 1, 10, 1, 1]))
    assert bucket.tolist() == [0, 2, 0, 2, 2]
    assert labels == ["head (2 items)", "middle (0 items)", "tail (3 items)"]

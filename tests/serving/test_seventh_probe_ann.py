"""Seventh bad-input probe of the item index: ``search_one`` (the service's request path)
checks ``k`` and its exclusions as ``search`` does, on both backends."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.errors import ConfigError
from recstack.serving.ann import ItemIndex

# item i scores i + 1 against the query (1, 0): the order is 3, 2, 1, 0
VECTORS = np.array([[1, 0], [2, 0], [3, 0], [4, 0]], dtype=np.float32)
QUERY = np.array([1.0, 0.0], np.float32)


def both_indexes():
    pytest.importorskip("hnswlib")
    return [ItemIndex.build(VECTORS, backend=backend) for backend in ("exact", "hnsw")]


@pytest.mark.parametrize("k", [0, -2, 2.5, True, "3"])
def test_k_is_checked_on_the_graph_path_as_on_the_exact_one(k):
    # before: the graph path answered k=0 with an empty list (the exact path refused it),
    # 2.5 was a TypeError from a slice, "3" a TypeError from min()
    for index in both_indexes():
        with pytest.raises(ConfigError, match=r"k must be a positive integer, got"):
            index.search_one(QUERY, k)


@pytest.mark.parametrize("exclude", [
    np.array([False, False, False, True]),  # a mask of item 3: was items 0 and 1 excluded
    np.array([2.7]),                        # was item 2
    ["3"],
])
def test_exclusions_that_are_not_item_indices_are_refused(exclude):
    for index in both_indexes():
        with pytest.raises(ConfigError, match=r"exclude must be item indices \(integers\)"):
            index.search_one(QUERY, 2, exclude)
        # integers in any form still exclude; an empty array of any type excludes nothing
        for integers in ([3], np.array([3, 3], np.int32), np.array([3], np.uint8), (3,)):
            items, scores = index.search_one(QUERY, 2, integers)
            assert items.tolist() == [2, 1] and scores.tolist() == [3.0, 2.0]
        assert index.search_one(QUERY, 2, np.array([], np.float64))[0].tolist() == [3, 2]

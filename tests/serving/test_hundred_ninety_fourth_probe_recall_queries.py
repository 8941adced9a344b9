"""Hundred-ninety-fourth probe: ``recall_at`` over no query vectors answered 1.0, an index
that finds every true neighbour, when nothing was looked for; its mistakes of ``k`` were
named as ``ItemIndex.search``'s, a function the caller never called. No queries are now
refused as undefined, and ``k`` and the queries' width are checked as ``recall_at``'s."""

from __future__ import annotations

import re

import numpy as np
import pytest

from recstack.errors import ConfigError
from recstack.serving.ann import ItemIndex, recall_at

VECTORS = np.array([[1.0, 0.0], [0.0, 1.0], [0.7, 0.7], [-1.0, 0.2]], np.float32)


@pytest.fixture(scope="module")
def index():
    return ItemIndex.build(VECTORS, backend="exact")


def test_no_queries_is_no_perfect_recall(index):
    with pytest.raises(ConfigError, match=re.escape(
            "recall_at: queries hold no rows (shape (0, 2)): recall over no queries is "
            "undefined; give at least one query vector of 2 dimensions")):
        recall_at(index, np.zeros((0, 2)), 2)


@pytest.mark.parametrize("k", [0, -1, True, 2.0, "3"])
def test_k_is_named_as_recall_ats(index, k):
    with pytest.raises(ConfigError, match=r"^recall_at: k must be a positive integer, got "):
        recall_at(index, VECTORS[:2], k)


def test_queries_of_another_width_name_both_widths(index):
    with pytest.raises(ConfigError, match=re.escape(
            "recall_at: queries have 3 dimensions; the index has 2")):
        recall_at(index, np.ones((2, 3)), 2)


def test_an_exact_index_still_has_full_recall(index):
    # worked by hand: an exact index finds the exact top-k of every query, so each of the
    # 3 queries finds min(k, 4) = 2 of its 2 true neighbours: recall 1.0; k above the
    # catalog counts min(k, n_items) = 4
    assert recall_at(index, VECTORS[:3], 2) == 1.0
    assert recall_at(index, VECTORS[:3], 9) == 1.0

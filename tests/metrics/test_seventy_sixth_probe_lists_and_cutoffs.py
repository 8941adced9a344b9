"""Round ten: cut-offs of the metric functions bounded as the Evaluator bounds them
(specs.K_MAX, MAX_CUTOFFS), and padding (-1) that may only end a list."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from recstack.metrics import (
    MetricInputError,
    average_popularity,
    catalog_coverage,
    ranking_metrics,
    relevance_at_ranks,
)
from recstack.metrics.lists import group_exposure, long_tail_share
from recstack.specs import K_MAX, MAX_CUTOFFS

#: user 0 likes item 3, user 1 item 1, user 2 item 5
TRUTH = sp.csr_matrix(([1.0, 1.0, 1.0], ([0, 1, 2], [3, 1, 5])), shape=(3, 6))
LISTS = [[3, 0, 4], [1, 2, -1], [0, -1, -1]]


@pytest.mark.parametrize(("ks", "says"), [
    ((10, K_MAX + 1), f"K = {K_MAX + 1} is above {K_MAX}"),
    (10**30, f"is above {K_MAX}"),
    (range(1, MAX_CUTOFFS + 2), f"{MAX_CUTOFFS + 1} cut-offs, at most {MAX_CUTOFFS}"),
])
def test_cut_offs_past_the_evaluators_bound_are_refused(ks, says):
    with pytest.raises(MetricInputError, match=says) as raised:
        ranking_metrics(LISTS, TRUTH, ks=ks)
    assert str(raised.value).startswith("ks = ")


def test_the_largest_cut_offs_allowed_still_compute():
    out = ranking_metrics(LISTS, TRUTH, ks=range(K_MAX - MAX_CUTOFFS + 1, K_MAX + 1),
                          metrics=["recall", "precision"])
    # recall at any K past the lists: the hits over the relevant items (1, 1, 0)
    np.testing.assert_array_equal(out[f"recall@{K_MAX}"], [1.0, 1.0, 0.0])
    np.testing.assert_array_equal(out[f"precision@{K_MAX}"], [1 / K_MAX, 1 / K_MAX, 0.0])


@pytest.mark.parametrize(("lists", "row", "item", "slot", "pad"), [
    ([[3, -1, 5], [1, 2, -1], [0, -1, -1]], 0, 5, 2, 1),
    ([[3, 0, 4], [1, 2, -1], [-1, 5, 0]], 2, 5, 1, 0),
])
def test_padding_before_an_item_is_refused_naming_the_row(lists, row, item, slot, pad):
    message = (f"recommended row {row} holds item {item} at position {slot}, after the "
               f"padding -1 at position {pad}")
    with pytest.raises(MetricInputError, match=message):
        ranking_metrics(lists, TRUTH, ks=(3,))
    # every metric of whole lists reads them through the same check
    with pytest.raises(MetricInputError, match=message):
        catalog_coverage(lists, 6)
    with pytest.raises(MetricInputError, match=message):
        average_popularity(lists, np.ones(6))
    with pytest.raises(MetricInputError, match=message):
        long_tail_share(lists, np.ones(6, bool))
    with pytest.raises(MetricInputError, match=message):
        group_exposure(lists, np.zeros(6, np.int64), 1)


def test_padding_past_the_cut_off_is_not_read():
    # only the first k columns are read: an item after padding beyond k is no concern
    out = ranking_metrics([[3, -1, 5], [1, -1, -1], [0, -1, -1]], TRUTH, ks=(2,),
                          metrics=["hit_rate"])
    np.testing.assert_array_equal(out["hit_rate@2"], [1.0, 1.0, 0.0])
    assert catalog_coverage([[3, -1, 5]], 6, k=2) == 1 / 6


def test_trailing_padding_counts_as_short_lists():
    out = ranking_metrics(LISTS, TRUTH, ks=(3,), metrics=["precision", "mrr"])
    np.testing.assert_allclose(out["precision@3"], [1 / 3, 1 / 3, 0.0])
    np.testing.assert_allclose(out["mrr@3"], [1.0, 1.0, 0.0])
    assert catalog_coverage(LISTS, 6) == 5 / 6  # items 0, 1, 2, 3, 4


def test_relevance_at_ranks_stays_a_lookup_entry_by_entry():
    # the grade of each entry where it stands, -1 anywhere reading as 0
    grades = relevance_at_ranks([[3, -1, 5], [-1, 1, -1], [5, -1, 0]], TRUTH)
    np.testing.assert_array_equal(grades, [[1, 0, 0], [0, 1, 0], [1, 0, 0]])

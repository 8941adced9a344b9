"""Two-hundred-twenty-first bad-input probe: shares whose rule is the ceiling (the
re-rankers' head of the catalog, the hard negatives kept per user, the long tail's share
of a list prefix) were taken in floating point, where 0.07 x 100 is 7.000000000000001 and
0.28 x 25 is 7.000000000000001: one item or negative more than the share, silently."""

from decimal import Decimal

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.pipeline.candidates import Candidates
from recstack.pipeline.imbalance import ceil_share
from recstack.pipeline.rerank import create_reranker
from recstack.pipeline.rerank.base import RerankContext
from recstack.pipeline.rerank.debias import long_tail_items
from recstack.pipeline.training_data import sample_negatives


@pytest.mark.parametrize(("fraction", "count", "expected"), [
    (0.07, 100, 7),            # float: ceil(7.000000000000001) = 8
    (0.28, 25, 7),             # float: 8
    (0.56, 75, 42),            # float: 43
    (0.21, 10, 3),             # 2.1: the ceiling is 3
    (Decimal("0.07"), 100, 7),
    (np.float32(0.07), 100, 7),
    (1e-13, 1, 1),             # any positive share of one is one
    (0, 10, 0),
    (1, 10, 10),
])
def test_the_ceiling_is_exact(fraction, count, expected):
    assert ceil_share(fraction, count) == expected
    assert ceil_share(fraction, np.array([count, count])).tolist() == [expected, expected]


def test_the_head_of_the_catalog_holds_the_exact_share():
    counts = np.arange(100, 0, -1)  # item 0 the most popular
    head = ~long_tail_items(counts, 0.07)
    assert int(head.sum()) == 7  # was 8
    np.testing.assert_array_equal(np.flatnonzero(head), np.arange(7))
    assert int((~long_tail_items(np.arange(25, 0, -1), 0.28)).sum()) == 7  # was 8


def test_hard_negatives_keep_the_exact_share_per_user():
    # one user with 1 positive and 100 negatives, ranked 1..100: 0.07 keeps 7 (was 8)
    n = 101
    labels = np.r_[1.0, np.zeros(n - 1)]
    ranks = np.arange(1, n + 1, dtype=np.float32)[:, None]
    c = Candidates(np.zeros(n, np.int64), np.arange(n), np.zeros((n, 1), np.float32),
                   ranks, ("a",), n)
    kept = sample_negatives(labels, c, "hard", 0.07)
    assert kept.tolist() == [0, 1, 2, 3, 4, 5, 6, 7]  # the positive and the 7 best negatives


def test_the_long_tail_reranker_uses_the_exact_head():
    # 25 items, item i with 25 - i users: head_items = 0.28 is items 0..6 (it was 0..7)
    users = np.concatenate([np.arange(25 - i) for i in range(25)])
    items = np.concatenate([np.full(25 - i, i) for i in range(25)])
    train = Interactions.from_arrays(users, items)
    step = create_reranker({"type": "long_tail_share", "share": 0.5, "head_items": 0.28})
    step.fit(train)
    assert np.flatnonzero(~step.long_tail_).tolist() == list(range(7))
    # item 7 is long tail now: with share 0.5 the first position needs ceil(0.5) = 1
    # long-tail item, so 7 leads; then 0 (ceil(1.0) = 1 is met), then 1 and 2 (no tail
    # item is left for ceil(1.5) = 2). With item 7 in the head the list kept its order.
    lists, _ = step.rerank(np.array([0]), np.array([[0, 1, 7, 2]]),
                           np.array([[4.0, 3.0, 2.0, 1.0]]),
                           RerankContext(seen=train.to_csr()))
    assert lists.tolist() == [[7, 0, 1, 2]]

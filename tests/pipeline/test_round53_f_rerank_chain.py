"""Round 53 (F): re-rankers chained as a new user would chain them.

- ``column_boost`` over a column holding an infinity said "column 'score' holds infinite
  values" without naming the item; it now names the first one, its value and the remedy.
- ``column_boost``'s and ``popularity_penalty``'s "this step changes no list" (one boost,
  one penalty for every item) were plain ``UserWarning``s, which a filter of
  ``StepWithoutEffectWarning`` (the class of every such step) let through; they are now of
  that class (still ``UserWarning``s).
- A chain whose filter empties some lists, then MMR and exposure fairness, keeps the
  emptied lists empty and re-ranks the others, worked by hand below.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import RecstackError
from recstack.pipeline.rerank import (
    MMR,
    ColumnBoost,
    ExposureFairness,
    ItemPredicate,
    PopularityPenalty,
    StepWithoutEffectWarning,
    run_chain,
)
from recstack.pipeline.rerank.base import RerankContext


def catalog(users: list[str] | None = None, **columns) -> Interactions:
    n = len(next(iter(columns.values())))
    table = pd.DataFrame({"item_id": list(range(1, n + 1)), **columns})
    users = users if users is not None else [f"u{i % 3}" for i in range(n)]
    return Interactions.from_arrays(users, list(range(1, len(users) + 1)),
                                    timestamps=[1_700_000_000 + i for i in range(len(users))],
                                    item_table=table)


def test_an_infinite_boost_value_is_refused_naming_the_item():
    train = catalog(margin=[1.0, 2.0, np.inf, 0.5])
    with pytest.raises(RecstackError, match=r"^column_boost: column 'margin' holds infinite "
                       r"values \(first: item 3 holds inf\); give finite numbers, or leave "
                       r"the value missing \(counted as 0\)$"):
        ColumnBoost(column="margin").fit(train)


def test_one_boost_for_every_item_is_a_step_without_effect():
    train = catalog(margin=[2.0, 2.0, 2.0])
    with pytest.warns(StepWithoutEffectWarning, match=r"every one of the 3 items gets the "
                      r"same boost, x = 2"):
        ColumnBoost(column="margin").fit(train)


def test_one_penalty_for_every_item_is_a_step_without_effect():
    # three items of one training user each
    train = catalog(genres=["a", "b", "c"])
    with pytest.warns(StepWithoutEffectWarning, match=r"every one of the 3 items has 1 "
                      r"training user\(s\)"):
        PopularityPenalty(strength=0.5).fit(train)


def test_a_chain_that_empties_a_list_keeps_it_empty_and_reranks_the_others():
    # items 0..5 (ids 1..6): genres a a b b c c, groups x x x y y y; the predicate keeps
    # the items with stock > 0: 0, 2, 4, 5
    train = catalog(genres=["a", "a", "b", "b", "c", "c"],
                    grp=["x", "x", "x", "y", "y", "y"], stock=[1, 0, 3, 0, 2, 5])
    chain = [ItemPredicate(column="stock", op=">", value=0).fit(train),
             MMR(trade_off=0.0).fit(train),
             ExposureFairness(group_column="grp").fit(train)]
    items = np.array([[1, 3, -1, -1],     # every item filtered out: an empty list
                      [0, 2, 1, 4]])      # 1 goes: 0 (a, x), 2 (b, x), 4 (c, y)
    scores = np.array([[2.0, 1.0, -np.inf, -np.inf], [4.0, 3.0, 2.0, 1.0]])
    out, out_scores = run_chain(chain, np.array([0, 1]), items, scores,
                                RerankContext(seen=train.to_csr()))
    assert out[0].tolist() == [-1, -1, -1, -1]
    assert np.isneginf(out_scores[0]).all()
    # MMR with trade_off 0: item 0 first (all objectives 0, the tie goes to the best
    # score), then 2 and 4 are both unlike genre a (similarity 0): 2 keeps its place, 4.
    # Fairness, equal targets 0.5 over x, y, d = 1, 0.631, 0.5:
    # position 1: deficits x 0.5, y 0.5, tied, and MMR's objectives (the scores fairness
    #   reads) are all 0, so the tie goes to the first group, x, and its first item: 0;
    # position 2: bound 0.5 * 1.631 = 0.815; x 0.815 - 1 < 0, y 0.815: item 4 (group y);
    # position 3: only item 2 left: item 2
    assert out[1].tolist() == [0, 4, 2, -1]


@pytest.mark.parametrize(("trade_off", "expected"), [
    # relevance alone: the list as it came in
    (1.0, [0, 1, 2, 3]),
    # diversity alone: item 0 (the top, nothing placed yet), then items 2 (b) and 3 (c),
    # unlike a, in their order, and last item 1, a copy of item 0's genre
    (0.0, [0, 2, 3, 1]),
])
def test_mmr_at_the_two_ends_of_its_trade_off(trade_off, expected):
    train = catalog(genres=["a", "a", "b", "c"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", StepWithoutEffectWarning)
        step = MMR(trade_off=trade_off).fit(train)
    out, _ = step.rerank(np.zeros(1, np.int64), np.array([[0, 1, 2, 3]]),
                         np.array([[4.0, 3.0, 2.0, 1.0]]), RerankContext(seen=train.to_csr()))
    assert out.tolist() == [expected]

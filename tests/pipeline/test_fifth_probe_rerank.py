"""Fifth bad-input probe of the re-rankers: a block list naming the whole catalog (every
list silently empty, where item_predicate already refused a condition no item passes), and
freshness times on another scale than ``now`` (every item the same boost: the step
silently did nothing). Expected values by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import ConfigError, RecstackError
from recstack.pipeline.rerank import BlockList, ColumnBoost, FreshnessBoost, Reranked
from recstack.pipeline.rerank.base import RerankContext

DAY = 86_400


def data(**columns) -> Interactions:
    table = pd.DataFrame({"item_id": [1, 2, 3], **columns})
    return Interactions.from_arrays(["a", "a", "b"], [1, 2, 3],
                                    timestamps=[10 * DAY, 20 * DAY, 30 * DAY],
                                    item_table=table)


def test_a_block_list_of_the_whole_catalog_is_refused():
    with pytest.raises(ConfigError, match="block_list: items blocks all 3 items of the "
                       "catalog, so every list would be empty"):
        BlockList(items=[1, 2, 3]).fit(data())


def test_a_block_list_of_part_of_the_catalog_still_filters():
    train = data()
    step = BlockList(items=[1, 3]).fit(train)
    items, _ = step.rerank(np.array([0]), np.array([[0, 1, 2]]), np.array([[3.0, 2, 1]]),
                           RerankContext(seen=train.to_csr()))
    assert items.tolist() == [[1, -1, -1]]  # only item 2 (index 1) is left


def test_item_times_in_milliseconds_are_refused():
    millis = [t * 1000 for t in (10 * DAY, 20 * DAY, 30 * DAY)]
    with pytest.raises(RecstackError, match="freshness: every item is at or after now = "
                       "2592000, .*column 'added' run from 864000000 to 2592000000.*"
                       "milliseconds"):
        FreshnessBoost(time_column="added").fit(data(added=millis))


def test_a_now_in_milliseconds_is_refused():
    with pytest.raises(RecstackError, match="every item is so much older than now = "
                       "1700000000000 that its boost is 0.*is now in milliseconds"):
        FreshnessBoost(now=1_700_000_000_000).fit(data())


def test_a_now_before_every_item_is_refused():
    with pytest.raises(RecstackError, match="every item is at or after now = 0"):
        FreshnessBoost(now=0).fit(data())


def test_freshness_on_one_scale_still_boosts():
    # now = day 30 (the last training time); first interactions on days 10, 20, 30;
    # half-life 10 days: boosts 2^-2, 2^-1, 2^0
    step = FreshnessBoost(half_life_days=10).fit(data())
    assert step.value_.tolist() == [0.25, 0.5, 1.0]


def test_a_boost_column_without_any_value_is_refused():
    with pytest.raises(RecstackError, match="column_boost: column 'margin' holds no value "
                       "\\(every item's is missing\\)"):
        ColumnBoost(column="margin").fit(data(margin=[np.nan, None, np.nan]))
    # one value present: x = (0, 2, 0), add mode with weight 1 lifts item 2 by 2
    step = ColumnBoost(column="margin").fit(data(margin=[np.nan, 2.0, np.nan]))
    assert step.value_.tolist() == [0.0, 2.0, 0.0]


def test_filters_that_together_keep_no_item_are_refused():
    from recstack.data.synthetic import generate

    train = generate(n_users=30, n_items=20, n_interactions=300, seed=1)
    first = train.items.to_external(np.arange(10)).tolist()
    rest = train.items.to_external(np.arange(10, 20)).tolist()
    chain = [{"type": "block_list", "items": first}, {"type": "block_list", "items": rest}]
    with pytest.raises(ConfigError, match="reranked: the chain's filters together remove "
                       "every item of the catalog \\(chain\\[0\\] \\(block_list\\) keeps 10; "
                       "chain\\[1\\] \\(block_list\\) keeps 10 of 20 items"):
        Reranked(model={"type": "most_popular"}, chain=chain).fit(train)
    # the first half blocked alone: the lists come from the other 10 items (-1: empty)
    model = Reranked(model={"type": "most_popular"}, chain=chain[:1]).fit(train)
    lists, _ = model.rerank_lists(np.arange(3))
    listed = lists[lists >= 0]
    assert len(listed) and (listed >= 10).all()

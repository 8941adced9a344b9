"""Eighth bad-input probe of the re-rankers: exposure fairness over a numeric group column
(tiers 1, 2, 10) read its targets in the text order of the groups ('1', '10', '2'), so the
share meant for tier 2 went to tier 10, silently; groups now sort as numbers. Expected
lists by hand from the module's rule: the group with the largest deficit
gamma t_g d_1 - 0 takes position 1."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from recstack.data.interactions import Interactions
from recstack.pipeline.rerank import ExposureFairness
from recstack.pipeline.rerank.base import RerankContext


def data(tiers) -> Interactions:
    table = pd.DataFrame({"item_id": [1, 2, 3], "tier": tiers})
    return Interactions.from_arrays(["a", "a", "b"], [1, 2, 3], item_table=table)


@pytest.mark.parametrize("tiers", [[1, 2, 10], [1.0, 2.5, 10.0]])
def test_numeric_groups_take_their_targets_in_numeric_order(tiers):
    step = ExposureFairness(group_column="tier", target=[0.6, 0.3, 0.1]).fit(data(tiers))
    shares = dict(zip(step.labels_, step.target_.tolist(), strict=True))
    assert shares == pytest.approx({str(tiers[0]): 0.6, str(tiers[1]): 0.3,
                                    str(tiers[2]): 0.1})


def test_the_whole_target_on_tier_2_puts_its_item_first():
    # items 1, 2, 3 in tiers 1, 2, 10, scored 0.1, 0.5, 0.9: tier 2 holds the whole target,
    # so its deficit d_1 > 0 at position 1 and item 2 (index 1) leads; the rest by score
    train = data([1, 2, 10])
    step = ExposureFairness(group_column="tier", target=[0.0, 1.0, 0.0]).fit(train)
    items, _ = step.rerank(np.array([0]), np.array([[2, 1, 0]]), np.array([[0.9, 0.5, 0.1]]),
                           RerankContext(seen=train.to_csr()))
    assert items.tolist() == [[1, 2, 0]]
    # text groups still sort as text: a, b, c
    step = ExposureFairness(group_column="tier", target=[0.6, 0.3, 0.1]).fit(
        data(["b", "c", "a"]))
    assert dict(zip(step.labels_, step.target_.tolist(), strict=True)) == pytest.approx(
        {"a": 0.6, "b": 0.3, "c": 0.1})


# ------------------------------------------------------------------ a list for one value
def years() -> Interactions:
    table = pd.DataFrame({"item_id": [1, 2, 3, 4], "year": [1990, 2000, 2005, 2010]})
    return Interactions.from_arrays(["a", "a", "b", "c"], [1, 2, 3, 4], item_table=table)


@pytest.mark.parametrize(("op", "value", "fix"), [
    # as long as the catalog: pandas paired item i with value i (item 2000 == 2000 kept)
    ("==", [1995, 2000, 2001, 2002], "use op 'in' to keep any of several values"),
    # any other length: a pandas ValueError traceback ("Lengths must match to compare")
    ("==", [2000, 2005], "use op 'in'"),
    (">", [2000], "give one bound"),
])
def test_a_comparison_with_a_list_is_refused(op, value, fix):
    from recstack.errors import ConfigError
    from recstack.pipeline.rerank import ItemPredicate

    with pytest.raises(ConfigError, match=rf"^item_predicate: op '{op}' compares the column "
                       rf"with one value, got the list \[.*\]; {fix}"):
        ItemPredicate(column="year", op=op, value=value).fit(years())
    # 'in' keeps the items whose year is one of the list's
    step = ItemPredicate(column="year", op="in", value=value).fit(years())
    assert step.items_kept().tolist() == [year in value for year in (1990, 2000, 2005, 2010)]

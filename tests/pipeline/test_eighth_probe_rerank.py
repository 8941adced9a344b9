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

"""Re-ranking steps whose settings make them change no list, and settings of one step given
to another.

A block list with no id, a boost of weight 0, a penalty or fairness strength of 0, a
long-tail share of 0, MMR at trade_off = 1 (or re-ordering only the first position),
calibrated re-ranking at trade_off = 0, and a predicate that every item passes (or, with
keep = false, none) ran at every request and handed each list back as it came in, without a
word. Each now warns once at fit with ``StepWithoutEffectWarning``, naming the setting. And
``{type = 'mmr', strength = 0.3}`` (two steps merged into one table) was "no parameter
'strength'"; it now names the steps whose setting it is.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import ConfigError
from recstack.pipeline.rerank import StepWithoutEffectWarning, create_reranker
from recstack.pipeline.rerank.base import RerankContext

N = 8


def data() -> Interactions:
    table = pd.DataFrame({
        "item_id": list(range(1, N + 1)),
        "genres": ["A", "B", "A|B", "C", "A", "B", "C", "A"],
        "margin": [0.1, 0.5, 0.2, 0.9, 0.3, 0.4, 0.7, 0.8],
        "group": list("xyxyxyxy"),
    })
    # items 1..8 with 4, 4, 3, 2, 2, 2, 1, 1 users: popularity differs
    items = [1, 1, 1, 1, 2, 2, 2, 3, 3, 4, 5, 6, 7, 8, 2, 3, 4, 5, 6, 1]
    users = [f"u{i % 4}" for i in range(len(items))]
    return Interactions.from_arrays(users, items,
                                    timestamps=[1_700_000_000 + 3_600 * i
                                                for i in range(len(items))],
                                    item_table=table)


def fit_and_rerank(entry: dict) -> tuple[list[int], list[warnings.WarningMessage]]:
    train = data()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        step = create_reranker(dict(entry)).fit(train)
    items = np.arange(N)[None, :]
    scores = np.arange(N, 0, -1, dtype=float)[None, :]  # sorted best first
    out, _ = step.rerank(np.zeros(1, np.int64), items, scores,
                         RerankContext(seen=train.to_csr()))
    return out[0].tolist(), caught


WITHOUT_EFFECT = [
    ({"type": "block_list"}, "block_list: it blocks no item (items is empty and per_user is "
     "empty), so this step changes no list; list the ids to block"),
    ({"type": "block_list", "items": [], "per_user": [{"user": "u0", "items": []}]},
     "per_user's 1 table lists no item"),
    ({"type": "column_boost", "column": "margin", "weight": 0},
     "column_boost: weight = 0 adds 0 * x to every score, keeping each list in the order of "
     "its incoming scores, so this step changes no list; give a weight other than 0"),
    ({"type": "column_boost", "column": "margin", "weight": 0.0, "mode": "multiply"},
     "weight = 0.0 multiplies every score by 1 + 0 * x = 1"),
    ({"type": "freshness", "weight": 0}, "freshness: weight = 0 adds 0 * x"),
    ({"type": "popularity_penalty", "strength": 0},
     "popularity_penalty: strength = 0 takes no penalty from any item's score"),
    ({"type": "long_tail_share", "share": 0},
     "long_tail_share: share = 0 asks no list for a long-tail item"),
    ({"type": "mmr", "trade_off": 1}, "mmr: trade_off = 1 weighs relevance alone"),
    ({"type": "mmr", "depth": 1}, "mmr: depth = 1 re-orders the first position alone"),
    ({"type": "calibrated", "trade_off": 0}, "calibrated: trade_off = 0 weighs relevance "
     "alone"),
    ({"type": "exposure_fairness", "strength": 0},
     "exposure_fairness: strength = 0 guarantees no group any of its target exposure"),
    ({"type": "exposure_fairness", "strength": 0.0, "group_column": "group"},
     "strength = 0.0 guarantees no group"),
    ({"type": "item_predicate", "column": "margin", "op": ">=", "value": 0},
     "item_predicate: every item passes column 'margin' >= 0 (keep = true): it removes no "
     "item, so this step changes no list; check the value against the column (its values "
     "include 0.1, 0.2"),
    ({"type": "item_predicate", "column": "genres", "op": "contains", "value": "Z",
      "keep": False},
     "no item passes column 'genres' contains 'Z' (keep = false): it removes no item"),
]


@pytest.mark.parametrize(("entry", "said"), WITHOUT_EFFECT)
def test_a_step_that_changes_no_list_is_warned_of_once(entry, said):
    out, caught = fit_and_rerank(entry)
    # the lists come back as they went in: that is what is warned of
    assert out == list(range(N))
    ours = [w for w in caught if issubclass(w.category, StepWithoutEffectWarning)]
    assert len(ours) == 1, [str(w.message) for w in caught]
    assert said in str(ours[0].message)
    # one warning for one cause (a flat boost or flat counts are not told again)
    assert not [w for w in caught if "changes no list" in str(w.message)
                and w not in ours]


@pytest.mark.parametrize("entry", [
    {"type": "block_list", "items": [3]},
    {"type": "block_list", "per_user": [{"user": "u0", "items": [3]}]},
    {"type": "column_boost", "column": "margin", "weight": 1},
    {"type": "freshness", "weight": 1, "half_life_days": 1},
    {"type": "popularity_penalty", "strength": 0.3},
    {"type": "long_tail_share", "share": 0.3},
    {"type": "mmr", "trade_off": 0.7, "depth": 2},
    {"type": "calibrated", "trade_off": 0.5},
    {"type": "exposure_fairness", "strength": 1.0, "group_column": "group"},
    {"type": "item_predicate", "column": "margin", "op": ">=", "value": 0.5},
])
def test_a_step_that_acts_is_not_warned_of(entry):
    _, caught = fit_and_rerank(entry)
    assert not [w for w in caught if issubclass(w.category, StepWithoutEffectWarning)]


def test_the_neutral_block_list_really_changes_nothing_and_a_real_one_does():
    # worked by hand: blocking item id 3 (index 2) moves index 2 out of the list
    out, _ = fit_and_rerank({"type": "block_list", "items": [3]})
    assert out == [0, 1, 3, 4, 5, 6, 7, -1]


@pytest.mark.parametrize(("entry", "said"), [
    ({"type": "mmr", "strength": 0.3},
     "chain (mmr): mmr: no parameter 'strength', which is a setting of exposure_fairness "
     "and popularity_penalty; give each step its own table ({type = 'exposure_fairness', "
     "strength = ...}) or check the type; its parameters: trade_off, features, column, "
     "depth, separator"),
    ({"type": "popularity_penalty", "share": 0.3},
     "popularity_penalty: no parameter 'share', which is a setting of long_tail_share"),
    ({"type": "seen", "items": [1]},
     "seen: no parameter 'items', which is a setting of block_list; give each step its own "
     "table ({type = 'block_list', items = ...}) or check the type; its parameters: none"),
])
def test_a_setting_of_another_step_names_that_step(entry, said):
    with pytest.raises(ConfigError) as caught:
        create_reranker(entry)
    assert said in str(caught.value)


def test_a_misspelt_setting_is_still_told_its_nearest():
    with pytest.raises(ConfigError, match="did you mean 'trade_off'"):
        create_reranker({"type": "mmr", "trade_of": 0.5})


def test_a_reranked_chain_names_the_step_and_its_place():
    from recstack.pipeline.rerank import Reranked

    model = Reranked(model={"type": "most_popular"},
                     chain=[{"type": "seen"}, {"type": "mmr", "strength": 0.3}])
    with pytest.raises(ConfigError, match=r"chain\[1\].*which is a setting of "
                       "exposure_fairness and popularity_penalty"):
        model.fit(data())


def test_a_flat_column_at_weight_zero_is_told_once_by_its_weight():
    table = pd.DataFrame({"item_id": [1, 2, 3], "flat": [2.0, 2.0, 2.0]})
    train = Interactions.from_arrays(["a", "b", "c", "a"], [1, 2, 3, 2], item_table=table)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        create_reranker({"type": "column_boost", "column": "flat", "weight": 0}).fit(train)
    told = [str(w.message) for w in caught if "changes no list" in str(w.message)]
    assert len(told) == 1 and "weight = 0 adds 0 * x" in told[0], told

"""Hundred-seventy-first bad-input probe: re-rankers' states and popularity ties.

- ``Reranker.load_state`` called directly checked only that the arrays were there: one of
  the wrong length, dimensions or kind, NaN or outside its declared range was kept, and
  failed (or ranked wrongly) at ``rerank``; an array of another name was dropped; a text or
  negative ``n_items`` was kept. The arrays are now checked against ``state_spec`` as a
  saved model's are, numbers of another width converted (float64 vectors for float32).
- ``popularity_penalty`` fitted on data where every item has the same number of users
  gives every item the same penalty, so it changed no list, silently: now a warning (a
  refusal would stop tiny test data from being re-ranked at all).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from recstack.data.interactions import Interactions
from recstack.errors import RecstackError
from recstack.pipeline.rerank import MMR, BlockList, create_reranker
from recstack.pipeline.rerank.base import RerankContext
from recstack.pipeline.rerank.debias import LongTailShare, PopularityPenalty


# --------------------------------------------------------------------------- load_state
@pytest.mark.parametrize(("arrays", "n_items", "message"), [
    ({"penalty": np.zeros(3)}, 4,
     "array 'penalty' of re-ranker 'popularity_penalty' has length 3 on axis 0, expected 4"),
    ({"penalty": np.zeros((4, 1))}, 4,
     r"array 'penalty' .* has 2 dimension\(s\) \(4, 1\), expected 1"),
    ({"penalty": np.array([np.nan, 0.0, 0.0, 1.0])}, 4,
     r"array 'penalty' .* has 1 value\(s\) that are NaN"),
    ({"penalty": np.array([5.0, 0.0, 0.0, 1.0])}, 4,
     "array 'penalty' .* has value 5.0 above its maximum 1.0"),
    ({"penalty": np.array(["a", "b", "c", "d"])}, 4,
     "array 'penalty' .* has dtype <U1, expected float64"),
    ({"penalty": np.array([None, 0.0, 0.0, 1.0])}, 4,
     "array 'penalty' .* must be an array of numbers, got object values"),
    ({"penalty": np.zeros(4), "penalt": np.zeros(4)}, 4,
     "unexpected array\\(s\\) 'penalt'; it restores 'penalty'"),
    ({"penalty": np.zeros(4)}, "4", "n_items must be a whole number of items, 0 or more"),
    ({"penalty": np.zeros(4)}, -1, "n_items must be a whole number .* got -1"),
    ({"penalty": np.zeros(4)}, True, "n_items must be a whole number .* got True"),
    ({"penalty": np.zeros(4)}, 4.0, "n_items must be a whole number .* got 4.0"),
])
def test_load_state_checks_the_arrays_against_the_declaration(arrays, n_items, message):
    step = PopularityPenalty()
    with pytest.raises(RecstackError, match=f"^popularity_penalty.load_state: {message}"):
        step.load_state(arrays, n_items)
    assert not step.is_fitted


def test_load_state_refuses_a_mask_of_another_kind_and_a_matrix_outside_the_catalog():
    with pytest.raises(RecstackError, match="^long_tail_share.load_state: array 'long_tail' "
                                            "of re-ranker 'long_tail_share' has dtype int64, "
                                            "expected bool"):
        LongTailShare().load_state({"long_tail": np.array([0, 1, 2, 3])}, 4)
    per_user = {"per_user_indptr": np.array([0, 1]), "per_user_indices": np.array([9]),
                "per_user_data": np.array([1.0]), "per_user_shape": np.array([1, 4])}
    with pytest.raises(RecstackError, match=r"^block_list.load_state: array "
                                            r"'per_user_indices' .* outside \[0, 4\)"):
        BlockList().load_state({"blocked": np.zeros(4, bool), **per_user}, 4)
    with pytest.raises(RecstackError, match=r"^mmr.load_state: array 'vectors' .* has 1 "
                                            r"dimension\(s\) \(4,\), expected 2"):
        MMR().load_state({"vectors": np.zeros(4, np.float32)}, 4)


def test_load_state_converts_numbers_of_another_width_and_reranks_with_them():
    # float64 vectors where float32 is declared, a list where an array is, a numpy count
    mmr = MMR(trade_off=0.5)
    mmr.load_state({"vectors": np.eye(3)}, np.int64(3))
    assert mmr.state()["vectors"].dtype == np.float32 and mmr.n_items_ == 3
    penalty = PopularityPenalty(strength=1.0)
    penalty.load_state({"penalty": [1.0, 0.0, 0.5]}, 3)
    np.testing.assert_array_equal(penalty.state()["penalty"], [1.0, 0.0, 0.5])
    # by hand: scores 3, 2, 1 scale to 1, 0.5, 0; minus the penalty 1, 0, 0.5 gives
    # 0, 0.5, -0.5: item 1 first, then 0, then 2
    context = RerankContext(seen=sp.csr_matrix((1, 3)))
    items, scores = penalty.rerank(np.array([0]), np.array([[0, 1, 2]]),
                                   np.array([[3.0, 2.0, 1.0]]), context)
    assert items.tolist() == [[1, 0, 2]]
    np.testing.assert_allclose(scores, [[0.5, 0.0, -0.5]])


def test_a_saved_chain_still_loads(tmp_path):
    # the model-folder load hands each step its arrays: they pass the same checks
    table = pd.DataFrame({"item_id": [10, 11, 12]})
    train = Interactions.from_arrays(["a", "a", "b", "c"], [10, 11, 10, 12], item_table=table)
    step = create_reranker({"type": "popularity_penalty", "strength": 0.5}).fit(train)
    again = create_reranker({"type": "popularity_penalty", "strength": 0.5})
    again.load_state(step.state(), train.n_items)
    np.testing.assert_array_equal(again.state()["penalty"], step.state()["penalty"])


# --------------------------------------------------------------------------- popularity ties
def test_a_penalty_on_items_of_equal_popularity_is_warned_of():
    # every item has exactly one user: the penalty log(2)/log(2) = 1 for each, a constant
    train = Interactions.from_arrays(["a", "a", "b", "c"], [10, 11, 12, 13])
    with pytest.warns(UserWarning, match="^popularity_penalty: every one of the 4 items has 1 "
                                         r"training user\(s\), so the penalty is the same for "
                                         "every item and this step changes no list"):
        step = PopularityPenalty().fit(train)
    np.testing.assert_array_equal(step.penalty_, [1.0, 1.0, 1.0, 1.0])


def test_a_penalty_on_items_of_different_popularity_is_quiet():
    train = Interactions.from_arrays(["a", "a", "b", "c"], [10, 11, 10, 12])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        step = PopularityPenalty().fit(train)
    # counts 2, 1, 1: log(2)/log(3), log(2)/log(3) for items 11, 12 and 1 for item 10
    np.testing.assert_allclose(step.penalty_, [1.0, np.log(2) / np.log(3), np.log(2) / np.log(3)])


def test_a_head_of_items_no_more_popular_than_the_tail_is_warned_of():
    # items 10..13 one user each: head_items 0.25 makes item 10 (the lowest index) the head
    train = Interactions.from_arrays(["a", "a", "b", "c"], [10, 11, 12, 13])
    for step in (LongTailShare(head_items=0.25),
                 create_reranker({"type": "exposure_fairness", "head_items": 0.25})):
        with pytest.warns(UserWarning, match=f"^{step.name}: every one of the 4 items has 1 "
                                             r"training user\(s\), so the head is picked by "
                                             "item index among equally popular items"):
            step.fit(train)
    # counts 2, 2, 2, 1: head_items 0.25 puts item 10 in the head, tied with 11 and 12
    tied = Interactions.from_arrays(["a", "b", "a", "b", "a", "b", "c"],
                                    [10, 10, 11, 11, 12, 12, 13])
    with pytest.warns(UserWarning, match=r"^long_tail_share: the 1 head item\(s\) "
                                         r"\(head_items = 0.25\) have no more training users "
                                         r"\(2\) than the most popular long-tail item"):
        step = LongTailShare(head_items=0.25).fit(tied)
    assert step.long_tail_.tolist() == [False, True, True, True]


def test_a_head_of_more_popular_items_is_quiet():
    # counts 2, 1, 1, 1: head_items 0.25 is item 10 alone, more popular than every other
    train = Interactions.from_arrays(["a", "a", "b", "b", "c"], [10, 11, 10, 12, 13])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        step = LongTailShare(head_items=0.25).fit(train)
    assert step.long_tail_.tolist() == [False, True, True, True]
    # head_items 0.5: items 10 and 11; 11 ties with the tail, but 10 is more popular, so
    # the head holds what popularity picked, ties broken by index as documented
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        step = LongTailShare(head_items=0.5).fit(train)
    assert step.long_tail_.tolist() == [False, False, True, True]

"""Seventh bad-input probe of the re-rankers: a multiplicative boost whose factor
1 + w * x is below 0 for some item (its score's sign flipped: a good item sent to the
bottom) is refused naming the item, negative scores given to a multiplicative boost
(which it moves the wrong way) are warned about, and an item predicate comparing text with
a number column (or a number with a text column), which never match, is refused. Expected
values by hand from s' = s * (1 + w * x)."""

from __future__ import annotations

import re
import warnings

import numpy as np
import pandas as pd
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import ConfigError, RecstackError
from recstack.pipeline.rerank import ColumnBoost, ItemPredicate
from recstack.pipeline.rerank.base import RerankContext
from recstack.pipeline.rerank.boosts import NegativeScoresWarning


def data() -> Interactions:
    table = pd.DataFrame({"item_id": [1, 2, 3], "margin": [0.0, 1.0, 3.0]})
    return Interactions.from_arrays(["a", "a", "b"], [1, 2, 3], item_table=table)


def rerank(step, scores):
    train = data()
    return step.fit(train).rerank(np.array([0]), np.array([[0, 1, 2]]), np.array([scores]),
                                  RerankContext(seen=train.to_csr()))


def test_a_penalty_that_flips_the_sign_of_a_score_is_refused():
    # w = -0.5: item 3's factor is 1 - 0.5 * 3 = -0.5, its score 0.9 would become -0.45
    with pytest.raises(ConfigError, match="multiplies the scores of item 3 by 1 \\+ w \\* x = "
                       "-0.5, which flips their sign"):
        ColumnBoost(column="margin", mode="multiply", weight=-0.5).fit(data())


def test_a_penalty_that_keeps_the_sign_still_reranks():
    # w = -0.25: factors 1, 0.75, 0.25; scores 0.9 0.8 0.7 -> 0.9, 0.6, 0.175
    items, scores = rerank(ColumnBoost(column="margin", mode="multiply", weight=-0.25),
                           [0.9, 0.8, 0.7])
    assert items.tolist() == [[0, 1, 2]]
    np.testing.assert_allclose(scores, [[0.9, 0.6, 0.175]])


def test_negative_scores_under_multiply_are_warned_about():
    # w = 1: factors 1, 2, 4; item 3's score -0.1 becomes -0.4: boosted, it goes down
    with pytest.warns(NegativeScoresWarning, match="1 score\\(s\\) are negative \\(first: "
                      "row 0, slot 2, -0.1\\).*use mode = 'add'"):
        items, scores = rerank(ColumnBoost(column="margin", mode="multiply"),
                               [0.9, 0.5, -0.1])
    np.testing.assert_allclose(scores, [[1.0, 0.9, -0.4]])


def test_non_negative_scores_under_multiply_are_not_warned_about():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        items, _ = rerank(ColumnBoost(column="margin", mode="multiply"), [0.9, 0.5, 0.0])
    assert items.tolist() == [[1, 0, 2]]  # 0.9 * 1, 0.5 * 2, 0 * 4


# ------------------------------------------------------------------ item_predicate
@pytest.mark.parametrize(("op", "value", "said"), [
    ("!=", "3", "value '3' is text, and column 'margin' holds numbers; write it as a number"),
    ("in", ["1", 3], "value '1' is text, and column 'margin' holds numbers"),
])
def test_text_compared_with_a_number_column_is_refused(op, value, said):
    # '3' != 3.0 for every item: the step kept the whole catalog, and 'in' of a mixed list
    # matched the numbers alone, without a word
    with pytest.raises(ConfigError, match=said):
        ItemPredicate(column="margin", op=op, value=value).fit(data())


def test_a_number_compared_with_a_text_column_is_refused():
    table = pd.DataFrame({"item_id": [1, 2, 3], "code": ["1", "2", "3"]})
    train = Interactions.from_arrays(["a", "a", "b"], [1, 2, 3], item_table=table)
    with pytest.raises(ConfigError, match="value 2 is a number, and column 'code' holds "
                       "text; write it as text \\(in quotes, '2'\\)"):
        ItemPredicate(column="code", op="!=", value=2).fit(train)


def test_lists_of_different_lengths_are_named_by_row():
    # numpy's ValueError traceback for the items, "scores must be numbers" for the scores
    train = data()
    step = ColumnBoost(column="margin").fit(train)
    with pytest.raises(RecstackError, match=re.escape(
            "column_boost: items must be an array of item indices, one row per user, got "
            "nested lists of different lengths (items[0] holds 2 entries and items[1] 1 "
            "entry); pad the short rows or give each list in its own call")):
        step.rerank(np.array([0, 1]), [[0, 1], [2]], [[1.0, 0.5], [1.0]],
                    RerankContext(seen=train.to_csr()))

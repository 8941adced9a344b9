"""Two-hundred-ninth bad-input probe of the re-rankers.

- ``exposure_fairness``: among groups of equal deficit the first in sorted group order took
  the position, whatever the scores: with equal targets the top slot went to group 0 even
  when the best item was in another group, and a catalog of one item per group came back
  sorted by group name rather than by relevance. Ties now go to the group whose best
  remaining item is the most relevant.
- ``exposure_fairness`` groups and ``item_predicate``'s ``==``, ``!=`` and ``in`` over a
  column of text or of mixed kinds: values are now known as a categorical feature's levels
  are (``2``, ``2.0`` and ``"2"`` one value; text trimmed of surrounding whitespace, as
  labels are); ``"a "`` was a group of its own and failed ``== 'a'``, and in a mixed column
  the text ``"2"`` failed ``== 2``.
- ``mmr``: an item without labels (or with a zero model vector) among items with some is
  similar to nothing, so it escaped every similarity penalty and rose in the lists without
  a word; it is now warned of at fit, naming how many and the first.
- ``column_boost`` and ``freshness``: one boost for every item (a column of one value, no
  item with a time, every item of the same age) changed no list without a word; it is now
  warned of, as ``popularity_penalty`` warns of one penalty for every item.

Expected lists worked by hand from the module's rule (positions discounted by
d_r = 1 / log2(r + 1): d_1 = 1, d_2 = 0.631, d_3 = 0.5).
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
    FreshnessBoost,
    ItemPredicate,
)
from recstack.pipeline.rerank.base import RerankContext


def catalog(**columns) -> Interactions:
    n = len(next(iter(columns.values())))
    table = pd.DataFrame({"item_id": list(range(1, n + 1)), **columns})
    return Interactions.from_arrays([f"u{i % 3}" for i in range(n)], list(range(1, n + 1)),
                                    timestamps=[1_700_000_000 + i for i in range(n)],
                                    item_table=table)


def reranked(step, train, items, scores):
    out, _ = step.rerank(np.zeros(len(items), np.int64), np.array(items),
                         np.array(scores, float), RerankContext(seen=train.to_csr()))
    return out.tolist()


def test_a_tie_of_deficits_goes_to_the_group_with_the_most_relevant_item():
    # items 0, 1 in group x, items 2, 3 in group y; equal targets 0.5, strength 1.
    # position 1: both deficits 0.5 * d_1 = 0.5, tied: y holds the best item (2, relevance
    # 1) against x's best (0, relevance 2/3), so item 2 leads (before: item 0, group x);
    # position 2: bound 0.5 * 1.631 = 0.815, x's deficit 0.815 > y's -0.185: item 0;
    # position 3: bound 1.065, x 1.065 - 0.631 = 0.435 > y 0.065: item 1; then item 3
    train = catalog(grp=["x", "x", "y", "y"])
    step = ExposureFairness(group_column="grp").fit(train)
    assert reranked(step, train, [[2, 0, 3, 1]], [[1.0, 0.9, 0.8, 0.7]]) == [[2, 0, 1, 3]]
    # the same items with x's first: x leads, as before
    assert reranked(step, train, [[0, 2, 1, 3]], [[1.0, 0.9, 0.8, 0.7]]) == [[0, 2, 3, 1]]


def test_one_item_per_group_keeps_the_order_of_relevance():
    # five groups of one item each, equal targets: at every position the groups not yet
    # placed tie, so the most relevant remaining item comes next and the list is kept
    # (before: sorted by group name a..e, the reverse of relevance here)
    train = catalog(grp=list("abcde"))
    step = ExposureFairness(group_column="grp").fit(train)
    assert reranked(step, train, [[4, 3, 2, 1, 0]], [[1.0, 0.9, 0.8, 0.7, 0.6]]) == [
        [4, 3, 2, 1, 0]]


def test_a_larger_deficit_still_wins_over_relevance():
    # target [0.8, 0.2]: position 1 deficits x 0.8, y 0.2 (no tie): x's item 0 leads though
    # y's item 2 is the most relevant
    train = catalog(grp=["x", "x", "y", "y"])
    step = ExposureFairness(group_column="grp", target=[0.8, 0.2]).fit(train)
    assert reranked(step, train, [[2, 0, 3, 1]], [[1.0, 0.9, 0.8, 0.7]])[0][0] == 0


@pytest.mark.parametrize(("make", "values", "reason"), [
    (lambda: ColumnBoost(column="v"), [3.0, 3.0, 3.0],
     r"x = 3 \(column 'v' holds one value for every item\)"),
    (lambda: ColumnBoost(column="v", mode="multiply"), [0.0, np.nan, 0.0],
     r"x = 0 \(column 'v' holds one value for every item, a missing value counting as 0\)"),
    (lambda: FreshnessBoost(time_column="v"), [np.nan, np.nan, np.nan],
     r"x = 1 \(no item has a time in column 'v', and an item without one counts as new\)"),
    # 1.6e9 is 100,000,002 s = 1,157.41 days before the log's last time, 1,700,000,002
    (lambda: FreshnessBoost(time_column="v"), [1.6e9, 1.6e9, 1.6e9],
     # and 2 ** (-1157.41 / 30) = 2.43e-12
     r"x = 2.43326e-12 \(the item times of column 'v' give every item the age 1157.41 "
     r"days\)"),
])
def test_one_boost_for_every_item_is_warned_of(make, values, reason):
    train = catalog(v=values)
    with pytest.warns(UserWarning, match=r"every one of the 3 items gets the same boost, "
                                         + reason + ", so this step changes no list"):
        step = make().fit(train)
    # and indeed no list changes
    assert reranked(step, train, [[2, 0, 1]], [[0.9, 0.5, 0.1]]) == [[2, 0, 1]]


def test_boosts_that_differ_are_not_warned_of():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ColumnBoost(column="v").fit(catalog(v=[0.0, np.nan, 1.0]))
        FreshnessBoost().fit(catalog(v=[1, 2, 3]))  # first interactions 1 s apart


@pytest.mark.parametrize(("groups", "labels", "codes"), [
    # 2, 2.0 and the text "2" are one tier (they were "2" and "2.0", two groups)
    ([1, 2.0, "2", 1], ["1", "2"], [0, 1, 1, 0]),
    ([1, "1", 1.0, "x"], ["1", "x"], [0, 0, 0, 1]),
    # surrounding whitespace, as labels are trimmed (was a group 'a ' of its own)
    (["a", "a ", " b", "b"], ["a", "b"], [0, 0, 1, 1]),
    # text tiers sort by value, as a table of shares by group does (was '10' before '2')
    (["10", "2", "2", "10"], ["2", "10"], [1, 0, 0, 1]),
    # a group named "nan" is text, sorted after the numbers
    (["nan", "3", "3", "nan"], ["3", "nan"], [1, 0, 0, 1]),
])
def test_a_group_is_known_as_a_level_is(groups, labels, codes):
    step = ExposureFairness(group_column="grp").fit(
        catalog(grp=pd.Series(groups, dtype=object)))
    assert step.labels_ == labels
    assert step.groups_.tolist() == codes


@pytest.mark.parametrize("blank", ["", "  "])
def test_a_blank_group_is_no_group(blank):
    # it was a group '' (or '  ') of its own; labels skip blank text, a group is refused as
    # a missing one is
    with pytest.raises(RecstackError, match=r"group_column 'grp' must give each item one "
                                            r"group; item 3 has none \(a blank text\); fill "
                                            r"the column, e.g. with 'unknown'"):
        ExposureFairness(group_column="grp").fit(catalog(grp=["a", "b", blank, "b"]))


def test_shares_go_to_the_text_tiers_in_numeric_order():
    # tiers "10" and "2" read from a text file: target [0.9, 0.1] gives tier 2 the 0.9,
    # as target = {"2": 0.9, "10": 0.1} says is the order
    step = ExposureFairness(group_column="grp", target=[0.9, 0.1]).fit(
        catalog(grp=["10", "2", "2", "10"]))
    assert dict(zip(step.labels_, step.target_.tolist(), strict=True)) == pytest.approx(
        {"2": 0.9, "10": 0.1})
    with pytest.raises(ValueError, match=r"write the shares in that order: \[0\.9, 0\.1\] "
                                         r"for groups '2', '10'"):
        ExposureFairness(group_column="grp", target={"10": 0.1, "2": 0.9}).fit(
            catalog(grp=["10", "2", "2", "10"]))


@pytest.mark.parametrize(("column", "op", "value", "passing"), [
    # whitespace around text: "a " failed == 'a' (and value 'a ' matched nothing)
    (["a", "a ", "b", " b"], "==", "a", [True, True, False, False]),
    (["a", "a ", "b", " b"], "==", "a ", [True, True, False, False]),
    (["a", "a ", "b", " b"], "!=", "a", [False, False, True, True]),
    (["a", "a ", "b", " b"], "in", ["b"], [False, False, True, True]),
    # a column of mixed kinds: the text "2" and the float 2.0 are the number 2
    ([1, "2", 2.0, "x"], "==", 2, [False, True, True, False]),
    ([1, "2", 2.0, "x"], "in", ["2", "x"], [False, True, True, True]),
    ([1, "2", 2.0, "x"], "!=", 2, [True, False, False, True]),
    # a missing value still never passes, not even '!='
    (["a", None, "b", "b"], "!=", "b", [True, False, False, False]),
])
def test_a_predicate_matches_values_as_levels(column, op, value, passing):
    step = ItemPredicate(column="c", op=op, value=value).fit(
        catalog(c=pd.Series(column, dtype=object)))
    assert step.allowed_.tolist() == passing


def test_case_still_tells_text_apart():
    with pytest.raises(ValueError, match=r"no item passes column 'c' == 'A'"):
        ItemPredicate(column="c", value="A").fit(catalog(c=["a", "a", "b", "b"]))


def test_mmr_warns_of_items_without_features():
    # items 2 and 4 have no genre; relevance min-max scaled: 1, 0.75, 0.5, 0.25, 0. After
    # item 0 (A): item 1 (A) 0.7 * 0.75 - 0.3 * 1 = 0.225, item 2 (none) 0.7 * 0.5 - 0 =
    # 0.35, item 3 (B) 0.7 * 0.25 = 0.175: the item without a genre comes second
    train = catalog(genres=["A", "A", None, "B", None])
    with pytest.warns(UserWarning, match=r"^mmr: 2 of the 5 items have no label in column "
                                         r"'genres' \(first: item 3\); mmr counts such an "
                                         r"item as unlike every other"):
        step = MMR().fit(train)
    assert reranked(step, train, [[0, 1, 2, 3, 4]], [[1.0, 0.9, 0.8, 0.7, 0.6]])[0][:2] == [
        0, 2]
    with pytest.warns(UserWarning, match=r"^mmr: 1 of the 5 items have a zero vector among "
                                         r"the model's item vectors \(first: item 2\)"):
        MMR(features="model").fit(train, item_vectors=np.array(
            [[1.0, 0.0], [0.0, 0.0], [0.0, 1.0], [1.0, 1.0], [0.5, 0.2]]))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        MMR().fit(catalog(genres=["A", "A", "C", "B", "B"]))

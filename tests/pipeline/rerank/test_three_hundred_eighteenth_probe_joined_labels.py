"""Labels or groups joined in one text where one value is read.

A genre column whose labels are joined by another character than the separator set
(``"A,B"`` beside ``"A"`` and ``"B"``, the default separator being '|') made ``"A,B"`` a
label of its own for mmr, calibrated and item_predicate's ``contains``: alike to no item of
genre A, never matched by ``contains 'A'``, silently. It is refused, naming the item and the
separator to set. ExposureFairness took a group text joining other groups (``"x|y"``) as a
group of its own, with its own target share; it is refused as "several" groups, as a list
of them is. And item_predicate's ``==``, ``!=`` and ``in`` compare whole values, so
``genres == 'A'`` did not count an item of ``'A|B'`` as A, without a word: warned, pointing
to ``contains``. Expected values worked by hand from the table below.
"""

from __future__ import annotations

import re
import warnings

import numpy as np
import pandas as pd
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import RecstackError
from recstack.pipeline.rerank import MMR, CalibratedRerank, ExposureFairness, ItemPredicate
from recstack.pipeline.rerank.base import RerankContext, joined_value


def data(genres: list[str], groups: list[str] | None = None) -> Interactions:
    n = len(genres)
    table = pd.DataFrame({"item_id": list(range(1, n + 1)), "genres": genres,
                          "group": groups or ["x", "y"] * (n // 2)})
    users = [f"u{i % 3}" for i in range(2 * n)]
    items = [1 + i % n for i in range(2 * n)]
    return Interactions.from_arrays(users, items, item_table=table)


COMMA = ["A", "B", "A,B", "C", "A", "B"]  # item 3 holds A and B joined by ','


@pytest.mark.parametrize("step", [MMR(), CalibratedRerank(),
                                  ItemPredicate(column="genres", op="contains", value="A")],
                         ids=["mmr", "calibrated", "contains"])
def test_labels_joined_by_another_character_are_refused(step):
    with pytest.raises(RecstackError, match=re.escape(
            f"{step.name}: column 'genres' joins labels with ',', not with separator '|': "
            "item 3 holds 'A,B', the labels 'A', 'B' of other items, which would be read as "
            "one label of its own; set separator = ','")):
        step.fit(data(COMMA))


def test_with_the_separator_set_the_joined_labels_are_read():
    # separator ',': item 3 is A and B, so contains 'A' keeps items 1, 3 and 5
    step = ItemPredicate(column="genres", op="contains", value="A", separator=",").fit(
        data(COMMA))
    assert (np.flatnonzero(step.allowed_) + 1).tolist() == [1, 3, 5]
    # mmr over unit rows: item 3 is (1, 1, 0) / sqrt(2)
    mmr = MMR(separator=",").fit(data(COMMA))
    assert np.allclose(mmr.vectors_[2], [2 ** -0.5, 2 ** -0.5, 0.0])


@pytest.mark.parametrize("genres", [
    ["A", "B", "A|B", "C", "A", "B"],        # the separator itself
    ["R&B/Soul", "B", "A", "C", "A", "B"],   # '/' inside a label whose parts are no labels
    ["A", "B", "A,Z", "C", "A", "B"],        # 'Z' is no label of its own
])
def test_labels_that_only_hold_the_character_are_kept(genres):
    MMR().fit(data(genres))
    CalibratedRerank().fit(data(genres))


def test_a_group_joining_other_groups_is_refused():
    train = data(["A", "B", "C", "A", "B", "C"], groups=["x", "y", "x | y", "y", "x", "y"])
    with pytest.raises(RecstackError, match=re.escape(
            "exposure_fairness: group_column 'group' must give each item one group; item 3 "
            "has several ('x | y': the groups 'x', 'y' of other items, joined by '|'); use a "
            "column of one group per item (a multi-label column such as genres is for mmr "
            "or calibrated)")):
        ExposureFairness(group_column="group").fit(train)
    # a genre column given as groups: item 3, 'A;B'
    with pytest.raises(RecstackError, match="item 3 has several \\('A;B'"):
        ExposureFairness(group_column="genres").fit(data(["A", "B", "A;B", "C", "A", "B"]))


def test_a_group_holding_the_character_alone_is_kept():
    # 'x/z': 'z' is no group of its own, so it is one group named 'x/z'
    step = ExposureFairness(group_column="group").fit(
        data(["A", "B", "C", "A", "B", "C"], groups=["x", "y", "x/z", "y", "x", "y"]))
    assert step.labels_ == ["x", "x/z", "y"]


PIPE = ["A", "B", "A|B", "C", "A", "B"]


@pytest.mark.parametrize("op, value, kept", [
    ("==", "A", [1, 5]),            # item 3 ('A|B') is not 'A': warned
    ("!=", "A", [2, 3, 4, 6]),
    ("in", ["A", "C"], [1, 4, 5]),
])
def test_whole_value_ops_on_a_label_column_warn(op, value, kept):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        step = ItemPredicate(column="genres", op=op, value=value).fit(data(PIPE))
    assert (np.flatnonzero(step.allowed_) + 1).tolist() == kept
    messages = [str(w.message) for w in caught if issubclass(w.category, UserWarning)]
    assert messages == [
        f"item_predicate: column 'genres' joins several labels with '|' in one value, and op "
        f"{op!r} compares whole values: item 3 holds 'A|B', which has the label 'A' among "
        f"others but is not equal to it, so op {op!r} does not count it as 'A' (1 such item "
        "value(s)); use op = 'contains' to test one label, or compare the whole value "
        "('A|B') to match it exactly"]


@pytest.mark.parametrize("op, value", [("==", "A|B"), ("in", ["A", "A|B"]), ("==", "C")])
def test_whole_value_ops_without_a_split_label_do_not_warn(op, value):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ItemPredicate(column="genres", op=op, value=value).fit(data(PIPE))
        # a column without the separator: nothing to warn of
        ItemPredicate(column="genres", op="==", value="A").fit(data(COMMA[:2] + ["C"] * 4))


def test_joined_value_reads_every_joiner():
    assert joined_value(["a", "b", "a / b"]) == ("a / b", "/", ["a", "b"])
    assert joined_value(["a", "b", "a;b;a"]) == ("a;b;a", ";", ["a", "b", "a"])
    assert joined_value(["a", "a|"]) is None    # one part only
    assert joined_value(["a|b"]) is None         # parts that are no values
    assert joined_value([1, 2, None]) is None


def test_reranking_with_the_comma_separator_spreads_the_labels():
    # with ',' item 3 shares A with items 1 and 5: mmr at trade_off 0 over items 1, 5, 3, 4
    # (scores 4, 3, 2, 1) takes 1 first, then 4 (C: unlike A), then 3 (A,B: cos 1/sqrt 2 to
    # item 1) before 5 (A: cos 1 to item 1)
    train = data(COMMA)
    step = MMR(separator=",", trade_off=0.0).fit(train)
    items, _ = step.rerank(np.array([0]), np.array([[0, 4, 2, 3]]),
                           np.array([[4.0, 3.0, 2.0, 1.0]]), RerankContext(seen=train.to_csr()))
    assert (items[0] + 1).tolist() == [1, 4, 3, 5]


# --------------------------------------------------------------------------- catalog_mask
# A filter's catalog_mask (the mask applied to the whole catalog before candidates are
# taken) read its users unchecked: -1 silently gave the last user's seen items, an index
# past the users scipy's IndexError, text numpy's UFuncTypeError, an unfitted filter an
# AttributeError. Checked now as rerank checks them.

def filters_of(train: Interactions) -> dict:
    from recstack.pipeline.rerank import BlockList, SeenFilter

    return {"seen": SeenFilter().fit(train),
            "block_list": BlockList(items=[1], per_user=[{"user": "u0", "items": [2]}]).fit(
                train),
            "item_predicate": ItemPredicate(column="group", op="==", value="x").fit(train)}


def test_catalog_mask_of_a_known_user():
    train = data(["A", "B", "C", "A", "B", "C"])
    context = RerankContext(seen=train.to_csr())
    steps = filters_of(train)
    u0 = train.users.to_index(np.asarray(["u0"])).astype(np.int64)
    # u0 saw items 1 and 4 (rows i = 0, 3, 6, 9 of the log: items 1, 4, 1, 4)
    assert steps["seen"].catalog_mask(u0, context)[0].tolist() == [
        False, True, True, False, True, True]
    # item 1 for everyone, item 2 for u0
    assert steps["block_list"].catalog_mask(u0, context)[0].tolist() == [
        False, False, True, True, True, True]
    assert steps["item_predicate"].catalog_mask([0, 1], context).tolist() == [
        [True, False, True, False, True, False]] * 2


@pytest.mark.parametrize("name", ["seen", "block_list"])
@pytest.mark.parametrize("users, said", [
    ([-1], "user index -1 (row 0) is not a row of"),
    ([0, 3], "user index 3 (row 1) is not a row of"),
])
def test_catalog_mask_refuses_users_outside_the_rows(name, users, said):
    train = data(["A", "B", "C", "A", "B", "C"])
    context = RerankContext(seen=train.to_csr())
    with pytest.raises(RecstackError, match=re.escape(f"{name}: {said}")):
        filters_of(train)[name].catalog_mask(np.array(users), context)


@pytest.mark.parametrize("name", ["seen", "block_list", "item_predicate"])
def test_catalog_mask_refuses_text_users_and_an_unfitted_filter(name):
    train = data(["A", "B", "C", "A", "B", "C"])
    context = RerankContext(seen=train.to_csr())
    step = filters_of(train)[name]
    with pytest.raises(RecstackError, match=re.escape(
            f"{name}: users must hold integer user indices, got dtype <U2 ('u0' at row 0)")):
        step.catalog_mask(np.array(["u0"]), context)
    unfitted = type(step)(**step.get_params())
    with pytest.raises(RecstackError, match=re.escape(
            f"{name}: call fit() before catalog_mask()")):
        unfitted.catalog_mask(np.array([0]), context)


# --------------------------------------------------------------------------- load_state
# Arrays restored directly met no check of what fit refuses or guarantees.

def test_load_state_refuses_a_multiplying_factor_that_flips_scores():
    from recstack.pipeline.rerank import ColumnBoost

    step = ColumnBoost(column="margin", mode="multiply", weight=-0.5)
    with pytest.raises(RecstackError, match=re.escape(
            "column_boost: mode = 'multiply' with weight = -0.5 multiplies the scores of "
            "item index 1 by 1 + w * x = -0.5, which flips their sign")):
        step.load_state({"value": np.array([1.0, 3.0, 0.0])}, 3)
    # 1 - 0.5 * 2 = 0 is kept
    step.load_state({"value": np.array([1.0, 2.0, 0.0])}, 3)
    assert step.value_.tolist() == [1.0, 2.0, 0.0]


def test_load_state_refuses_target_shares_not_summing_to_one():
    step = ExposureFairness()
    with pytest.raises(RecstackError, match=re.escape(
            "exposure_fairness: saved target shares sum to 0.6, and fit saves them divided "
            "by their sum (1); the artifact is damaged")):
        step.load_state({"groups": np.array([0, 1, 0]), "target": np.array([0.3, 0.3])}, 3)
    step.load_state({"groups": np.array([0, 1, 0]), "target": np.array([0.25, 0.75])}, 3)
    assert step.target_.tolist() == [0.25, 0.75]


def test_fit_divides_the_target_by_its_sum():
    # [1, 3] is [0.25, 0.75] (documented on the parameter)
    step = ExposureFairness(group_column="group", target=[1, 3]).fit(
        data(["A", "B", "C", "A", "B", "C"]))
    assert step.target_.tolist() == [0.25, 0.75]
    assert "divided by their sum" in ExposureFairness.params["target"].doc


# --------------------------------------------------------------------------- settings
def test_exposure_fairness_of_the_first_position_alone_under_equal_targets_is_warned():
    from recstack.pipeline.rerank import StepWithoutEffectWarning

    train = data(["A", "B", "C", "A", "B", "C"])
    with pytest.warns(StepWithoutEffectWarning, match=re.escape(
            "exposure_fairness: depth = 1 re-orders the first position alone, where every "
            "group has the same deficit under equal targets, so it goes to the highest "
            "incoming score, so this step changes no list; give a depth of 2 or more")):
        step = ExposureFairness(group_column="group", depth=1).fit(train)
    # and it does keep the list: items 2 (y), 1 (x), 3 (x) by score 3, 2, 1
    items, _ = step.rerank(np.array([0]), np.array([[1, 0, 2]]), np.array([[3.0, 2.0, 1.0]]),
                           RerankContext(seen=train.to_csr()))
    assert items.tolist() == [[1, 0, 2]]
    # unequal targets: the first position goes to the group of the larger target, x
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        step = ExposureFairness(group_column="group", depth=1, target=[3, 1]).fit(train)
    items, _ = step.rerank(np.array([0]), np.array([[1, 0, 2]]), np.array([[3.0, 2.0, 1.0]]),
                           RerankContext(seen=train.to_csr()))
    assert items.tolist() == [[0, 1, 2]]


def test_a_half_life_too_short_for_the_ages_is_named_as_such():
    from recstack.pipeline.rerank import FreshnessBoost

    # items first seen 0 to 5 hours before the last timestamp (Unix seconds, not ms)
    n = 6
    table = pd.DataFrame({"item_id": list(range(1, n + 1))})
    train = Interactions.from_arrays(["u"] * n, list(range(1, n + 1)),
                                     timestamps=[1_700_000_000 + 3_600 * i for i in range(n)],
                                     item_table=table)
    with pytest.raises(RecstackError, match=re.escape(
            "freshness: half_life_days = 1e-300 is so short beside the items' ages (1.157e-05 to "
            "0.2083 days) that every item's boost is 0")):
        FreshnessBoost(half_life_days=1e-300, now=1_700_000_000 + 5 * 3_600 + 1).fit(train)
    # now in milliseconds is still asked about
    with pytest.raises(RecstackError, match="is now in milliseconds\\?"):
        FreshnessBoost(now=1_700_018_000_000).fit(train)

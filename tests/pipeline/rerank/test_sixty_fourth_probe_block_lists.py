"""Re-rankers at their boundaries: a per-user block list covering a user's whole catalog
(the global form is refused; this one emptied the user's list silently), NaN or inf as
blocked ids or among an ``in`` predicate's values, and a ``head_items`` share that puts
every item on one side of the popularity split (the step changed no list)."""

from __future__ import annotations

import re
import warnings

import numpy as np
import pandas as pd
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import ConfigError
from recstack.pipeline.rerank import BlockList, create_reranker

CATALOG = [10, 11, 12, 13, 14, 15]


@pytest.fixture(scope="module")
def train() -> Interactions:
    """Items 10..15; users a, b, c, d. Popularity (users): 10 -> 2, the rest 1 each."""
    table = pd.DataFrame({"item_id": CATALOG, "margin": [0.0, 1.0, 2.0, None, 0.5, 0.0]})
    return Interactions.from_arrays(["a", "a", "b", "c", "c", "c", "d"],
                                    [10, 11, 12, 13, 10, 14, 15], item_table=table)


def test_a_per_user_list_of_the_whole_catalog_is_refused_naming_the_user(train):
    with pytest.raises(ConfigError, match=r"per_user blocks every item of the catalog "
                                          r"\(all 6\) for 1 user\(s\): 'b', so their lists "
                                          "would be empty"):
        BlockList(per_user=[{"user": "a", "items": [10]},
                            {"user": "b", "items": CATALOG}]).fit(train)


def test_global_and_per_user_lists_covering_a_users_catalog_are_refused(train):
    # neither list alone blocks everything for user 'c'; together they do
    with pytest.raises(ConfigError, match=r"\(all 6, with those of items,\) for 2 user\(s\): "
                                          r"'c', 'd'"):
        BlockList(items=[10, 11, 12],
                  per_user=[{"user": "c", "items": [13, 14]}, {"user": "c", "items": [15]},
                            {"user": "d", "items": [13, 14, 15, 99]}]).fit(train)


def test_a_per_user_list_leaving_one_item_is_kept(train):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        step = BlockList(items=[10], per_user=[{"user": "a", "items": CATALOG[1:-1]}]).fit(train)
    users = train.users.to_index(np.asarray(["a"])).astype(np.int64)
    assert step.catalog_mask(users, None)[0].tolist() == [False] * 5 + [True]


@pytest.mark.parametrize(("entry", "where"), [
    ({"items": [float("nan")]}, "items[0]"),
    ({"items": [10, float("inf")]}, "items[1]"),
    ({"per_user": [{"user": float("nan"), "items": [10]}]}, "per_user[0].user"),
    ({"per_user": [{"user": "a", "items": [np.float64("nan")]}]}, "per_user[0].items[0]"),
])
def test_nan_or_inf_is_no_id(train, entry, where):
    with pytest.raises(ConfigError, match=re.escape(
            f"block_list: {where} must be an id (a whole number or text)")):
        create_reranker({"type": "block_list", **entry}).fit(train)


@pytest.mark.parametrize(("value", "message"), [
    ([1.0, [2.0]], r"value\[1\] must be one value \(text, a number, true or false\)"),
    (["a", {"b": 1}], r"value\[1\] must be one value"),
])
def test_an_in_predicate_value_must_be_single_values(train, value, message):
    with pytest.raises(ConfigError, match=message):
        create_reranker({"type": "item_predicate", "column": "margin", "op": "in",
                         "value": value}).fit(train)


@pytest.mark.parametrize("step", ["long_tail_share", "exposure_fairness"])
@pytest.mark.parametrize(("head_items", "side"), [(0, "long tail"), (0.0, "long tail"),
                                                  (1, "head"), (1.0, "head")])
def test_a_head_share_leaving_one_side_empty_is_refused(train, step, head_items, side):
    with pytest.raises(ConfigError, match=rf"{step}: head_items = {head_items!r} puts all 6 "
                                          rf"items in the {side} and none in the"):
        create_reranker({"type": step, "head_items": head_items}).fit(train)


@pytest.mark.parametrize("step", ["long_tail_share", "exposure_fairness"])
def test_a_head_share_of_one_item_is_kept(train, step):
    # ceil(0.1 * 6) = 1: item 10, the most popular, is the head
    fitted = create_reranker({"type": step, "head_items": 0.1}).fit(train)
    tail = fitted.long_tail_ if step == "long_tail_share" else fitted.groups_ == 1
    assert np.asarray(tail).tolist() == [False, True, True, True, True, True]


def test_a_group_column_of_one_group_is_refused(train):
    table = train.item_table.assign(shelf="main", tier=[1, 1, 1, 1, 2, 2])
    data = Interactions.from_arrays(["a", "a", "b", "c", "c", "c", "d"],
                                    [10, 11, 12, 13, 10, 14, 15], item_table=table)
    with pytest.raises(ConfigError, match=r"exposure_fairness: group_column 'shelf' holds one "
                                          r"group \('main'\) for all 6 items"):
        create_reranker({"type": "exposure_fairness", "group_column": "shelf"}).fit(data)
    fitted = create_reranker({"type": "exposure_fairness", "group_column": "tier"}).fit(data)
    assert fitted.groups_.tolist() == [0, 0, 0, 0, 1, 1]

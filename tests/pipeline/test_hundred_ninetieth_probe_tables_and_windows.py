"""Hundred-ninetieth bad-input probe of re-ranker settings given as tables and of the
label window's context: ``BlockList(per_user={user: [items]})`` (the mapping Python
suggests) and ``ExposureFairness(target={group: share})`` were "must be list or tuple, got
{...}", which said neither how to write them nor (for the shares) in what order; a
per-user table with a misspelt key ('usr') was "must be a table {user = id, items = [ids]}"
without naming the key; and label_context named a user without window rows by its index
alone, under another function's name ("features:")."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import ConfigError, RecstackError
from recstack.pipeline.features import label_context
from recstack.pipeline.rerank import BlockList, ExposureFairness, RerankContext, create_reranker
from recstack.pipeline.training_data import time_window


def test_per_user_block_lists_keyed_by_user_are_shown_as_tables():
    with pytest.raises(ConfigError) as refused:
        BlockList(per_user={"a": ["x", "y"], "b": ["z"]}).validate_params()
    assert str(refused.value) == (
        "block_list: per_user must be a list of tables {user = id, items = [ids]}, one per "
        "user, got a table of 2 entries keyed by user; write each user as its own table, "
        "e.g. [{'user': 'a', 'items': ['x', 'y']}]")
    with pytest.raises(ConfigError, match=r"got a table of 1 entry keyed by user; .*e\.g\. "
                                          r"\[\{'user': 7, 'items': \['x'\]\}\]$"):
        BlockList(per_user={7: "x"}).validate_params()


@pytest.mark.parametrize(("entry", "said"), [
    ({"usr": "a", "items": ["x"]}, "; unknown key 'usr' (did you mean 'user'?)"),
    ({"user": "a", "item": ["x"]}, "; unknown key 'item' (did you mean 'items'?)"),
    ({"user": "a"}, "; no 'items'"),
    ({"user": "a", "items": ["x"], "note": "vip"}, "; unknown key 'note'"),
    ({"user": "a", "items": "x"}, "; its items are 'x', not a list of ids"),
])
def test_a_per_user_table_names_what_is_wrong_with_it(entry, said):
    with pytest.raises(ConfigError) as refused:
        create_reranker({"type": "block_list", "per_user": [{"user": "b", "items": []}, entry]})
    assert str(refused.value) == ("chain (block_list): block_list: per_user[1] must be a table "
                                  f"{{user = id, items = [ids]}}, got {entry!r}{said}")


@pytest.mark.parametrize(("target", "written"), [
    ({"y": 0.3, "x": 0.7}, "[0.7, 0.3] for groups 'x', 'y'"),
    # a TOML table's keys are text: numbers among them go by value, as the groups do
    ({"10": 0.2, "2": 0.5, "b": 0.3}, "[0.5, 0.2, 0.3] for groups '2', '10', 'b'"),
])
def test_target_shares_keyed_by_group_are_written_out_in_group_order(target, written):
    with pytest.raises(ConfigError) as refused:
        ExposureFairness(group_column="g", target=target).validate_params()
    message = str(refused.value)
    assert message.startswith("exposure_fairness: target must be a list of shares, one per "
                              "group in sorted group order")
    assert message.endswith(f"got a table by group name {target!r}; write the shares in that "
                            f"order: {written}")


def test_the_shares_written_out_are_the_ones_a_list_gives():
    """The list the message writes, given back, is read in the order the table meant."""
    table = pd.DataFrame({"item_id": [1, 2, 3, 4], "g": [10, 2, 2, 10]})
    train = Interactions.from_arrays(["u", "u", "v", "v"], [1, 2, 3, 4], item_table=table)
    step = ExposureFairness(group_column="g", target=[0.8, 0.2]).fit(train)
    assert step.labels_ == ["2", "10"]
    np.testing.assert_allclose(step.target_, [0.8, 0.2])
    with pytest.raises(ConfigError, match=re.escape("[0.8, 0.2] for groups '2', '10'")):
        ExposureFairness(group_column="g", target={"10": 0.2, "2": 0.8}).fit(train)
    context = RerankContext(seen=train.to_csr())
    assert step.rerank(np.array([0]), np.array([[0, 1]]), np.array([[2.0, 1.0]]),
                       context)[0].shape == (1, 2)


def test_label_context_names_a_user_without_window_rows_by_id_and_row():
    train = Interactions.from_arrays(["a", "b", "b", "c"], ["x", "y", "x", "y"],
                                     timestamps=[1, 2, 3, 4])
    _, window = time_window(train, 3)  # 'a' has no row in it
    a = int(window.users.to_index(np.array(["a"]))[0])
    b = int(window.users.to_index(np.array(["b"]))[0])
    with pytest.raises(RecstackError) as refused:
        label_context([b, a], [0, 1], [1, 0], window)
    assert str(refused.value) == (
        f"label_context: user index {a} (user 'a', row 1 of users) has no interaction in the "
        "label window, so its examples have no context to take; give examples of the "
        "window's users only")


def test_a_misspelt_task_column_of_the_labels_gets_the_nearest_task():
    from recstack.pipeline.rankers import create_ranker
    from recstack.pipeline.schema import Feature, FeatureFrame, FeatureSchema

    groups = np.repeat(np.arange(4), 3)
    frame = FeatureFrame(FeatureSchema((Feature("a", "numeric"),)),
                         np.arange(12, dtype=float)[:, None], np.zeros((12, 0), np.int64),
                         groups, np.arange(12), groups)
    clicks = (np.arange(12) % 2).astype(float)
    labels = pd.DataFrame({"interactions": clicks, "rating": np.arange(12.0)})
    with pytest.raises(RecstackError) as refused:
        create_ranker("multitask", epochs=1).fit(frame, labels)
    assert str(refused.value) == (
        "multitask.fit: labels column(s) 'interactions' name no task of this ranker (did you "
        "mean 'interaction'?); name the DataFrame's columns 'interaction', 'rating' (or pass "
        "an array: columns in that order)")

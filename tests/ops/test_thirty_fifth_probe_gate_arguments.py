"""Thirty-fifth bad-input probe, the gate's holdout metric: a training window and an
evaluation window with their own id maps gave every user 0 without a word (the window's
rows were picked by the other vocabulary's indices); a metric written with its cut-off
('ndcg@10') was refused from inside the metrics with advice about an argument the gate does
not have; and k=0 was taken when no user was ranked. Each is now refused naming it."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import ConfigError, RecstackError
from recstack.models.registry import create_model
from recstack.ops.gate import holdout_metric

# training window: popularity a (3) > b (2) > c (1); evaluation window: user 1 c, user 2 d
ROWS = [(1, "a", 5.0), (2, "a", 5.0), (3, "a", 5.0), (2, "b", 5.0), (3, "b", 5.0),
        (3, "c", 5.0), (1, "c", 5.0), (2, "d", 5.0)]


@pytest.fixture(scope="module")
def windows():
    data = Interactions.from_arrays([r[0] for r in ROWS], [r[1] for r in ROWS],
                                    [r[2] for r in ROWS], np.arange(len(ROWS)))
    train, holdout = data.select(np.arange(6)), data.select(np.arange(6, 8))
    return create_model("most_popular").fit(train.compact()), train, holdout


def test_windows_with_their_own_id_maps_are_refused(windows):
    model, train, _ = windows
    # the same two holdout rows, read on their own: users 1, 2 are indices 0, 1 here
    alone = Interactions.from_arrays([1, 2], ["c", "d"], [5.0, 5.0], [6, 7])
    with pytest.raises(RecstackError) as refused:
        holdout_metric(model, train, alone, metric="ndcg", k=2)
    message = str(refused.value)
    assert message.startswith("train and holdout must come from one split (shared id maps)")
    assert "holdout's users" in message and "items" in message


def test_the_same_windows_from_one_read_are_still_scored(windows):
    model, train, holdout = windows
    # user 1 has a: the list is b, c, c at rank 2 -> 1 / log2(3); user 2 has a, b: the
    # list is c, and d is not in the model's (compacted) catalogue -> 0
    values = holdout_metric(model, train, holdout, metric="ndcg", k=2)
    assert values.to_dict() == pytest.approx({1: 1 / np.log2(3), 2: 0.0})


@pytest.mark.parametrize(("metric", "hint"), [
    ("ndcg@10", " (the cut-off goes in k: metric='ndcg', k=10)"),
    ("ndgc", " (did you mean 'ndcg'?)"),
    (5, ""),
])
def test_a_metric_not_named_as_the_gate_reads_it_is_refused(windows, metric, hint):
    model, train, holdout = windows
    with pytest.raises(ConfigError) as refused:
        holdout_metric(model, train, holdout, metric=metric, k=10)
    assert str(refused.value) == (
        "gate: metric must be the name of a ranking metric, one of precision, recall, "
        "recall_capped, hit_rate, f1, mrr, map, ndcg, ndcg_linear, got "
        f"{metric!r}{hint}")


@pytest.mark.parametrize("k", [0, -1, 2.5, "10", True])
def test_k_is_refused_even_when_no_user_is_ranked(windows, k):
    model, train, holdout = windows
    # no holdout row reaches 6: no user is ranked, and k was never looked at
    with pytest.raises(ConfigError) as refused:
        holdout_metric(model, train, holdout, metric="ndcg", k=k, relevance_threshold=6.0)
    assert str(refused.value) == ("gate: k must be a whole number >= 1 (the list length the "
                                  f"metric reads), got {k!r}")

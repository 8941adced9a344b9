"""Hundred-forty-fifth probe: the ranker's training examples and serving disagreed on which
items can be candidates. A fitted TwoStage never proposes an item its generators learned
nothing of (no training rows), but ``make_training_data`` proposed items without rows in the
history window (an item new in the label window, often a positive there) as candidates,
teaching the ranker a situation serving never meets. Training now excludes them too."""

from __future__ import annotations

import numpy as np

from recstack.data.interactions import Interactions
from recstack.models import create_model
from recstack.pipeline.features import FeatureBuilder
from recstack.pipeline.training_data import make_training_data, time_window, untrained_items

DAY = 86_400


def log() -> Interactions:
    """History (before day 10): u0 i0, u1 i0 i1, u2 i1. Window: u0 i1 i2, u1 i2, u2 i0 i2.
    Item 2 appears only in the window: no generator fitted on the history knows it."""
    rows = [(0, 0, 1), (1, 0, 2), (1, 1, 3), (2, 1, 4),
            (0, 1, 11), (0, 2, 12), (1, 2, 11), (2, 0, 12), (2, 2, 13)]
    u, i, t = (np.array(c) for c in zip(*rows, strict=True))
    return Interactions.from_arrays(u, i, None, t * DAY)


def examples(n_candidates: int, make=lambda: [create_model("most_popular")]):
    history, window = time_window(log(), 10 * DAY)
    return make_training_data(history, window, make, FeatureBuilder(), cutoff=10 * DAY,
                              n_candidates=n_candidates)


def test_an_item_without_history_rows_is_never_a_training_candidate():
    # asked for every item: each user's unseen items of the history, i2 left out
    data = examples(n_candidates=3)
    assert 2 not in data.frame.items.tolist()
    pairs = list(zip(data.frame.users.tolist(), data.frame.items.tolist(), strict=True))
    # u0 (seen i0) -> i1: in its window; u1 (seen i0 i1) -> nothing left; u2 (seen i1) -> i0
    assert pairs == [(0, 1), (2, 0)]
    assert data.labels.tolist() == [1, 1]


def test_the_rule_holds_for_several_generators():
    data = examples(3, lambda: [create_model("most_popular"), create_model("item_knn")])
    assert 2 not in data.frame.items.tolist()


def test_the_untrained_items_are_those_without_history_rows():
    history, _ = time_window(log(), 10 * DAY)
    generators = [create_model("most_popular").fit(history)]
    assert untrained_items(generators).tolist() == [False, False, True]
    # every item trained: nothing to leave out
    full = [create_model("most_popular").fit(log())]
    assert untrained_items(full) is None

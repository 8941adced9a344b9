"""Sixth bad-input probe of the ranker's training examples: a label window read on its own,
whose indices stand for other ids than the history's (its labels fell on other users)."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import RecstackError
from recstack.models import create_model
from recstack.pipeline.features import FeatureBuilder
from recstack.pipeline.training_data import make_training_data, time_window

DAY = 86_400


def history_log() -> Interactions:
    rows = [("a", "x", 1), ("a", "y", 2), ("b", "x", 3), ("b", "z", 4), ("c", "y", 5)]
    users, items, days = zip(*rows, strict=True)
    return Interactions.from_arrays(list(users), list(items), None, np.array(days) * DAY)


def test_a_window_with_its_own_ids_is_refused():
    # read on its own, the window's user 0 is "c" and its item 0 "x": the labels paired
    # them with the history's user 0 ("a") by index
    window = Interactions.from_arrays(["c", "c"], ["z", "x"], None, np.array([11, 12]) * DAY)
    with pytest.raises(RecstackError, match="the label window's user ids are not the "
                       "history's \\(its user indices 0, 1, 2... stand for 'c', the history's "
                       "for 'a', 'b', 'c'\\).*time_window\\(\\)"):
        make_training_data(history_log(), window, lambda: [create_model("most_popular")],
                           FeatureBuilder(), cutoff=10 * DAY, n_candidates=2)


def test_a_window_cut_from_the_same_log_is_used():
    log = Interactions.from_arrays(["a", "a", "b", "b", "c", "a", "c"],
                                   ["x", "y", "x", "z", "y", "z", "z"], None,
                                   np.array([1, 2, 3, 4, 5, 11, 12]) * DAY)
    history, window = time_window(log, 10 * DAY)
    examples = make_training_data(history, window, lambda: [create_model("most_popular")],
                                  FeatureBuilder(), cutoff=10 * DAY, n_candidates=2)
    # most_popular on the history: x 2, y 2, z 1; "a" (seen x, y) gets z (in its window),
    # "c" (seen y) gets x and z, z in its window
    pairs = sorted(zip(log.users.to_external(examples.frame.users).tolist(),
                       log.items.to_external(examples.frame.items).tolist(),
                       examples.labels.tolist(), strict=True))
    assert pairs == [("a", "z", 1.0), ("c", "x", 0.0), ("c", "z", 1.0)]

"""Round 53 (G): ``search(..., timeout=T)`` promised that at least one trial always
finishes, but optuna checks the timeout before the first trial too: a timeout shorter than
the time to start one (``1e-9``) completed none, and the search ended in optuna's
``ValueError: No trials are completed yet``."""

from __future__ import annotations

import numpy as np
import pandas as pd

from recstack.data.interactions import Interactions
from recstack.data.splits import random_split
from recstack.tuning import search


def parts():
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"user_id": np.repeat(np.arange(50), 8),
                          "item_id": rng.integers(0, 30, 400)}).drop_duplicates()
    return random_split(Interactions.from_frame(frame), test_fraction=0.3, seed=0)


def test_a_timeout_shorter_than_one_trial_still_finishes_the_first():
    split = parts()
    space = {"neighbors": {"type": "int", "low": 2, "high": 20}}
    best, value, trials = search("item_knn", split.train, split.test, space, trials=5,
                                 timeout=1e-9)
    assert len(trials) == 1
    assert trials[0]["value"] == value and trials[0]["params"] == best
    assert 2 <= best["neighbors"] <= 20


def test_a_generous_timeout_runs_every_trial():
    split = parts()
    space = {"neighbors": {"type": "int", "low": 2, "high": 20}}
    _, value, trials = search("item_knn", split.train, split.test, space, trials=3,
                              timeout=3600)
    assert len(trials) == 3 and value == max(trial["value"] for trial in trials)

"""Seventy-ninth bad-input probe, two-stage model: the generators behind the ranker's
examples are fitted on the history window alone, so an inner two-tower model warned "20
user(s) have no training rows" as if the training data had such users; the warning now
says it comes from the two-stage model's history window."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

pytest.importorskip("torch", reason="PyTorch is not installed (pip install recstack[torch])")

from recstack.data.interactions import Interactions  # noqa: E402
from recstack.models.registry import create_model  # noqa: E402


def test_an_inner_warning_names_the_history_window():
    rng = np.random.default_rng(0)
    n = 400
    users, items = rng.integers(0, 40, n), rng.integers(0, 30, n)
    users[-20:] = np.arange(40, 60)  # 20 users whose only rows are in the label window
    train = Interactions.from_arrays(users, items, np.ones(n), np.arange(n))
    # factors above the catalog's 30 items: ALS warns at each fit, the window's included
    model = create_model("two_stage", generators=(
        {"type": "als", "factors": 64, "iterations": 2}, {"type": "most_popular"}),
        ranker={"type": "logistic"}, n_candidates=10)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model.fit(train)
    said = [str(w.message) for w in caught if "factors=64 is more than" in str(w.message)]
    window = [text for text in said if text.startswith("two_stage:")]
    # the window holds the 320 rows before time 320 (label_fraction 0.2 of 400)
    assert window and all(
        text.startswith("two_stage: while making the ranker's examples, its generators and "
                        "scorers were fitted on the history window alone (320 of the 400 "
                        "training rows, those before time 320 (window = 'time'); 40 of 60 "
                        "users have rows there); the final generators are fitted on all the "
                        "training rows: als: factors=64") for text in window), said
    # the final fit on all the rows says it in the model's own words
    assert any(text.startswith("als: factors=64") for text in said), said


def test_users_of_the_label_window_alone_are_no_news_of_an_inner_two_tower():
    """A two-tower generator fitted on the history window warned "20 user(s) have no
    training rows": users whose rows all fall in the label window are no fault of the
    data (every model serves them as any user without history)."""
    rng = np.random.default_rng(0)
    n = 400
    users, items = rng.integers(0, 40, n), rng.integers(0, 30, n)
    users[-20:] = np.arange(40, 60)
    train = Interactions.from_arrays(users, items, np.ones(n), np.arange(n))
    model = create_model("two_stage", generators=(
        {"type": "two_tower", "dim": 4, "hidden": 4, "epochs": 1, "batch_size": 64,
         "device": "cpu"}, {"type": "most_popular"}), ranker={"type": "logistic"},
        n_candidates=10)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model.fit(train)
    assert not [str(w.message) for w in caught if "no training rows" in str(w.message)]

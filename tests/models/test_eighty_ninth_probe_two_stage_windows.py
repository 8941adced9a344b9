"""A two-stage model whose label window leaves nothing to learn from failed with the
example builder's or the ranker's words alone: "training data: no user of the label window
has any history", "logistic.fit: every label is 1", naming neither the two-stage model nor
the setting that made the window. The error (its type kept) now starts with the model, the
part that failed and the window's setting."""

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import RecstackError
from recstack.models import create_model


def _two_stage(**settings):
    return create_model("two_stage", generators=[{"type": "most_popular"}],
                        ranker={"type": "logistic"}, n_candidates=2, **settings)


def test_a_label_window_of_users_without_history_names_the_model_and_window():
    # rows at times 0..5; label_fraction 0.3 (1.8 of the 6 rows: 2) puts times 4 and 5
    # (user 3's rows) in the window, and user 3 has no row before time 4 (0.2 did so when the
    # window took ceil(0.2 x 6) = 2 rows; the share rule, a half up, gives it 1)
    data = Interactions.from_arrays([1, 1, 2, 2, 3, 3], [1, 1, 2, 2, 1, 2], np.ones(6),
                                    np.arange(6))
    with pytest.raises(RecstackError) as refused:
        _two_stage(label_fraction=0.3).fit(data)
    assert str(refused.value) == (
        "two_stage: making the ranker's examples (window = 'time', label_fraction = 0.3: the "
        "rows from time 4 on are the labels): training data: no user of the label window has "
        "any history; no example can be made")


def test_a_history_at_one_timestamp_names_the_model():
    data = Interactions.from_arrays([1, 2, 3, 4], [1, 2, 1, 2], np.ones(4), np.zeros(4))
    # every row at time 0: no label_fraction can cut them, so the remedy is window='user'
    # (it said "lower label_fraction", which could not help)
    with pytest.raises(RecstackError, match=r"^two_stage: window = 'time' .* all 4 of them "
                                            r"have the same timestamp 0, so no "
                                            r"label_fraction can; use window = 'user'"):
        _two_stage().fit(data)


def test_a_ranker_refusing_the_examples_is_named_as_the_models_ranker():
    # each user's last row is the label and every candidate is it: labels all 1
    data = Interactions.from_arrays([1, 1, 2, 2, 3, 3], [1, 1, 2, 2, 1, 2], np.ones(6),
                                    np.arange(6))
    with pytest.raises(RecstackError, match=r"^two_stage: ranker \(logistic\) on the examples "
                                            r"of the label window: logistic\.fit: every label "
                                            r"is 1"):
        _two_stage(window="user", user_labels=1).fit(data)

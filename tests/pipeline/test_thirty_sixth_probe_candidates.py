"""Hand-built candidates whose columns do not line up are refused by name (not inside numpy
or scipy), and a negative index no longer counts as another user's hit in the candidate
recall."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import RecstackError
from recstack.pipeline.candidates import Candidates, candidate_recall
from recstack.pipeline.features import FeatureBuilder


def _log() -> Interactions:
    frame = pd.DataFrame({"user_id": ["a", "a", "b", "b", "c"],
                          "item_id": ["x", "y", "y", "z", "x"],
                          "timestamp": [1, 2, 3, 4, 5]})
    return Interactions.from_frame(frame)


def _candidates(**changes) -> Candidates:
    columns = {"users": np.array([0, 0, 1]), "items": np.array([0, 2, 1]),
               "scores": np.ones((3, 1), np.float32), "ranks": np.ones((3, 1), np.float32),
               "sources": ("a",), "n_per_source": 2} | changes
    return Candidates(**columns)


@pytest.mark.parametrize(("changes", "message"), [
    ({"items": np.array([0, 2])}, "^Candidates: users has 3 rows, items 2; give one user and "
                                  "one item per candidate row"),
    ({"users": np.array([0.0, 0.0, 1.0])}, "^Candidates: users must hold integer user "
                                           "indices, got floats \\(0.0 at row 0\\)"),
    ({"items": np.array([[0, 2, 1]])}, "^Candidates: items must be a 1-D array"),
    ({"scores": np.ones((3, 2), np.float32)}, "^Candidates: scores must be numbers of shape "
                                              "\\(rows, sources\\) = \\(3, 1\\), got shape "
                                              "\\(3, 2\\)"),
    ({"ranks": np.ones((2, 1), np.float32)}, "^Candidates: ranks must be numbers of shape "
                                             "\\(rows, sources\\) = \\(3, 1\\)"),
    ({"ranks": np.array([["1"], ["2"], ["3"]])}, "^Candidates: ranks must be numbers"),
    ({"similarity": np.ones((3, 1), np.float32)}, "^Candidates: similarity must be numbers "
                                                  "of shape \\(rows, scorers\\) = \\(3, 0\\)"),
    ({"sources": "a"}, "^Candidates: sources must be a tuple of non-empty names, got 'a'"),
    ({"sources": ("a", "")}, "^Candidates: sources must be a tuple of non-empty names"),
    ({"n_per_source": 0}, "^Candidates: n_per_source must be a positive integer, got 0"),
    ({"n_per_source": 2.5}, "^Candidates: n_per_source must be a positive integer, got 2.5"),
])
def test_columns_that_do_not_line_up_are_refused_by_name(changes, message):
    with pytest.raises(RecstackError, match=message):
        _candidates(**changes)


def test_the_checked_columns_still_build_features_and_lists_are_read_as_arrays():
    log = _log()
    good = _candidates(users=[0, 0, 1], items=[0, 2, 1], sources=["a"])
    assert good.users.dtype == np.int64 and good.sources == ("a",)
    builder = FeatureBuilder().fit(log, ("a",), 2)
    frame = builder.build(good, builder.statistics(log, 10))
    assert len(frame) == 3
    assert len(good.take(np.array([True, False, True]))) == 2
    empty = _candidates(users=np.zeros(0, int), items=np.zeros(0, int),
                        scores=np.zeros((0, 1)), ranks=np.zeros((0, 1)))
    assert len(empty) == 0


def test_a_negative_index_is_not_counted_as_another_users_hit():
    log = Interactions.from_frame(pd.DataFrame({"user_id": ["a", "a", "b"],
                                                "item_id": ["x", "z", "y"],
                                                "timestamp": [1, 2, 3]}))
    a = int(log.users.to_index(["a"])[0])
    assert int(log.items.to_index(["z"])[0]) == log.n_items - 1
    test = log.for_users(np.array([a]))  # user a's items x and z
    # the candidate (user a + 1, item -1) has the key (a + 1) * n_items - 1, that of (a, z):
    # it was counted as user a's hit, a recall of 1/2 for a user with no candidate at all
    candidates = _candidates(users=np.array([a + 1]), items=np.array([-1]),
                             scores=np.ones((1, 1)), ranks=np.ones((1, 1)))
    with pytest.raises(RecstackError, match="^candidate_recall: the candidates hold the "
                                            "negative item index -1; indices run from 0"):
        candidate_recall(candidates, test)
    fine = _candidates(users=np.array([a]), items=np.array([0]),
                       scores=np.ones((1, 1)), ranks=np.ones((1, 1)))
    # by the definition: user a's test items {x, z}, candidates {x}: 1 / 2
    assert candidate_recall(fine, test) == pytest.approx(0.5)

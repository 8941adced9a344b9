"""Hundred-forty-fifth probe: numpy masked arrays whose mask hides entries. Every array the
pipeline reads goes through ``np.asarray``, which drops the mask: the hidden entries were
read as indices (the items a bandit showed, a re-ranked list's items, a feature frame's
users, Candidates' rows), as a bandit's ``available`` mask, or as candidates' scores,
silently. They are refused now, naming the argument and the first hidden position, as the
arrays of numbers already were."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.errors import RecstackError
from recstack.pipeline.bandit_checks import BanditInputError
from recstack.pipeline.bandits import UCB1
from recstack.pipeline.candidates import Candidates
from recstack.pipeline.off_policy import ips
from recstack.pipeline.rerank.base import check_lists
from recstack.pipeline.schema import Feature, FeatureFrame, FeatureSchema

HIDDEN = "is a masked array with 1 masked entries"


def test_a_bandits_items_shown():
    with pytest.raises(BanditInputError, match=rf"^ucb1.update: items {HIDDEN} \(the first "
                                               r"at position \(0, 1\)\)"):
        UCB1(n_items=5).update([0], np.ma.masked_array([[0, 1]], [[0, 1]]), [[1, 0]])


def test_a_bandits_available_mask():
    with pytest.raises(BanditInputError, match=rf"^ucb1.select: available {HIDDEN}"):
        UCB1(n_items=3).select([0], 1, available=np.ma.masked_array([True, False, True],
                                                                    [1, 0, 0]))


def test_logged_actions():
    with pytest.raises(BanditInputError, match=rf"^ips: actions {HIDDEN}"):
        ips([1, 0], np.ma.masked_array([0, 1], [0, 1]), [0.5, 0.5], np.full((2, 2), 0.5))


def test_a_reranked_lists_items():
    with pytest.raises(RecstackError, match=rf"^rr: items {HIDDEN}"):
        check_lists([0], np.ma.masked_array([[0, 1, 2]], [[0, 1, 0]]), [[0.3, 0.2, 0.1]], 3,
                    "rr")


def test_a_feature_frames_indices_and_rows():
    schema = FeatureSchema((Feature("x", "numeric"),))
    with pytest.raises(RecstackError, match=rf"^feature frame: users {HIDDEN}"):
        FeatureFrame(schema, [[1.0], [2.0]], np.zeros((2, 0)),
                     np.ma.masked_array([0, 1], [0, 1]), [0, 1], [0, 1])
    frame = FeatureFrame(schema, [[1.0], [2.0]], np.zeros((2, 0)), [0, 1], [0, 1], [0, 1])
    with pytest.raises(RecstackError, match=rf"rows {HIDDEN}"):
        frame.take(np.ma.masked_array([0, 1], [0, 1]))


def candidates(scores):
    return Candidates(np.array([0, 0]), np.array([0, 1]), scores,
                      np.array([[1.0], [2.0]]), ("a",), 2)


def test_candidates_scores_and_rows():
    with pytest.raises(RecstackError, match=rf"scores {HIDDEN}"):
        candidates(np.ma.masked_array([[0.9], [0.5]], [[0], [1]]))
    with pytest.raises(RecstackError, match=rf"^Candidates.take: rows {HIDDEN}"):
        candidates(np.array([[0.9], [0.5]])).take(np.ma.masked_array([0, 1], [0, 1]))


def test_a_masked_array_hiding_nothing_is_read_as_its_values():
    shown = np.ma.masked_array([[0, 1]], [[0, 0]])
    policy = UCB1(n_items=3).update([0], shown, [[1, 0]])
    assert policy.select([0], 1).tolist() == [[2]]  # the untried item first
    assert candidates(np.ma.masked_array([[0.9], [0.5]])).scores.tolist() == [[0.9], [0.5]]

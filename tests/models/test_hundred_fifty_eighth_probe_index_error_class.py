"""Hundred-fifty-eighth bad-input probe: the two wrappers' user-index checks (``reranked``'s
``rerank_lists`` and ``score_users(exclude_seen=False)``, ``two_stage``'s ``candidates`` and
``score_users(exclude_seen=False)``) went through the pipeline's shared index check with its
default class, so ``reranked.rerank_lists(np.array([0.5]))`` raised ``BanditInputError``, a
bandit policy's class, for a model's argument. A model's index refusal is a plain
``RecstackError`` (as ``Recommender.score_users`` gives), and it names the method."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import RecstackError
from recstack.models import create_model
from recstack.pipeline.bandit_checks import BanditInputError

N_USERS = 30


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    return Interactions.from_arrays(rng.integers(0, N_USERS, 600), rng.integers(0, 25, 600),
                                    np.ones(600), rng.integers(0, 10**6, 600))


@pytest.fixture(scope="module")
def reranked(data):
    return create_model("reranked", model={"type": "most_popular"}).fit(data)


@pytest.fixture(scope="module")
def two_stage(data):
    return create_model("two_stage", generators=[{"type": "most_popular"}],
                        ranker={"type": "logistic"}, n_candidates=10).fit(data)


BAD = [
    (np.array([0.5]), r"user_indices must hold integer user indices, got floats \(0\.5 at row 0\)"),
    (np.array([N_USERS]), rf"unknown user {N_USERS} in user_indices at row 0; users are "
                          rf"0\.\.{N_USERS - 1}"),
    (np.array([-1]), r"unknown user -1 in user_indices at row 0"),
    (np.array([[1]]), r"user_indices must be a 1-D array of user indices"),
    (np.array([True]), r"user_indices must hold integer user indices, got true/false"),
]


def _calls(reranked, two_stage):
    return [
        ("reranked: rerank_lists", lambda users: reranked.rerank_lists(users)),
        ("reranked: score_users",
         lambda users: reranked.score_users(users, exclude_seen=False)),
        ("two_stage: candidates", lambda users: two_stage.candidates(users)),
        ("two_stage: score_users",
         lambda users: two_stage.score_users(users, exclude_seen=False)),
    ]


@pytest.mark.parametrize(("users", "says"), BAD)
def test_wrappers_refuse_bad_user_indices_as_a_model_does(reranked, two_stage, users, says):
    for where, call in _calls(reranked, two_stage):
        with pytest.raises(RecstackError, match=rf"^{where}: {says}") as caught:
            call(users)
        # not the bandits' class: a caller catching BanditInputError around a policy must
        # not take a model's refusal for one
        assert not isinstance(caught.value, BanditInputError), where


def test_good_indices_still_work(reranked, two_stage):
    users = np.array([0, 3])
    items, scores = reranked.rerank_lists(users)
    assert items.shape[0] == 2 and scores.shape == items.shape
    assert two_stage.score_users(users, exclude_seen=False).shape == (2, 25)
    assert reranked.score_users(users, exclude_seen=False).shape == (2, 25)

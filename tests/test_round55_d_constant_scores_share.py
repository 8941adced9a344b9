"""ConstantScoresWarning asks "was it fitted?" only when the model ranks no user; a few
users a fitted model has nothing on (one of 1,863 for item-kNN on Last.fm) are counted in
meta, as a few users without history are, and a share of one in ten or more is still
warned of, without blaming the fitting."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.data.splits import random_split
from recstack.evaluation.evaluator import ConstantScoresWarning, Evaluator
from tests.evaluation.scorer import Scorer


@pytest.fixture(scope="module")
def split():
    rng = np.random.default_rng(2)
    data = Interactions.from_arrays(rng.integers(0, 100, 3000), rng.integers(0, 80, 3000),
                                    duplicates="first")
    return random_split(data, 0.2, seed=0)


def _flat_for(share_of_users: float):
    """Distinct random scores, but all zeros for users whose index is below a cut-off."""
    def make(users: np.ndarray) -> np.ndarray:
        scores = np.random.default_rng(0).random((len(users), 80)) + 1.0
        scores[users < 100 * share_of_users] = 0.0
        return scores
    return make


def _evaluate(split, make):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = Evaluator(metrics=["ndcg"], ks=[5]).evaluate(Scorer(make, "knn"),
                                                               split.train, split.test)
    said = [str(w.message) for w in caught if issubclass(w.category, ConstantScoresWarning)]
    return said, result


def test_a_few_users_without_a_ranking_are_counted_not_warned_of(split) -> None:
    said, result = _evaluate(split, _flat_for(0.03))
    evaluated = split.train.users.to_index(result.per_user.index.to_numpy())
    expected = int(np.count_nonzero(evaluated < 3))
    assert 0 < expected < 0.1 * len(evaluated)
    assert said == []
    assert result.meta["users_without_ranking"] == expected


def test_a_large_share_is_warned_of_without_asking_whether_it_was_fitted(split) -> None:
    said, result = _evaluate(split, _flat_for(0.3))
    assert len(said) == 1 and "was it fitted" not in said[0]
    assert "it ranks the other users" in said[0]
    assert result.meta["users_without_ranking"] > 0.1 * result.meta["n_users"]


def test_every_user_without_a_ranking_still_asks_whether_it_was_fitted(split) -> None:
    said, result = _evaluate(split, _flat_for(1.0))
    assert len(said) == 1 and said[0].endswith("was it fitted, and does score_users "
                                               "return its scores?")
    assert result.meta["users_without_ranking"] == result.meta["n_users"]

"""A model that gives every item one score (or -inf for every item) ranks the catalog in
index order: it was evaluated without a word and got all-zero or index-order metrics. A
ConstantScoresWarning now names the model and how many users it scored so."""

import warnings

import numpy as np
import pytest

from recstack.evaluation.evaluator import ConstantScoresWarning, Evaluator
from tests.evaluation.scorer import Scorer


def _evaluate(split, name, make):
    return Evaluator(metrics=["ndcg"], ks=[5]).evaluate(Scorer(make, name), split.train,
                                                         split.test)


def test_minus_inf_for_every_item_is_warned_naming_the_model_and_the_users(split):
    n = split.train.n_items
    with pytest.warns(ConstantScoresWarning) as caught:
        result = _evaluate(split, "blank", lambda u: np.full((len(u), n), -np.inf))
    users = result.meta["n_users"]
    assert str(caught[0].message).startswith(
        f"blank gave -inf for every item to {users} of the {users} evaluated users: their "
        "lists are empty (an item scored -inf is no recommendation), so their metrics are 0")
    assert caught[0].filename == __file__  # pointed at the user's call


@pytest.mark.parametrize("value", [0.0, 3.5, np.inf])
def test_one_score_for_every_item_is_warned(split, value):
    n = split.train.n_items
    with pytest.warns(ConstantScoresWarning, match=r"^flat gave one score to every item it "
                                                   r"may recommend to \d+ of the \d+ "):
        _evaluate(split, "flat", lambda u: np.full((len(u), n), value))


def test_only_the_constant_rows_are_counted(split):
    n = split.train.n_items
    rng = np.random.default_rng(0)

    def make(users):
        scores = rng.random((len(users), n))
        scores[::2] = 1.0  # every other row of each batch constant
        return scores

    with pytest.warns(ConstantScoresWarning) as caught:
        result = _evaluate(split, "half", make)
    users = result.meta["n_users"]
    expected = (users + 1) // 2  # one batch: rows 0, 2, 4, ...
    assert f"to {expected} of the {users} evaluated users" in str(caught[0].message)


def test_scores_that_rank_items_are_not_warned_of(split):
    n = split.train.n_items
    order = np.arange(n, 0, -1, dtype=float)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConstantScoresWarning)
        # -inf for half the items, and ties among pairs of the others: still a ranking
        _evaluate(split, "ties", lambda u: np.tile(np.where(order > n / 2, order // 2,
                                                            -np.inf), (len(u), 1)))
        _evaluate(split, "ranked", lambda u: np.tile(order, (len(u), 1)))
        # the top half tied, the rest lower: a ranking, whatever the tie at the top
        top_tied = np.where(np.arange(n) < n // 2, 1.0, 0.5)
        _evaluate(split, "top tied", lambda u: np.tile(top_tied, (len(u), 1)))

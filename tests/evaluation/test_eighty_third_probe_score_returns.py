"""What a model's score_users may hand the evaluator back: anything that is not a (users x
items) array of numbers is refused naming the model, never with numpy's own message."""

import numpy as np
import pytest

from recstack.errors import RecstackError
from recstack.evaluation.evaluator import Evaluator
from tests.evaluation.scorer import Scorer


@pytest.mark.parametrize("make", [
    lambda users, n: (np.zeros((len(users), n)), "extra"),
    lambda users, n: [[0.0] * n, [0.0] * (n - 1)] + [[0.0] * n] * (len(users) - 2),
    lambda users, n: [np.zeros(n), np.zeros(n + 1)],
], ids=["tuple", "ragged list", "list of rows of two lengths"])
def test_ragged_returns_are_refused_naming_the_model(split, make):
    n = split.train.n_items
    with pytest.raises(RecstackError, match=r"^scorer returned a (tuple|list) that is not a "
                                            r"\(users x items\) array of numbers .*one row of "
                                            rf"{n} scores per user"):
        Evaluator(metrics=["ndcg"], ks=[5]).evaluate(Scorer(lambda u: make(u, n)),
                                                      split.train, split.test)


def test_none_is_refused_as_a_missing_return(split):
    with pytest.raises(RecstackError, match=r"^scorer returned None where scores belong"):
        Evaluator(metrics=["ndcg"], ks=[5]).evaluate(Scorer(lambda u: None), split.train,
                                                      split.test)


def test_a_list_of_rows_is_still_scores(split):
    n = split.train.n_items
    order = np.arange(n, 0, -1, dtype=float)  # item 0 first, then 1, ...
    as_array = Evaluator(metrics=["ndcg"], ks=[5]).evaluate(
        Scorer(lambda u: np.tile(order, (len(u), 1))), split.train, split.test)
    as_list = Evaluator(metrics=["ndcg"], ks=[5]).evaluate(
        Scorer(lambda u: np.tile(order, (len(u), 1)).tolist()), split.train, split.test)
    assert as_list.per_user.equals(as_array.per_user)

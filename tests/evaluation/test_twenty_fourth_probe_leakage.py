"""Twenty-fourth bad-input probe, a model that has seen the test's answers: fitted on the
whole data set before it was split (or on another split's train), it shares most of its
training pairs with ``train``, so the check of the rows it was fitted on let it through,
and its metrics came out inflated (recall@10 0.41 against an honest 0.21 on random data)
without a word. The lists mask only ``train`` (and the fold-in history), so the test pairs
it trained on ranked at the top."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import RecstackError
from recstack.evaluation.evaluator import Evaluator
from recstack.models import create_model

# items 0..3; item 0 is the most popular, then 1, 2, 3 (ties broken by index)
USERS = np.array([0, 1, 2, 3, 0, 1, 2, 0, 1, 2, 3])
ITEMS = np.array([0, 0, 0, 0, 1, 1, 1, 2, 3, 3, 2])
IS_TEST = np.array([False] * 7 + [True] * 4)


@pytest.fixture(scope="module")
def parts():
    data = Interactions.from_arrays(USERS, ITEMS)
    return data, data.select(~IS_TEST), data.select(IS_TEST)


def test_a_model_fitted_on_the_whole_data_is_refused(parts):
    data, train, test = parts
    model = create_model("most_popular").fit(data)
    with pytest.raises(RecstackError, match=r"most_popular was fitted on 4 of the test's 4 "
                                            r"relevant \(user, item\) pairs that train does "
                                            r"not hold \(e.g. user 0, item 2\).*seen the "
                                            r"answers.*whole data set before splitting"):
        Evaluator(metrics=["recall"], ks=[1]).evaluate(model, train, test)


def test_a_model_fitted_on_train_is_evaluated_as_worked_by_hand(parts):
    _, train, test = parts
    model = create_model("most_popular").fit(train)
    result = Evaluator(metrics=["recall"], ks=[1]).evaluate(model, train, test)
    # training popularity: item 0 (4 users), 1 (3), 2 and 3 (0: ties, by index 2 first).
    # user 0 (seen 0, 1) gets [2]: test item 2, hit. user 1 (seen 0, 1) gets [2]: test 3,
    # miss. user 2 (seen 0, 1) gets [2]: test 3, miss. user 3 (seen 0) gets [1]: test 2,
    # miss. recall@1 = (1 + 0 + 0 + 0) / 4
    assert result.means()["recall@1"] == pytest.approx(0.25)


def test_a_fold_in_model_fitted_on_the_held_out_users_is_refused():
    # users 0, 1 train; users 2, 3 are held out: fold-in rows, then test rows
    users = np.array([0, 0, 1, 1, 2, 3, 2, 3])
    items = np.array([0, 1, 1, 2, 0, 1, 2, 0])
    data = Interactions.from_arrays(users, items)
    kind = np.array(["train"] * 4 + ["fold_in"] * 2 + ["test"] * 2)
    train, fold_in, test = (data.select(kind == k) for k in ("train", "fold_in", "test"))
    evaluator = Evaluator(metrics=["recall"], ks=[1])
    with pytest.raises(RecstackError, match=r"ease was fitted on 2 of the test's 2 relevant "
                                            r"\(user, item\) pairs that train or fold_in does "
                                            r"not hold"):
        evaluator.evaluate_fold_in(create_model("ease").fit(data), train, fold_in, test)
    # fitted on train alone, the same call is evaluated
    result = evaluator.evaluate_fold_in(create_model("ease").fit(train), train, fold_in, test)
    assert result.meta["n_users"] == 2

"""Seventh bad-input probe of Bayesian logistic regression and the bandit simulator: a
DataFrame whose columns come in another order than at fit is read by name (by position,
each weight met another feature's values, silently), columns named otherwise are refused,
counts given as numpy integers run the simulator, and lists of different lengths given to
a policy's update are named by row (a numpy ValueError traceback for the items).
Expected values from the definition: the same rows, the same columns, give the same
probabilities."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from recstack.errors import RecstackError
from recstack.pipeline.bandits import UCB1
from recstack.pipeline.bayesian import BayesianLogisticRegression
from recstack.pipeline.simulation import BanditEnvironment


def batch(n: int = 60, seed: int = 0):
    rng = np.random.default_rng(seed)
    x = pd.DataFrame(rng.normal(size=(n, 3)), columns=["recency", "price", "rating"])
    return x, (x["recency"] - x["price"] > 0).astype(float).to_numpy()


def test_a_frame_with_reordered_columns_is_read_by_name():
    x, y = batch()
    model = BayesianLogisticRegression().fit(x, y)
    reordered = x[["rating", "recency", "price"]]
    np.testing.assert_array_equal(model.predict_proba(reordered), model.predict_proba(x))
    np.testing.assert_array_equal(model.decision_function(reordered.head(3)),
                                  model.decision_function(x.head(3)))
    # an array has no names: read by position, as before
    np.testing.assert_array_equal(model.predict_proba(x.to_numpy()), model.predict_proba(x))


def test_an_online_update_with_reordered_columns_is_read_by_name():
    x, y = batch()
    new_x, new_y = batch(seed=1)
    in_order = BayesianLogisticRegression().fit(x, y).partial_fit(new_x, new_y)
    reordered = BayesianLogisticRegression().fit(x, y).partial_fit(
        new_x[["price", "rating", "recency"]], new_y)
    np.testing.assert_allclose(reordered.coef_, in_order.coef_)


def test_columns_named_otherwise_than_at_fit_are_refused():
    x, y = batch()
    model = BayesianLogisticRegression().fit(x, y)
    renamed = x.rename(columns={"rating": "stars"})
    with pytest.raises(RecstackError, match="the columns of X for predicting are not those "
                       "of fit \\(missing 'rating'; unexpected 'stars'\\); fit used 'recency', "
                       "'price', 'rating'"):
        model.predict_proba(renamed)


def test_simulator_counts_given_as_numpy_integers_run():
    environment = BanditEnvironment(n_users=30, n_items=20, n_interactions=300, n_factors=2,
                                    n_genres=3)
    counts = np.array([3, 5, 2])  # e.g. read from a grid of settings
    result = environment.run(UCB1(n_items=20), n_rounds=counts[0], users_per_round=counts[1],
                             k=counts[2])
    assert len(result.regret) == 3


@pytest.mark.parametrize(("items", "rewards", "named", "wanted"), [
    # numpy's ValueError traceback
    ([[0, 1], [2]], [[1.0, 0.0], [1.0]], "items", "item indices"),
    ([[0, 1], [2, 0]], [[1.0, 0.0], [1.0]], "rewards", "numbers"),
])
def test_lists_of_different_lengths_are_named_by_row(items, rewards, named, wanted):
    with pytest.raises(RecstackError, match=re.escape(
            f"ucb1.update: {named} must be an array of {wanted}, got nested lists of "
            f"different lengths ({named}[0] holds 2 entries and {named}[1] 1 entry); pad the "
            "short rows or give each list in its own call")):
        UCB1(n_items=3).update([0, 1], items, rewards)

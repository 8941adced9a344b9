"""Twenty-fourth bad-input probe, the parts the evaluator is given:

- ``evaluate_fold_in`` with a ``fold_in`` or ``test`` built on other id maps (another data
  set): a ValueError from scipy, "inconsistent shapes (40, 25) and (50, 30)", naming
  neither the argument nor the vocabulary; ``evaluate`` said only "train and test must
  come from one split";
- parts in which no evaluated user has a history row (the training part given as
  ``fold_in``, a held-out-users split given to ``evaluate``): every user was ranked from
  nothing, and the numbers came out without a word;
- a test part with no rows, or whose grades are all 0 under ``graded=True``: "no test user
  has a relevant item", with no word of why."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.data.splits import user_split
from recstack.errors import RecstackError
from recstack.evaluation.evaluator import Evaluator, NoHistoryWarning
from recstack.models import create_model


def _data(seed: int, n_users: int, n_items: int) -> Interactions:
    rng = np.random.default_rng(seed)
    users, items = rng.integers(0, n_users, 600), rng.integers(0, n_items, 600)
    pairs = np.unique(np.c_[users, items], axis=0)
    return Interactions.from_arrays(pairs[:, 0], pairs[:, 1])


@pytest.fixture(scope="module")
def parts():
    split = user_split(_data(0, 40, 25), 0.3, seed=0)
    other = user_split(_data(1, 50, 30), 0.3, seed=0)
    model = create_model("ease").fit(split.train)
    return split, other, model


def test_a_fold_in_of_other_data_is_named_with_its_vocabularies(parts):
    split, other, model = parts
    with pytest.raises(RecstackError, match=r"train and fold_in must come from one split.*"
                                            r"fold_in's users \(IdMap\(50 ids.*train's "
                                            r"IdMap\(40 ids.*and items"):
        Evaluator(metrics=["ndcg"], ks=[5]).evaluate_fold_in(model, split.train, other.fold_in,
                                                             split.test)


def test_a_test_of_other_data_is_named_in_fold_in_evaluation(parts):
    split, other, model = parts
    with pytest.raises(RecstackError, match=r"train and test must come from one split.*"
                                            r"vocabularies of test's users"):
        Evaluator(metrics=["ndcg"], ks=[5]).evaluate_fold_in(model, split.train, split.fold_in,
                                                             other.test)


def test_a_test_of_other_data_names_the_vocabulary_in_evaluate(parts):
    split, other, _ = parts
    model = create_model("most_popular").fit(split.train)
    with pytest.raises(RecstackError, match=r"vocabularies of test's users \(IdMap\(50 ids"):
        Evaluator(metrics=["ndcg"], ks=[5]).evaluate(model, split.train, other.test)


def test_the_training_part_given_as_fold_in_is_named_in_a_warning(parts):
    split, _, model = parts
    n_users = len(np.unique(split.test.user_index))
    with pytest.warns(NoHistoryWarning, match=rf"none of the {n_users} evaluated test users "
                                              r"has a fold-in row.*split.fold_in"):
        Evaluator(metrics=["ndcg"], ks=[5]).evaluate_fold_in(model, split.train, split.train,
                                                             split.test)


def test_held_out_users_given_to_evaluate_point_to_evaluate_fold_in(parts):
    split, _, model = parts
    with pytest.warns(NoHistoryWarning, match=r"has a training row.*evaluate_fold_in\(model, "
                                              r"split.train, split.fold_in, split.test\)"):
        Evaluator(metrics=["ndcg"], ks=[5]).evaluate(model, split.train, split.test)


def test_a_proper_fold_in_evaluation_gives_no_warning(parts):
    split, _, model = parts
    with warnings.catch_warnings():
        warnings.simplefilter("error", NoHistoryWarning)
        result = Evaluator(metrics=["ndcg"], ks=[5]).evaluate_fold_in(
            model, split.train, split.fold_in, split.test)
    assert result.meta["users_without_history"] < result.meta["n_users"]


def _tiny(test_values):
    # users 0 and 1 train on items 0 and 1; the test rows follow
    users = np.array([0, 0, 1, 1] + [0, 1][:len(test_values)])
    items = np.array([0, 1, 0, 1] + [2, 3][:len(test_values)])
    values = np.array([1.0, 1.0, 1.0, 1.0, *test_values])
    data = Interactions.from_arrays(users, items, values)
    is_test = np.arange(len(data)) >= 4
    return data.select(~is_test), data.select(is_test)


def test_an_empty_test_part_says_it_has_no_rows():
    full = Interactions.from_arrays(np.array([0, 0, 1, 1, 0]), np.array([0, 1, 0, 1, 2]))
    train, test = full.select(np.arange(5) < 4), full.select(np.zeros(5, bool))
    model = create_model("most_popular").fit(train)
    with pytest.raises(RecstackError, match=r"no test user has a relevant item \(test has no "
                                            r"rows; evaluate on held-out rows"):
        Evaluator(metrics=["recall"], ks=[2]).evaluate(model, train, test)


def test_grades_that_are_all_zero_are_named_under_graded():
    train, test = _tiny([0.0, 0.0])
    model = create_model("most_popular").fit(train)
    with pytest.raises(RecstackError, match=r"graded=True counts only grades > 0, and the "
                                            r"highest test value is 0; set graded=False"):
        Evaluator(metrics=["ndcg"], ks=[2], graded=True).evaluate(model, train, test)

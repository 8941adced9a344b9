"""Seventh bad-input probe, what the evaluator is given:

- a model fitted on other data than ``train`` (another split, another data set): its indices
  name other users and items, and it failed with "score_users takes ... user indices in
  [0, 2)", which names no mistake of the caller (or, with vocabularies of one size, was
  evaluated on the wrong rows without a word);
- the training data given as the test: every test pair is a training pair, which the lists
  mask, so every metric came out 0.0 without a word (now a warning says so);
- ``ks`` as a numpy number array of no dimension (``np.array(10)``): a TypeError ("len() of
  unsized object");
- ``evaluate_ratings`` of a ranking model (popularity, EASE): RMSE of popularity counts
  against ratings, a number that measures nothing."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import ConfigError, RecstackError
from recstack.evaluation.evaluator import Evaluator, TrainingPairsWarning
from recstack.evaluation.pointwise import evaluate_ratings
from recstack.models import create_model

USERS = np.array([0, 0, 1, 1, 2, 2, 3, 3, 0, 1, 2, 3])
ITEMS = np.array([1, 2, 2, 3, 1, 3, 1, 4, 3, 1, 4, 2])
RATINGS = np.array([5, 4, 3, 5, 2, 1, 4, 4, 5, 2, 3, 1.0])


@pytest.fixture(scope="module")
def split():
    data = Interactions.from_arrays(USERS, ITEMS, RATINGS, rating_range=(1, 5))
    first = np.arange(len(data)) < 8
    return data.select(first), data.select(~first)


def test_a_model_fitted_on_other_data_is_refused_naming_both_vocabularies(split):
    train, test = split
    other = Interactions.from_arrays(np.array([0, 1]), np.array([0, 1]))
    model = create_model("most_popular").fit(other)
    with pytest.raises(RecstackError, match=r"most_popular was fitted on other users than "
                                            r"train's \(2 users .* against 4 "):
        Evaluator().evaluate(model, train, test)


def test_a_model_fitted_on_other_items_is_refused_in_fold_in_evaluation(split):
    train, test = split
    # same users, other item ids (10..14 in place of 1..4): same-sized vocabularies would
    # otherwise score the wrong items
    other = Interactions.from_arrays(USERS[:8], ITEMS[:8] + 10)
    model = create_model("ease").fit(other)
    with pytest.raises(RecstackError, match=r"ease was fitted on other items than train's"):
        Evaluator().evaluate_fold_in(model, train, train, test)


def test_the_training_data_given_as_the_test_is_named_in_a_warning(split):
    train, _ = split
    model = create_model("most_popular").fit(train)
    # a warning, not a refusal: a smoke run on the training data is deliberate elsewhere
    with pytest.warns(TrainingPairsWarning, match=r"every one of the test's 8 relevant .* "
                                                  r"training pair.*was the training data "
                                                  r"given as the test"):
        result = Evaluator(metrics=["recall"], ks=[5]).evaluate(model, train, train)
    assert result.means()["recall@5"] == 0.0


def test_a_test_sharing_some_pairs_with_training_is_still_evaluated():
    # one held-out pair of user 0 (item 3) beside a repeat of a training pair (item 1)
    data = Interactions.from_arrays(np.r_[USERS, 0], np.r_[ITEMS, 1])
    train, test = data.select(np.arange(13) < 8), data.select(np.arange(13) >= 8)
    model = create_model("most_popular").fit(train)
    with warnings.catch_warnings():
        warnings.simplefilter("error", TrainingPairsWarning)
        result = Evaluator(metrics=["hit_rate"], ks=[5]).evaluate(model, train, test)
    assert result.meta["n_users"] == 4


def test_ks_as_a_dimensionless_array_is_refused():
    with pytest.raises(ConfigError, match=r"ks must be a list of positive integers"):
        Evaluator(ks=np.array(10))


@pytest.mark.parametrize("name", ["most_popular", "ease"])
def test_rating_metrics_of_a_ranking_model_are_refused(split, name):
    train, test = split
    model = create_model(name).fit(train)
    with pytest.raises(RecstackError, match=rf"{name} gives ranking scores, not predicted "
                                            r"ratings.*\(mf, neural_mf\)"):
        evaluate_ratings(model, test)


def test_rating_metrics_of_a_rating_model_are_computed(split):
    train, test = split
    model = create_model("mf", factors=2, epochs=2, device="cpu").fit(train)
    assert set(evaluate_ratings(model, test)) == {"rmse", "mae"}

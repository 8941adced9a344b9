"""Ninety-third bad-input probe, an argument left out of the evaluator's methods.

``evaluate_fold_in(model, fold_in, test)`` (the train left out, as ``evaluate`` takes no
fold-in) and ``evaluate(model, test)`` were Python's TypeError ("missing 1 required
positional argument: 'test'"), naming an argument the call had given; they are now a
``ConfigError`` naming the method, what is missing and the whole signature, as a misspelt
keyword or a value by position already was."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.data.splits import random_split, user_split
from recstack.errors import ConfigError
from recstack.evaluation.evaluator import Evaluator
from recstack.models.baselines import MostPopular


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    return Interactions.from_arrays(rng.integers(0, 30, 400), rng.integers(0, 40, 400),
                                    duplicates="last")


def test_evaluate_without_its_test_names_it(data):
    split = random_split(data, 0.2, seed=0)
    model = MostPopular().fit(split.train)
    with pytest.raises(ConfigError, match=r"Evaluator\.evaluate\(\): missing 'test'; it "
                                          r"takes Evaluator\.evaluate\(model, train, test"):
        Evaluator(metrics=["ndcg"], ks=[5]).evaluate(model, split.test)


def test_evaluate_fold_in_without_its_train_names_what_is_missing(data):
    split = user_split(data, 0.2, seed=0)
    model = MostPopular().fit(split.train)
    with pytest.raises(ConfigError, match=r"evaluate_fold_in\(\): missing 'test'; it takes "
                                          r"Evaluator\.evaluate_fold_in\(model, train, "
                                          r"fold_in, test"):
        Evaluator(metrics=["ndcg"], ks=[5]).evaluate_fold_in(model, split.fold_in, split.test)


def test_whole_calls_still_evaluate(data):
    split = random_split(data, 0.2, seed=0)
    model = MostPopular().fit(split.train)
    result = Evaluator(metrics=["ndcg"], ks=[5]).evaluate(model, split.train, split.test,
                                                          name="popular")
    assert result.model == "popular"
    folds = user_split(data, 0.2, seed=0)
    fitted = MostPopular().fit(folds.train)
    assert Evaluator(metrics=["ndcg"], ks=[5]).evaluate_fold_in(
        fitted, folds.train, folds.fold_in, folds.test).model == "most_popular"


def test_the_evaluators_warnings_point_at_the_line_that_called_it(data):
    # the methods are wrapped (the argument check): fixed stacklevels would point into
    # recstack; every data-layer warning points at the user's line
    from recstack.evaluation.evaluator import CutoffBeyondCatalogWarning

    split = random_split(data, 0.2, seed=0)
    model = MostPopular().fit(split.train)
    with pytest.warns(CutoffBeyondCatalogWarning) as caught:
        Evaluator(metrics=["ndcg"], ks=[500]).evaluate(model, split.train, split.test)
    assert caught[0].filename == __file__

"""The evaluator's constructor and methods called with arguments they do not take raised
Python's TypeError ("Evaluator.__init__() got an unexpected keyword argument 'metric'",
"evaluate() takes 4 positional arguments but 5 were given"). They are now refused in the
project's words: the constructor as the splits refuse theirs, the methods as a model's."""

import dataclasses

import numpy as np
import pytest

from recstack.errors import ConfigError
from recstack.evaluation.evaluator import Evaluator
from tests.evaluation.scorer import Scorer


def _random_scorer() -> Scorer:
    return Scorer(lambda users: np.random.default_rng(0).random((len(users), 30)))


def test_a_misspelt_field_names_the_near_one_and_the_fields():
    with pytest.raises(ConfigError, match=r"^Evaluator\(\) has no argument 'metric' \(did you "
                                          r"mean 'metrics'\?\); it takes Evaluator\(metrics, "
                                          r"ks, relevance_threshold, "):
        Evaluator(metric=["ndcg"])


def test_the_constructor_still_takes_its_fields():
    evaluator = Evaluator(["ndcg"], [5], relevance_threshold=3.0)
    assert (evaluator.metrics, evaluator.ks, evaluator.relevance_threshold) == (["ndcg"], [5],
                                                                               3.0)
    assert dataclasses.replace(evaluator, ks=[3]).ks == [3]
    with pytest.raises(ConfigError, match=r"^Evaluator\(\) takes at most 10 positional"):
        Evaluator(*range(11))


def test_a_value_by_position_after_test_is_refused_naming_the_keywords(split):
    with pytest.raises(ConfigError, match=r"^Evaluator: evaluate\(\): got 1 value\(s\) by "
                                          r"position \('mine'\) where only keywords are "
                                          r"taken; .*evaluate\(model, train, test, name=\.\.\.\)"):
        Evaluator(ks=[5]).evaluate(_random_scorer(), split.train, split.test, "mine")


def test_a_misspelt_keyword_of_evaluate_names_the_near_one(split):
    with pytest.raises(ConfigError, match=r"^Evaluator: evaluate\(\) got an unexpected "
                                          r"argument 'nmae' \(did you mean 'name'\?\); it "
                                          r"takes model, train, test, name and progress$"):
        Evaluator(ks=[5]).evaluate(_random_scorer(), split.train, split.test, nmae="mine")


def test_evaluate_fold_in_refuses_them_too(split):
    with pytest.raises(ConfigError, match=r"^Evaluator: evaluate_fold_in\(\) got an "
                                          r"unexpected argument 'progres' \(did you mean "
                                          r"'progress'\?\)"):
        Evaluator(ks=[5]).evaluate_fold_in(_random_scorer(), split.train, split.train, split.test,
                                           progres=None)


def test_a_right_call_still_evaluates(split):
    result = Evaluator(ks=[5], metrics=["ndcg"]).evaluate(_random_scorer(), split.train, split.test,
                                                          name="mine")
    assert result.model == "mine"

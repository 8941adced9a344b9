"""Sixth bad-input probe, ``evaluate_ratings``: something that is no model (None, the
model's name, the arguments swapped) was an AttributeError traceback naming no argument,
and a metric named twice was computed once and the repeat dropped without a word (the
ranking evaluator refuses it)."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import RecstackError
from recstack.evaluation.pointwise import evaluate_ratings


@pytest.fixture(scope="module")
def test_rows():
    return Interactions.from_arrays(np.array([0, 1]), np.array([0, 1]), np.array([3.0, 4.0]),
                                    rating_range=(1, 5))


@pytest.mark.parametrize("model", [None, "mf", object()])
def test_something_that_is_no_model_is_refused_by_argument(test_rows, model):
    with pytest.raises(RecstackError, match=r"^model: expected a fitted recommender \(with "
                                            r"score\(users, items\)\), got "):
        evaluate_ratings(model, test_rows)


class _Exact:
    """Predicts every test rating exactly."""

    name = "exact"

    def score(self, users, items):
        return np.array([3.0, 4.0])


def test_a_metric_named_twice_is_refused(test_rows):
    with pytest.raises(RecstackError, match="metrics names rmse more than once"):
        evaluate_ratings(_Exact(), test_rows, metrics=("rmse", "mae", "rmse"))

"""Ninety-eighth bad-input probe, what ``score(users, items)`` hands ``evaluate_ratings``
back. True/false values were read as ratings of 1 and 0 without a word (the ranking
evaluator refuses booleans where scores belong, as the project does for every number);
None and a single number were "must be 1-D, got an array of shape ()", naming no return.
Each is now refused naming the model and what was returned. Other real dtypes are
predicted ratings as their values are."""

from __future__ import annotations

import math

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import RecstackError
from recstack.evaluation.pointwise import evaluate_ratings

ACTUAL = np.array([3.0, 4.0, 5.0])


@pytest.fixture(scope="module")
def test_rows():
    return Interactions.from_arrays(np.arange(3), np.arange(3), ACTUAL, rating_range=(1, 5))


class _Model:
    name = "rater"

    def __init__(self, returned):
        self.returned = returned

    def score(self, users, items):
        return self.returned


@pytest.mark.parametrize("returned", [np.array([True, False, True]), [True, True, False]],
                         ids=["array", "list"])
def test_true_false_predictions_are_refused(test_rows, returned):
    with pytest.raises(RecstackError, match=r"^rater\.score\(users, items\) returned "
                                            r"true/false values where predicted ratings "
                                            r"belong; give numbers on the rating scale "
                                            r"\(1 to 5\)"):
        evaluate_ratings(_Model(returned), test_rows)


@pytest.mark.parametrize(("returned", "said"), [
    (None, "None"), (4.0, "the single value 4.0"), (np.float32(4), "the single value"),
    (np.array(4.0), "the single value")])
def test_none_or_one_number_is_named(test_rows, returned, said):
    with pytest.raises(RecstackError, match=r"^rater\.score\(users, items\) returned "
                                            + said.replace(".", r"\.")
                                            + r".* where predicted ratings belong; it must "
                                              r"give one rating per \(user, item\) pair, 3 "
                                              r"here"):
        evaluate_ratings(_Model(returned), test_rows)


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.int64, np.uint8])
def test_other_real_dtypes_are_ratings(test_rows, dtype):
    predicted = np.array([3, 3, 3], dtype)
    errors = evaluate_ratings(_Model(predicted), test_rows, metrics=("rmse", "mae"))
    # by the definitions: errors 0, 1, 2
    assert errors["mae"] == pytest.approx(1.0)
    assert errors["rmse"] == pytest.approx(math.sqrt((0 + 1 + 4) / 3))

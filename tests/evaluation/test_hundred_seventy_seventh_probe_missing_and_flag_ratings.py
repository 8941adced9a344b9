"""evaluate_ratings names a missing prediction as what it was (None, pandas' NA), not as
"predicted nan", and refuses a true/false value among numbers (True was the rating 1)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import RecstackError
from recstack.evaluation.pointwise import evaluate_ratings


class Fixed:
    name = "fixed"

    def __init__(self, ratings):
        self.ratings = ratings

    def score(self, users, items):
        return self.ratings


@pytest.fixture
def test_rows():
    return Interactions.from_arrays(["u", "v", "w"], ["x", "y", "z"], [1.0, 2.0, 4.0],
                                    rating_range=(1, 5))


@pytest.mark.parametrize("ratings", [[1.0, None, 2.0], (1.0, None, 2.0),
                                     np.array([1.0, None, 2.0], dtype=object),
                                     pd.Series([1.0, None, 2.0], dtype=object)])
def test_a_none_prediction_is_named_as_none(test_rows, ratings):
    with pytest.raises(RecstackError) as caught:
        evaluate_ratings(Fixed(ratings), test_rows)
    message = str(caught.value)
    assert "fixed predicted None for user 'v' and item 'y'" in message
    assert "1 of 3 test rows has no prediction" in message
    assert "nan" not in message


def test_pandas_na_is_named_as_na(test_rows):
    with pytest.raises(RecstackError, match=r"predicted <NA> for user 'w' and item 'z' "
                                            r"\(1 of 3"):
        evaluate_ratings(Fixed([1.0, 2.0, pd.NA]), test_rows)


def test_a_float_nan_is_still_named_nan(test_rows):
    with pytest.raises(RecstackError, match=r"predicted nan for user 'v'"):
        evaluate_ratings(Fixed([1.0, float("nan"), 2.0]), test_rows)


@pytest.mark.parametrize("flag", [True, np.True_])
def test_a_true_false_value_among_numbers_is_refused(test_rows, flag):
    with pytest.raises(RecstackError) as caught:
        evaluate_ratings(Fixed([1, 2, flag]), test_rows)
    message = str(caught.value)
    assert "fixed predicted True for user 'w' and item 'z'" in message
    assert "true/false" in message and "(1 to 5)" in message


def test_plain_numbers_in_a_list_are_evaluated(test_rows):
    # errors 0, 1, 1: RMSE sqrt(2/3), MAE 2/3
    result = evaluate_ratings(Fixed([1, 3, 3.0]), test_rows)
    assert result["rmse"] == pytest.approx((2 / 3) ** 0.5)
    assert result["mae"] == pytest.approx(2 / 3)

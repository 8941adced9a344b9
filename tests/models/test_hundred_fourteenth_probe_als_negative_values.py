"""Negative values given to ALS: its solver refused them late, as "interaction values must
be >= 0 (they set the confidence 1 + alpha * value), got -1.0; use Interactions.implicit()",
naming neither the histories nor where the value is (row, column, item), nor, for training
rows, the user and item, as the shared refusal of the other models does. ALS now refuses
them through that shared path."""

import warnings

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import RecstackError
from recstack.models import create_model


@pytest.fixture(scope="module")
def train():
    rng = np.random.default_rng(0)
    return Interactions.from_arrays(np.repeat(np.arange(20), 6), rng.integers(0, 12, 120),
                                    None, np.arange(120), duplicates="last")


@pytest.fixture(scope="module")
def als(train):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return create_model("als", factors=4, iterations=2, num_threads=1).fit(train)


@pytest.mark.parametrize("method", ["fold_in", "score_histories"])
def test_a_negative_history_value_is_named_by_row_column_and_item(als, method):
    histories = np.zeros((2, len(als.items_)))
    histories[0, 1] = 1.0
    histories[1, 3] = -1.0
    item = als.items_.external_ids[3]
    with pytest.raises(RecstackError, match=rf"^als: histories hold 1 negative value\(s\) "
                                            rf"\(e\.g\. -1 in row 1, column 3 = item {item}\); "
                                            r"ALS reads a value as the confidence 1 \+ alpha "
                                            r"\* value .* must be >= 0"):
        getattr(als, method)(histories)


def test_a_negative_training_value_is_named_by_user_and_item():
    values = np.ones(6)
    values[4] = -2.0
    data = Interactions.from_arrays(np.array([0, 0, 1, 1, 2, 2]), np.array([0, 1, 1, 2, 0, 2]),
                                    values, np.arange(6))
    with pytest.raises(RecstackError, match=r"^als: 1 of 6 interaction values are negative "
                                            r"\(e\.g\. -2 for user 2, item 0\); ALS reads"):
        create_model("als", factors=2, iterations=1, num_threads=1).fit(data)

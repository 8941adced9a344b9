"""evaluate_ratings reads predictions by position, one per test pair: pandas predictions
held in another order (a Series indexed by (user, item) pairs or row numbers) are refused,
not scored against other pairs' ratings; a DataFrame is named as such."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import RecstackError
from recstack.evaluation.pointwise import evaluate_ratings

# test rows: (u1, a) = 1, (u1, b) = 5, (u2, a) = 3
TRUTH = {("u1", "a"): 1.0, ("u1", "b"): 5.0, ("u2", "a"): 3.0}


def _test() -> Interactions:
    return Interactions.from_arrays(["u1", "u1", "u2"], ["a", "b", "a"], [1.0, 5.0, 3.0],
                                    rating_range=(1, 5))


class _Model:
    name = "m"
    predicts_ratings = True

    def __init__(self, give):
        self.give = give

    def score(self, users, items):
        return self.give(list(users), list(items))


def _pair_series(pairs: list[tuple[str, str]], values: list[float]) -> pd.Series:
    return pd.Series(values, index=pd.MultiIndex.from_tuples(pairs))


def test_pair_indexed_series_in_test_order_is_scored():
    # predictions 2, 5, 3 against 1, 5, 3: errors 1, 0, 0; RMSE sqrt(1/3), MAE 1/3
    model = _Model(lambda u, i: _pair_series(list(zip(u, i, strict=True)), [2.0, 5.0, 3.0]))
    result = evaluate_ratings(model, _test())
    assert result["rmse"] == pytest.approx(math.sqrt(1 / 3))
    assert result["mae"] == pytest.approx(1 / 3)


def test_pair_indexed_series_in_another_order_is_refused():
    # each prediction exact for its own pair: read by position it was an RMSE of
    # sqrt((2^2 + 0 + 2^2) / 3) = 1.633 for a perfect model
    def reversed_pairs(u, i):
        pairs = list(zip(u, i, strict=True))[::-1]
        return _pair_series(pairs, [TRUTH[p] for p in pairs])

    with pytest.raises(RecstackError) as caught:
        evaluate_ratings(_Model(reversed_pairs), _test())
    message = str(caught.value)
    assert "indexed by (user, item) pairs in another order than the test pairs" in message
    assert "position 0 holds user 'u2' and item 'a', where test row 0 is user 'u1' and " \
           "item 'a'" in message
    assert "reindex" in message


def test_pair_indexed_series_of_other_pairs_is_refused_with_the_count():
    def other_pairs(u, i):
        return _pair_series([("u1", "a"), ("u9", "z"), ("u2", "a")], [1.0, 5.0, 3.0])

    with pytest.raises(RecstackError, match=r"pairs other than the test pairs \(1 of 3 "
                                            r"pairs is not in the test\): position 1 holds "
                                            r"user 'u9' and item 'z'"):
        evaluate_ratings(_Model(other_pairs), _test())


def test_ids_of_another_type_spelt_alike_are_the_same_pairs():
    test = Interactions.from_arrays([1, 1, 2], [10, 20, 10], [1.0, 5.0, 3.0],
                                    rating_range=(1, 5))
    model = _Model(lambda u, i: _pair_series([("1", "10"), ("1", "20"), ("2", "10")],
                                             [1.0, 5.0, 3.0]))
    assert evaluate_ratings(model, test)["rmse"] == 0.0


def test_series_of_row_numbers_in_another_order_is_refused():
    # a copy sorted by value: index 0, 2, 1 holding 1, 3, 5
    model = _Model(lambda u, i: pd.Series([1.0, 5.0, 3.0]).sort_values())
    with pytest.raises(RecstackError, match=r"indexed by the row numbers in another order "
                                            r"\(position 1 holds row 2\)"):
        evaluate_ratings(model, _test())


def test_series_of_other_labels_and_in_order_numbers_are_read_by_position():
    # a filtered frame's index (7, 8, 9) and 0..2 in order: by position, errors 0
    for index in ([7, 8, 9], [0, 1, 2]):
        model = _Model(lambda u, i, index=index: pd.Series([1.0, 5.0, 3.0], index=index))
        assert evaluate_ratings(model, _test()) == {"rmse": 0.0, "mae": 0.0}


@pytest.mark.parametrize("frame", [
    pd.DataFrame({"user": ["u1", "u1", "u2"], "item": ["a", "b", "a"],
                  "score": [1.0, 5.0, 3.0]}),
    pd.DataFrame({"score": [1.0, 5.0, 3.0]}),
])
def test_data_frame_is_named_as_such(frame):
    with pytest.raises(RecstackError) as caught:
        evaluate_ratings(_Model(lambda u, i: frame), _test())
    message = str(caught.value)
    assert "returned a pandas DataFrame (columns " in message
    assert "one number per (user, item) pair, 3 here" in message
    assert "'score'" in message


def test_repeated_test_pair_with_pair_index_in_order():
    test = Interactions.from_arrays(["u1", "u1", "u2"], ["a", "a", "a"], [1.0, 5.0, 3.0],
                                    rating_range=(1, 5), duplicates="keep")
    model = _Model(lambda u, i: _pair_series(list(zip(u, i, strict=True)),
                                             [3.0, 3.0, 3.0]))
    # errors 2, 2, 0: RMSE sqrt(8/3), MAE 4/3
    result = evaluate_ratings(model, test)
    assert result["rmse"] == pytest.approx(np.sqrt(8 / 3))
    assert result["mae"] == pytest.approx(4 / 3)

"""The evaluation entry points given pandas' nullable and categorical types: a gap (pd.NA)
is named as the missing value it is (it was "nan", numpy's reading of it), a nullable
true/false column is no rating, a pandas Series or array of cut-offs or metric names is
the list it holds, and item features indexed by nullable positions or with gaps are read
or refused by name (one was a StopIteration traceback)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import ConfigError, RecstackError
from recstack.evaluation.evaluator import Evaluator
from recstack.evaluation.pointwise import evaluate_probabilities, evaluate_ratings
from recstack.metrics._validation import MetricInputError


class _Rater:
    name = "rater"

    def __init__(self, out):
        self.out = out

    def score(self, users, items):
        return self.out


@pytest.fixture(scope="module")
def rated():
    return Interactions.from_arrays([1, 1, 2, 2], [1, 2, 1, 3], [4.0, 3.0, 5.0, 2.0],
                                    timestamps=[1, 2, 3, 4], rating_range=(1, 5))


@pytest.mark.parametrize("make", [lambda v, d: pd.array(v, dtype=d),
                                  lambda v, d: pd.Series(v, dtype=d)])
@pytest.mark.parametrize("dtype", ["Float64", "double[pyarrow]"])
def test_a_nullable_prediction_gap_is_no_prediction(rated, make, dtype):
    model = _Rater(make([4.0, None, 3.0, 2.0], dtype))
    with pytest.raises(RecstackError, match=r"rater predicted pd\.NA .* for user 1 and item 2 "
                                            r"\(1 of 4 test rows has no prediction\)"):
        evaluate_ratings(model, rated)


@pytest.mark.parametrize("dtype", ["boolean", "bool[pyarrow]"])
def test_nullable_true_false_predictions_are_no_ratings(rated, dtype):
    # they were read as the ratings 1 and 0: rmse 3.08 without a word
    model = _Rater(pd.array([True, False, True, False], dtype=dtype))
    with pytest.raises(RecstackError, match="returned true/false values where predicted "
                                            r"ratings belong.*\(1 to 5\)"):
        evaluate_ratings(model, rated)


def test_nullable_predictions_without_a_gap_are_read(rated):
    # errors 0, 0, 2, 0: rmse = sqrt(4 / 4) = 1, mae = 2 / 4 = 0.5
    result = evaluate_ratings(_Rater(pd.array([4, 3, 3, 2], dtype="Int64")), rated)
    assert result == {"rmse": pytest.approx(1.0), "mae": pytest.approx(0.5)}


@pytest.mark.parametrize(("y_true", "y_prob", "name"), [
    (pd.array([1, None, 0, 1], dtype="Int64"), [0.5, 0.2, 0.3, 0.9], "y_true"),
    (pd.array([True, None, False, True], dtype="boolean"), [0.5, 0.2, 0.3, 0.9], "y_true"),
    ([1, 0, 0, 1], pd.array([0.5, None, 0.3, 0.9], dtype="Float64"), "y_prob"),
    ([1, 0, 0, 1], pd.Series([0.5, None, 0.3, 0.9], dtype="double[pyarrow]"), "y_prob"),
])
def test_probabilities_with_a_nullable_gap_name_it(y_true, y_prob, name):
    with pytest.raises(MetricInputError, match=rf"^{name}: position 1 holds pd\.NA, a missing "
                                          r"value of the nullable type .*\(1 in all\)"):
        evaluate_probabilities(y_true, y_prob)


@pytest.mark.parametrize("ks", [pd.Series([20, 10]), pd.array([10, 20], dtype="Int64"),
                                pd.Index([10, 20]), pd.Categorical([10, 20])])
def test_cut_offs_in_a_pandas_series_or_array_are_the_list_they_hold(ks):
    assert Evaluator(ks=ks).ks == [10, 20]


@pytest.mark.parametrize("metrics", [pd.Series(["ndcg", "recall"]),
                                     pd.array(["ndcg", "recall"], dtype="string"),
                                     pd.Categorical(["ndcg", "recall"])])
def test_metric_names_in_a_pandas_series_or_array_are_the_list_they_hold(metrics):
    assert list(Evaluator(metrics=metrics).metrics) == ["ndcg", "recall"]


def test_a_gap_among_cut_offs_or_metric_names_is_named_by_position():
    with pytest.raises(ConfigError, match=r"^ks: position 1 holds a missing value \(pd\.NA, "
                                          r"of the type Int64; 1 in all\)"):
        Evaluator(ks=pd.array([10, None], dtype="Int64"))
    with pytest.raises(ConfigError, match=r"^metrics: position 1 holds a missing value"):
        Evaluator(metrics=pd.array(["ndcg", None], dtype="string"))


@pytest.fixture(scope="module")
def ranked():
    rng = np.random.default_rng(0)
    users = np.repeat(np.arange(10), 6)
    items = np.concatenate([rng.permutation(8)[:6] for _ in range(10)]) + 100
    data = Interactions.from_arrays(users, items, timestamps=np.arange(60))
    from recstack.data.splits import random_split

    split = random_split(data, 0.3)
    return split.train, split.test


class _Ordered:
    name = "ordered"

    def __init__(self, n_items):
        self.n_items = n_items

    def score_users(self, users):
        return np.tile(np.arange(self.n_items, dtype=np.float32), (len(users), 1))


def _diversity(ranked, frame):
    train, test = ranked
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return Evaluator(metrics=["diversity"], ks=[3], item_features=frame).evaluate(
            _Ordered(train.n_items), train, test).means()["diversity@3"]


def test_item_features_indexed_by_nullable_positions_in_order_are_read(ranked):
    train, _ = ranked
    n = train.n_items
    # one-hot rows: every pair of distinct items is at cosine distance 1, so diversity 1
    plain = _diversity(ranked, pd.DataFrame(np.eye(n)))
    nullable = _diversity(ranked, pd.DataFrame(np.eye(n), index=pd.Index(range(n),
                                                                          dtype="Int64")))
    assert plain == nullable == pytest.approx(1.0)


def test_item_features_with_a_nullable_gap_name_the_item_and_column(ranked):
    train, _ = ranked
    ids = train.items.pandas_index
    frame = pd.DataFrame(np.eye(len(ids)), index=ids).astype("Float64")
    frame.iloc[0, 0] = pd.NA
    with pytest.raises(ConfigError, match=rf"item_features: column 0 has no value for item "
                                          rf"{ids[0]} \(row 0: pd\.NA"):
        _diversity(ranked, frame)


def test_item_features_indexed_by_text_where_the_ids_are_integers_say_so(ranked):
    train, _ = ranked
    ids = train.items.pandas_index
    frame = pd.DataFrame(np.eye(len(ids)), index=[str(i) for i in ids])
    with pytest.raises(ConfigError, match=r"the index holds string labels, the item ids are "
                                          r"integer"):
        _diversity(ranked, frame)

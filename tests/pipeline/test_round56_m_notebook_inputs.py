"""The ranking stage's inputs as a notebook gives them: a pyarrow Table of features (read
by numpy column by column, in its own order, so a table whose columns came in another order
gave each feature another's values), a pyarrow Table for the Bayesian logistic regression
(fitted on names, predicted by position) and as a serving context (refused as "got
Table"), and a categorical feature given as text levels (told to use pandas.to_numeric)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from recstack.errors import RecstackError
from recstack.pipeline.bayesian import BayesianLogisticRegression
from recstack.pipeline.features import request_context
from recstack.pipeline.schema import Feature, FeatureFrame, FeatureSchema

SCHEMA = FeatureSchema((Feature("price", "numeric"), Feature("age", "numeric"),
                        Feature("genre", "categorical", cardinality=4)))
# two requests (groups) of two candidates, one user each
INDEX = {"users": [0, 0, 1, 1], "items": [0, 1, 0, 1], "groups": [0, 0, 1, 1]}


@pytest.mark.parametrize("as_arrow", [pa.Table.from_pandas, pa.RecordBatch.from_pandas])
def test_a_pyarrow_table_of_features_is_read_by_column_name(as_arrow):
    numeric = pd.DataFrame({"age": [10.0, 20.0, 30.0, 40.0], "price": [1.5, 2.5, 3.5, 4.5]})
    categorical = pd.DataFrame({"genre": [1, 2, 3, 1]})
    frame = FeatureFrame(SCHEMA, as_arrow(numeric), as_arrow(categorical), **INDEX)
    # the schema's order: price first, though the table holds age first
    np.testing.assert_array_equal(frame.numeric, np.array(
        [[1.5, 10.0], [2.5, 20.0], [3.5, 30.0], [4.5, 40.0]], np.float32))
    np.testing.assert_array_equal(frame.categorical[:, 0], [1, 2, 3, 1])


def test_a_pyarrow_table_with_a_null_is_a_missing_value_and_a_misnamed_one_refused():
    numeric = pa.table({"price": [1.5, None, 3.5, 4.5], "age": [1.0, 2.0, 3.0, 4.0]})
    frame = FeatureFrame(SCHEMA, numeric, np.array([[1], [2], [3], [1]]), **INDEX)
    assert np.isnan(frame.numeric[1, 0]) and frame.numeric[2, 0] == np.float32(3.5)
    wrong = pa.table({"price": [1.0] * 4, "agee": [1.0] * 4})
    with pytest.raises(RecstackError, match=r"missing 'age'; not in the schema 'agee'"):
        FeatureFrame(SCHEMA, wrong, np.array([[1], [2], [3], [1]]), **INDEX)


@pytest.mark.parametrize("levels", [
    pd.Categorical(["drama", "comedy", "drama", "horror"]),
    pd.array(["drama", "comedy", "drama", "horror"], dtype="string"),
])
def test_text_levels_of_a_categorical_feature_name_the_codes_to_give(levels):
    numeric = np.ones((4, 2))
    with pytest.raises(RecstackError) as caught:
        FeatureFrame(SCHEMA, numeric, pd.DataFrame({"genre": levels}), **INDEX)
    message = str(caught.value)
    assert "categorical feature 'genre' holds" in message
    assert "'comedy', 'drama', 'horror'" in message or "'drama', 'comedy', 'horror'" in message
    assert "pd.Categorical(column).codes + 1" in message and "cardinality 4" in message
    assert "to_numeric" not in message


def test_numbers_as_category_levels_are_read_as_the_numbers():
    genre = pd.Categorical([3, 1, 2, 3], categories=[3, 2, 1])  # codes 0, 2, 1, 0
    frame = FeatureFrame(SCHEMA, np.ones((4, 2)), pd.DataFrame({"genre": genre}), **INDEX)
    np.testing.assert_array_equal(frame.categorical[:, 0], [3, 1, 2, 3])


@pytest.fixture(scope="module")
def bayesian():
    rng = np.random.default_rng(5)
    X = pd.DataFrame({"clicks": rng.normal(size=300), "age": rng.normal(size=300)})
    y = (X["clicks"] - 0.5 * X["age"] + rng.normal(size=300) > 0).astype(float)
    return BayesianLogisticRegression().fit(X, y), X


def test_bayesian_predicts_a_pyarrow_table_by_column_name(bayesian):
    model, X = bayesian
    swapped = pa.Table.from_pandas(X[["age", "clicks"]])
    # the linear score by hand, with each weight on its own column
    expected = X.to_numpy() @ model.coef_ + model.intercept_
    np.testing.assert_allclose(model.decision_function(swapped), expected, rtol=1e-10)


def test_bayesian_fitted_on_a_pyarrow_table_records_its_names(bayesian):
    _, X = bayesian
    y = (X["clicks"] > 0).astype(float)
    model = BayesianLogisticRegression().fit(pa.Table.from_pandas(X), y)
    assert model.feature_names_in_ == ("clicks", "age")
    expected = X.to_numpy() @ model.coef_ + model.intercept_
    np.testing.assert_allclose(model.decision_function(X[["age", "clicks"]]), expected,
                               rtol=1e-10)


def test_a_serving_context_as_a_pyarrow_table_is_one_row_per_request():
    context = request_context(pa.table({"device": ["ios", "web"], "hour": [3, 4]}), 2)
    assert list(context.columns) == ["device", "hour"]
    assert context["device"].tolist() == ["ios", "web"] and context["hour"].tolist() == [3, 4]
    with pytest.raises(RecstackError, match="context has 2 rows for 3 users asked for"):
        request_context(pa.table({"device": ["ios", "web"]}), 3)


def test_multitask_labels_as_a_pyarrow_table_are_read_by_task_name():
    pytest.importorskip("torch")
    from recstack.pipeline.rankers import create_ranker

    rng = np.random.default_rng(1)
    n = 40
    groups = np.repeat(np.arange(8), 5)
    schema = FeatureSchema((Feature("signal", "numeric"),))
    frame = FeatureFrame(schema, rng.normal(size=(n, 1)), np.zeros((n, 0), np.int64),
                         groups, np.tile(np.arange(5), 8), groups)
    interaction = (frame.numeric[:, 0] > 0).astype(float)
    rating = np.where(interaction > 0, 4.0, np.nan)
    ranker = create_ranker("multitask", epochs=1, device="cpu")
    # ratings first: read by position, the interaction task got the ratings (refused
    # here as NaN labels; with every row rated, learnt from silently)
    table = pa.table({"rating": rating, "interaction": interaction})
    from recstack.pipeline.rankers.base import check_labels

    np.testing.assert_array_equal(
        check_labels(frame, table, "multitask.fit", 2, ranker.label_names),
        np.column_stack([interaction, rating]))
    ranker.fit(frame, table)
    assert ranker.score(frame).shape == (n,)

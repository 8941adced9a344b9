"""A numpy number set as a hyperparameter after construction (``model.neighbors =
np.int64(5)``, a value taken from an array or a grid) was refused by ``fit`` as "must be
int", while the constructor stored the same value as the Python number it equals: one rule
now, however the hyperparameter is set (constructor or attribute), for models, rankers and
re-rankers alike."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import ConfigError
from recstack.models import create_model
from recstack.pipeline.rerank.base import create_reranker


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    return Interactions.from_arrays(rng.integers(0, 30, 600), rng.integers(0, 25, 600),
                                    np.ones(600), rng.integers(0, 10**6, 600))


def test_a_numpy_integer_set_after_construction_fits_as_the_constructor_would(data):
    model = create_model("item_knn", neighbors=10)
    model.neighbors = np.int64(5)
    assert type(model.neighbors) is int and model.neighbors == 5
    fitted = model.fit(data)
    given = create_model("item_knn", neighbors=np.int64(5)).fit(data)
    assert fitted.get_params() == given.get_params()
    np.testing.assert_array_equal(fitted.score_users(np.arange(5)),
                                  given.score_users(np.arange(5)))


@pytest.mark.parametrize(("model", "name", "value", "expected"), [
    ("item_knn", "shrink", np.float32(2.0), 2.0),
    ("blend", "rounds", np.int64(1), 1),
    ("reranked", "n_candidates", np.int32(20), 20),
    ("neural_mf", "layers", (np.int64(16), np.int64(8)), [16, 8]),
])
def test_numpy_values_set_as_attributes_are_stored_as_plain_python(model, name, value,
                                                                     expected):
    instance = create_model(model)
    setattr(instance, name, value)
    stored = getattr(instance, name)
    assert stored == expected and type(stored) is type(expected)
    if isinstance(stored, list):
        assert all(type(element) is int for element in stored)
    instance.validate_params()  # accepted, as create_model(model, name=value) is


def test_a_reranker_attribute_is_stored_as_its_constructor_stores_it():
    reranker = create_reranker({"type": "popularity_penalty", "strength": 0.5})
    reranker.strength = np.float64(0.25)
    assert type(reranker.strength) is float and reranker.strength == 0.25
    reranker.validate_params()


def test_a_bad_value_set_as_an_attribute_is_still_refused_naming_it(data):
    model = create_model("item_knn")
    model.neighbors = np.float64(2.5)
    with pytest.raises(ConfigError, match=r"item_knn: neighbors must be int, got 2\.5"):
        model.fit(data)
    model.neighbors = np.bool_(True)
    with pytest.raises(ConfigError, match=r"item_knn: neighbors must be int, got True"):
        model.fit(data)


@pytest.mark.parametrize(("model", "call", "says"), [
    ("item_knn", lambda m: m.recommend([1], k=np.float64(3.5)), r"k must be a positive "
                                                                 r"integer, got 3\.5$"),
    ("item_knn", lambda m: m.recommend([1], k=np.int64(0)), r"got 0$"),
    ("item_knn", lambda m: m.similar_items([1], k=np.float32(2.0)),
     r"got 2\.0, a float; write the whole number 2 \(int\(k\)\)$"),
    ("item_knn", lambda m: m.recommend([1], exclude_seen=np.int64(1)),
     r"exclude_seen must be True or False, got 1$"),
    ("two_stage", lambda m: m.recommend([1], exclude_seen=np.int64(0)),
     r"exclude_seen must be True or False, got 0$"),
])
def test_numpy_arguments_are_shown_as_written(data, model, call, says):
    # numpy 2's repr, np.float64(3.5), wrote the type into the message
    params = ({"generators": [{"type": "most_popular"}], "ranker": {"type": "logistic"},
               "n_candidates": 5} if model == "two_stage" else {})
    fitted = create_model(model, **params).fit(data)
    with pytest.raises(ConfigError, match=says):
        call(fitted)

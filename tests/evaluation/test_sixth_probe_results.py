"""Sixth bad-input probe, evaluation results as JSON: an evaluator given numpy settings
(``relevance_threshold=np.int64(4)``, ``graded=np.bool_(True)``, as a script computing them
from an array does) kept them in the result's ``meta``, and ``to_json`` failed with
"TypeError: Object of type int64 is not JSON serializable" after the whole evaluation; a
float32 NaN among the aggregate values stayed NaN instead of null."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from recstack.data.interactions import Interactions
from recstack.evaluation.evaluator import Evaluator
from recstack.evaluation.results import EvaluationResult
from recstack.models import create_model


@pytest.fixture(scope="module")
def split():
    users = np.array([0, 0, 1, 1, 2, 2, 3, 3, 0, 1, 2, 3])
    items = np.array([1, 2, 2, 3, 1, 3, 1, 4, 3, 1, 4, 2])
    values = np.array([5, 4, 3, 5, 2, 1, 4, 4, 5, 2, 3, 1.0])
    data = Interactions.from_arrays(users, items, values, rating_range=(1, 5))
    first = np.arange(len(data)) < 8
    return data.select(first), data.select(~first)


@pytest.mark.parametrize(("settings", "key", "written"), [
    ({"relevance_threshold": np.int64(3)}, "relevance_threshold", 3),
    ({"relevance_threshold": np.float32(2.5)}, "relevance_threshold", 2.5),
    ({"graded": np.bool_(True)}, "graded", True),
])
def test_numpy_settings_are_written_as_json_numbers(split, settings, key, written):
    train, test = split
    model = create_model("most_popular").fit(train)
    result = Evaluator(ks=[2], **settings).evaluate(model, train, test)
    read_back = json.loads(result.to_json())
    assert read_back["meta"][key] == written
    assert type(read_back["meta"][key]) is type(written)


def test_numpy_aggregate_values_and_meta_arrays_are_plain_json():
    result = EvaluationResult(
        model="m", per_user=pd.DataFrame({"ndcg@2": [0.5, 1.0]}, index=[1, 2]),
        aggregate={"coverage@2": np.float32(0.25), "other": np.float32("nan")},
        users_without_relevant=np.int64(3), meta={"ks": np.array([2, 5]), "n": np.int32(7)})
    read_back = json.loads(result.to_json())
    assert read_back["aggregate"] == {"coverage@2": 0.25, "other": None}
    assert read_back["users_without_relevant"] == 3
    assert read_back["meta"] == {"ks": [2, 5], "n": 7}

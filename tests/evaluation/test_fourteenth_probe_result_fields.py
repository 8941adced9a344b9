"""Fourteenth bad-input probe, an EvaluationResult built by hand: a label that is not text,
a count of users as text or below 0, and settings that are not a dict were kept as given
(a number became the comparison table's row name, ``'x'`` reached the JSON as the count of
users without a relevant item); ``comparison_table`` given one result instead of a list
failed with "'EvaluationResult' object is not iterable"."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from recstack.errors import RecstackError
from recstack.evaluation.results import EvaluationResult, comparison_table

PER_USER = pd.DataFrame({"ndcg@10": [0.1, 0.2, 0.3]}, index=[1, 2, 3])


@pytest.mark.parametrize(("changed", "says"), [
    ({"model": 5}, "EvaluationResult: model must be the model's label as non-empty text, "
     "got 5"),
    ({"model": " "}, "EvaluationResult: model must be the model's label as non-empty text, "
     "got ' '"),
    ({"users_without_relevant": "x"}, "m: users_without_relevant must be a whole number of "
     "users >= 0, got 'x'"),
    ({"users_without_relevant": -1}, "m: users_without_relevant must be a whole number of "
     "users >= 0, got -1"),
    ({"users_without_relevant": 2.0}, "m: users_without_relevant must be a whole number of "
     "users >= 0, got 2.0 (a whole number is written in digits alone, without a point or an "
     "exponent: users_without_relevant = 2)"),
    ({"meta": [1]}, "m: meta must be a dict of the evaluation's settings, got list"),
])
def test_a_hand_built_result_with_a_malformed_field_is_named(changed, says):
    fields = {"model": "m", "per_user": PER_USER} | changed
    with pytest.raises(RecstackError) as refused:
        EvaluationResult(**fields)
    assert str(refused.value) == says


def test_numpy_counts_are_still_whole_numbers():
    result = EvaluationResult("m", PER_USER, users_without_relevant=np.int64(3))
    assert result.to_dict()["users_without_relevant"] == 3


def test_comparison_table_needs_a_list():
    result = EvaluationResult("m", PER_USER)
    with pytest.raises(RecstackError) as refused:
        comparison_table(result)
    assert str(refused.value) == ("comparison_table needs a list of EvaluationResults, got "
                                  "EvaluationResult")
    # (0.1 + 0.2 + 0.3) / 3
    assert comparison_table([result]).loc["m", "ndcg@10"] == pytest.approx(0.2)

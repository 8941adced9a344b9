"""Ninety-eighth bad-input probe, an ``EvaluationResult`` built by hand (or from an edited
per-user CSV). True/false per-user values were averaged as 1 and 0 without a word (the
project refuses a boolean wherever a number belongs); a column named by a number (a frame
built without column names) was refused at every ``summary()`` as "has no per-user metric
5; it has: 5"; a row whose user id is missing (NaN) was counted as one more user. Each is
now refused naming the column or the row."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from recstack.errors import RecstackError
from recstack.evaluation.results import EvaluationResult

USERS = pd.Index([1, 2, 3], name="user_id")


def test_true_false_values_are_refused_naming_the_metric():
    result = EvaluationResult("m", pd.DataFrame({"hit_rate@10": [True, False, True]},
                                                index=USERS))
    with pytest.raises(RecstackError, match=r"^m: per-user 'hit_rate@10' holds true/false "
                                            r"values; expected numbers \(write hits as 1\.0 "
                                            r"and 0\.0"):
        result.summary()
    other = EvaluationResult("b", pd.DataFrame({"hit_rate@10": [1.0, 0.0, 1.0]}, index=USERS))
    with pytest.raises(RecstackError, match="holds true/false values"):
        result.compare(other, "hit_rate@10")


def test_hits_as_numbers_are_their_mean():
    result = EvaluationResult("m", pd.DataFrame({"hit_rate@10": [1.0, 0.0, 1.0]},
                                                index=USERS))
    assert result.summary()["hit_rate@10"].mean == pytest.approx(2 / 3)


@pytest.mark.parametrize("name", [5, 0.5, ("ndcg", 10)])
def test_a_column_not_named_by_text_is_refused_at_construction(name):
    frame = pd.DataFrame({name: [0.1, 0.2, 0.3]}, index=USERS)
    with pytest.raises(RecstackError, match=r"^m: per_user column .* is not a metric name; "
                                            r"name each per-user metric as text, e\.g\. "
                                            r"'ndcg@10'"):
        EvaluationResult("m", frame)


@pytest.mark.parametrize("index", [pd.Index([1.0, np.nan, 3.0]), pd.Index(["a", None, "c"])])
def test_a_row_without_a_user_id_is_refused_naming_the_row(index):
    frame = pd.DataFrame({"ndcg@10": [0.1, 0.2, 0.3]}, index=index)
    with pytest.raises(RecstackError, match=r"^m: per_user row 2 has no user id"):
        EvaluationResult("m", frame)

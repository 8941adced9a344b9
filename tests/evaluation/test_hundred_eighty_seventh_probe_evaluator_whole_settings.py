"""Hundred-eighty-seventh probe, the Evaluator's whole-number settings.

``Evaluator(batch_size=np.int64(3))`` kept the numpy value (and ``graded=np.True_`` numpy's
boolean, which went on into the result's ``meta``), while ``batch_size=Decimal("3")``,
``memory_budget_bytes=Decimal(...)`` and ``n_threads=Decimal("2")`` were refused, where
every whole-number hyperparameter of the models reads a whole exact number as the int it
names. Each is now stored as Python's int (or bool); a fraction is still refused, as
written. (``ks`` stays integers only: an earlier probe pinned that on purpose.) So is an
``EvaluationResult``'s ``users_without_relevant``, a count of users."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest

from recstack.data.interactions import Interactions
from recstack.data.splits import given_split
from recstack.errors import ConfigError
from recstack.evaluation.evaluator import Evaluator
from recstack.evaluation.results import EvaluationResult
from tests.evaluation.scorer import Scorer

#: what a numpy true given for a count is told (the boolean rule of every count)
BOOLEAN_HINT = r"True \(true and false are not numbers: write \w+ as a whole number in digits\)"
WHOLE = [np.int64(3), np.uint8(3), np.int32(3), Decimal("3"), Decimal("3.000"), Fraction(3)]


@pytest.mark.parametrize("name", ["batch_size", "memory_budget_bytes", "n_threads"])
@pytest.mark.parametrize("given", WHOLE, ids=repr)
def test_a_whole_number_of_any_type_is_stored_as_python_int(name, given):
    evaluator = Evaluator(**{name: given})
    stored = getattr(evaluator, name)
    assert type(stored) is int and stored == 3


@pytest.mark.parametrize("name", ["batch_size", "memory_budget_bytes"])
@pytest.mark.parametrize(("given", "written"), [
    (Decimal("2.5"), r"Decimal\('2.5'\)"), (Fraction(5, 2), r"Fraction\(5, 2\)"),
    (Decimal("NaN"), r"Decimal\('NaN'\)"), (Decimal("0"), r"Decimal\('0'\)"),
    (Decimal("-3"), r"Decimal\('-3'\)"), (np.bool_(True), BOOLEAN_HINT)])
def test_a_fraction_or_no_count_is_refused_as_written(name, given, written):
    with pytest.raises(ConfigError, match=rf"^{name} must be a positive integer, got {written}$"):
        Evaluator(**{name: given})


@pytest.mark.parametrize(("given", "written"), [
    (Decimal("2.5"), r"Decimal\('2.5'\)"), (np.bool_(True), BOOLEAN_HINT), (Decimal("0"),
                                                                      r"Decimal\('0'\)")])
def test_threads_that_are_no_count_are_refused_as_written(given, written):
    with pytest.raises(ConfigError, match=rf"^n_threads must be a whole number in \[1, \d+\] "
                                          rf"\(the one thread cap\), got {written}$"):
        Evaluator(n_threads=given)


def test_numpy_true_for_graded_is_python_true_in_the_result():
    # rows: u0 i0, u1 i0, u1 i1, u2 i2 train; u0 i2, u1 i2 test
    data = Interactions.from_arrays(["u0", "u1", "u1", "u2", "u0", "u1"],
                                    ["i0", "i0", "i1", "i2", "i2", "i2"],
                                    [1, 1, 1, 1, 2, 3])
    split = given_split(data, np.array([0, 0, 0, 0, 1, 1], bool))
    evaluator = Evaluator(metrics=("hit_rate",), ks=(1,), graded=np.True_)
    assert evaluator.graded is True
    scores = np.array([3.0, 2.0, 1.0], np.float32)
    result = evaluator.evaluate(Scorer(lambda users: np.tile(scores, (len(users), 1))),
                                split.train, split.test)
    assert result.meta["graded"] is True


def test_a_decimal_batch_size_scores_in_batches_of_that_size():
    # 3 users, 3 items: u0 trained on i0, u1 on i0 and i1, u2 on i2; u0 and u1 test i2.
    # Scores 3, 2, 1 for items 0, 1, 2: u0's list (i0 excluded) is i1, i2, u1's is i2.
    # hit_rate@1: u0 0, u1 1, mean 0.5; hit_rate@2: 1 and 1, mean 1.0 (worked by hand).
    data = Interactions.from_arrays(["u0", "u1", "u1", "u2", "u0", "u1"],
                                    ["i0", "i0", "i1", "i2", "i2", "i2"])
    split = given_split(data, np.array([0, 0, 0, 0, 1, 1], bool))
    calls: list[int] = []

    def make(users):
        calls.append(len(users))
        return np.tile(np.array([3.0, 2.0, 1.0], np.float32), (len(users), 1))

    result = Evaluator(metrics=("hit_rate",), ks=(1, 2), batch_size=Decimal("1")).evaluate(
        Scorer(make), split.train, split.test)
    assert calls == [1, 1]  # the two test users, one a batch
    assert result.means()["hit_rate@1"] == pytest.approx(0.5)
    assert result.means()["hit_rate@2"] == pytest.approx(1.0)


@pytest.mark.parametrize("given", WHOLE, ids=repr)
def test_a_results_count_of_users_is_stored_as_python_int(given):
    per_user = pd.DataFrame({"ndcg@10": [0.5, 0.25]}, index=pd.Index([1, 2], name="user_id"))
    result = EvaluationResult("m", per_user, users_without_relevant=given)
    assert type(result.users_without_relevant) is int and result.users_without_relevant == 3
    assert result.to_dict()["users_without_relevant"] == 3


@pytest.mark.parametrize(("given", "written"), [
    (Decimal("2.5"), r"Decimal\('2.5'\)"), (Fraction(-3), r"Fraction\(-3, 1\)"),
    (np.bool_(True), BOOLEAN_HINT),
    # told how to write it (the two_hundred_seventy_second probe)
    (3.0, r"3\.0 \(a whole number is written in digits alone, without a point or an "
          r"exponent: users_without_relevant = 3\)")])
def test_a_results_count_that_is_no_count_is_refused_as_written(given, written):
    per_user = pd.DataFrame({"ndcg@10": [0.5]}, index=pd.Index([1], name="user_id"))
    with pytest.raises(ConfigError, match=rf"^m: users_without_relevant must be a whole number "
                                          rf"of users >= 0, got {written}$"):
        EvaluationResult("m", per_user, users_without_relevant=given)

"""Malformed arguments to the evaluator, its results and diagnostics end in a RecstackError
naming what is wrong, never in a pandas/scipy error or NaN statistics."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from recstack.errors import ConfigError, RecstackError
from recstack.evaluation.diagnostics import diagnose
from recstack.evaluation.evaluator import Evaluator
from recstack.evaluation.results import EvaluationResult, MetricSummary, comparison_table


def result(name, values, index=(1, 2, 3, 4)):
    return EvaluationResult(name, pd.DataFrame({"ndcg@5": values}, index=list(index)))


BASE = result("base", [0.1, 0.2, 0.3, 0.4])


@pytest.mark.parametrize(("metrics", "message"), [
    ((["ndcg"],), r"unknown metric\(s\) \[\['ndcg'\]\]"),
    ((None,), r"unknown metric\(s\) \[None\]"),
    (("ndcg@10",), "'ndcg@10'.*cut-offs go in ks"),
])
def test_metric_names_that_are_not_names_are_refused(metrics, message):
    with pytest.raises(ConfigError, match=message):
        Evaluator(metrics=metrics)


@pytest.mark.parametrize(("other", "metric", "message"), [
    ("base", "ndcg@5", "compare needs another EvaluationResult, got str"),
    (BASE, ["ndcg@5"], r"no per-user metric \['ndcg@5'\]"),
    (result("dup", [0.1, 0.2, 0.3, 0.4], index=(1, 1, 2, 3)), "ndcg@5",
     "dup: user 1 has two rows"),
    (result("inf", [np.inf, 0.2, 0.3, 0.4]), "ndcg@5", "per-user 'ndcg@5' of user 1 is inf"),
    (result("word", ["x", 0.2, 0.3, 0.4]), "ndcg@5", "per-user 'ndcg@5' of user 1 is 'x'"),
])
def test_a_paired_comparison_names_what_it_cannot_use(other, metric, message):
    with pytest.raises(RecstackError, match=message):
        BASE.compare(other, metric)
    if isinstance(other, EvaluationResult) and isinstance(metric, str):
        with pytest.raises(RecstackError, match=message):
            other.compare(BASE, metric)


@pytest.mark.parametrize("confidence", [0, 1, 1.5, -0.1, float("nan"), "0.95", True])
def test_a_confidence_level_outside_zero_one_is_refused(confidence):
    with pytest.raises(RecstackError, match="confidence must be a level strictly between 0"):
        MetricSummary.from_values("m", np.array([1.0, 2.0, 3.0]), confidence)


def test_summary_values_may_be_a_list_but_not_words():
    assert MetricSummary.from_values("m", [1.0, 2.0, 3.0]).mean == 2.0
    with pytest.raises(RecstackError, match="values of m must be an array of numbers"):
        MetricSummary.from_values("m", ["a", "b"])


def test_comparison_table_and_diagnose_name_a_stranger():
    with pytest.raises(RecstackError, match="comparison_table needs EvaluationResults, got str"):
        comparison_table([BASE, "x"])
    with pytest.raises(RecstackError, match="result must be an EvaluationResult, got str"):
        diagnose("x")
    with pytest.raises(RecstackError, match="level_tolerance must be a finite number >= 0"):
        diagnose(BASE, BASE, level_tolerance="x")


def test_a_metric_named_twice_is_refused_before_any_scoring():
    with pytest.raises(ConfigError, match="metrics names ndcg more than once"):
        Evaluator(metrics=("ndcg", "recall", "ndcg"))


def test_item_features_of_another_catalog_are_named_not_blamed_on_the_lists():
    from tests.evaluation.test_evaluator import FixedScores, split_of

    train, test = split_of([(0, 0), (1, 1)], [(0, 5), (1, 6)], 2, 10)
    scores = np.random.default_rng(0).random((2, 10))
    for features in (np.ones((3, 2)), np.ones((12, 2))):
        evaluator = Evaluator(metrics=("diversity",), ks=(2,), item_features=features)
        with pytest.raises(ConfigError, match=f"item_features has {len(features)} rows but "
                                              "the catalog has 10 items"):
            evaluator.evaluate(FixedScores(scores), train, test)


def test_a_data_frame_in_place_of_interactions_is_named():
    from recstack.evaluation.pointwise import evaluate_ratings
    from tests.evaluation.test_evaluator import FixedScores, split_of

    train, test = split_of([(0, 0)], [(0, 5)], 1, 10)
    frame = pd.DataFrame({"user": [0], "item": [1]})
    model = FixedScores(np.zeros((1, 10)))
    for call, name in ((lambda: Evaluator().evaluate(model, frame, test), "train"),
                       (lambda: Evaluator().evaluate(model, train, frame), "test"),
                       (lambda: Evaluator().relevance(frame), "test"),
                       (lambda: evaluate_ratings(model, frame), "test")):
        with pytest.raises(RecstackError, match=f"{name} must be recstack Interactions .*got "
                                                "DataFrame"):
            call()


def test_a_result_built_from_something_else_than_a_frame_is_refused():
    with pytest.raises(RecstackError, match="m: per_user must be a pandas DataFrame .*got dict"):
        EvaluationResult("m", {"ndcg@5": [0.1, 0.2]})


def test_a_constant_difference_over_users_is_tested_without_warnings():
    import warnings

    shifted = result("shifted", [0.6, 0.7, 0.8, 0.9])
    plus = BASE.per_user["ndcg@5"] + 0.25  # every user gains the same
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        test = EvaluationResult("plus", plus.to_frame()).compare(BASE, "ndcg@5")
    assert test.t_p_value == 0.0 and test.mean_difference == pytest.approx(0.25)
    assert BASE.compare(shifted, "ndcg@5").t_p_value == 0.0

"""Hundred-twentieth probe, metric lists and comparison tables.

* ``evaluate_ratings(metrics="rmse")`` took a bare name while ``Evaluator(metrics="ndcg")``,
  ``ranking_metrics`` and the Spark evaluator refuse one: every evaluation entry point now
  reads a list of metric names by one rule (``check_metric_names``), a bare string refused
  with the list that was meant, a repeat refused.
* ``comparison_table`` of results holding other metric columns (other ``ks``, other
  ``metrics``) gave NaN cells without a word; it is refused, naming the columns and the ks.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from recstack.data.interactions import Interactions
from recstack.errors import ConfigError, RecstackError
from recstack.evaluation.evaluator import Evaluator
from recstack.evaluation.pointwise import evaluate_ratings
from recstack.evaluation.results import EvaluationResult, comparison_table


@pytest.fixture(scope="module")
def test_rows():
    return Interactions.from_arrays(np.array([0, 1]), np.array([0, 1]), np.array([3.0, 4.0]),
                                    rating_range=(1, 5))


class _Exact:
    name = "exact"

    def score(self, users, items):
        return np.array([3.0, 4.0])


@pytest.mark.parametrize("name", ["rmse", "mae"])
def test_a_bare_rating_metric_name_is_refused_as_the_evaluator_refuses_one(test_rows, name):
    with pytest.raises(ConfigError, match=rf"^metrics must be a non-empty list of names .*got "
                                          rf"'{name}'; write \['{name}'\]$"):
        evaluate_ratings(_Exact(), test_rows, metrics=name)
    with pytest.raises(ConfigError, match=r"^metrics must be a non-empty list of names .*got "
                                          r"'ndcg'; write \['ndcg'\]$"):
        Evaluator(metrics="ndcg")


@pytest.mark.parametrize("metrics", [b"rmse", 5])
def test_metrics_that_are_no_list_of_names_are_refused_by_one_rule(test_rows, metrics):
    with pytest.raises(ConfigError, match=r"^metrics must be a non-empty list of names"):
        evaluate_ratings(_Exact(), test_rows, metrics=metrics)


@pytest.mark.parametrize("metrics", [lambda: {"rmse"}, lambda: (m for m in ["rmse"])])
def test_a_set_or_generator_of_names_is_the_list_it_holds(test_rows, metrics):
    # as ranking_metrics and the Evaluator read them (two_hundred_seventy_second probe)
    assert evaluate_ratings(_Exact(), test_rows, metrics=metrics()) == {"rmse": 0.0}


def test_a_list_of_rating_metrics_still_gives_each_error(test_rows):
    # exact predictions: every error is 0 by its definition
    assert evaluate_ratings(_Exact(), test_rows, metrics=["rmse", "mae"]) == {
        "rmse": 0.0, "mae": 0.0}


def test_a_misspelt_rating_metric_gets_the_nearest_name(test_rows):
    with pytest.raises(ConfigError, match=r"unknown rating metric\(s\) \['rsme'\] \(did you "
                                          r"mean 'rmse'\?\)"):
        evaluate_ratings(_Exact(), test_rows, metrics=["rsme"])


def test_a_repeated_metric_is_refused_by_the_shared_check():
    with pytest.raises(ConfigError, match=r"^metrics names ndcg more than once; name each "
                                          r"metric once \(every one is computed at each "
                                          r"of ks\)$"):
        Evaluator(metrics=["ndcg", "recall", "ndcg"])


def _result(model: str, columns: dict[str, float], ks: list[int] | None = None
            ) -> EvaluationResult:
    frame = pd.DataFrame({c: [v, v] for c, v in columns.items()},
                         index=pd.Index([1, 2], name="user_id"))
    meta = {"ks": ks} if ks is not None else {}
    return EvaluationResult(model, frame, meta=meta)


def test_results_at_other_cut_offs_are_refused_naming_the_ks():
    at_10 = _result("ease", {"ndcg@10": 0.2}, ks=[10])
    at_20 = _result("als", {"ndcg@20": 0.3}, ks=[20])
    with pytest.raises(RecstackError, match=r"^comparison_table: ease has ndcg@10 but als has "
                                            r"not \(evaluated at ks \[10\] and \[20\]\), so "
                                            r"the table's cells for them would be empty"):
        comparison_table([at_10, at_20])


def test_results_of_other_metrics_are_refused_naming_a_missing_column():
    short = _result("ease", {"ndcg@10": 0.2})
    longer = _result("als", {"ndcg@10": 0.3, "recall@10": 0.5})
    with pytest.raises(RecstackError, match=r"^comparison_table: als has recall@10 but ease "
                                            r"has not, so"):
        comparison_table([short, longer])


def test_results_of_one_evaluator_still_make_a_full_table():
    table = comparison_table([_result("ease", {"ndcg@10": 0.2, "recall@10": 0.4}, ks=[10]),
                              _result("als", {"recall@10": 0.5, "ndcg@10": 0.3}, ks=[10])])
    assert not table.isna().any().any()
    assert table.loc["als", "ndcg@10"] == pytest.approx(0.3)

"""Ninth bad-input probe: ``EvaluationResult.summary()[name]`` for a name it does not hold.

The README shows ``result.summary()["ndcg@10"]``; a K not evaluated, a name without its K
or a catalog-level metric (kept in ``aggregate``) was a bare ``KeyError: 'ndcg@20'``."""
import pandas as pd
import pytest

from recstack.errors import RecstackError
from recstack.evaluation.results import EvaluationResult


def _result() -> EvaluationResult:
    per_user = pd.DataFrame({"ndcg@10": [0.0, 1.0], "recall@10": [0.5, 1.0]},
                            index=pd.Index(["a", "b"], name="user_id"))
    return EvaluationResult("most_popular", per_user, aggregate={"coverage@10": 0.25})


def test_a_k_not_evaluated_names_the_metrics_held():
    with pytest.raises(RecstackError, match=r"most_popular has no per-user metric 'ndcg@20' "
                                            r"in summary\(\); it has: ndcg@10, recall@10"):
        _result().summary()["ndcg@20"]
    with pytest.raises(KeyError):  # code catching KeyError keeps working
        _result().summary()["ndcg@20"]
    summary = _result().summary()  # still a dict that ordinary lookups read
    assert summary["ndcg@10"].mean == 0.5  # the mean of 0 and 1
    assert summary.get("ndcg@20") is None and list(summary) == ["ndcg@10", "recall@10"]


def test_a_name_without_its_k_points_to_the_names_with_k():
    with pytest.raises(RecstackError, match=r"the names carry their K: ndcg@10"):
        _result().summary()["ndcg"]


def test_a_catalog_level_metric_points_to_aggregate():
    with pytest.raises(RecstackError, match=r"'coverage@10' is a catalog-level metric.*"
                                            r"\.aggregate\['coverage@10'\]"):
        _result().summary()["coverage@10"]


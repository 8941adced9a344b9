"""Twenty-fourth bad-input probe, results built or edited by hand, and the names asked of
them:

- a ``per_user`` column named twice: every ``summary()`` was a TypeError from pandas ("arg
  must be a list, tuple, 1-d array, or Series");
- an ``aggregate`` value given as text reached ``means()`` as it was, an infinite one was
  written to JSON as ``Infinity`` (not JSON), and a key that is no text as ``"10"``;
- ``compare(other, "coverage@10")`` said only which per-user names the result holds, not
  that coverage is one number per model (``summary()`` said so), and a near miss
  (``NDCG@10``) got no spelling;
- ``diagnose`` of a result with a hand-made name such as ``ndcg@05``: a bare
  ``KeyError: 'ndcg@5'``."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest

from recstack.errors import RecstackError
from recstack.evaluation.diagnostics import diagnose
from recstack.evaluation.results import EvaluationResult

USERS = pd.Index([1, 2, 3, 4], name="user_id")


def _result(name: str, values, **kwargs) -> EvaluationResult:
    return EvaluationResult(name, pd.DataFrame({"ndcg@10": values}, index=USERS), **kwargs)


def test_a_column_named_twice_is_refused_naming_it():
    frame = pd.DataFrame([[0.1, 0.2], [0.3, 0.4]], columns=["ndcg@10", "ndcg@10"],
                         index=USERS[:2])
    with pytest.raises(RecstackError, match=r"m: per_user has more than one column named "
                                            r"'ndcg@10'; give each metric one column"):
        EvaluationResult("m", frame)


@pytest.mark.parametrize(("aggregate", "message"), [
    ({"coverage@10": "0.4"}, r"m: aggregate\['coverage@10'\] is '0.4'; expected a finite "
                             r"number"),
    ({"coverage@10": math.inf}, r"m: aggregate\['coverage@10'\] is inf; expected a finite"),
    ({"coverage@10": True}, r"aggregate\['coverage@10'\] is True"),
    ({10: 0.4}, r"m: aggregate key 10 is not a metric name; name each catalog-level metric "
                r"as text, e.g. 'coverage@10'"),
])
def test_a_malformed_aggregate_is_refused_naming_the_key(aggregate, message):
    with pytest.raises(RecstackError, match=message):
        _result("m", [0.1, 0.2, 0.3, 0.4], aggregate=aggregate)


def test_numpy_and_undefined_aggregate_values_are_kept():
    result = _result("m", [0.1, 0.2, 0.3, 0.4],
                     aggregate={"coverage@10": np.float32(0.5), "novelty@10": math.nan})
    payload = json.loads(result.to_json())
    assert payload["aggregate"] == {"coverage@10": 0.5, "novelty@10": None}


def test_comparing_a_catalog_level_metric_says_it_has_no_per_user_values():
    a = _result("a", [0.1, 0.5, 0.3, 0.9], aggregate={"coverage@10": 0.4})
    b = _result("b", [0.2, 0.4, 0.1, 0.5], aggregate={"coverage@10": 0.3})
    with pytest.raises(RecstackError, match=r"a has no per-user metric 'coverage@10'; it has: "
                                            r"ndcg@10\. 'coverage@10' is a catalog-level "
                                            r"metric, one number for the whole model, so "
                                            r"there is no per-user value to pair: read it "
                                            r"from \.aggregate\['coverage@10'\]"):
        a.compare(b, "coverage@10")


@pytest.mark.parametrize(("asked", "hint"), [
    ("NDCG@10", r"\(did you mean 'ndcg@10'\?\)"),
    ("ndcg", r"\(the names carry their K: ndcg@10\)"),
])
def test_a_near_miss_in_compare_gets_the_name_held(asked, hint):
    a, b = _result("a", [0.1, 0.5, 0.3, 0.9]), _result("b", [0.2, 0.4, 0.1, 0.5])
    with pytest.raises(RecstackError, match=rf"a has no per-user metric '{asked}'; it has: "
                                            rf"ndcg@10 {hint}"):
        a.compare(b, asked)


def test_a_paired_test_still_agrees_with_scipy():
    from scipy import stats

    a_values, b_values = [0.1, 0.5, 0.3, 0.9], [0.2, 0.4, 0.1, 0.5]
    test = _result("a", a_values).compare(_result("b", b_values), "ndcg@10")
    assert test.mean_difference == pytest.approx(0.15)
    assert test.t_p_value == pytest.approx(stats.ttest_rel(a_values, b_values).pvalue)


def test_diagnose_skips_a_cut_off_not_written_as_the_evaluator_writes_it():
    frame = pd.DataFrame({"ndcg@05": [0.9, 0.9, 0.9, 0.9], "ndcg@10": [0.1, 0.1, 0.1, 0.1]},
                         index=USERS)
    result = EvaluationResult("m", frame)
    assert diagnose(result, result) == []

"""diagnose on a result whose means are undefined (NaN: no users, or no value of a metric):
every comparison with NaN is false, so each check passed it by and diagnose returned no
finding, which reads as "nothing wrong"."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from recstack.errors import RecstackError
from recstack.evaluation.diagnostics import diagnose
from recstack.evaluation.results import EvaluationResult

COLUMNS = ["recall@10", "hit_rate@10", "ndcg@10", "map@10", "precision@10"]


def _result(model: str, rows: list[list[float]]) -> EvaluationResult:
    return EvaluationResult(model, pd.DataFrame(rows, columns=COLUMNS,
                                                index=range(1, len(rows) + 1), dtype=float))


def test_a_result_of_no_users_is_refused():
    with pytest.raises(RecstackError) as caught:
        diagnose(_result("als", []))
    assert str(caught.value).startswith(
        "diagnose: als's ndcg@10 is undefined (NaN: it holds no users)")


def test_a_metric_without_a_value_is_refused_naming_it():
    # precision@10 0.6 with recall@10 undefined: the ground-truth check found nothing
    rows = [[np.nan, 1.0, 0.5, 0.5, 0.6], [np.nan, 1.0, 0.5, 0.5, 0.6]]
    with pytest.raises(RecstackError, match=r"^diagnose: als's recall@10 is undefined \(NaN: "
                                            r"none of its 2 user\(s\) has a value of it\)"):
        diagnose(_result("als", rows))


def test_a_baseline_of_no_users_is_refused():
    with pytest.raises(RecstackError, match=r"^diagnose: popular's recall@10 is undefined "
                                            r"\(NaN: it holds no users\)"):
        diagnose(_result("als", [[0.5, 1.0, 0.1, 0.1, 0.1]]), _result("popular", []))


def test_a_baseline_is_read_only_for_the_ordering_check():
    # the baseline's precision is never compared: an undefined one is no reason to refuse
    model = [[0.5, 1.0, 0.2, 0.2, 0.1]]
    base = [[0.5, 1.0, 0.5, 0.5, np.nan]]
    found = diagnose(_result("als", model), _result("popular", base))
    # recall and hit rate level (0.5, 1 each), nDCG and MAP 0.2 against 0.5: 60% behind
    assert [d.kind for d in found] == ["ordering"]


def test_defined_means_are_checked_as_before():
    # precision 0.4 >= 0.3 with recall 0.02 <= 0.05: the ground-truth hint
    rows = [[0.02, 1.0, 0.5, 0.5, 0.4]]
    found = diagnose(_result("als", rows))
    assert [d.kind for d in found] == ["ground truth"]
    assert str(found[0]).startswith("[ground truth] precision@10 is 0.400 but recall@10 "
                                    "only 0.020")
    # a user whose value is missing is left out of the mean, as before: mean of 0.02 alone
    rows = [[0.02, 1.0, 0.5, 0.5, 0.4], [np.nan, 1.0, 0.5, 0.5, 0.4]]
    assert [d.kind for d in diagnose(_result("als", rows))] == ["ground truth"]

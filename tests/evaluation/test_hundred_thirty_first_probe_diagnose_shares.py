"""diagnose's bounds are shares from 0 to 1; one above 1 (a percentage: ``low_recall=5``
for 5%) made its check find a problem always (every recall is below 5) or never (no
precision reaches 30, no relative gap falls below -10), without a word."""

from __future__ import annotations

import pandas as pd
import pytest

from recstack.errors import RecstackError
from recstack.evaluation.diagnostics import diagnose
from recstack.evaluation.results import EvaluationResult


def _result(precision, recall, model="m"):
    return EvaluationResult(model, pd.DataFrame({"precision@10": [precision] * 2,
                                                 "recall@10": [recall] * 2}, index=[1, 2]), {})


@pytest.mark.parametrize(("name", "value", "share"), [
    ("low_recall", 5, "0.05 for 5%"), ("high_precision", 30, "0.3 for 30%"),
    ("behind_margin", 10, "0.1 for 10%"), ("level_tolerance", 1.5, "0.015 for 1.5%")])
def test_a_bound_above_one_is_refused_as_a_percentage(name, value, share):
    with pytest.raises(RecstackError, match=rf"^diagnose: {name} is .*, a share from 0 to 1, "
                                            rf"got {value}; write a percentage as a share, "
                                            rf"e.g. {share}$"):
        diagnose(_result(0.5, 0.5), **{name: value})


def test_the_bounds_at_one_and_below_still_work():
    # by the documented rule: precision >= high_precision and recall <= low_recall
    assert [d.kind for d in diagnose(_result(0.5, 0.5), low_recall=1)] == ["ground truth"]
    assert diagnose(_result(0.5, 0.5), low_recall=0.05) == []
    assert diagnose(_result(1.0, 0.01), high_precision=1) != []

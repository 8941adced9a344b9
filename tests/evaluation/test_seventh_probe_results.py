"""Seventh bad-input probe, comparison tables: rows are keyed by model name, and a result
whose name another result already had replaced that row without a word (two EASE runs of
different regularizations are both named "ease" unless ``evaluate`` is given a name)."""

from __future__ import annotations

import pandas as pd
import pytest

from recstack.errors import RecstackError
from recstack.evaluation.results import EvaluationResult, comparison_table


def _result(model: str, recall: float) -> EvaluationResult:
    return EvaluationResult(model, pd.DataFrame({"recall@10": [recall, recall]},
                                                index=pd.Index([1, 2], name="user_id")))


def test_two_results_of_one_name_are_refused_naming_it():
    with pytest.raises(RecstackError, match=r"'ease'.*evaluate\(\.\.\., name="):
        comparison_table([_result("ease", 0.1), _result("ease", 0.3), _result("als", 0.2)])


def test_distinct_names_give_one_row_each():
    table = comparison_table([_result("ease", 0.1), _result("ease_500", 0.3)])
    assert table.index.tolist() == ["ease", "ease_500"]
    assert table.loc["ease_500", "recall@10"] == pytest.approx(0.3)

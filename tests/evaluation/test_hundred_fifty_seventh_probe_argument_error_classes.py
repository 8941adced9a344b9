"""An argument mistake in the data layer or the evaluator is a ConfigError (a ValueError,
as the project's other user-mistake errors are), still caught by ``except RecstackError``:
as_path's refusals and a dozen others were plain RecstackErrors, which
``except ValueError`` let through."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from recstack.data.files import as_path, load_table, save_table
from recstack.data.interactions import Interactions, concat
from recstack.data.partitioned import read_partitioned, write_partitioned
from recstack.errors import ConfigError, RecstackError
from recstack.evaluation.diagnostics import diagnose
from recstack.evaluation.evaluator import check_one_split
from recstack.evaluation.results import EvaluationResult, MetricSummary, comparison_table


def _data() -> Interactions:
    return Interactions.from_frame(pd.DataFrame({
        "user_id": [1, 2], "item_id": [3, 4], "timestamp": [1.7e9, 1.7e9 + 5]}))


def _other() -> Interactions:
    return Interactions.from_frame(pd.DataFrame({"user_id": [7, 8], "item_id": [3, 4]}))


def _csv(tmp_path: Path) -> Path:
    path = tmp_path / "rows.csv"
    path.write_text("user_id,item_id\n1,2\n2,3\n")
    return path


CASES = {
    "as_path None": (lambda tmp: as_path(None), "path must be a path"),
    "as_path empty": (lambda tmp: as_path(""), "path is empty"),
    "as_path number": (lambda tmp: as_path(5), "got 5"),
    "as_path too long": (lambda tmp: as_path(str(tmp / ("x" * 5000))), "check the path"),
    "load_table number": (lambda tmp: load_table(5), "path must be a path"),
    "encoding": (lambda tmp: load_table(_csv(tmp), encoding="utf-99"), "unknown encoding"),
    "separator": (lambda tmp: load_table(_csv(tmp), separator=",,"), "separator must be"),
    "timestamp_unit": (lambda tmp: load_table(_csv(tmp), timestamp_unit="fortnight"),
                       "unknown timestamp_unit"),
    "user_col list": (lambda tmp: load_table(_csv(tmp), user_col=["a"]),
                      "user_col must be a column name"),
    "save_table extension": (lambda tmp: save_table(_data(), tmp / "out.xyz"),
                             "cannot tell which format"),
    "save_table exists": (lambda tmp: save_table(_data(), _csv(tmp)), "overwrite=True"),
    "read_partitioned root": (lambda tmp: read_partitioned(None), "root must be a path"),
    "partitioning": (lambda tmp: write_partitioned(_data(), tmp / "p", partitioning=("week",)),
                     "partitioning must be"),
    "index out of range": (lambda tmp: _data().users.to_external([5]), "index out of range"),
    "confidence": (lambda tmp: MetricSummary.from_values("m", np.ones(3), confidence=2),
                   "confidence must be"),
    "result label": (lambda tmp: EvaluationResult(model=3, per_user=pd.DataFrame(),
                                                  aggregate={}), "model must be"),
    "comparison_table empty": (lambda tmp: comparison_table([]), "at least one"),
    "diagnose result": (lambda tmp: diagnose(3), "must be an EvaluationResult"),
    "test of another split": (lambda tmp: check_one_split(_data(), test=_other()),
                              "must come from one split"),
    "concat of other vocabularies": (lambda tmp: concat([_data(), _other()]),
                                     "ids are not those of part 1"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_an_argument_mistake_is_a_config_error(tmp_path: Path, case: str) -> None:
    call, words = CASES[case]
    with pytest.raises(ConfigError, match=words) as refused:
        call(tmp_path)
    assert isinstance(refused.value, ValueError) and isinstance(refused.value, RecstackError)

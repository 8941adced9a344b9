"""Results built or edited by hand: a ``per_user`` indexed by two levels (a frame grouped by
user and fold) failed inside pandas with ``NotImplementedError: isna is not defined for
MultiIndex``; ``to_json`` of a result whose ``meta`` held a set failed inside json's encoder
with a bare TypeError, and one holding an infinite number wrote ``Infinity``, which no JSON
reader takes. Each is now refused naming the result and the place; a NaN in ``meta`` is
written null, as an undefined metric is."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from recstack.errors import RecstackError
from recstack.evaluation.results import EvaluationResult

PER_USER = pd.DataFrame({"ndcg@10": [0.1, 0.3]}, index=pd.Index([1, 2], name="user_id"))


def test_a_per_user_of_two_index_levels_is_refused():
    frame = pd.DataFrame({"ndcg@10": [0.1, 0.3]},
                         index=pd.MultiIndex.from_tuples([(1, 0), (1, 1)],
                                                         names=["user_id", "fold"]))
    with pytest.raises(RecstackError, match=r"^ease: per_user is indexed by 2 levels "
                                            r"\['user_id', 'fold'\]; each row is one user"):
        EvaluationResult("ease", frame)


@pytest.mark.parametrize(("meta", "where", "shown"), [
    ({"x": {1, 2}}, r"meta\['x'\]", r"\{1, 2\} \(set\)"),
    ({"threshold": float("inf")}, r"meta\['threshold'\]", r"inf \(float\)"),
    ({"ks": [10, -np.inf]}, r"meta\['ks'\]\[1\]", r"-inf \(float\)"),
    ({"by": {1: "a"}}, r"the key 1 of meta\['by'\]", r"1 \(int\)"),
    ({"when": pd.Timestamp("2024-01-01")}, r"meta\['when'\]", r".*\(Timestamp\)"),
])
def test_meta_that_json_cannot_hold_is_refused_naming_the_place(tmp_path, meta, where, shown):
    result = EvaluationResult("ease", PER_USER, meta=meta)
    with pytest.raises(RecstackError, match=rf"^ease.to_json: {where} is {shown}, which "
                                            r"JSON cannot hold"):
        result.to_json(tmp_path / "summary.json")
    assert list(tmp_path.iterdir()) == []


def test_a_nan_in_meta_is_written_null_and_the_text_is_strict_json():
    result = EvaluationResult("ease", PER_USER, meta={"x": float("nan"), "y": [np.float64(
        "nan"), 1]})
    text = result.to_json()

    def refuse(constant):
        raise AssertionError(f"not strict JSON: {constant}")

    payload = json.loads(text, parse_constant=refuse)
    assert payload["meta"] == {"x": None, "y": [None, 1]}

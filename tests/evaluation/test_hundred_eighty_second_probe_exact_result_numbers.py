"""An EvaluationResult reads exact numbers (``Decimal``, ``Fraction``) as the floats they
name, as every number of the metrics is read: ``aggregate={"coverage@10": Decimal("0.5")}``
was refused as "expected a finite number", and a per-user ``Fraction(1, 2)`` too, where a
per-user ``Decimal("0.5")`` was read."""

from __future__ import annotations

import json
import math
from decimal import Decimal
from fractions import Fraction

import pandas as pd
import pytest

from recstack.errors import ConfigError, RecstackError
from recstack.evaluation.results import EvaluationResult


def _per_user(values):
    return pd.DataFrame({"ndcg@10": values}, index=pd.Index([7, 8], name="user_id"))


@pytest.mark.parametrize("value", [Decimal("0.25"), Fraction(1, 4)])
def test_an_exact_aggregate_is_its_float(value):
    result = EvaluationResult("m", _per_user([0.5, 0.1]), aggregate={"coverage@10": value})
    assert result.aggregate == {"coverage@10": 0.25}
    assert type(result.aggregate["coverage@10"]) is float
    assert json.loads(result.to_json())["aggregate"] == {"coverage@10": 0.25}


def test_an_exact_nan_is_undefined_as_nan_is():
    result = EvaluationResult("m", _per_user([0.5, 0.1]),
                              aggregate={"novelty@10": Decimal("NaN")})
    assert math.isnan(result.aggregate["novelty@10"])
    assert json.loads(result.to_json())["aggregate"] == {"novelty@10": None}


@pytest.mark.parametrize(("value", "says"), [
    (Decimal("Infinity"), r"aggregate\['coverage@10'\] is Decimal\('Infinity'\); expected a "
                          r"finite number"),
    (Fraction(3, 2), r"aggregate\['coverage@10'\] is Fraction\(3, 2\), but coverage is a "
                     r"share between 0 and 1"),
])
def test_an_exact_aggregate_is_checked_and_shown_as_written(value, says):
    with pytest.raises(ConfigError, match=says):
        EvaluationResult("m", _per_user([0.5, 0.1]), aggregate={"coverage@10": value})


def test_the_callers_dict_is_left_as_it_was():
    given = {"coverage@10": Decimal("0.25")}
    EvaluationResult("m", _per_user([0.5, 0.1]), aggregate=given)
    assert given == {"coverage@10": Decimal("0.25")}


def test_exact_per_user_values_are_their_floats():
    result = EvaluationResult("m", _per_user([Fraction(1, 2), Decimal("0.1")]))
    summary = result.summary()["ndcg@10"]
    assert summary.mean == pytest.approx(0.3) and summary.n_users == 2
    other = EvaluationResult("o", _per_user([0.25, 0.1]))
    assert result.compare(other, "ndcg@10").mean_difference == pytest.approx(0.125)


def test_an_exact_per_user_share_beyond_one_is_refused_as_written():
    with pytest.raises(RecstackError, match=r"per-user 'ndcg@10' of user 7 is Fraction\(3, 2\), "
                                            r"but ndcg is a share between 0 and 1"):
        EvaluationResult("m", _per_user([Fraction(3, 2), 0.1])).summary()

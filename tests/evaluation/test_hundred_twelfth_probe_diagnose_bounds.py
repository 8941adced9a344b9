"""diagnose's bounds take exact numbers (Decimal, Fraction) as the floats they name, and
refuse a Decimal NaN or an integer past the float range by name (not with decimal's
InvalidOperation or an OverflowError)."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pandas as pd
import pytest

from recstack.errors import RecstackError
from recstack.evaluation.diagnostics import diagnose
from recstack.evaluation.results import EvaluationResult


def _result():
    # precision@10 0.5 and recall@10 0.01: a ground-truth problem at the default bounds
    return EvaluationResult("m", pd.DataFrame({"precision@10": [0.5, 0.5],
                                               "recall@10": [0.01, 0.01]}, index=[1, 2]), {})


@pytest.mark.parametrize(("high_precision", "low_recall", "found"), [
    (Decimal("0.3"), Decimal("0.05"), 1), (Fraction(3, 10), Fraction(1, 20), 1),
    (Decimal("0.6"), Decimal("0.05"), 0), (0.3, Decimal("0.005"), 0)])
def test_exact_bounds_are_read_as_their_floats(high_precision, low_recall, found):
    kinds = [d.kind for d in diagnose(_result(), high_precision=high_precision,
                                      low_recall=low_recall)]
    assert kinds.count("ground truth") == found


@pytest.mark.parametrize(("value", "shown"), [
    (Decimal("NaN"), "Decimal('NaN')"), (Decimal("sNaN"), "Decimal('sNaN')"),
    (Decimal("Infinity"), "Decimal('Infinity')"), (Decimal("-0.5"), "Decimal('-0.5')"),
    (10**400, "a 401-digit integer")])
def test_bounds_that_are_no_finite_number_are_refused_by_name(value, shown):
    with pytest.raises(RecstackError, match=r"diagnose: low_recall must be a finite number "
                                            r">= 0, got ") as info:
        diagnose(_result(), low_recall=value)
    assert str(info.value).endswith(shown)

"""Hundred-thirty-eighth probe, a whole cut-off given as an exact number.

``Evaluator(ks=[Decimal("10")])`` was refused saying ``Decimal('10')`` "is not a whole
number", which it is; the refusal now says what the float's says: write the whole
number. (The evaluator takes cut-offs as integers, as it refuses ``10.0``.)"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from recstack.errors import ConfigError
from recstack.evaluation.evaluator import Evaluator


@pytest.mark.parametrize(("k", "kind"), [(Decimal("10"), "Decimal"), (Fraction(10), "Fraction")])
def test_a_whole_exact_cut_off_is_told_the_integer(k, kind):
    with pytest.raises(ConfigError) as refused:
        Evaluator(ks=[5, k])
    assert str(refused.value).endswith(
        f"at position 1 is a {kind}: write the whole number 10)")


@pytest.mark.parametrize("k", [Decimal("2.5"), Fraction(5, 2), Decimal("NaN")])
def test_a_fractional_exact_cut_off_is_not_a_whole_number(k):
    with pytest.raises(ConfigError, match=r"at position 0 is not a whole number\)$"):
        Evaluator(ks=[k])

"""Variant shares each finite but summing beyond a float's range (``[1e308, 1e308]``)
failed in math.fsum with a bare OverflowError; now refused as shares that do not sum to 1."""

from __future__ import annotations

from decimal import Decimal

import pytest

from recstack.errors import ConfigError
from recstack.serving.variants import VariantAssigner, shares_problem


@pytest.mark.parametrize("shares", [[1e308, 1e308], [1.7e308, 0.5, 1.7e308],
                                    [Decimal("1e308"), Decimal("1e308")]])
def test_shares_summing_past_a_float_are_refused(shares):
    names = ["a", "b", "c"][:len(shares)]
    with pytest.raises(ConfigError) as raised:
        VariantAssigner(names, shares, "salt")
    listed = ", ".join(f"{float(s):.10g}" for s in shares)
    assert str(raised.value) == (f"variant shares must sum to 1, got [{listed}] (sum beyond "
                                 "a float's range); shares are fractions of the users (0.5, "
                                 "not 50)")


def test_the_shared_check_says_the_same():
    assert shares_problem([1e308, 1e308]) == (
        "variant shares must sum to 1, got [1e+308, 1e+308] (sum beyond a float's range); "
        "shares are fractions of the users (0.5, not 50)")
    assert shares_problem([0.25, 0.75]) is None

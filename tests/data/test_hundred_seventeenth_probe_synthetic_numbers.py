"""The synthetic generator's settings read numbers as the rest of the data layer does:
``Decimal`` and ``Fraction`` were refused ("noise must be a number, got Decimal('0.5')",
"n_users must be an integer, got Decimal('20')") although a whole float was taken; and a
count past the float range (``n_users=10**400``) was an OverflowError from the message
that meant to refuse it."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from recstack.data.synthetic import SyntheticConfig, generate
from recstack.errors import ConfigError

SMALL = {"n_users": 20, "n_items": 15, "n_interactions": 100, "n_genres": 3,
         "min_user_interactions": 2}


@pytest.mark.parametrize(("setting", "value", "read"), [
    ("noise", Decimal("0.5"), 0.5), ("noise", Fraction(1, 2), 0.5),
    ("drift", Decimal("0.25"), 0.25), ("n_users", Decimal(20), 20),
    ("n_users", Fraction(40, 2), 20), ("seed", Decimal(3), 3)])
def test_exact_numbers_are_read(setting, value, read):
    config = SyntheticConfig(**{**SMALL, setting: value})
    assert getattr(config, setting) == read
    assert type(getattr(config, setting)) is type(read)


def test_generate_takes_them_and_gives_what_the_plain_number_gives():
    assert generate(**SMALL, noise=Decimal("0.5")).to_frame().equals(
        generate(**SMALL, noise=0.5).to_frame())


@pytest.mark.parametrize(("setting", "value", "says"), [
    ("n_users", Decimal("20.5"), r"n_users must be a whole number, got Decimal\('20\.5'\)"),
    ("n_users", Fraction(41, 2), r"n_users must be a whole number"),
    ("noise", Decimal("NaN"), r"noise must be a finite number"),
    ("noise", Decimal("sNaN"), r"noise must be a finite number"),
    ("noise", "0.5", r"noise must be a number, got '0\.5'"),
    ("n_users", True, r"n_users must be an integer, got True"),
    ("n_users", 10**400, r"n_users must be at most 2,147,483,647 .*got a 401-digit number"),
    ("n_users", Decimal("1e400"), r"n_users must be at most .*got a 401-digit number"),
    ("n_factors", 10**500, r"n_factors must be at most 1,024, got a 501-digit number"),
])
def test_what_is_no_such_number_is_refused_naming_the_setting(setting, value, says):
    with pytest.raises(ConfigError, match=says):
        SyntheticConfig(**{**SMALL, setting: value})

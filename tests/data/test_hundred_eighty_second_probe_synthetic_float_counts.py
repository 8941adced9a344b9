"""The synthetic generator's counts follow the models' rule: a float is refused
(``factors=64.0`` is, by every model), an integer or a whole exact number is read. It took
``n_users=2.0`` and ``n_interactions=6e3`` alone."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest

from recstack.data.synthetic import INTEGER_SETTINGS, SyntheticConfig, generate
from recstack.errors import ConfigError

SMALL = {"n_users": 20, "n_items": 16, "n_interactions": 100, "n_genres": 3,
         "n_factors": 4, "min_user_interactions": 2, "months": 6}
COUNTS = [name for name in INTEGER_SETTINGS if name != "seed"]


def test_every_count_is_covered():
    assert sorted(COUNTS) == sorted(SMALL)


@pytest.mark.parametrize("name", COUNTS)
@pytest.mark.parametrize("kind", [float, np.float64, np.float32])
def test_a_whole_float_for_any_count_is_refused_with_the_digits(name, kind):
    value = kind(SMALL[name])
    with pytest.raises(ConfigError) as caught:
        SyntheticConfig(**{**SMALL, name: value})
    assert str(caught.value) == (
        f"{name} must be an integer, got {float(SMALL[name])!r} (a whole number is written "
        f"in digits alone, without a point or an exponent: {name}={SMALL[name]})")


@pytest.mark.parametrize("value", [2.5, float("nan"), float("inf"), np.float64(-3.0)])
def test_other_floats_are_refused_too(value):
    with pytest.raises(ConfigError, match=r"^n_users must be an integer, got "):
        generate(**{**SMALL, "n_users": value})


@pytest.mark.parametrize("value", [20, np.int64(20), np.uint8(20), Decimal("20"),
                                   Decimal("20.000"), Fraction(40, 2)])
def test_integers_and_whole_exact_numbers_are_read(value):
    config = SyntheticConfig(**{**SMALL, "n_users": value})
    assert config.n_users == 20 and type(config.n_users) is int


def test_the_seed_keeps_the_one_seed_rule_and_float_settings_take_integers():
    config = SyntheticConfig(**SMALL, seed=3.0, noise=1, drift=0)
    assert (config.seed, config.noise, config.drift) == (3, 1.0, 0.0)
    assert type(config.noise) is float

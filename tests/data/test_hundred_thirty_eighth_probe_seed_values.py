"""Hundred-thirty-eighth probe, one seed rule across the data layer.

The splits refused ``seed=3.0`` and ``Decimal(3)`` ("expected an integer") while
``SyntheticConfig`` took them, and ``seed=None`` was "expected an integer" without a word
of what a seed may be. A seed is now, in the splits and the generator alike, a whole
number in [0, 4294967295] of any numeric type, and a refusal says so."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.data.splits import (
    KFold,
    RandomSplit,
    UserSplit,
    kfold_split,
    random_split,
    user_split,
)
from recstack.data.synthetic import SyntheticConfig
from recstack.errors import ConfigError

#: the rule, as the README writes it
RULE = "a seed is a whole number in [0, 4294967295]"

USERS = np.repeat(np.arange(20), 5)
ITEMS = np.tile(np.arange(5), 20)
DATA = Interactions.from_arrays(USERS, ITEMS)

SPLITS = {
    "random": lambda seed: random_split(DATA, 0.2, seed=seed),
    "users": lambda seed: user_split(DATA, 0.2, seed=seed),
    "kfold": lambda seed: next(iter(kfold_split(DATA, 2, seed=seed))),
}


@pytest.mark.parametrize("method", sorted(SPLITS))
@pytest.mark.parametrize("seed", [3.0, Decimal(3), Fraction(3), np.float64(3.0)])
def test_a_whole_seed_of_any_type_is_the_integer(method, seed):
    split = SPLITS[method]
    # the same split as the integer seed gives, and the integer in the report
    assert split(seed).test.to_frame().equals(split(3).test.to_frame())
    assert split(seed).report.params["seed"] == 3
    assert type(split(seed).report.params["seed"]) is int


@pytest.mark.parametrize("spec", [RandomSplit, UserSplit, KFold])
def test_the_split_specs_take_a_whole_seed_as_the_synthetic_config_does(spec):
    assert spec(seed=Decimal(3)).seed == 3
    assert SyntheticConfig(seed=Decimal(3)).seed == 3


@pytest.mark.parametrize("method", sorted(SPLITS))
def test_none_is_refused_saying_what_a_seed_is(method):
    with pytest.raises(ConfigError) as refused:
        SPLITS[method](None)
    message = str(refused.value)
    assert message.startswith(f"{method}: seed = None: expected a whole number; {RULE}")
    assert "e.g. seed=0" in message


@pytest.mark.parametrize("seed", [None, "3", True, 3.5, float("nan")])
def test_splits_and_generator_refuse_the_same_seeds_with_the_rule(seed):
    for refuse in (lambda: random_split(DATA, 0.2, seed=seed),
                   lambda: SyntheticConfig(seed=seed)):
        with pytest.raises(ConfigError, match="seed") as refused:
            refuse()
        assert RULE in str(refused.value)


def test_a_seed_out_of_range_in_a_split_states_the_rule():
    with pytest.raises(ConfigError) as refused:
        random_split(DATA, 0.2, seed=-1)
    assert str(refused.value).startswith(
        f"random: seed = -1: must be in [0, 4294967295]; {RULE}")


def test_text_that_names_a_seed_is_told_the_number():
    with pytest.raises(ConfigError, match=r"give seed=3\)"):
        user_split(DATA, 0.2, seed="3")

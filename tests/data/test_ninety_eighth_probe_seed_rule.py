"""Ninety-eighth bad-input probe, the seed rule in the synthetic generator.

The README's seed rule is one range for every seed, [0, 4294967295] (32 bits: what numpy,
optuna, torch and every model accept), and the splits, the command line and the models
refuse 2**32; ``generate(seed=2**32)`` and the source ``synthetic:seed=4294967296`` were
taken. They are now refused with the rule."""

from __future__ import annotations

import re

import pytest

from recstack.data.sources import load_source
from recstack.data.synthetic import SyntheticConfig, generate
from recstack.errors import ConfigError

#: the rule as the README writes it
HIGHEST = 4294967295


@pytest.mark.parametrize("seed", [HIGHEST + 1, 2**40, 2**64])
def test_a_seed_past_32_bits_is_refused_with_the_rule(seed):
    with pytest.raises(ConfigError, match=re.escape(
            f"seed must be at most {HIGHEST}, got {seed}: a seed is a whole number in "
            f"[0, {HIGHEST}]")):
        SyntheticConfig(seed=seed)


def test_generate_refuses_it_before_any_work():
    with pytest.raises(ConfigError, match=r"seed must be at most 4294967295"):
        generate(n_users=5, n_items=5, n_interactions=10, n_genres=5,
                 min_user_interactions=1, seed=HIGHEST + 1)


def test_a_negative_seed_names_the_rule_too():
    with pytest.raises(ConfigError, match=re.escape(
            f"seed must be at least 0, got -1: a seed is a whole number in [0, {HIGHEST}]")):
        SyntheticConfig(seed=-1)


def test_the_source_spec_follows_the_rule():
    with pytest.raises(ConfigError, match=r"seed must be at most 4294967295"):
        load_source(f"synthetic:n_users=5,n_items=5,n_interactions=10,n_genres=5,"
                    f"min_user_interactions=1,seed={HIGHEST + 1}")


@pytest.mark.parametrize("seed", [0, HIGHEST])
def test_both_ends_of_the_range_are_taken(seed):
    data = generate(n_users=5, n_items=5, n_interactions=10, n_genres=5,
                    min_user_interactions=1, seed=seed)
    assert len(data) == 10

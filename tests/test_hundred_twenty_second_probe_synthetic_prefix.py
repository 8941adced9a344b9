"""Hundred-twenty-second probe: a synthetic spec without its ``synthetic:`` prefix was read
as no options at all (every setting silently at its default)."""

from __future__ import annotations

import pytest

from recstack.data.sources import parse_synthetic_spec
from recstack.errors import ConfigError


@pytest.mark.parametrize("spec", ["n_users=10", "n_users=10,n_items=5", " n_items=3"])
def test_options_without_the_prefix_are_refused_saying_how_to_write_them(spec):
    # it returned {}: n_users=10 gave the default number of users
    with pytest.raises(ConfigError, match=r"has no 'synthetic:' prefix; write "
                                          r"synthetic:n_"):
        parse_synthetic_spec(spec)


@pytest.mark.parametrize("spec", ["movielens", "", "synthetc"])
def test_text_that_is_no_spec_is_refused(spec):
    with pytest.raises(ConfigError, match=r"expected 'synthetic' or "
                                          r"'synthetic:name=value,...'"):
        parse_synthetic_spec(spec)


@pytest.mark.parametrize("spec", [5, None, b"synthetic:n_users=3"])
def test_a_spec_that_is_not_text_is_refused(spec):
    with pytest.raises(ConfigError, match=r"a synthetic spec must be text"):
        parse_synthetic_spec(spec)


def test_specs_with_the_prefix_still_parse():
    assert parse_synthetic_spec("synthetic") == {}
    assert parse_synthetic_spec("synthetic:") == {}
    assert parse_synthetic_spec("synthetic:n_users=3,start=2020-01-01") == {
        "n_users": 3, "start": "2020-01-01"}


def test_a_filter_named_without_options_still_takes_its_defaults():
    # the --filter parser shares the name=value reader; 'k_core' alone is the defaults
    from recstack.cli import _parse_filter

    assert _parse_filter("k_core") == _parse_filter("k_core:user_min=5,item_min=5")
    assert _parse_filter("k_core:user_min=2").user_min == 2

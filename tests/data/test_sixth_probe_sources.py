"""Sixth probe, options written in a source or filter text: only ASCII decimal numbers are
numbers (Python's int() read '1_0' as 10 and the Arabic-Indic digits as theirs)."""

import pytest

from recstack.data.filters import FILTERS
from recstack.data.sources import load_source, parse_spec_options, parse_synthetic_spec
from recstack.errors import ConfigError


@pytest.mark.parametrize("written", ["2_0", "\u0662\u0660", "\uff12\uff10"])
def test_a_synthetic_size_in_other_digits_is_named_not_read(written):
    with pytest.raises(ConfigError, match=rf"n_users must be an integer, got '{written}'"):
        load_source(f"synthetic:n_users={written},n_items=30,n_interactions=200")


def test_a_filter_option_in_other_digits_is_named_not_read():
    # --filter k_core:user_min=1_0 kept users with 10 rows or more
    with pytest.raises(ConfigError, match=r'user_min = "1_0": expected an integer'):
        # the options of --filter k_core:..., parsed as the command line parses them
        FILTERS.build("k_core", parse_spec_options("user_min=1_0", "k_core", "option"))


def test_ascii_numbers_are_still_numbers():
    # ASCII numbers stay numbers, dates stay text; '1_0' (read as 10 before) stays text
    assert parse_synthetic_spec("synthetic:a=20,b=-3,c=1.5,d=1e3,e=.5,f=2019-01-01,g=1_0") == {
        "a": 20, "b": -3, "c": 1.5, "d": 1000.0, "e": 0.5, "f": "2019-01-01", "g": "1_0"}

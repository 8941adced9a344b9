"""Sixth probe, the synthetic generator: a start read from the clock is refused (every run
gave another dataset), and a huge size is shown readably."""

import pytest

from recstack.data.sources import load_source
from recstack.data.synthetic import SyntheticConfig
from recstack.errors import ConfigError

SMALL = dict(n_users=20, n_items=30, n_interactions=200)


@pytest.mark.parametrize("start", ["now", "today"])
def test_a_start_that_pandas_reads_from_the_clock_is_refused(start):
    with pytest.raises(ConfigError, match=rf"start must be a fixed date such as '2019-01-01', "
                                          rf"not '{start}', which means the time of each run"):
        SyntheticConfig(**SMALL, start=start)


def test_the_source_text_refuses_it_too():
    with pytest.raises(ConfigError, match=r"not 'today', which means the time of each run"):
        load_source("synthetic:n_users=20,n_items=30,n_interactions=200,start=today")


def test_a_huge_size_is_shown_as_a_number_one_can_read():
    # the message held the 301 digits of int(1e300); a float is no count (refused as the
    # models refuse factors=64.0), and is shown as written
    with pytest.raises(ConfigError, match=r"^n_users must be an integer, got 1e\+300$"):
        SyntheticConfig(**{**SMALL, "n_users": 1e300})


@pytest.mark.parametrize("value", [10**400, -10**400])
def test_a_real_parameter_past_the_float_range_is_refused_by_name(value):
    # float(10**400) raised OverflowError: a traceback for a number TOML reads happily
    with pytest.raises(ConfigError, match=r"drift must be a finite number within the float "
                                          r"range \(about 1\.8e308\), got a 401-digit integer"):
        SyntheticConfig(**SMALL, drift=value)

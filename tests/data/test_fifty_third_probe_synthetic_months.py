"""A span of months that runs past the calendar (the year 9999) is refused naming months and
how many would fit; it blamed start ("start must be a date ... got '2019-01-01'") for a
start that is a perfectly good date."""

import pytest

from recstack.data.sources import load_source
from recstack.data.synthetic import SyntheticConfig
from recstack.errors import ConfigError

SMALL = dict(n_users=50, n_items=60, n_interactions=600)
# start + k months must land in December 9999 at the latest
MOST_FROM_2019_01 = (9999 * 12 + 12) - (2019 * 12 + 1)


def test_the_most_months_that_fit_are_accepted():
    config = SyntheticConfig(**SMALL, start="2019-01-01", months=MOST_FROM_2019_01)
    first, end = config.time_span()
    assert first < end


@pytest.mark.parametrize("months", [MOST_FROM_2019_01 + 1, 10**6, 10**12])
def test_more_months_are_refused_naming_months_and_the_most_that_fit(months):
    with pytest.raises(ConfigError) as error:
        SyntheticConfig(**SMALL, start="2019-01-01", months=months)
    message = str(error.value)
    assert message.startswith(f"months ({months:,})")
    assert f"at most {MOST_FROM_2019_01:,} months" in message
    assert "start must be" not in message


def test_the_source_text_says_it_too():
    with pytest.raises(ConfigError, match=r"^synthetic: months \(100,000\) .* at most "
                                          rf"{MOST_FROM_2019_01:,} months"):
        load_source("synthetic:months=100000")


def test_a_start_in_the_last_month_of_the_calendar_is_refused_naming_start():
    with pytest.raises(ConfigError, match=r"start '9999-12-01' leaves no whole month"):
        SyntheticConfig(**SMALL, start="9999-12-01", months=1)


@pytest.mark.parametrize("start", [2019, 20190101, 1546300800.0])
def test_a_number_for_start_is_refused_saying_how_to_write_the_date(start):
    with pytest.raises(ConfigError) as error:
        SyntheticConfig(**SMALL, start=start)
    assert "write year-month-day, e.g. synthetic:start=2019-01-01" in str(error.value)


def test_the_source_text_start_2019_says_how_to_write_it():
    with pytest.raises(ConfigError, match=r"^synthetic: start must be a date .* got 2019 "
                                          r"\(a number is not read as a date"):
        load_source("synthetic:start=2019")

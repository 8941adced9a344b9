"""Seventh probe, the synthetic generator's start: pandas read any date form and guessed
the order of day and month ('1/2/2019' was the 2nd of January, whoever meant the 1st of
February), so a start is an ISO-8601 date; '2019' and '2019-03' stay accepted."""

import pytest

from recstack.data.sources import load_source
from recstack.data.synthetic import SyntheticConfig
from recstack.errors import ConfigError

SMALL = dict(n_users=20, n_items=30, n_interactions=200, n_genres=3)
# 2019-02-01 00:00 UTC: 17928 days after 1970-01-01
_FEB_1_2019 = 17928 * 86400


@pytest.mark.parametrize("start", ["1/2/2019", "01.02.2019", "Feb 1 2019", "1 February 2019"])
def test_a_start_that_is_not_iso_8601_is_refused(start):
    with pytest.raises(ConfigError, match=r"start must be an ISO-8601 date such as "
                                          r"'2019-01-31' \(year-month-day\), got "):
        SyntheticConfig(**SMALL, start=start)


def test_the_source_text_refuses_it_too_and_iso_forms_are_read():
    with pytest.raises(ConfigError, match=r"ISO-8601"):
        load_source("synthetic:n_users=20,n_items=30,n_interactions=200,n_genres=3,"
                    "start=1/2/2019")
    for start in ("2019-02-01", "2019-02", " 2019-02-01T00:00:00+00:00"):
        assert SyntheticConfig(**SMALL, start=start).time_span()[0] == _FEB_1_2019

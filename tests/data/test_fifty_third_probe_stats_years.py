"""The time range of `describe` (and `recstack data info`) in ISO-8601 form for every
year the loaders accept (1 to 9999): years before 1000 keep their four digits."""

import pytest

from recstack.data.interactions import Interactions
from recstack.data.stats import describe

# Unix seconds of 0001-01-01 00:00:00 UTC: 1969 years of 365 days plus 477 leap days
# (492 years divisible by 4, less 19 centuries not divisible by 400, less year 0 excluded)
YEAR_ONE = -(1969 * 365 + 477) * 86400


@pytest.mark.parametrize(("seconds", "shown"), [
    (YEAR_ONE, "0001-01-01 00:00:00"),
    (YEAR_ONE + 86400 + 3661, "0001-01-02 01:01:01"),
    (0, "1970-01-01 00:00:00"),
])
def test_the_first_time_is_iso_8601_with_a_four_digit_year(seconds, shown):
    data = Interactions.from_arrays([1, 2], [1, 2], [1.0, 2.0], [seconds, 10**9])
    summary = describe(data)
    assert summary.first_time == shown
    assert summary.last_time == "2001-09-09 01:46:40"
    assert f"time range  {shown} .. 2001-09-09 01:46:40" in str(summary)

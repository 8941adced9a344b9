"""`recstack.errors.shown`: a value in a message as the user wrote it."""
import numpy as np
import pytest

from recstack.errors import shown


@pytest.mark.parametrize(("value", "expected"), [
    (np.float64(2.0), "2.0"),
    (np.int64(7), "7"),
    (np.str_("a"), "'a'"),
    ("a", "'a'"),
    (None, "None"),
    # numpy moments and durations as numpy prints them: item() is None for NaT and an int
    # at nanosecond resolution
    (np.datetime64("NaT"), "NaT"),
    (np.timedelta64("NaT"), "NaT"),
    (np.datetime64("2020-01-01"), "2020-01-01"),
    (np.datetime64(1, "ns"), "1970-01-01T00:00:00.000000001"),
    (np.timedelta64(5, "s"), "5 seconds"),
])
def test_a_value_is_shown_as_written(value, expected):
    assert shown(value) == expected


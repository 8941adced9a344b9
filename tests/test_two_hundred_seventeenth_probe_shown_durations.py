"""`recstack.errors.shown` on numpy durations and on containers of numpy scalars or of
integers too long to write: the values as a user wrote them, with units in agreement."""
import datetime

import numpy as np
import pytest

from recstack.errors import shown, shown_as_written


@pytest.mark.parametrize(("value", "expected"), [
    # numpy's own text is "1 seconds": the unit now agrees with the count
    (np.timedelta64(1, "s"), "1 second"),
    (np.timedelta64(-1, "D"), "-1 day"),
    (np.timedelta64(1, "h"), "1 hour"),
    (np.timedelta64(2, "s"), "2 seconds"),
    (np.timedelta64(0, "ms"), "0 milliseconds"),
    # a unit with a step counts its base unit: 1 step of 10 s is 10 seconds
    (np.timedelta64(1, "10s"), "10 seconds"),
    (np.timedelta64(1_000_000, "us"), "1,000,000 microseconds"),
    (np.timedelta64(1), "1 generic time unit"),
    (np.timedelta64("NaT", "s"), "NaT"),
])
def test_a_numpy_duration_is_written_in_agreement(value, expected):
    assert shown(value) == expected


@pytest.mark.parametrize(("value", "expected"), [
    ([np.int64(5), np.float64(0.5)], "[5, 0.5]"),
    ((np.int64(1),), "(1,)"),
    ({"k": np.float32(1.5)}, "{'k': 1.5}"),
    ([[np.int64(2)], "a"], "[[2], 'a']"),
    ([np.timedelta64(1, "h")], "[1 hour]"),
    ([np.True_], "[True]"),
    # an integer of 5,001 digits in a list: was a ValueError from repr
    ([10 ** 5000, 1], "[a 5,001-digit integer, 1]"),
    ({"n": -10 ** 5000}, "{'n': a 5,001-digit integer}"),
    # containers of plain values stay their repr
    ([1, "a", None], "[1, 'a', None]"),
])
def test_a_container_of_numpy_scalars_is_written_as_its_values(value, expected):
    assert shown(value) == expected


def test_a_settings_value_mixing_dates_and_numpy_scalars():
    assert shown_as_written([datetime.date(2020, 1, 2), np.int64(3)]) == "[2020-01-02, 3]"
    assert shown_as_written((np.int64(3),)) == "(3,)"

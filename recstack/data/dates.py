"""Why a time written as text names no moment: a day, month or hour the calendar does not
have (``2020-02-30``), which every reader of times would otherwise call only unreadable;
and the one rule for a time given as an argument (:func:`moment_seconds`,
:func:`to_unix_seconds`)."""

from __future__ import annotations

import calendar
import math
import numbers
import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Any

import numpy as np

from recstack.errors import ConfigError, shown

#: the date and time fields of ISO-8601 text (extended or basic form), read leniently so
#: that out-of-range fields are found: 2020-02-30, 2020-13-01, 2020-01-01T25:00
_ISO_FIELDS = re.compile(r"\s*([+-]?\d{4})-?(\d{2})-?(\d{2})"
                         r"(?:[T ](\d{2})(?::?(\d{2})(?::?(\d{2})([.,]\d+)?)?)?)?"
                         r"\s*(Z|[+-]\d{2}(:?\d{2})?)?\s*", re.ASCII)


def impossible_date(text: str, pattern: str | None = None) -> str | None:
    """Why ``text``, written as a date in ISO-8601 (``pattern`` None) or in the strptime
    ``pattern``, names no real moment ("February 2020 has 29 days"), or None where it is
    not such a date (then it is unreadable for another reason)."""
    if pattern is not None:
        try:
            datetime.strptime(text.strip(), pattern)
        except ValueError as error:
            # strptime's own words for a day past its month's end
            if "day is out of range for month" in str(error):
                return "that day does not exist in its month"
        return None
    match = _ISO_FIELDS.fullmatch(text)
    if match is None:
        return None
    year, month, day = (int(part) for part in match.group(1, 2, 3))
    if not 1 <= month <= 12:
        return f"there is no month {month} (months run from 01 to 12)"
    if year >= 1:
        last = calendar.monthrange(year, month)[1]
        if not 1 <= day <= last:
            return f"{calendar.month_name[month]} {year} has {last} days"
    for value, (name, highest) in zip(match.group(4, 5, 6),
                                      (("hour", 23), ("minute", 59), ("second", 59)),
                                      strict=True):
        if value is not None and int(value) > highest:
            return f"there is no {name} {int(value)} (it runs from 00 to {highest:02d})"
    offset = match.group(8)
    if offset not in (None, "Z") and (int(offset[1:3]) > 23 or (
            len(offset) > 3 and int(offset[-2:]) > 59)):
        return f"there is no UTC offset {offset} (offsets run from -23:59 to +23:59)"
    return None


def quoted_number(text: str) -> str | None:
    """Where ``text`` is a number written as text (a quoted ``"1600000000"`` in a TOML
    file), what it would say as Unix seconds unquoted ("drop the quotes: 1600000000"),
    else None: every time option reads text as a date, so the number was not read."""
    if not _NUMBER_TEXT.fullmatch(text):
        return None
    number = float(text)
    if number.is_integer():
        unquoted = text.strip().lstrip("+")
        how = "drop the quotes" if unquoted == str(int(number)) else \
            "write it as a whole number without quotes"
        return f"{text!r} is a number in quotes, which is text; {how}: {int(number)}"
    return (f"{text!r} is a number in quotes, which is text; give whole Unix seconds "
            f"without quotes, such as {math.floor(number)}")


#: a number written as text ("1600000000", "1.6e9")
_NUMBER_TEXT = re.compile(r"\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*", re.ASCII)


#: ISO-8601's reduced forms, a year or a year and month: their first moment
_YEAR_OR_MONTH = re.compile(r"[0-9]{4}(-[0-9]{2})?", re.ASCII)


def moment_seconds(moment: Any) -> int:
    """The one rule for a time given as an argument (``Interactions.between``, the
    ``time_window`` filter, ``temporal_split``'s cutoff, ``read_partitioned``'s bounds):
    Unix seconds as an integer (Python's or numpy's), ISO-8601 text (a date, a date-time,
    a year ``"2024"`` or a month ``"2024-03"``, their first moment), a ``date`` (its
    midnight), a ``datetime`` or pandas ``Timestamp``, or a ``numpy.datetime64``; naive
    times are UTC, and fractions of a second are floored, as the loaders floor times.
    Raises ValueError (text that names no time, NaT) or TypeError (anything else: a
    boolean, a float, None) for the caller to word."""
    if isinstance(moment, bool | np.bool_):
        raise TypeError("a boolean is no time")  # bool is an int: True was second 1
    if isinstance(moment, int | np.integer):
        return int(moment)
    if isinstance(moment, str):
        text = moment
        if _YEAR_OR_MONTH.fullmatch(text):
            text += "-01" * (3 - len(text.split("-")))
        parsed = datetime.fromisoformat(text)
    elif isinstance(moment, np.datetime64):
        if np.isnat(moment):
            raise ValueError("NaT")
        return int(moment.astype("datetime64[s]").astype(np.int64))  # floored
    elif isinstance(moment, datetime):  # pandas Timestamp too
        if moment != moment:  # pandas NaT is a datetime
            raise ValueError("NaT")
        parsed = moment
    elif isinstance(moment, date):
        parsed = datetime(moment.year, moment.month, moment.day)
    else:
        raise TypeError(f"{type(moment).__name__} is no time")
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return math.floor(parsed.timestamp())


#: every form a time given as an argument may take, as the refusals list them
TIME_FORMS = ("Unix seconds or an ISO date such as 2020-01-31 or 2020-01-31T12:00:00, or a "
              "date, datetime, pandas Timestamp or numpy.datetime64")


#: numpy's duration units in words, singular (a count other than 1 adds an "s")
def is_nat(moment: Any) -> bool:
    """Whether ``moment`` is numpy's or pandas' NaT ("not a time")."""
    if isinstance(moment, np.datetime64 | np.timedelta64):
        return bool(np.isnat(moment))
    # pandas' NaT is no datetime subclass, and equals nothing, itself included
    return type(moment).__name__ == "NaTType" or (isinstance(moment, datetime)
                                                  and moment != moment)


def held_scalar(value: Any) -> Any:
    """A 0-d numpy array (``np.array(0.2)``, what a numpy reduction or ``np.asarray`` of
    one number gives) as the numpy scalar it holds, anything else as given: the one rule
    of every split's share, count, fold number and seed, and of every time argument
    (:func:`to_unix_seconds`), as the models read their hyperparameters.
    ``random_split(data, np.array(0.2))`` was refused as "test_fraction = array(0.2):
    expected a number" while ``np.float64(0.2)`` was taken. An array of one element or
    more (``np.array([0.2])``) is still refused: it is not one number."""
    if isinstance(value, np.ndarray) and value.ndim == 0:
        return value[()]
    return value


def to_unix_seconds(moment: Any, what: str = "time") -> int | None:
    """Unix seconds of ``moment`` by :func:`moment_seconds`' rule (None stays None), or a
    ConfigError naming ``what``; a 0-d numpy array is the moment it holds
    (:func:`held_scalar`)."""
    moment = held_scalar(moment)
    if moment is None:
        return None
    if isinstance(moment, bool | np.bool_):
        raise ConfigError(f"{what}: expected {TIME_FORMS}, got the boolean {shown(moment)}")
    if is_nat(moment):
        # numpy's and pandas' NaT alike (pandas' was "cannot read 'NaT' as a time")
        raise ConfigError(f"{what} is NaT (no time); use {TIME_FORMS}")
    try:
        return moment_seconds(moment)
    except (ValueError, TypeError, OverflowError):
        pass
    impossible = impossible_date(moment) if isinstance(moment, str) else None
    # only text can be a number in quotes: a float bound is not one
    quoted = quoted_number(moment) if isinstance(moment, str) and not impossible else None
    if quoted:
        raise ConfigError(f"{what}: {quoted}") from None
    if isinstance(moment, np.timedelta64 | timedelta):
        # a duration is no moment ("cannot read 1 seconds as a time" said neither)
        raise ConfigError(f"{what}: {shown(moment)} is a duration, not a point in "
                          f"time; use {TIME_FORMS}") from None
    problem = (f"{shown(moment)} is not a real date: {impossible}" if impossible
               else f"cannot read {shown(moment)} as a time")
    if isinstance(moment, numbers.Real | Decimal) and not isinstance(moment, numbers.Integral):
        # a whole float (40.0, 1.5e9) was told that "Unix seconds are a whole number",
        # which it is; Decimal and Fraction seconds were told nothing
        kind = "a float" if isinstance(moment, float | np.floating) else \
            f"a {type(moment).__name__}"
        whole = _whole_seconds(moment)
        if whole is None:
            problem += f" ({kind}: Unix seconds are a whole number)"
        elif abs(whole) >= 10**18:  # past any time: its digits would say nothing
            problem += f" ({kind}: Unix seconds are an integer)"
        else:
            problem += (f" ({kind}: Unix seconds are an integer; write {whole}"
                        f"{' without the decimal point' if kind == 'a float' else ''})")
    raise ConfigError(f"{what}: {problem}; use {TIME_FORMS}") from None


def _whole_seconds(number: Any) -> int | None:
    """``number`` (a real number that is not an int) as an int where it is finite and
    whole, else None."""
    try:
        whole = int(number)
        return whole if whole == number else None
    except (ArithmeticError, ValueError):  # NaN, infinity
        return None


def refuse_a_range_within_one_second(low: int | None, high: int | None, start: Any,
                                     end: Any, prefix: str = "") -> None:
    """Refuse bounds ``start`` < ``end`` that floor (by :func:`moment_seconds`) to one
    second ``low == high``: times are kept in whole seconds, so ``[start, end)`` became
    ``[s, s)``, which holds no row, although a row of that second may lie between the two
    bounds. ``between`` gave empty data without a word, and ``time_window`` said "start
    (…10.2) must come before end (…10.8)" of bounds in that order. The bounds are
    compared at their full resolution: one moment however written (``10`` and
    ``"1970-01-01T00:00:10"``) is left to each caller's own same-time rule, and bounds in
    the wrong order (``…10.8`` then ``…10.2``) are refused as such."""
    if low is None or high is None or low != high:
        return
    try:
        exact_start, exact_end = _exact_moment(start), _exact_moment(end)
    except (TypeError, ValueError, OverflowError):  # a bound a caller read its own way
        exact_start = exact_end = Fraction(low)
    if exact_start == exact_end:
        return
    if exact_start > exact_end:
        # judged by "start == end" as written, these were told to end at the next second
        raise ConfigError(
            f"{prefix}start={shown(start)} is after end={shown(end)}; the range is "
            "[start, end): give the earlier time as start")
    raise ConfigError(
        f"{prefix}start={shown(start)} and end={shown(end)} fall within one second, "
        f"{low}: times are kept in whole seconds (fractions floored, as the loaders floor "
        f"them), so the range [start, end) is [{low}, {high}), which holds no time; to keep "
        f"the rows of that second, end at the next one (end={low + 1})")


#: numpy's units finer than a second, as powers of ten of a second
_SUBSECOND_DIGITS = {"ms": 3, "us": 6, "ns": 9, "ps": 12, "fs": 15, "as": 18}


def _exact_moment(moment: Any) -> Fraction:
    """``moment``, one that :func:`moment_seconds` reads, as exact Unix seconds with
    their fraction (numpy's and pandas' nanoseconds included), where moment_seconds
    floors them: the order of two bounds within one second."""
    moment = held_scalar(moment)
    if isinstance(moment, np.datetime64):
        unit, count = np.datetime_data(moment.dtype)
        if unit in _SUBSECOND_DIGITS:
            return Fraction(int(moment.astype(np.int64)) * count,
                            10 ** _SUBSECOND_DIGITS[unit])
        return Fraction(moment_seconds(moment))
    if isinstance(moment, str):
        text = moment
        if _YEAR_OR_MONTH.fullmatch(text):
            return Fraction(moment_seconds(moment))
        moment = datetime.fromisoformat(text)
    if isinstance(moment, datetime):
        # a pandas Timestamp's nanoseconds lie below the microseconds of a datetime
        nanoseconds = int(getattr(moment, "nanosecond", 0))
        if hasattr(moment, "to_pydatetime"):
            moment = moment.to_pydatetime(warn=False)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        since = moment - datetime(1970, 1, 1, tzinfo=UTC)
        microseconds = (since.days * 86_400 + since.seconds) * 10**6 + since.microseconds
        return Fraction(microseconds * 1000 + nanoseconds, 10**9)
    return Fraction(moment_seconds(moment))  # a whole second: an int or a date

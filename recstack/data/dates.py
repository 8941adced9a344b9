"""Why a time written as text names no moment: a day, month or hour the calendar does not
have (``2020-02-30``), which every reader of times would otherwise call only unreadable."""

from __future__ import annotations

import calendar
import math
import re
from datetime import datetime

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

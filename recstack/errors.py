"""Errors meant for people: each says what was wrong, where, and what would be right.

The CLI prints these without a traceback and exits non-zero; anything else is a bug.
"""

from __future__ import annotations

import datetime
import numbers
import re
import sys
from collections.abc import Callable, Collection, Iterable, Sequence
from typing import Any

import numpy as np


class RecstackError(Exception):
    """Base class of every error caused by a user's input rather than by recstack itself."""


class DataFormatError(RecstackError, ValueError):
    """A file or table does not have the shape or content it should.

    Carries the place of the problem (file, line, column) so that tools can
    point at it, and renders as ``file:line: column 'c': message``.
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        line: int | None = None,
        column: str | None = None,
        expected: str | None = None,
    ) -> None:
        self.file = file
        self.line = line
        self.column = column
        self.expected = expected
        self.detail = message
        where = ""
        if file is not None:
            where = f"{file}:{line}: " if line is not None else f"{file}: "
        elif line is not None:
            where = f"line {line}: "
        col = f"column {column!r}: " if column is not None else ""
        tail = f" (expected {expected})" if expected else ""
        super().__init__(f"{where}{col}{message}{tail}")


class UnknownColumnError(RecstackError, KeyError):
    """A column named by the user does not exist; the message lists those that do."""

    def __init__(self, column: str, available: Iterable[str], *, role: str | None = None,
                 file: str | None = None) -> None:
        self.column = column
        self.available = list(available)
        role_text = f" for {role}" if role else ""
        where = f"{file}: " if file else ""
        listed = ", ".join(repr(c) for c in self.available)
        super().__init__(
            f"{where}no column {column!r}{role_text}; "
            + (f"the columns are: {listed}" if listed else "it has no columns at all")
        )

    def __str__(self) -> str:  # KeyError would quote the whole message
        return str(self.args[0])


class UnknownMetricError(RecstackError, KeyError):
    """A metric looked up in a result that does not hold it; the message lists those it
    does (a KeyError too, so ``except KeyError`` and ``dict.get`` habits keep working)."""

    def __str__(self) -> str:  # KeyError would quote the whole message
        return str(self.args[0])


class EmptyResultError(RecstackError, ValueError):
    """A filter or split left no rows; the message names the step that emptied the data."""


class ConfigError(RecstackError, ValueError):
    """An experiment file or a parameter has a value that cannot be used."""


class TrainingFailedError(RecstackError):
    """A fit ran to its end with a result that cannot be used: it diverged (values NaN or
    infinite), collapsed (every item scored alike) or learned nothing (every learned value
    0, or rounding noise). The settings are at fault, not the data's form, and the same
    settings on other data may train: a search (:func:`recstack.tuning.search`) counts such
    a trial as failed and goes on, where any other error ends it."""


def counted(count: int, noun: str, plural: str | None = None) -> str:
    """``count`` and ``noun`` in agreement, for messages and reports: ``1 row``, ``2 rows``,
    ``1,000 rows`` (``plural``: a noun whose plural is not ``noun + "s"``)."""
    return f"{count:,} {noun if count == 1 else plural or noun + 's'}"


def shown(value: Any) -> str:
    """A value as the user wrote it, for messages: ``2.0``, not numpy's ``np.float64(2.0)``
    (numpy 2 writes its scalars' type into their repr). numpy moments and durations are
    written as numpy prints them (``NaT``, ``2020-01-01``), a duration's unit agreeing with
    its count (``1 second``, ``5 seconds``, ``1,000,000 microseconds``; numpy's own text is
    ``1 seconds``): their ``item()`` is None for NaT and a bare integer at nanosecond
    resolution. An integer too long for Python to write out (over 4,300 digits: its
    ``repr`` is itself a ValueError, which hid the message being written) is named by its
    digit count."""
    if isinstance(value, np.timedelta64):
        return _duration_in_words(value)
    if isinstance(value, np.datetime64):
        return str(value)
    if isinstance(value, int) and digit_count(value) > sys.get_int_max_str_digits() > 0:
        return f"a {digit_count(value):,}-digit integer"
    if type(value) in (list, tuple, dict) and _holds(value, _shown_otherwise):
        # a list of numpy scalars was numpy 2's repr of each ("[np.int64(5), np.float64(
        # 0.5)]", "[np.timedelta64(1,'h')]"), not the values as written; one holding an
        # integer too long to write was a ValueError in place of the message
        return _shown_container(value, shown)
    return repr(value.item() if isinstance(value, np.generic) else value)


def _shown_otherwise(item: Any) -> bool:
    """Whether :func:`shown` writes ``item`` otherwise than its ``repr``."""
    return isinstance(item, np.generic) or (
        isinstance(item, int) and digit_count(item) > sys.get_int_max_str_digits() > 0)


#: numpy's duration units in words (singular), for :func:`shown`
_DURATION_UNITS = {"Y": "year", "M": "month", "W": "week", "D": "day", "h": "hour",
                   "m": "minute", "s": "second", "ms": "millisecond", "us": "microsecond",
                   "ns": "nanosecond", "ps": "picosecond", "fs": "femtosecond",
                   "as": "attosecond", "generic": "generic time unit"}


def _duration_in_words(value: np.timedelta64) -> str:
    """A ``numpy.timedelta64`` as its count and unit in words, in agreement (``1 second``,
    ``-1 day``, ``2 hours``; ``m8[10s]`` counts seconds); ``NaT`` for NaT."""
    if np.isnat(value):
        return "NaT"
    unit, step = np.datetime_data(value.dtype)
    word = _DURATION_UNITS.get(unit)
    if word is None:  # a unit numpy may add later: its own text
        return str(value)
    count = int(value.astype(np.int64)) * step
    return f"{count:,} {word}{'' if abs(count) == 1 else 's'}"


def shown_as_written(value: Any) -> str:
    """:func:`shown` for a value read from a settings file (TOML, JSON): a date, time or
    moment of Python's ``datetime`` (a TOML file's ``1979-05-27``) is written as the file
    writes it, not ``datetime.date(1979, 5, 27)``, and so is one inside a list, tuple or
    dict (``[10, 1979-05-27]``). So are true and false, which both formats write in lower
    case (``ks = [5, true]`` was shown as Python's ``[5, True]``, a spelling the file
    refuses)."""
    if type(value) in (datetime.date, datetime.datetime, datetime.time):
        return value.isoformat()
    if type(value) is bool:
        return "true" if value else "false"
    if type(value) in (list, tuple, dict) and _holds(value, _is_written_otherwise):
        return _shown_container(value, shown_as_written)
    return shown(value)


#: the most values of a list, tuple or dict looked through for a date (beyond, its repr)
_CONTAINER_MOST = 1_000


def _is_moment(item: Any) -> bool:
    return type(item) in (datetime.date, datetime.datetime, datetime.time)


def _is_written_otherwise(item: Any) -> bool:
    """Whether a settings file writes ``item`` otherwise than Python's repr does."""
    return _is_moment(item) or type(item) is bool


def _holds(value: Any, wanted: Callable[[Any], bool], depth: int = 0) -> bool:
    """Whether a (small) list, tuple or dict holds an item ``wanted`` picks (nested up to
    three levels)."""
    if depth > 3 or len(value) > _CONTAINER_MOST:
        return False
    items = [*value.keys(), *value.values()] if isinstance(value, dict) else value
    return any(wanted(item) or (type(item) in (list, tuple, dict)
                                and _holds(item, wanted, depth + 1))
               for item in items)


def _shown_container(value: Any, each: Callable[[Any], str]) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{each(k)}: {each(v)}" for k, v in value.items()) + "}"
    inner = ", ".join(each(item) for item in value)
    if isinstance(value, tuple):
        return f"({inner},)" if len(value) == 1 else f"({inner})"
    return f"[{inner}]"


def shown_number(value: Any) -> str:
    """A number as the user wrote it, an integer of more than 20 digits shortened to ``a
    401-digit integer`` (for messages about sizes and counts, where the digits themselves
    tell the reader nothing)."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, numbers.Integral) and digit_count(int(value)) > 20:
        return f"a {digit_count(int(value)):,}-digit integer"
    return f"{value!r:.40}"


def digit_count(value: int) -> int:
    """How many decimal digits ``abs(value)`` has, without writing it out (Python refuses
    to write integers of more than 4,300 digits as text)."""
    magnitude = abs(value)
    if magnitude < 10:
        return 1
    # log10(2) times the bit length is within one of the answer; correct it by comparison
    digits = int((magnitude.bit_length() - 1) * 0.30102999566398120) + 1
    while magnitude >= 10 ** digits:
        digits += 1
    while digits > 1 and magnitude < 10 ** (digits - 1):
        digits -= 1
    return digits


# --------------------------------------------------------------- long values in messages
#: the longest value (a run of text without spaces) a message repeats whole; a longer
#: one is cut to its start and end with its full length stated
ECHO_MOST = 120
#: the longest path (a value holding '/') a message repeats whole: deep folders make
#: paths of a few hundred characters, and a path is cut only past any real one's length
_PATH_MOST = 1024
#: how much of a cut value's start and end a message keeps
_ECHO_HEAD, _ECHO_TAIL = 60, 20
#: a long value in a message, quoted or not (``key=`` before it kept whole)
_LONG_VALUE = re.compile(r"(?P<quote>['\"]?)(?P<value>[^\s'\"=]{" + str(ECHO_MOST + 1)
                         + r",})(?P=quote)")
#: a quoted value (a TOML string, a Python repr) that may hold spaces: its quote opens
#: after no letter, digit or quote and closes before no letter or digit (so that the
#: apostrophe of "model's" opens nothing), and it is read to its own closing quote (an
#: escaped one, \', kept inside)
_QUOTED_VALUE = re.compile(r"""(?<![\w'"])(?:'(?P<single>(?:[^'\\\n]|\\.)+)'"""
                           r"""|"(?P<double>(?:[^"\\\n]|\\.)+)")(?!\w)""")


def echoed(text: Any, most: int = ECHO_MOST) -> str:
    """``text`` as a message repeats it: whole up to ``most`` characters, else its start
    and end with its full length (``xxxx...xxxx (5,000 characters)``), so that a value
    of thousands of characters (a pasted TOML string, ``--timestamp`` of thousands of
    digits) does not fill the screen and bury the message."""
    text = str(text)
    if len(text) <= most:
        return text
    head, tail = min(_ECHO_HEAD, most // 2), min(_ECHO_TAIL, most // 4)
    return f"{text[:head]}...{text[-tail:]} ({_length(text)})"


def shown_given(value: Any) -> str:
    """A value a user gave, as a message repeats it: a number, flag or short text as
    written; a table of rows, an array or a long collection by its type and size (a
    DataFrame's repr, cut at 80 characters, was its first rows spread over lines)."""
    if hasattr(value, "columns") or (isinstance(getattr(value, "shape", None), tuple)
                                     and not isinstance(value, np.ndarray | np.generic)):
        # a table's repr is laid out on lines, never short; a Series' or Categorical's,
        # its lines joined, read as "0 auto dtype: str"; a sparse matrix's named its
        # stored elements; an Interactions' its rows: each is named by kind and shape
        return described_value(value)
    text = shown(value)
    if isinstance(value, str | bytes):
        return echoed(text)
    if len(text) <= ECHO_MOST:
        # a small array's repr breaks its rows over lines
        return " ".join(text.split()) if "\n" in text else text
    return described_value(value)


def shown_ids(ids: Sequence[Any]) -> str:
    """A few ids as a message lists them, each as :func:`shown_given` shows it: a list's
    repr wrote each id whole, and one id of thousands of characters (a document pasted as
    a user id) filled the screen."""
    return "[" + ", ".join(shown_given(external) for external in ids) + "]"


def described_value(value: Any) -> str:
    """``value`` in a few words, by its type and size: ``a DataFrame of 2,000 rows x 2
    columns``, ``an ndarray of shape (3, 4)``, ``a list of 7 items``, ``an Interactions``
    (for a value whose repr is its whole content, a message's echo would bury it)."""
    kind = type(value).__name__
    article = "an" if kind[:1].lower() in "aeiou" else "a"
    shape = getattr(value, "shape", None)
    if isinstance(shape, tuple) and len(shape) == 2 and hasattr(value, "columns"):
        return (f"{article} {kind} of {counted(int(shape[0]), 'row')} x "
                f"{counted(int(shape[1]), 'column')}")
    if isinstance(shape, tuple):
        return f"{article} {kind} of shape {tuple(int(n) for n in shape)}"
    if isinstance(value, Collection) and not isinstance(value, str | bytes):
        return f"{article} {kind} of {counted(len(value), 'item')}"
    return f"{article} {kind}"


def _length(value: str) -> str:
    """How long a cut value was: ``401 digits`` for a number written in digits alone,
    else ``5,000 characters``."""
    digits = value.lstrip("+-")
    if digits.isascii() and digits.isdigit() and len(value) - len(digits) <= 1:
        return f"{len(digits):,} digits"
    return f"{len(value):,} characters"


def cut_long_values(message: str) -> str:
    """``message`` with every value in it longer than :data:`ECHO_MOST` characters (a path,
    holding '/': longer than 1,024) cut as :func:`echoed` cuts it (its quotes kept): the
    one rule for every user value a message echoes, applied where messages leave recstack
    (the command line, and the public functions through :func:`arguments_named`). A value
    is a run of text without spaces, quoted or not, or a quoted one holding spaces (a TOML
    string such as ``name = "my long run ..."``, a Python repr): those were repeated whole,
    however long, since a space ended the run."""
    def cut_quoted(match: re.Match[str]) -> str:
        quote = "'" if match["single"] is not None else '"'
        value = match["single"] if match["single"] is not None else match["double"]
        if len(value) <= ECHO_MOST or not any(c.isspace() for c in value) or (
                "/" in value and len(value) <= _PATH_MOST):
            return match.group()  # short, a run cut below, or a path read whole
        return (f"{quote}{value[:_ECHO_HEAD]}...{value[-_ECHO_TAIL:]}{quote} "
                f"({_length(value)})")

    message = _QUOTED_VALUE.sub(cut_quoted, message)

    def cut(match: re.Match[str]) -> str:
        quote, value = match["quote"], match["value"]
        # the message's own punctuation after an unquoted value stays after the note
        after = "" if quote else value[len(value.rstrip(":;,.)")):]
        value = value[:len(value) - len(after)]
        if "/" in value and len(value) <= _PATH_MOST:
            return match.group()  # a path: the reader needs all of it to find the file
        return (f"{quote}{value[:_ECHO_HEAD]}...{value[-_ECHO_TAIL:]}{quote} "
                f"({_length(value)}){after}")

    return _LONG_VALUE.sub(cut, message)


def cut_values_of(error: BaseException) -> None:
    """``error``'s message with its long values cut (:func:`cut_long_values`), in place, so
    that its class and traceback stay as they were."""
    message = str(error)
    cut = cut_long_values(message)
    if cut != message and error.args and str(error.args[0]) == message:
        error.args = (cut, *error.args[1:])

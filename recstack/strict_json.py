"""JSON read by the standard's rules (RFC 8259), not Python's looser ones.

Python's reader keeps the last of a key written twice, so that a hand edit above an older
value (``{"version": 3, "version": 2}``) was silently undone, and it accepts the bare words
NaN and Infinity, which no other JSON reader does. JSON a user may edit or send (a saved
artifact's metadata, a file edited by hand, a request body) is read with these hooks, so that
each place says what is wrong in its own words but by one rule; what recstack writes and reads
back itself (a staging manifest, a cache, the service's own feature log, which may hold NaN)
is read as Python reads it.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import numpy as np

from recstack.errors import RecstackError


class RepeatedKeyError(ValueError):
    """A JSON object (a request body, a file edited by hand) names one key twice."""


def refuse_repeated_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """``object_pairs_hook`` of :func:`json.loads` that refuses a key given twice in one
    object (:class:`RepeatedKeyError`, a ``ValueError`` as JSON's own errors are)."""
    found: dict[str, Any] = {}
    for key, value in pairs:
        if key in found:
            raise RepeatedKeyError(f"the key {key[:64]!r} is given twice in one object; "
                                   "give it once")
        found[key] = value
    return found


def refuse_constant(word: str) -> Any:
    """``parse_constant`` of :func:`json.loads` that refuses NaN, Infinity and -Infinity."""
    raise ValueError(f"{word} is not a JSON number")


def refuse_endless_integer(text: str) -> int:
    """``parse_int`` of :func:`json.loads` that names an integer too long for Python to read
    (over 4,300 digits) by its length, in place of Python's advice to raise its limit."""
    digits = len(text.lstrip("-"))
    limit = sys.get_int_max_str_digits()
    if 0 < limit < digits:
        raise ValueError(f"a {digits:,}-digit integer is too long to be a number here "
                         f"(at most {limit:,} digits)")
    return int(text)


class LongInteger:
    """An integer of a JSON text (a request body, a settings file) too long for Python to
    read as a number (more than ``sys.get_int_max_str_digits()`` digits, 4,300 by default),
    as :func:`json_integer` reads it: every field refuses it, naming it by its length.
    Python's own refusal, a ValueError from inside the JSON reader, named no field (a 422
    "JSON decode error" of the whole body for a ``k`` of 5,001 digits)."""

    __slots__ = ("digits",)

    def __init__(self, digits: int) -> None:
        self.digits = digits

    def __repr__(self) -> str:  # as recstack.errors.shown names such an integer
        return f"a {self.digits:,}-digit integer"

    __str__ = __repr__

    def too_long(self) -> str:
        """Why the integer is refused, for a field's message."""
        return (f"{self} is too long to be read as a number (at most "
                f"{sys.get_int_max_str_digits():,} digits)")


def json_integer(text: str) -> int | LongInteger:
    """``parse_int`` of :func:`json.loads` where each field names its own refusal (a
    request body, the service's settings): ``int(text)``, or a :class:`LongInteger`
    marker where Python refuses to read that many digits. :func:`refuse_endless_integer`
    refuses at once where no field is there to name it."""
    digits = len(text.lstrip("-"))
    if 0 < sys.get_int_max_str_digits() < digits:
        return LongInteger(digits)
    return int(text)


def loads(text: str | bytes) -> Any:
    """:func:`json.loads` by these rules: a repeated key, a bare NaN or Infinity, or an
    integer of thousands of digits is a ``ValueError`` (:class:`RepeatedKeyError` for the
    first), as a syntax error is."""
    return json.loads(text, object_pairs_hook=refuse_repeated_keys,
                      parse_constant=refuse_constant, parse_int=refuse_endless_integer)


def plain_value(value: Any) -> Any:
    """``default`` of :func:`json.dumps` for what recstack writes: numpy scalars and arrays as
    the Python values they hold, paths as text; anything else is a ``TypeError`` naming it."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"{value!r:.80} cannot be written as JSON")


def empty_file_problem(path: Path, error: json.JSONDecodeError, rerun: str) -> str | None:
    """What to say of a JSON file that holds nothing (or white space only), with ``rerun``
    the step that writes it again; None for a file that holds something. Python's words
    ("Expecting value: line 1 column 1 (char 0)") read as if one character were wrong."""
    if error.doc.strip():
        return None
    return (f"{path}: is empty ({path.stat().st_size} bytes): a run cut short or a copy that "
            f"did not finish; {rerun}")


def read_json_text(path: Path, give: str, error: type[RecstackError]) -> str:
    """The text of the JSON file ``path`` (a saved calibrator, a ranker's metadata), a
    byte-order mark from an editor dropped; a file that cannot be read, is empty, or is not
    UTF-8 is refused naming what it is (an empty file was "not JSON (JSONDecodeError:
    Expecting value: line 1 column 1 (char 0))", one saved in Latin-1 Python's
    UnicodeDecodeError); ``give`` says what would be right."""
    try:
        with open(path, "rb") as handle:
            raw = handle.read()
    except OSError as problem:
        raise error(f"{path}: cannot read ({problem.strerror or problem})") from None
    if not raw.strip():
        held = "0 bytes" if not raw else f"only {len(raw):,} bytes of white space"
        raise error(f"{path}: is empty ({held}); {give}")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as problem:
        line = raw.count(b"\n", 0, problem.start) + 1
        raise error(f"{path}: not UTF-8 text (byte {problem.start:,}, line {line}, is "
                    f"{raw[problem.start:problem.start + 1]!r}); {give}") from None


def json_syntax_problem(problem: json.JSONDecodeError) -> str:
    """Where and what a JSON syntax error is, ``line 1, column 27: Expecting ','
    delimiter``, saying so when the text ends before the JSON does (at the error, or
    inside a string it opens): a file cut short, as an interrupted write leaves it."""
    ended = not problem.doc[problem.pos:].strip() \
        or problem.msg.startswith("Unterminated string")
    cut = "; the text ends before the JSON does: is the file cut short?" if ended else ""
    return f"line {problem.lineno}, column {problem.colno}: {problem.msg}{cut}"

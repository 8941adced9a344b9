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
from pathlib import Path
from typing import Any

import numpy as np


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


def loads(text: str | bytes) -> Any:
    """:func:`json.loads` by these rules: a repeated key or a bare NaN or Infinity is a
    ``ValueError`` (:class:`RepeatedKeyError` for the first), as a syntax error is."""
    return json.loads(text, object_pairs_hook=refuse_repeated_keys,
                      parse_constant=refuse_constant)


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

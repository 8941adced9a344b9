"""A/B variants: users assigned to arms by a stable hash of their id.

A user's bucket is :math:`b(u) = h(u) / 2^{64} \\in [0, 1)`, where :math:`h(u)` is the
first 8 bytes of ``sha256(salt + ":" + user_id)`` read as a big-endian unsigned integer,
as the float nearest it below 1 (the highest :math:`2^{10}` hashes, which round to 1.0,
are the largest float below 1: 1.0 was returned, outside the interval).
With shares :math:`s_1, \\dots, s_m` (summing to 1), the user goes to the first arm
:math:`j` with :math:`b(u) < \\sum_{i \\le j} s_i`, so each arm receives its share of a
uniform hash (the count of an arm with share :math:`s` among :math:`n` users is binomial,
mean :math:`ns`, standard deviation :math:`\\sqrt{n s (1 - s)}`).
The hash makes the assignment the same in every worker process and across restarts, and
independent of request order; changing the salt reshuffles everyone (a new experiment).

Changing the arms keeps a user's arm only as far as the arms' intervals of
:math:`[0, 1)` stay put: an arm appended at the end of the list by taking its share from
the arm before it (``[0.5, 0.5]`` to ``[0.5, 0.25, 0.25]``) keeps every other arm's
users, and the new arm gets the users of the end of the shrunk one; any other change
(shares moved between arms, the arms reordered, an arm inserted before others) moves
users between arms. For a new comparison, use a new salt.

:meth:`VariantAssigner.assign` reads the user id by the one id rule of the loaders and the
HTTP service (:func:`recstack.data.idmap.id_values`): text is trimmed, text spelling an
integer plainly is that integer's own text (``"-0"`` is ``"0"``), and ``7``, ``7.0``,
``"7"``, ``" 7"`` and ``b"7"`` are one user with one arm.
"""

from __future__ import annotations

import hashlib
import math
import numbers
import re
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import numpy as np

from recstack.errors import ConfigError, shown, shown_number
from recstack.specs import arguments_named

__all__ = ["VARIANT_NAME", "VARIANT_NAME_RULE", "VariantAssigner", "bucket", "case_twins",
           "shares_problem"]

_SCALE = float(2**64)
#: the largest float below 1: the highest bucket
_BELOW_ONE = math.nextafter(1.0, 0.0)

#: what a variant's name may be, in the serve settings and :class:`VariantAssigner` alike:
#: it is a label of the logs, the metrics and the online report
VARIANT_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,39}")
#: what :data:`VARIANT_NAME` takes, in words
VARIANT_NAME_RULE = "use 1 to 40 letters, digits, '.', '_' or '-'"


@arguments_named
def bucket(user_id: Any, salt: str) -> float:
    """The user's position in ``[0, 1)`` (see the module docstring), the id read as
    :meth:`VariantAssigner.assign` reads it (the one id rule), so that the position says
    the arm ``assign`` gives: ``bucket(7.0, s)``, ``bucket(" 7", s)`` and ``bucket(b"7",
    s)`` hashed the texts ``"7.0"``, ``" 7"`` and ``"b'7'"``, none of them the user 7 that
    ``assign`` places. The salt is checked as :class:`VariantAssigner` checks it (None was
    hashed as the text ``"None"``)."""
    _check_salt(salt)
    return _position(user_text(user_id), salt)


def _check_salt(salt: Any) -> None:
    """Refuse a salt that is not non-empty UTF-8 text (the serve settings' rule)."""
    if not isinstance(salt, str) or not salt:
        # the settings refuse an empty salt (variant_salt): from Python it was taken
        raise ConfigError(f"the variant salt must be text (not empty), got {shown(salt)} "
                          f"({type(salt).__name__})")
    _refuse_non_utf8(salt, "variant salt")


def _position(user_id: str, salt: str) -> float:
    """:func:`bucket` of a user id already read by :func:`user_text`."""
    try:
        key = f"{salt}:{user_id}".encode()
    except UnicodeEncodeError:  # was Python's own error, naming neither value
        for what, text in (("user id", user_id), ("variant salt", salt)):
            _refuse_non_utf8(text, what)
        raise
    digest = hashlib.sha256(key).digest()
    # h / 2**64 rounds to 1.0 for the highest 2**10 hashes: kept below 1, in [0, 1)
    return min(int.from_bytes(digest[:8], "big") / _SCALE, _BELOW_ONE)


class VariantAssigner:
    """Arms ``names`` (each by :data:`VARIANT_NAME`, as in the serve settings) with
    ``shares`` (positive, summing to 1); :meth:`assign` a user."""

    @arguments_named
    def __init__(self, names: Sequence[str], shares: Sequence[float], salt: str) -> None:
        if isinstance(names, str) or not isinstance(names, Sequence):
            raise ConfigError(f"variant names must be a list of names, got {names!r}")
        for name in names:
            if not isinstance(name, str) or not name.strip():
                raise ConfigError(f"each variant name must be non-empty text, got {name!r}")
            if not VARIANT_NAME.fullmatch(name):
                # the settings refused ' a', 'a b' or a name of 500 characters, and Python
                # took them: arms a log or the online report then read apart from the
                # settings' (' a' beside 'a', a label with a comma or a line break)
                raise ConfigError(f"variant name {shown(name)[:60]}: {VARIANT_NAME_RULE} "
                                  "(the serve settings' rule for a variant's name)")
        if problem := repeated_name_problem(names):
            raise ConfigError(problem)
        if twins := case_twins(names):
            raise ConfigError(f"variant names {twins[0]!r} and {twins[1]!r} differ only in "
                              "case: the logs and the online metrics would hold two arms that "
                              "read as one (a case-insensitive sort, query or file system); "
                              "name them apart")
        if isinstance(shares, str) or not isinstance(shares, Sequence | np.ndarray) \
                or (isinstance(shares, np.ndarray) and shares.ndim != 1):
            raise ConfigError(f"variant shares must be a flat list of numbers, one per "
                              f"variant, got {' '.join(shown(shares).split())[:80]}")
        shares_array = np.array([_share(share, shares) for share in shares], np.float64)
        _check_salt(salt)
        if len(names) != len(shares_array) or not len(names):
            raise ConfigError(f"variants: give one share per variant, at least one variant "
                              f"(got {len(names)} names and {len(shares_array)} shares)")
        if problem := shares_problem(list(shares_array)):
            raise ConfigError(problem)
        self.names = list(names)
        self.salt = salt
        self._edges = np.cumsum(shares_array)
        self._edges[-1] = 1.0  # rounding must never leave a bucket past the last edge

    @arguments_named
    def assign(self, user_id: Any) -> str:
        """The arm of ``user_id`` (read by the one id rule, see the module docstring)."""
        text = user_text(user_id)
        if len(self.names) == 1:
            return self.names[0]
        position = int(np.searchsorted(self._edges, _position(text, self.salt), side="right"))
        return self.names[min(position, len(self.names) - 1)]


def _refuse_non_utf8(text: Any, what: str) -> None:
    """Refuse text that UTF-8 cannot encode (a lone surrogate such as ``'\\ud800'``, left by
    ``errors='surrogateescape'`` or a broken JSON escape), naming it and where: hashing it
    (a user id, the salt) was Python's UnicodeEncodeError."""
    if not isinstance(text, str):
        return
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as error:
        raise ConfigError(f"{what} {shown(text)[:60]} holds a lone surrogate "
                          f"({text[error.start]!r}) at character {error.start + 1}, which is "
                          "not UTF-8 text (no log or file can hold it); decode the text "
                          "without errors='surrogateescape', in its true encoding") from None


def _share(share: Any, shares: Any) -> float:
    """One variant share as a float: any real number (numpy's, ``Decimal``, ``Fraction``)
    that is finite and above 0. ``Decimal("0.5")`` was refused as "not a finite number
    above 0", and a share too large for a float failed with Python's OverflowError."""
    listed = ", ".join(shown_number(s) for s in list(shares)[:10])
    if isinstance(share, bool | np.bool_) or not isinstance(share, numbers.Real | Decimal):
        raise ConfigError(f"each variant share must be a finite number above 0 (a fraction "
                          f"of the users), got {shown(share)[:40]} ({type(share).__name__}) "
                          f"in [{listed}]")
    try:
        value = float(share)
    except OverflowError:
        value = math.inf
    if not math.isfinite(value) or not value > 0:
        raise ConfigError(f"each variant share must be a finite number above 0 (a fraction "
                          f"of the users), got {shown_number(share)} in [{listed}]")
    return value


def shares_problem(shares: Sequence[float]) -> str | None:
    """Why variant ``shares`` (each a finite number above 0) are not fractions summing to
    1 (within 1e-9), or None: the one check of the settings and :class:`VariantAssigner`.
    The sum is written with enough digits to see how far off it is (``:g`` wrote 0.9999999
    as "got 1")."""
    try:
        total = math.fsum(shares)
    except OverflowError:
        # shares each finite whose sum is not (1e308 twice): fsum's OverflowError
        total = math.inf
    if abs(total - 1.0) <= 1e-9:
        return None
    listed = ", ".join(f"{s:.10g}" for s in shares[:10]) + (", ..." if len(shares) > 10
                                                             else "")
    if not math.isfinite(total):
        return (f"variant shares must sum to 1, got [{listed}] (sum beyond a float's range); "
                "shares are fractions of the users (0.5, not 50)")
    if abs(total - 100.0) < 1e-6:
        hint = "; shares are fractions (0.5, not 50)"
    else:
        gap = 1.0 - total
        hint = (f", {abs(gap):.3g} {'short of' if gap > 0 else 'over'} 1; make the shares "
                "add up to exactly 1")
    return f"variant shares must sum to 1, got [{listed}] (sum {total:.10g}){hint}"


def repeated_name_problem(names: Sequence[str]) -> str | None:
    """Why ``names`` cannot name the arms (a name given twice), naming the first repeated
    name and the entries that hold it (counted from 1, as the settings' ``[[variants]]``
    tables and ``--variant`` options are read); None when every name is its own. The
    settings listed every name ("got ['a', 'b', 'a']") and Python the repeated ones, neither
    saying where they were."""
    first_at: dict[str, int] = {}
    for position, name in enumerate(names, start=1):
        if name in first_at:
            more = sum(1 for other in names if other == name) - 2
            also = f" (and {more} more)" if more > 0 else ""
            return (f"variant names must be distinct: {shown(name)[:60]} names variants "
                    f"{first_at[name]} and {position}{also} of the list; name each arm once")
        first_at[name] = position
    return None


def case_twins(names: Sequence[str]) -> tuple[str, str] | None:
    """The first two of ``names`` that differ only in case (``A`` and ``a``), or None: the
    one test of variant names, for the settings and :class:`VariantAssigner`."""
    seen: dict[str, str] = {}
    for name in names:
        folded = name.casefold()
        if folded in seen and seen[folded] != name:
            return seen[folded], name
        seen.setdefault(folded, name)
    return None


_PLAIN_INTEGER = re.compile(r"-?(0|[1-9][0-9]*)")


def user_text(user_id: Any) -> str:
    """``user_id`` as the text its bucket hashes: an integer's own digits, or trimmed text
    (text spelling an integer plainly is that integer's digits). Missing values, booleans,
    fractions and other objects are refused by name."""
    from recstack.data.idmap import id_values

    if isinstance(user_id, list | tuple | np.ndarray) and np.ndim(user_id) != 0:
        # a list reached numpy's "only 0-dimensional arrays can be converted to Python
        # scalars" TypeError: assign takes one user
        raise ConfigError(f"user id: assign takes one user id, got "
                          f"{' '.join(shown(user_id).split())[:60]} "
                          f"({type(user_id).__name__}); assign each user in turn")
    value = id_values([user_id], "user id")[0]
    if isinstance(value, str):
        value = value.strip()
        if not value:
            raise ConfigError(f"user id {user_id!r} is empty (expected integer or text ids)")
        _refuse_non_utf8(value, "user id")
        if len(value) <= 20 and _PLAIN_INTEGER.fullmatch(value):
            return str(int(value))
        return value
    return str(int(value))

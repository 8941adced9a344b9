"""A/B variants: users assigned to arms by a stable hash of their id.

A user's bucket is :math:`b(u) = h(u) / 2^{64} \\in [0, 1)`, where :math:`h(u)` is the
first 8 bytes of ``sha256(salt + ":" + user_id)`` read as a big-endian unsigned integer.
With shares :math:`s_1, \\dots, s_m` (summing to 1), the user goes to the first arm
:math:`j` with :math:`b(u) < \\sum_{i \\le j} s_i`.
The hash makes the assignment the same in every worker process and across restarts, and
independent of request order; changing the salt reshuffles everyone (a new experiment).

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
from typing import Any

import numpy as np

from recstack.errors import ConfigError

__all__ = ["VariantAssigner", "bucket", "case_twins"]

_SCALE = float(2**64)


def bucket(user_id: str, salt: str) -> float:
    """The user's position in ``[0, 1)`` (see the module docstring)."""
    digest = hashlib.sha256(f"{salt}:{user_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / _SCALE


class VariantAssigner:
    """Arms ``names`` with ``shares`` (positive, summing to 1); :meth:`assign` a user."""

    def __init__(self, names: Sequence[str], shares: Sequence[float], salt: str) -> None:
        if isinstance(names, str) or not isinstance(names, Sequence):
            raise ConfigError(f"variant names must be a list of names, got {names!r}")
        for name in names:
            if not isinstance(name, str) or not name.strip():
                raise ConfigError(f"each variant name must be non-empty text, got {name!r}")
        repeated = sorted({name for name in names if list(names).count(name) > 1})
        if repeated:
            raise ConfigError(f"variant names must be distinct; repeated: {repeated}")
        if twins := case_twins(names):
            raise ConfigError(f"variant names {twins[0]!r} and {twins[1]!r} differ only in "
                              "case: the logs and the online metrics would hold two arms that "
                              "read as one (a case-insensitive sort, query or file system); "
                              "name them apart")
        if isinstance(shares, str) or not isinstance(shares, Sequence | np.ndarray):
            raise ConfigError(f"variant shares must be a list of numbers, got {shares!r}")
        for share in shares:
            if (isinstance(share, bool | np.bool_) or not isinstance(share, numbers.Real)
                    or not math.isfinite(share) or share <= 0):
                raise ConfigError(f"each variant share must be a finite number above 0 (a "
                                  f"fraction of the users), got {share!r} in {list(shares)}")
        if not isinstance(salt, str):
            raise ConfigError(f"the variant salt must be text, got {salt!r} "
                              f"({type(salt).__name__})")
        shares_array = np.asarray(shares, dtype=np.float64)
        if len(names) != len(shares_array) or not len(names):
            raise ConfigError(f"variants: give one share per variant, at least one variant "
                              f"(got {len(names)} names and {len(shares_array)} shares)")
        if abs(shares_array.sum() - 1.0) > 1e-9:
            percent = ("; shares are fractions (0.5, not 50)"
                       if abs(shares_array.sum() - 100.0) < 1e-6 else "")
            raise ConfigError(f"variant shares must sum to 1, got {list(shares)} (sum "
                              f"{shares_array.sum():g}){percent}")
        self.names = list(names)
        self.salt = salt
        self._edges = np.cumsum(shares_array)
        self._edges[-1] = 1.0  # rounding must never leave a bucket past the last edge

    def assign(self, user_id: Any) -> str:
        """The arm of ``user_id`` (read by the one id rule, see the module docstring)."""
        text = user_text(user_id)
        if len(self.names) == 1:
            return self.names[0]
        position = int(np.searchsorted(self._edges, bucket(text, self.salt), side="right"))
        return self.names[min(position, len(self.names) - 1)]


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

    value = id_values([user_id], "user id")[0]
    if isinstance(value, str):
        value = value.strip()
        if not value:
            raise ConfigError(f"user id {user_id!r} is empty (expected integer or text ids)")
        if len(value) <= 20 and _PLAIN_INTEGER.fullmatch(value):
            return str(int(value))
        return value
    return str(int(value))

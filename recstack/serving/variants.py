"""A/B variants: users assigned to arms by a stable hash of their id.

A user's bucket is :math:`b(u) = h(u) / 2^{64} \\in [0, 1)`, where :math:`h(u)` is the
first 8 bytes of ``sha256(salt + ":" + user_id)`` read as a big-endian unsigned integer.
With shares :math:`s_1, \\dots, s_m` (summing to 1), the user goes to the first arm
:math:`j` with :math:`b(u) < \\sum_{i \\le j} s_i`.
The hash makes the assignment the same in every worker process and across restarts, and
independent of request order; changing the salt reshuffles everyone (a new experiment).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np

from recstack.errors import ConfigError

__all__ = ["VariantAssigner", "bucket"]

_SCALE = float(2**64)


def bucket(user_id: str, salt: str) -> float:
    """The user's position in ``[0, 1)`` (see the module docstring)."""
    digest = hashlib.sha256(f"{salt}:{user_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / _SCALE


class VariantAssigner:
    """Arms ``names`` with ``shares`` (positive, summing to 1); :meth:`assign` a user."""

    def __init__(self, names: Sequence[str], shares: Sequence[float], salt: str) -> None:
        shares_array = np.asarray(shares, dtype=np.float64)
        if len(names) != len(shares_array) or not len(names):
            raise ConfigError("variants: give one share per variant, at least one variant")
        if (shares_array <= 0).any() or abs(shares_array.sum() - 1.0) > 1e-9:
            raise ConfigError(f"variant shares must be positive and sum to 1, got {list(shares)}")
        self.names = list(names)
        self.salt = salt
        self._edges = np.cumsum(shares_array)
        self._edges[-1] = 1.0  # rounding must never leave a bucket past the last edge

    def assign(self, user_id: str) -> str:
        if len(self.names) == 1:
            return self.names[0]
        position = int(np.searchsorted(self._edges, bucket(user_id, self.salt), side="right"))
        return self.names[min(position, len(self.names) - 1)]

"""What the serving functions' Python arguments may be: numpy's numbers are numbers.

``isinstance(value, int)`` is false for ``np.int64(10)`` and ``isinstance(value, float)``
for ``np.float32(0.5)``, so a count or a tolerance taken from an array (``len`` of one,
``arr.max()``) was refused as "must be a whole number, got np.int64(10)", a message that
contradicts itself. Booleans are no numbers here (``True`` is not 1 request).
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

__all__ = ["is_real", "is_whole"]


def is_whole(value: Any) -> bool:
    """Whether ``value`` is an integer: Python's or numpy's, never a boolean."""
    return isinstance(value, numbers.Integral) and not isinstance(value, bool | np.bool_)


def is_real(value: Any) -> bool:
    """Whether ``value`` is a real number (Python's or numpy's, ``Fraction``), never a
    boolean; NaN and the infinities are real numbers here (bounds refuse them)."""
    return isinstance(value, numbers.Real) and not isinstance(value, bool | np.bool_)

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

__all__ = ["as_whole", "is_real", "is_whole"]


def is_whole(value: Any) -> bool:
    """Whether ``value`` is an integer: Python's or numpy's, never a boolean."""
    return isinstance(value, numbers.Integral) and not isinstance(value, bool | np.bool_)


def is_real(value: Any) -> bool:
    """Whether ``value`` is a real number (Python's or numpy's, ``Fraction``), never a
    boolean; NaN and the infinities are real numbers here (bounds refuse them)."""
    return isinstance(value, numbers.Real) and not isinstance(value, bool | np.bool_)


def as_whole(value: Any) -> int | None:
    """``value`` as the int it names when it is a whole number: Python's or numpy's
    integer, or a whole exact number (``Decimal("10")``, ``Fraction(10)``: the one rule
    of every count in recstack, :func:`recstack.specs.whole_exact_as_int`); None for
    anything else (a boolean, a float, text, ``Decimal("2.5")``), for the caller to refuse
    as given."""
    from recstack.specs import whole_exact_as_int

    number = whole_exact_as_int(value)
    return int(number) if is_whole(number) else None

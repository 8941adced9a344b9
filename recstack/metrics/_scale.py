"""Spreads (standard deviations, variances) of numbers at any float64 magnitude.

A variance squares its deviations: beyond about 1e154 the squares pass float64 (``inf``),
and below about 1e-154 they fall under it (0, or subnormal numbers with few digits left),
so a sample of values such as 1e-300 and 2e-300 had a standard deviation of exactly 0 and a
test or interval on it claimed certainty. Such values are measured in units of their
largest magnitude, where nothing overflows or underflows, and the result is scaled back.
"""

from __future__ import annotations

import numpy as np

#: magnitudes from which values are measured in units of the largest: their squares, and
#: sums of many squares, stay well inside float64 between these
SMALLEST_SQUARABLE = 1e-100
LARGEST_SQUARABLE = 1e100


def working_unit(*samples: np.ndarray) -> float:
    """The unit the samples' spread is computed in: their largest finite magnitude when it
    lies outside [1e-100, 1e100] (squares would overflow or underflow), else 1 (values
    left as they are, so ordinary data keep their exact results)."""
    largest = 0.0
    for sample in samples:
        values = np.abs(np.asarray(sample, dtype=np.float64))
        values = values[np.isfinite(values)]
        if values.size:
            largest = max(largest, float(values.max()))
    if largest > LARGEST_SQUARABLE or 0.0 < largest < SMALLEST_SQUARABLE:
        return largest
    return 1.0



#: a row whose largest magnitude reaches 2**this is divided by a power of two before it is
#: summed: sums of up to 2**63 of its values then stay below float64's largest, 2**1024
SUMMABLE_EXPONENT = 960


def row_shifts(largest: np.ndarray) -> np.ndarray:
    """Per row, the power of two by which its values are divided before they are summed
    (``np.ldexp(values, -shift)``), given each row's largest magnitude ``largest``.

    Finite values of 1e308 summed to ``inf``: a mean came out infinite, and a row divided
    by its total came out all zero, as though it were empty. Division by a power of two is
    exact, so shifted sums and ratios are those of the values themselves; the shift is 0
    for every row below ``2**SUMMABLE_EXPONENT`` (ordinary data keep their results bit for
    bit) and at most 64, so no value above ``2**-958`` becomes subnormal.
    """
    exponent = np.frexp(np.asarray(largest, dtype=np.float64))[1].astype(np.int64)
    return np.maximum(exponent - SUMMABLE_EXPONENT, 0)

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


"""The dataset summary's value histogram: a zero stored as -0.0 was labelled "-0" (a value
no rating has, and a bin "-0-1.5"), and a bin with a negative edge was written "-3--1" or
"-1-1" (from -1 to 1), which do not read as ranges."""

from __future__ import annotations

import numpy as np

from recstack.data.interactions import Interactions
from recstack.data.stats import describe


def _data(values: list[float]) -> Interactions:
    n = len(values)
    return Interactions.from_arrays(np.arange(n), np.arange(n), values=np.array(values))


def test_a_negative_zero_is_labelled_zero() -> None:
    assert describe(_data([-0.0, 1.0, 0.0])).value_histogram == {"0": 2, "1": 1}


def test_a_bin_from_a_negative_zero_starts_at_zero() -> None:
    # two bins over [0, 3]: [0, 1.5) and [1.5, 3]
    histogram = describe(_data([-0.0, 1.0, 2.0, 3.0]), max_histogram_bins=2).value_histogram
    assert histogram == {"0-1.5": 2, "1.5-3": 2}


def test_bins_with_a_negative_edge_are_written_with_to() -> None:
    # two bins over [-3, -1]: [-3, -2) holds -3, [-2, -1] holds -2, -1.5 and -1
    histogram = describe(_data([-3.0, -2.0, -1.5, -1.0]),
                         max_histogram_bins=2).value_histogram
    assert histogram == {"-3 to -2": 1, "-2 to -1": 3}
    # across zero: [-1, 1) holds -1, [1, 3] holds 1, 2 and 3
    histogram = describe(_data([-1.0, 1.0, 2.0, 3.0]), max_histogram_bins=2).value_histogram
    assert histogram == {"-1 to 1": 1, "1 to 3": 3}
    text = str(describe(_data([-1.0, 1.0, 2.0, 3.0]), max_histogram_bins=2))
    assert "-1 to 1" in text and "--" not in text


def test_bins_of_positive_values_keep_their_labels() -> None:
    histogram = describe(_data([1.0, 2.0, 3.0, 4.0]), max_histogram_bins=3).value_histogram
    assert histogram == {"1-2": 1, "2-3": 1, "3-4": 2}

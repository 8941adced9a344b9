"""Sixth probe, the dataset summary: every row is counted in the histogram, and the number
of bins is checked."""

import numpy as np
import pytest

from recstack.data.interactions import Interactions
from recstack.data.stats import describe
from recstack.errors import RecstackError


def _data(values):
    n = len(values)
    return Interactions.from_arrays(np.arange(n), np.arange(n), values=values)


def test_bins_that_print_alike_keep_their_own_counts():
    # 13 values in (1000, 1000.12]: at three digits every bin was '1e+03-1e+03', and the
    # histogram counted 2 of the 13 rows
    data = _data(1000 + np.arange(13) / 100)
    histogram = describe(data).value_histogram
    assert len(histogram) == 12
    assert sum(histogram.values()) == 13


def test_distinct_values_that_print_alike_keep_their_own_counts():
    # 1.0, 1.0000001 and 1.0000002 are three float32 values that '%g' prints as '1'
    data = _data(np.array([1.0, 1.0000001, 1.0000002, 1.0000002], np.float32))
    histogram = describe(data).value_histogram
    assert sorted(histogram.values()) == [1, 1, 2]
    assert histogram["1"] == 1


@pytest.mark.parametrize("bins", [0, -1, 2.5, True, "12"])
def test_a_bin_count_that_is_no_positive_integer_is_refused(bins):
    # numpy's "`bins` must be positive" ValueError, or True read as one bin
    with pytest.raises(RecstackError, match=r"max_histogram_bins must be a positive integer"):
        describe(_data([1.0, 2.0, 3.0]), max_histogram_bins=bins)


def test_a_bin_count_numpy_could_not_allocate_is_refused():
    with pytest.raises(RecstackError, match=r"max_histogram_bins must be at most 10,000"):
        describe(_data(np.arange(20, dtype=float)), max_histogram_bins=10**12)

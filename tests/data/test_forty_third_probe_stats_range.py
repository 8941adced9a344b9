"""Forty-third probe, ``describe`` of values spanning float32's whole range (a log with
-3e38 and 3e38 in it, both valid float32 values): numpy's histogram, computed in float32,
raised "Too many bins for data range. Cannot create 12 finite-sized bins". The bins are
now computed in float64, where that span is an ordinary number."""

import numpy as np

from recstack.data.interactions import Interactions
from recstack.data.stats import describe

BIG = float(np.finfo(np.float32).max)


def test_values_spanning_float32s_range_get_a_histogram():
    values = np.concatenate([[-BIG, BIG], np.arange(18)]).astype(np.float32)
    data = Interactions.from_arrays(list(range(20)), list(range(20)), values)
    summary = describe(data, max_histogram_bins=4)
    counts = list(summary.value_histogram.values())
    # four equal-width bins over [-BIG, BIG]: -BIG alone in the first, 0..17 in the third
    # ([0, BIG/2)), BIG alone in the last (which includes its right edge)
    assert counts == [1, 0, 18, 1]
    assert "rows        20" in str(summary)


def test_ordinary_values_keep_their_bins():
    data = Interactions.from_arrays(list(range(20)), list(range(20)), np.arange(20.0))
    counts = list(describe(data, max_histogram_bins=4).value_histogram.values())
    assert counts == [5, 5, 5, 5]

"""Seventh bad-input probe, per-item values given as a pandas Series indexed by item index in
another order (``value_counts()`` of the item indices lists the most frequent first): the
catalog metrics read one value per item by position, so each count, popularity, tail flag
or group went to another item, and novelty, popularity, long-tail share and group
exposure came out wrong without a word."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from recstack.metrics._validation import MetricInputError
from recstack.metrics.beyond_accuracy import average_popularity, novelty
from recstack.metrics.lists import group_exposure, long_tail_share

LISTS = np.array([[0, 1], [2, 3]])
# items 0..3 hold 8, 3, 10, 5 rows; value_counts order: most frequent first
BY_FREQUENCY = pd.Series([10, 8, 5, 3], index=[2, 0, 3, 1])
IN_ORDER = np.array([8, 3, 10, 5])


@pytest.mark.parametrize("call", [
    lambda values: novelty(LISTS, values, 20),
    lambda values: average_popularity(LISTS, values),
    lambda values: long_tail_share(LISTS, values < 6),
    lambda values: group_exposure(LISTS, (values > 6).astype(int), 2),
])
def test_a_series_of_item_indices_out_of_order_is_refused(call):
    with pytest.raises(MetricInputError, match=r"indexed by the row numbers in another order "
                                               r"\(position 0 holds row 2\).*sort_index"):
        call(BY_FREQUENCY)


def test_the_sorted_series_gives_the_values_of_the_definition():
    # mean popularity of each list: (8 + 3) / 2 and (10 + 5) / 2
    np.testing.assert_allclose(average_popularity(LISTS, BY_FREQUENCY.sort_index()),
                               [5.5, 7.5])
    np.testing.assert_allclose(novelty(LISTS, BY_FREQUENCY.sort_index(), 20),
                               novelty(LISTS, IN_ORDER, 20))

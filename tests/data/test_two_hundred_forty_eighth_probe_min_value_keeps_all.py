"""A ``min_value`` threshold at or below every value (``0.4`` written for 4 stars on a 1-5
scale) kept every row, its step saying "removed 0 rows", while ``implicit(threshold)`` and
the evaluator's ``relevance_threshold`` warn of the same mistake. It now gives the same
:class:`ThresholdKeepsEveryRowWarning`, by the shared rule: values that differ, all at
least the threshold."""

from __future__ import annotations

import warnings

import pytest

from recstack.data import ThresholdKeepsEveryRowWarning
from recstack.data.filters import MinValue, apply_filters
from recstack.data.interactions import Interactions


def _ratings(values):
    return Interactions.from_arrays(list(range(len(values))), [0] * len(values), values,
                                    rating_range=(1, 5))


@pytest.mark.parametrize("threshold", [0.4, 1, -3])
def test_a_threshold_below_every_rating_is_warned_of(threshold):
    data = _ratings([1.0, 3.0, 5.0])
    with pytest.warns(ThresholdKeepsEveryRowWarning) as caught:
        kept, steps = apply_filters(data, [MinValue(threshold)])
    assert len(kept) == 3 and steps[0].rows_after == 3
    assert len(caught) == 1
    assert str(caught[0].message) == (
        f"min_value(threshold={threshold:g}) keeps every row: the 3 values run from 1 to 5, "
        "all at least the threshold, so no row is removed, as without one; give a "
        "threshold within the values (e.g. 4 on a 1-5 scale), or leave it out")


def test_the_filters_own_apply_warns_too():
    with pytest.warns(ThresholdKeepsEveryRowWarning, match=r"^min_value\(threshold=2\) "
                      r"keeps every row: the 2 values run from 2 to 4"):
        kept, _ = MinValue(2).apply(_ratings([2.0, 4.0]))
    assert len(kept) == 2


@pytest.mark.parametrize(("values", "threshold", "kept"), [
    ([1.0, 3.0, 5.0], 3, 2),     # some rows removed: 3 and 5 kept
    ([1.0, 3.0, 5.0], 5, 1),     # the scale's top keeps the 5 alone
    ([4.0, 4.0], 4, 2),          # one value throughout: nothing to set apart
])
def test_a_threshold_within_the_values_or_of_one_value_is_silent(values, threshold, kept):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert len(apply_filters(_ratings(values), [MinValue(threshold)])[0]) == kept


def test_implicit_data_are_silent():
    data = Interactions.from_arrays([1, 2, 3], [1, 1, 2])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert len(MinValue(1).apply(data)[0]) == 3

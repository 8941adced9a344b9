"""Thresholds compared with interaction values: any real number, compared in float32 (the
type values are kept in), and a threshold that keeps every row is said."""

from __future__ import annotations

import warnings
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest

from recstack.data.filters import MinValue, apply_filters
from recstack.data.interactions import Interactions, ThresholdKeepsEveryRowWarning
from recstack.errors import ConfigError, EmptyResultError


def _ratings(values):
    return Interactions.from_arrays(list(range(len(values))), list(range(len(values))),
                                    values)


@pytest.mark.parametrize("threshold", [3.6, np.float64(3.6), Decimal("3.6"),
                                       Fraction(18, 5), np.float32(3.6)])
def test_a_rating_equal_to_the_threshold_is_kept(threshold):
    # by the definition value >= threshold: the rating 3.6 is at least 3.6, whatever
    # number type says 3.6 (in float64 the kept float32(3.6) = 3.5999999 was below it)
    data = _ratings([3.6, 3.5, 4.0])
    kept = data.implicit(threshold)
    assert sorted(kept.items.external_ids[kept.item_index].tolist()) == [0, 2]
    assert np.all(kept.value == 1.0)


@pytest.mark.parametrize("threshold", [Decimal("2"), Fraction(5, 2), np.int8(2)])
def test_exact_numbers_are_thresholds(threshold):
    data = _ratings([1.0, 2.0, 3.0, 5.0])
    assert len(data.implicit(threshold)) == sum(v >= threshold for v in (1, 2, 3, 5))


def test_exact_alpha_weights():
    data = _ratings([1.0, 2.0])
    assert data.implicit(alpha=Decimal("0.5")).value.tolist() == [1.5, 2.0]


@pytest.mark.parametrize(("threshold", "shown"), [
    (10**400, "a 401-digit integer"), (-10**400, "a 401-digit integer"),
    (Decimal("NaN"), "Decimal('NaN')"), (Decimal("Infinity"), "Decimal('Infinity')"),
    (float("nan"), "nan"), (True, "True"), ("3", "'3'"), (np.array([1, 2]), "array")])
def test_a_threshold_that_is_no_finite_number_is_refused_by_name(threshold, shown):
    data = _ratings([1.0, 5.0])
    with pytest.raises(ConfigError, match="threshold must be a finite number") as info:
        data.implicit(threshold)
    assert shown in str(info.value)


def test_a_huge_alpha_is_refused_by_name():
    with pytest.raises(ConfigError, match=r"alpha must be a finite number or None, got a "
                                          r"401-digit integer"):
        _ratings([1.0]).implicit(alpha=10**400)


def test_a_threshold_below_every_value_warns_that_every_row_is_kept():
    data = _ratings([1.0, 3.0, 5.0])
    with pytest.warns(ThresholdKeepsEveryRowWarning,
                      match=r"implicit\(threshold=0.4\) keeps every row: the 3 values run "
                            r"from 1 to 5"):
        kept = data.implicit(0.4)
    assert len(kept) == 3


@pytest.mark.parametrize("values", [[1.0, 1.0], [2.0, 5.0]])
def test_a_threshold_within_the_values_or_on_implicit_data_is_silent(values):
    data = _ratings(values)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ThresholdKeepsEveryRowWarning)
        data.implicit(values[-1])  # keeps some rows (or all, of identical values)
        data.implicit()  # no threshold: every row, as asked


@pytest.mark.parametrize(("threshold", "kept"), [
    (0.1, 4), (0.2, 3), (3.6, 2), (3.61, 1), (1e30, 1), (1e300, 0)])
def test_min_value_and_implicit_keep_the_same_rows(threshold, kept):
    # values 0.1, 0.2, 3.6, 1e30 as given: kept are those >= the threshold as given (a
    # threshold beyond float32's range above every value)
    data = _ratings([0.1, 0.2, 3.6, 1e30])
    if kept:
        filtered, _ = apply_filters(data, [MinValue(threshold)])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ThresholdKeepsEveryRowWarning)
            assert len(data.implicit(threshold)) == len(filtered) == kept
    else:
        with pytest.raises(EmptyResultError, match="keeps no row"):
            data.implicit(threshold)

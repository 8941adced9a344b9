"""A float32 (or float16) option is read as the number it shows, its shortest repr, as the
data splits read a fraction: np.float32(0.9) is 0.9, not 0.8999999761581421."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.metrics._validation import exact_as_float
from recstack.metrics.online import two_proportion_ztest, welch_ttest


@pytest.mark.parametrize("value, shown", [(np.float32(0.9), 0.9), (np.float32(0.1), 0.1),
                                          (np.float16(0.3), 0.3), (np.float32(1e-3), 0.001)])
def test_a_short_float_is_the_number_it_shows(value, shown):
    read = exact_as_float(value)
    assert type(read) is float
    assert read == shown


def test_float64_and_non_finite_short_floats_are_kept():
    x = np.float64(0.1)
    assert exact_as_float(x) is x
    assert np.isnan(exact_as_float(np.float32("nan")))
    assert exact_as_float(np.float32("inf")) == float("inf")


def test_ztest_confidence_is_the_level_given_as_float32():
    result = two_proportion_ztest(10, 100, 20, 100, alpha=np.float32(0.1))
    # confidence = 1 - alpha, with alpha the 0.1 the user wrote
    assert result.confidence == 1 - 0.1
    assert result == two_proportion_ztest(10, 100, 20, 100, alpha=0.1)


def test_welch_confidence_from_a_float32_alpha():
    a, b = [1.0, 2.0, 3.0, 4.0], [2.0, 3.0, 5.0, 7.0]
    assert welch_ttest(a, b, alpha=np.float32(0.2)).confidence == 1 - 0.2

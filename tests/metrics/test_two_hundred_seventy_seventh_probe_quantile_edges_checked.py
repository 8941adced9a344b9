"""``quantile_edges`` checks its own arguments, as ``reliability_curve`` does: an empty array
was numpy's IndexError, NaN or infinity gave NaN edges, and ``n_bins`` of 0 or -1 gave one
edge or none, without a word."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.metrics import MetricInputError
from recstack.metrics.classification import quantile_edges


def test_edges_of_valid_values_are_the_percentiles() -> None:
    # 4 values, 2 bins: the median of 0.1, 0.2, 0.3, 0.4 is (0.2 + 0.3) / 2 = 0.25
    assert quantile_edges([0.1, 0.2, 0.3, 0.4], 2).tolist() == [0.1, 0.25, 0.4]
    # one bin: the minimum and the maximum
    assert quantile_edges(np.array([3.0, 1.0, 2.0]), 1).tolist() == [1.0, 3.0]
    # a whole numpy integer is a count of bins
    assert quantile_edges([0.0, 1.0], np.int64(2)).tolist() == [0.0, 0.5, 1.0]


@pytest.mark.parametrize("values", [[], np.array([], dtype=np.float64)])
def test_empty_values_are_refused(values: object) -> None:
    with pytest.raises(MetricInputError, match="values is empty; quantile edges need at least"):
        quantile_edges(values, 3)  # type: ignore[arg-type]


@pytest.mark.parametrize(("values", "shown"), [([0.1, np.nan], "nan"),
                                               ([0.1, np.inf], "inf"),
                                               ([0.1, -np.inf], "-inf")])
def test_values_that_are_not_finite_are_refused_with_their_position(values: list[float],
                                                                     shown: str) -> None:
    with pytest.raises(MetricInputError, match=f"values must be finite; position 1 holds {shown}"):
        quantile_edges(values, 2)  # type: ignore[arg-type]


@pytest.mark.parametrize(("values", "match"), [
    (np.array([[0.1, 0.2], [0.3, 0.4]]), r"values must be 1-D, got an array of shape \(2, 2\)"),
    (["a", "b"], "values must be an array of numbers, got text 'a' at position 0"),
])
def test_values_of_the_wrong_form_are_refused(values: object, match: str) -> None:
    with pytest.raises(MetricInputError, match=match):
        quantile_edges(values, 2)  # type: ignore[arg-type]


@pytest.mark.parametrize(("n_bins", "match"), [
    (0, r"n_bins must be a positive integer \(>= 1\), got 0"),
    (-1, r"n_bins must be a positive integer \(>= 1\), got -1"),
    (2.5, "n_bins must be a positive integer, got 2.5"),
    (True, "n_bins must be a positive integer, got True"),
    (10**12, "n_bins must be at most 100,000 .*got 1,000,000,000,000"),
])
def test_bad_bin_counts_are_refused(n_bins: object, match: str) -> None:
    with pytest.raises(MetricInputError, match=match):
        quantile_edges([0.1, 0.2], n_bins)  # type: ignore[arg-type]

"""Seventh bad-input probe, intra-list diversity of feature vectors far from unit length:
the squares of values beyond about 1e154 overflowed a vector's norm to infinity and those
below about 1e-154 underflowed it to 0, and either way the item counted as one without
features: its pairs were left out, and a list of such items had a NaN diversity instead of
the diversity of their directions."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from recstack.metrics.beyond_accuracy import intra_list_diversity

LIST = np.array([[0, 1, 2]])
# (1, 1), (1, 0), (0, 1): cosines 1/sqrt(2), 1/sqrt(2) and 0 over the three pairs
DIRECTIONS = np.array([[1.0, 1.0], [1.0, 0.0], [0.0, 1.0]])
EXPECTED = 1 - (2 / np.sqrt(2)) / 3


@pytest.mark.parametrize("magnitude", [1.0, 1e200, 1e300, 1e-200, 1e-300])
@pytest.mark.parametrize("sparse", [False, True])
def test_diversity_depends_on_directions_only(magnitude, sparse):
    features = DIRECTIONS * magnitude
    if sparse:
        features = sp.csr_matrix(features)
    assert intra_list_diversity(LIST, features) == pytest.approx([EXPECTED])


def test_items_without_features_still_have_no_direction():
    # items 0-2 have no features (item 3 has one): the list of the three has no pair to
    # compare. A matrix in which no item at all has features (all zeros, or no columns) is
    # refused instead (tests/metrics/test_fortieth_probe_diversity.py): every list would
    # be NaN.
    features = sp.csr_matrix(np.array([[0.0, 0.0], [0.0, 0.0], [0.0, 0.0], [1.0, 0.0]]))
    assert np.isnan(intra_list_diversity(LIST, features)).all()

"""Popularity counts of true/false are refused, as true/false embeddings already are: a
mask given where training counts belong was read as counts of 1 and 0 and correlated with
the vectors as popularity."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.analysis import embedding_health, log_popularity, pca_analysis
from recstack.errors import RecstackError

VECTORS = np.random.default_rng(0).normal(size=(30, 5))
MASK = np.arange(30) % 2 == 0


@pytest.mark.parametrize("call", [
    lambda: log_popularity(MASK),
    lambda: log_popularity([True, False]),
    lambda: pca_analysis(VECTORS, MASK),
    lambda: embedding_health(VECTORS, MASK),
])
def test_boolean_counts_are_refused(call):
    with pytest.raises(RecstackError, match=r"popularity.* must be counts \(numbers >= 0\), "
                                            r"got true/false values"):
        call()


def test_counts_of_numbers_still_read():
    # log(1 + count), by its definition
    np.testing.assert_allclose(log_popularity([0, 1, 9]), np.log([1.0, 2.0, 10.0]))
    counts = MASK.astype(float) * 3
    assert pca_analysis(VECTORS, counts).reading()

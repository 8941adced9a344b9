"""Sixth bad-input probe, PCA against popularity: when every item has the same training
count, log(1 + count) is constant but its floating-point standard deviation is 3e-16, not
0, so the analysis read a correlation of -0.00 and named a "component most related to"
popularity instead of saying that popularity is constant."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.analysis.embeddings import pca_analysis

VECTORS = np.random.default_rng(0).normal(size=(30, 4))


@pytest.mark.parametrize("count", [1, 7, 1000])
def test_equal_popularity_has_no_correlation_to_read(count):
    analysis = pca_analysis(VECTORS, np.full(30, count))
    assert np.isnan(analysis.popularity_correlation).all()
    assert "Popularity is constant, so no correlation can be read." in analysis.reading()
    assert "most related" not in analysis.reading()

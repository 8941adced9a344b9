"""Sixth bad-input probe, embeddings against popularity: when every item has the same training
count, log(1 + count) is constant but its floating-point standard deviation is 3e-16, not
0, so the analysis read a correlation of -0.00 and named a "component most related to"
popularity instead of saying that popularity is constant; and vector lengths equal up
to float32 rounding (unit vectors) were ranked against popularity, their rounding noise
reported as a trend."""

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


def test_unit_length_vectors_report_no_length_popularity_trend():
    # a model that normalises its vectors (two_tower) stores lengths 1 up to float32
    # rounding; ranked, that noise gave a Spearman of +0.81 with popularity and the problem
    # "vector lengths track popularity"
    from recstack.analysis.embeddings import embedding_health

    vectors = np.random.default_rng(10).normal(size=(8, 16)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    health = embedding_health(vectors, np.arange(8))
    assert np.isnan(health.norm_popularity_correlation)
    assert "track popularity" not in health.reading()

"""Correlations with popularity read from two vectors.

Two points always lie on a line: their Pearson and Spearman correlations are +1 or -1
whatever the vectors, so two items were read as "the first component captures popularity
(correlation -1.00)" and their lengths as tracking popularity ("Spearman +1.00", a
problem found). Now no correlation is read from fewer than three vectors, and the PCA
reading says why.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from recstack.analysis.embeddings import MIN_CORRELATION_ROWS, embedding_health, pca_analysis

TWO = np.array([[1.0, 0.0], [0.0, 3.0]])


def test_pca_reads_no_correlation_from_two_vectors() -> None:
    analysis = pca_analysis(TWO, [1, 5])
    assert np.isnan(analysis.popularity_correlation).all()
    assert len(analysis.popularity_correlation) == 2
    assert not analysis.captures_popularity
    assert ("No correlation with popularity can be read from 2 vectors (two points always "
            "correlate +1 or -1; it takes 3 or more).") in analysis.reading()
    assert "activity can be read from 2 vectors" in pca_analysis(TWO, [1, 5],
                                                                 kind="user").reading()


def test_health_reads_no_length_correlation_from_two_vectors() -> None:
    health = embedding_health(TWO, [1, 5])
    assert math.isnan(health.norm_popularity_correlation)
    assert health.findings() == []
    assert "Spearman" not in health.reading()


@pytest.mark.parametrize("popularity", [[1, 5, 2], [2, 5, 1]])
def test_three_vectors_are_read(popularity: list[int]) -> None:
    assert MIN_CORRELATION_ROWS == 3
    vectors = np.array([[1.0, 0.0], [0.0, 3.0], [2.0, 2.0]])
    # lengths 1, 3, 2.83: ranks 1, 3, 2
    health = embedding_health(vectors, popularity)
    expected = {(1, 5, 2): 1.0, (2, 5, 1): 0.5}[tuple(popularity)]
    assert health.norm_popularity_correlation == pytest.approx(expected)
    analysis = pca_analysis(vectors, popularity)
    assert np.isfinite(analysis.popularity_correlation).all()

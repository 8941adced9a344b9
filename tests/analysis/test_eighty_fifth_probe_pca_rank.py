"""Principal components beyond the rank of the vectors (fewer rows than dimensions, or
dimensions that depend on each other) carry no variance: their scores are rounding noise,
whose correlation with popularity was reported, and named by ``reading()`` as "the
component most related to" popularity. Their correlation is NaN now. And a t-SNE
perplexity below 1 (less than one neighbour) is refused by name, where openTSNE failed
with "range() arg 3 must not be zero"."""

from __future__ import annotations

import numpy as np
import pytest

from recstack.analysis import pca_analysis, project
from recstack.errors import RecstackError


def _reference_correlations(x: np.ndarray, popularity: np.ndarray, rank: int) -> np.ndarray:
    """|Pearson| of the scores on the first ``rank`` principal directions (the right
    singular vectors of the centred rows) with log(1 + popularity)."""
    centred = x - x.mean(axis=0)
    u, s, _ = np.linalg.svd(centred, full_matrices=False)
    target = np.log1p(popularity)
    return np.array([abs(np.corrcoef(u[:, j] * s[j], target)[0, 1]) for j in range(rank)])


def test_components_beyond_fewer_rows_than_dimensions_have_no_correlation():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(3, 6))  # 3 centred rows span 2 directions
    popularity = np.array([1.0, 5.0, 30.0])
    analysis = pca_analysis(x, popularity, n_components=6)
    assert len(analysis.popularity_correlation) == 6
    np.testing.assert_allclose(np.abs(analysis.popularity_correlation[:2]),
                               _reference_correlations(x, popularity, 2), rtol=1e-9)
    assert np.isnan(analysis.popularity_correlation[2:]).all()


def test_dependent_dimensions_are_never_named_as_related_to_popularity():
    rng = np.random.default_rng(1)
    base = rng.normal(size=(20, 2))
    x = np.hstack([base, base @ rng.normal(size=(2, 3))])  # rank 2 in 5 dimensions
    popularity = rng.integers(0, 50, 20).astype(float)
    analysis = pca_analysis(x, popularity, n_components=5)
    np.testing.assert_allclose(np.abs(analysis.popularity_correlation[:2]),
                               _reference_correlations(x, popularity, 2), rtol=1e-9)
    assert np.isnan(analysis.popularity_correlation[2:]).all()
    text = analysis.reading()
    assert not any(f"PC{j}" in text for j in (3, 4, 5)), text


def test_full_rank_vectors_keep_every_correlation():
    rng = np.random.default_rng(2)
    x = rng.normal(size=(50, 4))
    popularity = rng.integers(0, 100, 50).astype(float)
    analysis = pca_analysis(x, popularity, n_components=4)
    np.testing.assert_allclose(np.abs(analysis.popularity_correlation),
                               _reference_correlations(x, popularity, 4), rtol=1e-9)


@pytest.mark.parametrize("perplexity", [1e-9, 0.1, 0.33])
def test_a_perplexity_below_one_is_refused_by_name(perplexity):
    x = np.random.default_rng(0).normal(size=(30, 4))
    with pytest.raises(RecstackError, match=r"perplexity must be at least 1 \(t-SNE's "
                                            r"effective number of neighbours"):
        project(x, "tsne", perplexity=perplexity)


def test_a_perplexity_of_one_and_one_above_the_points_are_mapped():
    pytest.importorskip("openTSNE")
    x = np.random.default_rng(0).normal(size=(12, 4))
    for perplexity in (1, 50):  # 50 is capped below a third of the 12 points
        mapped = project(x, "tsne", perplexity=perplexity)
        assert mapped.coordinates.shape == (12, 2)
        assert np.isfinite(mapped.coordinates).all()

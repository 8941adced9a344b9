"""Round 52 (J): vectors with fewer rows than dimensions (64 factors x 50,000 items given
transposed, or a handful of vectors of a wide model) were analysed through the
``dim x dim`` scatter matrix: 16 x 3,000 took half a minute in each of ``pca_analysis`` and
``embedding_health``, and 64 x 50,000 asked for 20 GB. The shares, directions and
effective rank now come from the rows' SVD; the values are checked against scikit-learn's
PCA and numpy's SVD worked here, and the memory held is bounded well below one
``dim x dim`` matrix (72 MB at 3,000 dimensions) by tracemalloc, which sees numpy's arrays."""

from __future__ import annotations

import tracemalloc

import numpy as np
from sklearn.decomposition import PCA

from recstack.analysis import embedding_health, pca_analysis


def _wide(rows: int = 16, dim: int = 3000) -> np.ndarray:
    return np.random.default_rng(7).normal(size=(rows, dim))


#: far below the 72 MB of one 3,000 x 3,000 float64 matrix
MOST_BYTES = 16 * 2**20


def _peak_bytes(run):
    tracemalloc.start()
    try:
        result = run()
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_pca_of_wide_vectors_agrees_with_scikit_learn_without_a_dim_by_dim_matrix():
    x = _wide()
    analysis, peak = _peak_bytes(lambda: pca_analysis(x, n_components=20))
    reference = PCA().fit(x)  # 16 rows: 16 components, the last without variance
    assert analysis.explained_variance_ratio.shape == (3000,)
    np.testing.assert_allclose(analysis.explained_variance_ratio[:15],
                               reference.explained_variance_ratio_[:15], rtol=1e-9)
    assert np.all(analysis.explained_variance_ratio[15:] == 0)
    # the same directions up to sign, and 20 orthonormal ones in all
    cosines = np.abs(np.sum(analysis.components[:15] * reference.components_[:15], axis=1))
    np.testing.assert_allclose(cosines, 1.0, atol=1e-9)
    np.testing.assert_allclose(analysis.components @ analysis.components.T, np.eye(20),
                               atol=1e-9)
    assert peak < MOST_BYTES, f"pca_analysis of 16 x 3,000 held {peak / 2**20:.0f} MiB"


def test_pca_of_three_vectors_keeps_orthonormal_directions_beyond_their_rank():
    x = np.array([[1.0, 2.0, 0.0, 4.0, 1.0], [0.0, 1.0, 3.0, 1.0, 2.0],
                  [2.0, 0.0, 1.0, 1.0, 0.0]])
    analysis = pca_analysis(x, np.array([1, 5, 30]))
    centred = x - x.mean(axis=0)
    singular = np.linalg.svd(centred, compute_uv=False)
    np.testing.assert_allclose(analysis.explained_variance_ratio[:2],
                               singular[:2] ** 2 / np.sum(singular ** 2), rtol=1e-9)
    assert np.all(analysis.explained_variance_ratio[2:] == 0)
    np.testing.assert_allclose(analysis.components @ analysis.components.T, np.eye(5),
                               atol=1e-9)
    # the directions without variance are rounding noise: no correlation read from them
    assert np.all(np.isnan(analysis.popularity_correlation[2:]))


def test_health_of_wide_vectors_reads_the_effective_rank_from_the_singular_values():
    x = _wide()
    health, peak = _peak_bytes(lambda: embedding_health(x))
    singular = np.linalg.svd(x - x.mean(axis=0), compute_uv=False)[:15]  # rank 15
    p = singular / singular.sum()
    assert np.isclose(health.effective_rank, np.exp(-(p * np.log(p)).sum()), rtol=1e-9)
    assert np.isclose(health.first_component_share, singular[0] ** 2 / np.sum(singular ** 2),
                      rtol=1e-9)
    assert peak < MOST_BYTES, f"embedding_health of 16 x 3,000 held {peak / 2**20:.0f} MiB"
